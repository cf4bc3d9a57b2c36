/**
 * The Loss contract (Keras): `call` gives one loss value per sample, `compute` weights and reduces
 * them to what the optimizer minimises.
 */
import type { Tensor } from '../tensor/tensor.js';
import { engine } from '../engine/engine.js';
import { add, div, mul } from '../ops/binary.js';
import { cast } from '../ops/creation.js';
import { toTensor } from '../ops/convert.js';
import { sum } from '../ops/reduction.js';
import { reshape, squeeze } from '../ops/reshape.js';
import { broadcastShapes, shapeToString } from '../util/shape.js';
import { classNameOf, type ConfigDict, type Serializable } from '../serialization/registry.js';
import { camelCaseKeys, EPSILON, sameShape } from './utils.js';

/** How per-sample losses become the result: their mean (default), sum, or unreduced. */
export type Reduction = 'sumOverBatchSize' | 'sum' | 'none';

/** Arguments every loss accepts. */
export interface LossArgs {
  /** Default: the Keras name in snake_case (`mean_squared_error`, ...). */
  name?: string;
  /** Default `'sumOverBatchSize'`. */
  reduction?: Reduction;
}

/** Per-sample losses and, optionally, which of them count (e.g. not an ignored class). */
export interface MaskedLosses {
  /** Per-sample losses. */
  losses: Tensor;
  /** bool, same shape as `losses`; null means every entry counts. */
  mask: Tensor | null;
}

const REDUCTION_SPELLINGS: Record<string, Reduction> = {
  sumoverbatchsize: 'sumOverBatchSize', mean: 'sumOverBatchSize', auto: 'sumOverBatchSize', sum: 'sum', none: 'none',
};

/** Accepts the camelCase names and Keras' snake_case spellings (`sum_over_batch_size`, `None`). */
function parseReduction(where: string, value: unknown): Reduction {
  if (value === undefined) return 'sumOverBatchSize';
  if (value === null) return 'none';
  const found = typeof value === 'string' ? REDUCTION_SPELLINGS[value.replace(/_/g, '').toLowerCase()] : undefined;
  if (!found) throw new Error(`${where}: reduction must be 'sumOverBatchSize', 'sum' or 'none', got '${String(value)}'`);
  return found;
}

/**
 * The base of every loss. A custom loss implements `call` (one value per sample); `compute` adds
 * sample weights and the reduction, and `fit` accepts it like a built-in one.
 *
 * @example
 * class ScaledMae extends st.Loss {
 *   constructor(private readonly scale = 2) {
 *     super({}, 'scaled_mae');
 *   }
 *   call(yTrue: st.Tensor, yPred: st.Tensor): st.Tensor {
 *     return st.mul(st.mean(st.abs(st.sub(yTrue, yPred)), -1), this.scale);
 *   }
 * }
 * new ScaledMae().compute(st.tensor([[1, 2]]), st.tensor([[1.5, 2.5]]));   // 1
 * model.compile({ optimizer: 'adam', loss: new ScaledMae() });
 */
export abstract class Loss implements Serializable {
  /** The registry name of the class (Keras' `class_name`); subclasses set their own. */
  static readonly className: string = 'Loss';
  /** The name used in logs. */
  readonly name: string;
  /** How per-sample losses become the loss. */
  readonly reduction: Reduction;

  constructor(args: LossArgs = {}, defaultName: string) {
    if (args.name !== undefined && (typeof args.name !== 'string' || args.name === '')) {
      throw new Error(`${defaultName}: name must be a non-empty string, got ${String(args.name)}`);
    }
    this.name = args.name ?? defaultName;
    this.reduction = parseReduction(this.name, args.reduction);
  }

  /** One loss value per sample (shape: the batch dimensions of `yPred`). */
  abstract call(yTrue: Tensor, yPred: Tensor): Tensor;

  /**
   * Per-sample losses plus a mask of the entries that count. Losses that drop entries (such as
   * `SparseCategoricalCrossentropy` with `ignoreClass`) override this; `sumOverBatchSize` then
   * divides by the number of entries that count, as Keras does.
   */
  callWithMask(yTrue: Tensor, yPred: Tensor): MaskedLosses {
    return { losses: this.call(yTrue, yPred), mask: null };
  }

