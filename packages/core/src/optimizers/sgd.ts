/**
 * Stochastic gradient descent with optional momentum and Nesterov momentum (Keras 3 `SGD`).
 */
import type { Tensor, Variable } from '../tensor/tensor.js';
import { sgdUpdate } from '../ops/optimizer-updates.js';
import { registerClass, type ConfigDict } from '../serialization/registry.js';
import { Optimizer, type OptimizerArgs } from './optimizer.js';
import { hyper, optimizerArgs } from './args.js';

/** Arguments of `SGD`. */
export interface SGDArgs extends OptimizerArgs {
  /** In [0, 1]; 0 (default) is plain gradient descent and creates no state. */
  momentum?: number;
  /** Nesterov momentum (default false). */
  nesterov?: boolean;
}

/**
 * Gradient descent (default learning rate 0.01). With momentum:
 * `velocity = momentum·velocity − lr·g`, then `w += velocity` (Nesterov:
 * `w += momentum·velocity − lr·g`); without: `w −= lr·g`. Runs through `st.sgdUpdate`, so a
 * backend's `sgdUpdate` kernel is used when it has one.
 */
export class SGD extends Optimizer {
  static override readonly className: string = 'SGD';
  /** Momentum (0: plain SGD). */
  readonly momentum: number;
  /** Whether Nesterov momentum is used. */
  readonly nesterov: boolean;

  constructor(args?: number | SGDArgs) {
    const a = optimizerArgs(args);
    super(a, 0.01);
    this.momentum = hyper('SGD', 'momentum', a.momentum, 0, { lo: 0, hi: 1 });
    this.nesterov = a.nesterov ?? false;
  }

  protected buildSlots(variable: Variable): void {
    if (this.momentum !== 0) this.addSlot(variable, 'momentum');
  }

  protected updateStep(gradient: Tensor, variable: Variable, learningRate: number): void {
    const attrs = { learningRate, momentum: this.momentum, nesterov: this.nesterov };
    if (this.momentum === 0) {
      // Plain SGD has no velocity: the gradient stands in for it (returned unchanged, then freed).
      variable.assign(sgdUpdate(variable, gradient, gradient, attrs)[0]);
      return;
    }
    const velocity = this.getSlot(variable, 'momentum');
    const [w, v] = sgdUpdate(variable, gradient, velocity, attrs);
    variable.assign(w);
    velocity.assign(v);
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), momentum: this.momentum, nesterov: this.nesterov };
  }
}
registerClass('optimizer', SGD);

/** `new SGD(args)`: `st.optimizers.sgd(0.1)` or `st.optimizers.sgd({ learningRate: 0.1, momentum: 0.9 })`. */
export function sgd(args?: number | SGDArgs): SGD {
  return new SGD(args);
}
