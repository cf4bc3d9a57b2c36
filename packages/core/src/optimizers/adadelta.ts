/**
 * Adadelta (Keras 3).
 */
import type { Tensor, Variable } from '../tensor/tensor.js';
import { add, div, mul } from '../ops/binary.js';
import { neg, sqrt, square } from '../ops/unary.js';
import { registerClass, type ConfigDict } from '../serialization/registry.js';
import { Optimizer, type OptimizerArgs } from './optimizer.js';
import { hyper, optimizerArgs } from './args.js';

/** Arguments of `Adadelta`. */
export interface AdadeltaArgs extends OptimizerArgs {
  /** Decay of the moving averages (default 0.95). */
  rho?: number;
  /** Added inside the square roots (default 1e-7). */
  epsilon?: number;
}

/**
 * Adadelta (default learning rate 0.001): `Eg = ρEg + (1 − ρ)g²`,
 * `Δ = −√(Ed + ε)/√(Eg + ε) · g`, `Ed = ρEd + (1 − ρ)Δ²`, `w += lr·Δ`.
 */
export class Adadelta extends Optimizer {
  static override readonly className: string = 'Adadelta';
  /** Decay of the moving averages. */
  readonly rho: number;
  /** Added inside the square roots. */
  readonly epsilon: number;

  constructor(args?: number | AdadeltaArgs) {
    const a = optimizerArgs(args);
    super(a, 0.001);
    this.rho = hyper('Adadelta', 'rho', a.rho, 0.95, { lo: 0, hi: 1 });
    this.epsilon = hyper('Adadelta', 'epsilon', a.epsilon, 1e-7, { lo: 0 });
  }

  protected buildSlots(variable: Variable): void {
    this.addSlot(variable, 'accumulatedGrad');
    this.addSlot(variable, 'accumulatedDeltaVar');
  }

  protected updateStep(gradient: Tensor, variable: Variable, learningRate: number): void {
    const rho = this.rho;
    const accGrad = this.getSlot(variable, 'accumulatedGrad');
    const accDelta = this.getSlot(variable, 'accumulatedDeltaVar');
    const rms = (x: Tensor): Tensor => sqrt(add(x, this.epsilon));
    accGrad.assign(add(mul(accGrad, rho), mul(square(gradient), 1 - rho)));
    const delta = neg(div(mul(rms(accDelta), gradient), rms(accGrad)));
    accDelta.assign(add(mul(accDelta, rho), mul(square(delta), 1 - rho)));
    variable.assign(add(variable, mul(delta, learningRate)));
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), rho: this.rho, epsilon: this.epsilon };
  }
}
registerClass('optimizer', Adadelta);

/** `new Adadelta(args)`: `st.optimizers.adadelta(1.0)`. */
export function adadelta(args?: number | AdadeltaArgs): Adadelta {
  return new Adadelta(args);
}
