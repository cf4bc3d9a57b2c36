/**
 * Regularization layers: the Keras-style layer test (inference mode, compared with TensorFlow.js
 * where it has the layer), configs against TensorFlow.js' getConfig(), and in training mode the
 * statistics of the masks and noise, their repeatability from seeds, their gradients, the activity
 * loss against a float64 oracle, errors and memory.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as st from '@strata/core';
import * as tfl from '@tensorflow/tfjs-layers';
import { randomSource, randomValues } from '../setup.js';
import { checkLayer } from './harness.js';
import { json, randomTensor, useCpuBackends } from './layer-test-utils.js';

beforeAll(useCpuBackends);

const noWeights = { trainable: 0, nonTrainable: 0, params: 0 };
const noTrainingReason = 'no weights to train';

function meanStd(values: readonly number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
  return { mean, std: Math.sqrt(variance) };
}

/** Runs `layer` in training mode and checks its dropout statistics against the input. */
function expectDropoutStatistics(y: st.Tensor, v: readonly number[], rate: number): boolean[] {
  const out = y.dataSync();
  const kept = v.map((_, i) => out[i] !== 0);
  const n = v.length;
  const dropped = kept.filter((k) => !k).length;
  // Five standard deviations of a binomial count.
  expect(Math.abs(dropped - rate * n), `dropped ${dropped} of ${n} at rate ${rate}`).toBeLessThanOrEqual(5 * Math.sqrt(n * rate * (1 - rate)));
  v.forEach((x, i) => {
    if (kept[i]) expect(Math.abs(out[i]! - x / (1 - rate))).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(x / (1 - rate))));
  });
  return kept;
}

