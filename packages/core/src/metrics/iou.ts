/**
 * Intersection-over-union metrics (Keras 3): a weighted confusion matrix accumulated on the
 * backend, from which IoU per class and their mean are read.
 */
import type { Tensor, Variable } from '../tensor/tensor.js';
import { engine } from '../engine/engine.js';
import { add, div, greater, greaterEqual, less, logicalAnd, mul, notEqual, sub } from '../ops/binary.js';
import { cast, eye } from '../ops/creation.js';
import { tensor, toTensor } from '../ops/convert.js';
import { argMax, sum } from '../ops/reduction.js';
import { broadcastTo, gather, scatterAdd } from '../ops/movement.js';
import { reshape } from '../ops/reshape.js';
import { where } from '../ops/selection.js';
import { registerClass, type ConfigDict } from '../serialization/registry.js';
import { shapeToString } from '../util/shape.js';
import { checkBoolean, checkInteger, checkNumber, EPSILON, toFloat } from '../losses/utils.js';
import { Metric, type MetricArgs } from './metric.js';
import { assignAdd } from './reduction.js';

/** Arguments of {@link IoU}. */
export interface IoUArgs extends MetricArgs {
  /** The number of classes (labels and predictions are ids in `[0, numClasses)`). */
  numClasses: number;
  /** The classes whose IoUs are averaged. */
  targetClassIds: readonly number[];
  /** A label id left out (e.g. a "void" class). Default null. */
  ignoreClass?: number | null;
  /** Labels are class ids (true, default) or scores reduced with arg-max over `axis`. */
  sparseYTrue?: boolean;
  /** Predictions are class ids (true, default) or scores reduced with arg-max over `axis`. */
  sparseYPred?: boolean;
  /** The class axis for dense inputs. Default -1. */
  axis?: number;
}

/**
 * IoU `tp / (tp + fp + fn)` per class from a confusion matrix over every update, averaged over
 * `targetClassIds` (classes never seen in labels or predictions are left out of the average).
 */
export class IoU extends Metric {
  static override readonly className: string = 'IoU';
  /** The number of classes. */
  readonly numClasses: number;
  /** The classes whose IoUs are averaged. */
  readonly targetClassIds: readonly number[];
  /** A label id left out, or null. */
  readonly ignoreClass: number | null;
  /** Whether labels are class ids (else scores). */
  readonly sparseYTrue: boolean;
  /** Whether predictions are class ids (else scores). */
  readonly sparseYPred: boolean;
  /** The class axis for scores. */
  readonly axis: number;
  private readonly totalCm: Variable;

  constructor(args: IoUArgs, defaultName = 'iou') {
    super(args, defaultName);
    if (!args || typeof args !== 'object') throw new Error(`${defaultName}: expected arguments with numClasses`);
    this.numClasses = checkInteger(this.name, 'numClasses', args.numClasses, 1);
    const ids = args.targetClassIds;
    if (!Array.isArray(ids) || ids.length === 0 || ids.some((i) => !Number.isInteger(i) || i < 0 || i >= this.numClasses)) {
      throw new Error(`${this.name}: targetClassIds must be a non-empty list of class ids in [0, ${this.numClasses}), got ${JSON.stringify(ids)}`);
    }
    this.targetClassIds = [...ids];
    this.ignoreClass = args.ignoreClass == null ? null : checkInteger(this.name, 'ignoreClass', args.ignoreClass);
    this.sparseYTrue = checkBoolean(this.name, 'sparseYTrue', args.sparseYTrue ?? true);
    this.sparseYPred = checkBoolean(this.name, 'sparseYPred', args.sparseYPred ?? true);
    this.axis = checkInteger(this.name, 'axis', args.axis ?? -1);
    this.totalCm = this.addVariable('total_confusion_matrix', [this.numClasses, this.numClasses]);
  }

  /** The predicted class ids (thresholding subclasses override this). */
  protected predictedIds(yPred: Tensor): Tensor {
    return this.sparseYPred ? toFloat(yPred) : cast(argMax(toFloat(yPred), this.axis), 'float32');
  }

