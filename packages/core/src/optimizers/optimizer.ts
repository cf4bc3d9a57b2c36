/**
 * The Optimizer contract (Keras 3): per-variable state ("slots") created once, `applyGradients`
 * with gradient clipping, decoupled weight decay, learning-rate schedules and an optional
 * exponential moving average (EMA) of the weights. Subclasses implement `buildSlots` and `updateStep`.
 */
import { Tensor, Variable } from '../tensor/tensor.js';
import { engine } from '../engine/engine.js';
import { variable, zerosLike, fill } from '../ops/creation.js';
import { add, div, maximum, mul, sub } from '../ops/binary.js';
import { sqrt, square } from '../ops/unary.js';
import { sum } from '../ops/reduction.js';
import { clipByValue } from '../ops/selection.js';
import {
  classNameOf, deserializeObject, isSerializedObject, serializeObject,
  type ConfigDict, type ConfigValue, type Serializable, type SerializedObject,
} from '../serialization/registry.js';

/** A learning rate that depends on the step number (see `st.optimizers.schedules`). */
export abstract class LearningRateSchedule implements Serializable {
  static readonly className: string = '';
  /** The learning rate at optimizer step `step` (0-based). */
  abstract value(step: number): number;
  abstract getConfig(): ConfigDict;
  getClassName(): string {
    return classNameOf(this, 'schedule');
  }
}

/** Arguments every optimizer accepts (Keras 3 names). */
export interface OptimizerArgs {
  learningRate?: number | LearningRateSchedule | SerializedObject;
  /** Decoupled weight decay: each step multiplies weights by `1 − lr·weightDecay`. */
  weightDecay?: number | null;
  /** Clip each gradient to this L2 norm. */
  clipnorm?: number | null;
  /** Clip each gradient element to ±clipvalue. */
  clipvalue?: number | null;
  /** Scale all gradients together so their joint L2 norm is at most this. */
  globalClipnorm?: number | null;
  /** Keep an exponential moving average of the weights. */
  useEma?: boolean;
  emaMomentum?: number;
  /** Every this many steps, copy the EMA into the weights; null: only at `finalizeVariableValues`. */
  emaOverwriteFrequency?: number | null;
  name?: string;
}

/** The base of every optimizer. */
export abstract class Optimizer implements Serializable {
  static readonly className: string = 'Optimizer';
  readonly name: string;
  /** Number of `applyGradients` calls so far (the schedule's step). */
  iterations = 0;
  readonly weightDecay: number | null;
  readonly clipnorm: number | null;
  readonly clipvalue: number | null;
  readonly globalClipnorm: number | null;
  readonly useEma: boolean;
  readonly emaMomentum: number;
  readonly emaOverwriteFrequency: number | null;
  private lr: number | LearningRateSchedule;
  /** Slots per model variable, in creation order (the order of `getWeights`). */
  private readonly slots = new Map<Variable, Map<string, Variable>>();
  private readonly emaSlots = new Map<Variable, Variable>();
  private readonly excludedFromDecay = new Set<Variable>();

  constructor(args: OptimizerArgs, defaultLearningRate: number) {
    const className = classNameOf(this, 'optimizer');
    this.name = args.name ?? className.toLowerCase();
    const lr = args.learningRate ?? defaultLearningRate;
    this.lr = isSerializedObject(lr) ? deserializeObject<LearningRateSchedule>('schedule', lr, className) : lr;
    if (typeof this.lr === 'number' && !(this.lr >= 0 && Number.isFinite(this.lr))) {
      throw new Error(`${className}: learningRate must be a finite number ≥ 0, got ${this.lr}`);
    }
    this.weightDecay = args.weightDecay ?? null;
    this.clipnorm = args.clipnorm ?? null;
    this.clipvalue = args.clipvalue ?? null;
    this.globalClipnorm = args.globalClipnorm ?? null;
    if ([this.clipnorm, this.clipvalue, this.globalClipnorm].filter((c) => c !== null).length > 1) {
      throw new Error(`${className}: set at most one of clipnorm, clipvalue and globalClipnorm`);
    }
    for (const [k, v] of [['clipnorm', this.clipnorm], ['clipvalue', this.clipvalue], ['globalClipnorm', this.globalClipnorm], ['weightDecay', this.weightDecay]] as const) {
      if (v !== null && !(v >= 0)) throw new Error(`${className}: ${k} must be ≥ 0, got ${v}`);
    }
    this.useEma = args.useEma ?? false;
    this.emaMomentum = args.emaMomentum ?? 0.99;
    this.emaOverwriteFrequency = args.emaOverwriteFrequency ?? null;
  }

