/**
 * Losses against a float64 oracle written here from the Keras 3 formulas: every loss and the
 * option combinations that change the formula, three reductions, sample weights of several
 * shapes, awkward shapes; gradients against central differences of the oracle; errors; name
 * resolution; serialization; and a comparison with TensorFlow.js where its formula is the same.
 */
import * as st from '@strata/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose, randomSource, randomValues, useCpu } from './setup.js';

beforeAll(async () => {
  await useCpu();
  await tf.setBackend('cpu');
});

// ---- float64 oracle ---------------------------------------------------------------------------

const EPS = 1e-7;
const ONE_MINUS_EPS = Math.fround(1 - 1e-7);
const clip = (x: number, lo: number, hi: number): number => Math.min(Math.max(x, lo), hi);
const softplus = (x: number): number => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

interface Arr { shape: number[]; data: number[] }

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Applies `fn` to the index lists along `axis`, giving an array without that axis. */
function alongAxis(shape: readonly number[], axis: number, fn: (idx: number[]) => number): Arr {
  const a = axis < 0 ? axis + shape.length : axis;
  const outer = size(shape.slice(0, a));
  const n = shape[a]!;
  const inner = size(shape.slice(a + 1));
  const data: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) data.push(fn(Array.from({ length: n }, (_, k) => (o * n + k) * inner + i)));
  }
  return { shape: shape.filter((_, i) => i !== a), data };
}

const meanOf = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
const sumOf = (xs: number[]): number => xs.reduce((s, x) => s + x, 0);

type Oracle = (t: number[], p: number[], shape: number[]) => Arr;

/** A per-element function averaged over the last axis. */
const meanLast = (f: (t: number, p: number) => number): Oracle => (t, p, shape) =>
  alongAxis(shape, -1, (idx) => meanOf(idx.map((i) => f(t[i]!, p[i]!))));

const oracle = {
  mse: meanLast((t, p) => (t - p) ** 2),
  mae: meanLast((t, p) => Math.abs(t - p)),
  mape: (): Oracle => (t, p, s) => { const r = meanLast((a, b) => Math.abs((a - b) / Math.max(Math.abs(a), EPS)))(t, p, s); return { shape: r.shape, data: r.data.map((x) => 100 * x) }; },
  msle: meanLast((t, p) => (Math.log(Math.max(p, EPS) + 1) - Math.log(Math.max(t, EPS) + 1)) ** 2),
  huber: (delta: number) => meanLast((t, p) => { const e = p - t; return Math.abs(e) <= delta ? 0.5 * e * e : delta * Math.abs(e) - 0.5 * delta * delta; }),
  logCosh: meanLast((t, p) => Math.log(Math.cosh(p - t))),
  poisson: meanLast((t, p) => p - t * Math.log(p + EPS)),
  bceElement(t: number, p: number, fromLogits: boolean): number {
    if (fromLogits) return softplus(p) - t * p;
    const o = clip(p, EPS, ONE_MINUS_EPS);
    return -(t * Math.log(o) + (1 - t) * Math.log(1 - o));
  },
  bce: (o: { fromLogits?: boolean; labelSmoothing?: number; axis?: number }): Oracle => (t, p, shape) => {
    const s = o.labelSmoothing ?? 0;
    return alongAxis(shape, o.axis ?? -1, (idx) => meanOf(idx.map((i) => oracle.bceElement(t[i]! * (1 - s) + 0.5 * s, p[i]!, o.fromLogits ?? false))));
  },
  bfce: (o: { fromLogits?: boolean; labelSmoothing?: number; applyClassBalancing?: boolean; alpha?: number; gamma?: number }): Oracle => (t, p, shape) => {
    const s = o.labelSmoothing ?? 0;
    const alpha = o.alpha ?? 0.25;
    const gamma = o.gamma ?? 2;
    return alongAxis(shape, -1, (idx) => meanOf(idx.map((i) => {
      const y = t[i]! * (1 - s) + 0.5 * s;
      const bce = oracle.bceElement(y, p[i]!, o.fromLogits ?? false);
      const prob = o.fromLogits ? sigmoid(p[i]!) : p[i]!;
      const pT = y * prob + (1 - y) * (1 - prob);
      let f = (1 - pT) ** gamma * bce;
      if (o.applyClassBalancing) f *= y * alpha + (1 - y) * (1 - alpha);
      return f;
    })));
  },
  /** Log-probabilities of one row (softmax of logits, or rescaled and clipped probabilities). */
  logProbs(row: number[], fromLogits: boolean): number[] {
    if (fromLogits) {
      const m = Math.max(...row);
      const lse = m + Math.log(sumOf(row.map((x) => Math.exp(x - m))));
      return row.map((x) => x - lse);
    }
    const total = sumOf(row);
    return row.map((x) => Math.log(clip(x / total, EPS, ONE_MINUS_EPS)));
  },
  cce: (o: { fromLogits?: boolean; labelSmoothing?: number; axis?: number }): Oracle => (t, p, shape) => {
    const s = o.labelSmoothing ?? 0;
    const axis = o.axis ?? -1;
    const classes = shape[axis < 0 ? axis + shape.length : axis]!;
    return alongAxis(shape, axis, (idx) => {
      const lp = oracle.logProbs(idx.map((i) => p[i]!), o.fromLogits ?? false);
      return -sumOf(idx.map((i, k) => (t[i]! * (1 - s) + s / classes) * lp[k]!));
    });
  },
  cfce: (o: { fromLogits?: boolean; labelSmoothing?: number; alpha?: number; gamma?: number }): Oracle => (t, p, shape) => {
    const s = o.labelSmoothing ?? 0;
    const classes = shape[shape.length - 1]!;
    const alpha = o.alpha ?? 0.25;
    const gamma = o.gamma ?? 2;
    return alongAxis(shape, -1, (idx) => {
      let row = idx.map((i) => p[i]!);
      if (o.fromLogits) { const m = Math.max(...row); const e = row.map((x) => Math.exp(x - m)); const z = sumOf(e); row = e.map((x) => x / z); }
      const total = sumOf(row);
      const out = row.map((x) => clip(x / total, EPS, ONE_MINUS_EPS));
      return sumOf(idx.map((i, k) => alpha * (1 - out[k]!) ** gamma * -(t[i]! * (1 - s) + s / classes) * Math.log(out[k]!)));
    });
  },
  /** Sparse CE with labels of shape `shape[:-1]`; ignored entries give 0, invalid ones NaN. */
  scce: (labels: number[], p: number[], shape: number[], fromLogits: boolean, ignoreClass: number | null): Arr => {
    const classes = shape[shape.length - 1]!;
    let row = 0;
    return alongAxis(shape, -1, (idx) => {
      const label = labels[row++]!;
      if (label === ignoreClass) return 0;
      if (!Number.isInteger(label) || label < 0 || label >= classes) return NaN;
      return -oracle.logProbs(idx.map((i) => p[i]!), fromLogits)[label]!;
    });
  },
  kld: (): Oracle => (t, p, shape) => alongAxis(shape, -1, (idx) => sumOf(idx.map((i) => {
    const a = clip(t[i]!, EPS, 1); const b = clip(p[i]!, EPS, 1);
    return a * Math.log(a / b);
  }))),
  cosine: (axis: number): Oracle => (t, p, shape) => alongAxis(shape, axis, (idx) => {
    const nt = Math.min(1 / Math.sqrt(sumOf(idx.map((i) => t[i]! ** 2))), 1 / EPS);
    const np = Math.min(1 / Math.sqrt(sumOf(idx.map((i) => p[i]! ** 2))), 1 / EPS);
    return -sumOf(idx.map((i) => t[i]! * nt * p[i]! * np));
  }),
  hingeLabels: (t: number[]): number[] => (t.every((x) => x === 0 || x === 1) ? t.map((x) => 2 * x - 1) : t),
  hinge: (): Oracle => (t, p, shape) => { const y = oracle.hingeLabels(t); return meanLast((a, b) => Math.max(1 - a * b, 0))(y, p, shape); },
  squaredHinge: (): Oracle => (t, p, shape) => { const y = oracle.hingeLabels(t); return meanLast((a, b) => Math.max(1 - a * b, 0) ** 2)(y, p, shape); },
  categoricalHinge: (): Oracle => (t, p, shape) => alongAxis(shape, -1, (idx) => {
    const pos = sumOf(idx.map((i) => t[i]! * p[i]!));
    const neg = Math.max(...idx.map((i) => (1 - t[i]!) * p[i]!));
    return Math.max(neg - pos + 1, 0);
  }),
  dice: (axes: number[] | null): Oracle => (t, p, shape) => {
    const all = axes ?? shape.map((_, i) => i);
    const keep = shape.map((_, i) => i).filter((i) => !all.includes(i));
    const outShape = keep.map((i) => shape[i]!);
    const sums = Array.from({ length: size(outShape) }, () => ({ tp: 0, t: 0, p: 0 }));
    const strides = shape.map((_, i) => size(shape.slice(i + 1)));
    for (let f = 0; f < t.length; f++) {
      const coords = shape.map((d, i) => Math.floor(f / strides[i]!) % d);
      const o = keep.reduce((acc, i) => acc * shape[i]! + coords[i]!, 0);
      sums[o]!.tp += t[f]! * p[f]!; sums[o]!.t += t[f]!; sums[o]!.p += p[f]!;
    }
    return { shape: outShape, data: sums.map((s) => 1 - (2 * s.tp) / (s.t + s.p + EPS)) };
  },
};

