/**
 * Confusion-matrix metrics (Keras 3): true/false positive/negative counts at thresholds,
 * Precision, Recall and AUC. Counts accumulate in variables on the backend.
 */
import type { Tensor, Variable } from '../tensor/tensor.js';
import { engine } from '../engine/engine.js';
import { add, div, greater, logicalAnd, logicalOr, maximum, minimum, mul, notEqual, sub } from '../ops/binary.js';
import { cast, fill, oneHot, range } from '../ops/creation.js';
import { ceil, log, relu, sigmoid } from '../ops/unary.js';
import { argMax, cumsum, mean, sum } from '../ops/reduction.js';
import { broadcastTo, scatterAdd, slice } from '../ops/movement.js';
import { expandDims, reshape } from '../ops/reshape.js';
import { clipByValue, where } from '../ops/selection.js';
import { tensor, toTensor, type TensorLike } from '../ops/convert.js';
import { registerClass, type ConfigDict, type ConfigValue } from '../serialization/registry.js';
import { broadcastShapes, shapeToString } from '../util/shape.js';
import { checkBoolean, checkInteger, EPSILON, sameShape, squeezeOrExpandToSameRank, toFloat } from '../losses/utils.js';
import { Metric, type MetricArgs } from './metric.js';
import { assignAdd, divideNoNan } from './reduction.js';

/** The value Keras gives predictions outside the top k (below every threshold). */
const NEG_INF = -1e10;

/** Which counts a confusion-matrix update fills. */
export interface ConfusionVariables {
  /** True positive counts. */
  tp?: Variable;
  /** False positive counts. */
  fp?: Variable;
  /** True negative counts. */
  tn?: Variable;
  /** False negative counts. */
  fn?: Variable;
}

/** Options of `updateConfusionMatrixVariables`. */
export interface ConfusionOptions {
  /** Only the `topK` largest predictions of each row count as positive. */
  topK?: number | null;
  /** Only this class (last axis of yPred) is counted. */
  classId?: number | null;
  /** Weight of each sample's counts. */
  sampleWeight?: Tensor | null;
  /** Keep one count per label (the variables are `[thresholds, labels]`). */
  multiLabel?: boolean;
  /** Per-label weights (last axis) for flattened data. */
  labelWeights?: Tensor | null;
  /** Thresholds are `i / (n - 1)`: count with buckets and a cumulative sum (O(n + N)). */
  thresholdsDistributedEvenly?: boolean;
}

/** Keeps the `k` largest entries of each row and sets the rest to -1e10 (ties: lower index first). */
function filterTopK(x: Tensor, k: number): Tensor {
  const classes = x.shape[x.rank - 1]!;
  let keep: Tensor = fill(x.shape, false);
  let remaining = x;
  for (let i = 0; i < Math.min(k, classes); i++) {
    const hot = cast(oneHot(argMax(remaining, -1), classes), 'bool');
    keep = logicalOr(keep, hot);
    remaining = where(hot, -Infinity, remaining);
  }
  return where(keep, x, NEG_INF);
}

/**
 * Adds this batch's weighted counts to the given variables (Keras'
 * `update_confusion_matrix_variables`): at each threshold t, a prediction counts as positive when
 * it is greater than t; a label is positive when it is non-zero.
 * @internal
 */
