/**
 * Weight initializers (Keras names and formulas). Random ones draw from core's seeded Philox
 * generator, so `st.setSeed` (or an initializer's own `seed`) gives the same weights on every backend.
 */
import type { DType } from '../backend/contract.js';
import type { Tensor } from '../tensor/tensor.js';
import { fill, eye } from '../ops/creation.js';
import { fromTypedArray } from '../ops/convert.js';
import { randomNormal, randomNormalValues, randomUniform, truncatedNormal } from '../ops/random.js';
import { mul } from '../ops/binary.js';
import { engine } from '../engine/engine.js';
import { shapeToString, sizeOf } from '../util/shape.js';
import {
  classNameOf, deserializeObject, isSerializedObject, registerClass, serializeObject,
  type ConfigDict, type Serializable, type SerializedObject,
} from '../serialization/registry.js';

/**
 * Makes the initial value of a weight. Layers take one by name (`'heNormal'`) or as an instance;
 * `apply(shape)` makes a tensor directly. Seeded ones repeat their values for the same seed, the
 * rest draw from `st.setSeed`'s stream.
 *
 * @example
 * const dense = st.layers.dense({ units: 4, kernelInitializer: 'heNormal', biasInitializer: new st.initializers.Constant({ value: 0.1 }) });
 * const w = new st.initializers.GlorotUniform({ seed: 1 }).apply([256, 128]);   // uniform in ±sqrt(6 / 384)
 */
export abstract class Initializer implements Serializable {
  /** The registry name of the class (Keras' `class_name`); subclasses set their own. */
  static readonly className: string = '';
  /** A new tensor of `shape` (the caller owns it). */
  abstract apply(shape: readonly number[], dtype?: DType): Tensor;
  /** The constructor arguments that rebuild this initializer (JSON only). */
  getConfig(): ConfigDict {
    return {};
  }
  /** The name it is saved under (`className`, or its registered name). */
  getClassName(): string {
    return classNameOf(this, 'initializer');
  }
}

/** All zeros. */
export class Zeros extends Initializer {
  static override readonly className = 'Zeros';
  apply(shape: readonly number[], dtype: DType = 'float32'): Tensor {
    return fill(shape, 0, dtype);
  }
  /** Rebuilds the initializer from `getConfig()`'s result. */
  static fromConfig(): Zeros {
    return new Zeros();
  }
}

/** All ones. */
export class Ones extends Initializer {
  static override readonly className = 'Ones';
  apply(shape: readonly number[], dtype: DType = 'float32'): Tensor {
    return fill(shape, 1, dtype);
  }
  /** Rebuilds the initializer from `getConfig()`'s result. */
  static fromConfig(): Ones {
    return new Ones();
  }
}

/** Every element equal to `value`. */
export class Constant extends Initializer {
  static override readonly className = 'Constant';
  /** The value every element gets. */
  readonly value: number;
  constructor(args: { value?: number } = {}) {
    super();
    this.value = args.value ?? 0;
  }
  apply(shape: readonly number[], dtype: DType = 'float32'): Tensor {
    return fill(shape, this.value, dtype);
  }
  override getConfig(): ConfigDict {
    return { value: this.value };
  }
  /** Rebuilds the initializer from `getConfig()`'s result. */
  static fromConfig(c: ConfigDict): Constant {
    return new Constant(c as { value?: number });
  }
}

interface SeedArgs {
  seed?: number | null;
}

/** `seed`, checked when the initializer is made (not at its first use): an integer or null. */
function checkedSeed(who: string, seed: number | null | undefined): number | null {
  if (seed === undefined || seed === null) return null;
  if (!Number.isInteger(seed)) throw new Error(`${who}: seed must be an integer or null, got ${seed}`);
  return seed;
}

/** Uniform in `[minval, maxval)`. */
export class RandomUniform extends Initializer {
  static override readonly className = 'RandomUniform';
  /** Lower bound (inclusive). */
  readonly minval: number;
  /** Upper bound (exclusive). */
  readonly maxval: number;
  /** Its own seed, or null to draw from the global generator (`st.setSeed`). */
  readonly seed: number | null;
  constructor(args: { minval?: number; maxval?: number } & SeedArgs = {}) {
    super();
    this.minval = args.minval ?? -0.05;
    this.maxval = args.maxval ?? 0.05;
    this.seed = checkedSeed('RandomUniform', args.seed);
    if (!(this.maxval > this.minval)) throw new Error(`RandomUniform: maxval ${this.maxval} must be greater than minval ${this.minval}`);
  }
  apply(shape: readonly number[], dtype: DType = 'float32'): Tensor {
    return randomUniform(shape, this.minval, this.maxval, dtype, this.seed ?? undefined);
  }
  override getConfig(): ConfigDict {
    return { minval: this.minval, maxval: this.maxval, seed: this.seed };
  }
  /** Rebuilds the initializer from `getConfig()`'s result. */
  static fromConfig(c: ConfigDict): RandomUniform {
    return new RandomUniform(c as { minval?: number; maxval?: number; seed?: number | null });
  }
}

