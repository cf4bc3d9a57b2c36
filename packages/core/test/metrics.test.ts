/**
 * Metrics against a float64 oracle written here from the Keras 3 formulas: each metric gets
 * several `updateState` calls with different batches (shapes, weights), its result is checked
 * after every call, then `resetState` and one more batch. Also: no reads and no leaks in
 * `updateState`, getMetric's name rules, errors, config round trips, and TensorFlow.js where its
 * metric computes the same thing.
 */
import * as st from '@strata/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-layers' r2Score uses the chained tensor methods (x.sub(...)), registered by this import.
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectClose, randomSource, randomValues, useCpu } from './setup.js';

beforeAll(async () => {
  await useCpu();
  await tf.setBackend('cpu');
});

const M = st.metrics;
const EPS = 1e-7;
const ONE_MINUS_EPS = Math.fround(1 - 1e-7);

// ---- data -----------------------------------------------------------------------------------

interface Arr { shape: number[]; data: number[] }
interface Batch { t: Arr; p: Arr; w: Arr | null; tDtype?: 'int32' | 'float32' }

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
const sumOf = (xs: number[]): number => xs.reduce((s, x) => s + x, 0);
const meanOf = (xs: number[]): number => sumOf(xs) / xs.length;
const clip = (x: number, lo: number, hi: number): number => Math.min(Math.max(x, lo), hi);

let seed = 1000;
const rnd = (shape: number[], lo: number, hi: number): Arr => ({ shape, data: randomValues(randomSource(seed++), size(shape), lo, hi) });
const bits = (shape: number[], pOne = 0.5): Arr => { const r = randomSource(seed++); return { shape, data: Array.from({ length: size(shape) }, () => (r() < pOne ? 1 : 0)) }; };
const ints = (shape: number[], n: number): Arr => { const r = randomSource(seed++); return { shape, data: Array.from({ length: size(shape) }, () => Math.floor(r() * n)) }; };
/** Values on a coarse grid, so ties happen (for top-k). */
const coarse = (shape: number[]): Arr => { const r = randomSource(seed++); return { shape, data: Array.from({ length: size(shape) }, () => Math.floor(r() * 5) / 4) }; };
const oneHot = (labels: number[], classes: number): Arr => ({
  shape: [labels.length, classes], data: labels.flatMap((l) => Array.from({ length: classes }, (_, c) => (c === l ? 1 : 0))),
});

/** Rows of the last axis. */
function rows(a: Arr): number[][] {
  const n = a.shape[a.shape.length - 1]!;
  return Array.from({ length: a.data.length / n }, (_, i) => a.data.slice(i * n, (i + 1) * n));
}

/** Keras' weighted running mean of per-sample values (values reduced by mean over non-batch axes). */
function weightedMean(batches: Batch[], perElement: (b: Batch) => Arr): number {
  let total = 0;
  let count = 0;
  for (const b of batches) {
    const v = perElement(b);
    const per = size(v.shape.slice(1));
    const n = v.shape[0] ?? 1;
    for (let i = 0; i < n; i++) {
      const slice = v.data.slice(i * per, (i + 1) * per);
      if (!b.w) { total += meanOf(slice); count += 1; continue; }
      const ws = b.w.data.length === v.data.length ? b.w.data.slice(i * per, (i + 1) * per) : slice.map(() => b.w!.data[i]!);
      total += meanOf(slice.map((x, k) => x * ws[k]!));
      count += meanOf(ws);
    }
  }
  return count === 0 ? 0 : total / count;
}

function toTensors(b: Batch): [st.Tensor, st.Tensor, st.Tensor | null] {
  return [st.tensor(b.t.data, b.t.shape, b.tDtype ?? 'float32'), st.tensor(b.p.data, b.p.shape), b.w ? st.tensor(b.w.data, b.w.shape) : null];
}

async function read(t: st.Tensor): Promise<number[]> {
  const v = [...(await t.data())];
  t.dispose();
  return v;
}

/**
 * Feeds the batches one by one and checks the result against the oracle of all batches so far;
 * then resets and checks one batch alone. Also checks that updateState reads nothing and leaks
 * nothing once the state exists.
 */
async function check(metric: st.Metric, batches: Batch[], expected: (bs: Batch[]) => number[], tol = 1e-5): Promise<void> {
  for (let i = 0; i < batches.length; i++) {
    const [t, p, w] = toTensors(batches[i]!);
    const before = st.memory().tensors;
    noReads(() => metric.updateState(t, p, w));
    if (i > 0) expect(st.memory().tensors, 'updateState leaked tensors').toBe(before);
    const result = metric.result();
    expectClose(await read(result), expected(batches.slice(0, i + 1)), tol);
    st.dispose([t, p, w]);
  }
  metric.resetState();
  const [t, p, w] = toTensors(batches[1]!);
  metric.updateState(t, p, w);
  expectClose(await read(metric.result()), expected([batches[1]!]), tol);
  st.dispose([t, p, w]);
  metric.dispose();
}

/** Runs `fn` with every way of reading a tensor replaced by a throw (state must stay on the backend). */
function noReads(fn: () => void): void {
  const proto = st.Tensor.prototype as unknown as Record<string, unknown>;
  const saved = ['data', 'dataSync', 'array', 'arraySync'].map((k) => [k, proto[k]] as const);
  for (const [k] of saved) proto[k] = () => { throw new Error(`updateState read a tensor with ${k}`); };
  try {
    fn();
  } finally {
    for (const [k, v] of saved) proto[k] = v;
  }
}

const alive: st.Metric[] = [];
afterEach(() => {
  for (const m of alive.splice(0)) m.dispose();
});

// ---- oracles --------------------------------------------------------------------------------

const mapPair = (b: Batch, f: (t: number, p: number) => number): Arr => ({ shape: b.p.shape, data: b.p.data.map((p, i) => f(b.t.data[i]!, p)) });
const perRow = (b: Batch, f: (t: number[], p: number[]) => number): Arr => {
  const tr = b.t.shape.length === b.p.shape.length && b.t.shape.length > 1 && b.t.shape[b.t.shape.length - 1] !== 1 ? rows(b.t) : b.t.data.map((x) => [x]);
  const pr = rows(b.p);
  return { shape: b.p.shape.slice(0, -1), data: pr.map((p, i) => f(tr[i]!, p)) };
};
const argmax = (xs: number[]): number => xs.reduce((best, x, i) => (x > xs[best]! ? i : best), 0);
const inTopK = (target: number, p: number[], k: number): number => (p.filter((x) => x > p[target]!).length < k ? 1 : 0);

