/**
 * Pooling layers (channels-last only): MaxPooling1D/2D, AveragePooling1D/2D and the global
 * versions. Keras 3 names and behaviour; configs use TensorFlow.js' keys.
 */
import { engine } from '../engine/engine.js';
import type { Tensor } from '../tensor/tensor.js';
import { div, mul } from '../ops/binary.js';
import { cast } from '../ops/creation.js';
import { avgPool, avgPool1d, maxPool, maxPool1d } from '../ops/pool.js';
import { max, mean, sum } from '../ops/reduction.js';
import { expandDims } from '../ops/reshape.js';
import { registerClass, type ConfigDict } from '../serialization/registry.js';
import { Layer, singleInput, singleShape, type CallArgs, type LayerArgs, type SymbolicShape } from './layer.js';
import { checkDataFormat, formatShape, normalizePadding, normalizeTuple, windowOutputLength, ShapedLayer, type DataFormat } from './layer-utils.js';

/** Arguments of the 1-D and 2-D pooling layers (Keras / TensorFlow.js names). */
export interface PoolingArgs extends LayerArgs {
  /** Window size: one number for every spatial dim, or one per dim (default 2). */
  poolSize?: number | readonly number[];
  /** Step between windows; default `poolSize`. */
  strides?: number | readonly number[] | null;
  /** `'valid'` (default) or `'same'` (output size `ceil(input / stride)`). */
  padding?: 'valid' | 'same';
  /** Only `'channelsLast'` (`'channels_last'`) is supported. */
  dataFormat?: DataFormat | null;
}

/** Arguments of MaxPooling1D and AveragePooling1D. */
export type Pooling1DArgs = PoolingArgs;
/** Arguments of MaxPooling2D and AveragePooling2D. */
export type Pooling2DArgs = PoolingArgs;

/** The shared part of the windowed pooling layers. */
export abstract class Pooling extends ShapedLayer {
  /** Number of spatial dims (1 or 2). */
  readonly rank: number;
  /** Window size per spatial dimension. */
  readonly poolSize: number[];
  /** Step per spatial dimension. */
  readonly strides: number[];
  /** `valid` (no padding) or `same`. */
  readonly padding: 'valid' | 'same';
  /** Always channels-last. */
  readonly dataFormat: 'channelsLast';

  constructor(rank: number, args: PoolingArgs = {}) {
    super(args);
    const where = this.where;
    this.rank = rank;
    this.poolSize = normalizeTuple(args.poolSize ?? 2, rank, 'poolSize', where);
    this.strides = args.strides === undefined || args.strides === null ? [...this.poolSize] : normalizeTuple(args.strides, rank, 'strides', where);
    this.padding = normalizePadding(args.padding, where) as 'valid' | 'same';
    this.dataFormat = checkDataFormat(args.dataFormat, where);
    this.inputSpec = { ndim: rank + 2 };
  }

  /** `name (ClassName)`, for error messages. */
  protected get where(): string {
    return `${this.name} (${(this.constructor as typeof Layer).className})`;
  }

  /** The pooling op on a float input. */
  protected abstract pool(x: Tensor): Tensor;

  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    this.builtInputShape = [null, ...singleShape(inputShape, this.name).slice(1)];
    this.built = true;
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    return this.pool(singleInput(inputs, this.name));
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    const shape = singleShape(inputShape, this.name);
    if (shape.length !== this.rank + 2) throw new Error(`${this.where}: expects inputs of rank ${this.rank + 2}, got shape ${formatShape(shape)}`);
    const spatial = shape.slice(1, -1).map((d, i) => windowOutputLength(d, this.poolSize[i]!, this.padding, this.strides[i]!, 1, this.where, shape));
    return [shape[0]!, ...spatial, shape[shape.length - 1]!];
  }

  override getConfig(): ConfigDict {
    const config: ConfigDict = { ...super.getConfig(), poolSize: this.poolSize, padding: this.padding, strides: this.strides };
    // TensorFlow.js writes dataFormat for the 2-D layers only.
    if (this.rank === 2) config['dataFormat'] = this.dataFormat;
    return config;
  }
}

/**
 * Max over windows of `[batch, steps, channels]`.
 * @example st.layers.maxPooling1d({ poolSize: 2 })
 */
export class MaxPooling1D extends Pooling {
  static override readonly className = 'MaxPooling1D';
  constructor(args: Pooling1DArgs = {}) {
    super(1, args);
  }
  protected pool(x: Tensor): Tensor {
    return maxPool1d(x, this.poolSize[0]!, this.strides[0]!, this.padding);
  }
}
registerClass('layer', MaxPooling1D);
/** 1-D max pooling (see {@link MaxPooling1D}). */
export const maxPooling1d = (args: Pooling1DArgs = {}): MaxPooling1D => new MaxPooling1D(args);

