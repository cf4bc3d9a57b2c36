/**
 * Preprocessing layers: Normalization (feature standardization, with `adapt` to learn the
 * statistics from data) and Rescaling (Keras 3; Rescaling's config matches TensorFlow.js').
 */
import { Tensor, type Variable } from '../tensor/tensor.js';
import { engine } from '../engine/engine.js';
import { dispose } from '../engine/memory.js';
import { add, div, maximum, mul, sub } from '../ops/binary.js';
import { cast } from '../ops/creation.js';
import { tensor } from '../ops/convert.js';
import { reshape } from '../ops/reshape.js';
import { sqrt } from '../ops/unary.js';
import { registerClass, type ConfigDict, type ConfigValue } from '../serialization/registry.js';
import { Layer, singleInput, singleShape, type LayerArgs, type SymbolicShape } from './layer.js';
import { formatShape as fmt } from './layer-utils.js';

/** A number or a (nested) list of numbers. */
export type NestedNumbers = number | readonly NestedNumbers[];

function flatten(value: NestedNumbers, out: number[] = []): number[] {
  if (typeof value === 'number') out.push(value);
  else for (const v of value) flatten(v, out);
  return out;
}

function isNestedNumbers(value: unknown): value is NestedNumbers {
  return typeof value === 'number' ? Number.isFinite(value) : Array.isArray(value) && value.every(isNestedNumbers);
}

/** Keras' `backend.epsilon()`: the smallest standard deviation Normalization divides by. */
const EPSILON = 1e-7;

/** What `Normalization.adapt` learns from. */
export type AdaptData = Tensor | readonly (readonly number[])[] | Iterable<Tensor> | AsyncIterable<Tensor>;

/** Arguments of Normalization (Keras 3 names and defaults). */
export interface NormalizationArgs extends LayerArgs {
  /**
   * Axis or axes that keep their own mean and variance (default -1: one per feature). `null` or
   * `[]` means one mean and variance for all values.
   */
  axis?: number | readonly number[] | null;
  /** Fixed mean (a number, or values of the kept axes' shape); give with `variance`, or use `adapt`. */
  mean?: NestedNumbers | null;
  /** Fixed variance, as `mean`. */
  variance?: NestedNumbers | null;
  /** Undo the normalization instead: `mean + x * sqrt(variance)` (default false). */
  invert?: boolean;
}

/**
 * Standardizes features: `(x - mean) / max(sqrt(variance), 1e-7)`, or the inverse with `invert`.
 * The statistics are given in the constructor (then they live in the config) or learned with
 * `adapt(data)` (then they are the non-trainable weights `mean` and `variance`, saved and loaded
 * with the model).
 * @example
 * const norm = st.layers.normalization();
 * await norm.adapt(trainFeatures);            // per-feature mean and variance
 * const model = st.sequential([norm, st.layers.dense({ units: 1 })]);
 */
export class Normalization extends Layer {
  static override readonly className = 'Normalization';
  /** The kept axes as given (a list, as Keras 3 stores them). */
  readonly axis: readonly number[];
  /** Whether the layer undoes the normalization (`x * std + mean`). */
  readonly invert: boolean;
  /** The constructor's statistics (null when the layer is adapted). */
  readonly inputMean: NestedNumbers | null;
  /** The constructor's variance (null when the layer is adapted). */
  readonly inputVariance: NestedNumbers | null;
  /** Learned statistics (when not given): weights of the kept axes' shape. */
  adaptMean: Variable | null = null;
  /** The learned variance, set by `adapt`. */
  adaptVariance: Variable | null = null;
  private keep: number[] = [];
  private statShape: number[] = [];
  private givenMean: Float32Array | null = null;
  private givenVariance: Float32Array | null = null;