/** Keras' weighting and reduction of per-sample losses; `w` is per sample (leading dims) or full. */
function reduce(losses: Arr, w: number[] | null, reduction: st.Reduction): number[] {
  const per = size(losses.shape.slice(1));
  const weighted = losses.data.map((x, i) => (w ? x * (w.length === losses.data.length ? w[i]! : w[Math.floor(i / per)]!) : x));
  if (reduction === 'none') return weighted;
  const total = sumOf(weighted);
  return [reduction === 'sum' ? total : total / weighted.length];
}

// ---- inputs ---------------------------------------------------------------------------------

function rnd(seed: number, shape: number[], lo: number, hi: number): number[] {
  return randomValues(randomSource(seed), size(shape), lo, hi);
}
function bits(seed: number, shape: number[]): number[] {
  const r = randomSource(seed);
  return Array.from({ length: size(shape) }, () => (r() < 0.5 ? 0 : 1));
}
function oneHotRows(seed: number, shape: number[], axis = -1): number[] {
  const r = randomSource(seed);
  const a = axis < 0 ? axis + shape.length : axis;
  const out = new Array<number>(size(shape)).fill(0);
  alongAxis(shape, a, (idx) => { out[idx[Math.floor(r() * idx.length)]!] = 1; return 0; });
  return out;
}
function softLabels(seed: number, shape: number[]): number[] {
  const raw = rnd(seed, shape, 0.05, 1);
  const out = [...raw];
  alongAxis(shape, -1, (idx) => { const s = sumOf(idx.map((i) => raw[i]!)); idx.forEach((i) => { out[i] = Math.fround(raw[i]! / s); }); return 0; });
  return out;
}
/** Probabilities in (0, 1) with a few exact 0s and 1s to exercise the clipping. */
function probabilities(seed: number, shape: number[]): number[] {
  const values = rnd(seed, shape, 0.001, 0.999);
  if (values.length > 3) { values[1] = 0; values[values.length - 2] = 1; }
  return values;
}

interface Case {
  title: string;
  make: (args: { reduction?: st.Reduction }) => st.Loss;
  shape: number[];
  /** Shape of yTrue when it differs (e.g. [b] against yPred [b, 1]). */
  trueShape?: number[];
  yTrue: (shape: number[]) => number[];
  yPred: (shape: number[]) => number[];
  oracle: Oracle;
  tol?: number;
}

