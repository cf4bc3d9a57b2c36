/**
 * Reduction metrics: Mean, Sum, and MeanMetricWrapper (the running, weighted mean of any
 * per-sample function), with Keras 3's sample-weight rules.
 */
import type { Tensor, Variable } from '../tensor/tensor.js';
import { engine } from '../engine/engine.js';
import { add, div, equal, mul } from '../ops/binary.js';
import { toTensor } from '../ops/convert.js';
import { mean, sum } from '../ops/reduction.js';
import { broadcastTo } from '../ops/movement.js';
import { where } from '../ops/selection.js';
import { registerClass, type ConfigDict } from '../serialization/registry.js';
import { broadcastShapes, shapeToString } from '../util/shape.js';
import { camelCaseKeys, sameShape, squeezeOrExpandToSameRank, toFloat } from '../losses/utils.js';
import { Metric, type MetricArgs } from './metric.js';

/**
 * Keras' `reduce_to_samplewise_values`: lines the weight up with the values, reduces the values
 * to the weight's rank with `reduce`, weights them, then reduces both to one value per sample.
 * @internal
 */
export function samplewise(where_: string, values: Tensor, sampleWeight: Tensor | null | undefined, reduce: typeof mean): { values: Tensor; weight: Tensor | null } {
  let v = toFloat(values);
  let w: Tensor | null = null;
  if (sampleWeight) {
    w = toFloat(toTensor(sampleWeight, 'sampleWeight', where_));
    [v, w] = squeezeOrExpandToSameRank(v, w);
    if (v.rank > w.rank) v = reduce(v, range(w.rank, v.rank));
    const out = broadcastShapes(w.shape, v.shape);
    if (!out || !sameShape(out, v.shape)) {
      throw new Error(`${where_}: sampleWeight ${shapeToString(sampleWeight.shape)} does not broadcast to the values ${shapeToString(values.shape)}`);
    }
    w = broadcastTo(w, v.shape);
    v = mul(v, w);
    if (w.rank > 1) w = reduce(w, range(1, w.rank));
  }
  if (v.rank > 1) v = reduce(v, range(1, v.rank));
  return { values: v, weight: w };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

/** `total / count`, or 0 when count is 0 (Keras `divide_no_nan`). @internal */
export function divideNoNan(a: Tensor, b: Tensor): Tensor {
  return engine().tidy(() => {
    const zero = equal(b, 0);
    return where(zero, 0, div(a, where(zero, 1, b)));
  });
}

/** Adds `delta` to `v` (inside the caller's tidy). @internal */
export function assignAdd(v: Variable, delta: Tensor): void {
  v.assign(add(v, delta));
}

/** Accumulates a weighted mean of per-sample values into `total` and `count`. @internal */
export function accumulateMean(where_: string, total: Variable, count: Variable, values: Tensor, sampleWeight?: Tensor | null): void {
  engine().tidy(() => {
    const { values: v, weight } = samplewise(where_, values, sampleWeight, mean);
    assignAdd(total, sum(v));
    assignAdd(count, weight ? sum(weight) : toTensor(v.rank >= 1 ? v.shape[0]! : 1, 'count', where_));
  });
}

/** The weighted mean of the values passed to `updateState(values, sampleWeight)`. */
export class Mean extends Metric {
  static override readonly className: string = 'Mean';
  /** Weighted sum of the values so far. */
  protected readonly total: Variable;
  /** Sum of the weights so far. */
  protected readonly count: Variable;
  constructor(args: MetricArgs = {}) {
    super(args, 'mean');
    this.total = this.addVariable('total');
    this.count = this.addVariable('count');
  }
  /** Adds `values` (one per sample, or more, which are averaged per sample), weighted by `sampleWeight`. */
  updateState(values: Tensor, sampleWeight?: Tensor | null): void {
    accumulateMean(this.name, this.total, this.count, values, sampleWeight);
  }
  result(): Tensor {
    return divideNoNan(this.total, this.count);
  }
}
registerClass('metric', Mean);

/** The weighted sum of the values passed to `updateState(values, sampleWeight)`. */
export class Sum extends Metric {
  static override readonly className = 'Sum';
  private readonly total: Variable;
  constructor(args: MetricArgs = {}) {
    super(args, 'sum');
    this.total = this.addVariable('total');
  }
  /** Adds the (weighted) sum of `values`. */
  updateState(values: Tensor, sampleWeight?: Tensor | null): void {
    engine().tidy(() => assignAdd(this.total, sum(samplewise(this.name, values, sampleWeight, sum).values)));
  }
  result(): Tensor {
    return engine().tidy(() => add(this.total, 0));
  }
}
registerClass('metric', Sum);

/** A per-sample metric function: one value per sample. */
export type MetricFunction = (yTrue: Tensor, yPred: Tensor) => Tensor;

/** Built-in per-sample functions by their config name, filled by the modules that define them. */
const NAMED_FUNCTIONS = new Map<string, MetricFunction>();

/** Makes `fn` loadable by `name` in a MeanMetricWrapper config. @internal */
export function registerMetricFunction(name: string, fn: MetricFunction): void {
  NAMED_FUNCTIONS.set(name, fn);
}

/** Arguments of {@link MeanMetricWrapper}. */
export interface MeanMetricWrapperArgs extends MetricArgs {
  /** The function's name in configs; default its JavaScript name. */
  fnName?: string;
}

/**
 * The running weighted mean of a per-sample function `(yTrue, yPred) => Tensor` over every batch
 * passed to `updateState`. Keras' accuracy, error and cross-entropy metrics are instances of it.
 */
export class MeanMetricWrapper extends Metric {
  static override readonly className: string = 'MeanMetricWrapper';
  /** The per-sample function. */
  readonly fn: MetricFunction;
  /** The name its config records. */
  readonly fnName: string;
  private readonly total: Variable;
  private readonly count: Variable;
  constructor(fn: MetricFunction, args: MeanMetricWrapperArgs = {}) {
    if (typeof fn !== 'function') throw new Error(`MeanMetricWrapper: expected a function (yTrue, yPred) => Tensor, got ${String(fn)}`);
    const fnName = args.fnName ?? (fn.name || 'metric');
    super(args, args.name ?? fnName);
    this.fn = fn;
    this.fnName = fnName;
    this.total = this.addVariable('total');
    this.count = this.addVariable('count');
  }
  updateState(yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor | null): void {
    engine().tidy(() => accumulateMean(this.name, this.total, this.count, this.fn(yTrue, yPred), sampleWeight));
  }
  result(): Tensor {
    return divideNoNan(this.total, this.count);
  }
  /** The constructor arguments that rebuild this metric (JSON only). */
  override getConfig(): ConfigDict {
    // Subclasses are rebuilt from their class name and arguments; only a bare wrapper names its function.
    return this.constructor === MeanMetricWrapper ? { ...super.getConfig(), fn: this.fnName } : super.getConfig();
  }
  /** Rebuilds a wrapper whose `fn` names a built-in metric or loss function. */
  static override fromConfig<T extends Metric>(this: new (args: never) => T, config: ConfigDict): T {
    // Subclasses (BinaryAccuracy, ...) know their function: rebuild them from their own arguments.
    if ((this as unknown) !== MeanMetricWrapper) return new this(camelCaseKeys(config) as never);
    const fnName = config['fn'];
    const fn = typeof fnName === 'string' ? NAMED_FUNCTIONS.get(fnName) : undefined;
    if (!fn) {
      throw new Error(`MeanMetricWrapper: cannot rebuild a metric from function '${String(fnName)}'; known functions: ` +
        `${[...NAMED_FUNCTIONS.keys()].sort().join(', ')}`);
    }
    const { fn: _fn, ...rest } = config;
    return new MeanMetricWrapper(fn, { ...(rest as MetricArgs), fnName: fnName as string }) as unknown as T;
  }
}
registerClass('metric', MeanMetricWrapper);
