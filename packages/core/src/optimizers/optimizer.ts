/**
 * The Optimizer contract (Keras 3): per-variable state ("slots") created once, `applyGradients`
 * with gradient clipping, decoupled weight decay, learning-rate schedules and an optional
 * exponential moving average (EMA) of the weights. Subclasses implement `buildSlots` and `updateStep`.
 */
import { Tensor, Variable } from '../tensor/tensor.js';
import { engine } from '../engine/engine.js';
import { variable, zerosLike, fill } from '../ops/creation.js';
import { add, div, maximum, minimum, mul, sub } from '../ops/binary.js';
import { sqrt, square } from '../ops/unary.js';
import { sum } from '../ops/reduction.js';
import { clipByValue } from '../ops/selection.js';
import {
  classNameOf, deserializeObject, isSerializedObject, serializeObject,
  type ConfigDict, type ConfigValue, type Serializable, type SerializedObject,
} from '../serialization/registry.js';

/** A learning rate that depends on the step number (see `st.optimizers.schedules`). */
export abstract class LearningRateSchedule implements Serializable {
  /** The registry name of the class (Keras' `class_name`); subclasses set their own. */
  static readonly className: string = '';
  /** The learning rate at optimizer step `step` (0-based: the optimizer's `iterations` before the step). */
  abstract value(step: number): number;
  /** The constructor arguments that rebuild this schedule (JSON only). */
  abstract getConfig(): ConfigDict;
  /** The name it is saved under (`className`, or its registered name). */
  getClassName(): string {
    return classNameOf(this, 'schedule');
  }
  /** Rebuilds a schedule from `getConfig()`'s result. */
  static fromConfig<T extends LearningRateSchedule>(this: new (args: never) => T, config: ConfigDict): T {
    return new this(config as never);
  }
}

/** Arguments every optimizer accepts (Keras 3 names). */
export interface OptimizerArgs {
  /** A number, a schedule, or a schedule's `{className, config}` (default depends on the optimizer). */
  learningRate?: number | LearningRateSchedule | SerializedObject;
  /** Decoupled weight decay: before each update, weights become `w − w·weightDecay·lr`. */
  weightDecay?: number | null;
  /** Clip each gradient to this L2 norm (0 or null: off). */
  clipnorm?: number | null;
  /** Clip each gradient element to ±clipvalue (0 or null: off). */
  clipvalue?: number | null;
  /** Scale all gradients together so their joint L2 norm is at most this (0 or null: off). */
  globalClipnorm?: number | null;
  /** Keep an exponential moving average of the weights. */
  useEma?: boolean;
  /** EMA decay in [0, 1]: `ema = m·ema + (1 − m)·w` (the first step copies the weights). */
  emaMomentum?: number;
  /** Every this many steps, copy the EMA into the weights; null: only at `finalizeVariableValues`. */
  emaOverwriteFrequency?: number | null;
  /** The optimizer's name (default: the class name). */
  name?: string;
}

/** The base of every optimizer. */
export abstract class Optimizer implements Serializable {
  /** The registry name of the class (Keras' `class_name`); subclasses set their own. */
  static readonly className: string = 'Optimizer';
  /** The optimizer's name. */
  readonly name: string;
  /** Number of `applyGradients` calls so far (the schedule's step; Adam's `t` is `iterations + 1`). */
  iterations = 0;
  /** Decoupled weight decay, or null. */
  readonly weightDecay: number | null;
  /** Per-gradient L2 norm clip, or null. */
  readonly clipnorm: number | null;
  /** Per-element gradient clip, or null. */
  readonly clipvalue: number | null;
  /** Joint L2 norm clip of all gradients, or null. */
  readonly globalClipnorm: number | null;
  /** Whether an exponential moving average of the weights is kept. */
  readonly useEma: boolean;
  /** EMA decay. */
  readonly emaMomentum: number;
  /** Steps between copies of the EMA into the weights, or null. */
  readonly emaOverwriteFrequency: number | null;
  private lr: number | LearningRateSchedule;
  /** Slots per model variable, in build order (the order of `variables` and `getWeights`). */
  private readonly slots = new Map<Variable, Map<string, Variable>>();
  private readonly emaSlots = new Map<Variable, Variable>();
  private readonly excludedFromDecay = new Set<Variable>();
  private readonly excludedNames: string[] = [];