describe('Dropout', () => {
  it('passes the layer test (inference mode, vs TensorFlow.js)', async () => {
    await checkLayer({ make: () => st.layers.dropout({ rate: 0.3 }), inputShapes: [[4, 5]], weights: noWeights, noTrainingReason, tfjs: () => tfl.layers.dropout({ rate: 0.3 }) });
    await checkLayer({ make: () => st.layers.dropout({ rate: 0.5, noiseShape: [null, 1, null], seed: 3 }), inputShapes: [[2, 3, 4]], weights: noWeights, noTrainingReason, tfjs: () => tfl.layers.dropout({ rate: 0.5, noiseShape: [null, 1, null] as unknown as number[], seed: 3 }) });
  });

  it('inference is the identity', async () => {
    const { t, v } = randomTensor([3, 7], 1);
    const y = st.layers.dropout({ rate: 0.6 }).apply(t);
    expect(Array.from(y.dataSync())).toEqual(v);
    st.dispose([t, y]);
  });

  it('training keeps about 1 - rate of the values, scaled by 1 / (1 - rate)', async () => {
    for (const rate of [0.1, 0.5, 0.8]) {
      const { t, v } = randomTensor([100, 60], 2, 0.5, 2);
      const y = st.layers.dropout({ rate }).apply(t, { training: true });
      expectDropoutStatistics(y, v, rate);
      st.dispose([t, y]);
    }
    // rate 0 keeps everything, unscaled.
    const { t, v } = randomTensor([4, 4], 3);
    const y = st.layers.dropout({ rate: 0 }).apply(t, { training: true });
    expect(Array.from(y.dataSync())).toEqual(v);
    st.dispose([t, y]);
  });

  it('the same seed gives the same masks; successive calls differ; st.setSeed repeats unseeded layers', async () => {
    const { t } = randomTensor([20, 30], 4, 0.5, 2);
    const run = (layer: st.Layer) => Array.from(st.tidy(() => layer.apply(t, { training: true })).dataSync());
    const a = st.layers.dropout({ rate: 0.5, seed: 42 });
    const b = st.layers.dropout({ rate: 0.5, seed: 42 });
    const a1 = run(a);
    const a2 = run(a);
    expect(run(b)).toEqual(a1);
    expect(run(b)).toEqual(a2);
    expect(a2).not.toEqual(a1);
    expect(run(st.layers.dropout({ rate: 0.5, seed: 43 }))).not.toEqual(a1);
    const unseeded = st.layers.dropout({ rate: 0.5 });
    st.setSeed(7);
    const u1 = run(unseeded);
    st.setSeed(7);
    expect(run(unseeded)).toEqual(u1);
    t.dispose();
  });

  it('training gradient is the mask scaled by 1 / (1 - rate)', async () => {
    const rate = 0.4;
    const layer = st.layers.dropout({ rate, seed: 5 });
    const { t } = randomTensor([6, 9], 5, 0.5, 2);
    const r = st.tensor(randomValues(randomSource(6), 54, -1, 1), [6, 9]);
    let y: st.Tensor | null = null;
    const [g] = st.grads((x: st.Tensor) => {
      y = st.keep(layer.apply(x, { training: true }));
      return st.sum(st.mul(y, r));
    })([t]);
    const out = y!.dataSync();
    const rv = r.dataSync();
    const expected = Array.from(out, (o, i) => (o !== 0 ? rv[i]! / (1 - rate) : 0));
    const got = g!.dataSync();
    expected.forEach((e, i) => expect(Math.abs(got[i]! - e)).toBeLessThanOrEqual(1e-6));
    st.dispose([t, r, g!, y!]);
  });

  it('noiseShape shares the mask across axes of size 1', async () => {
    const { t, v } = randomTensor([8, 10, 6], 8, 0.5, 2);
    const y = st.layers.dropout({ rate: 0.5, noiseShape: [null, 1, null] }).apply(t, { training: true });
    const kept = expectDropoutStatistics(y, v, 0.5);
    for (let b = 0; b < 8; b++) {
      for (let c = 0; c < 6; c++) {
        const steps = Array.from({ length: 10 }, (_, s) => kept[(b * 10 + s) * 6 + c]);
        expect(new Set(steps).size, `example ${b} channel ${c}`).toBe(1);
      }
    }
    st.dispose([t, y]);
  });

  it('getConfig equals TensorFlow.js', async () => {
    expect(json(st.layers.dropout({ rate: 0.25, inputShape: [3] }).getConfig())).toEqual(json(tfl.layers.dropout({ rate: 0.25, inputShape: [3] }).getConfig()));
    expect(json(st.layers.dropout({ rate: 0.25, noiseShape: [null, 1], seed: 9, batchInputShape: [2, 3] }).getConfig()))
      .toEqual(json(tfl.layers.dropout({ rate: 0.25, noiseShape: [null, 1] as unknown as number[], seed: 9, batchInputShape: [2, 3] }).getConfig()));
  });

  it('gives clear errors', async () => {
    expect(() => st.layers.dropout({ rate: 1 })).toThrow(/Dropout: rate must be a number in \[0, 1\) \(the fraction of inputs to drop\), got 1/);
    expect(() => st.layers.dropout({ rate: -0.1 })).toThrow(/Dropout: rate must be a number in \[0, 1\).*got -0.1/);
    expect(() => st.layers.dropout({} as st.layers.DropoutArgs)).toThrow(/Dropout: rate .* got undefined/);
    expect(() => st.layers.dropout({ rate: 0.5, seed: 1.5 })).toThrow(/Dropout: seed must be an integer, got 1.5/);
    expect(() => st.layers.dropout({ rate: 0.5, noiseShape: [0, 2] })).toThrow(/Dropout: noiseShape must be a list of positive integers or nulls/);
    const x = st.ones([2, 3]);
    expect(() => st.layers.dropout({ rate: 0.5, noiseShape: [2] }).apply(x, { training: true })).toThrow(/dropout.*noiseShape \[2\] has rank 1 but the input shape \[2,3\] has rank 2/);
    expect(() => st.layers.dropout({ rate: 0.5, noiseShape: [2, 2] }).apply(x, { training: true })).toThrow(/noiseShape \[2,2\] does not broadcast to the input shape \[2,3\] \(axis 1: 2 vs 3\)/);
    x.dispose();
  });

  it('does not leak tensors (every layer of this file, training and inference, with gradients)', async () => {
    const { t } = randomTensor([2, 3, 4, 5], 9);
    const flat = st.reshape(t, [6, 4, 5]);
    const cases: [st.Layer, st.Tensor][] = [
      [st.layers.dropout({ rate: 0.5 }), t], [st.layers.dropout({ rate: 0.5, seed: 1, noiseShape: [null, 1, 1, null] }), t],
      [st.layers.spatialDropout1d({ rate: 0.5 }), flat], [st.layers.spatialDropout2d({ rate: 0.5 }), t],
      [st.layers.gaussianNoise({ stddev: 0.5 }), t], [st.layers.gaussianDropout({ rate: 0.5 }), t],
    ];
    for (const [layer, x] of cases) layer.apply(x).dispose();
    const before = st.memory().tensors;
    for (const [layer, x] of cases) {
      layer.apply(x, { training: true }).dispose();
      layer.apply(x).dispose();
      st.tidy(() => {
        st.grads((xi: st.Tensor) => st.sum(layer.apply(xi, { training: true })))([x]);
      });
    }
    const reg = st.layers.activityRegularization({ l1: 0.1, l2: 0.1 });
    reg.apply(t, { training: true }).dispose();
    st.dispose(reg.takeLosses());
    expect(st.memory().tensors).toBe(before);
    st.dispose([t, flat]);
  });
});

