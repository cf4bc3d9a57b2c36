/**
 * Activation layers (Keras): ReLU, LeakyReLU, PReLU, ELU, Softmax. All are elementwise (Softmax
 * along axes), so a mask passes through unchanged. Configs use the TensorFlow.js Layers keys.
 */
import type { Tensor, Variable } from '../tensor/tensor.js';
import { engine } from '../engine/engine.js';
import { registerClass, serializeObject, type ConfigDict, type SerializedObject } from '../serialization/registry.js';
import { getInitializer, serializeInitializer, type Initializer, type InitializerIdentifier } from '../initializers/initializers.js';
import { getRegularizer, type Regularizer, type RegularizerIdentifier } from './regularizers.js';
import { getConstraint, type Constraint, type ConstraintIdentifier } from './constraints.js';
import { add, greater, minimum, mul, sub } from '../ops/binary.js';
import { exp, relu as reluOp } from '../ops/unary.js';
import { cast } from '../ops/creation.js';
import { clipByValue, where } from '../ops/selection.js';
import { logSumExp } from '../ops/reduction.js';
import { elu as eluOp, leakyRelu as leakyReluOp, softmax as softmaxOp } from '../ops/activations.js';
import { Layer, singleInput, singleShape, type CallArgs, type LayerArgs, type SymbolicShape } from './layer.js';
import { checkAxisArg, formatShape as fmt } from './layer-utils.js';