/** Confusion counts at thresholds (prediction > threshold), optionally after top-k and class filtering. */
function counts(batches: Batch[], thresholds: number[], o: { topK?: number; classId?: number } = {}): { tp: number[]; fp: number[]; tn: number[]; fn: number[] } {
  const r = { tp: thresholds.map(() => 0), fp: thresholds.map(() => 0), tn: thresholds.map(() => 0), fn: thresholds.map(() => 0) };
  for (const b of batches) {
    const classes = b.p.shape.length > 1 ? b.p.shape[b.p.shape.length - 1]! : b.p.data.length;
    let p = [...b.p.data];
    if (o.topK !== undefined) {
      const rs = b.p.shape.length > 1 ? rows(b.p) : [b.p.data];
      p = rs.flatMap((row) => {
        const order = row.map((x, i) => i).sort((x, y) => (row[y]! - row[x]!) || x - y).slice(0, o.topK);
        return row.map((x, i) => (order.includes(i) ? x : -1e10));
      });
    }
    const perSample = size(b.p.shape.slice(1));
    b.t.data.forEach((label, i) => {
      if (o.classId !== undefined && i % classes !== o.classId) return;
      const w = b.w ? (b.w.data.length === b.t.data.length ? b.w.data[i]! : b.w.data[Math.floor(i / perSample)]!) : 1;
      thresholds.forEach((thr, k) => {
        const pos = p[i]! > Math.fround(thr);
        if (label !== 0) { if (pos) r.tp[k] += w; else r.fn[k] += w; } else if (pos) r.fp[k] += w; else r.tn[k] += w;
      });
    });
  }
  return r;
}

const divNoNan = (a: number, b: number): number => (b === 0 ? 0 : a / b);

function aucOracle(c: { tp: number[]; fp: number[]; tn: number[]; fn: number[] }, curve: 'ROC' | 'PR', method: string): number {
  const n = c.tp.length;
  if (curve === 'PR' && method === 'interpolation') {
    let total = 0;
    for (let i = 0; i < n - 1; i++) {
      const dtp = c.tp[i]! - c.tp[i + 1]!;
      const pA = c.tp[i]! + c.fp[i]!;
      const pB = c.tp[i + 1]! + c.fp[i + 1]!;
      const slope = divNoNan(dtp, Math.max(pA - pB, 0));
      const intercept = c.tp[i + 1]! - slope * pB;
      const ratio = pA > 0 && pB > 0 ? divNoNan(pA, Math.max(pB, 0)) : 1;
      total += divNoNan(slope * (dtp + intercept * Math.log(ratio)), Math.max(c.tp[i + 1]! + c.fn[i + 1]!, 0));
    }
    return total;
  }
  const recall = c.tp.map((x, i) => divNoNan(x, x + c.fn[i]!));
  const x = curve === 'ROC' ? c.fp.map((v, i) => divNoNan(v, v + c.tn[i]!)) : recall;
  const y = curve === 'ROC' ? recall : c.tp.map((v, i) => divNoNan(v, v + c.fp[i]!));
  let total = 0;
  for (let i = 0; i < n - 1; i++) {
    const h = method === 'interpolation' ? (y[i]! + y[i + 1]!) / 2 : method === 'minoring' ? Math.min(y[i]!, y[i + 1]!) : Math.max(y[i]!, y[i + 1]!);
    total += (x[i]! - x[i + 1]!) * h;
  }
  return total;
}

const aucThresholds = (n: number): number[] => [-EPS, ...Array.from({ length: n - 2 }, (_, i) => (i + 1) / (n - 1)), 1 + EPS];

// ---- accuracy metrics -----------------------------------------------------------------------

describe('accuracy metrics', () => {
  it('Accuracy (exact match, [b,3] then [b,1,2], weights)', async () => {
    const batches: Batch[] = [
      { t: ints([5, 3], 3), p: ints([5, 3], 3), w: null },
      { t: ints([4, 3], 3), p: ints([4, 3], 3), w: rnd([4], 0, 2) },
      { t: ints([6, 3], 2), p: ints([6, 3], 2), w: rnd([6, 3], 0, 2) },
    ];
    await check(new M.Accuracy(), batches, (bs) => [weightedMean(bs, (b) => mapPair(b, (t, p) => (t === p ? 1 : 0)))]);
  });
  for (const threshold of [0.5, 0.7]) {
    it(`BinaryAccuracy threshold ${threshold} ([b,1], [b] labels vs [b,1], [b,4])`, async () => {
      const batches: Batch[] = [
        { t: bits([7, 1]), p: rnd([7, 1], 0, 1), w: rnd([7], 0, 2) },
        { t: bits([5]), p: rnd([5, 1], 0, 1), w: null },
        { t: bits([3, 4]), p: rnd([3, 4], 0, 1), w: rnd([3, 1], 0, 2) },
      ];
      const f = (b: Batch): Arr => ({ shape: b.p.shape, data: b.p.data.map((p, i) => ((p > Math.fround(threshold) ? 1 : 0) === b.t.data[i] ? 1 : 0)) });
      await check(new M.BinaryAccuracy({ threshold }), batches, (bs) => [weightedMean(bs, f)]);
    });
  }
  it('CategoricalAccuracy', async () => {
    const batches: Batch[] = [
      { t: oneHot(ints([6], 4).data, 4), p: rnd([6, 4], 0, 1), w: null },
      { t: oneHot(ints([5], 4).data, 4), p: rnd([5, 4], -3, 3), w: rnd([5], 0, 2) },
      { t: oneHot(ints([3], 4).data, 4), p: rnd([3, 4], 0, 1), w: rnd([3, 1], 0, 2) },
    ];
    await check(new M.CategoricalAccuracy(), batches, (bs) => [weightedMean(bs, (b) => perRow(b, (t, p) => (argmax(t) === argmax(p) ? 1 : 0)))]);
  });
  it('SparseCategoricalAccuracy (labels [b], [b,1], int32 and float32)', async () => {
    const batches: Batch[] = [
      { t: ints([6], 5), p: rnd([6, 5], 0, 1), w: null, tDtype: 'int32' },
      { t: ints([4, 1], 5), p: rnd([4, 5], 0, 1), w: rnd([4], 0, 2) },
      { t: ints([7], 5), p: rnd([7, 5], 0, 1), w: rnd([7, 1], 0, 2), tDtype: 'int32' },
    ];
    await check(new M.SparseCategoricalAccuracy(), batches, (bs) => [weightedMean(bs, (b) => perRow(b, (t, p) => (t[0] === argmax(p) ? 1 : 0)))]);
  });
  for (const k of [1, 2, 3]) {
    it(`TopKCategoricalAccuracy k=${k} (with ties at the boundary)`, async () => {
      const batches: Batch[] = [
        { t: oneHot(ints([8], 5).data, 5), p: coarse([8, 5]), w: null },
        { t: oneHot(ints([6], 5).data, 5), p: coarse([6, 5]), w: rnd([6], 0, 2) },
        { t: oneHot(ints([4], 5).data, 5), p: rnd([4, 5], 0, 1), w: null },
      ];
      await check(new M.TopKCategoricalAccuracy({ k }), batches, (bs) => [weightedMean(bs, (b) => perRow(b, (t, p) => inTopK(argmax(t), p, k)))]);
    });
    it(`SparseTopKCategoricalAccuracy k=${k}`, async () => {
      const batches: Batch[] = [
        { t: ints([8], 6), p: coarse([8, 6]), w: rnd([8], 0, 2), tDtype: 'int32' },
        { t: ints([5, 1], 6), p: coarse([5, 6]), w: null },
        { t: ints([4], 6), p: rnd([4, 6], 0, 1), w: rnd([4], 0, 2) },
      ];
      await check(new M.SparseTopKCategoricalAccuracy({ k }), batches, (bs) => [weightedMean(bs, (b) => perRow(b, (t, p) => inTopK(t[0]!, p, k)))]);
    });
  }
  it('TopKCategoricalAccuracy default k is 5', () => {
    const m = new M.TopKCategoricalAccuracy();
    alive.push(m);
    expect(m.k).toBe(5);
    expect(m.name).toBe('top_k_categorical_accuracy');
  });
});

