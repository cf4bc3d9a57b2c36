/**
 * Normalization layers (Keras 3 names and defaults; configs match TensorFlow.js where it has the
 * layer): BatchNormalization, LayerNormalization, GroupNormalization, RMSNormalization,
 * UnitNormalization.
 */
import type { Tensor, Variable } from '../tensor/tensor.js';
import { engine } from '../engine/engine.js';
import { add, maximum, mul, sub } from '../ops/binary.js';
import { cast } from '../ops/creation.js';
import { mean as reduceMean, moments, sum } from '../ops/reduction.js';
import { reshape } from '../ops/reshape.js';
import { rsqrt, square } from '../ops/unary.js';
import { batchNorm, layerNorm } from '../ops/normalization.js';
import { getInitializer, serializeInitializer, type Initializer, type InitializerIdentifier } from '../initializers/initializers.js';
import { registerClass, type ConfigDict, type ConfigValue } from '../serialization/registry.js';
import { getRegularizer, type Regularizer, type RegularizerIdentifier } from './regularizers.js';
import { getConstraint, type Constraint, type ConstraintIdentifier } from './constraints.js';
import { Layer, singleInput, singleShape, type CallArgs, type LayerArgs, type SymbolicShape } from './layer.js';
import { checkAxisArg, formatShape as fmt, serializeOrNull } from './layer-utils.js';

/** Axes resolved against a rank (sorted, unique), with an error naming the layer, argument and shape. */
function resolveAxes(axis: number | readonly number[], shape: SymbolicShape, layer: string, arg = 'axis'): number[] {
  const rank = shape.length;
  const list = typeof axis === 'number' ? [axis] : [...axis];
  if (list.length === 0) throw new Error(`${layer}: ${arg} must name at least one axis, got []`);
  const out = list.map((a) => {
    if (!Number.isInteger(a) || a < -rank || a >= rank) {
      throw new Error(`${layer}: ${arg} ${JSON.stringify(axis)} is out of range for input shape ${fmt(shape)} (rank ${rank})`);
    }
    return a < 0 ? a + rank : a;
  });
  if (new Set(out).size !== out.length) throw new Error(`${layer}: ${arg} ${JSON.stringify(axis)} names an axis twice (input shape ${fmt(shape)})`);
  return out.sort((a, b) => a - b);
}

/** The sizes of `axes`, which must be known (weights are made from them). */
function knownSizes(shape: SymbolicShape, axes: readonly number[], layer: string): number[] {
  return axes.map((a) => {
    const d = shape[a];
    if (d === null || d === undefined) {
      throw new Error(`${layer}: axis ${a} of the input must have a known size to create weights, got input shape ${fmt(shape)}`);
    }
    return d;
  });
}

/** `[1, ..., d_a, ..., 1]`: a per-axes parameter reshaped to broadcast against the input. */
function broadcastShape(rank: number, axes: readonly number[], sizes: readonly number[]): number[] {
  const out = new Array<number>(rank).fill(1);
  axes.forEach((a, i) => (out[a] = sizes[i]!));
  return out;
}

function checkEpsilon(epsilon: number, layer: string): void {
  if (typeof epsilon !== 'number' || !Number.isFinite(epsilon) || epsilon < 0) {
    throw new Error(`${layer}: epsilon must be a finite number ≥ 0, got ${String(epsilon)}`);
  }
}

/** Integer inputs are normalized as floats (call inside a tidy). */
const asFloat = (x: Tensor): Tensor => (x.dtype === 'float32' ? x : cast(x, 'float32'));

/** The output shape of a layer that keeps its input's shape, once `axis` is checked against it. */
function sameShapeChecked(inputShape: SymbolicShape | SymbolicShape[], axis: number | readonly number[], layer: string): SymbolicShape {
  const shape = singleShape(inputShape, layer);
  resolveAxes(axis, shape, layer);
  return [...shape];
}

/** An `axis` argument as a config value (a list is copied). */
const axisConfig = (axis: number | readonly number[]): ConfigValue => (typeof axis === 'number' ? axis : [...axis]);