  /**
   * The weighted, reduced loss. `sampleWeight` has the batch shape (or `[batch, 1]`, or the full
   * shape of the per-sample losses) and scales each sample's loss; with `sumOverBatchSize` the
   * result is the weighted sum divided by the number of per-sample losses.
   */
  compute(yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor | null): Tensor {
    return engine().tidy(() => {
      const { losses, mask } = this.callWithMask(yTrue, yPred);
      return reduceWeightedLoss(this.name, losses, sampleWeight ?? null, mask, this.reduction);
    });
  }

  /**
   * Checks label values, which needs a read of `yTrue` (so it is async and kept out of `compute`):
   * NaN labels always fail; sparse losses also require integer class ids in range. Training loops
   * call it once on the targets before fitting; on the device an invalid label gives a NaN loss.
   */
  async validateTargets(yTrue: Tensor, yPred: Tensor | readonly (number | null)[]): Promise<void> {
    const t = toTensor(yTrue, 'yTrue', `${this.name}.validateTargets`);
    const values = await t.data();
    this.validateTargetValues(values, t.shape, Array.isArray(yPred) ? yPred : (yPred as Tensor).shape);
  }

  /** The synchronous check behind `validateTargets`, for label values already on the host. */
  validateTargetValues(values: ArrayLike<number>, yTrueShape: readonly number[], _yPredShape: readonly (number | null)[]): void {
    for (let i = 0; i < values.length; i++) {
      if (Number.isNaN(values[i])) {
        throw new Error(`${this.name}: yTrue ${shapeToString(yTrueShape)} contains NaN (first at flat index ${i}); labels must be numbers`);
      }
    }
  }

  /** The constructor arguments that rebuild this loss (JSON only). */
  getConfig(): ConfigDict {
    return { name: this.name, reduction: this.reduction };
  }

  /** The name it is saved under (`className`, or its registered name). */
  getClassName(): string {
    return classNameOf(this, 'loss');
  }

  /** Rebuilds a loss from `getConfig()`'s result (snake_case keys from Keras files are accepted). */
  static fromConfig<T extends Loss>(this: new (args: never) => T, config: ConfigDict): T {
    return new this(camelCaseKeys(config) as never);
  }
}

/**
 * Weights `losses` by `sampleWeight` and the optional `mask`, then reduces them (Keras'
 * `reduce_weighted_values`). The weight is lined up with the losses: a trailing 1 is dropped,
 * and a weight of lower rank scales every entry of its sample.
 * @internal
 */
export function reduceWeightedLoss(where: string, losses: Tensor, sampleWeight: Tensor | null, mask: Tensor | null, reduction: Reduction): Tensor {
  return engine().tidy(() => {
    let values = losses;
    let weight: Tensor | null = sampleWeight ? alignWeight(where, values, toTensor(sampleWeight, 'sampleWeight', where)) : null;
    if (mask) {
      let m = cast(mask, 'float32');
      if (reduction === 'sumOverBatchSize') {
        // Entries that count get weight total/valid, so the mean is over them only (Keras apply_mask).
        m = mul(m, div(m.size, add(sum(m), EPSILON)));
      }
      weight = weight ? mul(weight, m) : m;
    }
    if (weight) values = mul(values, weight);
    if (reduction === 'none' || values.rank === 0) return values;
    const total = sum(values);
    // divide_no_nan in Keras: an empty batch gives 0, not NaN.
    return reduction === 'sum' ? total : values.size === 0 ? total : div(total, values.size);
  });
}

/** The sample weight in a shape that multiplies `values` entry by entry (see reduceWeightedLoss). */
function alignWeight(where: string, values: Tensor, sampleWeight: Tensor): Tensor {
  let w = sampleWeight.dtype === 'float32' ? sampleWeight : cast(sampleWeight, 'float32');
  if (w.rank === values.rank + 1 && w.shape[w.rank - 1] === 1) w = squeeze(w, [-1]);
  if (w.rank < values.rank && (values.rank > 0)) {
    const lead = values.shape.slice(0, w.rank);
    if (!sameShape(lead, w.shape) && !(w.rank === 0)) {
      throw new Error(`${where}: sampleWeight ${shapeToString(sampleWeight.shape)} does not match the per-sample losses ${shapeToString(values.shape)}`);
    }
    w = reshape(w, [...w.shape, ...values.shape.slice(w.rank).map(() => 1)]);
  }
  const out = broadcastShapes(values.shape, w.shape);
  if (!out || (values.rank > 0 && !sameShape(out, values.shape))) {
    throw new Error(`${where}: sampleWeight ${shapeToString(sampleWeight.shape)} does not match the per-sample losses ${shapeToString(values.shape)}`);
  }
  return w;
}