export function updateConfusionMatrixVariables(where_: string, vars: ConfusionVariables, yTrue: TensorLike, yPred: TensorLike, thresholds: readonly number[], options: ConfusionOptions = {}): void {
  engine().tidy(() => {
    let p = toFloat(toTensor(yPred, 'yPred', where_));
    let t = toFloat(toTensor(yTrue, 'yTrue', where_));
    [p, t] = squeezeOrExpandToSameRank(p, t);
    if (!sameShape(p.shape, t.shape)) {
      throw new Error(`${where_}: yTrue ${shapeToString(t.shape)} and yPred ${shapeToString(p.shape)} must have the same shape`);
    }
    let w: Tensor | null = null;
    if (options.sampleWeight) {
      const sw = toFloat(toTensor(options.sampleWeight, 'sampleWeight', where_));
      [, w] = squeezeOrExpandToSameRank(t, expandDims(sw, -1), false);
      const out = broadcastShapes(w.shape, p.shape);
      if (!out || !sameShape(out, p.shape)) {
        throw new Error(`${where_}: sampleWeight ${shapeToString(sw.shape)} does not broadcast to yPred ${shapeToString(p.shape)}`);
      }
    }
    if (options.topK != null) p = filterTopK(p, options.topK);
    if (options.classId != null) {
      if (p.rank < 2) throw new Error(`${where_}: classId needs yPred of shape [batch, classes], got ${shapeToString(p.shape)}`);
      const classes = p.shape[p.rank - 1]!;
      if (options.classId >= classes) throw new Error(`${where_}: classId ${options.classId} is out of range for yPred ${shapeToString(p.shape)} (${classes} classes)`);
      const begin = p.shape.map((_, i) => (i === p.rank - 1 ? options.classId! : 0));
      const size = p.shape.map((d, i) => (i === p.rank - 1 ? 1 : d));
      p = slice(p, begin, size);
      t = slice(t, begin, size);
      if (w) w = slice(broadcastTo(w, p.shape.map((d, i) => (i === p.rank - 1 ? classes : d))), begin, size);
    }
    let weight: Tensor | null = w ? broadcastTo(w, p.shape) : null;
    const multiLabel = options.multiLabel ?? false;
    if (options.labelWeights && !multiLabel) {
      const lw = broadcastTo(options.labelWeights, p.shape);
      weight = weight ? mul(weight, lw) : lw;
    }
    const labelPos = notEqual(t, 0);
    const n = thresholds.length;
    let tp: Tensor;
    let fp: Tensor;
    let totalTrue: Tensor;
    let totalFalse: Tensor;
    const labels = multiLabel ? p.shape[p.rank - 1]! : 1;
    // Flatten to [N] (or [N, labels] for multi-label data).
    const flat = (x: Tensor): Tensor => reshape(x, multiLabel ? [-1, labels] : [-1]);
    const truth = flat(cast(labelPos, 'float32'));
    const wFlat = weight ? flat(weight) : null;
    const trueLabels = wFlat ? mul(truth, wFlat) : truth;
    const falseLabels = wFlat ? mul(sub(1, truth), wFlat) : sub(1, truth);
    if (options.thresholdsDistributedEvenly) {
      // Bucket b holds predictions in (t_b, t_{b+1}]; the count above t_i is the sum of buckets ≥ i.
      const withEpsilon = thresholds[0]! < 0 || thresholds[n - 1]! > 1;
      let bucket = sub(ceil(mul(clipByValue(flat(p), 0, 1), n - 1)), 1);
      if (withEpsilon) bucket = relu(bucket);
      const inRange = greater(bucket, -1);
      let index = cast(where(inRange, bucket, 0), 'int32');
      let tl = where(inRange, trueLabels, 0);
      let fl = where(inRange, falseLabels, 0);
      if (multiLabel) {
        // One segment per (bucket, label): index = bucket·labels + label.
        index = reshape(add(mul(index, labels), range(0, labels, 1, 'int32')), [-1]);
        tl = reshape(tl, [-1]);
        fl = reshape(fl, [-1]);
      }
      const size = n * labels;
      const shape = multiLabel ? [n, labels] : [n];
      tp = cumsum(reshape(scatterAdd(tl, index, 0, size), shape), 0, false, true);
      fp = cumsum(reshape(scatterAdd(fl, index, 0, size), shape), 0, false, true);
    } else {
      const predFlat = flat(p);
      const thr = reshape(tensor(thresholds.map((x) => Math.fround(x))), multiLabel ? [n, 1, 1] : [n, 1]);
      const predPos = cast(greater(expandDims(predFlat, 0), thr), 'float32');
      tp = sum(mul(predPos, expandDims(trueLabels, 0)), 1);
      fp = sum(mul(predPos, expandDims(falseLabels, 0)), 1);
    }
    if (vars.tp) assignAdd(vars.tp, tp);
    if (vars.fp) assignAdd(vars.fp, fp);
    if (vars.tn || vars.fn) {
      totalTrue = sum(trueLabels, 0);
      totalFalse = sum(falseLabels, 0);
      if (vars.tn) assignAdd(vars.tn, sub(totalFalse, fp));
      if (vars.fn) assignAdd(vars.fn, sub(totalTrue, tp));
    }
  });
}