/** Normal with `mean` and `stddev`. */
export class RandomNormal extends Initializer {
  static override readonly className: string = 'RandomNormal';
  /** Mean of the distribution. */
  readonly mean: number;
  /** Standard deviation of the distribution. */
  readonly stddev: number;
  /** Its own seed, or null to draw from the global generator (`st.setSeed`). */
  readonly seed: number | null;
  constructor(args: { mean?: number; stddev?: number } & SeedArgs = {}) {
    super();
    this.mean = args.mean ?? 0;
    this.stddev = args.stddev ?? 0.05;
    this.seed = checkedSeed(new.target.className, args.seed);
  }
  apply(shape: readonly number[]): Tensor {
    return randomNormal(shape, this.mean, this.stddev, this.seed ?? undefined);
  }
  override getConfig(): ConfigDict {
    return { mean: this.mean, stddev: this.stddev, seed: this.seed };
  }
  /** Rebuilds the initializer from `getConfig()`'s result. */
  static fromConfig(c: ConfigDict): RandomNormal {
    return new RandomNormal(c as { mean?: number; stddev?: number; seed?: number | null });
  }
}

/** Normal with `mean` and `stddev`, values beyond two standard deviations redrawn. */
export class TruncatedNormal extends RandomNormal {
  static override readonly className = 'TruncatedNormal';
  override apply(shape: readonly number[]): Tensor {
    return truncatedNormal(shape, this.mean, this.stddev, this.seed ?? undefined);
  }
  /** Rebuilds the initializer from `getConfig()`'s result. */
  static override fromConfig(c: ConfigDict): TruncatedNormal {
    return new TruncatedNormal(c as { mean?: number; stddev?: number; seed?: number | null });
  }
}

/** How VarianceScaling counts a weight's fan. */
export type FanMode = 'fanIn' | 'fanOut' | 'fanAvg';
/** `normal` is TensorFlow.js' name for `truncatedNormal`. */
export type VarianceDistribution = 'truncatedNormal' | 'untruncatedNormal' | 'normal' | 'uniform';

/** Fan-in and fan-out of a weight shape: dense `[in, out]`, convolution `[...window, in, out]`. */
export function computeFans(shape: readonly number[]): {
  /** Inputs per output unit (times the receptive field). */
  fanIn: number;
  /** Outputs per input unit (times the receptive field). */
  fanOut: number;
} {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0]!, fanOut: shape[0]! };
  const receptive = sizeOf(shape.slice(0, -2));
  return { fanIn: shape[shape.length - 2]! * receptive, fanOut: shape[shape.length - 1]! * receptive };
}

/**
 * Random values scaled to the weight's fan: stddev (or limit) from `scale / fan`
 * (Glorot, He and LeCun are special cases).
 */