const L = st.losses;
const cases: Case[] = [
  { title: 'MeanSquaredError [7,5]', make: (a) => new L.MeanSquaredError(a), shape: [7, 5], yTrue: (s) => rnd(1, s, -2, 2), yPred: (s) => rnd(2, s, -2, 2), oracle: oracle.mse },
  { title: 'MeanSquaredError yTrue [6] vs yPred [6,1]', make: (a) => new L.MeanSquaredError(a), shape: [6, 1], trueShape: [6], yTrue: (s) => rnd(3, s, -2, 2), yPred: (s) => rnd(4, s, -2, 2), oracle: oracle.mse },
  { title: 'MeanAbsoluteError [3,4,6]', make: (a) => new L.MeanAbsoluteError(a), shape: [3, 4, 6], yTrue: (s) => rnd(5, s, -2, 2), yPred: (s) => rnd(6, s, -2, 2), oracle: oracle.mae },
  { title: 'MeanAbsolutePercentageError [5,3] (labels near 0)', make: (a) => new L.MeanAbsolutePercentageError(a), shape: [5, 3], yTrue: (s) => { const v = rnd(7, s, -2, 2); v[4] = 0; v[7] = 1e-9; return v; }, yPred: (s) => rnd(8, s, -2, 2), oracle: oracle.mape(), tol: 1e-4 },
  { title: 'MeanSquaredLogarithmicError [4,7] (negatives clamp)', make: (a) => new L.MeanSquaredLogarithmicError(a), shape: [4, 7], yTrue: (s) => rnd(9, s, -0.5, 3), yPred: (s) => rnd(10, s, -0.5, 3), oracle: oracle.msle },
  { title: 'Huber delta 1 [6,5]', make: (a) => new L.Huber(a), shape: [6, 5], yTrue: (s) => rnd(11, s, -2, 2), yPred: (s) => rnd(12, s, -2, 2), oracle: oracle.huber(1) },
  { title: 'Huber delta 0.3 [2,3,4]', make: (a) => new L.Huber({ ...a, delta: 0.3 }), shape: [2, 3, 4], yTrue: (s) => rnd(13, s, -2, 2), yPred: (s) => rnd(14, s, -2, 2), oracle: oracle.huber(0.3) },
  { title: 'LogCosh [5,4] (large errors)', make: (a) => new L.LogCosh(a), shape: [5, 4], yTrue: (s) => rnd(15, s, -30, 30), yPred: (s) => rnd(16, s, -30, 30), oracle: oracle.logCosh },
  { title: 'Poisson [6,3]', make: (a) => new L.Poisson(a), shape: [6, 3], yTrue: (s) => rnd(17, s, 0, 4), yPred: (s) => rnd(18, s, 0.01, 4), oracle: oracle.poisson },
  { title: 'BinaryCrossentropy probabilities [8,3]', make: (a) => new L.BinaryCrossentropy(a), shape: [8, 3], yTrue: (s) => bits(19, s), yPred: (s) => probabilities(20, s), oracle: oracle.bce({}) },
  { title: 'BinaryCrossentropy yTrue [9] vs yPred [9,1]', make: (a) => new L.BinaryCrossentropy(a), shape: [9, 1], trueShape: [9], yTrue: (s) => bits(21, s), yPred: (s) => probabilities(22, s), oracle: oracle.bce({}) },
  { title: 'BinaryCrossentropy fromLogits (large logits) [6,4]', make: (a) => new L.BinaryCrossentropy({ ...a, fromLogits: true }), shape: [6, 4], yTrue: (s) => bits(23, s), yPred: (s) => rnd(24, s, -60, 60), oracle: oracle.bce({ fromLogits: true }) },
  { title: 'BinaryCrossentropy soft labels, labelSmoothing 0.2 [5,3]', make: (a) => new L.BinaryCrossentropy({ ...a, labelSmoothing: 0.2 }), shape: [5, 3], yTrue: (s) => rnd(25, s, 0, 1), yPred: (s) => probabilities(26, s), oracle: oracle.bce({ labelSmoothing: 0.2 }) },
  { title: 'BinaryCrossentropy fromLogits, labelSmoothing 0.1, axis 1 [3,4,5]', make: (a) => new L.BinaryCrossentropy({ ...a, fromLogits: true, labelSmoothing: 0.1, axis: 1 }), shape: [3, 4, 5], yTrue: (s) => bits(27, s), yPred: (s) => rnd(28, s, -5, 5), oracle: oracle.bce({ fromLogits: true, labelSmoothing: 0.1, axis: 1 }) },
  { title: 'BinaryFocalCrossentropy defaults [7,3]', make: (a) => new L.BinaryFocalCrossentropy(a), shape: [7, 3], yTrue: (s) => bits(29, s), yPred: (s) => probabilities(30, s), oracle: oracle.bfce({}) },
  { title: 'BinaryFocalCrossentropy balanced alpha 0.4 gamma 3.5 fromLogits [5,4]', make: (a) => new L.BinaryFocalCrossentropy({ ...a, applyClassBalancing: true, alpha: 0.4, gamma: 3.5, fromLogits: true }), shape: [5, 4], yTrue: (s) => bits(31, s), yPred: (s) => rnd(32, s, -6, 6), oracle: oracle.bfce({ applyClassBalancing: true, alpha: 0.4, gamma: 3.5, fromLogits: true }) },
  { title: 'BinaryFocalCrossentropy gamma 0, labelSmoothing 0.3 [4,2]', make: (a) => new L.BinaryFocalCrossentropy({ ...a, gamma: 0, labelSmoothing: 0.3 }), shape: [4, 2], yTrue: (s) => bits(33, s), yPred: (s) => probabilities(34, s), oracle: oracle.bfce({ gamma: 0, labelSmoothing: 0.3 }) },
  { title: 'CategoricalCrossentropy unnormalised probabilities [6,5]', make: (a) => new L.CategoricalCrossentropy(a), shape: [6, 5], yTrue: (s) => oneHotRows(35, s), yPred: (s) => rnd(36, s, 0.01, 1), oracle: oracle.cce({}) },
  { title: 'CategoricalCrossentropy fromLogits, soft labels [7,3]', make: (a) => new L.CategoricalCrossentropy({ ...a, fromLogits: true }), shape: [7, 3], yTrue: (s) => softLabels(37, s), yPred: (s) => rnd(38, s, -20, 20), oracle: oracle.cce({ fromLogits: true }) },
  { title: 'CategoricalCrossentropy labelSmoothing 0.15, with a zero probability [5,4]', make: (a) => new L.CategoricalCrossentropy({ ...a, labelSmoothing: 0.15 }), shape: [5, 4], yTrue: (s) => oneHotRows(39, s), yPred: (s) => { const v = rnd(40, s, 0.01, 1); v[2] = 0; return v; }, oracle: oracle.cce({ labelSmoothing: 0.15 }) },
  { title: 'CategoricalCrossentropy fromLogits, labelSmoothing 0.1, axis 1 [2,6,3]', make: (a) => new L.CategoricalCrossentropy({ ...a, fromLogits: true, labelSmoothing: 0.1, axis: 1 }), shape: [2, 6, 3], yTrue: (s) => oneHotRows(41, s, 1), yPred: (s) => rnd(42, s, -4, 4), oracle: oracle.cce({ fromLogits: true, labelSmoothing: 0.1, axis: 1 }) },
  { title: 'CategoricalFocalCrossentropy defaults [6,4]', make: (a) => new L.CategoricalFocalCrossentropy(a), shape: [6, 4], yTrue: (s) => oneHotRows(43, s), yPred: (s) => rnd(44, s, 0.01, 1), oracle: oracle.cfce({}) },
  { title: 'CategoricalFocalCrossentropy fromLogits alpha 0.5 gamma 1.5 smoothing 0.1 [5,6]', make: (a) => new L.CategoricalFocalCrossentropy({ ...a, fromLogits: true, alpha: 0.5, gamma: 1.5, labelSmoothing: 0.1 }), shape: [5, 6], yTrue: (s) => oneHotRows(45, s), yPred: (s) => rnd(46, s, -5, 5), oracle: oracle.cfce({ fromLogits: true, alpha: 0.5, gamma: 1.5, labelSmoothing: 0.1 }) },
  { title: 'KLDivergence [5,4] (zero labels)', make: (a) => new L.KLDivergence(a), shape: [5, 4], yTrue: (s) => { const v = softLabels(47, s); v[0] = 0; return v; }, yPred: (s) => softLabels(48, s), oracle: oracle.kld() },
  { title: 'CosineSimilarity axis -1 [6,5] (a zero row)', make: (a) => new L.CosineSimilarity(a), shape: [6, 5], yTrue: (s) => { const v = rnd(49, s, -2, 2); for (let i = 0; i < 5; i++) v[i] = 0; return v; }, yPred: (s) => rnd(50, s, -2, 2), oracle: oracle.cosine(-1) },
  { title: 'CosineSimilarity axis 1 [3,4,2]', make: (a) => new L.CosineSimilarity({ ...a, axis: 1 }), shape: [3, 4, 2], yTrue: (s) => rnd(51, s, -2, 2), yPred: (s) => rnd(52, s, -2, 2), oracle: oracle.cosine(1) },
  { title: 'Hinge with 0/1 labels [6,3]', make: (a) => new L.Hinge(a), shape: [6, 3], yTrue: (s) => bits(53, s), yPred: (s) => rnd(54, s, -2, 2), oracle: oracle.hinge() },
  { title: 'Hinge with ±1 labels [5,2]', make: (a) => new L.Hinge(a), shape: [5, 2], yTrue: (s) => bits(55, s).map((b) => 2 * b - 1), yPred: (s) => rnd(56, s, -2, 2), oracle: oracle.hinge() },
  { title: 'SquaredHinge with 0/1 labels [4,5]', make: (a) => new L.SquaredHinge(a), shape: [4, 5], yTrue: (s) => bits(57, s), yPred: (s) => rnd(58, s, -2, 2), oracle: oracle.squaredHinge() },
  { title: 'SquaredHinge with mixed labels (not converted) [4,3]', make: (a) => new L.SquaredHinge(a), shape: [4, 3], yTrue: (s) => bits(59, s).map((b, i) => (i === 0 ? -1 : b)), yPred: (s) => rnd(60, s, -2, 2), oracle: oracle.squaredHinge() },
  { title: 'CategoricalHinge [7,4]', make: (a) => new L.CategoricalHinge(a), shape: [7, 4], yTrue: (s) => oneHotRows(61, s), yPred: (s) => rnd(62, s, -2, 2), oracle: oracle.categoricalHinge() },
  { title: 'Dice axis [1,2] [3,4,5]', make: (a) => new L.Dice({ ...a, axis: [1, 2] }), shape: [3, 4, 5], yTrue: (s) => bits(63, s), yPred: (s) => rnd(64, s, 0, 1), oracle: oracle.dice([1, 2]) },
  { title: 'Dice axis 1 [5,6]', make: (a) => new L.Dice({ ...a, axis: 1 }), shape: [5, 6], yTrue: (s) => bits(65, s), yPred: (s) => rnd(66, s, 0, 1), oracle: oracle.dice([1]) },
];