  constructor(args: OptimizerArgs, defaultLearningRate: number) {
    const className = classNameOf(this, 'optimizer');
    this.name = args.name ?? className.toLowerCase();
    const lr = args.learningRate ?? defaultLearningRate;
    if (isSerializedObject(lr)) this.lr = deserializeObject<LearningRateSchedule>('schedule', lr, className);
    else if (lr instanceof LearningRateSchedule) this.lr = lr;
    else if (typeof lr === 'number' && lr >= 0 && Number.isFinite(lr)) this.lr = lr;
    else throw new Error(`${className}: learningRate must be a finite number ≥ 0, a LearningRateSchedule or {className, config}, got ${String(lr)}`);
    this.weightDecay = args.weightDecay ?? null;
    this.clipnorm = args.clipnorm ?? null;
    this.clipvalue = args.clipvalue ?? null;
    this.globalClipnorm = args.globalClipnorm ?? null;
    if ([this.clipnorm, this.clipvalue, this.globalClipnorm].filter((c) => c !== null).length > 1) {
      throw new Error(`${className}: set at most one of clipnorm, clipvalue and globalClipnorm ` +
        `(got clipnorm=${this.clipnorm}, clipvalue=${this.clipvalue}, globalClipnorm=${this.globalClipnorm})`);
    }
    for (const [k, v] of [['clipnorm', this.clipnorm], ['clipvalue', this.clipvalue], ['globalClipnorm', this.globalClipnorm], ['weightDecay', this.weightDecay]] as const) {
      if (v !== null && !(typeof v === 'number' && v >= 0 && Number.isFinite(v))) throw new Error(`${className}: ${k} must be a finite number ≥ 0 or null, got ${String(v)}`);
    }
    this.useEma = args.useEma ?? false;
    this.emaMomentum = args.emaMomentum ?? 0.99;
    this.emaOverwriteFrequency = args.emaOverwriteFrequency ?? null;
    if (!(this.emaMomentum >= 0 && this.emaMomentum <= 1)) throw new Error(`${className}: emaMomentum must be in [0, 1], got ${this.emaMomentum}`);
    const freq = this.emaOverwriteFrequency;
    if (freq !== null && !(Number.isInteger(freq) && freq >= 1)) {
      throw new Error(`${className}: emaOverwriteFrequency must be an integer ≥ 1 or null, got ${freq}`);
    }
  }

  /** The learning rate at the current step (evaluates the schedule at `iterations`). */
  get learningRate(): number {
    return typeof this.lr === 'number' ? this.lr : this.lr.value(this.iterations);
  }

  /**
   * Sets the learning rate: a number (e.g. from ReduceLROnPlateau) or a new schedule. As in Keras,
   * a number cannot replace a schedule the optimizer was created with.
   */
  set learningRate(value: number | LearningRateSchedule) {
    if (value instanceof LearningRateSchedule) {
      this.lr = value;
      return;
    }
    if (typeof this.lr !== 'number') {
      throw new Error(`${this.name}: this optimizer was created with a LearningRateSchedule (${this.lr.getClassName()}), ` +
        `so its learning rate cannot be set to a number; create it with a number learningRate to make it settable`);
    }
    if (!(typeof value === 'number' && value >= 0 && Number.isFinite(value))) {
      throw new Error(`${this.name}: learningRate must be a finite number ≥ 0, got ${String(value)}`);
    }
    this.lr = value;
  }

  /** The schedule, if the learning rate is one. */
  get schedule(): LearningRateSchedule | null {
    return typeof this.lr === 'number' ? null : this.lr;
  }

  /**
   * Variables weight decay must skip (e.g. biases and normalization scales): the given variables,
   * and every variable whose name contains one of `varNames`.
   */
  excludeFromWeightDecay(variables?: readonly Variable[] | null, varNames?: readonly string[] | null): void {
    for (const v of variables ?? []) this.excludedFromDecay.add(v);
    // An empty string would match every name.
    for (const n of varNames ?? []) if (n !== '') this.excludedNames.push(n);
  }

  private usesWeightDecay(v: Variable): boolean {
    return !this.excludedFromDecay.has(v) && !this.excludedNames.some((n) => v.name.includes(n));
  }

  /** Creates the state for `variables` (done automatically by the first `applyGradients`). */
  build(variables: readonly Variable[]): void {
    for (const v of variables) {
      if (this.slots.has(v)) continue;
      v.assertUsable(`${this.name}.build`, `variable '${v.name}'`);
      this.slots.set(v, new Map());
      engine().tidy(() => this.buildSlots(v));
      if (this.useEma) {
        // A copy of the weights (Keras starts at zeros; the first step overwrites it either way,
        // and a copy keeps finalizeVariableValues harmless before any step).
        this.emaSlots.set(v, this.makeSlotVariable(v, 'average', engine().tidy(() => add(v, 0))));
      }
    }
  }

  /** Creates the slots one variable needs (with `addSlot`). */
  protected abstract buildSlots(variable: Variable): void;

  /**
   * Updates one variable from its (clipped) gradient at learning rate `learningRate`. Runs inside
   * a tidy scope with gradient recording off; `this.iterations` is still the count before this step.
   */
  protected abstract updateStep(gradient: Tensor, variable: Variable, learningRate: number): void;