describe('SpatialDropout1D and SpatialDropout2D', () => {
  it('pass the layer test', async () => {
    await checkLayer({ make: () => st.layers.spatialDropout1d({ rate: 0.3 }), inputShapes: [[2, 5, 4]], weights: noWeights, noTrainingReason, tfjs: () => tfl.layers.spatialDropout1d({ rate: 0.3 }) });
    // SpatialDropout2D: not in TensorFlow.js; in inference the oracle is the identity, checked below.
    await checkLayer({ make: () => st.layers.spatialDropout2d({ rate: 0.3 }), inputShapes: [[2, 3, 4, 5]], weights: noWeights, noTrainingReason });
    await checkLayer({ make: () => st.layers.spatialDropout2d({ rate: 0.3, dataFormat: 'channelsFirst' }), inputShapes: [[2, 5, 3, 4]], weights: noWeights, noTrainingReason });
  });

  it('drop whole channels in training, pass through in inference', async () => {
    const cases: [st.Layer, number[], (c: number[]) => string][] = [
      [st.layers.spatialDropout1d({ rate: 0.4 }), [30, 5, 8], (c) => `${c[0]},${c[2]}`],
      [st.layers.spatialDropout2d({ rate: 0.4 }), [20, 3, 4, 6], (c) => `${c[0]},${c[3]}`],
      [st.layers.spatialDropout2d({ rate: 0.4, dataFormat: 'channelsFirst' }), [20, 6, 3, 4], (c) => `${c[0]},${c[1]}`],
    ];
    for (const [layer, shape, channelOf] of cases) {
      const { t, v } = randomTensor(shape, 11, 0.5, 2);
      const inference = layer.apply(t);
      expect(Array.from(inference.dataSync())).toEqual(v);
      const y = layer.apply(t, { training: true });
      const out = y.dataSync();
      const perChannel = new Map<string, Set<boolean>>();
      v.forEach((x, i) => {
        const c: number[] = [];
        let r = i;
        for (let d = shape.length - 1; d >= 0; d--) {
          c[d] = r % shape[d]!;
          r = Math.floor(r / shape[d]!);
        }
        const kept = out[i] !== 0;
        if (kept) expect(Math.abs(out[i]! - x / 0.6)).toBeLessThanOrEqual(1e-6 * Math.max(1, x / 0.6));
        const key = channelOf(c);
        perChannel.set(key, (perChannel.get(key) ?? new Set()).add(kept));
      });
      expect([...perChannel.values()].every((s) => s.size === 1), 'one mask value per example and channel').toBe(true);
      const channels = perChannel.size;
      const dropped = [...perChannel.values()].filter((s) => s.has(false)).length;
      expect(Math.abs(dropped - 0.4 * channels)).toBeLessThanOrEqual(5 * Math.sqrt(channels * 0.24));
      st.dispose([t, y, inference]);
    }
  });

  it('configs: SpatialDropout1D equals TensorFlow.js; SpatialDropout2D has the Keras 3 keys', async () => {
    expect(json(st.layers.spatialDropout1d({ rate: 0.2, seed: 4, inputShape: [3, 2] }).getConfig())).toEqual(json(tfl.layers.spatialDropout1d({ rate: 0.2, seed: 4, inputShape: [3, 2] }).getConfig()));
    expect(json(st.layers.spatialDropout2d({ rate: 0.2 }).getConfig())).toEqual({ rate: 0.2, seed: null, dataFormat: 'channelsLast', trainable: true, dtype: 'float32' });
  });

  it('give clear errors', async () => {
    const x = st.ones([2, 3, 4, 5]);
    expect(() => st.layers.spatialDropout1d({ rate: 0.5, name: 'sd1' }).apply(x)).toThrow(/sd1: input must have rank 3, got shape \[2,3,4,5\]/);
    const y = st.ones([2, 3, 4]);
    expect(() => st.layers.spatialDropout2d({ rate: 0.5, name: 'sd2' }).apply(y)).toThrow(/sd2: input must have rank 4, got shape \[2,3,4\]/);
    expect(() => st.layers.spatialDropout2d({ rate: 0.5, dataFormat: 'nhwc' as 'channelsLast' })).toThrow(/SpatialDropout2D: dataFormat must be 'channelsLast' or 'channelsFirst', got "nhwc"/);
    expect(() => st.layers.spatialDropout1d({ rate: 0.5, noiseShape: [1, 1, 1] as unknown as null })).toThrow(/SpatialDropout1D: noiseShape is fixed/);
    expect(() => st.layers.spatialDropout2d({ rate: 2 })).toThrow(/SpatialDropout2D: rate must be a number in \[0, 1\)/);
    st.dispose([x, y]);
  });
});