async function values(t: st.Tensor): Promise<number[]> {
  const v = [...(await t.data())];
  t.dispose();
  return v;
}

describe('losses against the float64 oracle', () => {
  for (const c of cases) {
    it(c.title, async () => {
      const trueShape = c.trueShape ?? c.shape;
      const tv = c.yTrue(trueShape);
      const pv = c.yPred(c.shape);
      const yTrue = st.tensor(tv, trueShape);
      const yPred = st.tensor(pv, c.shape);
      const per = c.oracle(tv, pv, c.shape);
      const batch = c.shape[0]!;
      const weights = rnd(99, [batch], 0, 2);
      const fullWeights = rnd(98, per.shape, 0, 2);
      const tol = c.tol ?? 2e-5;
      const before = st.memory().tensors;
      // 'none': the per-sample losses themselves.
      const none = c.make({ reduction: 'none' }).compute(yTrue, yPred);
      expect(none.shape).toEqual(per.shape);
      expectClose(await values(none), per.data, tol);
      // 'none' with full-shape weights.
      const wFull = st.tensor(fullWeights, per.shape);
      expectClose(await values(c.make({ reduction: 'none' }).compute(yTrue, yPred, wFull)), reduce(per, fullWeights, 'none'), tol);
      // 'sum' with per-sample weights [batch].
      const w = st.tensor(weights, [batch]);
      expectClose(await values(c.make({ reduction: 'sum' }).compute(yTrue, yPred, w)), reduce(per, weights, 'sum'), tol);
      // The default (sumOverBatchSize), unweighted and with weights [batch, 1].
      expectClose(await values(c.make({}).compute(yTrue, yPred)), reduce(per, null, 'sumOverBatchSize'), tol);
      const w1 = st.tensor(weights, [batch, 1]);
      expectClose(await values(c.make({}).compute(yTrue, yPred, w1)), reduce(per, weights, 'sumOverBatchSize'), tol);
      // Nothing leaks from compute.
      expect(st.memory().tensors).toBe(before + 3);
      st.dispose([yTrue, yPred, w, w1, wFull]);
    });
  }

  it('Dice with axis null gives one value for the batch, scaled by the mean sample weight', async () => {
    const shape = [4, 3, 2];
    const tv = bits(70, shape);
    const pv = rnd(71, shape, 0, 1);
    const per = oracle.dice(null)(tv, pv, shape);
    const yTrue = st.tensor(tv, shape);
    const yPred = st.tensor(pv, shape);
    expectClose(await values(st.losses.dice(yTrue, yPred)), per.data, 2e-5);
    expectClose(await values(new L.Dice().compute(yTrue, yPred)), per.data, 2e-5);
    const weights = rnd(72, [4], 0, 2);
    expectClose(await values(new L.Dice().compute(yTrue, yPred, st.tensor(weights))), [per.data[0]! * meanOf(weights)], 2e-5);
  });

  describe('SparseCategoricalCrossentropy', () => {
    const shape = [9, 5];
    const labels = Array.from({ length: 9 }, (_, i) => (i * 7 + 3) % 5);
    for (const fromLogits of [false, true]) {
      for (const labelShape of [[9], [9, 1]]) {
        for (const dtype of ['int32', 'float32'] as const) {
          it(`fromLogits ${fromLogits}, labels ${dtype} ${JSON.stringify(labelShape)}`, async () => {
            const pv = fromLogits ? rnd(80, shape, -8, 8) : rnd(81, shape, 0.01, 1);
            const per = oracle.scce(labels, pv, shape, fromLogits, null);
            const yTrue = st.tensor(labels, labelShape, dtype);
            const yPred = st.tensor(pv, shape);
            const loss = (r: st.Reduction): st.Loss => new L.SparseCategoricalCrossentropy({ fromLogits, reduction: r });
            expectClose(await values(loss('none').compute(yTrue, yPred)), per.data, 2e-5);
            const weights = rnd(82, [9], 0, 2);
            expectClose(await values(loss('sum').compute(yTrue, yPred, st.tensor(weights))), reduce(per, weights, 'sum'), 2e-5);
            expectClose(await values(loss('sumOverBatchSize').compute(yTrue, yPred)), reduce(per, null, 'sumOverBatchSize'), 2e-5);
          });
        }
      }
    }

    it('rank-3 predictions [2,3,4] with labels [2,3]', async () => {
      const s = [2, 3, 4];
      const lab = [0, 3, 1, 2, 2, 0];
      const pv = rnd(83, s, -3, 3);
      const per = oracle.scce(lab, pv, s, true, null);
      const out = new L.SparseCategoricalCrossentropy({ fromLogits: true, reduction: 'none' }).compute(st.tensor(lab, [2, 3], 'int32'), st.tensor(pv, s));
      expect(out.shape).toEqual([2, 3]);
      expectClose(await values(out), per.data, 2e-5);
    });

    it('ignoreClass: ignored entries give 0 and the mean is over the others (Keras mask)', async () => {
      const lab = [2, -1, 0, 4, -1, 1, 3];
      const s = [7, 5];
      const pv = rnd(84, s, -4, 4);
      const per = oracle.scce(lab, pv, s, true, -1);
      const yTrue = st.tensor(lab, [7, 1], 'int32');
      const yPred = st.tensor(pv, s);
      const make = (r: st.Reduction): st.Loss => new L.SparseCategoricalCrossentropy({ fromLogits: true, ignoreClass: -1, reduction: r });
      expectClose(await values(make('none').compute(yTrue, yPred)), per.data, 2e-5);
      const valid = lab.filter((x) => x !== -1).length;
      expectClose(await values(make('sumOverBatchSize').compute(yTrue, yPred)), [sumOf(per.data) / (valid + EPS)], 2e-5);
      const weights = rnd(85, [7], 0, 2);
      expectClose(await values(make('sum').compute(yTrue, yPred, st.tensor(weights))), reduce(per, weights, 'sum'), 2e-5);
      expectClose(await values(make('sumOverBatchSize').compute(yTrue, yPred, st.tensor(weights))),
        [sumOf(per.data.map((x, i) => x * weights[i]!)) / (valid + EPS)], 2e-5);
    });

    it('invalid labels give NaN on the device (no silent zero loss)', async () => {
      const lab = [0, 5, 1.5, -1, NaN, 2];
      const pv = rnd(86, [6, 5], 0.1, 1);
      const out = await values(st.losses.sparseCategoricalCrossentropy(st.tensor(lab, [6]), st.tensor(pv, [6, 5])));
      expectClose(out, oracle.scce(lab, pv, [6, 5], false, null).data, 2e-5);
      expect(out.map(Number.isNaN)).toEqual([false, true, true, true, true, false]);
    });
  });
});

