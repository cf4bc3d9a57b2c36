/**
 * Adam and AdamW (Keras 3), with the AMSGrad variant.
 */
import type { Tensor, Variable } from '../tensor/tensor.js';
import { adamUpdate } from '../ops/optimizer-updates.js';
import { add, div, maximum, mul, sub } from '../ops/binary.js';
import { sqrt, square } from '../ops/unary.js';
import { registerClass, type ConfigDict } from '../serialization/registry.js';
import { Optimizer, type OptimizerArgs } from './optimizer.js';
import { hyper, optimizerArgs } from './args.js';

/** Arguments of `Adam`. */
export interface AdamArgs extends OptimizerArgs {
  /** Decay of the first-moment estimate (default 0.9). */
  beta1?: number;
  /** Decay of the second-moment estimate (default 0.999). */
  beta2?: number;
  /** Added to the denominator for stability (default 1e-7). */
  epsilon?: number;
  /** Use the maximum of past second moments (AMSGrad; default false). */
  amsgrad?: boolean;
}

/**
 * Adam (default learning rate 0.001), with step `t = iterations + 1`:
 * `m += (g − m)(1 − β1)`, `v += (g² − v)(1 − β2)`,
 * `w −= lr·√(1 − β2^t)/(1 − β1^t) · m / (√v + ε)` (AMSGrad: `v̂ = max(v̂, v)` replaces `v` in the
 * last step). Without AMSGrad it runs through `st.adamUpdate`, so a backend's `adamUpdate` kernel
 * is used when it has one.
 */
export class Adam extends Optimizer {
  static override readonly className: string = 'Adam';
  /** Decay of the first-moment average. */
  readonly beta1: number;
  /** Decay of the second-moment average. */
  readonly beta2: number;
  /** Added to the denominator. */
  readonly epsilon: number;
  /** Whether the AMSGrad variant (the maximum of second moments) is used. */
  readonly amsgrad: boolean;

  constructor(args?: number | AdamArgs) {
    const a = optimizerArgs(args);
    super(a, 0.001);
    const cls = this.getClassName();
    this.beta1 = hyper(cls, 'beta1', a.beta1, 0.9, { lo: 0, hi: 1, hiOpen: true });
    this.beta2 = hyper(cls, 'beta2', a.beta2, 0.999, { lo: 0, hi: 1, hiOpen: true });
    this.epsilon = hyper(cls, 'epsilon', a.epsilon, 1e-7, { lo: 0 });
    this.amsgrad = a.amsgrad ?? false;
  }

  protected buildSlots(variable: Variable): void {
    this.addSlot(variable, 'momentum');
    this.addSlot(variable, 'velocity');
    if (this.amsgrad) this.addSlot(variable, 'velocityHat');
  }

  protected updateStep(gradient: Tensor, variable: Variable, learningRate: number): void {
    const m = this.getSlot(variable, 'momentum');
    const v = this.getSlot(variable, 'velocity');
    const step = this.iterations + 1;
    if (!this.amsgrad) {
      const [w2, m2, v2] = adamUpdate(variable, gradient, m, v, { learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, step });
      variable.assign(w2);
      m.assign(m2);
      v.assign(v2);
      return;
    }
    const alpha = (learningRate * Math.sqrt(1 - this.beta2 ** step)) / (1 - this.beta1 ** step);
    m.assign(add(m, mul(sub(gradient, m), 1 - this.beta1)));
    v.assign(add(v, mul(sub(square(gradient), v), 1 - this.beta2)));
    const vHat = this.getSlot(variable, 'velocityHat');
    vHat.assign(maximum(vHat, v));
    variable.assign(sub(variable, div(mul(m, alpha), add(sqrt(vHat), this.epsilon))));
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, amsgrad: this.amsgrad };
  }
}
registerClass('optimizer', Adam);

/**
 * Adam with decoupled weight decay (default `weightDecay` 0.004): before each Adam step the
 * weights become `w − w·weightDecay·lr`.
 */
export class AdamW extends Adam {
  static override readonly className: string = 'AdamW';
  constructor(args?: number | AdamArgs) {
    const a = optimizerArgs(args);
    if (a.weightDecay === null) throw new Error('AdamW: weightDecay must be a number (default 0.004), got null');
    super({ ...a, weightDecay: a.weightDecay ?? 0.004 });
  }
}
registerClass('optimizer', AdamW);

/** `new Adam(args)`: `st.optimizers.adam(1e-3)` or `st.optimizers.adam({ learningRate: 1e-3, amsgrad: true })`. */
export function adam(args?: number | AdamArgs): Adam {
  return new Adam(args);
}

/** `new AdamW(args)`: `st.optimizers.adamw({ learningRate: 1e-3, weightDecay: 0.01 })`. */
export function adamw(args?: number | AdamArgs): AdamW {
  return new AdamW(args);
}