describe('GaussianNoise and GaussianDropout', () => {
  it('pass the layer test (inference mode, vs TensorFlow.js)', async () => {
    await checkLayer({ make: () => st.layers.gaussianNoise({ stddev: 0.5 }), inputShapes: [[3, 4]], weights: noWeights, noTrainingReason, tfjs: () => tfl.layers.gaussianNoise({ stddev: 0.5 }) });
    await checkLayer({ make: () => st.layers.gaussianDropout({ rate: 0.3 }), inputShapes: [[3, 4]], weights: noWeights, noTrainingReason, tfjs: () => tfl.layers.gaussianDropout({ rate: 0.3 }) });
  });

  it('GaussianNoise adds noise of the given stddev in training only, repeatably, with identity gradient', async () => {
    const { t, v } = randomTensor([100, 100], 12);
    const layer = st.layers.gaussianNoise({ stddev: 0.3, seed: 8 });
    const inference = layer.apply(t);
    expect(Array.from(inference.dataSync())).toEqual(v);
    const y = layer.apply(t, { training: true });
    const noise = Array.from(y.dataSync(), (o, i) => o - v[i]!);
    const { mean, std } = meanStd(noise);
    expect(Math.abs(mean)).toBeLessThanOrEqual(5 * 0.3 / 100);
    expect(Math.abs(std - 0.3)).toBeLessThanOrEqual(0.01);
    const again = st.layers.gaussianNoise({ stddev: 0.3, seed: 8 }).apply(t, { training: true });
    expect(Array.from(again.dataSync())).toEqual(Array.from(y.dataSync()));
    const [g] = st.grads((x: st.Tensor) => st.sum(st.mul(layer.apply(x, { training: true }), 3)))([t]);
    expect(Array.from(g!.dataSync()).every((d) => d === 3)).toBe(true);
    st.dispose([t, y, inference, again, g!]);
  });

  it('GaussianDropout multiplies by noise of mean 1 and stddev sqrt(rate / (1 - rate)), with that gradient', async () => {
    const rate = 0.2;
    const { t, v } = randomTensor([100, 100], 13, 0.5, 2);
    const layer = st.layers.gaussianDropout({ rate, seed: 9 });
    const inference = layer.apply(t);
    expect(Array.from(inference.dataSync())).toEqual(v);
    let y: st.Tensor | null = null;
    const [g] = st.grads((x: st.Tensor) => {
      y = st.keep(layer.apply(x, { training: true }));
      return st.sum(y);
    })([t]);
    const factors = Array.from(y!.dataSync(), (o, i) => o / v[i]!);
    const { mean, std } = meanStd(factors);
    const expectedStd = Math.sqrt(rate / (1 - rate));
    expect(Math.abs(mean - 1)).toBeLessThanOrEqual(5 * expectedStd / 100);
    expect(Math.abs(std - expectedStd)).toBeLessThanOrEqual(0.02 * expectedStd + 0.005);
    const gv = g!.dataSync();
    factors.forEach((f, i) => expect(Math.abs(gv[i]! - f)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(f))));
    st.dispose([t, y!, inference, g!]);
  });

  it('configs equal TensorFlow.js; a Keras 3 seed is written only when set', async () => {
    expect(json(st.layers.gaussianNoise({ stddev: 0.1, inputShape: [2] }).getConfig())).toEqual(json(tfl.layers.gaussianNoise({ stddev: 0.1, inputShape: [2] }).getConfig()));
    expect(json(st.layers.gaussianDropout({ rate: 0.1, inputShape: [2] }).getConfig())).toEqual(json(tfl.layers.gaussianDropout({ rate: 0.1, inputShape: [2] }).getConfig()));
    expect(json(st.layers.gaussianNoise({ stddev: 0.1, seed: 5 }).getConfig())).toEqual({ stddev: 0.1, seed: 5, trainable: true, dtype: 'float32' });
  });

  it('give clear errors', async () => {
    expect(() => st.layers.gaussianNoise({ stddev: -1 })).toThrow(/GaussianNoise: stddev must be a finite number ≥ 0, got -1/);
    expect(() => st.layers.gaussianNoise({} as st.layers.GaussianNoiseArgs)).toThrow(/GaussianNoise: stddev .* got undefined/);
    expect(() => st.layers.gaussianDropout({ rate: 1 })).toThrow(/GaussianDropout: rate must be a number in \[0, 1\)/);
  });
});