/** Checks user thresholds (each in [0, 1]) and returns them as a list. @internal */
export function parseThresholds(where_: string, thresholds: number | readonly number[] | null | undefined, fallback: number): number[] {
  if (thresholds === null || thresholds === undefined) return [fallback];
  const list = typeof thresholds === 'number' ? [thresholds] : [...thresholds];
  if (list.length === 0 || list.some((x) => typeof x !== 'number' || !(x >= 0 && x <= 1))) {
    throw new Error(`${where_}: thresholds must be numbers in [0, 1], got ${JSON.stringify(thresholds)}`);
  }
  return list;
}

/** Whether thresholds are `i / (n - 1)` for i = 0..n-1 (n ≥ 3), within 1e-7. @internal */
export function isEvenlyDistributed(thresholds: readonly number[]): boolean {
  const n = thresholds.length;
  if (n < 3) return false;
  return thresholds.every((x, i) => Math.abs(x - Math.fround(i / (n - 1))) <= EPSILON + 1e-5 * Math.abs(Math.fround(i / (n - 1))));
}

/** A result that is a scalar for one threshold and a vector for several. */
function perThreshold(x: Tensor, n: number): Tensor {
  return n === 1 ? reshape(x, []) : x;
}

function thresholdsConfig(init: number | readonly number[] | null): ConfigValue {
  return init === null || typeof init === 'number' ? init : [...init];
}

/** Arguments of the confusion counts. */
export interface ConfusionCountArgs extends MetricArgs {
  /** One threshold or several in [0, 1] (one count each). Default 0.5. */
  thresholds?: number | readonly number[] | null;
}

/**
 * The base of the confusion counts, Precision and Recall: the user's thresholds (kept as given
 * for the config), and updates of count variables at them.
 */
abstract class ThresholdMetric extends Metric {
  /** The thresholds, one count each. */
  readonly thresholds: readonly number[];
  private readonly initThresholds: number | readonly number[] | null;
  private readonly evenly: boolean;
  /** `fallback` is the threshold used when none is given. */
  constructor(args: ConfusionCountArgs, defaultName: string, fallback: number) {
    super(args, defaultName);
    this.initThresholds = args.thresholds ?? null;
    this.thresholds = parseThresholds(this.name, args.thresholds, fallback);
    this.evenly = isEvenlyDistributed(this.thresholds);
  }
  /** Adds this batch's counts at the thresholds to `vars`. */
  protected updateCounts(vars: ConfusionVariables, yTrue: Tensor, yPred: Tensor, sampleWeight: Tensor | null | undefined, options: ConfusionOptions = {}): void {
    updateConfusionMatrixVariables(this.name, vars, yTrue, yPred, this.thresholds, { ...options, sampleWeight, thresholdsDistributedEvenly: this.evenly });
  }
  /** The constructor arguments that rebuild this metric (JSON only). */
  override getConfig(): ConfigDict {
    return { ...super.getConfig(), thresholds: thresholdsConfig(this.initThresholds) };
  }
}

abstract class ConfusionCount extends ThresholdMetric {
  private readonly accumulator: Variable;
  constructor(args: ConfusionCountArgs, defaultName: string, private readonly which: keyof ConfusionVariables) {
    super(args, defaultName, 0.5);
    this.accumulator = this.addVariable('accumulator', [this.thresholds.length]);
  }
  updateState(yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor | null): void {
    this.updateCounts({ [this.which]: this.accumulator }, yTrue, yPred, sampleWeight);
  }
  result(): Tensor {
    return engine().tidy(() => perThreshold(add(this.accumulator, 0), this.thresholds.length));
  }
}

/** The (weighted) number of true positives: label non-zero, prediction above the threshold. */
export class TruePositives extends ConfusionCount {
  static override readonly className = 'TruePositives';
  constructor(args: ConfusionCountArgs = {}) {
    super(args, 'true_positives', 'tp');
  }
}
registerClass('metric', TruePositives);

/** The (weighted) number of false positives: label zero, prediction above the threshold. */
export class FalsePositives extends ConfusionCount {
  static override readonly className = 'FalsePositives';
  constructor(args: ConfusionCountArgs = {}) {
    super(args, 'false_positives', 'fp');
  }
}
registerClass('metric', FalsePositives);