describe('loss functions (st.losses.*) match the classes', () => {
  it('every function gives the per-sample losses of its class', async () => {
    const s = [5, 4];
    const t = st.tensor(softLabels(90, s), s);
    const p = st.tensor(softLabels(91, s), s);
    const pairs: [(a: st.Tensor, b: st.Tensor) => st.Tensor, st.Loss][] = [
      [L.meanSquaredError, new L.MeanSquaredError({ reduction: 'none' })], [L.mse, new L.MeanSquaredError({ reduction: 'none' })],
      [L.meanAbsoluteError, new L.MeanAbsoluteError({ reduction: 'none' })], [L.mae, new L.MeanAbsoluteError({ reduction: 'none' })],
      [L.mape, new L.MeanAbsolutePercentageError({ reduction: 'none' })], [L.msle, new L.MeanSquaredLogarithmicError({ reduction: 'none' })],
      [(a, b) => L.huber(a, b), new L.Huber({ reduction: 'none' })], [L.logCosh, new L.LogCosh({ reduction: 'none' })],
      [(a, b) => L.binaryCrossentropy(a, b), new L.BinaryCrossentropy({ reduction: 'none' })],
      [(a, b) => L.binaryFocalCrossentropy(a, b), new L.BinaryFocalCrossentropy({ reduction: 'none' })],
      [(a, b) => L.categoricalCrossentropy(a, b), new L.CategoricalCrossentropy({ reduction: 'none' })],
      [(a, b) => L.categoricalFocalCrossentropy(a, b), new L.CategoricalFocalCrossentropy({ reduction: 'none' })],
      [L.kld, new L.KLDivergence({ reduction: 'none' })], [L.poisson, new L.Poisson({ reduction: 'none' })],
      [(a, b) => L.cosineSimilarity(a, b), new L.CosineSimilarity({ reduction: 'none' })], [L.hinge, new L.Hinge({ reduction: 'none' })],
      [L.squaredHinge, new L.SquaredHinge({ reduction: 'none' })], [L.categoricalHinge, new L.CategoricalHinge({ reduction: 'none' })],
      [(a, b) => L.dice(a, b, 1), new L.Dice({ axis: 1, reduction: 'none' })],
    ];
    for (const [fn, loss] of pairs) expectClose(await values(fn(t, p)), await values(loss.compute(t, p)), 1e-6);
  });
});

