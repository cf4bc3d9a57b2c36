/**
 * Lion (Keras 3): sign-based updates with two momentum rates.
 */
import type { Tensor, Variable } from '../tensor/tensor.js';
import { add, mul, sub } from '../ops/binary.js';
import { sign } from '../ops/unary.js';
import { registerClass, type ConfigDict } from '../serialization/registry.js';
import { Optimizer, type OptimizerArgs } from './optimizer.js';
import { hyper, optimizerArgs } from './args.js';

/** Arguments of `Lion`. */
export interface LionArgs extends OptimizerArgs {
  /** Interpolation between momentum and gradient for the update direction, in (0, 1] (default 0.9). */
  beta1?: number;
  /** Decay of the momentum (default 0.99). */
  beta2?: number;
}

/**
 * Lion (default learning rate 0.001): `w −= lr·sign(β1·m + (1 − β1)·g)`, then
 * `m = β2·m + (1 − β2)·g`.
 */
export class Lion extends Optimizer {
  static override readonly className: string = 'Lion';
  /** Interpolation factor of the update direction. */
  readonly beta1: number;
  /** Decay of the momentum. */
  readonly beta2: number;

  constructor(args?: number | LionArgs) {
    const a = optimizerArgs(args);
    super(a, 0.001);
    // Keras: beta1 ≤ 0 degenerates to SignSGD.
    this.beta1 = hyper('Lion', 'beta1', a.beta1, 0.9, { lo: 0, hi: 1, loOpen: true });
    this.beta2 = hyper('Lion', 'beta2', a.beta2, 0.99, { lo: 0, hi: 1 });
  }

  protected buildSlots(variable: Variable): void {
    this.addSlot(variable, 'momentum');
  }

  protected updateStep(gradient: Tensor, variable: Variable, learningRate: number): void {
    const m = this.getSlot(variable, 'momentum');
    variable.assign(sub(variable, mul(sign(add(mul(m, this.beta1), mul(gradient, 1 - this.beta1))), learningRate)));
    m.assign(add(mul(m, this.beta2), mul(gradient, 1 - this.beta2)));
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), beta1: this.beta1, beta2: this.beta2 };
  }
}
registerClass('optimizer', Lion);

/** `new Lion(args)`: `st.optimizers.lion(1e-4)`. */
export function lion(args?: number | LionArgs): Lion {
  return new Lion(args);
}
