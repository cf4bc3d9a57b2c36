/**
 * Preprocessing layers: Normalization (fixed statistics, adapt from tensors, rows and (async)
 * iterables, invert) against float64 oracles, and Rescaling against TensorFlow.js; the Keras-style
 * layer test, configs, errors and memory.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as st from '@strata/core';
import * as tfl from '@tensorflow/tfjs-layers';
import { randomSource, randomValues } from '../setup.js';
import { checkLayer } from './harness.js';
import { json, maxRelError, randomTensor, sizeOf, unravel, useCpuBackends } from './layer-test-utils.js';

beforeAll(useCpuBackends);

/** Float64 mean and population variance per index of the kept axes (row-major over those axes). */
function keptMoments(v: readonly number[], shape: readonly number[], keep: readonly number[]): { mean: number[]; variance: number[] } {
  const k = sizeOf(keep.map((a) => shape[a]!));
  const slot = (i: number) => {
    const c = unravel(i, shape);
    return keep.reduce((acc, a) => acc * shape[a]! + c[a]!, 0);
  };
  const sum = new Array<number>(k).fill(0);
  const n = new Array<number>(k).fill(0);
  v.forEach((x, i) => {
    sum[slot(i)] += x;
    n[slot(i)] += 1;
  });
  const mean = sum.map((s, j) => s / n[j]!);
  const sq = new Array<number>(k).fill(0);
  v.forEach((x, i) => (sq[slot(i)] += (x - mean[slot(i)]!) ** 2));
  return { mean, variance: sq.map((s, j) => s / n[j]!) };
}

/** The float64 oracle of Normalization's call. */
function normalizeOracle(v: readonly number[], shape: readonly number[], keep: readonly number[], mean: readonly number[], variance: readonly number[], invert = false): number[] {
  return v.map((x, i) => {
    const c = unravel(i, shape);
    const j = keep.reduce((acc, a) => acc * shape[a]! + c[a]!, 0);
    const std = Math.max(Math.sqrt(variance[mean.length === 1 ? 0 : j]!), 1e-7);
    const m = mean[mean.length === 1 ? 0 : j]!;
    return invert ? m + x * std : (x - m) / std;
  });
}