// ---- confusion metrics ----------------------------------------------------------------------

const binaryBatches = (): Batch[] => [
  { t: bits([9]), p: rnd([9], 0, 1), w: null },
  { t: bits([6, 1]), p: rnd([6, 1], 0, 1), w: rnd([6], 0, 2) },
  { t: bits([4, 3]), p: rnd([4, 3], 0, 1), w: rnd([4, 1], 0, 2) },
];

describe('confusion-count metrics, Precision and Recall', () => {
  const kinds = [['TruePositives', 'tp'], ['FalsePositives', 'fp'], ['TrueNegatives', 'tn'], ['FalseNegatives', 'fn']] as const;
  for (const [cls, key] of kinds) {
    for (const thresholds of [undefined, [0.2, 0.5, 0.9], [0, 0.5, 1]]) {
      it(`${cls} thresholds ${JSON.stringify(thresholds ?? 0.5)}`, async () => {
        const m = new M[cls]({ thresholds });
        await check(m, binaryBatches(), (bs) => counts(bs, thresholds ?? [0.5])[key]);
      });
    }
  }
  const prCases: { title: string; args: st.metrics.PrecisionRecallArgs; batches: () => Batch[]; thr: number[]; o: { topK?: number; classId?: number } }[] = [
    { title: 'default threshold', args: {}, batches: binaryBatches, thr: [0.5], o: {} },
    { title: 'thresholds [0.1, 0.45, 0.8]', args: { thresholds: [0.1, 0.45, 0.8] }, batches: binaryBatches, thr: [0.1, 0.45, 0.8], o: {} },
    { title: 'evenly spaced thresholds [0, 0.25, 0.5, 0.75, 1]', args: { thresholds: [0, 0.25, 0.5, 0.75, 1] }, batches: binaryBatches, thr: [0, 0.25, 0.5, 0.75, 1], o: {} },
    {
      title: 'topK 2 on multi-label rows', args: { topK: 2 }, thr: [-1e10], o: { topK: 2 },
      batches: () => [{ t: bits([5, 4]), p: coarse([5, 4]), w: null }, { t: bits([3, 4]), p: rnd([3, 4], 0, 1), w: rnd([3], 0, 2) }, { t: bits([4, 4]), p: rnd([4, 4], 0, 1), w: null }],
    },
    {
      title: 'classId 2', args: { classId: 2 }, thr: [0.5], o: { classId: 2 },
      batches: () => [{ t: bits([6, 3]), p: rnd([6, 3], 0, 1), w: null }, { t: bits([5, 3]), p: rnd([5, 3], 0, 1), w: rnd([5], 0, 2) }, { t: bits([2, 3]), p: rnd([2, 3], 0, 1), w: null }],
    },
    {
      title: 'topK 1 with classId 0 and thresholds [0.3, 0.6]', args: { topK: 1, classId: 0, thresholds: [0.3, 0.6] }, thr: [0.3, 0.6], o: { topK: 1, classId: 0 },
      batches: () => [{ t: bits([7, 3]), p: rnd([7, 3], 0, 1), w: rnd([7], 0, 2) }, { t: bits([5, 3]), p: rnd([5, 3], 0, 1), w: null }, { t: bits([3, 3]), p: rnd([3, 3], 0, 1), w: null }],
    },
  ];
  for (const c of prCases) {
    it(`Precision, ${c.title}`, async () => {
      await check(new M.Precision(c.args), c.batches(), (bs) => { const r = counts(bs, c.thr, c.o); return r.tp.map((tp, i) => divNoNan(tp, tp + r.fp[i]!)); });
    });
    it(`Recall, ${c.title}`, async () => {
      await check(new M.Recall(c.args), c.batches(), (bs) => { const r = counts(bs, c.thr, c.o); return r.tp.map((tp, i) => divNoNan(tp, tp + r.fn[i]!)); });
    });
  }
  it('result is a scalar for one threshold and a vector for several', () => {
    const one = new M.Precision();
    const many = new M.Precision({ thresholds: [0.3, 0.7] });
    alive.push(one, many);
    const a = one.result();
    const b = many.result();
    expect(a.shape).toEqual([]);
    expect(b.shape).toEqual([2]);
    st.dispose([a, b]);
  });
});

