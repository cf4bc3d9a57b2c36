/**
 * The Metric contract (Keras): state in non-trainable variables, accumulated by `updateState`,
 * read by `result`, cleared by `resetState`. State stays on the backend until `result` is read.
 */
import type { DType } from '../backend/contract.js';
import type { Tensor, Variable } from '../tensor/tensor.js';
import { engine } from '../engine/engine.js';
import { fill, variable } from '../ops/creation.js';
import { classNameOf, type ConfigDict, type Serializable } from '../serialization/registry.js';
import { camelCaseKeys } from '../losses/utils.js';

/** Arguments every metric accepts. */
export interface MetricArgs {
  /** The key in training logs; default the Keras name in snake_case (`binary_accuracy`, ...). */
  name?: string;
  /** The dtype of the state and result. Default float32. */
  dtype?: DType;
}

/**
 * The base of every metric. A custom metric keeps its state in variables made by `addVariable`,
 * adds to them in `updateState` and reads them in `result`; `resetState` (called at each epoch's
 * start by `fit`) puts them back to their initial values.
 *
 * @example
 * class MaxAbsoluteError extends st.Metric {
 *   private readonly worst = this.addVariable('worst');
 *   constructor() {
 *     super({}, 'max_abs_error');
 *   }
 *   updateState(yTrue: st.Tensor, yPred: st.Tensor): void {
 *     st.tidy(() => this.worst.assign(st.maximum(this.worst, st.max(st.abs(st.sub(yTrue, yPred))))));
 *   }
 *   result(): st.Tensor {
 *     return st.clone(this.worst);
 *   }
 * }
 * const m = new MaxAbsoluteError();
 * m.updateState(st.tensor([1, 2, 3]), st.tensor([1, 2.5, 2]));
 * m.result();   // 1
 */
export abstract class Metric implements Serializable {
  /** The registry name of the class (Keras' `class_name`); subclasses set their own. */
  static readonly className: string = 'Metric';
  /** The key in training logs. */
  readonly name: string;
  /** The dtype of the state and result (float32). */
  readonly dtype: DType;
  private readonly state: { variable: Variable; initialValue: number }[] = [];

  constructor(args: MetricArgs = {}, defaultName: string) {
    if (args.name !== undefined && (typeof args.name !== 'string' || args.name === '')) {
      throw new Error(`${defaultName}: name must be a non-empty string, got ${String(args.name)}`);
    }
    this.name = args.name ?? defaultName;
    this.dtype = args.dtype ?? 'float32';
    if (this.dtype !== 'float32') {
      throw new Error(`${this.name}: metrics keep float32 state; dtype '${String(this.dtype)}' is not supported`);
    }
  }

  /** Adds `yTrue`/`yPred` (and optional per-sample weights) to the state. */
  abstract updateState(yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor | null): void;

  /** The metric's current value (a new scalar, or a vector for per-class metrics). */
  abstract result(): Tensor;

  /** Sets every state variable back to its initial value. */
  resetState(): void {
    for (const { variable: v, initialValue } of this.state) {
      const init = fill(v.shape, initialValue, v.dtype);
      v.assign(init);
      init.dispose();
    }
  }

  /** Creates a state variable (call from the constructor or on first `updateState`). */
  protected addVariable(name: string, shape: readonly number[] = [], initialValue = 0, dtype: DType = 'float32'): Variable {
    const v = engine().tidy(() => variable(fill(shape, initialValue, dtype), false, engine().uniqueVariableName(`metric/${this.name}/${name}`)));
    this.state.push({ variable: v, initialValue });
    return v;
  }

  /** The state variables. */
  get variables(): Variable[] {
    return this.state.map((s) => s.variable);
  }

  /** The constructor arguments that rebuild this metric (JSON only). */
  getConfig(): ConfigDict {
    return { name: this.name, dtype: this.dtype };
  }

  /** The name it is saved under (`className`, or its registered name). */
  getClassName(): string {
    return classNameOf(this, 'metric');
  }

  /** Rebuilds a metric from `getConfig()`'s result (snake_case keys from Keras files are accepted). */
  static fromConfig<T extends Metric>(this: new (args: never) => T, config: ConfigDict): T {
    return new this(camelCaseKeys(config) as never);
  }

  /** Frees the state variables. */
  dispose(): void {
    for (const { variable: v } of this.state) v.dispose();
    this.state.length = 0;
  }
}
