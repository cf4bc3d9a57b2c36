/**
 * Reshaping layers (Keras): Reshape, Flatten, Permute, RepeatVector, ZeroPadding1D/2D,
 * Cropping1D/2D, UpSampling1D/2D. None has weights; all are built from core's data-movement ops,
 * so autodiff gives their gradients on every backend. Configs use the TensorFlow.js Layers keys.
 */
import type { Tensor } from '../tensor/tensor.js';
import { engine } from '../engine/engine.js';
import { registerClass, type ConfigDict } from '../serialization/registry.js';
import { reshape as reshapeOp } from '../ops/reshape.js';
import { broadcastTo, gather, pad, slice, transpose } from '../ops/movement.js';
import { add, mul, sub } from '../ops/binary.js';
import { tensor as tensorOp } from '../ops/convert.js';
import { Layer, singleInput, singleShape, type LayerArgs, type SymbolicShape } from './layer.js';
import { formatShape as fmt } from './layer-utils.js';

/** Where the channels axis is: last (`[batch, ..., channels]`, the default) or first. */
export type DataFormat = 'channelsLast' | 'channelsFirst';

/** How UpSampling2D fills new pixels. */
export type InterpolationMode = 'nearest' | 'bilinear';

/** Accepts Keras (`channels_last`) and TensorFlow.js (`channelsLast`) spellings. */
function parseDataFormat(value: unknown, layer: string): DataFormat {
  if (value === undefined || value === null || value === 'channelsLast' || value === 'channels_last') return 'channelsLast';
  if (value === 'channelsFirst' || value === 'channels_first') return 'channelsFirst';
  throw new Error(`${layer}: dataFormat must be 'channelsLast' or 'channelsFirst', got ${JSON.stringify(value)}`);
}

