/**
 * F-beta and F1 scores (Keras 3): per-class counts of thresholded (or arg-max) predictions,
 * averaged as requested when the result is read.
 */
import type { Tensor, Variable } from '../tensor/tensor.js';
import { engine } from '../engine/engine.js';
import { abs } from '../ops/unary.js';
import { add, div, greater, greaterEqual, logicalAnd, mul, sub } from '../ops/binary.js';
import { cast, fill } from '../ops/creation.js';
import { toTensor } from '../ops/convert.js';
import { max, mean, sum } from '../ops/reduction.js';
import { expandDims, reshape } from '../ops/reshape.js';
import { registerClass, type ConfigDict } from '../serialization/registry.js';
import { shapeToString } from '../util/shape.js';
import { checkNumber, EPSILON, sameShape, toFloat } from '../losses/utils.js';
import { Metric, type MetricArgs } from './metric.js';
import { assignAdd } from './reduction.js';

/** How per-class scores are combined. */
export type FScoreAverage = null | 'micro' | 'macro' | 'weighted';

/** Arguments of {@link FBetaScore}. */
export interface FBetaScoreArgs extends MetricArgs {
  /** null (one score per class, default), 'micro', 'macro' or 'weighted' (by support). */
  average?: FScoreAverage;
  /** Weight of recall relative to precision. Default 1. */
  beta?: number;
  /** Predictions above it count as positive; null (default): the row's arg-max is the positive. */
  threshold?: number | null;
}

/** The F-beta score `(1 + β²)·P·R / (β²·P + R)` of multi-class or multi-label predictions `[batch, classes]`. */
export class FBetaScore extends Metric {
  static override readonly className: string = 'FBetaScore';
  /** How per-class scores are combined (null: one per class). */
  readonly average: FScoreAverage;
  /** Weight of recall relative to precision. */
  readonly beta: number;
  /** Predictions above it count as positive; null: the row's arg-max. */
  readonly threshold: number | null;
  private counts: { tp: Variable; fp: Variable; fn: Variable; weights: Variable } | null = null;

  constructor(args: FBetaScoreArgs = {}, defaultName = 'fbeta_score') {
    super(args, defaultName);
    const average = args.average ?? null;
    if (average !== null && average !== 'micro' && average !== 'macro' && average !== 'weighted') {
      throw new Error(`${this.name}: average must be null, 'micro', 'macro' or 'weighted', got '${String(average)}'`);
    }
    this.average = average;
    this.beta = checkNumber(this.name, 'beta', args.beta ?? 1);
    if (this.beta <= 0) throw new Error(`${this.name}: beta must be > 0, got ${this.beta}`);
    const threshold = args.threshold ?? null;
    if (threshold !== null && !(typeof threshold === 'number' && threshold > 0 && threshold <= 1)) {
      throw new Error(`${this.name}: threshold must be null or a number in (0, 1], got ${String(threshold)}`);
    }
    this.threshold = threshold;
  }

  private build(classes: number): NonNullable<FBetaScore['counts']> {
    const shape = this.average === 'micro' ? [] : [classes];
    this.counts = {
      tp: this.addVariable('true_positives', shape), fp: this.addVariable('false_positives', shape),
      fn: this.addVariable('false_negatives', shape), weights: this.addVariable('intermediate_weights', shape),
    };
    return this.counts;
  }

  updateState(yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor | null): void {
    if (yPred.rank !== 2 || !sameShape(yTrue.shape, yPred.shape)) {
      throw new Error(`${this.name}: expects yTrue and yPred of shape [batch, classes], got yTrue ${shapeToString(yTrue.shape)} and yPred ${shapeToString(yPred.shape)}`);
    }
    const classes = yPred.shape[1]!;
    if (this.counts && this.average !== 'micro' && this.counts.tp.shape[0] !== classes) {
      throw new Error(`${this.name}: yPred has ${classes} classes but the metric was built for ${this.counts.tp.shape[0]}`);
    }
    const counts = this.counts ?? this.build(classes);
    engine().tidy(() => {
      const p0 = toFloat(yPred);
      const t = toFloat(yTrue);
      const predicted = this.threshold === null
        // The row maximum is the positive, but an all-zero row stays all negative.
        ? logicalAnd(greaterEqual(p0, max(p0, -1, true)), greater(abs(p0), 1e-9))
        : greater(p0, this.threshold);
      const p = cast(predicted, 'float32');
      let w: Tensor | null = null;
      if (sampleWeight) {
        w = toFloat(toTensor(sampleWeight, 'sampleWeight', this.name));
        if (w.rank === 2 && w.shape[1] === 1) w = reshape(w, [w.shape[0]!]);
        if (w.rank !== 1 || w.shape[0] !== yPred.shape[0]) {
          throw new Error(`${this.name}: sampleWeight ${shapeToString(w.shape)} must have shape [${yPred.shape[0]}] (one weight per sample)`);
        }
        w = expandDims(w, 1);
      }
      const axis = this.average === 'micro' ? undefined : 0;
      const weighted = (v: Tensor): Tensor => sum(w ? mul(v, w) : v, axis);
      assignAdd(counts.tp, weighted(mul(p, t)));
      assignAdd(counts.fp, weighted(mul(p, sub(1, t))));
      assignAdd(counts.fn, weighted(mul(sub(1, p), t)));
      assignAdd(counts.weights, weighted(t));
    });
  }

  result(): Tensor {
    if (!this.counts) return fill(this.average === null ? [0] : [], 0);
    const { tp, fp, fn, weights } = this.counts;
    return engine().tidy(() => {
      const precision = div(tp, add(add(tp, fp), EPSILON));
      const recall = div(tp, add(add(tp, fn), EPSILON));
      const b2 = this.beta * this.beta;
      const f = mul(div(mul(precision, recall), add(add(mul(precision, b2), recall), EPSILON)), 1 + b2);
      if (this.average === 'weighted') return sum(mul(f, div(weights, add(sum(weights), EPSILON))));
      if (this.average !== null) return mean(f);
      return f;
    });
  }

  /** The constructor arguments that rebuild this metric (JSON only). */
  override getConfig(): ConfigDict {
    return { ...super.getConfig(), average: this.average, beta: this.beta, threshold: this.threshold };
  }
}
registerClass('metric', FBetaScore);

/** Arguments of {@link F1Score}. */
export type F1ScoreArgs = Omit<FBetaScoreArgs, 'beta'>;

/**
 * The F1 score `2·P·R / (P + R)`: the F-beta score with β = 1.
 *
 * @example
 * const f1 = new st.metrics.F1Score({ average: 'macro', threshold: 0.5 });
 * f1.updateState(st.tensor([[1, 0], [0, 1], [1, 1]]), st.tensor([[0.9, 0.2], [0.3, 0.4], [0.8, 0.7]]));
 * f1.result();   // (1 + 2/3) / 2 = 0.8333
 */
export class F1Score extends FBetaScore {
  static override readonly className = 'F1Score';
  constructor(args: F1ScoreArgs = {}) {
    super({ ...args, beta: 1 }, 'f1_score');
  }
  /** The constructor arguments that rebuild this metric (JSON only). */
  override getConfig(): ConfigDict {
    const { beta: _beta, ...config } = super.getConfig();
    return config;
  }
}
registerClass('metric', F1Score);
