/**
 * Initializers: fan-in/fan-out (dense and convolution kernels), the distribution of every random
 * initializer on large samples (limit / stddev from the Keras formulas computed here in float64,
 * moments and a Kolmogorov–Smirnov test against the exact CDF), truncation bounds, Orthogonal and
 * Identity against their defining identities, seeding, config round trips through the registry and
 * TensorFlow.js' configs, and argument errors.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as st from '@strata/core';
import * as tfl from '@tensorflow/tfjs-layers';
import { randomSource, useCpu } from './setup.js';

beforeAll(useCpu);

const I = st.initializers;

// ---- float64 oracle helpers ----------------------------------------------------------------

const prod = (xs: readonly number[]) => xs.reduce((a, b) => a * b, 1);

/** Keras `compute_fans`, written out independently of core. */
function fansOracle(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0]!, fanOut: shape[0]! };
  if (shape.length === 2) return { fanIn: shape[0]!, fanOut: shape[1]! };
  let receptive = 1;
  for (const d of shape.slice(0, -2)) receptive *= d;
  return { fanIn: shape.at(-2)! * receptive, fanOut: shape.at(-1)! * receptive };
}

/** erf by its Taylor series (float64; |error| < 1e-10 for |x| < 4, where the tail is < 2e-8). */
function erf(x: number): number {
  if (x < 0) return -erf(-x);
  if (x >= 4) return 1;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (-x * x) / n;
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) < 1e-17) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}
const normalCdf = (z: number) => 0.5 * (1 + erf(z / Math.SQRT2));
/** Stddev of a unit normal truncated to [-2, 2]: sqrt(1 - 2·2·φ(2) / (Φ(2) - Φ(-2))). */
const TRUNCATED_STD = Math.sqrt(1 - (4 * Math.exp(-2) / Math.sqrt(2 * Math.PI)) / (normalCdf(2) - normalCdf(-2)));

type Dist =
  | { kind: 'uniform'; lo: number; hi: number }
  | { kind: 'normal'; mean: number; std: number }
  /** A normal of `mean`, `sigma` (before truncation) cut at ±2·sigma. */
  | { kind: 'truncated'; mean: number; sigma: number };

function cdf(d: Dist, x: number): number {
  if (d.kind === 'uniform') return Math.min(1, Math.max(0, (x - d.lo) / (d.hi - d.lo)));
  if (d.kind === 'normal') return normalCdf((x - d.mean) / d.std);
  const z = (x - d.mean) / d.sigma;
  if (z <= -2) return 0;
  if (z >= 2) return 1;
  return (normalCdf(z) - normalCdf(-2)) / (normalCdf(2) - normalCdf(-2));
}

function moments(v: ArrayLike<number>): { mean: number; variance: number; maxAbsDev: (c: number) => number } {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]!;
  const mean = s / v.length;
  let q = 0;
  for (let i = 0; i < v.length; i++) q += (v[i]! - mean) ** 2;
  return {
    mean,
    variance: q / (v.length - 1),
    maxAbsDev: (c) => {
      let m = 0;
      for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]! - c));
      return m;
    },
  };
}

/** Kolmogorov–Smirnov statistic of the sample against `d`'s CDF. */
function ksStatistic(v: ArrayLike<number>, d: Dist): number {
  const sorted = Float64Array.from(v).sort();
  const n = sorted.length;
  let worst = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(d, sorted[i]!);
    worst = Math.max(worst, Math.abs(f - i / n), Math.abs(f - (i + 1) / n));
  }
  return worst;
}

/**
 * Checks a large sample against `d`: the support (uniform within [lo, hi], truncated within
 * mean ± 2·sigma, both reaching close to the edge), mean and variance against the exact moments
 * (variance within 3%), and the KS statistic below its 0.1% critical value 1.95/√n.
 */
