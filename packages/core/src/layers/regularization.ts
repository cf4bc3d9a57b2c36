/**
 * Regularization layers (Keras 3 behaviour; configs match TensorFlow.js where it has the layer):
 * Dropout, SpatialDropout1D/2D, GaussianNoise, GaussianDropout, ActivityRegularization. The random
 * layers act only in training mode and draw from core's seeded Philox generator, so `st.setSeed`
 * (or a layer's own `seed`) repeats their masks and noise on every backend.
 */
import type { Tensor } from '../tensor/tensor.js';
import { engine } from '../engine/engine.js';
import { add, greaterEqual, mul } from '../ops/binary.js';
import { cast, clone } from '../ops/creation.js';
import { randomNormal, randomUniform } from '../ops/random.js';
import { sum } from '../ops/reduction.js';
import { abs, square } from '../ops/unary.js';
import { philox4x32 } from '../util/philox.js';
import { registerClass, type ConfigDict } from '../serialization/registry.js';
import { Layer, singleInput, singleShape, type CallArgs, type LayerArgs, type SymbolicShape } from './layer.js';
import { formatShape as fmt } from './layer-utils.js';

function checkRate(rate: unknown, layer: string): number {
  if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) {
    throw new Error(`${layer}: rate must be a number in [0, 1) (the fraction of inputs to drop), got ${String(rate)}`);
  }
  return rate;
}

function checkSeed(seed: unknown, layer: string): number | null {
  if (seed === undefined || seed === null) return null;
  if (!Number.isSafeInteger(seed)) throw new Error(`${layer}: seed must be an integer, got ${String(seed)}`);
  return seed as number;
}

/**
 * The seeds of a layer's successive random draws. With a layer seed, call `n` uses a seed derived
 * from (seed, n) by Philox: a new layer with the same seed repeats the same sequence of masks, yet
 * successive calls differ (as Keras 3's SeedGenerator). Without one, draws come from the global
 * stream (`st.setSeed`).
 */
class SeedSequence {
  private calls = 0;
  constructor(private readonly seed: number | null) {}
  next(): number | undefined {
    if (this.seed === null) return undefined;
    const words = new Uint32Array(4);
    philox4x32([this.calls++, 0, 0, 0], [this.seed >>> 0, Math.floor(this.seed / 2 ** 32) >>> 0], words);
    // A 53-bit integer, so the derived seed is exact as a JS number.
    return words[0]! + (words[1]! & 0x1fffff) * 2 ** 32;
  }
}

/** Inputs are dropped/noised as floats (call inside a tidy). */
const asFloat = (x: Tensor): Tensor => (x.dtype === 'float32' ? x : cast(x, 'float32'));

/** Arguments of Dropout (Keras / TensorFlow.js names). */
export interface DropoutArgs extends LayerArgs {
  /** Fraction of the inputs to drop, in [0, 1). */
  rate: number;
  /**
   * Shape of the binary mask, broadcast against the input (`null` entries take the input's size),
   * e.g. `[null, 1, null]` drops whole timesteps' features together. Default: the input's shape.
   */
  noiseShape?: readonly (number | null)[] | null;
  /** Seed of the layer's own mask sequence (default: the global stream). */
  seed?: number | null;
}

/**
 * Dropout: in training, sets each input to 0 with probability `rate` and scales the rest by
 * `1 / (1 - rate)` (inverted dropout, so inference needs no rescaling); in inference it passes the
 * input through.
 */
export class Dropout extends Layer {
  static override readonly className: string = 'Dropout';
  /** Fraction of inputs dropped in training. */
  readonly rate: number;
  /** The mask's shape (size-1 axes share a mask value), or null for the input's shape. */
  readonly noiseShape: readonly (number | null)[] | null;
  /** The layer's own seed, or null for the global stream. */
  readonly seed: number | null;
  private readonly seeds: SeedSequence;