/** Arguments of the learned offset (beta) and scale (gamma) of Batch-, Layer- and GroupNormalization. */
interface AffineNormalizationArgs extends LayerArgs {
  /** Whether to add the learned offset `beta` (default true). */
  center?: boolean;
  /** Whether to multiply by the learned scale `gamma` (default true). */
  scale?: boolean;
  /** Initializer of beta (default zeros). */
  betaInitializer?: InitializerIdentifier;
  /** Initializer of gamma (default ones). */
  gammaInitializer?: InitializerIdentifier;
  /** Regularizer of beta. */
  betaRegularizer?: RegularizerIdentifier | Regularizer | null;
  /** Regularizer of gamma. */
  gammaRegularizer?: RegularizerIdentifier | Regularizer | null;
  /** Constraint of beta. */
  betaConstraint?: ConstraintIdentifier | Constraint | null;
  /** Constraint of gamma. */
  gammaConstraint?: ConstraintIdentifier | Constraint | null;
}

/**
 * The base of Batch-, Layer- and GroupNormalization: the options of the learned offset (beta)
 * and scale (gamma), the two weights and their config entries.
 */
abstract class AffineNormalization extends Layer {
  /** Whether a learned offset (beta) is added. */
  readonly center: boolean;
  /** Whether a learned scale (gamma) multiplies. */
  readonly scale: boolean;
  /** Initializer of beta. */
  readonly betaInitializer: Initializer;
  /** Initializer of gamma. */
  readonly gammaInitializer: Initializer;
  /** Regularizer of beta, or null. */
  readonly betaRegularizer: Regularizer | null;
  /** Regularizer of gamma, or null. */
  readonly gammaRegularizer: Regularizer | null;
  /** Constraint of beta, or null. */
  readonly betaConstraint: Constraint | null;
  /** Constraint of gamma, or null. */
  readonly gammaConstraint: Constraint | null;
  /** Weights, created by `build` (null when `scale`/`center` is off). */
  gamma: Variable | null = null;
  /** The learned offset (null without `center`). */
  beta: Variable | null = null;

  protected constructor(args: AffineNormalizationArgs) {
    super(args);
    const where = this.getClassName();
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.betaInitializer = getInitializer(args.betaInitializer ?? 'zeros', `${where}: betaInitializer`);
    this.gammaInitializer = getInitializer(args.gammaInitializer ?? 'ones', `${where}: gammaInitializer`);
    this.betaRegularizer = getRegularizer(args.betaRegularizer, `${where}: betaRegularizer`);
    this.gammaRegularizer = getRegularizer(args.gammaRegularizer, `${where}: gammaRegularizer`);
    this.betaConstraint = getConstraint(args.betaConstraint, `${where}: betaConstraint`);
    this.gammaConstraint = getConstraint(args.gammaConstraint, `${where}: gammaConstraint`);
    this.supportsMasking = true;
  }

  /** Creates gamma (with `scale`) and beta (with `center`) of `shape`, in that order. */
  protected addAffineWeights(shape: number[]): void {
    if (this.scale) this.gamma = this.addWeight('gamma', { shape, initializer: this.gammaInitializer, regularizer: this.gammaRegularizer, constraint: this.gammaConstraint });
    if (this.center) this.beta = this.addWeight('beta', { shape, initializer: this.betaInitializer, regularizer: this.betaRegularizer, constraint: this.betaConstraint });
  }

  /**
   * The beta/gamma config entries in TensorFlow.js' key order; `initializers` (BatchNormalization's
   * moving statistics) go after gamma's initializer, where TensorFlow.js writes them.
   */
  protected affineConfig(initializers: ConfigDict = {}): ConfigDict {
    return {
      center: this.center,
      scale: this.scale,
      betaInitializer: serializeInitializer(this.betaInitializer),
      gammaInitializer: serializeInitializer(this.gammaInitializer),
      ...initializers,
      betaRegularizer: serializeOrNull(this.betaRegularizer),
      gammaRegularizer: serializeOrNull(this.gammaRegularizer),
      betaConstraint: serializeOrNull(this.betaConstraint),
      gammaConstraint: serializeOrNull(this.gammaConstraint),
    };
  }
}

/** Arguments of BatchNormalization (Keras / TensorFlow.js names and defaults). */
export interface BatchNormalizationArgs extends AffineNormalizationArgs {
  /** The feature axis that keeps its own statistics (default -1, the last). */
  axis?: number;
  /** Weight of the old value in the moving averages (default 0.99). */
  momentum?: number;
  /** Added to the variance before the square root (default 1e-3). */
  epsilon?: number;
  /** Initializer of the moving mean (default zeros). */
  movingMeanInitializer?: InitializerIdentifier;
  /** Initializer of the moving variance (default ones). */
  movingVarianceInitializer?: InitializerIdentifier;
}