describe('AUC', () => {
  const cases: { title: string; args: st.metrics.AUCArgs; thresholds: number[]; curve: 'ROC' | 'PR'; method: string }[] = [
    { title: 'ROC, 200 thresholds, interpolation', args: {}, thresholds: aucThresholds(200), curve: 'ROC', method: 'interpolation' },
    { title: 'PR, 200 thresholds, interpolation (Davis & Goadrich)', args: { curve: 'PR' }, thresholds: aucThresholds(200), curve: 'PR', method: 'interpolation' },
    { title: 'ROC, 7 thresholds, minoring', args: { numThresholds: 7, summationMethod: 'minoring' }, thresholds: aucThresholds(7), curve: 'ROC', method: 'minoring' },
    { title: 'ROC, 13 thresholds, majoring', args: { numThresholds: 13, summationMethod: 'majoring' }, thresholds: aucThresholds(13), curve: 'ROC', method: 'majoring' },
    { title: 'PR, 11 thresholds, majoring', args: { numThresholds: 11, curve: 'PR', summationMethod: 'majoring' }, thresholds: aucThresholds(11), curve: 'PR', method: 'majoring' },
    { title: 'PR, 9 thresholds, minoring', args: { numThresholds: 9, curve: 'PR', summationMethod: 'minoring' }, thresholds: aucThresholds(9), curve: 'PR', method: 'minoring' },
    { title: 'ROC with uneven explicit thresholds', args: { thresholds: [0.7, 0.1, 0.33, 0.5] }, thresholds: [-EPS, 0.1, 0.33, 0.5, 0.7, 1 + EPS], curve: 'ROC', method: 'interpolation' },
    { title: 'PR with uneven explicit thresholds', args: { curve: 'PR', thresholds: [0.05, 0.2, 0.6, 0.9] }, thresholds: [-EPS, 0.05, 0.2, 0.6, 0.9, 1 + EPS], curve: 'PR', method: 'interpolation' },
  ];
  for (const c of cases) {
    it(c.title, async () => {
      await check(new M.AUC(c.args), binaryBatches(), (bs) => [aucOracle(counts(bs, c.thresholds), c.curve, c.method)], 1e-4);
    });
  }
  it('fromLogits applies a sigmoid first', async () => {
    const logits = (): Batch[] => binaryBatches().map((b) => ({ ...b, p: { shape: b.p.shape, data: b.p.data.map((x) => Math.fround(Math.log(x / (1 - x)))) } }));
    await check(new M.AUC({ fromLogits: true, numThresholds: 50 }), logits(), (bs) => {
      const probs = bs.map((b) => ({ ...b, p: { shape: b.p.shape, data: b.p.data.map((x) => 1 / (1 + Math.exp(-x))) } }));
      return [aucOracle(counts(probs, aucThresholds(50)), 'ROC', 'interpolation')];
    }, 1e-4);
  });
  it('multiLabel: one curve per label, averaged with labelWeights', async () => {
    const labelWeights = [0.5, 2, 1];
    const batches: Batch[] = [
      { t: bits([8, 3]), p: rnd([8, 3], 0, 1), w: null },
      { t: bits([6, 3]), p: rnd([6, 3], 0, 1), w: rnd([6], 0, 2) },
      { t: bits([5, 3]), p: rnd([5, 3], 0, 1), w: null },
    ];
    const perLabel = (bs: Batch[], j: number): Batch[] => bs.map((b) => ({
      t: { shape: [b.t.shape[0]!], data: rows(b.t).map((r) => r[j]!) },
      p: { shape: [b.p.shape[0]!], data: rows(b.p).map((r) => r[j]!) },
      w: b.w,
    }));
    for (const curve of ['ROC', 'PR'] as const) {
      await check(new M.AUC({ multiLabel: true, numThresholds: 40, labelWeights, curve }), batches, (bs) => {
        const aucs = [0, 1, 2].map((j) => aucOracle(counts(perLabel(bs, j), aucThresholds(40)), curve, 'interpolation'));
        return [sumOf(aucs.map((a, j) => a * labelWeights[j]!)) / sumOf(labelWeights)];
      }, 1e-4);
    }
    await check(new M.AUC({ multiLabel: true, numLabels: 3, thresholds: [0.2, 0.4, 0.9] }), batches, (bs) => {
      return [meanOf([0, 1, 2].map((j) => aucOracle(counts(perLabel(bs, j), [-EPS, 0.2, 0.4, 0.9, 1 + EPS]), 'ROC', 'interpolation')))];
    }, 1e-4);
  });
  it('labelWeights without multiLabel weight the flattened counts', async () => {
    const labelWeights = [1, 0.25, 3];
    const batches: Batch[] = [
      { t: bits([7, 3]), p: rnd([7, 3], 0, 1), w: null },
      { t: bits([5, 3]), p: rnd([5, 3], 0, 1), w: rnd([5], 0, 2) },
    ];
    await check(new M.AUC({ labelWeights, numThresholds: 30 }), batches, (bs) => {
      const weighted = bs.map((b) => ({ ...b, w: { shape: b.p.shape, data: b.p.data.map((_, i) => (b.w ? b.w.data[Math.floor(i / 3)]! : 1) * labelWeights[i % 3]!) } }));
      return [aucOracle(counts(weighted, aucThresholds(30)), 'ROC', 'interpolation')];
    }, 1e-4);
  });
  it('matches the Keras docstring example (num_thresholds=3)', async () => {
    const m = new M.AUC({ numThresholds: 3 });
    alive.push(m);
    m.updateState(st.tensor([0, 0, 1, 1]), st.tensor([0, 0.5, 0.3, 0.9]));
    expectClose(await read(m.result()), [0.75], 1e-6);
  });
});

// ---- F-scores -------------------------------------------------------------------------------

describe('F1Score and FBetaScore', () => {
  function fOracle(bs: Batch[], average: st.metrics.FScoreAverage, threshold: number | null, beta: number): number[] {
    const classes = bs[0]!.p.shape[1]!;
    const tp = new Array<number>(classes).fill(0);
    const fp = [...tp]; const fn = [...tp]; const support = [...tp];
    for (const b of bs) {
      const pr = rows(b.p);
      const tr = rows(b.t);
      pr.forEach((row, i) => {
        const m = Math.max(...row);
        const w = b.w ? b.w.data[i]! : 1;
        row.forEach((x, c) => {
          const pred = threshold === null ? (x >= m && Math.abs(x) > 1e-9 ? 1 : 0) : x > Math.fround(threshold) ? 1 : 0;
          const t = tr[i]![c]!;
          tp[c] += w * pred * t; fp[c] += w * pred * (1 - t); fn[c] += w * (1 - pred) * t; support[c] += w * t;
        });
      });
    }
    const score = (a: number, b: number, c: number): number => {
      const p = a / (a + b + EPS);
      const r = a / (a + c + EPS);
      return ((p * r) / (beta * beta * p + r + EPS)) * (1 + beta * beta);
    };
    if (average === 'micro') return [score(sumOf(tp), sumOf(fp), sumOf(fn))];
    const f = tp.map((x, c) => score(x, fp[c]!, fn[c]!));
    if (average === 'macro') return [meanOf(f)];
    if (average === 'weighted') return [sumOf(f.map((x, c) => (x * support[c]!) / (sumOf(support) + EPS)))];
    return f;
  }
  const batches = (): Batch[] => [
    { t: bits([8, 4], 0.4), p: rnd([8, 4], 0, 1), w: null },
    { t: bits([5, 4], 0.4), p: rnd([5, 4], 0, 1), w: rnd([5], 0, 2) },
    { t: bits([6, 4], 0.4), p: { shape: [6, 4], data: [...rnd([5, 4], 0, 1).data, 0, 0, 0, 0] }, w: null },
  ];
  for (const average of [null, 'micro', 'macro', 'weighted'] as const) {
    for (const threshold of [null, 0.4]) {
      it(`F1Score average ${average}, threshold ${threshold}`, async () => {
        await check(new M.F1Score({ average, threshold }), batches(), (bs) => fOracle(bs, average, threshold, 1), 1e-5);
      });
    }
  }
  it('FBetaScore beta 2, macro', async () => {
    await check(new M.FBetaScore({ beta: 2, average: 'macro', threshold: 0.5 }), batches(), (bs) => fOracle(bs, 'macro', 0.5, 2), 1e-5);
  });
  it('matches the Keras docstring example', async () => {
    const m = new M.F1Score({ threshold: 0.5 });
    alive.push(m);
    m.updateState(st.tensor([[1, 1, 1], [1, 0, 0], [1, 1, 0]]), st.tensor([[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0.0]]));
    expectClose(await read(m.result()), [0.5, 0.8, 0.6666667], 1e-5);
  });
});

// ---- regression and reduction metrics -------------------------------------------------------