function expectDistribution(v: Float32Array, d: Dist, label: string): void {
  const n = v.length;
  const m = moments(v);
  let mean: number, variance: number;
  if (d.kind === 'uniform') {
    mean = (d.lo + d.hi) / 2;
    variance = (d.hi - d.lo) ** 2 / 12;
    let min = Infinity, max = -Infinity;
    for (const x of v) [min, max] = [Math.min(min, x), Math.max(max, x)];
    expect(min, `${label}: min`).toBeGreaterThanOrEqual(Math.fround(d.lo));
    expect(max, `${label}: max`).toBeLessThanOrEqual(Math.fround(d.hi));
    const width = d.hi - d.lo;
    expect(min - d.lo, `${label}: reaches the lower limit`).toBeLessThan(width * 1e-3);
    expect(d.hi - max, `${label}: reaches the upper limit`).toBeLessThan(width * 1e-3);
  } else if (d.kind === 'normal') {
    mean = d.mean;
    variance = d.std ** 2;
    // An untruncated normal has values beyond 2σ (4.55% of them) and beyond 3.5σ for this n.
    expect(m.maxAbsDev(d.mean), `${label}: tails`).toBeGreaterThan(3.5 * d.std);
  } else {
    mean = d.mean;
    variance = (TRUNCATED_STD * d.sigma) ** 2;
    const dev = m.maxAbsDev(d.mean);
    expect(dev, `${label}: never beyond 2 sigma`).toBeLessThanOrEqual(2 * d.sigma * (1 + 1e-6) + Math.abs(d.mean) * 1e-7);
    expect(dev, `${label}: reaches 2 sigma`).toBeGreaterThan(1.98 * d.sigma);
  }
  expect(Math.abs(m.mean - mean), `${label}: mean ${m.mean} vs ${mean}`).toBeLessThan(5 * Math.sqrt(variance / n));
  expect(Math.abs(m.variance / variance - 1), `${label}: variance ${m.variance} vs ${variance}`).toBeLessThan(0.03);
  expect(ksStatistic(v, d), `${label}: Kolmogorov–Smirnov`).toBeLessThan(1.95 / Math.sqrt(n));
}

/** The values of `init` for `shape` (checks the shape and dtype, disposes the tensor). */
function draw(init: st.initializers.Initializer, shape: number[]): Float32Array {
  const t = init.apply(shape);
  try {
    expect([...t.shape]).toEqual(shape);
    expect(t.dtype).toBe('float32');
    return Float32Array.from(t.dataSync() as Float32Array);
  } finally {
    t.dispose();
  }
}

const DENSE = [200, 300];
const CONV = [3, 3, 64, 128];

// ---- fans ----------------------------------------------------------------------------------

describe('computeFans', () => {
  it('dense [in, out], convolution kernels [...window, in, out] (receptive field), rank 0 and 1', () => {
    const rand = randomSource(1);
    const shapes: number[][] = [[], [17], [7, 13], [5, 11, 3], [3, 3, 64, 128], [2, 5, 3, 7, 4], [1, 1, 1, 9]];
    for (let i = 0; i < 20; i++) {
      const rank = 2 + Math.floor(rand() * 4);
      shapes.push(Array.from({ length: rank }, () => 1 + Math.floor(rand() * 9)));
    }
    for (const shape of shapes) expect(I.computeFans(shape), JSON.stringify(shape)).toEqual(fansOracle(shape));
  });
});

// ---- constant initializers ---------------------------------------------------------------------

describe('Zeros, Ones, Constant', () => {
  it('fill every element of awkward shapes, in the requested dtype', () => {
    const rand = randomSource(2);
    const value = Math.fround(-3 + 6 * rand());
    const cases: [st.initializers.Initializer, number][] = [[new I.Zeros(), 0], [new I.Ones(), 1], [new I.Constant({ value }), value]];
    for (const [init, expected] of cases) {
      for (const shape of [[7, 13], [3, 3, 5, 4], [11]]) {
        const v = draw(init, shape);
        expect(v.length).toBe(prod(shape));
        expect(v.every((x) => x === expected), `${init.getClassName()} ${JSON.stringify(shape)}`).toBe(true);
      }
      const t = init.apply([4, 3], 'int32');
      expect(t.dtype).toBe('int32');
      expect(Array.from(t.dataSync())).toEqual(new Array(12).fill(Math.trunc(expected)));
      t.dispose();
    }
    expect(new I.Constant().getConfig()).toEqual({ value: 0 });
  });
});

// ---- random initializers with explicit parameters -------------------------------------------