export class VarianceScaling extends Initializer {
  static override readonly className: string = 'VarianceScaling';
  /** Multiplies the variance (2 for He, 1 for Glorot and LeCun). */
  readonly scale: number;
  /** Which fan divides `scale`: inputs, outputs or their mean. */
  readonly mode: FanMode;
  /** The distribution drawn from. */
  readonly distribution: VarianceDistribution;
  /** Its own seed, or null to draw from the global generator (`st.setSeed`). */
  readonly seed: number | null;
  constructor(args: { scale?: number; mode?: FanMode; distribution?: VarianceDistribution } & SeedArgs = {}) {
    super();
    this.scale = args.scale ?? 1;
    this.mode = args.mode ?? 'fanIn';
    this.distribution = args.distribution ?? 'truncatedNormal';
    // `new.target`: a preset (GlorotUniform, ...) reports its own name.
    this.seed = checkedSeed(new.target.className, args.seed);
    if (!(this.scale > 0)) throw new Error(`VarianceScaling: scale must be positive, got ${this.scale}`);
    if (!['fanIn', 'fanOut', 'fanAvg'].includes(this.mode)) throw new Error(`VarianceScaling: mode must be fanIn, fanOut or fanAvg, got '${this.mode}'`);
    if (!['truncatedNormal', 'untruncatedNormal', 'normal', 'uniform'].includes(this.distribution)) {
      throw new Error(`VarianceScaling: distribution must be truncatedNormal, untruncatedNormal or uniform, got '${this.distribution}'`);
    }
  }
  apply(shape: readonly number[], dtype: DType = 'float32'): Tensor {
    const { fanIn, fanOut } = computeFans(shape);
    const fan = this.mode === 'fanIn' ? fanIn : this.mode === 'fanOut' ? fanOut : (fanIn + fanOut) / 2;
    const variance = this.scale / Math.max(1, fan);
    const seed = this.seed ?? undefined;
    if (this.distribution === 'uniform') {
      const limit = Math.sqrt(3 * variance);
      return randomUniform(shape, -limit, limit, dtype, seed);
    }
    if (this.distribution === 'untruncatedNormal') return randomNormal(shape, 0, Math.sqrt(variance), seed);
    // Stddev of a unit normal truncated at ±2, so the truncated values keep the wanted variance.
    return truncatedNormal(shape, 0, Math.sqrt(variance) / 0.87962566103423978, seed);
  }
  override getConfig(): ConfigDict {
    return { scale: this.scale, mode: this.mode, distribution: this.distribution, seed: this.seed };
  }
  /** Rebuilds the initializer from `getConfig()`'s result. */
  static fromConfig(c: ConfigDict): VarianceScaling {
    return new VarianceScaling(c as { scale?: number; mode?: FanMode; distribution?: VarianceDistribution; seed?: number | null });
  }
}

/**
 * A VarianceScaling preset. `savedAsVarianceScaling`: written as the equivalent VarianceScaling,
 * for presets that Keras and TensorFlow.js spell differently (LecunNormal / LeCunNormal), so that
 * both can read the file.
 */
function preset(className: string, scale: number, mode: FanMode, distribution: VarianceDistribution, savedAsVarianceScaling = false) {
  const cls = class extends VarianceScaling {
    static override readonly className = className;
    constructor(args: SeedArgs = {}) {
      super({ scale, mode, distribution, seed: args.seed ?? null });
    }
    override getConfig(): ConfigDict {
      return { seed: this.seed };
    }
    serializedForm(): SerializedObject | undefined {
      return savedAsVarianceScaling ? { className: VarianceScaling.className, config: super.getConfig() } : undefined;
    }
    static override fromConfig(c: ConfigDict): VarianceScaling {
      return new cls(c as SeedArgs);
    }
  };
  return cls;
}

/** Uniform in ±sqrt(6 / (fanIn + fanOut)). */
export const GlorotUniform = preset('GlorotUniform', 1, 'fanAvg', 'uniform');
/** Truncated normal with stddev sqrt(2 / (fanIn + fanOut)). */
export const GlorotNormal = preset('GlorotNormal', 1, 'fanAvg', 'truncatedNormal');
/** Uniform in ±sqrt(6 / fanIn). */
export const HeUniform = preset('HeUniform', 2, 'fanIn', 'uniform');
/** Truncated normal with stddev sqrt(2 / fanIn). */
export const HeNormal = preset('HeNormal', 2, 'fanIn', 'truncatedNormal');
/** Uniform in ±sqrt(3 / fanIn). */
export const LecunUniform = preset('LecunUniform', 1, 'fanIn', 'uniform', true);
/** Truncated normal with stddev sqrt(1 / fanIn). */
export const LecunNormal = preset('LecunNormal', 1, 'fanIn', 'truncatedNormal', true);