/**
 * Average over windows of `[batch, steps, channels]` ('same' padding averages only the real
 * elements of each window).
 * @example st.layers.averagePooling1d({ poolSize: 3, strides: 2 })
 */
export class AveragePooling1D extends Pooling {
  static override readonly className = 'AveragePooling1D';
  constructor(args: Pooling1DArgs = {}) {
    super(1, args);
  }
  protected pool(x: Tensor): Tensor {
    return avgPool1d(x, this.poolSize[0]!, this.strides[0]!, this.padding);
  }
}
registerClass('layer', AveragePooling1D);
/** 1-D average pooling (see {@link AveragePooling1D}). */
export const averagePooling1d = (args: Pooling1DArgs = {}): AveragePooling1D => new AveragePooling1D(args);

/**
 * Max over windows of NHWC images.
 * @example st.layers.maxPooling2d({ poolSize: 2 })
 */
export class MaxPooling2D extends Pooling {
  static override readonly className = 'MaxPooling2D';
  constructor(args: Pooling2DArgs = {}) {
    super(2, args);
  }
  protected pool(x: Tensor): Tensor {
    return maxPool(x, [this.poolSize[0]!, this.poolSize[1]!], [this.strides[0]!, this.strides[1]!], this.padding);
  }
}
registerClass('layer', MaxPooling2D);
/**
 * 2-D max pooling (see {@link MaxPooling2D}).
 * @example
 * const y = st.layers.maxPooling2d({ poolSize: 2 }).apply(st.randomNormal([2, 28, 28, 8]));   // [2, 14, 14, 8]
 */
export const maxPooling2d = (args: Pooling2DArgs = {}): MaxPooling2D => new MaxPooling2D(args);

/**
 * Average over windows of NHWC images ('same' padding averages only the real elements of each
 * window).
 * @example st.layers.averagePooling2d({ poolSize: [2, 3] })
 */
export class AveragePooling2D extends Pooling {
  static override readonly className = 'AveragePooling2D';
  constructor(args: Pooling2DArgs = {}) {
    super(2, args);
  }
  protected pool(x: Tensor): Tensor {
    return avgPool(x, [this.poolSize[0]!, this.poolSize[1]!], [this.strides[0]!, this.strides[1]!], this.padding);
  }
}
registerClass('layer', AveragePooling2D);
/** 2-D average pooling (see {@link AveragePooling2D}). */
export const averagePooling2d = (args: Pooling2DArgs = {}): AveragePooling2D => new AveragePooling2D(args);

// ---- global pooling --------------------------------------------------------------------------

/** Arguments of the global pooling layers. */
export interface GlobalPoolingArgs extends LayerArgs {
  /** Only `'channelsLast'` (`'channels_last'`) is supported. */
  dataFormat?: DataFormat | null;
  /** Keep the pooled spatial dims with size 1 (default false). */
  keepdims?: boolean;
}

/** The shared part of the global pooling layers: reduce every spatial dim. */
export abstract class GlobalPooling extends ShapedLayer {
  /** Number of spatial dims (1 or 2). */
  readonly rank: number;
  /** Always channels-last. */
  readonly dataFormat: 'channelsLast';
  /** Whether the pooled dims are kept with size 1. */
  readonly keepdims: boolean;

  constructor(rank: number, args: GlobalPoolingArgs = {}) {
    super(args);
    const where = `${this.name} (${(this.constructor as typeof Layer).className})`;
    this.rank = rank;
    this.dataFormat = checkDataFormat(args.dataFormat, where);
    if (args.keepdims !== undefined && args.keepdims !== null && typeof args.keepdims !== 'boolean') {
      throw new Error(`${where}: keepdims must be a boolean, got ${JSON.stringify(args.keepdims)}`);
    }
    this.keepdims = args.keepdims ?? false;
    this.inputSpec = { ndim: rank + 2 };
  }

  /** The spatial axes. */
  protected get axes(): number[] {
    return this.rank === 1 ? [1] : [1, 2];
  }

  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    this.builtInputShape = [null, ...singleShape(inputShape, this.name).slice(1)];
    this.built = true;
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    const shape = singleShape(inputShape, this.name);
    const channels = shape[shape.length - 1]!;
    return this.keepdims ? [shape[0]!, ...this.axes.map(() => 1), channels] : [shape[0]!, channels];
  }

  /** TensorFlow.js' keys (dataFormat for 2-D only); keepdims, which it lacks, only when true. */
  override getConfig(): ConfigDict {
    const config: ConfigDict = { ...super.getConfig() };
    if (this.rank === 2) config['dataFormat'] = this.dataFormat;
    if (this.keepdims) config['keepdims'] = true;
    return config;
  }
}