describe('RandomUniform, RandomNormal, TruncatedNormal', () => {
  it('RandomUniform: defaults ±0.05 and a shifted range [-0.3, 0.7)', () => {
    expectDistribution(draw(new I.RandomUniform({ seed: 11 }), DENSE), { kind: 'uniform', lo: -0.05, hi: 0.05 }, 'RandomUniform default');
    expectDistribution(draw(new I.RandomUniform({ minval: -0.3, maxval: 0.7, seed: 12 }), CONV), { kind: 'uniform', lo: -0.3, hi: 0.7 }, 'RandomUniform [-0.3, 0.7)');
  });

  it('RandomNormal: defaults (0, 0.05) and mean 0.5, stddev 0.2', () => {
    expectDistribution(draw(new I.RandomNormal({ seed: 13 }), DENSE), { kind: 'normal', mean: 0, std: 0.05 }, 'RandomNormal default');
    expectDistribution(draw(new I.RandomNormal({ mean: 0.5, stddev: 0.2, seed: 14 }), CONV), { kind: 'normal', mean: 0.5, std: 0.2 }, 'RandomNormal (0.5, 0.2)');
  });

  it('TruncatedNormal: stddev is that of the underlying normal, cut at 2 stddev around the mean', () => {
    expectDistribution(draw(new I.TruncatedNormal({ seed: 15 }), DENSE), { kind: 'truncated', mean: 0, sigma: 0.05 }, 'TruncatedNormal default');
    expectDistribution(draw(new I.TruncatedNormal({ mean: -0.1, stddev: 0.3, seed: 16 }), CONV), { kind: 'truncated', mean: -0.1, sigma: 0.3 }, 'TruncatedNormal (-0.1, 0.3)');
  });
});

// ---- variance scaling ------------------------------------------------------------------------

type Mode = 'fanIn' | 'fanOut' | 'fanAvg';
type Distribution = 'truncatedNormal' | 'untruncatedNormal' | 'uniform';

/** The Keras VarianceScaling distribution for `shape`, from the formulas (float64). */
function varianceScalingOracle(shape: readonly number[], scale: number, mode: Mode, distribution: Distribution | 'normal'): Dist {
  const { fanIn, fanOut } = fansOracle(shape);
  const fan = mode === 'fanIn' ? fanIn : mode === 'fanOut' ? fanOut : (fanIn + fanOut) / 2;
  const variance = scale / Math.max(1, fan);
  if (distribution === 'uniform') {
    const limit = Math.sqrt(3 * variance);
    return { kind: 'uniform', lo: -limit, hi: limit };
  }
  if (distribution === 'untruncatedNormal') return { kind: 'normal', mean: 0, std: Math.sqrt(variance) };
  // The underlying normal is widened so that the truncated values keep variance `scale / fan`.
  return { kind: 'truncated', mean: 0, sigma: Math.sqrt(variance) / TRUNCATED_STD };
}