// ---- gradients ------------------------------------------------------------------------------

describe('gradients against central differences of the float64 oracle', () => {
  interface GradCase { title: string; loss: st.Loss; shape: number[]; t: number[]; p: number[]; reduced: (p: number[]) => number }
  const mean = (a: Arr): number => meanOf(a.data);
  const gc = (): GradCase[] => {
    const s = [4, 3];
    const bt = bits(200, s);
    const oh = oneHotRows(201, s);
    const lab = [2, 0, 1, 1];
    const soft = softLabels(202, s);
    const ht = rnd(207, s, -2, 2);
    return [
      { title: 'BinaryCrossentropy fromLogits, labelSmoothing 0.1', loss: new L.BinaryCrossentropy({ fromLogits: true, labelSmoothing: 0.1 }), shape: s, t: bt, p: rnd(203, s, -3, 3), reduced: (p) => mean(oracle.bce({ fromLogits: true, labelSmoothing: 0.1 })(bt, p, s)) },
      { title: 'BinaryCrossentropy probabilities', loss: new L.BinaryCrossentropy(), shape: s, t: bt, p: rnd(204, s, 0.1, 0.9), reduced: (p) => mean(oracle.bce({})(bt, p, s)) },
      { title: 'CategoricalCrossentropy fromLogits, labelSmoothing 0.2', loss: new L.CategoricalCrossentropy({ fromLogits: true, labelSmoothing: 0.2 }), shape: s, t: oh, p: rnd(205, s, -3, 3), reduced: (p) => mean(oracle.cce({ fromLogits: true, labelSmoothing: 0.2 })(oh, p, s)) },
      { title: 'SparseCategoricalCrossentropy fromLogits', loss: new L.SparseCategoricalCrossentropy({ fromLogits: true }), shape: s, t: lab, p: rnd(206, s, -3, 3), reduced: (p) => mean(oracle.scce(lab, p, s, true, null)) },
      { title: 'Huber delta 0.5', loss: new L.Huber({ delta: 0.5 }), shape: s, t: ht, p: rnd(208, s, -2, 2), reduced: (p) => mean(oracle.huber(0.5)(ht, p, s)) },
      { title: 'CosineSimilarity', loss: new L.CosineSimilarity(), shape: s, t: soft, p: rnd(209, s, -2, 2), reduced: (p) => mean(oracle.cosine(-1)(soft, p, s)) },
      { title: 'CategoricalFocalCrossentropy fromLogits', loss: new L.CategoricalFocalCrossentropy({ fromLogits: true }), shape: s, t: oh, p: rnd(210, s, -2, 2), reduced: (p) => mean(oracle.cfce({ fromLogits: true })(oh, p, s)) },
      { title: 'BinaryFocalCrossentropy balanced fromLogits', loss: new L.BinaryFocalCrossentropy({ fromLogits: true, applyClassBalancing: true }), shape: s, t: bt, p: rnd(211, s, -3, 3), reduced: (p) => mean(oracle.bfce({ fromLogits: true, applyClassBalancing: true })(bt, p, s)) },
      { title: 'LogCosh', loss: new L.LogCosh(), shape: s, t: soft, p: rnd(212, s, -3, 3), reduced: (p) => mean(oracle.logCosh(soft, p, s)) },
    ];
  };
  for (const c of gc()) {
    it(c.title, async () => {
      const yTrue = c.title.startsWith('Sparse') ? st.tensor(c.t, [c.shape[0]!], 'int32') : st.tensor(c.t, c.shape);
      const g = st.grad((p) => c.loss.compute(yTrue, p))(st.tensor(c.p, c.shape));
      const h = 1e-5;
      const numeric = c.p.map((_, i) => {
        const up = [...c.p]; up[i]! += h;
        const down = [...c.p]; down[i]! -= h;
        return (c.reduced(up) - c.reduced(down)) / (2 * h);
      });
      expectClose(await values(g), numeric, 1e-3);
    });
  }
});

// ---- errors ---------------------------------------------------------------------------------