/** The (weighted) number of true negatives: label zero, prediction at or below the threshold. */
export class TrueNegatives extends ConfusionCount {
  static override readonly className = 'TrueNegatives';
  constructor(args: ConfusionCountArgs = {}) {
    super(args, 'true_negatives', 'tn');
  }
}
registerClass('metric', TrueNegatives);

/** The (weighted) number of false negatives: label non-zero, prediction at or below the threshold. */
export class FalseNegatives extends ConfusionCount {
  static override readonly className = 'FalseNegatives';
  constructor(args: ConfusionCountArgs = {}) {
    super(args, 'false_negatives', 'fn');
  }
}
registerClass('metric', FalseNegatives);

/** Arguments of {@link Precision} and {@link Recall}. */
export interface PrecisionRecallArgs extends MetricArgs {
  /** One threshold or several in [0, 1]. Default 0.5 (or none with `topK`). */
  thresholds?: number | readonly number[] | null;
  /** Only the `topK` largest predictions of each row count as positive. */
  topK?: number | null;
  /** Only this class (last axis of yPred) is measured. */
  classId?: number | null;
}

abstract class PrecisionRecallBase extends ThresholdMetric {
  /** Only the `topK` largest predictions of each row count as positive, or null. */
  readonly topK: number | null;
  /** Only this class is measured, or null. */
  readonly classId: number | null;
  /** True positive counts per threshold. */
  protected readonly truePositives: Variable;
  /** False positive (Precision) or false negative (Recall) counts per threshold. */
  protected readonly other: Variable;
  constructor(args: PrecisionRecallArgs, defaultName: string, private readonly otherKind: 'fp' | 'fn') {
    // With topK and no thresholds, every prediction kept by the top-k filter counts as positive.
    super(args, defaultName, args.topK == null ? 0.5 : NEG_INF);
    this.topK = args.topK == null ? null : checkInteger(this.name, 'topK', args.topK, 1);
    this.classId = args.classId == null ? null : checkInteger(this.name, 'classId', args.classId, 0);
    this.truePositives = this.addVariable('true_positives', [this.thresholds.length]);
    this.other = this.addVariable(otherKind === 'fp' ? 'false_positives' : 'false_negatives', [this.thresholds.length]);
  }
  updateState(yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor | null): void {
    this.updateCounts({ tp: this.truePositives, [this.otherKind]: this.other }, yTrue, yPred, sampleWeight, { topK: this.topK, classId: this.classId });
  }
  result(): Tensor {
    return engine().tidy(() => perThreshold(divideNoNan(this.truePositives, add(this.truePositives, this.other)), this.thresholds.length));
  }
  /** The constructor arguments that rebuild this metric (JSON only). */
  override getConfig(): ConfigDict {
    return { ...super.getConfig(), topK: this.topK, classId: this.classId };
  }
}

/**
 * Precision `tp / (tp + fp)` of thresholded (or top-k) predictions.
 *
 * @example
 * const precision = new st.metrics.Precision();   // threshold 0.5
 * precision.updateState(st.tensor([0, 1, 1, 1]), st.tensor([1, 0, 1, 1]));
 * precision.result();   // 2 / 3
 */
export class Precision extends PrecisionRecallBase {
  static override readonly className = 'Precision';
  constructor(args: PrecisionRecallArgs = {}) {
    super(args, 'precision', 'fp');
  }
}
registerClass('metric', Precision);

/** Recall `tp / (tp + fn)` of thresholded (or top-k) predictions. */
export class Recall extends PrecisionRecallBase {
  static override readonly className = 'Recall';
  constructor(args: PrecisionRecallArgs = {}) {
    super(args, 'recall', 'fn');
  }
}
registerClass('metric', Recall);

/** Arguments of {@link AUC}. */
export interface AUCArgs extends MetricArgs {
  /** Thresholds spread evenly over [0, 1] (ignored when `thresholds` is given). Default 200. */
  numThresholds?: number;
  /** `'ROC'` (default) or `'PR'` (precision-recall). */
  curve?: 'ROC' | 'PR';
  /** How areas between thresholds are summed: `'interpolation'` (default), `'minoring'` or `'majoring'`. */
  summationMethod?: 'interpolation' | 'minoring' | 'majoring';
  /** Explicit thresholds in [0, 1] (the endpoints -1e-7 and 1 + 1e-7 are added). */
  thresholds?: readonly number[] | null;
  /** One curve per label (last axis), averaged. Default false (flattened). */
  multiLabel?: boolean;
  /** Number of labels with `multiLabel` (default: taken from the first batch). */
  numLabels?: number | null;
  /** Per-label weights: for the average with `multiLabel`, else for the flattened counts. */
  labelWeights?: readonly number[] | null;
  /** Apply a sigmoid to predictions first. Default false. */
  fromLogits?: boolean;
}