describe('Normalization', () => {
  const noTrainingReason = 'no trainable weights';
  /** An adapted-style layer (statistics in weights) with random statistics. */
  const withWeights = (axis: number[], shape: number[], invert = false) => () => {
    const layer = st.layers.normalization({ axis, invert });
    const probe = st.zeros([1, ...shape.slice(1)]);
    layer.apply(probe).dispose();
    probe.dispose();
    const k = sizeOf(layer.weights[0]!.shape);
    const stats = [st.tensor(randomValues(randomSource(31), k, -1, 1), [...layer.weights[0]!.shape]), st.tensor(randomValues(randomSource(32), k, 0.2, 3), [...layer.weights[1]!.shape])];
    layer.setWeights(stats);
    st.dispose(stats);
    return layer;
  };

  it('passes the layer test with fixed statistics and with learned ones (weights)', async () => {
    await checkLayer({ make: () => st.layers.normalization({ mean: [0.5, -1, 2, 0, 1], variance: [1, 4, 0.25, 2, 9] }), inputShapes: [[4, 5]], weights: { trainable: 0, nonTrainable: 0, params: 0 }, noTrainingReason });
    await checkLayer({ make: withWeights([1, 2], [2, 3, 4]), inputShapes: [[2, 3, 4]], weights: { trainable: 0, nonTrainable: 2, params: 24 }, noTrainingReason });
    await checkLayer({ make: withWeights([-1], [3, 2, 5], true), inputShapes: [[3, 2, 5]], weights: { trainable: 0, nonTrainable: 2, params: 10 }, noTrainingReason });
  });

  it('matches the float64 oracle with given statistics (per feature, scalar, nested, inverted)', async () => {
    const cases = [
      { shape: [4, 5], axis: -1, mean: [0.5, -1, 2, 0, 1], variance: [1, 4, 0.25, 2, 9], keep: [1] },
      { shape: [3, 2, 4], axis: null, mean: 1.5, variance: 2.5, keep: [] },
      { shape: [3, 2, 4], axis: [1, 2], mean: [[1, 2, 3, 4], [-1, -2, -3, -4]], variance: [[1, 2, 3, 4], [0.5, 0.25, 1e-20, 8]], keep: [1, 2] },
    ];
    for (const { shape, axis, mean, variance, keep } of cases) {
      for (const invert of [false, true]) {
        const { t, v } = randomTensor(shape, 41, -3, 3);
        const y = st.layers.normalization({ axis, mean, variance, invert }).apply(t);
        const flat = (m: number | number[] | number[][]) => (typeof m === 'number' ? [m] : m.flat());
        const expected = normalizeOracle(v, shape, keep, flat(mean), flat(variance), invert);
        expect(maxRelError(y.dataSync(), expected), JSON.stringify({ shape, axis, invert })).toBeLessThanOrEqual(1e-5);
        st.dispose([t, y]);
      }
    }
  });

  it('adapt learns the mean and population variance from a tensor, rows, and (async) iterables of batches', async () => {
    const shape = [37, 3, 4];
    const { t, v } = randomTensor(shape, 51, -5, 20);
    const expected = keptMoments(v, shape, [2]);
    const check = (layer: st.layers.Normalization, what: string) => {
      expect(maxRelError(layer.adaptMean!.dataSync(), expected.mean), `${what} mean`).toBeLessThanOrEqual(1e-6);
      expect(maxRelError(layer.adaptVariance!.dataSync(), expected.variance), `${what} variance`).toBeLessThanOrEqual(1e-6);
    };
    const fromTensor = st.layers.normalization();
    await fromTensor.adapt(t);
    check(fromTensor, 'tensor');
    // Batches of uneven sizes, as a Dataset would give.
    const bounds = [0, 10, 11, 30, 37];
    const batches = bounds.slice(1).map((end, i) => st.slice(t, [bounds[i]!, 0, 0], [end - bounds[i]!, 3, 4]));
    const fromIterable = st.layers.normalization();
    await fromIterable.adapt(batches);
    check(fromIterable, 'array of batches');
    expect(batches.every((b) => !b.isDisposed), 'an array of tensors stays the caller\'s').toBe(true);
    // Elements taken from iterators are handed over, and adapt disposes them.
    const before = st.memory().tensors;
    const fromGenerator = st.layers.normalization();
    await fromGenerator.adapt((function* () { for (const b of batches) yield st.clone(b); })());
    check(fromGenerator, 'generator');
    const fromAsync = st.layers.normalization();
    await fromAsync.adapt((async function* () { for (const b of batches) yield st.clone(b); })());
    check(fromAsync, 'async generator');
    const fromDataset = st.layers.normalization();
    await fromDataset.adapt(st.data.Dataset.fromArrays(t).batch(8));
    check(fromDataset, 'Dataset');
    expect(st.memory().tensors, 'only the new layers\' weights remain').toBe(before + 6);
    // The adapted layer normalizes with what it learned.
    const y = fromTensor.apply(t);
    expect(maxRelError(y.dataSync(), normalizeOracle(v, shape, [2], expected.mean, expected.variance))).toBeLessThanOrEqual(1e-5);
    st.dispose([t, y, ...batches]);
    for (const l of [fromTensor, fromIterable, fromGenerator, fromAsync, fromDataset]) l.dispose();
  });

  it('adapt from rows of numbers, over several axes, and 1-D data; stays accurate with a large offset', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => randomValues(randomSource(60 + i), 3, -1, 1).map((x, j) => x * (j + 1) + 10 * j));
    const byRows = st.layers.normalization();
    await byRows.adapt(rows);
    const flatRows = rows.flat();
    const expectedRows = keptMoments(flatRows, [50, 3], [1]);
    expect(maxRelError(byRows.adaptMean!.dataSync(), expectedRows.mean)).toBeLessThanOrEqual(1e-6);
    expect(maxRelError(byRows.adaptVariance!.dataSync(), expectedRows.variance)).toBeLessThanOrEqual(1e-6);

    const shape = [6, 3, 2, 4];
    const { t, v } = randomTensor(shape, 61);
    const multi = st.layers.normalization({ axis: [1, 3] });
    await multi.adapt(t);
    const expectedMulti = keptMoments(v, shape, [1, 3]);
    expect([...multi.adaptMean!.shape]).toEqual([3, 4]);
    expect(maxRelError(multi.adaptMean!.dataSync(), expectedMulti.mean)).toBeLessThanOrEqual(1e-6);
    expect(maxRelError(multi.adaptVariance!.dataSync(), expectedMulti.variance)).toBeLessThanOrEqual(1e-6);

    const oneD = randomValues(randomSource(62), 40, 1e4, 1e4 + 1);
    const t1 = st.tensor(oneD);
    const layer1 = st.layers.normalization();
    await layer1.adapt(t1);
    const e1 = keptMoments(oneD, [40, 1], [1]);
    expect([...layer1.adaptMean!.shape]).toEqual([1]);
    expect(Math.abs(layer1.adaptMean!.dataSync()[0]! - e1.mean[0]!) / e1.mean[0]!).toBeLessThanOrEqual(1e-6);
    expect(Math.abs(layer1.adaptVariance!.dataSync()[0]! - e1.variance[0]!) / e1.variance[0]!).toBeLessThanOrEqual(1e-4);
    st.dispose([t, t1]);
    for (const l of [byRows, multi, layer1]) l.dispose();
  });

  it('learned statistics are non-trainable weights that save and load through getWeights/setWeights', async () => {
    const { t, v } = randomTensor([20, 3], 71, 0, 5);
    const layer = st.layers.normalization({ name: 'norm_weights' });
    await layer.adapt(t);
    expect(layer.trainableWeights.length).toBe(0);
    expect(layer.nonTrainableWeights.map((w) => w.name)).toEqual(['norm_weights/mean', 'norm_weights/variance']);
    const copy = st.layers.Normalization.fromConfig(JSON.parse(JSON.stringify(layer.getConfig())) as st.ConfigDict) as st.layers.Normalization;
    copy.apply(t).dispose();
    const saved = layer.getWeights();
    copy.setWeights(saved);
    const a = layer.apply(t);
    const b = copy.apply(t);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    const e = keptMoments(v, [20, 3], [1]);
    expect(maxRelError(a.dataSync(), normalizeOracle(v, [20, 3], [1], e.mean, e.variance))).toBeLessThanOrEqual(1e-5);
    st.dispose([t, a, b, ...saved]);
    layer.dispose();
    copy.dispose();
  });

  it('has the Keras 3 config keys and defaults', async () => {
    expect(json(st.layers.normalization().getConfig())).toEqual({ axis: [-1], invert: false, mean: null, variance: null, trainable: true, dtype: 'float32' });
    expect(json(st.layers.normalization({ axis: null, mean: 2, variance: 3, invert: true }).getConfig())).toEqual({ axis: [], invert: true, mean: 2, variance: 3, trainable: true, dtype: 'float32' });
  });

  it('gives clear errors', async () => {
    expect(() => st.layers.normalization({ mean: [1, 2] })).toThrow(/Normalization: give both mean and variance, or neither/);
    expect(() => st.layers.normalization({ mean: 1, variance: -1 })).toThrow(/Normalization: variance must be ≥ 0/);
    expect(() => st.layers.normalization({ axis: 1.5 })).toThrow(/Normalization: axis must be an integer, a list of integers or null/);
    const x = st.ones([2, 3]);
    expect(() => st.layers.normalization({ mean: [1, 2], variance: [1, 2], name: 'nm' }).apply(x)).toThrow(/nm: mean has 2 values but the kept axes of input shape \[2,3\] have shape \[3\] \(3 values\); give 1 or 3/);
    expect(() => st.layers.normalization({ axis: 2, name: 'na' }).apply(x)).toThrow(/na: axis \[2\] is out of range for input shape \[2,3\] \(rank 2\)/);
    expect(() => st.layers.normalization({ axis: 0, name: 'nb' }).apply(st.input({ shape: [3] }))).toThrow(/nb: kept axis 0 must have a known size, got input shape \[null,3\]/);
    await expect(st.layers.normalization({ mean: 0, variance: 1, name: 'nc' }).adapt(x)).rejects.toThrow(/nc.adapt: this layer was given mean and variance/);
    const built = st.layers.normalization({ name: 'nd' });
    await built.adapt(x);
    const other = st.ones([2, 4]);
    await expect(built.adapt(other)).rejects.toThrow(/nd.adapt: batch 0 of shape \[2,4\] has kept axes of shape \[4\], but the layer was built for \[3\]/);
    const rank3 = st.ones([2, 3, 1]);
    expect(() => built.apply(rank3)).toThrow(/nd: input must have rank 2, got shape \[2,3,1\]/);
    rank3.dispose();
    await expect(st.layers.normalization({ name: 'ne' }).adapt([])).rejects.toThrow(/ne.adapt: the data has no examples/);
    const before = st.memory().tensors;
    const pairs = st.data.Dataset.fromArrays(x, x);
    await expect(st.layers.normalization({ name: 'ng' }).adapt(pairs as unknown as AsyncIterable<st.Tensor>)).rejects.toThrow(/ng.adapt: batch 0 is not a Tensor \(got object\)/);
    expect(st.memory().tensors, 'the taken element is disposed').toBe(before);
    const flags = st.tensor([true, false], [2, 1], 'bool');
    await expect(st.layers.normalization({ name: 'nf' }).adapt(flags)).rejects.toThrow(/nf.adapt: batch 0 has dtype bool/);
    st.dispose([x, other, flags]);
    built.dispose();
  });

  it('does not leak tensors (adapt, call, Rescaling)', async () => {
    const layer = st.layers.normalization();
    const { t } = randomTensor([10, 4], 81);
    await layer.adapt(t);
    const before = st.memory().tensors;
    await layer.adapt(t);
    await layer.adapt([[1, 2, 3, 4], [5, 6, 7, 8]]);
    layer.apply(t).dispose();
    const fixed = st.layers.normalization({ mean: [1, 2, 3, 4], variance: 2, invert: true });
    fixed.apply(t).dispose();
    st.layers.rescaling({ scale: [1, 2, 3, 4], offset: 1 }).apply(t).dispose();
    st.tidy(() => {
      st.grads((x: st.Tensor) => st.sum(layer.apply(x)))([t]);
    });
    expect(st.memory().tensors).toBe(before);
    t.dispose();
    layer.dispose();
  });
});