/**
 * Batch normalization: in training, normalizes with the batch's mean and variance over every axis
 * but `axis` and updates the moving statistics (`moving = moving * momentum + batch * (1 -
 * momentum)`); in inference (and when the layer is frozen, as in Keras 3) it uses the moving
 * statistics. Weights: gamma, beta (trainable), moving_mean, moving_variance (not trainable).
 */
export class BatchNormalization extends AffineNormalization {
  static override readonly className = 'BatchNormalization';
  /** The feature axis, as given. */
  readonly axis: number;
  /** Weight of the old value in the moving averages. */
  readonly momentum: number;
  /** Added to the variance before the square root. */
  readonly epsilon: number;
  /** Initializer of the moving mean. */
  readonly movingMeanInitializer: Initializer;
  /** Initializer of the moving variance. */
  readonly movingVarianceInitializer: Initializer;
  /** The moving statistics, created by `build`. */
  movingMean!: Variable;
  /** The moving variance, created by `build`. */
  movingVariance!: Variable;
  private resolvedAxis = -1;

  constructor(args: BatchNormalizationArgs = {}) {
    super(args);
    const where = this.getClassName();
    this.axis = args.axis ?? -1;
    if (!Number.isInteger(this.axis)) throw new Error(`${where}: axis must be an integer, got ${JSON.stringify(args.axis)}`);
    this.momentum = args.momentum ?? 0.99;
    if (typeof this.momentum !== 'number' || !(this.momentum >= 0 && this.momentum <= 1)) {
      throw new Error(`${where}: momentum must be a number in [0, 1], got ${String(args.momentum)}`);
    }
    this.epsilon = args.epsilon ?? 1e-3;
    checkEpsilon(this.epsilon, where);
    this.movingMeanInitializer = getInitializer(args.movingMeanInitializer ?? 'zeros', `${where}: movingMeanInitializer`);
    this.movingVarianceInitializer = getInitializer(args.movingVarianceInitializer ?? 'ones', `${where}: movingVarianceInitializer`);
  }

  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    const shape = singleShape(inputShape, this.name);
    const [axis] = resolveAxes(this.axis, shape, this.name);
    this.resolvedAxis = axis!;
    const [dim] = knownSizes(shape, [axis!], this.name);
    this.inputSpec = { ndim: shape.length, axes: { [axis!]: dim! } };
    const s = [dim!];
    this.addAffineWeights(s);
    // TensorFlow.js / Keras weight names, so saved weights match by name too.
    this.movingMean = this.addWeight('moving_mean', { shape: s, initializer: this.movingMeanInitializer, trainable: false });
    this.movingVariance = this.addWeight('moving_variance', { shape: s, initializer: this.movingVarianceInitializer, trainable: false });
    this.built = true;
  }

  call(inputs: Tensor | Tensor[], args: CallArgs): Tensor {
    const x = singleInput(inputs, this.name);
    const axis = this.resolvedAxis;
    const dim = x.shape[axis]!;
    const rank = x.rank;
    return engine().tidy(() => {
      const xf = asFloat(x);
      const bshape = broadcastShape(rank, [axis], [dim]);
      // Per-channel vectors broadcast as they are along the last axis; elsewhere they are reshaped.
      const param = (v: Tensor | null) => (v === null ? null : axis === rank - 1 ? v : reshape(v, bshape));
      if (!(args.training && this.trainable)) {
        return batchNorm(xf, param(this.movingMean)!, param(this.movingVariance)!, param(this.beta), param(this.gamma), this.epsilon);
      }
      const reductionAxes = Array.from({ length: rank }, (_, i) => i).filter((i) => i !== axis);
      const { mean, variance } = moments(xf, reductionAxes, true);
      const y = batchNorm(xf, mean, variance, param(this.beta), param(this.gamma), this.epsilon);
      // The moving averages are state, not part of the differentiated computation.
      engine().withoutTapes(() => engine().tidy(() => {
        const m = this.momentum;
        this.movingMean.assign(add(mul(this.movingMean, m), mul(reshape(mean, [dim]), 1 - m)));
        this.movingVariance.assign(add(mul(this.movingVariance, m), mul(reshape(variance, [dim]), 1 - m)));
      }));
      return y;
    });
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    return sameShapeChecked(inputShape, this.axis, this.name);
  }

  override getConfig(): ConfigDict {
    return {
      axis: this.axis,
      momentum: this.momentum,
      epsilon: this.epsilon,
      ...this.affineConfig({
        movingMeanInitializer: serializeInitializer(this.movingMeanInitializer),
        movingVarianceInitializer: serializeInitializer(this.movingVarianceInitializer),
      }),
      ...super.getConfig(),
    };
  }
}
registerClass('layer', BatchNormalization);

