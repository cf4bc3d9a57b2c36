/**
 * Adamax (Keras 3): Adam with the infinity norm.
 */
import type { Tensor, Variable } from '../tensor/tensor.js';
import { abs } from '../ops/unary.js';
import { add, div, maximum, mul, sub } from '../ops/binary.js';
import { registerClass, type ConfigDict } from '../serialization/registry.js';
import { Optimizer, type OptimizerArgs } from './optimizer.js';
import { hyper, optimizerArgs } from './args.js';

/** Arguments of `Adamax`. */
export interface AdamaxArgs extends OptimizerArgs {
  /** Decay of the first-moment estimate (default 0.9). */
  beta1?: number;
  /** Decay of the infinity norm (default 0.999). */
  beta2?: number;
  /** Added to the norm for stability (default 1e-7). */
  epsilon?: number;
}

/**
 * Adamax (default learning rate 0.001), with `t = iterations + 1`: `m += (g − m)(1 − β1)`,
 * `u = max(β2·u, |g|)`, `w −= lr·m / ((1 − β1^t)(u + ε))`.
 */
export class Adamax extends Optimizer {
  static override readonly className: string = 'Adamax';
  /** Decay of the first-moment average. */
  readonly beta1: number;
  /** Decay of the infinity-norm average. */
  readonly beta2: number;
  /** Added to the denominator. */
  readonly epsilon: number;

  constructor(args?: number | AdamaxArgs) {
    const a = optimizerArgs(args);
    super(a, 0.001);
    this.beta1 = hyper('Adamax', 'beta1', a.beta1, 0.9, { lo: 0, hi: 1, hiOpen: true });
    this.beta2 = hyper('Adamax', 'beta2', a.beta2, 0.999, { lo: 0, hi: 1 });
    this.epsilon = hyper('Adamax', 'epsilon', a.epsilon, 1e-7, { lo: 0 });
  }

  protected buildSlots(variable: Variable): void {
    this.addSlot(variable, 'momentum');
    this.addSlot(variable, 'norm');
  }

  protected updateStep(gradient: Tensor, variable: Variable, learningRate: number): void {
    const m = this.getSlot(variable, 'momentum');
    const u = this.getSlot(variable, 'norm');
    const beta1Power = this.beta1 ** (this.iterations + 1);
    m.assign(add(m, mul(sub(gradient, m), 1 - this.beta1)));
    u.assign(maximum(mul(u, this.beta2), abs(gradient)));
    variable.assign(sub(variable, div(mul(m, learningRate), mul(add(u, this.epsilon), 1 - beta1Power))));
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}
registerClass('optimizer', Adamax);

/** `new Adamax(args)`: `st.optimizers.adamax(2e-3)`. */
export function adamax(args?: number | AdamaxArgs): Adamax {
  return new Adamax(args);
}