  constructor(args: NormalizationArgs = {}) {
    super(args);
    const axis = args?.axis === undefined ? -1 : args.axis;
    const list = axis === null ? [] : typeof axis === 'number' ? [axis] : [...axis];
    if (!list.every((a) => Number.isInteger(a))) {
      throw new Error(`Normalization: axis must be an integer, a list of integers or null, got ${JSON.stringify(axis)}`);
    }
    this.axis = list;
    this.invert = args?.invert ?? false;
    const mean = args?.mean ?? null;
    const variance = args?.variance ?? null;
    if ((mean === null) !== (variance === null)) {
      throw new Error(`Normalization: give both mean and variance, or neither (and call adapt); got mean ${JSON.stringify(mean)}, variance ${JSON.stringify(variance)}`);
    }
    if (mean !== null && !isNestedNumbers(mean)) throw new Error(`Normalization: mean must be a number or a list of numbers, got ${JSON.stringify(mean)}`);
    if (variance !== null && !isNestedNumbers(variance)) throw new Error(`Normalization: variance must be a number or a list of numbers, got ${JSON.stringify(variance)}`);
    if (variance !== null && flatten(variance).some((v) => v < 0)) throw new Error(`Normalization: variance must be ≥ 0, got ${JSON.stringify(variance)}`);
    this.inputMean = mean;
    this.inputVariance = variance;
    this.supportsMasking = true;
  }