describe('VarianceScaling', () => {
  it('the truncated-normal correction constant is the stddev of a unit normal truncated at ±2', () => {
    expect(Math.abs(TRUNCATED_STD - 0.87962566103423978)).toBeLessThan(1e-12);
  });

  for (const mode of ['fanIn', 'fanOut', 'fanAvg'] as const) {
    for (const distribution of ['truncatedNormal', 'untruncatedNormal', 'uniform'] as const) {
      it(`scale 0.37, ${mode}, ${distribution}: dense [200, 300] and conv [3, 3, 64, 128]`, () => {
        let seed = 100;
        for (const shape of [DENSE, CONV]) {
          const init = new I.VarianceScaling({ scale: 0.37, mode, distribution, seed: seed++ });
          const d = varianceScalingOracle(shape, 0.37, mode, distribution);
          const v = draw(init, shape);
          expectDistribution(v, d, `${mode} ${distribution} ${JSON.stringify(shape)}`);
          // Whatever the distribution, the variance is scale / fan.
          const { fanIn, fanOut } = fansOracle(shape);
          const fan = mode === 'fanIn' ? fanIn : mode === 'fanOut' ? fanOut : (fanIn + fanOut) / 2;
          expect(Math.abs(moments(v).variance / (0.37 / fan) - 1)).toBeLessThan(0.03);
        }
      });
    }
  }

  it("'normal' (TensorFlow.js' name) is the truncated normal; defaults are scale 1, fanIn, truncatedNormal", () => {
    expectDistribution(draw(new I.VarianceScaling({ scale: 2.5, mode: 'fanOut', distribution: 'normal', seed: 5 }), CONV),
      varianceScalingOracle(CONV, 2.5, 'fanOut', 'normal'), "distribution 'normal'");
    const def = new I.VarianceScaling({ seed: 6 });
    expect(def.getConfig()).toEqual({ scale: 1, mode: 'fanIn', distribution: 'truncatedNormal', seed: 6 });
    expectDistribution(draw(def, DENSE), varianceScalingOracle(DENSE, 1, 'fanIn', 'truncatedNormal'), 'VarianceScaling default');
  });

  it('fans below 1 count as 1 (a [0, 5] kernel is empty, a [1] bias uses fan 1)', () => {
    const t = new I.VarianceScaling({ scale: 3, distribution: 'uniform', seed: 1 }).apply([0, 5]);
    expect(t.shape).toEqual([0, 5]);
    t.dispose();
    const v = draw(new I.VarianceScaling({ scale: 3, distribution: 'uniform', seed: 1 }), [1]);
    expect(Math.abs(v[0]!)).toBeLessThanOrEqual(3);
  });

  const presets: [string, () => st.initializers.Initializer, number, Mode, Distribution][] = [
    ['GlorotUniform', () => new I.GlorotUniform({ seed: 21 }), 1, 'fanAvg', 'uniform'],
    ['GlorotNormal', () => new I.GlorotNormal({ seed: 22 }), 1, 'fanAvg', 'truncatedNormal'],
    ['HeUniform', () => new I.HeUniform({ seed: 23 }), 2, 'fanIn', 'uniform'],
    ['HeNormal', () => new I.HeNormal({ seed: 24 }), 2, 'fanIn', 'truncatedNormal'],
    ['LecunUniform', () => new I.LecunUniform({ seed: 25 }), 1, 'fanIn', 'uniform'],
    ['LecunNormal', () => new I.LecunNormal({ seed: 26 }), 1, 'fanIn', 'truncatedNormal'],
  ];
  for (const [name, make, scale, mode, distribution] of presets) {
    it(`${name} = VarianceScaling(scale ${scale}, ${mode}, ${distribution}) on dense and conv kernels`, () => {
      for (const shape of [DENSE, CONV]) {
        const init = make();
        expect(init.getClassName()).toBe(name);
        expectDistribution(draw(init, shape), varianceScalingOracle(shape, scale, mode, distribution), `${name} ${JSON.stringify(shape)}`);
      }
      // The documented closed forms, e.g. Glorot uniform's limit sqrt(6 / (fanIn + fanOut)).
      const { fanIn, fanOut } = fansOracle(CONV);
      const d = varianceScalingOracle(CONV, scale, mode, distribution);
      const closedForm = { GlorotUniform: Math.sqrt(6 / (fanIn + fanOut)), GlorotNormal: Math.sqrt(2 / (fanIn + fanOut)),
        HeUniform: Math.sqrt(6 / fanIn), HeNormal: Math.sqrt(2 / fanIn), LecunUniform: Math.sqrt(3 / fanIn), LecunNormal: Math.sqrt(1 / fanIn) }[name]!;
      const got = d.kind === 'uniform' ? d.hi : d.kind === 'truncated' ? d.sigma * TRUNCATED_STD : NaN;
      expect(Math.abs(got / closedForm - 1)).toBeLessThan(1e-12);
    });
  }
});

// ---- orthogonal and identity -------------------------------------------------------------------

/** Max |(MᵀM or MMᵀ, whichever is smaller) − gain²·I| for the [rows, cols] flattening of `v`. */
function orthogonalityError(v: Float32Array, shape: readonly number[], gain: number): number {
  const cols = shape.at(-1)!;
  const rows = v.length / cols;
  const tall = rows >= cols;
  const k = tall ? cols : rows;
  let worst = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      let dot = 0;
      if (tall) for (let r = 0; r < rows; r++) dot += v[r * cols + i]! * v[r * cols + j]!;
      else for (let c = 0; c < cols; c++) dot += v[i * cols + c]! * v[j * cols + c]!;
      worst = Math.max(worst, Math.abs(dot - (i === j ? gain * gain : 0)));
    }
  }
  return worst;
}