/** A float view of x (int inputs are averaged / compared as float32, as Keras casts them). */
function asFloat(x: Tensor): Tensor {
  return x.dtype === 'float32' ? x : cast(x, 'float32');
}

/**
 * Mean over the steps of `[batch, steps, channels]`. With a mask `[batch, steps]` (from a
 * masking layer), only the unmasked steps are averaged.
 */
export class GlobalAveragePooling1D extends GlobalPooling {
  static override readonly className = 'GlobalAveragePooling1D';
  constructor(args: GlobalPoolingArgs = {}) {
    super(1, args);
    this.supportsMasking = true;
  }

  call(inputs: Tensor | Tensor[], args: CallArgs = {}): Tensor {
    const x = singleInput(inputs, this.name);
    const mask = Array.isArray(args.mask) ? args.mask[0] ?? null : args.mask ?? null;
    return engine().tidy(() => {
      const xf = asFloat(x);
      if (!mask) return mean(xf, 1, this.keepdims);
      if (mask.rank !== 2 || mask.shape[0] !== x.shape[0] || mask.shape[1] !== x.shape[1]) {
        throw new Error(`${this.name} (GlobalAveragePooling1D): the mask must be [batch, steps] = [${x.shape[0]},${x.shape[1]}], got ${formatShape(mask.shape)} (input ${formatShape(x.shape)})`);
      }
      const m = expandDims(cast(mask, 'float32'), 2);
      return div(sum(mul(xf, m), 1, this.keepdims), sum(m, 1, this.keepdims));
    });
  }

  /** The steps are pooled away, and so is the mask. */
  override computeMask(_inputs: Tensor | Tensor[], _mask: Tensor | null | (Tensor | null)[] | undefined): null {
    return null;
  }
}
registerClass('layer', GlobalAveragePooling1D);
/** Global 1-D average pooling (see {@link GlobalAveragePooling1D}). */
export const globalAveragePooling1d = (args: GlobalPoolingArgs = {}): GlobalAveragePooling1D => new GlobalAveragePooling1D(args);

/** Max over the steps of `[batch, steps, channels]`. */
export class GlobalMaxPooling1D extends GlobalPooling {
  static override readonly className = 'GlobalMaxPooling1D';
  constructor(args: GlobalPoolingArgs = {}) {
    super(1, args);
  }
  call(inputs: Tensor | Tensor[]): Tensor {
    const x = singleInput(inputs, this.name);
    return engine().tidy(() => max(asFloat(x), 1, this.keepdims));
  }
}
registerClass('layer', GlobalMaxPooling1D);
/** Global 1-D max pooling (see {@link GlobalMaxPooling1D}). */
export const globalMaxPooling1d = (args: GlobalPoolingArgs = {}): GlobalMaxPooling1D => new GlobalMaxPooling1D(args);

/** Mean over height and width of NHWC images. */
export class GlobalAveragePooling2D extends GlobalPooling {
  static override readonly className = 'GlobalAveragePooling2D';
  constructor(args: GlobalPoolingArgs = {}) {
    super(2, args);
  }
  call(inputs: Tensor | Tensor[]): Tensor {
    const x = singleInput(inputs, this.name);
    return engine().tidy(() => mean(asFloat(x), [1, 2], this.keepdims));
  }
}
registerClass('layer', GlobalAveragePooling2D);
/** Global 2-D average pooling (see {@link GlobalAveragePooling2D}). */
export const globalAveragePooling2d = (args: GlobalPoolingArgs = {}): GlobalAveragePooling2D => new GlobalAveragePooling2D(args);

/** Max over height and width of NHWC images. */
export class GlobalMaxPooling2D extends GlobalPooling {
  static override readonly className = 'GlobalMaxPooling2D';
  constructor(args: GlobalPoolingArgs = {}) {
    super(2, args);
  }
  call(inputs: Tensor | Tensor[]): Tensor {
    const x = singleInput(inputs, this.name);
    return engine().tidy(() => max(asFloat(x), [1, 2], this.keepdims));
  }
}
registerClass('layer', GlobalMaxPooling2D);
/** Global 2-D max pooling (see {@link GlobalMaxPooling2D}). */
export const globalMaxPooling2d = (args: GlobalPoolingArgs = {}): GlobalMaxPooling2D => new GlobalMaxPooling2D(args);