const regressionBatches = (): Batch[] => [
  { t: rnd([6, 3], -2, 2), p: rnd([6, 3], -2, 2), w: null },
  { t: rnd([4, 3], -2, 2), p: rnd([4, 3], -2, 2), w: rnd([4], 0, 2) },
  { t: rnd([5, 3], -2, 2), p: rnd([5, 3], -2, 2), w: rnd([5, 1], 0, 2) },
];

describe('regression metrics', () => {
  it('MeanSquaredError', async () => {
    await check(new M.MeanSquaredError(), regressionBatches(), (bs) => [weightedMean(bs, (b) => perRow(b, (t, p) => meanOf(p.map((x, i) => (x - t[i]!) ** 2))))]);
  });
  it('MeanAbsoluteError (with [b] labels vs [b,1])', async () => {
    const batches: Batch[] = [{ t: rnd([7], -2, 2), p: rnd([7, 1], -2, 2), w: null }, ...regressionBatches()];
    await check(new M.MeanAbsoluteError(), batches, (bs) => [weightedMean(bs, (b) => perRow(b, (t, p) => meanOf(p.map((x, i) => Math.abs(x - t[i]!)))))]);
  });
  it('RootMeanSquaredError', async () => {
    await check(new M.RootMeanSquaredError(), regressionBatches(), (bs) => [Math.sqrt(weightedMean(bs, (b) => mapPair(b, (t, p) => (t - p) ** 2)))]);
  });
  it('MeanAbsolutePercentageError, MeanSquaredLogarithmicError, LogCoshError', async () => {
    await check(new M.MeanAbsolutePercentageError(), regressionBatches(), (bs) => [weightedMean(bs, (b) => mapPair(b, (t, p) => (100 * Math.abs(t - p)) / Math.max(Math.abs(t), EPS)))], 1e-4);
    await check(new M.MeanSquaredLogarithmicError(), regressionBatches(), (bs) => [weightedMean(bs, (b) => mapPair(b, (t, p) => (Math.log(Math.max(p, EPS) + 1) - Math.log(Math.max(t, EPS) + 1)) ** 2))]);
    await check(new M.LogCoshError(), regressionBatches(), (bs) => [weightedMean(bs, (b) => mapPair(b, (t, p) => Math.log(Math.cosh(p - t))))]);
  });
  it('CosineSimilarity (positive: 1 is best)', async () => {
    await check(new M.CosineSimilarity(), regressionBatches(), (bs) => [weightedMean(bs, (b) => perRow(b, (t, p) => {
      const nt = Math.sqrt(sumOf(t.map((x) => x * x)));
      const np = Math.sqrt(sumOf(p.map((x) => x * x)));
      return sumOf(t.map((x, i) => x * p[i]!)) / (nt * np);
    }))]);
  });
  function r2Oracle(bs: Batch[], aggregation: st.metrics.R2ClassAggregation, numRegressors: number): number[] {
    const outputs = bs[0]!.p.shape[1]!;
    const s = new Array<number>(outputs).fill(0);
    const sq = [...s]; const mse = [...s]; const count = [...s];
    let samples = 0;
    for (const b of bs) {
      const tr = rows(b.t); const pr = rows(b.p);
      tr.forEach((row, i) => row.forEach((t, j) => {
        const w = b.w ? b.w.data[i]! : 1;
        s[j] += w * t; sq[j] += w * t * t; mse[j] += w * (t - pr[i]![j]!) ** 2; count[j] += w;
      }));
      samples += b.t.data.length;
    }
    const total = s.map((x, j) => sq[j]! - (x * x) / count[j]!);
    const raw = total.map((tot, j) => 1 - mse[j]! / tot);
    let r2 = aggregation === 'uniform_average' ? [meanOf(raw)] : aggregation === 'variance_weighted_average' ? [sumOf(total.map((t, j) => t * raw[j]!)) / sumOf(total)] : raw;
    if (numRegressors !== 0 && samples - 1 > numRegressors) r2 = r2.map((x) => 1 - ((1 - x) * (samples - 1)) / (samples - numRegressors - 1));
    return r2;
  }
  for (const aggregation of ['uniform_average', 'variance_weighted_average', null] as const) {
    it(`R2Score ${aggregation}`, async () => {
      await check(new M.R2Score({ classAggregation: aggregation }), regressionBatches(), (bs) => r2Oracle(bs, aggregation, 0), 1e-4);
    });
  }
  it('R2Score adjusted (numRegressors 2)', async () => {
    await check(new M.R2Score({ numRegressors: 2 }), regressionBatches(), (bs) => r2Oracle(bs, 'uniform_average', 2), 1e-4);
  });
});

describe('reduction metrics', () => {
  const valueBatches = (): { v: Arr; w: Arr | null }[] => [
    { v: rnd([6], -3, 3), w: null },
    { v: rnd([4, 3], -3, 3), w: rnd([4], 0, 2) },
    { v: rnd([5, 2], -3, 3), w: rnd([5, 2], 0, 2) },
    { v: rnd([3], -3, 3), w: rnd([3, 1], 0, 2) },
  ];
  /** Keras' reduce_to_samplewise_values, in float64. */
  const samplewise = (v: Arr, w: Arr | null, reduceMean: boolean): { values: number[]; weights: number[] | null } => {
    const n = v.shape[0]!;
    const per = v.data.length / n;
    const agg = (xs: number[]): number => (reduceMean ? meanOf(xs) : sumOf(xs));
    const values: number[] = [];
    const weights: number[] = [];
    for (let i = 0; i < n; i++) {
      const xs = v.data.slice(i * per, (i + 1) * per);
      const ws = w ? (w.data.length === v.data.length ? w.data.slice(i * per, (i + 1) * per) : xs.map(() => w.data[i]!)) : xs.map(() => 1);
      if (w && w.data.length === v.data.length) { values.push(agg(xs.map((x, k) => x * ws[k]!))); weights.push(agg(ws)); } else { values.push(agg(xs) * ws[0]!); weights.push(ws[0]!); }
    }
    return { values, weights: w ? weights : null };
  };
  async function feed(metric: st.metrics.Mean | st.metrics.Sum, batches: { v: Arr; w: Arr | null }[], expected: (bs: { v: Arr; w: Arr | null }[]) => number): Promise<void> {
    for (let i = 0; i < batches.length; i++) {
      const v = st.tensor(batches[i]!.v.data, batches[i]!.v.shape);
      const w = batches[i]!.w ? st.tensor(batches[i]!.w!.data, batches[i]!.w!.shape) : null;
      noReads(() => metric.updateState(v, w));
      expectClose(await read(metric.result()), [expected(batches.slice(0, i + 1))], 1e-5);
      st.dispose([v, w]);
    }
    metric.resetState();
    expectClose(await read(metric.result()), [0], 0);
    metric.dispose();
  }
  it('Mean', async () => {
    await feed(new M.Mean(), valueBatches(), (bs) => {
      let total = 0; let count = 0;
      for (const b of bs) {
        const r = samplewise(b.v, b.w, true);
        total += sumOf(r.values);
        count += r.weights ? sumOf(r.weights) : r.values.length;
      }
      return total / count;
    });
  });
  it('Sum', async () => {
    await feed(new M.Sum(), valueBatches(), (bs) => sumOf(bs.map((b) => sumOf(samplewise(b.v, b.w, false).values))));
  });
  it('MeanMetricWrapper around a custom function is named after it', async () => {
    function maxError(t: st.Tensor, p: st.Tensor): st.Tensor {
      return st.max(st.abs(st.sub(t, p)), -1);
    }
    const m = M.getMetric(maxError);
    expect(m.name).toBe('maxError');
    await check(m, regressionBatches(), (bs) => [weightedMean(bs, (b) => perRow(b, (t, p) => Math.max(...p.map((x, i) => Math.abs(x - t[i]!)))))]);
  });
});