  constructor(args: DropoutArgs) {
    super(args);
    const where = (this.constructor as typeof Dropout).className;
    this.rate = checkRate(args?.rate, where);
    const ns = args?.noiseShape ?? null;
    if (ns !== null && (!Array.isArray(ns) || ns.some((d) => d !== null && !(Number.isInteger(d) && d >= 1)))) {
      throw new Error(`${where}: noiseShape must be a list of positive integers or nulls, got ${JSON.stringify(ns)}`);
    }
    this.noiseShape = ns === null ? null : [...ns];
    this.seed = checkSeed(args?.seed, where);
    this.seeds = new SeedSequence(this.seed);
    this.supportsMasking = true;
  }

  /** The mask's shape for an input of `shape`; each size must be 1 or the input's. */
  protected maskShape(shape: readonly number[]): number[] {
    if (this.noiseShape === null) return [...shape];
    if (this.noiseShape.length !== shape.length) {
      throw new Error(`${this.name}: noiseShape ${fmt(this.noiseShape)} has rank ${this.noiseShape.length} but the input shape [${shape.join(',')}] has rank ${shape.length}`);
    }
    return this.noiseShape.map((d, i) => {
      if (d === null) return shape[i]!;
      if (d !== 1 && d !== shape[i]) {
        throw new Error(`${this.name}: noiseShape ${fmt(this.noiseShape!)} does not broadcast to the input shape [${shape.join(',')}] (axis ${i}: ${d} vs ${shape[i]})`);
      }
      return d;
    });
  }

  call(inputs: Tensor | Tensor[], args: CallArgs): Tensor {
    const x = singleInput(inputs, this.name);
    if (!args.training || this.rate === 0) return clone(x);
    const maskShape = this.maskShape(x.shape);
    return engine().tidy(() => {
      const keep = cast(greaterEqual(randomUniform(maskShape, 0, 1, 'float32', this.seeds.next()), this.rate), 'float32');
      return mul(asFloat(x), mul(keep, 1 / (1 - this.rate)));
    });
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    return [...singleShape(inputShape, this.name)];
  }

  override getConfig(): ConfigDict {
    return { rate: this.rate, noiseShape: this.noiseShape, seed: this.seed, ...super.getConfig() };
  }
}
registerClass('layer', Dropout);

/** Arguments of SpatialDropout1D: Dropout's, without `noiseShape` (fixed to `[batch, 1, channels]`). */
export interface SpatialDropout1DArgs extends LayerArgs {
  /** Fraction of the channels to drop, in [0, 1). */
  rate: number;
  /** Accepted for TensorFlow.js configs, where it is always absent; must be null. */
  noiseShape?: null;
  /** Seed of the layer's own mask sequence (default: the global stream). */
  seed?: number | null;
}

/**
 * Dropout of whole channels of `[batch, steps, channels]` inputs: one mask value per example and
 * channel, shared by every step (for correlated neighbouring steps, where plain dropout barely
 * regularizes).
 */
export class SpatialDropout1D extends Dropout {
  static override readonly className: string = 'SpatialDropout1D';
  constructor(args: SpatialDropout1DArgs) {
    if (args?.noiseShape !== undefined && args.noiseShape !== null) {
      throw new Error(`SpatialDropout1D: noiseShape is fixed to [batch, 1, channels]; do not pass it (got ${JSON.stringify(args.noiseShape)})`);
    }
    super({ ...args, noiseShape: null });
    this.inputSpec = { ndim: 3 };
  }
  protected override maskShape(shape: readonly number[]): number[] {
    return [shape[0]!, 1, shape[2]!];
  }
}
registerClass('layer', SpatialDropout1D);

/** Arguments of SpatialDropout2D (Keras 3). */
export interface SpatialDropout2DArgs extends LayerArgs {
  /** Fraction of the channels to drop, in [0, 1). */
  rate: number;
  /** Seed of the layer's own mask sequence (default: the global stream). */
  seed?: number | null;
  /** `channelsLast` (`[batch, rows, cols, channels]`, the default) or `channelsFirst`. */
  dataFormat?: 'channelsLast' | 'channelsFirst';
}

/**
 * Dropout of whole feature maps of 4-D inputs: one mask value per example and channel, shared by
 * every pixel.
 */