describe('Rescaling', () => {
  const noTrainingReason = 'no weights';

  it('passes the layer test (float and integer inputs, vs TensorFlow.js)', async () => {
    await checkLayer({ make: () => st.layers.rescaling({ scale: 0.5, offset: -1 }), inputShapes: [[3, 4, 2]], weights: { trainable: 0, nonTrainable: 0, params: 0 }, noTrainingReason, tfjs: () => tfl.layers.rescaling({ scale: 0.5, offset: -1 }) });
    await checkLayer({ make: () => st.layers.rescaling({ scale: 1 / 255 }), inputShapes: [[2, 3, 3]], intInputs: 256, weights: { trainable: 0, nonTrainable: 0, params: 0 }, noTrainingReason, tfjs: () => tfl.layers.rescaling({ scale: 1 / 255 }) });
  });

  it('matches the float64 oracle, with per-channel scale and offset', async () => {
    const { t, v } = randomTensor([4, 2, 3], 91, -10, 10);
    const y = st.layers.rescaling({ scale: [0.5, -2, 3], offset: [1, 0, -1] }).apply(t);
    expect(maxRelError(y.dataSync(), v.map((x, i) => x * [0.5, -2, 3][i % 3]! + [1, 0, -1][i % 3]!))).toBeLessThanOrEqual(1e-6);
    const ints = st.tensor([0, 7, 255, 128], [2, 2], 'int32');
    const z = st.layers.rescaling({ scale: 1 / 127.5, offset: -1 }).apply(ints);
    expect(z.dtype).toBe('float32');
    expect(maxRelError(z.dataSync(), [0, 7, 255, 128].map((x) => x / 127.5 - 1))).toBeLessThanOrEqual(1e-6);
    st.dispose([t, y, ints, z]);
  });

  it('getConfig equals TensorFlow.js', async () => {
    expect(json(st.layers.rescaling({ scale: 0.25, inputShape: [3] }).getConfig())).toEqual(json(tfl.layers.rescaling({ scale: 0.25, inputShape: [3] }).getConfig()));
    expect(json(st.layers.rescaling({ scale: 2, offset: 3, inputShape: [3] }).getConfig())).toEqual(json(tfl.layers.rescaling({ scale: 2, offset: 3, inputShape: [3] }).getConfig()));
  });

  it('gives clear errors', async () => {
    expect(() => st.layers.rescaling({} as st.layers.RescalingArgs)).toThrow(/Rescaling: scale must be a finite number or a non-empty list of them \(one per channel\), got undefined/);
    expect(() => st.layers.rescaling({ scale: 1, offset: Number.NaN })).toThrow(/Rescaling: offset must be a finite number/);
    const x = st.ones([2, 4]);
    expect(() => st.layers.rescaling({ scale: [1, 2, 3], name: 'rs' }).apply(x)).toThrow(/rs: scale has 3 values but the input shape \[2,4\] has 4 channels on its last axis/);
    x.dispose();
  });
});