describe('Orthogonal', () => {
  it('QᵀQ = gain²·I for square, tall, wide and convolution shapes', () => {
    let seed = 30;
    for (const gain of [1, 1.7]) {
      for (const shape of [[9, 9], [40, 7], [5, 23], [3, 3, 4, 8], [2, 3, 50]]) {
        const v = draw(new I.Orthogonal({ gain, seed: seed++ }), shape);
        expect(orthogonalityError(v, shape, gain), `gain ${gain} ${JSON.stringify(shape)}`).toBeLessThan(1e-5 * gain * gain);
        // Random, not a (signed) permutation of the identity: no entry carries a whole unit.
        let maxAbs = 0;
        for (const x of v) maxAbs = Math.max(maxAbs, Math.abs(x));
        expect(maxAbs).toBeLessThan(0.99 * gain);
      }
    }
  });

  it('entries of a large orthogonal matrix look like N(0, gain²/n) (Haar measure)', () => {
    const n = 120;
    const v = draw(new I.Orthogonal({ gain: 2, seed: 3 }), [n, n]);
    const m = moments(v);
    expect(Math.abs(m.variance / (4 / n) - 1)).toBeLessThan(0.03);
    expect(Math.abs(m.mean)).toBeLessThan(5 * Math.sqrt(4 / n / v.length));
  });

  it('needs rank 2 or more', () => {
    expect(() => new I.Orthogonal().apply([6])).toThrow(/Orthogonal.*rank 2/);
  });
});

describe('Identity', () => {
  it('gain·I for square and rectangular shapes; errors on other ranks', () => {
    const rand = randomSource(4);
    const gain = Math.fround(0.5 + 3 * rand());
    for (const [r, c] of [[5, 5], [4, 7], [7, 4]]) {
      const v = draw(new I.Identity({ gain }), [r!, c!]);
      const expected = Array.from({ length: r! * c! }, (_, i) => (Math.floor(i / c!) === i % c! ? gain : 0));
      expect(Array.from(v)).toEqual(expected);
    }
    expect(() => new I.Identity().apply([2, 3, 4])).toThrow(/Identity.*2-D/);
  });
});

// ---- seeding -----------------------------------------------------------------------------------

const randomFactories: [string, (seed?: number) => st.initializers.Initializer][] = [
  ['RandomUniform', (seed) => new I.RandomUniform({ seed })],
  ['RandomNormal', (seed) => new I.RandomNormal({ seed })],
  ['TruncatedNormal', (seed) => new I.TruncatedNormal({ seed })],
  ['VarianceScaling', (seed) => new I.VarianceScaling({ seed, distribution: 'untruncatedNormal' })],
  ['GlorotUniform', (seed) => new I.GlorotUniform({ seed })],
  ['GlorotNormal', (seed) => new I.GlorotNormal({ seed })],
  ['HeUniform', (seed) => new I.HeUniform({ seed })],
  ['HeNormal', (seed) => new I.HeNormal({ seed })],
  ['LecunUniform', (seed) => new I.LecunUniform({ seed })],
  ['LecunNormal', (seed) => new I.LecunNormal({ seed })],
  ['Orthogonal', (seed) => new I.Orthogonal({ seed })],
];

const sameCount = (a: Float32Array, b: Float32Array) => a.reduce((n, x, i) => n + (x === b[i] ? 1 : 0), 0);

describe('seeding', () => {
  for (const [name, make] of randomFactories) {
    it(`${name}: st.setSeed repeats the values, another seed or the next draw changes them; an own seed ignores the global one`, () => {
      const shape = [13, 7];
      st.setSeed(1234);
      const a = draw(make(), shape);
      const a2 = draw(make(), shape);
      st.setSeed(1234);
      const b = draw(make(), shape);
      const b2 = draw(make(), shape);
      expect(b).toEqual(a);
      expect(b2).toEqual(a2);
      expect(sameCount(a, a2)).toBeLessThan(3);
      st.setSeed(1235);
      expect(sameCount(draw(make(), shape), a)).toBeLessThan(3);
      // An initializer's own seed: the same values whatever the global state, another seed differs.
      st.setSeed(1);
      const s = draw(make(77), shape);
      st.setSeed(2);
      draw(make(), shape);
      expect(draw(make(77), shape)).toEqual(s);
      expect(sameCount(draw(make(78), shape), s)).toBeLessThan(3);
    });
  }
});

// ---- configs and names ---------------------------------------------------------------------------