export class SpatialDropout2D extends Dropout {
  static override readonly className: string = 'SpatialDropout2D';
  /** Where the channel axis is. */
  readonly dataFormat: 'channelsLast' | 'channelsFirst';
  constructor(args: SpatialDropout2DArgs) {
    const format = args?.dataFormat ?? 'channelsLast';
    if (format !== 'channelsLast' && format !== 'channelsFirst') {
      throw new Error(`SpatialDropout2D: dataFormat must be 'channelsLast' or 'channelsFirst', got ${JSON.stringify(format)}`);
    }
    const { dataFormat: _unused, ...rest } = args ?? ({} as SpatialDropout2DArgs);
    super({ ...rest, rate: args?.rate, noiseShape: null });
    this.dataFormat = format;
    this.inputSpec = { ndim: 4 };
  }
  protected override maskShape(shape: readonly number[]): number[] {
    return this.dataFormat === 'channelsLast' ? [shape[0]!, 1, 1, shape[3]!] : [shape[0]!, shape[1]!, 1, 1];
  }
  override getConfig(): ConfigDict {
    const { noiseShape: _fixed, ...config } = super.getConfig();
    return { ...config, dataFormat: this.dataFormat };
  }
}
registerClass('layer', SpatialDropout2D);

/** Arguments of GaussianNoise. */
export interface GaussianNoiseArgs extends LayerArgs {
  /** Standard deviation of the added noise (≥ 0). */
  stddev: number;
  /** Keras 3's seed; TensorFlow.js has none, so it is written to the config only when set. */
  seed?: number | null;
}

/** Adds zero-mean normal noise of `stddev` in training (a regularizer); identity in inference. */
export class GaussianNoise extends Layer {
  static override readonly className = 'GaussianNoise';
  /** Standard deviation of the noise. */
  readonly stddev: number;
  /** The layer's own seed, or null for the global stream. */
  readonly seed: number | null;
  private readonly seeds: SeedSequence;

  constructor(args: GaussianNoiseArgs) {
    super(args);
    const stddev = args?.stddev;
    if (typeof stddev !== 'number' || !Number.isFinite(stddev) || stddev < 0) {
      throw new Error(`GaussianNoise: stddev must be a finite number ≥ 0, got ${String(stddev)}`);
    }
    this.stddev = stddev;
    this.seed = checkSeed(args?.seed, 'GaussianNoise');
    this.seeds = new SeedSequence(this.seed);
    this.supportsMasking = true;
  }

  call(inputs: Tensor | Tensor[], args: CallArgs): Tensor {
    const x = singleInput(inputs, this.name);
    if (!args.training || this.stddev === 0) return clone(x);
    return engine().tidy(() => add(asFloat(x), randomNormal(x.shape, 0, this.stddev, this.seeds.next())));
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    return [...singleShape(inputShape, this.name)];
  }

  override getConfig(): ConfigDict {
    return { stddev: this.stddev, ...(this.seed === null ? {} : { seed: this.seed }), ...super.getConfig() };
  }
}
registerClass('layer', GaussianNoise);

/** Arguments of GaussianDropout. */
export interface GaussianDropoutArgs extends LayerArgs {
  /** Drop probability in [0, 1): the noise has stddev `sqrt(rate / (1 - rate))`. */
  rate: number;
  /** Keras 3's seed; TensorFlow.js has none, so it is written to the config only when set. */
  seed?: number | null;
}

/**
 * Multiplies the input by normal noise of mean 1 and stddev `sqrt(rate / (1 - rate))` in training
 * (dropout's variance without zeros); identity in inference.
 */
export class GaussianDropout extends Layer {
  static override readonly className = 'GaussianDropout';
  /** The dropout rate the noise variance is derived from. */
  readonly rate: number;
  /** The layer's own seed, or null for the global stream. */
  readonly seed: number | null;
  private readonly seeds: SeedSequence;

  constructor(args: GaussianDropoutArgs) {
    super(args);
    this.rate = checkRate(args?.rate, 'GaussianDropout');
    this.seed = checkSeed(args?.seed, 'GaussianDropout');
    this.seeds = new SeedSequence(this.seed);
    this.supportsMasking = true;
  }