/** Arguments of LayerNormalization (TensorFlow.js names and defaults). */
export interface LayerNormalizationArgs extends AffineNormalizationArgs {
  /** Axis or axes normalized together within each example (default -1). */
  axis?: number | readonly number[];
  /** Added to the variance before the square root (default 1e-3). */
  epsilon?: number;
  /** Keras 3 only (TensorFlow.js has none): written to the config only when set. */
  betaConstraint?: ConstraintIdentifier | Constraint | null;
  /** Keras 3 only (TensorFlow.js has none): written to the config only when set. */
  gammaConstraint?: ConstraintIdentifier | Constraint | null;
}

/**
 * Layer normalization: each example is normalized over `axis` with its own mean and variance,
 * then scaled by gamma and shifted by beta (weights of the normalized axes' shape). Uses the
 * fused `st.layerNorm` when `axis` is the last axis alone.
 */
export class LayerNormalization extends AffineNormalization {
  static override readonly className = 'LayerNormalization';
  /** The normalized axis or axes. */
  readonly axis: number | readonly number[];
  /** Added to the variance before the square root. */
  readonly epsilon: number;
  private axes: number[] = [];

  constructor(args: LayerNormalizationArgs = {}) {
    super(args);
    const where = this.getClassName();
    this.axis = args.axis ?? -1;
    checkAxisArg(this.axis, where);
    this.epsilon = args.epsilon ?? 1e-3;
    checkEpsilon(this.epsilon, where);
  }

  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    const shape = singleShape(inputShape, this.name);
    this.axes = resolveAxes(this.axis, shape, this.name);
    const sizes = knownSizes(shape, this.axes, this.name);
    this.inputSpec = { ndim: shape.length, axes: Object.fromEntries(this.axes.map((a, i) => [a, sizes[i]!])) };
    this.addAffineWeights(sizes);
    this.built = true;
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = singleInput(inputs, this.name);
    const rank = x.rank;
    if (this.axes.length === 1 && this.axes[0] === rank - 1) return layerNorm(x, this.gamma, this.beta, this.epsilon);
    return engine().tidy(() => {
      const xf = asFloat(x);
      const bshape = broadcastShape(rank, this.axes, this.axes.map((a) => x.shape[a]!));
      const { mean, variance } = moments(xf, this.axes, true);
      const param = (v: Tensor | null) => (v === null ? null : reshape(v, bshape));
      return batchNorm(xf, mean, variance, param(this.beta), param(this.gamma), this.epsilon);
    });
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    return sameShapeChecked(inputShape, this.axis, this.name);
  }

  override getConfig(): ConfigDict {
    const config: ConfigDict = { axis: axisConfig(this.axis), epsilon: this.epsilon, ...this.affineConfig() };
    // TensorFlow.js' LayerNormalization has no constraints; keep its config keys unless one is set.
    if (!this.betaConstraint) delete config['betaConstraint'];
    if (!this.gammaConstraint) delete config['gammaConstraint'];
    return { ...config, ...super.getConfig() };
  }
}
registerClass('layer', LayerNormalization);

/** Arguments of GroupNormalization (Keras 3 names and defaults). */
export interface GroupNormalizationArgs extends AffineNormalizationArgs {
  /** Number of channel groups; must divide the channels (default 32; -1 means one group per channel). */
  groups?: number;
  /** The channel axis (default -1). */
  axis?: number;
  /** Added to the variance before the square root (default 1e-3). */
  epsilon?: number;
}

/**
 * Group normalization: the channels are split into `groups` groups and each example is normalized
 * per group over the group's channels and every other non-batch axis; then per-channel gamma and
 * beta. `groups: 1` is layer normalization over all features; one group per channel is instance
 * normalization.
 */
