/**
 * Adagrad (Keras 3).
 */
import type { Tensor, Variable } from '../tensor/tensor.js';
import { add, div, mul, sub } from '../ops/binary.js';
import { sqrt, square } from '../ops/unary.js';
import { registerClass, type ConfigDict } from '../serialization/registry.js';
import { Optimizer, type OptimizerArgs } from './optimizer.js';
import { hyper, optimizerArgs } from './args.js';

/** Arguments of `Adagrad`. */
export interface AdagradArgs extends OptimizerArgs {
  /** Starting value of the accumulators (default 0.1). */
  initialAccumulatorValue?: number;
  /** Added inside the square root (default 1e-7). */
  epsilon?: number;
}

/** Adagrad (default learning rate 0.001): `acc += g²`, `w −= lr·g / √(acc + ε)`. */
export class Adagrad extends Optimizer {
  static override readonly className: string = 'Adagrad';
  /** Starting value of the accumulators. */
  readonly initialAccumulatorValue: number;
  /** Added inside the square root. */
  readonly epsilon: number;

  constructor(args?: number | AdagradArgs) {
    const a = optimizerArgs(args);
    super(a, 0.001);
    this.initialAccumulatorValue = hyper('Adagrad', 'initialAccumulatorValue', a.initialAccumulatorValue, 0.1, { lo: 0 });
    this.epsilon = hyper('Adagrad', 'epsilon', a.epsilon, 1e-7, { lo: 0 });
  }

  protected buildSlots(variable: Variable): void {
    this.addSlot(variable, 'accumulator', this.initialAccumulatorValue);
  }

  protected updateStep(gradient: Tensor, variable: Variable, learningRate: number): void {
    const acc = this.getSlot(variable, 'accumulator');
    acc.assign(add(acc, square(gradient)));
    variable.assign(sub(variable, div(mul(gradient, learningRate), sqrt(add(acc, this.epsilon)))));
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), initialAccumulatorValue: this.initialAccumulatorValue, epsilon: this.epsilon };
  }
}
registerClass('optimizer', Adagrad);

/** `new Adagrad(args)`: `st.optimizers.adagrad(0.01)`. */
export function adagrad(args?: number | AdagradArgs): Adagrad {
  return new Adagrad(args);
}