  /** The learning rate at the current step (evaluates the schedule). */
  get learningRate(): number {
    return typeof this.lr === 'number' ? this.lr : this.lr.value(this.iterations);
  }

  /** Sets a constant learning rate (e.g. from ReduceLROnPlateau); replaces a schedule. */
  set learningRate(value: number) {
    if (!(value >= 0 && Number.isFinite(value))) throw new Error(`${this.name}: learningRate must be a finite number ≥ 0, got ${value}`);
    this.lr = value;
  }

  /** The schedule, if the learning rate is one. */
  get schedule(): LearningRateSchedule | null {
    return typeof this.lr === 'number' ? null : this.lr;
  }

  /** Variables weight decay must skip (e.g. biases and normalization scales). */
  excludeFromWeightDecay(variables: readonly Variable[]): void {
    for (const v of variables) this.excludedFromDecay.add(v);
  }

  /** Creates the state for `variables` (done automatically by the first `applyGradients`). */
  build(variables: readonly Variable[]): void {
    for (const v of variables) {
      if (this.slots.has(v)) continue;
      this.slots.set(v, new Map());
      engine().tidy(() => this.buildSlots(v));
      if (this.useEma) this.emaSlots.set(v, this.makeSlotVariable(v, 'ema', add(v, 0)));
    }
  }

  /** Creates the slots one variable needs (with `addSlot`). */
  protected abstract buildSlots(variable: Variable): void;

  /** Updates one variable from its (clipped) gradient at learning rate `learningRate`. */
  protected abstract updateStep(gradient: Tensor, variable: Variable, learningRate: number): void;

  /** Creates a slot for `variable`, initialised to `initialValue` (default zeros). */
  protected addSlot(variable: Variable, slotName: string, initialValue?: number): Variable {
    const init = initialValue === undefined ? zerosLike(variable) : fill(variable.shape, initialValue, variable.dtype);
    return this.makeSlotVariable(variable, slotName, init);
  }

  private makeSlotVariable(v: Variable, slotName: string, init: Tensor): Variable {
    const slot = engine().tidy(() => variable(init, false, engine().uniqueVariableName(`${this.name}/${v.name}/${slotName}`)));
    init.dispose();
    if (slotName !== 'ema') this.slots.get(v)!.set(slotName, slot);
    return slot;
  }

  /** A slot created by `addSlot`. */
  protected getSlot(variable: Variable, slotName: string): Variable {
    const slot = this.slots.get(variable)?.get(slotName);
    if (!slot) throw new Error(`${this.name}: no slot '${slotName}' for variable '${variable.name}'`);
    return slot;
  }

  /**
   * Applies one step: `pairs` are `[gradient, variable]`. Gradients are clipped, weights decayed,
   * then each variable is updated. Gradients are not disposed (the caller owns them).
   */
  applyGradients(pairs: readonly (readonly [Tensor, Variable])[]): void {
    if (pairs.length === 0) return;
    pairs.forEach(([g, v], i) => {
      g.assertUsable(`${this.name}.applyGradients`, `gradient ${i}`);
      if (g.shape.length !== v.shape.length || g.shape.some((d, j) => d !== v.shape[j])) {
        throw new Error(`${this.name}.applyGradients: gradient ${i} is ${g.describe()} but variable '${v.name}' is ${v.describe()}`);
      }
    });
    this.build(pairs.map(([, v]) => v));
    const lr = this.learningRate;
    engine().tidy(() => {
      const grads = this.clipGradients(pairs.map(([g]) => g));
      pairs.forEach(([, v], i) => {
        if (this.weightDecay && !this.excludedFromDecay.has(v)) v.assign(sub(v, mul(v, lr * this.weightDecay)));
        this.updateStep(grads[i]!, v, lr);
      });
    });
    this.iterations++;
    if (this.useEma) this.updateEma(pairs.map(([, v]) => v));
  }