describe('probabilistic and hinge metrics', () => {
  const probs = (): Batch[] => [
    { t: bits([6, 3]), p: rnd([6, 3], 0.01, 0.99), w: null },
    { t: bits([4, 3]), p: rnd([4, 3], 0.01, 0.99), w: rnd([4], 0, 2) },
    { t: bits([5, 3]), p: rnd([5, 3], 0.01, 0.99), w: null },
  ];
  const bce = (t: number, p: number): number => { const o = clip(p, EPS, ONE_MINUS_EPS); return -(t * Math.log(o) + (1 - t) * Math.log(1 - o)); };
  it('BinaryCrossentropy (with label smoothing)', async () => {
    await check(new M.BinaryCrossentropy({ labelSmoothing: 0.1 }), probs(), (bs) => [weightedMean(bs, (b) => mapPair(b, (t, p) => bce(t * 0.9 + 0.05, p)))]);
  });
  it('CategoricalCrossentropy and SparseCategoricalCrossentropy (fromLogits)', async () => {
    const lsm = (row: number[]): number[] => { const m = Math.max(...row); const z = Math.log(sumOf(row.map((x) => Math.exp(x - m)))) + m; return row.map((x) => x - z); };
    const labels = [ints([5], 4), ints([6], 4), ints([3], 4)];
    const logits = [rnd([5, 4], -3, 3), rnd([6, 4], -3, 3), rnd([3, 4], -3, 3)];
    const weights = [null, rnd([6], 0, 2), null];
    const dense: Batch[] = labels.map((l, i) => ({ t: oneHot(l.data, 4), p: logits[i]!, w: weights[i]! }));
    const sparse: Batch[] = labels.map((l, i) => ({ t: l, p: logits[i]!, w: weights[i]!, tDtype: 'int32' }));
    await check(new M.CategoricalCrossentropy({ fromLogits: true }), dense, (bs) => [weightedMean(bs, (b) => perRow(b, (t, p) => -sumOf(lsm(p).map((x, i) => x * t[i]!))))]);
    await check(new M.SparseCategoricalCrossentropy({ fromLogits: true }), sparse, (bs) => [weightedMean(bs, (b) => perRow(b, (t, p) => -lsm(p)[t[0]!]!))]);
  });
  it('KLDivergence, Poisson, Hinge, SquaredHinge, CategoricalHinge', async () => {
    await check(new M.KLDivergence(), probs(), (bs) => [weightedMean(bs, (b) => perRow(b, (t, p) => sumOf(t.map((x, i) => { const a = clip(x, EPS, 1); return a * Math.log(a / clip(p[i]!, EPS, 1)); }))))]);
    await check(new M.Poisson(), probs(), (bs) => [weightedMean(bs, (b) => mapPair(b, (t, p) => p - t * Math.log(p + EPS)))]);
    await check(new M.Hinge(), probs(), (bs) => [weightedMean(bs, (b) => mapPair(b, (t, p) => Math.max(1 - (2 * t - 1) * p, 0)))]);
    await check(new M.SquaredHinge(), probs(), (bs) => [weightedMean(bs, (b) => mapPair(b, (t, p) => Math.max(1 - (2 * t - 1) * p, 0) ** 2))]);
    await check(new M.CategoricalHinge(), probs(), (bs) => [weightedMean(bs, (b) => perRow(b, (t, p) => Math.max(Math.max(...p.map((x, i) => (1 - t[i]!) * x)) - sumOf(p.map((x, i) => x * t[i]!)) + 1, 0)))]);
  });
});

// ---- IoU ------------------------------------------------------------------------------------

describe('IoU metrics', () => {
  function iouOracle(bs: Batch[], classes: number, targets: number[], o: { ignoreClass?: number; denseT?: boolean; denseP?: boolean; threshold?: number } = {}): number[] {
    const cm = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
    for (const b of bs) {
      const t = o.denseT ? rows(b.t).map(argmax) : b.t.data;
      const p = o.threshold !== undefined ? b.p.data.map((x) => (x >= Math.fround(o.threshold!) ? 1 : 0)) : o.denseP ? rows(b.p).map(argmax) : b.p.data;
      t.forEach((label, i) => {
        if (label === o.ignoreClass) return;
        const w = b.w ? b.w.data[i]! : 1;
        cm[Math.trunc(label)]![Math.trunc(p[i]!)] += w;
      });
    }
    const tp = cm.map((r, i) => r[i]!);
    const den = tp.map((x, i) => sumOf(cm[i]!) + sumOf(cm.map((r) => r[i]!)) - x);
    const valid = targets.filter((i) => den[i]! > 1e-9).length;
    return [sumOf(targets.map((i) => tp[i]! / (den[i]! + EPS))) / (valid + EPS)];
  }
  it('MeanIoU with sparse ids, weights and a class never seen', async () => {
    const batches: Batch[] = [
      { t: ints([12], 4), p: ints([12], 4), w: null },
      { t: ints([3, 4], 4), p: ints([3, 4], 4), w: rnd([3, 4], 0, 2) },
      { t: ints([9], 3), p: ints([9], 3), w: rnd([9], 0, 2) },
    ];
    await check(new M.MeanIoU({ numClasses: 5 }), batches, (bs) => iouOracle(bs, 5, [0, 1, 2, 3, 4]));
  });
  it('MeanIoU with ignoreClass and dense predictions', async () => {
    const batches: Batch[] = [
      { t: { shape: [8], data: ints([8], 3).data.map((x, i) => (i % 3 === 0 ? 255 : x)) }, p: rnd([8, 3], 0, 1), w: null },
      { t: ints([6], 3), p: rnd([6, 3], 0, 1), w: rnd([6], 0, 2) },
    ];
    await check(new M.MeanIoU({ numClasses: 3, ignoreClass: 255, sparseYPred: false }), batches, (bs) => iouOracle(bs, 3, [0, 1, 2], { ignoreClass: 255, denseP: true }));
  });
  it('IoU over target classes, with dense labels and predictions', async () => {
    const batches: Batch[] = [
      { t: oneHot(ints([10], 4).data, 4), p: rnd([10, 4], 0, 1), w: null },
      { t: oneHot(ints([7], 4).data, 4), p: rnd([7, 4], 0, 1), w: rnd([7], 0, 2) },
    ];
    await check(new M.IoU({ numClasses: 4, targetClassIds: [1, 3], sparseYTrue: false, sparseYPred: false }), batches, (bs) => iouOracle(bs, 4, [1, 3], { denseT: true, denseP: true }));
  });
  it('BinaryIoU thresholds predictions', async () => {
    await check(new M.BinaryIoU({ threshold: 0.3 }), binaryBatches().slice(0, 2).concat(binaryBatches().slice(0, 1)).map((b) => ({ ...b, t: { shape: b.p.shape, data: b.t.data } })),
      (bs) => iouOracle(bs.map((b) => ({ ...b, w: b.w && b.w.data.length !== b.t.data.length ? { shape: b.t.shape, data: b.t.data.map((_, i) => b.w!.data[Math.floor(i / size(b.t.shape.slice(1)))]!) } : b.w })), 2, [0, 1], { threshold: 0.3 }));
  });
});