  /** Kept axes resolved against a shape, and their sizes (which must be known). */
  private geometry(shape: SymbolicShape): { keep: number[]; sizes: number[] } {
    const rank = shape.length;
    const keep = this.axis.map((a) => {
      if (a < -rank || a >= rank) throw new Error(`${this.name}: axis ${JSON.stringify(this.axis)} is out of range for input shape ${fmt(shape)} (rank ${rank})`);
      return a < 0 ? a + rank : a;
    });
    if (new Set(keep).size !== keep.length) throw new Error(`${this.name}: axis ${JSON.stringify(this.axis)} names an axis twice (input shape ${fmt(shape)})`);
    keep.sort((a, b) => a - b);
    const sizes = keep.map((a) => {
      const d = shape[a];
      if (d === null || d === undefined) throw new Error(`${this.name}: kept axis ${a} must have a known size, got input shape ${fmt(shape)}`);
      return d;
    });
    return { keep, sizes };
  }

  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    const shape = singleShape(inputShape, this.name);
    const { keep, sizes } = this.geometry(shape);
    this.keep = keep;
    this.statShape = sizes;
    // The statistics broadcast against inputs of this rank (any rank when there are no kept axes).
    if (keep.length > 0) this.inputSpec = { ndim: shape.length, axes: Object.fromEntries(keep.map((a, i) => [a, sizes[i]!])) };
    const n = sizes.reduce((a, b) => a * b, 1);
    if (this.inputMean !== null && this.inputVariance !== null) {
      const expand = (value: NestedNumbers, arg: string) => {
        const flat = flatten(value);
        if (flat.length !== 1 && flat.length !== n) {
          throw new Error(`${this.name}: ${arg} has ${flat.length} values but the kept axes of input shape ${fmt(shape)} have shape [${sizes.join(',')}] (${n} values); give 1 or ${n}`);
        }
        return Float32Array.from({ length: n }, (_, i) => flat[flat.length === 1 ? 0 : i]!);
      };
      this.givenMean = expand(this.inputMean, 'mean');
      this.givenVariance = expand(this.inputVariance, 'variance');
    } else {
      this.adaptMean = this.addWeight('mean', { shape: sizes, initializer: 'zeros', trainable: false });
      this.adaptVariance = this.addWeight('variance', { shape: sizes, initializer: 'ones', trainable: false });
    }
    this.built = true;
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = singleInput(inputs, this.name);
    return engine().tidy(() => {
      const bshape = new Array<number>(x.rank).fill(1);
      this.keep.forEach((a, i) => (bshape[a] = this.statShape[i]!));
      const stat = (given: Float32Array | null, weight: Variable | null) => reshape(given ? tensor(given, this.statShape) : weight!, bshape);
      const mean = stat(this.givenMean, this.adaptMean);
      const std = maximum(sqrt(stat(this.givenVariance, this.adaptVariance)), EPSILON);
      const xf = x.dtype === 'float32' ? x : cast(x, 'float32');
      return this.invert ? add(mean, mul(xf, std)) : div(sub(xf, mean), std);
    });
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    const shape = singleShape(inputShape, this.name);
    this.geometry(shape);
    return [...shape];
  }

  /**
   * Learns the mean and (population) variance of `data` over every axis but the kept ones, in
   * float64 and batch by batch (Chan et al.'s parallel update), then stores them in the `mean` and
   * `variance` weights. `data`: a tensor, rows of numbers, an array of tensor batches, or an
   * (async) iterable of tensor batches such as a `st.data.Dataset`. A tensor or array of tensors
   * stays the caller's; batches taken from an iterable are disposed once read, as Dataset's
   * ownership rule says for a consumer. 1-D data is one feature per example (`[n]` → `[n, 1]`),
   * as in Keras.
   */
  async adapt(data: AdaptData): Promise<void> {
    const where = `${this.name}.adapt`;
    if (this.inputMean !== null) {
      throw new Error(`${where}: this layer was given mean and variance in its constructor; adapt needs a Normalization created without them`);
    }
    // Running statistics: examples seen, per-slot mean and sum of squared deviations.
    const acc = { count: 0, mean: null as Float64Array | null, m2: null as Float64Array | null };
    const absorb = async (batch: Tensor, index: number) => {
      if (!(batch instanceof Tensor)) throw new Error(`${where}: batch ${index} is not a Tensor (got ${typeof batch})`);
      batch.assertUsable(where, `batch ${index}`);
      if (batch.dtype === 'bool') throw new Error(`${where}: batch ${index} has dtype bool (shape [${batch.shape.join(',')}]); expected float32 or int32`);
      const shape = batch.rank === 1 ? [batch.shape[0]!, 1] : batch.rank === 0 ? [1, 1] : [...batch.shape];
      if (!this.built) this.ensureBuilt([null, ...shape.slice(1)]);
      const { keep, sizes } = this.geometry(shape);
      if (keep.join() !== this.keep.join() || sizes.join() !== this.statShape.join()) {
        throw new Error(`${where}: batch ${index} of shape [${batch.shape.join(',')}] has kept axes of shape [${sizes.join(',')}], but the layer was built for [${this.statShape.join(',')}]`);
      }
      const values = await batch.data();
      const k = sizes.reduce((a, b) => a * b, 1);
      const size = values.length;
      if (size === 0) return;
      // The kept-axes index of each flat element, from the row-major strides.
      const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
      const keptStrides = keep.map((_, j) => sizes.slice(j + 1).reduce((a, b) => a * b, 1));
      // Trailing kept axes (the usual per-feature case) repeat every k elements.
      const trailing = keep.every((a, j) => a === shape.length - keep.length + j);
      const slot = trailing ? (i: number) => i % k : (i: number) => {
        let s = 0;
        keep.forEach((a, j) => (s += (Math.floor(i / strides[a]!) % shape[a]!) * keptStrides[j]!));
        return s;
      };
      const n = size / k;
      const bMean = new Float64Array(k);
      for (let i = 0; i < size; i++) bMean[slot(i)] += values[i]!;
      for (let j = 0; j < k; j++) bMean[j] /= n;
      const bM2 = new Float64Array(k);
      for (let i = 0; i < size; i++) {
        const s = slot(i);
        bM2[s] += (values[i]! - bMean[s]!) ** 2;
      }
      if (acc.mean === null || acc.m2 === null) {
        acc.mean = bMean;
        acc.m2 = bM2;
      } else {
        const total = acc.count + n;
        for (let j = 0; j < k; j++) {
          const delta = bMean[j]! - acc.mean[j]!;
          acc.mean[j] += (delta * n) / total;
          acc.m2[j] += bM2[j]! + (delta * delta * acc.count * n) / total;
        }
      }
      acc.count += n;
    };

    if (data instanceof Tensor) {
      await absorb(data, 0);
    } else if (Array.isArray(data) && !(data.length > 0 && data.every((d) => d instanceof Tensor))) {
      if (!isNestedNumbers(data)) throw new Error(`${where}: data must be a tensor, rows of finite numbers, or an iterable of tensors`);
      const t = tensor(data as number[][]);
      try {
        await absorb(t, 0);
      } finally {
        t.dispose();
      }
    } else if (Array.isArray(data)) {
      // An array of tensors: the caller keeps them.
      for (let i = 0; i < data.length; i++) await absorb(data[i] as Tensor, i);
    } else if (data !== null && typeof data === 'object' && (Symbol.asyncIterator in data || Symbol.iterator in data)) {
      // Elements taken from an iterator are handed over (the Dataset ownership rule): dispose them.
      let i = 0;
      for await (const batch of data as AsyncIterable<Tensor> | Iterable<Tensor>) {
        try {
          await absorb(batch, i++);
        } finally {
          dispose(batch);
        }
      }
    } else {
      throw new Error(`${where}: data must be a tensor, rows of numbers, or an iterable of tensors, got ${typeof data}`);
    }
    const { count, mean, m2 } = acc;
    if (count === 0 || mean === null || m2 === null) throw new Error(`${where}: the data has no examples`);
    const meanT = tensor(Float32Array.from(mean), this.statShape);
    const varT = tensor(Float32Array.from(m2, (v) => v / count), this.statShape);
    this.adaptMean!.assign(meanT);
    this.adaptVariance!.assign(varT);
    meanT.dispose();
    varT.dispose();
  }

  override getConfig(): ConfigDict {
    return {
      axis: [...this.axis],
      invert: this.invert,
      mean: this.inputMean as ConfigValue,
      variance: this.inputVariance as ConfigValue,
      ...super.getConfig(),
    };
  }
}
registerClass('layer', Normalization);