/** A (semi-)orthogonal matrix times `gain`, from the QR decomposition of a normal matrix. */
export class Orthogonal extends Initializer {
  static override readonly className = 'Orthogonal';
  /** Multiplies the orthogonal matrix. */
  readonly gain: number;
  /** Its own seed, or null to draw from the global generator (`st.setSeed`). */
  readonly seed: number | null;
  constructor(args: { gain?: number } & SeedArgs = {}) {
    super();
    this.gain = args.gain ?? 1;
    this.seed = checkedSeed('Orthogonal', args.seed);
  }
  apply(shape: readonly number[]): Tensor {
    if (shape.length < 2) throw new Error(`Orthogonal: needs a shape of rank 2 or more, got ${shapeToString(shape)}`);
    const cols = shape[shape.length - 1]!;
    const rows = sizeOf(shape) / cols;
    // Orthonormalise the rows or the columns, whichever are fewer (modified Gram–Schmidt in float64).
    const [n, m] = rows < cols ? [rows, cols] : [cols, rows];
    const a = Float64Array.from(randomNormalValues(n * m, 0, 1, this.seed ?? undefined));
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < i; j++) {
        let d = 0;
        for (let k = 0; k < m; k++) d += a[i * m + k]! * a[j * m + k]!;
        for (let k = 0; k < m; k++) a[i * m + k]! -= d * a[j * m + k]!;
      }
      let norm = 0;
      for (let k = 0; k < m; k++) norm += a[i * m + k]! ** 2;
      norm = Math.sqrt(norm) || 1;
      for (let k = 0; k < m; k++) a[i * m + k]! /= norm;
    }
    const out = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) out[r * cols + c] = this.gain * (rows < cols ? a[r * cols + c]! : a[c * rows + r]!);
    }
    return fromTypedArray(out, shape, 'float32');
  }
  override getConfig(): ConfigDict {
    return { gain: this.gain, seed: this.seed };
  }
  /** Rebuilds the initializer from `getConfig()`'s result. */
  static fromConfig(c: ConfigDict): Orthogonal {
    return new Orthogonal(c as { gain?: number; seed?: number | null });
  }
}

/** The identity matrix times `gain` (2-D weights only). */
export class Identity extends Initializer {
  static override readonly className = 'Identity';
  /** Multiplies the identity matrix. */
  readonly gain: number;
  constructor(args: { gain?: number } = {}) {
    super();
    this.gain = args.gain ?? 1;
  }
  apply(shape: readonly number[]): Tensor {
    if (shape.length !== 2) throw new Error(`Identity: needs a 2-D shape, got ${shapeToString(shape)}`);
    return engine().tidy(() => mul(eye(shape[0]!, shape[1]!), this.gain));
  }
  override getConfig(): ConfigDict {
    return { gain: this.gain };
  }
  /** Rebuilds the initializer from `getConfig()`'s result. */
  static fromConfig(c: ConfigDict): Identity {
    return new Identity(c as { gain?: number });
  }
}

const builtins = [Zeros, Ones, Constant, RandomUniform, RandomNormal, TruncatedNormal, VarianceScaling,
  GlorotUniform, GlorotNormal, HeUniform, HeNormal, LecunUniform, LecunNormal, Orthogonal, Identity];
for (const cls of builtins) registerClass('initializer', cls);

/** String names accepted wherever an initializer is (Keras and TensorFlow.js spellings). */
const byName: Record<string, () => Initializer> = {
  zeros: () => new Zeros(), ones: () => new Ones(), constant: () => new Constant(),
  glorotUniform: () => new GlorotUniform(), glorotNormal: () => new GlorotNormal(),
  heUniform: () => new HeUniform(), heNormal: () => new HeNormal(),
  lecunUniform: () => new LecunUniform(), lecunNormal: () => new LecunNormal(),
  // TensorFlow.js spells LeCun with a capital C.
  leCunUniform: () => new LecunUniform(), leCunNormal: () => new LecunNormal(),
  randomUniform: () => new RandomUniform(), randomNormal: () => new RandomNormal(),
  truncatedNormal: () => new TruncatedNormal(), orthogonal: () => new Orthogonal(),
  identity: () => new Identity(), varianceScaling: () => new VarianceScaling(),
};

/** What a layer argument may give for an initializer. */
export type InitializerIdentifier = Initializer | string | SerializedObject;

/** Resolves a name (`'glorotUniform'`, `'glorot_uniform'`), a config or an instance. */
export function getInitializer(id: InitializerIdentifier, where = 'initializer'): Initializer {
  if (id instanceof Initializer) return id;
  if (typeof id === 'string') {
    const camel = id.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    const make = byName[camel] ?? byName[camel.charAt(0).toLowerCase() + camel.slice(1)];
    if (!make) throw new Error(`${where}: unknown initializer '${id}'. Known: ${Object.keys(byName).join(', ')}`);
    return make();
  }
  if (isSerializedObject(id)) return deserializeObject<Initializer>('initializer', id, where);
  throw new Error(`${where}: expected an initializer, a name or {className, config}, got ${String(id)}`);
}

/** `{className, config}` of an initializer. */
export function serializeInitializer(init: Initializer): SerializedObject {
  return serializeObject(init);
}