describe('config round trip and lookup by name', () => {
  const instances: st.initializers.Initializer[] = [
    new I.Zeros(), new I.Ones(), new I.Constant({ value: -0.625 }),
    new I.RandomUniform({ minval: -0.25, maxval: 0.75, seed: 3 }), new I.RandomNormal({ mean: 0.125, stddev: 0.5, seed: 4 }),
    new I.TruncatedNormal({ mean: -1, stddev: 2, seed: 5 }),
    new I.VarianceScaling({ scale: 0.37, mode: 'fanAvg', distribution: 'uniform', seed: 6 }),
    new I.GlorotUniform({ seed: 7 }), new I.GlorotNormal({ seed: 8 }), new I.HeUniform({ seed: 9 }), new I.HeNormal({ seed: 10 }),
    new I.LecunUniform({ seed: 11 }), new I.LecunNormal({ seed: 12 }), new I.Orthogonal({ gain: 1.5, seed: 13 }), new I.Identity({ gain: 3 }),
  ];

  it('serializeInitializer → JSON → getInitializer gives the same class, config and values', () => {
    for (const init of instances) {
      const json = JSON.parse(JSON.stringify(I.serializeInitializer(init))) as st.SerializedObject;
      const back = I.getInitializer(json);
      // The LeCun presets are written as the equivalent VarianceScaling (see the next test).
      if (init instanceof I.LecunNormal || init instanceof I.LecunUniform) {
        expect(json.className).toBe('VarianceScaling');
        expect(back.constructor).toBe(I.VarianceScaling);
      } else {
        expect(json.className).toBe(init.getClassName());
        expect(back.constructor).toBe(init.constructor);
        expect(back.getConfig()).toEqual(init.getConfig());
      }
      expect(draw(back, [6, 6])).toEqual(draw(init, [6, 6]));
    }
  });

  it('LeCun presets are written as the equivalent VarianceScaling (Keras spells LecunNormal, TensorFlow.js LeCunNormal)', () => {
    for (const [init, distribution] of [[new I.LecunNormal({ seed: 3 }), 'truncatedNormal'], [new I.LecunUniform({ seed: 4 }), 'uniform']] as const) {
      expect(I.serializeInitializer(init)).toEqual({ className: 'VarianceScaling', config: { scale: 1, mode: 'fanIn', distribution, seed: init.seed } });
      expect(init.getClassName()).toBe(init instanceof I.LecunNormal ? 'LecunNormal' : 'LecunUniform');
    }
  });

  it('Keras snake_case, camelCase and TensorFlow.js names', () => {
    const names: [string, { className: string }][] = [
      ['zeros', I.Zeros], ['ones', I.Ones], ['constant', I.Constant],
      ['random_uniform', I.RandomUniform], ['randomUniform', I.RandomUniform], ['random_normal', I.RandomNormal],
      ['truncated_normal', I.TruncatedNormal], ['truncatedNormal', I.TruncatedNormal],
      ['variance_scaling', I.VarianceScaling], ['glorot_uniform', I.GlorotUniform], ['glorotUniform', I.GlorotUniform],
      ['GlorotUniform', I.GlorotUniform], ['glorot_normal', I.GlorotNormal], ['he_uniform', I.HeUniform], ['he_normal', I.HeNormal],
      ['heNormal', I.HeNormal], ['lecun_uniform', I.LecunUniform], ['lecun_normal', I.LecunNormal], ['lecunNormal', I.LecunNormal],
      ['leCunNormal', I.LecunNormal], ['leCunUniform', I.LecunUniform], ['orthogonal', I.Orthogonal], ['identity', I.Identity],
    ];
    for (const [name, cls] of names) expect(I.getInitializer(name).getClassName(), name).toBe(cls.className);
    const inst = new I.HeNormal();
    expect(I.getInitializer(inst)).toBe(inst);
  });

  it("TensorFlow.js' {className, config} of each of its initializers loads as the same initializer", () => {
    // TensorFlow.js writes its Glorot/He/LeCun presets as VarianceScaling (as Keras 2 did).
    const cases: [ReturnType<typeof tfl.initializers.zeros>, { className: string }, st.ConfigDict?][] = [
      [tfl.initializers.zeros(), I.Zeros], [tfl.initializers.ones(), I.Ones], [tfl.initializers.constant({ value: 2.5 }), I.Constant],
      [tfl.initializers.randomUniform({ minval: -2, maxval: 3, seed: 1 }), I.RandomUniform],
      [tfl.initializers.randomNormal({ mean: 1, stddev: 3, seed: 2 }), I.RandomNormal],
      [tfl.initializers.truncatedNormal({ mean: -1, stddev: 0.5, seed: 3 }), I.TruncatedNormal],
      [tfl.initializers.varianceScaling({ scale: 2, mode: 'fanOut', distribution: 'uniform', seed: 4 }), I.VarianceScaling],
      [tfl.initializers.glorotUniform({ seed: 5 }), I.VarianceScaling, { scale: 1, mode: 'fanAvg', distribution: 'uniform' }],
      [tfl.initializers.glorotNormal({ seed: 6 }), I.VarianceScaling, { scale: 1, mode: 'fanAvg', distribution: 'normal' }],
      [tfl.initializers.heUniform({ seed: 7 }), I.VarianceScaling, { scale: 2, mode: 'fanIn', distribution: 'uniform' }],
      [tfl.initializers.heNormal({ seed: 8 }), I.VarianceScaling, { scale: 2, mode: 'fanIn', distribution: 'normal' }],
      [tfl.initializers.leCunUniform({ seed: 9 }), I.VarianceScaling, { scale: 1, mode: 'fanIn', distribution: 'uniform' }],
      [tfl.initializers.leCunNormal({ seed: 10 }), I.VarianceScaling, { scale: 1, mode: 'fanIn', distribution: 'normal' }],
      [tfl.initializers.orthogonal({ gain: 2, seed: 11 }), I.Orthogonal], [tfl.initializers.identity({ gain: 4 }), I.Identity],
    ];
    for (const [tfInit, cls, settings] of cases) {
      const config = JSON.parse(JSON.stringify(tfInit.getConfig())) as st.ConfigDict;
      const ours = I.getInitializer({ className: tfInit.getClassName(), config });
      expect(ours.getClassName(), tfInit.getClassName()).toBe(cls.className);
      // Every setting TensorFlow.js wrote is kept.
      for (const [k, v] of Object.entries(ours.getConfig())) if (k in config) expect(v, `${tfInit.getClassName()}.${k}`).toEqual(config[k]);
      if (settings) expect(ours.getConfig()).toMatchObject(settings);
    }
  });
});

