/**
 * FTRL-Proximal (Keras 3), with L1, L2 and L2-shrinkage regularization.
 */
import type { Tensor, Variable } from '../tensor/tensor.js';
import { add, div, mul, pow, sub } from '../ops/binary.js';
import { square } from '../ops/unary.js';
import { clipByValue } from '../ops/selection.js';
import { registerClass, type ConfigDict } from '../serialization/registry.js';
import { Optimizer, type OptimizerArgs } from './optimizer.js';
import { hyper, optimizerArgs } from './args.js';

/** Arguments of `Ftrl`. */
export interface FtrlArgs extends OptimizerArgs {
  /** How the learning rate falls as the accumulator grows; ≤ 0 (default −0.5). */
  learningRatePower?: number;
  /** Starting value of the accumulators, ≥ 0 (default 0.1). */
  initialAccumulatorValue?: number;
  /** L1 strength, ≥ 0 (default 0). */
  l1RegularizationStrength?: number;
  /** L2 strength, ≥ 0 (default 0). */
  l2RegularizationStrength?: number;
  /** L2 shrinkage (a penalty on the weights' magnitude added to the gradient), ≥ 0 (default 0). */
  l2ShrinkageRegularizationStrength?: number;
  /** Added to the L2 term as `beta / (2·lr)` (default 0). */
  beta?: number;
}

/**
 * FTRL (default learning rate 0.001), with `p = −learningRatePower` and
 * `l2 = l2RegularizationStrength + beta/(2·lr)`: `g' = g + 2·l2Shrinkage·w`,
 * `n' = n + g²`, `z += g' − (n'^p − n^p)/lr · w`, `w = (clip(z, ±l1) − z) / (n'^p/lr + 2·l2)`, `n = n'`.
 */
export class Ftrl extends Optimizer {
  static override readonly className: string = 'Ftrl';
  /** How the learning rate falls as the accumulator grows. */
  readonly learningRatePower: number;
  /** Starting value of the accumulators. */
  readonly initialAccumulatorValue: number;
  /** L1 strength. */
  readonly l1RegularizationStrength: number;
  /** L2 strength. */
  readonly l2RegularizationStrength: number;
  /** L2 shrinkage strength. */
  readonly l2ShrinkageRegularizationStrength: number;
  /** Added to the L2 term as `beta / (2·lr)`. */
  readonly beta: number;

  constructor(args?: number | FtrlArgs) {
    const a = optimizerArgs(args);
    super(a, 0.001);
    this.learningRatePower = hyper('Ftrl', 'learningRatePower', a.learningRatePower, -0.5, { hi: 0 });
    this.initialAccumulatorValue = hyper('Ftrl', 'initialAccumulatorValue', a.initialAccumulatorValue, 0.1, { lo: 0 });
    this.l1RegularizationStrength = hyper('Ftrl', 'l1RegularizationStrength', a.l1RegularizationStrength, 0, { lo: 0 });
    this.l2RegularizationStrength = hyper('Ftrl', 'l2RegularizationStrength', a.l2RegularizationStrength, 0, { lo: 0 });
    this.l2ShrinkageRegularizationStrength = hyper('Ftrl', 'l2ShrinkageRegularizationStrength', a.l2ShrinkageRegularizationStrength, 0, { lo: 0 });
    this.beta = hyper('Ftrl', 'beta', a.beta, 0, { lo: 0 });
  }

  protected buildSlots(variable: Variable): void {
    this.addSlot(variable, 'accumulator', this.initialAccumulatorValue);
    this.addSlot(variable, 'linear');
  }

  protected updateStep(gradient: Tensor, variable: Variable, learningRate: number): void {
    const accum = this.getSlot(variable, 'accumulator');
    const linear = this.getSlot(variable, 'linear');
    const p = -this.learningRatePower;
    const l1 = this.l1RegularizationStrength;
    const l2 = this.l2RegularizationStrength + this.beta / (2 * learningRate);
    const gradToUse = add(gradient, mul(variable, 2 * this.l2ShrinkageRegularizationStrength));
    const newAccum = add(accum, square(gradient));
    const newAccumPow = pow(newAccum, p);
    linear.assign(add(linear, sub(gradToUse, mul(div(sub(newAccumPow, pow(accum, p)), learningRate), variable))));
    const quadratic = add(div(newAccumPow, learningRate), 2 * l2);
    variable.assign(div(sub(clipByValue(linear, -l1, l1), linear), quadratic));
    accum.assign(newAccum);
  }

  override getConfig(): ConfigDict {
    return {
      ...super.getConfig(),
      learningRatePower: this.learningRatePower, initialAccumulatorValue: this.initialAccumulatorValue,
      l1RegularizationStrength: this.l1RegularizationStrength, l2RegularizationStrength: this.l2RegularizationStrength,
      l2ShrinkageRegularizationStrength: this.l2ShrinkageRegularizationStrength, beta: this.beta,
    };
  }
}
registerClass('optimizer', Ftrl);

/** `new Ftrl(args)`: `st.optimizers.ftrl({ learningRate: 0.05, l1RegularizationStrength: 1e-3 })`. */
export function ftrl(args?: number | FtrlArgs): Ftrl {
  return new Ftrl(args);
}