/**
 * The area under the ROC or precision-recall curve, from counts at `numThresholds` thresholds
 * (Riemann sums; for PR with interpolation, Davis & Goadrich's interpolation).
 *
 * @example
 * const auc = new st.metrics.AUC();   // ROC, 200 thresholds
 * auc.updateState(st.tensor([0, 0, 1, 1]), st.tensor([0.1, 0.4, 0.35, 0.8]));
 * auc.result();   // 0.75
 * model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: [new st.metrics.AUC({ curve: 'PR' })] });
 */
export class AUC extends Metric {
  static override readonly className = 'AUC';
  /** Number of thresholds. */
  readonly numThresholds: number;
  /** `ROC` or `PR`. */
  readonly curve: 'ROC' | 'PR';
  /** How areas between thresholds are summed. */
  readonly summationMethod: 'interpolation' | 'minoring' | 'majoring';
  /** Whether each label gets its own curve. */
  readonly multiLabel: boolean;
  /** Number of labels with `multiLabel`, or null until the first batch. */
  readonly numLabels: number | null;
  /** Per-label weights, or null. */
  readonly labelWeights: readonly number[] | null;
  /** Whether a sigmoid is applied to predictions first. */
  readonly fromLogits: boolean;
  /** Every threshold, endpoints included. */
  readonly thresholds: readonly number[];
  private readonly initThresholds: readonly number[] | null;
  private readonly evenly: boolean;
  private counts: { tp: Variable; fp: Variable; tn: Variable; fn: Variable } | null = null;

  constructor(args: AUCArgs = {}) {
    super(args, 'auc');
    const curve = String(args.curve ?? 'ROC').toUpperCase();
    if (curve !== 'ROC' && curve !== 'PR') throw new Error(`${this.name}: curve must be 'ROC' or 'PR', got '${String(args.curve)}'`);
    this.curve = curve;
    const method = String(args.summationMethod ?? 'interpolation').toLowerCase();
    if (method !== 'interpolation' && method !== 'minoring' && method !== 'majoring') {
      throw new Error(`${this.name}: summationMethod must be 'interpolation', 'minoring' or 'majoring', got '${String(args.summationMethod)}'`);
    }
    this.summationMethod = method;
    this.multiLabel = checkBoolean(this.name, 'multiLabel', args.multiLabel ?? false);
    this.fromLogits = checkBoolean(this.name, 'fromLogits', args.fromLogits ?? false);
    let inner: number[];
    if (args.thresholds != null) {
      inner = [...parseThresholds(this.name, args.thresholds, 0.5)].sort((a, b) => a - b);
      this.initThresholds = inner;
      this.numThresholds = inner.length + 2;
      this.evenly = isEvenlyDistributed([0, ...inner, 1]);
    } else {
      this.numThresholds = checkInteger(this.name, 'numThresholds', args.numThresholds ?? 200, 2);
      inner = Array.from({ length: this.numThresholds - 2 }, (_, i) => (i + 1) / (this.numThresholds - 1));
      this.initThresholds = null;
      this.evenly = true;
    }
    this.thresholds = [0 - EPSILON, ...inner, 1 + EPSILON];
    this.labelWeights = args.labelWeights == null ? null : [...args.labelWeights];
    if (this.labelWeights && this.labelWeights.some((x) => typeof x !== 'number' || !(x >= 0))) {
      throw new Error(`${this.name}: labelWeights must be non-negative numbers, got ${JSON.stringify(args.labelWeights)}`);
    }
    if (args.numLabels != null && !this.multiLabel) throw new Error(`${this.name}: numLabels is only used with multiLabel: true`);
    this.numLabels = args.numLabels == null ? null : checkInteger(this.name, 'numLabels', args.numLabels, 1);
    if (!this.multiLabel) this.build(null);
    else if (this.numLabels !== null) this.build(this.numLabels);
  }