export class GroupNormalization extends AffineNormalization {
  static override readonly className = 'GroupNormalization';
  /** Number of channel groups. */
  readonly groups: number;
  /** The channel axis. */
  readonly axis: number;
  /** Added to the variance before the square root. */
  readonly epsilon: number;
  private resolvedAxis = -1;
  private resolvedGroups = 1;

  constructor(args: GroupNormalizationArgs = {}) {
    super(args);
    const where = this.getClassName();
    this.groups = args.groups ?? 32;
    if (!Number.isInteger(this.groups) || (this.groups < 1 && this.groups !== -1)) {
      throw new Error(`${where}: groups must be a positive integer (or -1 for one group per channel), got ${String(args.groups)}`);
    }
    this.axis = args.axis ?? -1;
    if (!Number.isInteger(this.axis)) throw new Error(`${where}: axis must be an integer, got ${JSON.stringify(args.axis)}`);
    this.epsilon = args.epsilon ?? 1e-3;
    checkEpsilon(this.epsilon, where);
  }

  /** Checks the axis and groups against an input shape; returns the axis and the channel count. */
  private geometry(shape: SymbolicShape): { axis: number; channels: number; groups: number } {
    const [axis] = resolveAxes(this.axis, shape, this.name);
    if (axis === 0) throw new Error(`${this.name}: axis ${this.axis} is the batch axis of input shape ${fmt(shape)}; give the channel axis`);
    const [channels] = knownSizes(shape, [axis!], this.name);
    const groups = this.groups === -1 ? channels! : this.groups;
    if (groups > channels!) {
      throw new Error(`${this.name}: groups (${groups}) cannot be more than the channels (${channels}) on axis ${axis} of input shape ${fmt(shape)}`);
    }
    if (channels! % groups !== 0) {
      throw new Error(`${this.name}: groups (${groups}) must divide the channels (${channels}) on axis ${axis} of input shape ${fmt(shape)}`);
    }
    return { axis: axis!, channels: channels!, groups };
  }

  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    const shape = singleShape(inputShape, this.name);
    const { axis, channels, groups } = this.geometry(shape);
    this.resolvedAxis = axis;
    this.resolvedGroups = groups;
    this.inputSpec = { ndim: shape.length, axes: { [axis]: channels } };
    this.addAffineWeights([channels]);
    this.built = true;
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = singleInput(inputs, this.name);
    const axis = this.resolvedAxis;
    const groups = this.resolvedGroups;
    return engine().tidy(() => {
      const shape = x.shape;
      const channels = shape[axis]!;
      // [..., C, ...] → [..., G, C/G, ...]: statistics over everything but the batch and group axes.
      const grouped = reshape(asFloat(x), [...shape.slice(0, axis), groups, channels / groups, ...shape.slice(axis + 1)]);
      const reduce = Array.from({ length: grouped.rank }, (_, i) => i).filter((i) => i !== 0 && i !== axis);
      const { mean, variance } = moments(grouped, reduce, true);
      let y = reshape(mul(sub(grouped, mean), rsqrt(add(variance, this.epsilon))), shape);
      const bshape = broadcastShape(x.rank, [axis], [channels]);
      if (this.gamma) y = mul(y, reshape(this.gamma, bshape));
      if (this.beta) y = add(y, reshape(this.beta, bshape));
      return y;
    });
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    const shape = singleShape(inputShape, this.name);
    this.geometry(shape);
    return [...shape];
  }

  override getConfig(): ConfigDict {
    return { groups: this.groups, axis: this.axis, epsilon: this.epsilon, ...this.affineConfig(), ...super.getConfig() };
  }
}
registerClass('layer', GroupNormalization);

/** Arguments of RMSNormalization (Keras 3 names and defaults). */
export interface RMSNormalizationArgs extends LayerArgs {
  /** Axis or axes over which the root mean square is taken (default -1). */
  axis?: number | readonly number[];
  /** Added to the mean square before the square root (default 1e-6). */
  epsilon?: number;
}

/**
 * Root-mean-square normalization (Zhang & Sennrich 2019): `x * rsqrt(mean(x², axis) + epsilon) *
 * scale`, with a learned `scale` (initially ones) of the normalized axes' shape. No centering.
 */