  call(inputs: Tensor | Tensor[], args: CallArgs): Tensor {
    const x = singleInput(inputs, this.name);
    if (!args.training || this.rate === 0) return clone(x);
    const stddev = Math.sqrt(this.rate / (1 - this.rate));
    return engine().tidy(() => mul(asFloat(x), randomNormal(x.shape, 1, stddev, this.seeds.next())));
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    return [...singleShape(inputShape, this.name)];
  }

  override getConfig(): ConfigDict {
    return { rate: this.rate, ...(this.seed === null ? {} : { seed: this.seed }), ...super.getConfig() };
  }
}
registerClass('layer', GaussianDropout);

/** Arguments of ActivityRegularization (Keras 3). */
export interface ActivityRegularizationArgs extends LayerArgs {
  /** L1 factor (≥ 0, default 0). */
  l1?: number;
  /** L2 factor (≥ 0, default 0). */
  l2?: number;
}

/**
 * Passes its input through and, in training, adds `l1 * sum(|x|) + l2 * sum(x²)` to the training
 * loss with `addLoss` (as Keras 3: not divided by the batch size). Only training calls add it: the
 * training step is what collects layer losses, so inference passes leave nothing behind.
 */
export class ActivityRegularization extends Layer {
  static override readonly className = 'ActivityRegularization';
  /** Weight of the L1 activity penalty. */
  readonly l1: number;
  /** Weight of the L2 activity penalty. */
  readonly l2: number;

  constructor(args: ActivityRegularizationArgs = {}) {
    super(args);
    this.l1 = args?.l1 ?? 0;
    this.l2 = args?.l2 ?? 0;
    for (const [k, v] of [['l1', this.l1], ['l2', this.l2]] as const) {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`ActivityRegularization: ${k} must be a finite number ≥ 0, got ${String(v)}`);
    }
    this.supportsMasking = true;
  }

  call(inputs: Tensor | Tensor[], args: CallArgs): Tensor {
    const x = singleInput(inputs, this.name);
    if (args.training && (this.l1 > 0 || this.l2 > 0)) {
      this.addLoss(engine().tidy(() => {
        const xf = asFloat(x);
        const l1 = this.l1 > 0 ? mul(sum(abs(xf)), this.l1) : null;
        const l2 = this.l2 > 0 ? mul(sum(square(xf)), this.l2) : null;
        return l1 && l2 ? add(l1, l2) : (l1 ?? l2)!;
      }));
    }
    return clone(x);
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    return [...singleShape(inputShape, this.name)];
  }

  override getConfig(): ConfigDict {
    return { l1: this.l1, l2: this.l2, ...super.getConfig() };
  }
}
registerClass('layer', ActivityRegularization);

/**
 * A Dropout layer. @example st.layers.dropout({ rate: 0.5 })
 * @example
 * const drop = st.layers.dropout({ rate: 0.5 });
 * drop.apply(st.ones([2, 4]), { training: true });   // each value 0 or 2 (kept with probability 0.5, scaled by 2)
 * drop.apply(st.ones([2, 4]));                       // inference: unchanged
 */
export const dropout = (args: DropoutArgs): Dropout => new Dropout(args);
/** A SpatialDropout1D layer. @example st.layers.spatialDropout1d({ rate: 0.2 }) */
export const spatialDropout1d = (args: SpatialDropout1DArgs): SpatialDropout1D => new SpatialDropout1D(args);
/** A SpatialDropout2D layer. @example st.layers.spatialDropout2d({ rate: 0.2 }) */
export const spatialDropout2d = (args: SpatialDropout2DArgs): SpatialDropout2D => new SpatialDropout2D(args);
/** A GaussianNoise layer. @example st.layers.gaussianNoise({ stddev: 0.1 }) */
export const gaussianNoise = (args: GaussianNoiseArgs): GaussianNoise => new GaussianNoise(args);
/** A GaussianDropout layer. @example st.layers.gaussianDropout({ rate: 0.3 }) */
export const gaussianDropout = (args: GaussianDropoutArgs): GaussianDropout => new GaussianDropout(args);
/** An ActivityRegularization layer. @example st.layers.activityRegularization({ l2: 1e-3 }) */
export const activityRegularization = (args: ActivityRegularizationArgs = {}): ActivityRegularization => new ActivityRegularization(args);
