/**
 * The Loss contract (Keras): `call` gives one loss value per sample, `compute` weights and reduces
 * them to what the optimizer minimises.
 */
import type { Tensor } from '../tensor/tensor.js';
import { engine } from '../engine/engine.js';
import { div, mul } from '../ops/binary.js';
import { sum } from '../ops/reduction.js';
import { reshape } from '../ops/reshape.js';
import { classNameOf, type ConfigDict, type Serializable } from '../serialization/registry.js';

/** How per-sample losses become the result: their mean (default), sum, or unreduced. */
export type Reduction = 'sumOverBatchSize' | 'sum' | 'none';

export interface LossArgs {
  name?: string;
  reduction?: Reduction;
}

/** The base of every loss. */
export abstract class Loss implements Serializable {
  static readonly className: string = 'Loss';
  readonly name: string;
  readonly reduction: Reduction;

  constructor(args: LossArgs = {}, defaultName: string) {
    this.name = args.name ?? defaultName;
    this.reduction = args.reduction ?? 'sumOverBatchSize';
    if (!['sumOverBatchSize', 'sum', 'none'].includes(this.reduction)) {
      throw new Error(`${defaultName}: reduction must be 'sumOverBatchSize', 'sum' or 'none', got '${String(this.reduction)}'`);
    }
  }

  /** One loss value per sample (shape: the batch dimensions of `yPred`). */
  abstract call(yTrue: Tensor, yPred: Tensor): Tensor;

  /**
   * The weighted, reduced loss. `sampleWeight` has the batch shape (or `[batch, 1]`) and scales each
   * sample's loss; with `sumOverBatchSize` the result is the sum divided by the number of samples.
   */
  compute(yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor | null): Tensor {
    return engine().tidy(() => {
      let losses = this.call(yTrue, yPred);
      if (sampleWeight) {
        let w = sampleWeight;
        if (w.rank === losses.rank + 1 && w.shape[w.rank - 1] === 1) w = reshape(w, losses.shape);
        if (w.rank > losses.rank || w.shape.some((d, i) => d !== losses.shape[i])) {
          throw new Error(`${this.name}: sampleWeight ${w.describe()} does not match the per-sample losses ${losses.describe()}`);
        }
        while (w.rank < losses.rank) w = reshape(w, [...w.shape, 1]);
        losses = mul(losses, w);
      }
      if (this.reduction === 'none') return losses;
      const total = sum(losses);
      return this.reduction === 'sum' ? total : div(total, Math.max(1, losses.size));
    });
  }

  getConfig(): ConfigDict {
    return { name: this.name, reduction: this.reduction };
  }

  getClassName(): string {
    return classNameOf(this, 'loss');
  }

  /** Rebuilds a loss from `getConfig()`'s result. */
  static fromConfig<T extends Loss>(this: new (args: never) => T, config: ConfigDict): T {
    return new this(config as never);
  }
}