/** Arguments of Rescaling (Keras / TensorFlow.js names). */
export interface RescalingArgs extends LayerArgs {
  /** Multiplier: a number, or one per channel (last axis). E.g. `1 / 255` for pixel values. */
  scale: number | readonly number[];
  /** Added after scaling (default 0): a number, or one per channel. */
  offset?: number | readonly number[];
}

/** `x * scale + offset`, in float32 (integer inputs are cast). No weights. */
export class Rescaling extends Layer {
  static override readonly className = 'Rescaling';
  /** The multiplier (one, or one per channel). */
  readonly scale: number | readonly number[];
  /** Added after scaling (one, or one per channel). */
  readonly offset: number | readonly number[];

  constructor(args: RescalingArgs) {
    super(args);
    const check = (v: unknown, arg: string) => {
      const ok = (n: unknown) => typeof n === 'number' && Number.isFinite(n);
      if (!(ok(v) || (Array.isArray(v) && v.length > 0 && v.every(ok)))) {
        throw new Error(`Rescaling: ${arg} must be a finite number or a non-empty list of them (one per channel), got ${JSON.stringify(v)}`);
      }
    };
    check(args?.scale, 'scale');
    this.scale = typeof args.scale === 'number' ? args.scale : [...args.scale];
    const offset = args.offset ?? 0;
    check(offset, 'offset');
    this.offset = typeof offset === 'number' ? offset : [...offset];
    this.supportsMasking = true;
  }

  private checkChannels(shape: SymbolicShape): void {
    for (const [arg, v] of [['scale', this.scale], ['offset', this.offset]] as const) {
      if (typeof v === 'number') continue;
      const c = shape.at(-1);
      if (shape.length === 0 || (c !== null && c !== undefined && c !== v.length && v.length !== 1)) {
        throw new Error(`${this.name}: ${arg} has ${v.length} values but the input shape ${fmt(shape)} has ${shape.at(-1) ?? 'no'} channels on its last axis`);
      }
    }
  }

  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    this.checkChannels(singleShape(inputShape, this.name));
    this.built = true;
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = singleInput(inputs, this.name);
    this.checkChannels(x.shape);
    return engine().tidy(() => {
      const xf = x.dtype === 'float32' ? x : cast(x, 'float32');
      const s = typeof this.scale === 'number' ? this.scale : tensor([...this.scale]);
      const o = typeof this.offset === 'number' ? this.offset : tensor([...this.offset]);
      return add(mul(xf, s), o);
    });
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    const shape = singleShape(inputShape, this.name);
    this.checkChannels(shape);
    return [...shape];
  }

  override getConfig(): ConfigDict {
    const list = (v: number | readonly number[]) => (typeof v === 'number' ? v : [...v]);
    return { scale: list(this.scale), offset: list(this.offset), ...super.getConfig() };
  }
}
registerClass('layer', Rescaling);

/** A Normalization layer. @example st.layers.normalization({ axis: -1 }) */
export const normalization = (args: NormalizationArgs = {}): Normalization => new Normalization(args);
/** A Rescaling layer. @example st.layers.rescaling({ scale: 1 / 255 }) */
export const rescaling = (args: RescalingArgs): Rescaling => new Rescaling(args);