  private clipGradients(grads: Tensor[]): Tensor[] {
    if (this.clipvalue !== null) return grads.map((g) => clipByValue(g, -this.clipvalue!, this.clipvalue!));
    if (this.clipnorm !== null) return grads.map((g) => clipToNorm(g, sqrt(sum(square(g))), this.clipnorm!));
    if (this.globalClipnorm !== null) {
      const norm = sqrt(grads.map((g) => sum(square(g))).reduce((a, b) => add(a, b)));
      return grads.map((g) => clipToNorm(g, norm, this.globalClipnorm!));
    }
    return grads;
  }

  private updateEma(variables: Variable[]): void {
    engine().tidy(() => {
      for (const v of variables) {
        const ema = this.emaSlots.get(v)!;
        ema.assign(add(mul(ema, this.emaMomentum), mul(v, 1 - this.emaMomentum)));
      }
    });
    if (this.emaOverwriteFrequency && this.iterations % this.emaOverwriteFrequency === 0) this.finalizeVariableValues(variables);
  }

  /** With `useEma`, copies the moving averages into the weights (`fit` calls this at the end). */
  finalizeVariableValues(variables: readonly Variable[]): void {
    if (!this.useEma) return;
    for (const v of variables) {
      const ema = this.emaSlots.get(v);
      if (ema) v.assign(ema);
    }
  }

  /** State variables (slots, then EMA), in creation order. */
  get variables(): Variable[] {
    const out: Variable[] = [];
    for (const m of this.slots.values()) out.push(...m.values());
    out.push(...this.emaSlots.values());
    return out;
  }

  /** Copies of `[iterations, ...variables]` (TensorFlow.js order); the caller disposes them. */
  getWeights(): Tensor[] {
    return [fill([], this.iterations, 'float32'), ...this.variables.map((v) => engine().tidy(() => add(v, 0)))];
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
    this.assignState(values, iterations ? iterations.dataSync()[0]! : 0);
  }

  /** `setWeights` for every backend. */
  async setWeightsAsync(values: readonly Tensor[]): Promise<void> {
    this.assignState(values, values[0] ? (await values[0].data())[0]! : 0);
  }

  private assignState(values: readonly Tensor[], iterations: number): void {
    const vars = this.variables;
    if (values.length !== vars.length + 1) {
      throw new Error(`${this.name}.setWeights: expected ${vars.length + 1} tensors (iterations + ${vars.length} state variables), got ${values.length}`);
    }
    vars.forEach((v, i) => {
      const t = values[i + 1]!;
      if (t.dtype !== v.dtype || t.shape.length !== v.shape.length || t.shape.some((d, j) => d !== v.shape[j])) {
        throw new Error(`${this.name}.setWeights: state ${i} '${v.name}' is ${v.describe()} but the value is ${t.describe()}`);
      }
    });
    this.iterations = Math.round(iterations);
    vars.forEach((v, i) => v.assign(values[i + 1]!));
  }

  getConfig(): ConfigDict {
    const config: ConfigDict = {
      name: this.name,
      learningRate: typeof this.lr === 'number' ? this.lr : (serializeObject(this.lr) as unknown as ConfigValue),
      weightDecay: this.weightDecay, clipnorm: this.clipnorm, clipvalue: this.clipvalue, globalClipnorm: this.globalClipnorm,
      useEma: this.useEma, emaMomentum: this.emaMomentum, emaOverwriteFrequency: this.emaOverwriteFrequency,
    };
    return config;
  }

  getClassName(): string {
    return classNameOf(this, 'optimizer');
  }

  /** Rebuilds an optimizer from `getConfig()`'s result. */
  static fromConfig<T extends Optimizer>(this: new (args: never) => T, config: ConfigDict): T {
    return new this(config as never);
  }

  /** Frees the optimizer's state. */
  dispose(): void {
    for (const v of this.variables) v.dispose();
    this.slots.clear();
    this.emaSlots.clear();
  }
}

/** `g * min(1, maxNorm / norm)`. */
function clipToNorm(g: Tensor, norm: Tensor, maxNorm: number): Tensor {
  return mul(g, div(maxNorm, maximum(norm, maxNorm)));
}