  /** Creates a slot for `variable`, initialised to `initialValue` (default zeros). */
  protected addSlot(variable: Variable, slotName: string, initialValue?: number): Variable {
    const init = initialValue === undefined ? zerosLike(variable) : fill(variable.shape, initialValue, variable.dtype);
    const slot = this.makeSlotVariable(variable, slotName, init);
    this.slots.get(variable)!.set(slotName, slot);
    return slot;
  }

  private makeSlotVariable(v: Variable, slotName: string, init: Tensor): Variable {
    const slot = variable(init, false, engine().uniqueVariableName(`${this.name}/${v.name}/${slotName}`));
    init.dispose();
    return slot;
  }

  /** A slot created by `addSlot`. */
  protected getSlot(variable: Variable, slotName: string): Variable {
    const slot = this.slots.get(variable)?.get(slotName);
    if (!slot) throw new Error(`${this.name}: no slot '${slotName}' for variable '${variable.name}'`);
    return slot;
  }

  /**
   * Applies one step: `pairs` are `[gradient, variable]`; a null gradient skips its variable (all
   * null is an error). Gradients are clipped, weights decayed, then each variable is updated, then
   * the EMA. Gradients are not disposed (the caller owns them).
    * @example
    * const w = st.variable(st.tensor([1, 2]));
    * const optimizer = st.optimizers.sgd(0.1);
    * const { value, grads } = st.variableGrads(() => st.sum(st.square(w)), [w]);
    * optimizer.applyGradients([[grads[w.name]!, w]]);   // w is now [0.8, 1.6]
    * st.dispose([value, grads]);
   */
  applyGradients(pairs: readonly (readonly [Tensor | null, Variable])[]): void {
    const where = `${this.name}.applyGradients`;
    if (pairs.length === 0) return;
    const kept = pairs.filter((p): p is readonly [Tensor, Variable] => p[0] !== null && p[0] !== undefined);
    if (kept.length === 0) {
      throw new Error(`${where}: no gradients provided for any variable (${pairs.map(([, v]) => `'${v.name}'`).join(', ')})`);
    }
    kept.forEach(([g, v], i) => {
      g.assertUsable(where, `gradient ${i}`);
      v.assertUsable(where, `variable ${i}`);
      if (g.dtype !== v.dtype || g.shape.length !== v.shape.length || g.shape.some((d, j) => d !== v.shape[j])) {
        throw new Error(`${where}: gradient ${i} is ${g.describe()} but variable '${v.name}' is ${v.describe()}`);
      }
    });
    this.build(kept.map(([, v]) => v));
    const lr = this.learningRate;
    const e = engine();
    e.withoutTapes(() => e.tidy(() => {
      const grads = this.clipGradients(kept.map(([g]) => g));
      if (this.weightDecay) {
        const wd = this.weightDecay;
        for (const [, v] of kept) if (this.usesWeightDecay(v)) v.assign(sub(v, mul(mul(v, wd), lr)));
      }
      kept.forEach(([, v], i) => this.updateStep(grads[i]!, v, lr));
      if (this.useEma) this.updateEma();
    }));
    this.iterations++;
  }

  /** Keras 3's `apply(grads, variables)`: `applyGradients` with two parallel lists. */
  apply(gradients: readonly (Tensor | null)[], variables: readonly Variable[]): void {
    if (gradients.length !== variables.length) {
      throw new Error(`${this.name}.apply: got ${gradients.length} gradients for ${variables.length} variables`);
    }
    this.applyGradients(gradients.map((g, i) => [g, variables[i]!] as const));
  }

  private clipGradients(grads: Tensor[]): Tensor[] {
    if (this.clipnorm) {
      const c = this.clipnorm;
      return grads.map((g) => mul(g, div(c, maximum(sqrt(sum(square(g))), c))));
    }
    if (this.globalClipnorm) {
      const c = this.globalClipnorm;
      const norm = sqrt(grads.map((g) => sum(square(g))).reduce((a, b) => add(a, b)));
      // min(c/norm, 1); `norm − norm` makes the scale NaN when the norm is ±Inf or NaN (as Keras).
      const scale = add(mul(minimum(div(1, norm), 1 / c), c), sub(norm, norm));
      return grads.map((g) => mul(g, scale));
    }
    if (this.clipvalue) {
      const c = this.clipvalue;
      return grads.map((g) => clipByValue(g, -c, c));
    }
    return grads;
  }

