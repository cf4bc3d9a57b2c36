/**
 * RMSprop (Keras 3), plain or centered, with optional momentum.
 */
import type { Tensor, Variable } from '../tensor/tensor.js';
import { add, div, mul, sub } from '../ops/binary.js';
import { sqrt, square } from '../ops/unary.js';
import { registerClass, type ConfigDict } from '../serialization/registry.js';
import { Optimizer, type OptimizerArgs } from './optimizer.js';
import { hyper, optimizerArgs } from './args.js';

/** Arguments of `RMSprop`. */
export interface RMSpropArgs extends OptimizerArgs {
  /** Decay of the moving average of squared gradients (default 0.9). */
  rho?: number;
  /** Momentum (default 0: none, and no momentum state). */
  momentum?: number;
  /** Added inside the square root (default 1e-7). */
  epsilon?: number;
  /** Divide by an estimate of the gradient's variance instead of its second moment (default false). */
  centered?: boolean;
}

/**
 * RMSprop (default learning rate 0.001): `v = ρv + (1 − ρ)g²`; centered also keeps
 * `ḡ = ρḡ + (1 − ρ)g` and uses `v − ḡ²`; `Δ = lr·g / √(v [− ḡ²] + ε)`; with momentum
 * `mom = momentum·mom + Δ`, `w −= mom`, otherwise `w −= Δ`.
 */
export class RMSprop extends Optimizer {
  static override readonly className: string = 'RMSprop';
  /** Decay of the moving average of squared gradients. */
  readonly rho: number;
  /** Momentum (0: none). */
  readonly momentum: number;
  /** Added inside the square root. */
  readonly epsilon: number;
  /** Whether the gradient's variance is used instead of its second moment. */
  readonly centered: boolean;

  constructor(args?: number | RMSpropArgs) {
    const a = optimizerArgs(args);
    super(a, 0.001);
    this.rho = hyper('RMSprop', 'rho', a.rho, 0.9, { lo: 0, hi: 1 });
    this.momentum = hyper('RMSprop', 'momentum', a.momentum, 0, { lo: 0, hi: 1 });
    this.epsilon = hyper('RMSprop', 'epsilon', a.epsilon, 1e-7, { lo: 0 });
    this.centered = a.centered ?? false;
  }

  protected buildSlots(variable: Variable): void {
    this.addSlot(variable, 'velocity');
    if (this.momentum > 0) this.addSlot(variable, 'momentum');
    if (this.centered) this.addSlot(variable, 'averageGradient');
  }

  protected updateStep(gradient: Tensor, variable: Variable, learningRate: number): void {
    const rho = this.rho;
    const velocity = this.getSlot(variable, 'velocity');
    velocity.assign(add(mul(velocity, rho), mul(square(gradient), 1 - rho)));
    let denominator: Tensor;
    if (this.centered) {
      const avg = this.getSlot(variable, 'averageGradient');
      avg.assign(add(mul(avg, rho), mul(gradient, 1 - rho)));
      denominator = add(sub(velocity, square(avg)), this.epsilon);
    } else {
      denominator = add(velocity, this.epsilon);
    }
    const increment = div(mul(gradient, learningRate), sqrt(denominator));
    if (this.momentum > 0) {
      const mom = this.getSlot(variable, 'momentum');
      mom.assign(add(mul(mom, this.momentum), increment));
      variable.assign(sub(variable, mom));
    } else {
      variable.assign(sub(variable, increment));
    }
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), rho: this.rho, momentum: this.momentum, epsilon: this.epsilon, centered: this.centered };
  }
}
registerClass('optimizer', RMSprop);

/** `new RMSprop(args)`: `st.optimizers.rmsprop(1e-3)` or `st.optimizers.rmsprop({ rho: 0.95, centered: true })`. */
export function rmsprop(args?: number | RMSpropArgs): RMSprop {
  return new RMSprop(args);
}