export class RMSNormalization extends Layer {
  static override readonly className = 'RMSNormalization';
  /** The normalized axis or axes. */
  readonly axis: number | readonly number[];
  /** Added to the mean square before the square root. */
  readonly epsilon: number;
  /** The learned scale, created by `build`. */
  scale!: Variable;
  private axes: number[] = [];

  constructor(args: RMSNormalizationArgs = {}) {
    super(args);
    const where = this.getClassName();
    this.axis = args.axis ?? -1;
    checkAxisArg(this.axis, where);
    this.epsilon = args.epsilon ?? 1e-6;
    checkEpsilon(this.epsilon, where);
    this.supportsMasking = true;
  }

  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    const shape = singleShape(inputShape, this.name);
    this.axes = resolveAxes(this.axis, shape, this.name);
    const sizes = knownSizes(shape, this.axes, this.name);
    this.inputSpec = { ndim: shape.length, axes: Object.fromEntries(this.axes.map((a, i) => [a, sizes[i]!])) };
    this.scale = this.addWeight('scale', { shape: sizes, initializer: 'ones' });
    this.built = true;
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = singleInput(inputs, this.name);
    return engine().tidy(() => {
      const xf = asFloat(x);
      const bshape = broadcastShape(x.rank, this.axes, this.axes.map((a) => x.shape[a]!));
      const inv = rsqrt(add(reduceMean(square(xf), this.axes, true), this.epsilon));
      return mul(mul(xf, inv), reshape(this.scale, bshape));
    });
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    return sameShapeChecked(inputShape, this.axis, this.name);
  }

  override getConfig(): ConfigDict {
    return { axis: axisConfig(this.axis), epsilon: this.epsilon, ...super.getConfig() };
  }
}
registerClass('layer', RMSNormalization);

/** Arguments of UnitNormalization (Keras 3). */
export interface UnitNormalizationArgs extends LayerArgs {
  /** Axis or axes whose L2 norm becomes 1 (default -1). */
  axis?: number | readonly number[];
}

/**
 * Scales each example to unit L2 norm over `axis`: `x / sqrt(max(sum(x²), 1e-12))`
 * (`tf.math.l2_normalize`). No weights.
 */
export class UnitNormalization extends Layer {
  static override readonly className = 'UnitNormalization';
  /** The normalized axis or axes. */
  readonly axis: number | readonly number[];

  constructor(args: UnitNormalizationArgs = {}) {
    super(args);
    this.axis = args.axis ?? -1;
    checkAxisArg(this.axis, this.getClassName());
    this.supportsMasking = true;
  }

  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    resolveAxes(this.axis, singleShape(inputShape, this.name), this.name);
    this.built = true;
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = singleInput(inputs, this.name);
    const axes = resolveAxes(this.axis, x.shape, this.name);
    return engine().tidy(() => {
      const xf = asFloat(x);
      return mul(xf, rsqrt(maximum(sum(square(xf), axes, true), 1e-12)));
    });
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    return sameShapeChecked(inputShape, this.axis, this.name);
  }

  override getConfig(): ConfigDict {
    return { axis: axisConfig(this.axis), ...super.getConfig() };
  }
}
registerClass('layer', UnitNormalization);

/** A BatchNormalization layer. @example st.layers.batchNormalization({ momentum: 0.9 }) */
export const batchNormalization = (args: BatchNormalizationArgs = {}): BatchNormalization => new BatchNormalization(args);
/** A LayerNormalization layer. @example st.layers.layerNormalization({ epsilon: 1e-5 }) */
export const layerNormalization = (args: LayerNormalizationArgs = {}): LayerNormalization => new LayerNormalization(args);
/** A GroupNormalization layer. @example st.layers.groupNormalization({ groups: 8 }) */
export const groupNormalization = (args: GroupNormalizationArgs = {}): GroupNormalization => new GroupNormalization(args);
/** An RMSNormalization layer. @example st.layers.rmsNormalization({ epsilon: 1e-6 }) */
export const rmsNormalization = (args: RMSNormalizationArgs = {}): RMSNormalization => new RMSNormalization(args);
/** A UnitNormalization layer. @example st.layers.unitNormalization({ axis: -1 }) */
export const unitNormalization = (args: UnitNormalizationArgs = {}): UnitNormalization => new UnitNormalization(args);