describe('errors name the loss, the argument and the shapes', () => {
  it('yTrue and yPred of different shapes', () => {
    expect(() => new L.MeanSquaredError().compute(st.zeros([4, 3]), st.zeros([4, 2]))).toThrow(/meanSquaredError: yTrue \[4,3\] and yPred \[4,2\] must have the same shape/);
    expect(() => L.binaryCrossentropy(st.zeros([4, 1]), st.zeros([4, 3]))).toThrow(/binaryCrossentropy: yTrue \[4,1\] and yPred \[4,3\]/);
    expect(() => L.categoricalCrossentropy(st.zeros([5]), st.zeros([5, 3]))).toThrow(/categoricalCrossentropy: yTrue \[5\] and yPred \[5,3\]/);
  });
  it('sparse labels of the wrong rank or dtype', () => {
    const loss = new L.SparseCategoricalCrossentropy();
    expect(() => loss.compute(st.zeros([4, 3]), st.zeros([4, 3]))).toThrow(/sparseCategoricalCrossentropy: yTrue \[4,3\] must have shape \[4\] or \[4,1\]/);
    expect(() => loss.compute(st.zeros([5]), st.zeros([4, 3]))).toThrow(/yTrue \[5\] must have shape \[4\]/);
    expect(() => loss.compute(st.fill([4], true), st.zeros([4, 3]))).toThrow(/integer class ids.*bool/);
  });
  it('validateTargets reads the labels: NaN, non-integers and out-of-range ids', async () => {
    const sparse = new L.SparseCategoricalCrossentropy({ ignoreClass: 255 });
    const pred = st.zeros([4, 3]);
    await expect(sparse.validateTargets(st.tensor([0, 2, 1, 255]), pred)).resolves.toBeUndefined();
    await expect(sparse.validateTargets(st.tensor([0, 3, 1, 2]), pred)).rejects.toThrow(/holds 3 at flat index 1; class ids must be integers in \[0, 2\]/);
    await expect(sparse.validateTargets(st.tensor([0, 1.5, 1, 2]), pred)).rejects.toThrow(/holds 1.5/);
    await expect(sparse.validateTargets(st.tensor([0, 1, -1, 2]), [null, 3])).rejects.toThrow(/holds -1 at flat index 2/);
    await expect(sparse.validateTargets(st.tensor([0, NaN, 1, 2]), pred)).rejects.toThrow(/contains NaN \(first at flat index 1\)/);
    await expect(new L.MeanSquaredError().validateTargets(st.tensor([[1, NaN]]), st.zeros([1, 2]))).rejects.toThrow(/mean_squared_error: yTrue \[1,2\] contains NaN/);
    expect(() => new L.BinaryCrossentropy().validateTargetValues([0, 1, 1], [3], [3, 1])).not.toThrow();
  });
  it('bad options', () => {
    expect(() => new L.BinaryCrossentropy({ labelSmoothing: 1.5 })).toThrow(/labelSmoothing must be a number in \[0, 1\], got 1.5/);
    expect(() => new L.MeanSquaredError({ reduction: 'mean_of_squares' as st.Reduction })).toThrow(/reduction must be 'sumOverBatchSize', 'sum' or 'none'/);
    expect(() => new L.SparseCategoricalCrossentropy({ ignoreClass: 0.5 })).toThrow(/ignoreClass must be an integer/);
    expect(() => new L.Huber({ delta: -1 })).toThrow(/Huber: delta/);
    expect(() => new L.Dice({ axis: 'x' as unknown as number })).toThrow(/Dice: axis/);
    expect(() => new L.CosineSimilarity({ axis: 3 }).compute(st.zeros([2, 2]), st.zeros([2, 2]))).toThrow(/axis 3 is out of range for yPred of shape \[2,2\]/);
  });
  it('sample weights that do not fit', () => {
    expect(() => new L.MeanSquaredError().compute(st.zeros([4, 3]), st.zeros([4, 3]), st.ones([3]))).toThrow(/mean_squared_error: sampleWeight \[3\] does not match the per-sample losses \[4\]/);
    expect(() => new L.MeanSquaredError().compute(st.zeros([4, 3]), st.zeros([4, 3]), st.ones([4, 2]))).toThrow(/sampleWeight \[4,2\]/);
  });
  it('scalar yPred', () => {
    expect(() => L.meanSquaredError(st.scalar(1), st.scalar(2))).toThrow(/meanSquaredError: yPred must have at least 1 dimension/);
  });
});

// ---- name resolution and serialization ------------------------------------------------------

describe('getLoss', () => {
  it('resolves camelCase, snake_case, class names and Keras aliases', () => {
    const expected: [string, string][] = [
      ['mse', 'MeanSquaredError'], ['MSE', 'MeanSquaredError'], ['meanSquaredError', 'MeanSquaredError'], ['mean_squared_error', 'MeanSquaredError'],
      ['mae', 'MeanAbsoluteError'], ['mape', 'MeanAbsolutePercentageError'], ['msle', 'MeanSquaredLogarithmicError'],
      ['huber', 'Huber'], ['huber_loss', 'Huber'], ['logcosh', 'LogCosh'], ['log_cosh', 'LogCosh'], ['logCosh', 'LogCosh'],
      ['binaryCrossentropy', 'BinaryCrossentropy'], ['binary_crossentropy', 'BinaryCrossentropy'], ['bce', 'BinaryCrossentropy'],
      ['binaryFocalCrossentropy', 'BinaryFocalCrossentropy'], ['categoricalCrossentropy', 'CategoricalCrossentropy'],
      ['categorical_focal_crossentropy', 'CategoricalFocalCrossentropy'], ['sparseCategoricalCrossentropy', 'SparseCategoricalCrossentropy'],
      ['SparseCategoricalCrossentropy', 'SparseCategoricalCrossentropy'], ['kld', 'KLDivergence'], ['kl_divergence', 'KLDivergence'],
      ['kullback_leibler_divergence', 'KLDivergence'], ['KLDivergence', 'KLDivergence'], ['poisson', 'Poisson'], ['cosineSimilarity', 'CosineSimilarity'],
      ['hinge', 'Hinge'], ['squared_hinge', 'SquaredHinge'], ['categoricalHinge', 'CategoricalHinge'], ['dice', 'Dice'],
    ];
    for (const [name, cls] of expected) expect(L.getLoss(name).getClassName(), name).toBe(cls);
  });
  it('passes a Loss through, maps built-in functions to their class, wraps other functions', async () => {
    const loss = new L.Huber({ delta: 2 });
    expect(L.getLoss(loss)).toBe(loss);
    expect(L.getLoss(L.meanSquaredError)).toBeInstanceOf(L.MeanSquaredError);
    expect(L.getLoss(L.sparseCategoricalCrossentropy)).toBeInstanceOf(L.SparseCategoricalCrossentropy);
    function myLoss(t: st.Tensor, p: st.Tensor): st.Tensor {
      return st.sum(st.abs(st.sub(t, p)), -1);
    }
    const wrapped = L.getLoss(myLoss);
    expect(wrapped.name).toBe('myLoss');
    expect(wrapped.getClassName()).toBe('LossFunctionWrapper');
    const t = st.tensor(rnd(300, [3, 2], -1, 1), [3, 2]);
    const p = st.tensor(rnd(301, [3, 2], -1, 1), [3, 2]);
    const expected = meanOf(alongAxis([3, 2], -1, (idx) => sumOf(idx.map((i) => Math.abs(t.dataSync()[i]! - p.dataSync()[i]!)))).data);
    expectClose(await values(wrapped.compute(t, p)), [expected], 1e-6);
    expect(() => L.LossFunctionWrapper.fromConfig(wrapped.getConfig())).toThrow(/cannot rebuild a loss from function 'myLoss'/);
  });
  it('lists the known names for an unknown one', () => {
    expect(() => L.getLoss('meanSquareError')).toThrow(/getLoss: unknown loss 'meanSquareError'. Known losses: mean_squared_error, .*sparse_categorical_crossentropy.*mse/);
    expect(() => L.getLoss(42 as unknown as string)).toThrow(/getLoss: expected a Loss/);
  });
  it('every loss round-trips through getConfig / deserializeObject', async () => {
    const losses: st.Loss[] = [
      new L.MeanSquaredError({ reduction: 'sum', name: 'my_mse' }), new L.MeanAbsoluteError(), new L.MeanAbsolutePercentageError(),
      new L.MeanSquaredLogarithmicError(), new L.Huber({ delta: 0.7 }), new L.LogCosh(), new L.BinaryCrossentropy({ fromLogits: true, labelSmoothing: 0.1, axis: -1 }),
      new L.BinaryFocalCrossentropy({ applyClassBalancing: true, alpha: 0.3, gamma: 1, fromLogits: true }), new L.CategoricalCrossentropy({ labelSmoothing: 0.2 }),
      new L.CategoricalFocalCrossentropy({ alpha: 0.5, gamma: 1 }), new L.SparseCategoricalCrossentropy({ fromLogits: true, ignoreClass: 255 }),
      new L.KLDivergence(), new L.Poisson(), new L.CosineSimilarity({ axis: 1 }), new L.Hinge(), new L.SquaredHinge(), new L.CategoricalHinge(),
      new L.Dice({ axis: [1] }), new L.LossFunctionWrapper(L.logCosh, { reduction: 'sum' }),
    ];
    const s = [3, 4];
    const t = st.tensor(softLabels(400, s), s);
    const p = st.tensor(softLabels(401, s), s);
    const labels = st.tensor([1, 0, 3], [3], 'int32');
    for (const loss of losses) {
      const json = JSON.parse(JSON.stringify(st.serializeObject(loss))) as st.SerializedObject;
      const back = L.getLoss(json);
      expect(back.getClassName()).toBe(loss.getClassName());
      expect(back.getConfig()).toEqual(loss.getConfig());
      const y = loss instanceof L.SparseCategoricalCrossentropy ? labels : t;
      expectClose(await values(back.compute(y, p)), await values(loss.compute(y, p)), 1e-7);
    }
    // Keras files use snake_case keys and reductions.
    const keras = L.getLoss({ className: 'BinaryCrossentropy', config: { name: 'bce', reduction: 'sum_over_batch_size', from_logits: true, label_smoothing: 0.1 } });
    expect(keras.getConfig()).toEqual({ name: 'bce', reduction: 'sumOverBatchSize', fromLogits: true, labelSmoothing: 0.1, axis: -1 });
  });
});