function checkCount(value: unknown, arg: string, layer: string, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new Error(`${layer}: ${arg} must be an integer ≥ ${min}, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** `shape`, checked to have `rank` dims (`dims` describes them in the error). */
function checkRank(shape: SymbolicShape, rank: number, layer: string, dims = ''): SymbolicShape {
  if (shape.length !== rank) throw new Error(`${layer}: input must have rank ${rank}${dims}, got shape ${fmt(shape)}`);
  return shape;
}

/** The (rows, columns) axes of an image batch in `dataFormat`. */
function spatialAxes(dataFormat: DataFormat): [number, number] {
  return dataFormat === 'channelsLast' ? [1, 2] : [2, 3];
}

/** A copy of `shape` where each known size on `axes[k]` becomes `f(size, k)`; unknown sizes stay null. */
function mapKnownDims(shape: SymbolicShape, axes: readonly number[], f: (size: number, k: number) => number): (number | null)[] {
  const out = [...shape];
  axes.forEach((axis, k) => {
    const d = shape[axis]!;
    if (d !== null) out[axis] = f(d, k);
  });
  return out;
}

/** `n` → `[n, n]`; `[a, b]` stays; each a non-negative integer. */
function pairOf(value: unknown, arg: string, layer: string): [number, number] {
  if (typeof value === 'number') {
    checkCount(value, arg, layer, 0);
    return [value, value];
  }
  if (Array.isArray(value) && value.length === 2) {
    return [checkCount(value[0], `${arg}[0]`, layer, 0), checkCount(value[1], `${arg}[1]`, layer, 0)];
  }
  throw new Error(`${layer}: ${arg} must be an integer or a pair of integers, got ${JSON.stringify(value)}`);
}

/** `n`, `[h, w]` (symmetric) or `[[top, bottom], [left, right]]`. */
function pairsOf(value: unknown, arg: string, layer: string): [[number, number], [number, number]] {
  if (typeof value === 'number') {
    const p = pairOf(value, arg, layer);
    return [p, [...p]];
  }
  if (Array.isArray(value) && value.length === 2) {
    if (typeof value[0] === 'number' && typeof value[1] === 'number') {
      return [pairOf(value[0], `${arg}[0]`, layer), pairOf(value[1], `${arg}[1]`, layer)];
    }
    if (Array.isArray(value[0]) && Array.isArray(value[1])) {
      return [pairOf(value[0], `${arg}[0]`, layer), pairOf(value[1], `${arg}[1]`, layer)];
    }
  }
  throw new Error(`${layer}: ${arg} must be an integer, [height, width] or [[top, bottom], [left, right]], got ${JSON.stringify(value)}`);
}

/** Repeats every slice along `axis` `n` times in place (`[a, b]` → `[a, a, b, b]`). */
function repeatAlong(x: Tensor, axis: number, n: number): Tensor {
  if (n === 1) return reshapeOp(x, x.shape);
  const expanded = [...x.shape.slice(0, axis + 1), 1, ...x.shape.slice(axis + 1)];
  const tiled = [...x.shape.slice(0, axis + 1), n, ...x.shape.slice(axis + 1)];
  const out = [...x.shape];
  out[axis] = x.shape[axis]! * n;
  return reshapeOp(broadcastTo(reshapeOp(x, expanded), tiled), out);
}

/**
 * Linear interpolation along `axis` to `factor` times the size, with the sampling of
 * TensorFlow.js `resizeBilinear` (alignCorners and halfPixelCenters false): output index `o`
 * reads input position `o / factor`, clamped at the last element.
 */
function lerpAlong(x: Tensor, axis: number, factor: number): Tensor {
  const n = x.shape[axis]!;
  const m = n * factor;
  const scale = n / m;
  const lo = new Int32Array(m);
  const hi = new Int32Array(m);
  const frac = new Float32Array(m);
  for (let o = 0; o < m; o++) {
    const src = scale * o;
    const top = Math.floor(src);
    lo[o] = top;
    hi[o] = Math.min(n - 1, Math.ceil(src));
    frac[o] = src - top;
  }
  const fracShape = x.shape.map((d, i) => (i === axis ? m : 1));
  const a = gather(x, tensorOp(lo, [m], 'int32'), axis);
  const b = gather(x, tensorOp(hi, [m], 'int32'), axis);
  return add(a, mul(sub(b, a), tensorOp(frac, fracShape, 'float32')));
}

// ---------------------------------------------------------------------------------------------

/** Arguments of {@link Reshape}. */
export interface ReshapeArgs extends LayerArgs {
  /** Shape of each example (without the batch dimension); one entry may be -1 (or null): inferred. */
  targetShape: readonly (number | null)[];
}

/** Reshapes each example to `targetShape`; the batch dimension is kept. */
export class Reshape extends Layer {
  static override readonly className = 'Reshape';
  /** The target shape with -1 for the inferred dimension. */
  readonly targetShape: readonly number[];

  constructor(args: ReshapeArgs) {
    super(args);
    const target: unknown = args?.targetShape;
    if (!Array.isArray(target)) throw new Error(`${this.name}: targetShape must be an array of sizes, got ${JSON.stringify(target)}`);
    const shape = target.map((d: unknown) => (d === null || d === -1 ? -1 : d));
    shape.forEach((d, i) => {
      if (d !== -1 && (typeof d !== 'number' || !Number.isInteger(d) || d < 0)) {
        throw new Error(`${this.name}: targetShape[${i}] must be a non-negative integer or -1, got ${JSON.stringify(target)}`);
      }
    });
    if (shape.filter((d) => d === -1).length > 1) {
      throw new Error(`${this.name}: targetShape ${JSON.stringify(target)} may have only one unknown (-1) dimension`);
    }
    this.targetShape = shape as number[];
  }

  /** The per-example output shape for per-example input dims (null where unknown). */
  private resolve(dims: SymbolicShape, full: SymbolicShape): (number | null)[] {
    if (dims.some((d) => d === null)) return this.targetShape.map((d) => (d === -1 ? null : d));
    const size = (dims as number[]).reduce((a, b) => a * b, 1);
    const unknown = this.targetShape.indexOf(-1);
    const known = this.targetShape.reduce((a, d) => (d === -1 ? a : a * d), 1);
    const fail = () => new Error(`${this.name}: cannot reshape input of shape ${fmt(full)} (${size} values per example) to targetShape [${this.targetShape.join(',')}]`);
    if (unknown >= 0) {
      if (known === 0 || size % known !== 0) throw fail();
      return this.targetShape.map((d) => (d === -1 ? size / known : d));
    }
    if (known !== size) throw fail();
    return [...this.targetShape];
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    const s = singleShape(inputShape, this.name);
    if (s.length < 1) throw new Error(`${this.name}: input must have a batch dimension, got shape ${fmt(s)}`);
    return [s[0]!, ...this.resolve(s.slice(1), s)];
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = singleInput(inputs, this.name);
    if (x.rank < 1) throw new Error(`${this.name}: input must have a batch dimension, got shape ${fmt(x.shape)}`);
    return reshapeOp(x, [x.shape[0]!, ...(this.resolve(x.shape.slice(1), x.shape) as number[])]);
  }

  override getConfig(): ConfigDict {
    // -1 as Keras writes it; TensorFlow.js writes null there, and both read either.
    return { targetShape: [...this.targetShape], ...super.getConfig() };
  }
}

/** Arguments of {@link Flatten}. */
export interface FlattenArgs extends LayerArgs {
  /** With 'channelsFirst', channels are moved last before flattening (so it matches channelsLast models). */
  dataFormat?: DataFormat | null;
}

/** Flattens each example to a vector: `[batch, d1, d2, ...]` → `[batch, d1·d2·...]` (`[batch]` → `[batch, 1]`). */
export class Flatten extends Layer {
  static override readonly className = 'Flatten';
  /** The given data format, or null (channels last). */
  readonly dataFormat: DataFormat | null;

  constructor(args: FlattenArgs = {}) {
    super(args);
    this.dataFormat = args.dataFormat === undefined || args.dataFormat === null ? null : parseDataFormat(args.dataFormat, this.name);
    this.inputSpec = { minNdim: 1 };
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    const s = singleShape(inputShape, this.name);
    if (s.length < 1) throw new Error(`${this.name}: input must have a batch dimension, got shape ${fmt(s)}`);
    const rest = s.slice(1);
    const flat = rest.some((d) => d === null) ? null : (rest as number[]).reduce((a, b) => a * b, 1);
    return [s[0]!, flat];
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = singleInput(inputs, this.name);
    return engine().tidy(() => {
      let t = x;
      if (this.dataFormat === 'channelsFirst' && t.rank > 2) {
        t = transpose(t, [0, ...Array.from({ length: t.rank - 2 }, (_, i) => i + 2), 1]);
      }
      return reshapeOp(t, [t.shape[0]!, t.shape.slice(1).reduce((a, b) => a * b, 1)]);
    });
  }

  override getConfig(): ConfigDict {
    // TensorFlow.js writes dataFormat only when it was given.
    return { ...(this.dataFormat ? { dataFormat: this.dataFormat } : {}), ...super.getConfig() };
  }
}

/** Arguments of {@link Permute}. */
export interface PermuteArgs extends LayerArgs {
  /** A permutation of `1..rank-1` (1-based, the batch axis stays first), e.g. `[2, 1]` swaps the two non-batch axes. */
  dims: readonly number[];
}

/** Permutes the non-batch axes of each example. */
export class Permute extends Layer {
  static override readonly className = 'Permute';
  /** The permutation of the non-batch axes (1-based). */
  readonly dims: readonly number[];

  constructor(args: PermuteArgs) {
    super(args);
    const dims: unknown = args?.dims;
    if (!Array.isArray(dims) || dims.length === 0) throw new Error(`${this.name}: dims must be a non-empty array, got ${JSON.stringify(dims)}`);
    const sorted = [...(dims as unknown[])].sort((a, b) => (a as number) - (b as number));
    if (sorted.some((d, i) => d !== i + 1)) {
      throw new Error(`${this.name}: dims ${JSON.stringify(dims)} must be a permutation of 1..${dims.length} (1-based; the batch axis is not included)`);
    }
    this.dims = [...(dims as number[])];
    this.inputSpec = { ndim: this.dims.length + 1 };
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    const s = checkRank(singleShape(inputShape, this.name), this.dims.length + 1, this.name);
    return [s[0]!, ...this.dims.map((d) => s[d]!)];
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    return transpose(singleInput(inputs, this.name), [0, ...this.dims]);
  }

  override getConfig(): ConfigDict {
    return { dims: [...this.dims], ...super.getConfig() };
  }
}

/** Arguments of {@link RepeatVector}. */
export interface RepeatVectorArgs extends LayerArgs {
  /** How many times to repeat. */
  n: number;
}

/** Repeats each example vector `n` times: `[batch, features]` → `[batch, n, features]`. */
export class RepeatVector extends Layer {
  static override readonly className = 'RepeatVector';
  /** How many times each example is repeated. */
  readonly n: number;

  constructor(args: RepeatVectorArgs) {
    super(args);
    this.n = checkCount(args?.n, 'n', this.name, 1);
    this.inputSpec = { ndim: 2 };
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    const s = checkRank(singleShape(inputShape, this.name), 2, this.name, ' ([batch, features])');
    return [s[0]!, this.n, s[1]!];
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = singleInput(inputs, this.name);
    return engine().tidy(() => broadcastTo(reshapeOp(x, [x.shape[0]!, 1, x.shape[1]!]), [x.shape[0]!, this.n, x.shape[1]!]));
  }

  override getConfig(): ConfigDict {
    return { n: this.n, ...super.getConfig() };
  }
}

/** Arguments of {@link ZeroPadding1D}. */
export interface ZeroPadding1DArgs extends LayerArgs {
  /** Zeros added at the start and end of the steps axis: `n` or `[start, end]`. Default 1. */
  padding?: number | readonly [number, number];
  /** Where the channel axis is (default channels-last). */
  dataFormat?: DataFormat;
}

/** Pads the steps axis of `[batch, steps, features]` with zeros. */
export class ZeroPadding1D extends Layer {
  static override readonly className = 'ZeroPadding1D';
  /** Zeros added before and after the steps axis. */
  readonly padding: readonly [number, number];
  /** Where the channel axis is. */
  readonly dataFormat: DataFormat;

  constructor(args: ZeroPadding1DArgs = {}) {
    super(args);
    this.padding = pairOf(args.padding ?? 1, 'padding', this.name);
    this.dataFormat = parseDataFormat(args.dataFormat, this.name);
    this.inputSpec = { ndim: 3 };
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    const s = checkRank(singleShape(inputShape, this.name), 3, this.name);
    const axis = this.dataFormat === 'channelsLast' ? 1 : 2;
    return mapKnownDims(s, [axis], (d) => d + this.padding[0] + this.padding[1]);
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = singleInput(inputs, this.name);
    const axis = this.dataFormat === 'channelsLast' ? 1 : 2;
    return pad(x, x.shape.map((_, i): [number, number] => (i === axis ? [this.padding[0], this.padding[1]] : [0, 0])));
  }

  override getConfig(): ConfigDict {
    return { padding: [...this.padding], dataFormat: this.dataFormat, ...super.getConfig() };
  }
}

/** Arguments of {@link ZeroPadding2D}. */
export interface ZeroPadding2DArgs extends LayerArgs {
  /** `n`, `[height, width]` (symmetric) or `[[top, bottom], [left, right]]`. Default 1. */
  padding?: number | readonly [number, number] | readonly [readonly [number, number], readonly [number, number]];
  /** Where the channel axis is (default channels-last). */
  dataFormat?: DataFormat;
}

/** Pads the two spatial axes of images with zeros. */
export class ZeroPadding2D extends Layer {
  static override readonly className = 'ZeroPadding2D';
  /** `[[top, bottom], [left, right]]` zeros added. */
  readonly padding: readonly [readonly [number, number], readonly [number, number]];
  /** Where the channel axis is. */
  readonly dataFormat: DataFormat;

  constructor(args: ZeroPadding2DArgs = {}) {
    super(args);
    this.padding = pairsOf(args.padding ?? 1, 'padding', this.name);
    this.dataFormat = parseDataFormat(args.dataFormat, this.name);
    this.inputSpec = { ndim: 4 };
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    const s = checkRank(singleShape(inputShape, this.name), 4, this.name);
    return mapKnownDims(s, spatialAxes(this.dataFormat), (d, k) => d + this.padding[k]![0] + this.padding[k]![1]);
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = singleInput(inputs, this.name);
    const [h, w] = spatialAxes(this.dataFormat);
    return pad(x, x.shape.map((_, i): [number, number] => (i === h ? [...this.padding[0]] : i === w ? [...this.padding[1]] : [0, 0])));
  }

  override getConfig(): ConfigDict {
    return { padding: this.padding.map((p) => [...p]), dataFormat: this.dataFormat, ...super.getConfig() };
  }
}

/** Arguments of {@link Cropping1D}. */
export interface Cropping1DArgs extends LayerArgs {
  /** Steps removed at the start and end: `n` or `[start, end]`. Default `[1, 1]`. */
  cropping?: number | readonly [number, number];
}

/** Crops the steps axis of `[batch, steps, features]`. */
export class Cropping1D extends Layer {
  static override readonly className = 'Cropping1D';
  /** Steps removed from the start and end. */
  readonly cropping: readonly [number, number];

  constructor(args: Cropping1DArgs = {}) {
    super(args);
    this.cropping = pairOf(args.cropping ?? 1, 'cropping', this.name);
    this.inputSpec = { ndim: 3 };
  }

  private kept(full: SymbolicShape): number | null {
    const d = full[1];
    if (d === null || d === undefined) return null;
    const n = d - this.cropping[0] - this.cropping[1];
    if (n <= 0) throw new Error(`${this.name}: cropping [${this.cropping.join(',')}] removes all ${d} steps of input shape ${fmt(full)}`);
    return n;
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    const s = checkRank(singleShape(inputShape, this.name), 3, this.name);
    return [s[0]!, this.kept(s), s[2]!];
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = singleInput(inputs, this.name);
    const n = this.kept(x.shape)!;
    return slice(x, [0, this.cropping[0], 0], [x.shape[0]!, n, x.shape[2]!]);
  }

  override getConfig(): ConfigDict {
    return { cropping: [...this.cropping], ...super.getConfig() };
  }
}

/** Arguments of {@link Cropping2D}. */
export interface Cropping2DArgs extends LayerArgs {
  /** `n`, `[height, width]` (symmetric) or `[[top, bottom], [left, right]]`. Default 0. */
  cropping?: number | readonly [number, number] | readonly [readonly [number, number], readonly [number, number]];
  /** Where the channel axis is (default channels-last). */
  dataFormat?: DataFormat;
}

/** Crops the two spatial axes of images. */
export class Cropping2D extends Layer {
  static override readonly className = 'Cropping2D';
  /** `[[top, bottom], [left, right]]` rows and columns removed. */
  readonly cropping: readonly [readonly [number, number], readonly [number, number]];
  /** Where the channel axis is. */
  readonly dataFormat: DataFormat;

  constructor(args: Cropping2DArgs = {}) {
    super(args);
    this.cropping = pairsOf(args.cropping ?? 0, 'cropping', this.name);
    this.dataFormat = parseDataFormat(args.dataFormat, this.name);
    this.inputSpec = { ndim: 4 };
  }

  private outShape(s: SymbolicShape): (number | null)[] {
    return mapKnownDims(checkRank(s, 4, this.name), spatialAxes(this.dataFormat), (d, k) => {
      const n = d - this.cropping[k]![0] - this.cropping[k]![1];
      if (n <= 0) {
        throw new Error(`${this.name}: cropping ${JSON.stringify(this.cropping)} removes all ${d} ${k === 0 ? 'rows' : 'columns'} of input shape ${fmt(s)}`);
      }
      return n;
    });
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    return this.outShape(singleShape(inputShape, this.name));
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = singleInput(inputs, this.name);
    const size = this.outShape(x.shape) as number[];
    const [h, w] = spatialAxes(this.dataFormat);
    return slice(x, x.shape.map((_, i) => (i === h ? this.cropping[0][0] : i === w ? this.cropping[1][0] : 0)), size);
  }

  override getConfig(): ConfigDict {
    return { cropping: this.cropping.map((p) => [...p]), dataFormat: this.dataFormat, ...super.getConfig() };
  }
}

/** Arguments of {@link UpSampling1D}. */
export interface UpSampling1DArgs extends LayerArgs {
  /** How many times each step is repeated. Default 2. */
  size?: number;
}

/** Repeats each step of `[batch, steps, features]` `size` times along the steps axis. */
export class UpSampling1D extends Layer {
  static override readonly className = 'UpSampling1D';
  /** How many times each step is repeated. */
  readonly size: number;

  constructor(args: UpSampling1DArgs = {}) {
    super(args);
    this.size = checkCount(args.size ?? 2, 'size', this.name, 1);
    this.inputSpec = { ndim: 3 };
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    return mapKnownDims(checkRank(singleShape(inputShape, this.name), 3, this.name), [1], (d) => d * this.size);
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = singleInput(inputs, this.name);
    return engine().tidy(() => repeatAlong(x, 1, this.size));
  }

  override getConfig(): ConfigDict {
    return { size: this.size, ...super.getConfig() };
  }
}

/** Arguments of {@link UpSampling2D}. */
export interface UpSampling2DArgs extends LayerArgs {
  /** Upsampling factors for rows and columns: `n` or `[rows, cols]`. Default `[2, 2]`. */
  size?: number | readonly [number, number];
  /** Where the channel axis is (default channels-last). */
  dataFormat?: DataFormat;
  /** 'nearest' (default: repeat pixels) or 'bilinear'. */
  interpolation?: InterpolationMode;
}

/**
 * Upsamples images by integer factors. 'bilinear' samples as TensorFlow.js does
 * (`resizeBilinear` without half-pixel centers), so models saved by TensorFlow.js predict the same;
 * Keras 3 in Python uses half-pixel centers and gives slightly different values.
 */
export class UpSampling2D extends Layer {
  static override readonly className = 'UpSampling2D';
  /** Factors for rows and columns. */
  readonly size: readonly [number, number];
  /** Where the channel axis is. */
  readonly dataFormat: DataFormat;
  /** `nearest` or `bilinear`. */
  readonly interpolation: InterpolationMode;

  constructor(args: UpSampling2DArgs = {}) {
    super(args);
    const size: unknown = args.size ?? [2, 2];
    const pair = typeof size === 'number' ? [size, size] : size;
    if (!Array.isArray(pair) || pair.length !== 2) throw new Error(`${this.name}: size must be an integer or [rows, cols], got ${JSON.stringify(size)}`);
    this.size = [checkCount(pair[0], 'size[0]', this.name, 1), checkCount(pair[1], 'size[1]', this.name, 1)];
    this.dataFormat = parseDataFormat(args.dataFormat, this.name);
    const interpolation: unknown = args.interpolation ?? 'nearest';
    if (interpolation !== 'nearest' && interpolation !== 'bilinear') {
      throw new Error(`${this.name}: interpolation must be 'nearest' or 'bilinear', got ${JSON.stringify(interpolation)}`);
    }
    this.interpolation = interpolation;
    this.inputSpec = { ndim: 4 };
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    const s = checkRank(singleShape(inputShape, this.name), 4, this.name);
    return mapKnownDims(s, spatialAxes(this.dataFormat), (d, k) => d * this.size[k]!);
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = singleInput(inputs, this.name);
    const [h, w] = spatialAxes(this.dataFormat);
    return engine().tidy(() => {
      if (this.interpolation === 'nearest') return repeatAlong(repeatAlong(x, h, this.size[0]), w, this.size[1]);
      // Columns first, then rows: the order of TensorFlow.js' kernel, so rounding matches too.
      return lerpAlong(lerpAlong(x, w, this.size[1]), h, this.size[0]);
    });
  }

  override getConfig(): ConfigDict {
    return { size: [...this.size], dataFormat: this.dataFormat, interpolation: this.interpolation, ...super.getConfig() };
  }
}

for (const cls of [Reshape, Flatten, Permute, RepeatVector, ZeroPadding1D, ZeroPadding2D, Cropping1D, Cropping2D, UpSampling1D, UpSampling2D]) {
  registerClass('layer', cls);
}

/** A {@link Reshape} layer. */
export const reshape = (args: ReshapeArgs): Reshape => new Reshape(args);
/**
 * A {@link Flatten} layer.
 * @example
 * const y = st.layers.flatten().apply(st.ones([2, 7, 7, 4]));   // [2, 196]
 */
export const flatten = (args: FlattenArgs = {}): Flatten => new Flatten(args);
/** A {@link Permute} layer. */
export const permute = (args: PermuteArgs): Permute => new Permute(args);
/** A {@link RepeatVector} layer. */
export const repeatVector = (args: RepeatVectorArgs): RepeatVector => new RepeatVector(args);
/** A {@link ZeroPadding1D} layer. */
export const zeroPadding1d = (args: ZeroPadding1DArgs = {}): ZeroPadding1D => new ZeroPadding1D(args);
/** A {@link ZeroPadding2D} layer. */
export const zeroPadding2d = (args: ZeroPadding2DArgs = {}): ZeroPadding2D => new ZeroPadding2D(args);
/** A {@link Cropping1D} layer. */
export const cropping1d = (args: Cropping1DArgs = {}): Cropping1D => new Cropping1D(args);
/** A {@link Cropping2D} layer. */
export const cropping2d = (args: Cropping2DArgs = {}): Cropping2D => new Cropping2D(args);
/** A {@link UpSampling1D} layer. */
export const upSampling1d = (args: UpSampling1DArgs = {}): UpSampling1D => new UpSampling1D(args);
/** A {@link UpSampling2D} layer. */
export const upSampling2d = (args: UpSampling2DArgs = {}): UpSampling2D => new UpSampling2D(args);
