/**
 * Regression metrics with their own state: RootMeanSquaredError and R2Score (Keras 3).
 */
import type { Tensor, Variable } from '../tensor/tensor.js';
import { engine } from '../engine/engine.js';
import { add, div, equal, greater, mul, sub } from '../ops/binary.js';
import { abs, sqrt, square } from '../ops/unary.js';
import { fill } from '../ops/creation.js';
import { toTensor } from '../ops/convert.js';
import { mean, sum } from '../ops/reduction.js';
import { broadcastTo } from '../ops/movement.js';
import { expandDims } from '../ops/reshape.js';
import { where } from '../ops/selection.js';
import { registerClass, type ConfigDict } from '../serialization/registry.js';
import { broadcastShapes, shapeToString } from '../util/shape.js';
import { checkInteger, preparePair, sameShape, toFloat } from '../losses/utils.js';
import { Metric, type MetricArgs } from './metric.js';
import { accumulateMean, assignAdd, divideNoNan } from './reduction.js';

/** `sqrt` of the running weighted mean of squared errors. */
export class RootMeanSquaredError extends Metric {
  static override readonly className = 'RootMeanSquaredError';
  private readonly total: Variable;
  private readonly count: Variable;
  constructor(args: MetricArgs = {}) {
    super(args, 'root_mean_squared_error');
    this.total = this.addVariable('total');
    this.count = this.addVariable('count');
  }
  updateState(yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor | null): void {
    engine().tidy(() => {
      const [t, p] = preparePair(this.name, yTrue, yPred);
      accumulateMean(this.name, this.total, this.count, square(sub(p, t)), sampleWeight);
    });
  }
  result(): Tensor {
    return engine().tidy(() => sqrt(divideNoNan(this.total, this.count)));
  }
}
registerClass('metric', RootMeanSquaredError);

/** How per-output R² scores are combined. */
export type R2ClassAggregation = 'uniform_average' | 'variance_weighted_average' | null;

/** Arguments of {@link R2Score}. */
export interface R2ScoreArgs extends MetricArgs {
  /** 'uniform_average' (default), 'variance_weighted_average', or null (one score per output). */
  classAggregation?: R2ClassAggregation;
  /** For the adjusted R²; 0 (default) gives the plain R². */
  numRegressors?: number;
}

/** The coefficient of determination R² of `[batch, outputs]` predictions. */
export class R2Score extends Metric {
  static override readonly className = 'R2Score';
  /** How per-output scores are combined. */
  readonly classAggregation: R2ClassAggregation;
  /** Regressors for the adjusted R² (0: plain R²). */
  readonly numRegressors: number;
  private counts: { sum: Variable; squaredSum: Variable; totalMse: Variable; count: Variable; numSamples: Variable } | null = null;

  constructor(args: R2ScoreArgs = {}) {
    super(args, 'r2_score');
    const aggregation = args.classAggregation === undefined ? 'uniform_average' : args.classAggregation;
    if (aggregation !== null && aggregation !== 'uniform_average' && aggregation !== 'variance_weighted_average') {
      throw new Error(`${this.name}: classAggregation must be 'uniform_average', 'variance_weighted_average' or null, got '${String(aggregation)}'`);
    }
    this.classAggregation = aggregation;
    this.numRegressors = checkInteger(this.name, 'numRegressors', args.numRegressors ?? 0, 0);
  }

  private build(outputs: number): NonNullable<R2Score['counts']> {
    this.counts = {
      sum: this.addVariable('sum', [outputs]), squaredSum: this.addVariable('squared_sum', [outputs]),
      totalMse: this.addVariable('total_mse', [outputs]), count: this.addVariable('count', [outputs]),
      numSamples: this.addVariable('num_samples'),
    };
    return this.counts;
  }

  updateState(yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor | null): void {
    engine().tidy(() => {
      const [t, p] = preparePair(this.name, yTrue, yPred);
      if (p.rank !== 2) {
        throw new Error(`${this.name}: expects 2D inputs [batch, outputs], got yTrue ${shapeToString(yTrue.shape)} and yPred ${shapeToString(yPred.shape)}`);
      }
      const outputs = p.shape[1]!;
      if (this.counts && this.counts.sum.shape[0] !== outputs) {
        throw new Error(`${this.name}: yPred has ${outputs} outputs but the metric was built for ${this.counts.sum.shape[0]}`);
      }
      const c = this.counts ?? this.build(outputs);
      let w: Tensor = fill([], 1);
      if (sampleWeight) {
        w = toFloat(toTensor(sampleWeight, 'sampleWeight', this.name));
        if (w.rank === 1) w = expandDims(w, 1);
        const out = broadcastShapes(w.shape, t.shape);
        if (!out || !sameShape(out, t.shape)) {
          throw new Error(`${this.name}: sampleWeight ${shapeToString(sampleWeight.shape)} does not broadcast to yTrue ${shapeToString(t.shape)}`);
        }
      }
      w = broadcastTo(w, t.shape);
      const weighted = mul(t, w);
      assignAdd(c.sum, sum(weighted, 0));
      assignAdd(c.squaredSum, sum(mul(t, weighted), 0));
      assignAdd(c.totalMse, sum(mul(square(sub(t, p)), w), 0));
      assignAdd(c.count, sum(w, 0));
      assignAdd(c.numSamples, fill([], t.size));
    });
  }

  result(): Tensor {
    if (!this.counts) return fill([], 0);
    const c = this.counts;
    return engine().tidy(() => {
      const meanTrue = div(c.sum, c.count);
      const total = sub(c.squaredSum, mul(c.sum, meanTrue));
      let raw = sub(1, div(c.totalMse, total));
      raw = where(equal(abs(raw), Infinity), 0, raw);
      let r2: Tensor;
      if (this.classAggregation === 'uniform_average') r2 = mean(raw);
      else if (this.classAggregation === 'variance_weighted_average') r2 = div(sum(mul(total, raw)), sum(total));
      else r2 = raw;
      if (this.numRegressors !== 0) {
        // Adjusted R² needs more samples than regressors + 1; otherwise Keras keeps the plain R².
        const n = c.numSamples;
        const adjusted = sub(1, div(mul(sub(1, r2), sub(n, 1)), sub(sub(n, this.numRegressors), 1)));
        r2 = where(greater(sub(n, 1), this.numRegressors), adjusted, r2);
      }
      return add(r2, 0);
    });
  }

  /** The constructor arguments that rebuild this metric (JSON only). */
  override getConfig(): ConfigDict {
    return { ...super.getConfig(), classAggregation: this.classAggregation, numRegressors: this.numRegressors };
  }
}
registerClass('metric', R2Score);