// ---- getMetric ------------------------------------------------------------------------------

describe('getMetric', () => {
  const ctx = (loss: st.Loss | null, outputShape: (number | null)[] | null): st.metrics.MetricContext => ({ loss, outputShape });
  it("resolves 'accuracy'/'acc' like Keras and keeps the user's spelling as the name", () => {
    const L = st.losses;
    const cases: [string, st.metrics.MetricContext, string][] = [
      ['accuracy', ctx(new L.BinaryCrossentropy(), [null, 4]), 'BinaryAccuracy'],
      ['acc', ctx(new L.BinaryFocalCrossentropy(), [null, 1]), 'BinaryAccuracy'],
      ['accuracy', ctx(new L.SparseCategoricalCrossentropy(), [null, 10]), 'SparseCategoricalAccuracy'],
      ['acc', ctx(new L.CategoricalCrossentropy(), [null, 10]), 'CategoricalAccuracy'],
      ['accuracy', ctx(new L.MeanSquaredError(), [null, 1]), 'BinaryAccuracy'],
      ['accuracy', ctx(null, [null, 5]), 'CategoricalAccuracy'],
      ['crossentropy', ctx(new L.BinaryCrossentropy(), [null, 1]), 'BinaryCrossentropy'],
      ['ce', ctx(new L.SparseCategoricalCrossentropy(), [null, 3]), 'SparseCategoricalCrossentropy'],
    ];
    for (const [name, context, cls] of cases) {
      const m = M.getMetric(name, context);
      alive.push(m);
      expect(m.getClassName(), `${name}`).toBe(cls);
      expect(m.name).toBe(name);
    }
  });
  it('resolves names in camelCase and snake_case, class names and aliases', () => {
    const expected: [string, string][] = [
      ['mse', 'MeanSquaredError'], ['mean_squared_error', 'MeanSquaredError'], ['meanSquaredError', 'MeanSquaredError'], ['mae', 'MeanAbsoluteError'],
      ['mape', 'MeanAbsolutePercentageError'], ['msle', 'MeanSquaredLogarithmicError'], ['rmse', 'RootMeanSquaredError'], ['RootMeanSquaredError', 'RootMeanSquaredError'],
      ['auc', 'AUC'], ['AUC', 'AUC'], ['precision', 'Precision'], ['recall', 'Recall'], ['f1_score', 'F1Score'], ['f1Score', 'F1Score'],
      ['binary_accuracy', 'BinaryAccuracy'], ['categoricalAccuracy', 'CategoricalAccuracy'], ['sparse_categorical_accuracy', 'SparseCategoricalAccuracy'],
      ['top_k_categorical_accuracy', 'TopKCategoricalAccuracy'], ['sparseTopKCategoricalAccuracy', 'SparseTopKCategoricalAccuracy'],
      ['true_positives', 'TruePositives'], ['falseNegatives', 'FalseNegatives'], ['r2_score', 'R2Score'], ['cosine_similarity', 'CosineSimilarity'],
      ['logcosh', 'LogCoshError'], ['binary_crossentropy', 'BinaryCrossentropy'], ['kld', 'KLDivergence'], ['poisson', 'Poisson'],
      ['hinge', 'Hinge'], ['squared_hinge', 'SquaredHinge'], ['categorical_hinge', 'CategoricalHinge'], ['huber', 'MeanMetricWrapper'],
    ];
    for (const [name, cls] of expected) {
      const m = M.getMetric(name, ctx(null, null));
      alive.push(m);
      expect(m.getClassName(), name).toBe(cls);
      expect(m.name).toBe(name);
    }
    const given = new M.AUC();
    alive.push(given);
    expect(M.getMetric(given, ctx(null, null))).toBe(given);
  });
  it('rejects unknown names with the list, and meanIoU without numClasses', () => {
    expect(() => M.getMetric('acuracy', ctx(null, null))).toThrow(/getMetric: unknown metric 'acuracy'. Known metrics: accuracy, acc, .*mean_squared_error/);
    expect(() => M.getMetric('meanIoU', ctx(null, null))).toThrow(/needs numClasses/);
    expect(() => M.getMetric(3 as unknown as string, ctx(null, null))).toThrow(/getMetric: expected a Metric/);
  });
  it('every metric round-trips through its config', async () => {
    const metrics: st.Metric[] = [
      new M.Accuracy({ name: 'acc' }), new M.BinaryAccuracy({ threshold: 0.3 }), new M.CategoricalAccuracy(), new M.SparseCategoricalAccuracy(),
      new M.TopKCategoricalAccuracy({ k: 2 }), new M.SparseTopKCategoricalAccuracy({ k: 3 }), new M.Precision({ thresholds: [0.2, 0.6], classId: 1 }),
      new M.Recall({ topK: 2 }), new M.AUC({ curve: 'PR', numThresholds: 50, summationMethod: 'minoring' }), new M.AUC({ thresholds: [0.2, 0.5] }),
      new M.F1Score({ average: 'macro', threshold: 0.4 }), new M.FBetaScore({ beta: 2 }), new M.MeanSquaredError(), new M.RootMeanSquaredError(),
      new M.MeanAbsoluteError(), new M.R2Score({ classAggregation: null, numRegressors: 1 }), new M.Mean({ name: 'm' }), new M.Sum(),
      new M.TruePositives({ thresholds: [0.1, 0.9] }), new M.TrueNegatives(), new M.FalsePositives(), new M.FalseNegatives(),
      new M.MeanIoU({ numClasses: 3, ignoreClass: 0 }), new M.IoU({ numClasses: 4, targetClassIds: [0, 2] }), new M.BinaryIoU({ threshold: 0.4 }),
      new M.CosineSimilarity({ axis: -1 }), new M.BinaryCrossentropy({ fromLogits: true }), new M.CategoricalCrossentropy({ labelSmoothing: 0.1 }),
      new M.SparseCategoricalCrossentropy({ fromLogits: true }), new M.KLDivergence(), new M.Poisson(), new M.Hinge(), new M.SquaredHinge(),
      new M.CategoricalHinge(), new M.LogCoshError(), new M.MeanAbsolutePercentageError(), new M.MeanSquaredLogarithmicError(),
      M.getMetric('huber', ctx(null, null)),
    ];
    for (const m of metrics) {
      const json = JSON.parse(JSON.stringify(st.serializeObject(m))) as st.SerializedObject;
      const back = M.getMetric(json, ctx(null, null));
      expect(back.getClassName()).toBe(m.getClassName());
      expect(back.getConfig()).toEqual(m.getConfig());
      alive.push(m, back);
    }
  });
});