  updateState(yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor | null): void {
    engine().tidy(() => {
      const t = reshape(this.sparseYTrue ? toFloat(yTrue) : cast(argMax(toFloat(yTrue), this.axis), 'float32'), [-1]);
      const p = reshape(this.predictedIds(yPred), [-1]);
      if (t.size !== p.size) {
        throw new Error(`${this.name}: yTrue ${shapeToString(yTrue.shape)} and yPred ${shapeToString(yPred.shape)} give ${t.size} labels but ${p.size} predictions`);
      }
      let w: Tensor = toTensor(1, 'sampleWeight', this.name);
      if (sampleWeight) {
        w = reshape(toFloat(toTensor(sampleWeight, 'sampleWeight', this.name)), [-1]);
        if (w.size !== 1 && w.size !== t.size) {
          throw new Error(`${this.name}: sampleWeight ${shapeToString(sampleWeight.shape)} must have one weight per label (${t.size})`);
        }
      }
      w = broadcastTo(w, t.shape);
      const C = this.numClasses;
      // Class ids are truncated to integers (as Keras casts); ids outside [0, C) are dropped.
      const ti = cast(t, 'int32');
      const pi = cast(p, 'int32');
      let valid = logicalAnd(logicalAnd(greaterEqual(ti, 0), less(ti, C)), logicalAnd(greaterEqual(pi, 0), less(pi, C)));
      if (this.ignoreClass !== null) valid = logicalAnd(valid, notEqual(ti, this.ignoreClass));
      const index = where(valid, add(mul(ti, C), pi), 0);
      const cm = scatterAdd(where(valid, w, 0), cast(index, 'int32'), 0, C * C);
      assignAdd(this.totalCm, reshape(cm, [C, C]));
    });
  }

  result(): Tensor {
    return engine().tidy(() => {
      const cm = this.totalCm;
      const predicted = sum(cm, 0);
      const actual = sum(cm, 1);
      const tp = sum(mul(cm, eye(this.numClasses)), 1);
      const denominator = sub(add(predicted, actual), tp);
      const ids = tensor(this.targetClassIds, [this.targetClassIds.length], 'int32');
      const tpT = gather(tp, ids);
      const denT = gather(denominator, ids);
      const validEntries = sum(cast(greater(denT, 1e-9), 'float32'));
      const iou = div(tpT, add(denT, EPSILON));
      return div(sum(iou), add(validEntries, EPSILON));
    });
  }

  /** The constructor arguments that rebuild this metric (JSON only). */
  override getConfig(): ConfigDict {
    return {
      ...super.getConfig(), numClasses: this.numClasses, targetClassIds: [...this.targetClassIds], ignoreClass: this.ignoreClass,
      sparseYTrue: this.sparseYTrue, sparseYPred: this.sparseYPred, axis: this.axis,
    };
  }
}
registerClass('metric', IoU);

/** Arguments of {@link MeanIoU}. */
export type MeanIoUArgs = Omit<IoUArgs, 'targetClassIds'>;

/** The mean of the per-class IoUs over all `numClasses` classes (semantic segmentation). */
export class MeanIoU extends IoU {
  static override readonly className = 'MeanIoU';
  constructor(args: MeanIoUArgs) {
    if (!args || typeof args !== 'object') throw new Error('mean_iou: expected arguments with numClasses, e.g. st.metrics.meanIoU({ numClasses: 3 })');
    const numClasses = checkInteger('mean_iou', 'numClasses', args.numClasses, 1);
    super({ ...args, targetClassIds: Array.from({ length: numClasses }, (_, i) => i) }, 'mean_iou');
  }
  /** The constructor arguments that rebuild this metric (JSON only). */
  override getConfig(): ConfigDict {
    const { targetClassIds: _ids, ...config } = super.getConfig();
    return config;
  }
}
registerClass('metric', MeanIoU);

/** Arguments of {@link BinaryIoU}. */
export interface BinaryIoUArgs extends MetricArgs {
  /** Which of classes 0 and 1 are averaged. Default [0, 1]. */
  targetClassIds?: readonly number[];
  /** Predictions at or above it are class 1. Default 0.5. */
  threshold?: number;
}

/** IoU of binary predictions thresholded at `threshold` (class 1 when `yPred ≥ threshold`). */
export class BinaryIoU extends IoU {
  static override readonly className = 'BinaryIoU';
  /** Predictions above it count as class 1. */
  readonly threshold: number;
  constructor(args: BinaryIoUArgs = {}) {
    super({ name: args.name, dtype: args.dtype, numClasses: 2, targetClassIds: args.targetClassIds ?? [0, 1] }, 'binary_iou');
    this.threshold = checkNumber(this.name, 'threshold', args.threshold ?? 0.5);
  }
  protected override predictedIds(yPred: Tensor): Tensor {
    return cast(greaterEqual(toFloat(yPred), this.threshold), 'float32');
  }
  /** The constructor arguments that rebuild this metric (JSON only). */
  override getConfig(): ConfigDict {
    return { name: this.name, dtype: this.dtype, targetClassIds: [...this.targetClassIds], threshold: this.threshold };
  }
}
registerClass('metric', BinaryIoU);
