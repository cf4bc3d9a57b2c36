/**
 * Nadam (Keras 3): Adam with Nesterov momentum and the 0.96 momentum schedule.
 */
import type { Tensor, Variable } from '../tensor/tensor.js';
import { add, div, mul, sub } from '../ops/binary.js';
import { sqrt, square } from '../ops/unary.js';
import { registerClass, type ConfigDict } from '../serialization/registry.js';
import { Optimizer, type OptimizerArgs } from './optimizer.js';
import { hyper, optimizerArgs } from './args.js';

/** Arguments of `Nadam`. */
export interface NadamArgs extends OptimizerArgs {
  /** Decay of the first-moment estimate (default 0.9). */
  beta1?: number;
  /** Decay of the second-moment estimate (default 0.999). */
  beta2?: number;
  /** Added to the denominator for stability (default 1e-7). */
  epsilon?: number;
}

/**
 * Nadam (default learning rate 0.001), with `t = iterations + 1`, `u_t = β1(1 − ½·0.96^t)` and
 * `Π_t = u_1⋯u_t`: `m += (g − m)(1 − β1)`, `v += (g² − v)(1 − β2)`,
 * `m̂ = u_{t+1}·m/(1 − Π_t·u_{t+1}) + (1 − u_t)·g/(1 − Π_t)`, `v̂ = v/(1 − β2^t)`,
 * `w −= lr·m̂/(√v̂ + ε)`. Keras keeps `Π_t` in a variable; here it is recomputed from
 * `iterations` (in float64), so it needs no saved state.
 */
export class Nadam extends Optimizer {
  static override readonly className: string = 'Nadam';
  /** Decay of the first-moment average. */
  readonly beta1: number;
  /** Decay of the second-moment average. */
  readonly beta2: number;
  /** Added to the denominator. */
  readonly epsilon: number;
  /** Cache of `Π_t` (the product is advanced one factor per step). */
  private uProductCache = { step: 0, value: 1 };

  constructor(args?: number | NadamArgs) {
    const a = optimizerArgs(args);
    super(a, 0.001);
    this.beta1 = hyper('Nadam', 'beta1', a.beta1, 0.9, { lo: 0, hi: 1, hiOpen: true });
    this.beta2 = hyper('Nadam', 'beta2', a.beta2, 0.999, { lo: 0, hi: 1, hiOpen: true });
    this.epsilon = hyper('Nadam', 'epsilon', a.epsilon, 1e-7, { lo: 0 });
  }

  private u(step: number): number {
    return this.beta1 * (1 - 0.5 * 0.96 ** step);
  }

  private uProduct(step: number): number {
    let c = this.uProductCache;
    if (c.step > step) c = { step: 0, value: 1 };
    let value = c.value;
    for (let i = c.step + 1; i <= step; i++) value *= this.u(i);
    this.uProductCache = { step, value };
    return value;
  }

  protected buildSlots(variable: Variable): void {
    this.addSlot(variable, 'momentum');
    this.addSlot(variable, 'velocity');
  }

  protected updateStep(gradient: Tensor, variable: Variable, learningRate: number): void {
    const t = this.iterations + 1;
    const uT = this.u(t);
    const uNext = this.u(t + 1);
    const uProductT = this.uProduct(t);
    const uProductNext = uProductT * uNext;
    const beta2Power = this.beta2 ** t;
    const m = this.getSlot(variable, 'momentum');
    const v = this.getSlot(variable, 'velocity');
    m.assign(add(m, mul(sub(gradient, m), 1 - this.beta1)));
    v.assign(add(v, mul(sub(square(gradient), v), 1 - this.beta2)));
    const mHat = add(mul(m, uNext / (1 - uProductNext)), mul(gradient, (1 - uT) / (1 - uProductT)));
    const vHat = div(v, 1 - beta2Power);
    variable.assign(sub(variable, div(mul(mHat, learningRate), add(sqrt(vHat), this.epsilon))));
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}
registerClass('optimizer', Nadam);

/** `new Nadam(args)`: `st.optimizers.nadam(2e-3)`. */
export function nadam(args?: number | NadamArgs): Nadam {
  return new Nadam(args);
}