  /** Updates the average of every variable the optimizer was built for; overwrites when due. */
  private updateEma(): void {
    // Keras: the first step (iterations 0) uses momentum 0, so the average starts at the weights.
    const m = this.iterations === 0 ? 0 : this.emaMomentum;
    for (const [v, ema] of this.emaSlots) {
      if (v.isDisposed) continue;
      ema.assign(add(mul(ema, m), mul(v, 1 - m)));
    }
    if (this.emaOverwriteFrequency && (this.iterations + 1) % this.emaOverwriteFrequency === 0) {
      this.finalizeVariableValues();
    }
  }

  /**
   * With `useEma`, copies the moving averages into the weights (`fit` calls this at the end).
   * Without `variables`, every variable the optimizer was built for.
   */
  finalizeVariableValues(variables?: readonly Variable[]): void {
    if (!this.useEma) return;
    for (const v of variables ?? [...this.emaSlots.keys()]) {
      const ema = this.emaSlots.get(v);
      if (ema && !v.isDisposed) v.assign(ema);
    }
  }

  /** State variables: each model variable's slots in build order, then the EMA averages. */
  get variables(): Variable[] {
    const out: Variable[] = [];
    for (const m of this.slots.values()) out.push(...m.values());
    out.push(...this.emaSlots.values());
    return out;
  }

  /**
   * Copies of `[iterations, ...variables]` (TensorFlow.js order; iterations is an int32 scalar);
   * the caller disposes them.
   */
  getWeights(): Tensor[] {
    return [fill([], this.iterations, 'int32'), ...this.variables.map((v) => engine().tidy(() => add(v, 0)))];
  }

  /**
   * Restores `getWeights()`'s result on a backend with synchronous reads. Build the optimizer for
   * the model's variables first (`build`), so the slots exist in the same order.
   */
  setWeights(values: readonly Tensor[]): void {
    const iterations = values[0];
    if (iterations && !iterations.record.backend.readSync) {
      throw new Error(`${this.name}.setWeights: backend '${iterations.backendName}' reads asynchronously; use setWeightsAsync`);
    }
    this.checkState(values);
    this.assignState(values, iterations!.dataSync()[0]!);
  }

  /** `setWeights` for every backend. */
  async setWeightsAsync(values: readonly Tensor[]): Promise<void> {
    this.checkState(values);
    this.assignState(values, (await values[0]!.data())[0]!);
  }

  private checkState(values: readonly Tensor[]): void {
    const vars = this.variables;
    if (values.length !== vars.length + 1) {
      throw new Error(`${this.name}.setWeights: expected ${vars.length + 1} tensors (iterations + ${vars.length} state variables), got ${values.length}` +
        (vars.length === 0 ? '; build the optimizer for the model variables first (optimizer.build(variables))' : ''));
    }
    const it = values[0]!;
    it.assertUsable(`${this.name}.setWeights`, 'iterations');
    if (it.shape.length !== 0) throw new Error(`${this.name}.setWeights: iterations must be a scalar, got ${it.describe()}`);
    vars.forEach((v, i) => {
      const t = values[i + 1]!;
      t.assertUsable(`${this.name}.setWeights`, `state ${i}`);
      if (t.dtype !== v.dtype || t.shape.length !== v.shape.length || t.shape.some((d, j) => d !== v.shape[j])) {
        throw new Error(`${this.name}.setWeights: state ${i} '${v.name}' is ${v.describe()} but the value is ${t.describe()}`);
      }
    });
  }

  private assignState(values: readonly Tensor[], iterations: number): void {
    if (!(Number.isFinite(iterations) && iterations >= 0)) throw new Error(`${this.name}.setWeights: iterations must be a count ≥ 0, got ${iterations}`);
    this.iterations = Math.round(iterations);
    this.variables.forEach((v, i) => v.assign(values[i + 1]!));
  }

  /** The constructor arguments (camelCase Keras names); a schedule is written as `{className, config}`. */
  getConfig(): ConfigDict {
    const config: ConfigDict = {
      name: this.name,
      learningRate: typeof this.lr === 'number' ? this.lr : (serializeObject(this.lr) as unknown as ConfigValue),
      weightDecay: this.weightDecay, clipnorm: this.clipnorm, clipvalue: this.clipvalue, globalClipnorm: this.globalClipnorm,
      useEma: this.useEma, emaMomentum: this.emaMomentum, emaOverwriteFrequency: this.emaOverwriteFrequency,
    };
    return config;
  }

  /** The name it is saved under (`className`, or its registered name). */
  getClassName(): string {
    return classNameOf(this, 'optimizer');
  }

  /** Rebuilds an optimizer from `getConfig()`'s result. */
  static fromConfig<T extends Optimizer>(this: new (args: never) => T, config: ConfigDict): T {
    return new this(config as never);
  }

  /** Frees the optimizer's state (a later `applyGradients` starts fresh slots). */
  dispose(): void {
    for (const v of this.variables) v.dispose();
    this.slots.clear();
    this.emaSlots.clear();
  }
}