// ---- errors ---------------------------------------------------------------------------------

describe('errors', () => {
  it('name the metric, the argument and the shapes', () => {
    const make = <T extends st.Metric>(m: T): T => { alive.push(m); return m; };
    expect(() => make(new M.CategoricalAccuracy()).updateState(st.zeros([4]), st.zeros([4, 3]))).toThrow(/categoricalAccuracy: yTrue \[4\] must be one-hot with the shape of yPred \[4,3\]/);
    expect(() => make(new M.SparseCategoricalAccuracy()).updateState(st.zeros([4, 3]), st.zeros([4, 3]))).toThrow(/sparseCategoricalAccuracy: yTrue \[4,3\] must have shape \[4\] or \[4,1\]/);
    expect(() => make(new M.BinaryAccuracy()).updateState(st.zeros([4, 2]), st.zeros([4, 3]))).toThrow(/binaryAccuracy: yTrue \[4,2\] and yPred \[4,3\]/);
    expect(() => make(new M.Precision()).updateState(st.zeros([4, 2]), st.zeros([4, 3]))).toThrow(/precision: yTrue \[4,2\] and yPred \[4,3\] must have the same shape/);
    expect(() => make(new M.Precision({ classId: 5 })).updateState(st.zeros([4, 3]), st.zeros([4, 3]))).toThrow(/classId 5 is out of range for yPred \[4,3\]/);
    expect(() => make(new M.MeanSquaredError()).updateState(st.zeros([4, 3]), st.zeros([4, 3]), st.ones([3]))).toThrow(/mean_squared_error: sampleWeight \[3\] does not broadcast/);
    expect(() => make(new M.F1Score()).updateState(st.zeros([4]), st.zeros([4]))).toThrow(/f1_score: expects yTrue and yPred of shape \[batch, classes\]/);
    expect(() => make(new M.R2Score()).updateState(st.zeros([4]), st.zeros([4]))).toThrow(/r2_score: expects 2D inputs/);
    expect(() => make(new M.AUC({ multiLabel: true })).updateState(st.zeros([4]), st.zeros([4]))).toThrow(/auc: yPred must have rank 2/);
    const f1 = make(new M.F1Score());
    f1.updateState(st.zeros([2, 3]), st.zeros([2, 3]));
    expect(() => f1.updateState(st.zeros([2, 4]), st.zeros([2, 4]))).toThrow(/yPred has 4 classes but the metric was built for 3/);
  });
  it('bad arguments', () => {
    expect(() => new M.Precision({ thresholds: [0.5, 1.5] })).toThrow(/precision: thresholds must be numbers in \[0, 1\]/);
    expect(() => new M.AUC({ curve: 'XY' as 'ROC' })).toThrow(/auc: curve must be 'ROC' or 'PR'/);
    expect(() => new M.AUC({ numThresholds: 1 })).toThrow(/numThresholds must be an integer ≥ 2/);
    expect(() => new M.AUC({ numLabels: 3 })).toThrow(/numLabels is only used with multiLabel/);
    expect(() => new M.F1Score({ average: 'mean' as 'macro' })).toThrow(/average must be null, 'micro', 'macro' or 'weighted'/);
    expect(() => new M.F1Score({ threshold: 0 })).toThrow(/threshold must be null or a number in \(0, 1\]/);
    expect(() => new M.TopKCategoricalAccuracy({ k: 0 })).toThrow(/k must be an integer ≥ 1/);
    expect(() => new M.MeanIoU({ numClasses: 0 })).toThrow(/numClasses must be an integer ≥ 1/);
    expect(() => new M.IoU({ numClasses: 3, targetClassIds: [3] })).toThrow(/targetClassIds must be a non-empty list of class ids in \[0, 3\)/);
    expect(() => new M.R2Score({ classAggregation: 'sum' as 'uniform_average' })).toThrow(/classAggregation must be/);
    expect(() => new M.Mean({ dtype: 'int32' })).toThrow(/metrics keep float32 state/);
  });
});

// ---- TensorFlow.js ----------------------------------------------------------------------------

describe('against TensorFlow.js metric functions (one batch, per-sample means)', () => {
  const tfv = async (x: tf.Tensor): Promise<number[]> => { const v = [...(await x.data())]; x.dispose(); return v; };
  async function compare(metric: st.Metric, t: Arr, p: Arr, tflFn: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, tDtype: 'float32' | 'int32' = 'float32'): Promise<void> {
    alive.push(metric);
    metric.updateState(st.tensor(t.data, t.shape, tDtype), st.tensor(p.data, p.shape));
    const ref = await tfv(tf.mean(tflFn(tf.tensor(t.data, t.shape, tDtype), tf.tensor(p.data, p.shape))));
    expectClose(await read(metric.result()), ref, 1e-5);
  }
  it('binaryAccuracy, categoricalAccuracy, sparseCategoricalAccuracy', async () => {
    await compare(new M.BinaryAccuracy(), bits([9, 1]), rnd([9, 1], 0, 1), tfl.metrics.binaryAccuracy);
    const labels = ints([8], 5);
    const p = rnd([8, 5], 0, 1);
    await compare(new M.CategoricalAccuracy(), oneHot(labels.data, 5), p, tfl.metrics.categoricalAccuracy);
    await compare(new M.SparseCategoricalAccuracy(), labels, p, tfl.metrics.sparseCategoricalAccuracy);
  });
  it('precision and recall on 0/1 predictions', async () => {
    const t = bits([12]);
    const p = bits([12]);
    await compare(new M.Precision(), t, p, tfl.metrics.precision);
    await compare(new M.Recall(), t, p, tfl.metrics.recall);
  });
  it('meanSquaredError, meanAbsoluteError, MAPE, binaryCrossentropy', async () => {
    const t = rnd([7, 3], -2, 2);
    const p = rnd([7, 3], -2, 2);
    await compare(new M.MeanSquaredError(), t, p, tfl.metrics.meanSquaredError);
    await compare(new M.MeanAbsoluteError(), t, p, tfl.metrics.meanAbsoluteError);
    await compare(new M.MeanAbsolutePercentageError(), t, p, tfl.metrics.MAPE);
    await compare(new M.BinaryCrossentropy(), bits([7, 3]), rnd([7, 3], 0.02, 0.98), tfl.metrics.binaryCrossentropy);
  });
  it('r2Score on one output', async () => {
    const t = rnd([10, 1], -2, 2);
    const p = rnd([10, 1], -2, 2);
    await compare(new M.R2Score(), t, p, tfl.metrics.r2Score);
  });
});