// ---- errors ----------------------------------------------------------------------------------------

describe('argument errors name the initializer and the argument', () => {
  it('VarianceScaling scale, mode, distribution', () => {
    expect(() => new I.VarianceScaling({ scale: -1 })).toThrow(/VarianceScaling: scale must be positive, got -1/);
    expect(() => new I.VarianceScaling({ scale: 0 })).toThrow(/VarianceScaling: scale/);
    expect(() => new I.VarianceScaling({ scale: NaN })).toThrow(/VarianceScaling: scale/);
    expect(() => new I.VarianceScaling({ mode: 'fanMiddle' as 'fanIn' })).toThrow(/VarianceScaling: mode .*'fanMiddle'/);
    expect(() => new I.VarianceScaling({ distribution: 'gaussian' as 'uniform' })).toThrow(/VarianceScaling: distribution .*'gaussian'/);
    expect(() => I.getInitializer({ className: 'VarianceScaling', config: { scale: -2 } })).toThrow(/VarianceScaling: scale/);
  });

  it('RandomUniform range and non-integer seeds, at construction', () => {
    expect(() => new I.RandomUniform({ minval: 1, maxval: 1 })).toThrow(/RandomUniform: maxval 1 must be greater than minval 1/);
    expect(() => new I.RandomUniform({ minval: 2, maxval: -2 })).toThrow(/RandomUniform: maxval/);
    expect(() => new I.GlorotUniform({ seed: 1.5 })).toThrow(/GlorotUniform: seed must be an integer/);
    expect(() => new I.RandomNormal({ seed: 0.25 })).toThrow(/RandomNormal: seed must be an integer/);
    expect(() => new I.TruncatedNormal({ seed: 0.25 })).toThrow(/TruncatedNormal: seed must be an integer/);
    expect(() => new I.Orthogonal({ seed: 0.25 })).toThrow(/Orthogonal: seed must be an integer/);
    expect(() => new I.VarianceScaling({ seed: 0.25 })).toThrow(/VarianceScaling: seed must be an integer/);
  });

  it('unknown names and classes', () => {
    expect(() => I.getInitializer('glorotUnifrom')).toThrow(/unknown initializer 'glorotUnifrom'.*glorotUniform/);
    expect(() => I.getInitializer({ className: 'Nope', config: {} }, 'dense kernelInitializer')).toThrow(/dense kernelInitializer: unknown initializer class 'Nope'/);
    expect(() => I.getInitializer(42 as unknown as string)).toThrow(/expected an initializer/);
  });
});