function checkNumber(value: unknown, arg: string, layer: string, min = -Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new Error(`${layer}: ${arg} must be a finite number${min > -Infinity ? ` ≥ ${min}` : ''}, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** `{className, config}` as a plain config value. */
const asConfig = (o: SerializedObject): ConfigDict => ({ className: o.className, config: o.config });

/** Base of the elementwise activation layers: one input, output shape = input shape, masks pass through. */
abstract class ElementwiseActivation extends Layer {
  constructor(args: LayerArgs) {
    super(args);
    this.supportsMasking = true;
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    return [...singleShape(inputShape, this.name)];
  }
}

/** Arguments of {@link ReLU}. */
export interface ReLUArgs extends LayerArgs {
  /** Upper bound of the output (null: none). */
  maxValue?: number | null;
  /** Slope below `threshold`. Default 0. */
  negativeSlope?: number;
  /** Inputs at or below it are "negative". Default 0. */
  threshold?: number;
}

/**
 * Rectified linear unit with Keras' options: `min(x, maxValue)` for `x > threshold`, else
 * `negativeSlope * (x - threshold)`.
 */
export class ReLU extends ElementwiseActivation {
  static override readonly className = 'ReLU';
  /** Upper bound of the output, or null for none. */
  readonly maxValue: number | null;
  /** Slope below the threshold. */
  readonly negativeSlope: number;
  /** Inputs above this pass through. */
  readonly threshold: number;

  constructor(args: ReLUArgs = {}) {
    super(args);
    this.maxValue = args.maxValue === undefined || args.maxValue === null ? null : checkNumber(args.maxValue, 'maxValue', this.name, 0);
    this.negativeSlope = checkNumber(args.negativeSlope ?? 0, 'negativeSlope', this.name, 0);
    this.threshold = checkNumber(args.threshold ?? 0, 'threshold', this.name, 0);
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = singleInput(inputs, this.name);
    return engine().tidy(() => {
      if (this.negativeSlope === 0 && this.threshold === 0) {
        const y = reluOp(x);
        return this.maxValue === null ? y : clipByValue(y, 0, this.maxValue);
      }
      const above = this.maxValue === null ? x : minimum(x, this.maxValue);
      const below = mul(sub(x, this.threshold), this.negativeSlope);
      return where(greater(x, this.threshold), above, below);
    });
  }

  override getConfig(): ConfigDict {
    return { maxValue: this.maxValue, negativeSlope: this.negativeSlope, threshold: this.threshold, ...super.getConfig() };
  }
}

/** Arguments of {@link LeakyReLU}. */
export interface LeakyReLUArgs extends LayerArgs {
  /** Slope for negative inputs (the TensorFlow.js name). Default 0.3. */
  alpha?: number;
  /** The Keras 3 name of `alpha`. */
  negativeSlope?: number;
}

/** `x` for x > 0, else `alpha * x`. */
export class LeakyReLU extends ElementwiseActivation {
  static override readonly className = 'LeakyReLU';
  /** Slope for negative inputs. */
  readonly alpha: number;

  constructor(args: LeakyReLUArgs = {}) {
    super(args);
    if (args.alpha !== undefined && args.negativeSlope !== undefined && args.alpha !== args.negativeSlope) {
      throw new Error(`${this.name}: alpha (${args.alpha}) and negativeSlope (${args.negativeSlope}) name the same slope; give one`);
    }
    this.alpha = checkNumber(args.alpha ?? args.negativeSlope ?? 0.3, 'alpha', this.name, 0);
  }

  /** The Keras 3 name of `alpha`. */
  get negativeSlope(): number {
    return this.alpha;
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    return leakyReluOp(singleInput(inputs, this.name), this.alpha);
  }

  override getConfig(): ConfigDict {
    return { alpha: this.alpha, ...super.getConfig() };
  }
}

/** Arguments of {@link PReLU}. */
export interface PReLUArgs extends LayerArgs {
  /** Initializer of the learned slopes. Default 'zeros'. */
  alphaInitializer?: InitializerIdentifier;
  /** Regularizer of the learned slopes. */
  alphaRegularizer?: RegularizerIdentifier | null;
  /** Constraint of the learned slopes. */
  alphaConstraint?: ConstraintIdentifier | null;
  /** Axes (1-based, the batch axis is 0) along which one slope is shared, e.g. `[1, 2]` for one slope per channel of images. */
  sharedAxes?: number | readonly number[] | null;
}

/** Parametric ReLU: `x` for x > 0, else `alpha * x` with `alpha` learned per element (or shared along `sharedAxes`). */
export class PReLU extends ElementwiseActivation {
  static override readonly className = 'PReLU';
  /** Initializer of the learned slopes. */
  readonly alphaInitializer: Initializer;
  /** Regularizer of the learned slopes, or null. */
  readonly alphaRegularizer: Regularizer | null;
  /** Constraint of the learned slopes, or null. */
  readonly alphaConstraint: Constraint | null;
  /** Axes along which one slope is shared (1-based), or null. */
  readonly sharedAxes: readonly number[] | null;
  private alpha: Variable | null = null;

  constructor(args: PReLUArgs = {}) {
    super(args);
    this.alphaInitializer = getInitializer(args.alphaInitializer ?? 'zeros', `${this.name}: alphaInitializer`);
    this.alphaRegularizer = getRegularizer(args.alphaRegularizer ?? null, `${this.name}: alphaRegularizer`);
    this.alphaConstraint = getConstraint(args.alphaConstraint ?? null, `${this.name}: alphaConstraint`);
    const shared: unknown = args.sharedAxes ?? null;
    const list = shared === null ? null : typeof shared === 'number' ? [shared] : shared;
    if (list !== null && (!Array.isArray(list) || list.some((a: unknown) => typeof a !== 'number' || !Number.isInteger(a) || a < 1))) {
      throw new Error(`${this.name}: sharedAxes must be null, an axis ≥ 1 or a list of them, got ${JSON.stringify(shared)}`);
    }
    this.sharedAxes = list === null ? null : [...(list as number[])];
  }

  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    const s = singleShape(inputShape, this.name);
    if (s.length < 2) throw new Error(`${this.name}: input must have rank ≥ 2 ([batch, ...]), got shape ${fmt(s)}`);
    const shared = new Set(this.sharedAxes ?? []);
    for (const a of shared) {
      if (a >= s.length) throw new Error(`${this.name}: sharedAxes [${[...shared].join(',')}] name axis ${a}, but the input shape ${fmt(s)} has axes 1..${s.length - 1}`);
    }
    const axes: Record<number, number> = {};
    const paramShape = s.slice(1).map((d, i) => {
      if (shared.has(i + 1)) return 1;
      if (d === null) throw new Error(`${this.name}: axis ${i + 1} of input shape ${fmt(s)} is unknown; give its size or share it with sharedAxes`);
      axes[i + 1] = d;
      return d;
    });
    this.alpha = this.addWeight('alpha', {
      shape: paramShape, initializer: this.alphaInitializer, regularizer: this.alphaRegularizer, constraint: this.alphaConstraint,
    });
    this.inputSpec = { ndim: s.length, axes };
    this.built = true;
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = singleInput(inputs, this.name);
    if (!this.alpha) throw new Error(`${this.name}: the layer is not built; call apply() rather than call()`);
    const alpha = this.alpha;
    return engine().tidy(() => where(greater(x, 0), x, mul(x, alpha)));
  }

  override getConfig(): ConfigDict {
    return {
      alphaInitializer: asConfig(serializeInitializer(this.alphaInitializer)),
      alphaRegularizer: this.alphaRegularizer ? asConfig(serializeObject(this.alphaRegularizer)) : null,
      alphaConstraint: this.alphaConstraint ? asConfig(serializeObject(this.alphaConstraint)) : null,
      sharedAxes: this.sharedAxes ? [...this.sharedAxes] : null,
      ...super.getConfig(),
    };
  }
}

/** Arguments of {@link ELU}. */
export interface ELUArgs extends LayerArgs {
  /** Scale of the negative part. Default 1. */
  alpha?: number;
}

/** Exponential linear unit: `x` for x > 0, else `alpha * (e^x - 1)`. */
export class ELU extends ElementwiseActivation {
  static override readonly className = 'ELU';
  /** Scale of the negative part. */
  readonly alpha: number;

  constructor(args: ELUArgs = {}) {
    super(args);
    this.alpha = checkNumber(args.alpha ?? 1, 'alpha', this.name);
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    return eluOp(singleInput(inputs, this.name), this.alpha);
  }

  override getConfig(): ConfigDict {
    return { alpha: this.alpha, ...super.getConfig() };
  }
}

/** Arguments of {@link Softmax}. */
export interface SoftmaxArgs extends LayerArgs {
  /** Axis, or axes, normalised over (negative counts from the end). Default -1, as in Keras. */
  axis?: number | readonly number[];
}

/**
 * Softmax along `axis`. With a mask (true = keep), masked positions get zero probability: they
 * are pushed to -1e9 before the softmax and zeroed after it, as Keras does.
 */
export class Softmax extends ElementwiseActivation {
  static override readonly className = 'Softmax';
  /** The axis or axes normalised over. */
  readonly axis: number | readonly number[];

  constructor(args: SoftmaxArgs = {}) {
    super(args);
    const axis = args.axis ?? -1;
    checkAxisArg(axis, this.name);
    this.axis = typeof axis === 'number' ? axis : [...axis];
  }

  private axesFor(x: Tensor): number[] {
    const list = typeof this.axis === 'number' ? [this.axis] : this.axis;
    return list.map((a) => {
      if (a < -x.rank || a >= x.rank) throw new Error(`${this.name}: axis ${a} is out of range for input of shape ${fmt(x.shape)}`);
      return a < 0 ? a + x.rank : a;
    });
  }

  call(inputs: Tensor | Tensor[], args: CallArgs = {}): Tensor {
    const x = singleInput(inputs, this.name);
    const axes = this.axesFor(x);
    const rawMask = Array.isArray(args.mask) ? args.mask[0] ?? null : args.mask ?? null;
    return engine().tidy(() => {
      const keep = rawMask ? cast(rawMask, 'float32') : null;
      const z = keep ? add(x, mul(sub(1, keep), -1e9)) : x;
      const y = axes.length === 1 ? softmaxOp(z, axes[0]) : exp(sub(z, logSumExp(z, axes, true)));
      return keep ? mul(y, keep) : y;
    });
  }

  override getConfig(): ConfigDict {
    return { axis: typeof this.axis === 'number' ? this.axis : [...this.axis], ...super.getConfig() };
  }
}

for (const cls of [ReLU, LeakyReLU, PReLU, ELU, Softmax]) registerClass('layer', cls);

/** A {@link ReLU} layer. */
export const relu = (args: ReLUArgs = {}): ReLU => new ReLU(args);
/** A {@link LeakyReLU} layer. */
export const leakyRelu = (args: LeakyReLUArgs = {}): LeakyReLU => new LeakyReLU(args);
/** A {@link PReLU} layer. */
export const prelu = (args: PReLUArgs = {}): PReLU => new PReLU(args);
/** An {@link ELU} layer. */
export const elu = (args: ELUArgs = {}): ELU => new ELU(args);
/** A {@link Softmax} layer. */
export const softmax = (args: SoftmaxArgs = {}): Softmax => new Softmax(args);