describe('ActivityRegularization', () => {
  it('passes the layer test', async () => {
    await checkLayer({ make: () => st.layers.activityRegularization({ l1: 0.01, l2: 0.02 }), inputShapes: [[3, 4]], weights: noWeights, noTrainingReason });
  });

  it('adds l1 * sum|x| + l2 * sum(x²) in training only (float64 oracle), differentiably', async () => {
    const l1 = 0.03;
    const l2 = 0.07;
    const layer = st.layers.activityRegularization({ l1, l2 });
    const { t, v } = randomTensor([5, 3, 2], 14, -3, 3);
    const inference = layer.apply(t);
    expect(layer.takeLosses()).toEqual([]);
    expect(Array.from(inference.dataSync())).toEqual(v);
    const y = layer.apply(t, { training: true });
    const losses = layer.takeLosses();
    expect(losses.length).toBe(1);
    const expected = v.reduce((acc, x) => acc + l1 * Math.abs(x) + l2 * x * x, 0);
    expect(Math.abs(losses[0]!.dataSync()[0]! - expected) / expected).toBeLessThanOrEqual(1e-6);
    expect(Array.from(y.dataSync())).toEqual(v);
    // The loss differentiates with respect to the input: l1 * sign(x) + 2 * l2 * x.
    const [g] = st.grads((x: st.Tensor) => {
      layer.apply(x, { training: true }).dispose();
      return layer.takeLosses()[0]!;
    })([t]);
    const gv = g!.dataSync();
    v.forEach((x, i) => expect(Math.abs(gv[i]! - (l1 * Math.sign(x) + 2 * l2 * x))).toBeLessThanOrEqual(1e-5));
    st.dispose([t, y, inference, g!, ...losses]);
  });

  it('has the Keras 3 config and errors', async () => {
    expect(json(st.layers.activityRegularization({ l2: 0.5 }).getConfig())).toEqual({ l1: 0, l2: 0.5, trainable: true, dtype: 'float32' });
    expect(() => st.layers.activityRegularization({ l1: -1 })).toThrow(/ActivityRegularization: l1 must be a finite number ≥ 0, got -1/);
    expect(() => st.layers.activityRegularization({ l2: Number.POSITIVE_INFINITY })).toThrow(/ActivityRegularization: l2 must be a finite number ≥ 0/);
  });
});