// ---- TensorFlow.js ----------------------------------------------------------------------------

describe('against TensorFlow.js where the formula is the same', () => {
  const s = [6, 4];
  const tv = rnd(500, s, -2, 2);
  const pv = rnd(501, s, -2, 2);
  const bt = bits(502, s);
  const pr = rnd(503, s, 0.02, 0.98);
  const oh = oneHotRows(504, s);
  const tfv = async (x: tf.Tensor): Promise<number[]> => { const v = [...(await x.data())]; x.dispose(); return v; };
  const ours = async (loss: st.Loss, t: number[], p: number[]): Promise<number[]> => values(loss.compute(st.tensor(t, s), st.tensor(p, s)));

  it('meanSquaredError, absoluteDifference, huberLoss', async () => {
    expectClose(await ours(new L.MeanSquaredError(), tv, pv), await tfv(tf.losses.meanSquaredError(tf.tensor(tv, s), tf.tensor(pv, s))), 1e-6);
    expectClose(await ours(new L.MeanAbsoluteError(), tv, pv), await tfv(tf.losses.absoluteDifference(tf.tensor(tv, s), tf.tensor(pv, s))), 1e-6);
    expectClose(await ours(new L.Huber({ delta: 0.8 }), tv, pv), await tfv(tf.losses.huberLoss(tf.tensor(tv, s), tf.tensor(pv, s), undefined, 0.8)), 1e-6);
  });
  it('sigmoidCrossEntropy (with label smoothing) = BinaryCrossentropy fromLogits', async () => {
    expectClose(await ours(new L.BinaryCrossentropy({ fromLogits: true, labelSmoothing: 0.2 }), bt, pv),
      await tfv(tf.losses.sigmoidCrossEntropy(tf.tensor(bt, s), tf.tensor(pv, s), undefined, 0.2)), 1e-6);
  });
  it('softmaxCrossEntropy (with label smoothing) = CategoricalCrossentropy fromLogits', async () => {
    expectClose(await ours(new L.CategoricalCrossentropy({ fromLogits: true, labelSmoothing: 0.1 }), oh, pv),
      await tfv(tf.losses.softmaxCrossEntropy(tf.tensor(oh, s), tf.tensor(pv, s), undefined, 0.1)), 1e-6);
  });
  it('logLoss ≈ BinaryCrossentropy on probabilities away from 0 and 1', async () => {
    expectClose(await ours(new L.BinaryCrossentropy(), bt, pr), await tfv(tf.losses.logLoss(tf.tensor(bt, s), tf.tensor(pr, s))), 1e-5);
  });
  it('hingeLoss = Hinge with 0/1 labels', async () => {
    expectClose(await ours(new L.Hinge(), bt, pv), await tfv(tf.losses.hingeLoss(tf.tensor(bt, s), tf.tensor(pv, s))), 1e-6);
  });
  it('per-sample losses of tfjs-layers (metrics namespace): MAPE, cosineProximity, categorical/binary crossentropy', async () => {
    const tfl = await import('@tensorflow/tfjs-layers');
    const cmp = async (lossFn: (a: st.Tensor, b: st.Tensor) => st.Tensor, tflFn: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, t: number[], p: number[]): Promise<void> => {
      expectClose(await values(lossFn(st.tensor(t, s), st.tensor(p, s))), await tfv(tflFn(tf.tensor(t, s), tf.tensor(p, s))), 1e-5);
    };
    await cmp(L.meanAbsolutePercentageError, tfl.metrics.meanAbsolutePercentageError, tv, pv);
    await cmp((a, b) => L.cosineSimilarity(a, b), tfl.metrics.cosineProximity, tv, pv);
    await cmp((a, b) => L.categoricalCrossentropy(a, b), tfl.metrics.categoricalCrossentropy, oh, pr);
    await cmp((a, b) => L.binaryCrossentropy(a, b), tfl.metrics.binaryCrossentropy, bt, pr);
  });
});