  private build(labels: number | null): { tp: Variable; fp: Variable; tn: Variable; fn: Variable } {
    const shape = labels === null ? [this.numThresholds] : [this.numThresholds, labels];
    this.counts = {
      tp: this.addVariable('true_positives', shape), fp: this.addVariable('false_positives', shape),
      tn: this.addVariable('true_negatives', shape), fn: this.addVariable('false_negatives', shape),
    };
    return this.counts;
  }

  updateState(yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor | null): void {
    if (this.multiLabel && yPred.rank !== 2) {
      throw new Error(`${this.name}: yPred must have rank 2 ([batch, labels]) with multiLabel: true, got ${shapeToString(yPred.shape)}`);
    }
    const labels = this.multiLabel ? yPred.shape[1]! : null;
    if (labels !== null && this.counts && this.counts.tp.shape[1] !== labels) {
      throw new Error(`${this.name}: yPred has ${labels} labels but the metric was built for ${this.counts.tp.shape[1]}`);
    }
    const state = this.counts ?? this.build(labels);
    engine().tidy(() => {
      const p = this.fromLogits ? sigmoid(toFloat(yPred)) : yPred;
      const labelWeights = this.labelWeights && !this.multiLabel ? tensor(this.labelWeights) : null;
      updateConfusionMatrixVariables(this.name, state, yTrue, p, this.thresholds, {
        sampleWeight, multiLabel: this.multiLabel, labelWeights, thresholdsDistributedEvenly: this.evenly,
      });
    });
  }

  /** Averages per-label areas (multi-label) or sums the single curve's pieces. */
  private aggregate(pieces: Tensor): Tensor {
    if (!this.multiLabel) return sum(pieces);
    const byLabel = sum(pieces, 0);
    if (!this.labelWeights) return mean(byLabel);
    const lw = tensor(this.labelWeights);
    return divideNoNan(sum(mul(byLabel, lw)), sum(lw));
  }

  result(): Tensor {
    if (!this.counts) return fill([], 0);
    const { tp, fp, tn, fn } = this.counts;
    const n = this.numThresholds;
    return engine().tidy(() => {
      const head = (x: Tensor): Tensor => slice(x, 0, n - 1);
      const tail = (x: Tensor): Tensor => slice(x, 1, n - 1);
      if (this.curve === 'PR' && this.summationMethod === 'interpolation') {
        // Davis & Goadrich (2006): interpolate TP and P = TP + FP linearly between thresholds.
        const dtp = sub(head(tp), tail(tp));
        const p = add(tp, fp);
        const dp = sub(head(p), tail(p));
        const slope = divideNoNan(dtp, maximum(dp, 0));
        const intercept = sub(tail(tp), mul(slope, tail(p)));
        const bothPositive = logicalAnd(greater(head(p), 0), greater(tail(p), 0));
        const ratio = where(bothPositive, divideNoNan(head(p), maximum(tail(p), 0)), 1);
        const pieces = divideNoNan(mul(slope, add(dtp, mul(intercept, log(ratio)))), maximum(add(tail(tp), tail(fn)), 0));
        return this.aggregate(pieces);
      }
      const recall = divideNoNan(tp, add(tp, fn));
      let x: Tensor;
      let y: Tensor;
      if (this.curve === 'ROC') {
        x = divideNoNan(fp, add(fp, tn));
        y = recall;
      } else {
        x = recall;
        y = divideNoNan(tp, add(tp, fp));
      }
      const heights = this.summationMethod === 'interpolation' ? div(add(head(y), tail(y)), 2)
        : this.summationMethod === 'minoring' ? minimum(head(y), tail(y)) : maximum(head(y), tail(y));
      return this.aggregate(mul(sub(head(x), tail(x)), heights));
    });
  }

  /** The constructor arguments that rebuild this metric (JSON only). */
  override getConfig(): ConfigDict {
    const config: ConfigDict = {
      ...super.getConfig(), numThresholds: this.numThresholds, curve: this.curve, summationMethod: this.summationMethod,
      multiLabel: this.multiLabel, numLabels: this.numLabels, labelWeights: this.labelWeights ? [...this.labelWeights] : null,
      fromLogits: this.fromLogits,
    };
    if (this.initThresholds) config['thresholds'] = [...this.initThresholds];
    return config;
  }
}
registerClass('metric', AUC);
