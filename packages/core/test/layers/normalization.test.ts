/**
 * Normalization layers: the Keras-style layer test for each, configs against TensorFlow.js'
 * getConfig(), forward values against float64 oracles (and TensorFlow.js where it has the layer),
 * BatchNormalization's moving statistics over several training calls, errors and memory.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as st from '@strata/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { randomSource, randomValues } from '../setup.js';
import { checkLayer } from './harness.js';
import { json, maxRelError, randomTensor, sizeOf, unravel, useCpuBackends } from './layer-test-utils.js';

beforeAll(useCpuBackends);

// ---- float64 oracle helpers ----------------------------------------------------------------

/** A key per element from the coordinates on `axes` (the elements sharing statistics). */
function keyOf(shape: readonly number[], axes: readonly number[], map: (c: number[]) => number[] = (c) => axes.map((a) => c[a]!)): (i: number) => string {
  return (i) => map(unravel(i, shape)).join(',');
}

/** Float64 mean and population variance of the elements grouped by `key`. */
function groupMoments(x: ArrayLike<number>, key: (i: number) => string): { mean: Map<string, number>; variance: Map<string, number> } {
  const sums = new Map<string, [number, number]>();
  for (let i = 0; i < x.length; i++) {
    const k = key(i);
    const s = sums.get(k) ?? [0, 0];
    s[0] += x[i]!;
    s[1] += 1;
    sums.set(k, s);
  }
  const mean = new Map([...sums].map(([k, [s, n]]) => [k, s / n]));
  const sq = new Map<string, number>();
  for (let i = 0; i < x.length; i++) {
    const k = key(i);
    sq.set(k, (sq.get(k) ?? 0) + (x[i]! - mean.get(k)!) ** 2);
  }
  const variance = new Map([...sq].map(([k, v]) => [k, v / sums.get(k)![1]]));
  return { mean, variance };
}

const uniform = (minval: number, maxval: number, seed: number) => ({ className: 'RandomUniform', config: { minval, maxval, seed } });

// ---- BatchNormalization ----------------------------------------------------------------------

describe('BatchNormalization', () => {
  // Non-trivial weights, so the inference comparison with TensorFlow.js means something.
  const randomInit = {
    gammaInitializer: uniform(0.5, 1.5, 1), betaInitializer: uniform(-0.5, 0.5, 2),
    movingMeanInitializer: uniform(-1, 1, 3), movingVarianceInitializer: uniform(0.5, 2, 4),
  };

  it('passes the layer test (rank 2, training mode)', async () => {
    await checkLayer({
      make: () => st.layers.batchNormalization(randomInit),
      inputShapes: [[6, 5]],
      weights: { trainable: 2, nonTrainable: 2, params: 20 },
      training: true,
      tfjs: () => tfl.layers.batchNormalization({}),
    });
  });

  it('passes the layer test with axis 1 of a rank-4 input (channels first)', async () => {
    await checkLayer({
      make: () => st.layers.batchNormalization({ ...randomInit, axis: 1, momentum: 0.9, epsilon: 1e-2 }),
      inputShapes: [[3, 4, 3, 2]],
      weights: { trainable: 2, nonTrainable: 2, params: 16 },
      training: true,
      // No direct TensorFlow.js comparison: its cpu batchNorm kernel cycles the parameters by flat
      // index, which is only right along the last axis (see the transposed comparison below).
    });
  });

  it('axis 1 matches TensorFlow.js on the channels-last transpose (inference and training)', async () => {
    const layer = st.layers.batchNormalization({ ...randomInit, axis: 1, momentum: 0.9 });
    const tfLayer = tfl.layers.batchNormalization({ axis: -1, momentum: 0.9 });
    const { t, v } = randomTensor([3, 4, 2, 5], 201, -1, 3);
    const y = layer.apply(t);
    const tfX = tf.transpose(tf.tensor(v, [3, 4, 2, 5]), [0, 2, 3, 1]);
    tfLayer.apply(tfX);
    tfLayer.setWeights(layer.weights.map((w) => tf.tensor(w.dataSync() as Float32Array, [...w.shape])));
    const tfY = tf.transpose(tfLayer.apply(tfX) as tf.Tensor, [0, 3, 1, 2]);
    expect(maxRelError(y.dataSync(), tfY.dataSync())).toBeLessThanOrEqual(1e-5);
    const yTrain = layer.apply(t, { training: true });
    const tfYTrain = tf.transpose(tfLayer.apply(tfX, { training: true }) as tf.Tensor, [0, 3, 1, 2]);
    expect(maxRelError(yTrain.dataSync(), tfYTrain.dataSync())).toBeLessThanOrEqual(1e-5);
    const tfW = tfLayer.getWeights();
    expect(maxRelError(layer.movingMean.dataSync(), tfW[2]!.dataSync())).toBeLessThanOrEqual(1e-5);
    expect(maxRelError(layer.movingVariance.dataSync(), tfW[3]!.dataSync())).toBeLessThanOrEqual(1e-5);
    tf.dispose([tfX, tfY, tfYTrain]);
    st.dispose([t, y, yTrain]);
    layer.dispose();
  });

  it('passes the layer test without center and scale (rank 3)', async () => {
    await checkLayer({
      make: () => st.layers.batchNormalization({ center: false, scale: false, movingMeanInitializer: uniform(-1, 1, 5), movingVarianceInitializer: uniform(0.5, 2, 6) }),
      inputShapes: [[4, 3, 5]],
      weights: { trainable: 0, nonTrainable: 2, params: 10 },
      training: true,
      noTrainingReason: 'no trainable weights without center and scale',
      tfjs: () => tfl.layers.batchNormalization({ center: false, scale: false }),
    });
  });

  it('getConfig equals TensorFlow.js (defaults and every option)', async () => {
    // With an input shape, so TensorFlow.js writes dtype too (it leaves it out otherwise).
    expect(json(st.layers.batchNormalization({ inputShape: [3] }).getConfig())).toEqual(json(tfl.layers.batchNormalization({ inputShape: [3] }).getConfig()));
    const mine = st.layers.batchNormalization({
      axis: 1, momentum: 0.8, epsilon: 1e-4, center: false, scale: true,
      betaInitializer: 'ones', gammaInitializer: 'zeros', movingMeanInitializer: 'ones', movingVarianceInitializer: 'zeros',
      betaRegularizer: new st.regularizers.L1L2({ l1: 0.01, l2: 0 }), gammaRegularizer: new st.regularizers.L1L2({ l1: 0, l2: 0.02 }),
      betaConstraint: new st.constraints.NonNeg(), gammaConstraint: new st.constraints.MaxNorm({ maxValue: 2, axis: 0 }),
      inputShape: [3, 4],
    });
    const theirs = tfl.layers.batchNormalization({
      axis: 1, momentum: 0.8, epsilon: 1e-4, center: false, scale: true,
      betaInitializer: 'ones', gammaInitializer: 'zeros', movingMeanInitializer: 'ones', movingVarianceInitializer: 'zeros',
      betaRegularizer: tfl.regularizers.l1l2({ l1: 0.01, l2: 0 }),
      gammaRegularizer: tfl.regularizers.l1l2({ l1: 0, l2: 0.02 }),
      betaConstraint: tfl.constraints.nonNeg(), gammaConstraint: tfl.constraints.maxNorm({ maxValue: 2, axis: 0 }),
      inputShape: [3, 4],
    });
    expect(json(mine.getConfig())).toEqual(json(theirs.getConfig()));
    // And a TensorFlow.js config builds the same layer here.
    const rebuilt = new st.layers.BatchNormalization(json(theirs.getConfig()) as st.layers.BatchNormalizationArgs);
    expect(json(rebuilt.getConfig())).toEqual(json(theirs.getConfig()));
  });

  it('weights are gamma, beta, moving_mean, moving_variance (TensorFlow.js order and names)', async () => {
    const layer = st.layers.batchNormalization({ name: 'bn_order' });
    const y = layer.apply(st.ones([2, 3]));
    expect(layer.weights.map((w) => w.name)).toEqual(['bn_order/gamma', 'bn_order/beta', 'bn_order/moving_mean', 'bn_order/moving_variance']);
    const tfLayer = tfl.layers.batchNormalization({ name: 'tf_bn_order' });
    tf.dispose(tfLayer.apply(tf.ones([2, 3])) as tf.Tensor);
    expect(tfLayer.weights.map((w) => w.name.split('/').pop())).toEqual(['gamma', 'beta', 'moving_mean', 'moving_variance']);
    y.dispose();
    layer.dispose();
  });

  it('matches the float64 oracle in inference and training, and its moving statistics after several training calls', async () => {
    for (const [shape, axis, momentum, epsilon] of [[[7, 5], -1, 0.9, 1e-3], [[3, 4, 2, 3], 1, 0.7, 1e-2], [[2, 5, 3], 2, 0.99, 1e-3]] as const) {
      const layer = st.layers.batchNormalization({ axis, momentum, epsilon, gammaInitializer: uniform(0.5, 1.5, 11), betaInitializer: uniform(-1, 1, 12) });
      const rank = shape.length;
      const ax = axis < 0 ? axis + rank : axis;
      const channels = shape[ax]!;
      const key = keyOf(shape, [ax]);
      let movingMean = new Array<number>(channels).fill(0);
      let movingVar = new Array<number>(channels).fill(1);
      for (let step = 0; step < 4; step++) {
        // Each batch has its own offset and spread, so the moving statistics move.
        const { t, v } = randomTensor([...shape], 100 + step, -1 - step, 2 + 2 * step);
        const y = layer.apply(t, { training: true });
        const gamma = Array.from(layer.gamma!.dataSync());
        const beta = Array.from(layer.beta!.dataSync());
        const { mean, variance } = groupMoments(v, key);
        const expected = v.map((xi, i) => {
          const c = unravel(i, shape)[ax]!;
          return ((xi - mean.get(`${c}`)!) / Math.sqrt(variance.get(`${c}`)! + epsilon)) * gamma[c]! + beta[c]!;
        });
        expect(maxRelError(y.dataSync(), expected), `training output, step ${step}`).toBeLessThanOrEqual(1e-5);
        movingMean = movingMean.map((m, c) => m * momentum + mean.get(`${c}`)! * (1 - momentum));
        movingVar = movingVar.map((m, c) => m * momentum + variance.get(`${c}`)! * (1 - momentum));
        expect(maxRelError(layer.movingMean.dataSync(), movingMean), `moving mean, step ${step}`).toBeLessThanOrEqual(1e-5);
        expect(maxRelError(layer.movingVariance.dataSync(), movingVar), `moving variance, step ${step}`).toBeLessThanOrEqual(1e-5);
        st.dispose([t, y]);
      }
      // Inference uses the moving statistics and leaves them alone.
      const { t, v } = randomTensor([...shape], 7);
      const gamma = Array.from(layer.gamma!.dataSync());
      const beta = Array.from(layer.beta!.dataSync());
      const y = layer.apply(t);
      const expected = v.map((xi, i) => {
        const c = unravel(i, shape)[ax]!;
        return ((xi - movingMean[c]!) / Math.sqrt(movingVar[c]! + epsilon)) * gamma[c]! + beta[c]!;
      });
      expect(maxRelError(y.dataSync(), expected), 'inference output').toBeLessThanOrEqual(1e-5);
      expect(maxRelError(layer.movingMean.dataSync(), movingMean)).toBeLessThanOrEqual(1e-5);
      st.dispose([t, y]);
      layer.dispose();
    }
  });

  it('training outputs and moving statistics match TensorFlow.js over several steps', async () => {
    const layer = st.layers.batchNormalization({ momentum: 0.8 });
    const tfLayer = tfl.layers.batchNormalization({ momentum: 0.8 });
    for (let step = 0; step < 3; step++) {
      const { t, v } = randomTensor([5, 2, 4], 300 + step, -3, 1 + step);
      const y = layer.apply(t, { training: true });
      const tfX = tf.tensor(v, [5, 2, 4]);
      const tfY = tfLayer.apply(tfX, { training: true }) as tf.Tensor;
      expect(maxRelError(y.dataSync(), tfY.dataSync())).toBeLessThanOrEqual(1e-5);
      const tfW = tfLayer.getWeights();
      expect(maxRelError(layer.movingMean.dataSync(), tfW[2]!.dataSync())).toBeLessThanOrEqual(1e-5);
      expect(maxRelError(layer.movingVariance.dataSync(), tfW[3]!.dataSync())).toBeLessThanOrEqual(1e-5);
      tf.dispose([tfX, tfY]); // getWeights() returns the variables themselves
      st.dispose([t, y]);
    }
    layer.dispose();
  });

  it('a frozen layer runs in inference mode even when training (Keras 3)', async () => {
    const layer = st.layers.batchNormalization();
    const { t } = randomTensor([4, 3], 21);
    const y0 = layer.apply(t);
    layer.trainable = false;
    const y1 = layer.apply(t, { training: true });
    expect(Array.from(y1.dataSync())).toEqual(Array.from(y0.dataSync()));
    expect(Array.from(layer.movingMean.dataSync())).toEqual([0, 0, 0]);
    st.dispose([t, y0, y1]);
    layer.dispose();
  });

  it('symbolic shapes keep unknown dimensions', async () => {
    const x = st.input({ shape: [null, 4] });
    expect(st.layers.batchNormalization().apply(x).shape).toEqual([null, null, 4]);
    expect(st.layers.batchNormalization().computeOutputShape([null, 3, 4])).toEqual([null, 3, 4]);
  });

  it('gives clear errors', async () => {
    const x = st.ones([2, 3]);
    expect(() => st.layers.batchNormalization({ axis: 2 }).apply(x)).toThrow(/batch_normalization.*axis 2 is out of range for input shape \[2,3\]/);
    expect(() => st.layers.batchNormalization({ axis: -3 }).apply(x)).toThrow(/axis -3 is out of range/);
    expect(() => st.layers.batchNormalization({ momentum: 1.5 })).toThrow(/BatchNormalization: momentum must be a number in \[0, 1\], got 1.5/);
    expect(() => st.layers.batchNormalization({ epsilon: -1 })).toThrow(/BatchNormalization: epsilon must be a finite number ≥ 0, got -1/);
    expect(() => st.layers.batchNormalization({ axis: 0.5 })).toThrow(/BatchNormalization: axis must be an integer/);
    expect(() => st.layers.batchNormalization().apply(st.input({ shape: [null] }))).toThrow(/axis 1 of the input must have a known size.*\[null,null\]/);
    const layer = st.layers.batchNormalization();
    layer.apply(x).dispose();
    const wrong = st.ones([2, 4]);
    expect(() => layer.apply(wrong)).toThrow(/axis 1 must have size 3, got shape \[2,4\]/);
    const rank3 = st.ones([2, 2, 3]);
    expect(() => layer.apply(rank3)).toThrow(/must have rank 2, got shape \[2,2,3\]/);
    st.dispose([x, wrong, rank3]);
    layer.dispose();
  });

  it('does not leak tensors in training or inference', async () => {
    const layer = st.layers.batchNormalization();
    const { t } = randomTensor([4, 3], 22);
    layer.apply(t).dispose(); // build
    const before = st.memory().tensors;
    for (let i = 0; i < 3; i++) {
      layer.apply(t, { training: true }).dispose();
      layer.apply(t).dispose();
      st.tidy(() => {
        st.variableGrads(() => st.sum(layer.apply(t, { training: true })), layer.trainableWeights);
      });
    }
    expect(st.memory().tensors).toBe(before);
    t.dispose();
    layer.dispose();
  });
});

// ---- LayerNormalization ----------------------------------------------------------------------

describe('LayerNormalization', () => {
  const randomInit = { gammaInitializer: uniform(0.5, 1.5, 31), betaInitializer: uniform(-0.5, 0.5, 32) };

  it('passes the layer test (last axis: the fused op)', async () => {
    await checkLayer({
      make: () => st.layers.layerNormalization(randomInit),
      inputShapes: [[4, 6]],
      weights: { trainable: 2, nonTrainable: 0, params: 12 },
      tfjs: () => tfl.layers.layerNormalization({}),
    });
  });

  it('passes the layer test over two axes and over a middle axis', async () => {
    await checkLayer({
      make: () => st.layers.layerNormalization({ ...randomInit, axis: [1, 2], epsilon: 1e-5 }),
      inputShapes: [[3, 4, 5]],
      weights: { trainable: 2, nonTrainable: 0, params: 40 },
      tfjs: () => tfl.layers.layerNormalization({ axis: [1, 2], epsilon: 1e-5 }),
    });
    await checkLayer({
      make: () => st.layers.layerNormalization({ ...randomInit, axis: 1, center: false }),
      inputShapes: [[3, 4, 5]],
      weights: { trainable: 1, nonTrainable: 0, params: 4 },
      tfjs: () => tfl.layers.layerNormalization({ axis: 1, center: false }),
    });
  });

  it('matches the float64 oracle', async () => {
    for (const [shape, axis, eps] of [[[5, 7], [-1], 1e-3], [[2, 3, 4], [1, 2], 1e-5], [[3, 4, 2, 3], [1, 3], 1e-3]] as const) {
      const layer = st.layers.layerNormalization({ axis: [...axis], epsilon: eps, ...randomInit });
      const { t, v } = randomTensor([...shape], 41, -3, 5);
      const y = layer.apply(t);
      const axes = axis.map((a) => (a < 0 ? a + shape.length : a));
      const others = shape.map((_, i) => i).filter((i) => !axes.includes(i));
      const { mean, variance } = groupMoments(v, keyOf(shape, others));
      const gamma = layer.gamma!.dataSync();
      const beta = layer.beta!.dataSync();
      const paramIndex = (c: number[]) => axes.reduce((acc, a) => acc * shape[a]! + c[a]!, 0);
      const expected = v.map((xi, i) => {
        const c = unravel(i, shape);
        const k = others.map((a) => c[a]).join(',');
        return ((xi - mean.get(k)!) / Math.sqrt(variance.get(k)! + eps)) * gamma[paramIndex(c)]! + beta[paramIndex(c)]!;
      });
      expect(maxRelError(y.dataSync(), expected), `shape ${shape} axis ${axis}`).toBeLessThanOrEqual(1e-5);
      st.dispose([t, y]);
      layer.dispose();
    }
  });

  it('getConfig equals TensorFlow.js', async () => {
    expect(json(st.layers.layerNormalization({ inputShape: [3] }).getConfig())).toEqual(json(tfl.layers.layerNormalization({ inputShape: [3] }).getConfig()));
    const opts = { epsilon: 1e-5, center: false, scale: true, betaInitializer: 'ones', gammaInitializer: 'zeros' } as const;
    expect(json(st.layers.layerNormalization({ ...opts, axis: [1, 2], batchInputShape: [2, 3, 4], gammaRegularizer: new st.regularizers.L1L2({ l1: 0, l2: 0.1 }) }).getConfig()))
      .toEqual(json(tfl.layers.layerNormalization({ ...opts, axis: [1, 2], batchInputShape: [2, 3, 4], gammaRegularizer: tfl.regularizers.l1l2({ l1: 0, l2: 0.1 }) }).getConfig()));
  });

  it('gives clear errors', async () => {
    const x = st.ones([2, 3]);
    expect(() => st.layers.layerNormalization({ axis: 2 }).apply(x)).toThrow(/layer_normalization.*axis 2 is out of range for input shape \[2,3\]/);
    expect(() => st.layers.layerNormalization({ axis: [1, -1] }).apply(x)).toThrow(/names an axis twice/);
    expect(() => st.layers.layerNormalization({ axis: [] })).toThrow(/LayerNormalization: axis must be an integer or a non-empty list/);
    expect(() => st.layers.layerNormalization({ epsilon: Number.NaN })).toThrow(/LayerNormalization: epsilon/);
    x.dispose();
  });
});

// ---- GroupNormalization ----------------------------------------------------------------------

/** Float64 group normalization: statistics per (example, group) over the group's channels and every other axis. */
function groupNormOracle(v: number[], shape: readonly number[], axis: number, groups: number, eps: number, gamma: ArrayLike<number>, beta: ArrayLike<number>): number[] {
  const per = shape[axis]! / groups;
  const key = keyOf(shape, [0, axis], (c) => [c[0]!, Math.floor(c[axis]! / per)]);
  const { mean, variance } = groupMoments(v, key);
  return v.map((xi, i) => {
    const k = key(i);
    const ch = unravel(i, shape)[axis]!;
    return ((xi - mean.get(k)!) / Math.sqrt(variance.get(k)! + eps)) * gamma[ch]! + beta[ch]!;
  });
}

describe('GroupNormalization', () => {
  const randomInit = { gammaInitializer: uniform(0.5, 1.5, 51), betaInitializer: uniform(-0.5, 0.5, 52) };

  it('passes the layer test', async () => {
    await checkLayer({
      make: () => st.layers.groupNormalization({ ...randomInit, groups: 2 }),
      inputShapes: [[3, 5, 4]],
      weights: { trainable: 2, nonTrainable: 0, params: 8 },
    });
    await checkLayer({
      make: () => st.layers.groupNormalization({ ...randomInit, groups: 3, axis: 1, epsilon: 1e-2 }),
      inputShapes: [[2, 6, 3, 2]],
      weights: { trainable: 2, nonTrainable: 0, params: 12 },
    });
  });

  it('matches the float64 oracle (several groups, axes; groups -1 is one per channel)', async () => {
    const cases = [
      { shape: [4, 6], axis: -1, groups: 3 }, { shape: [2, 3, 8], axis: -1, groups: 4 }, { shape: [2, 6, 2, 3], axis: 1, groups: 2 },
      { shape: [3, 2, 2, 5], axis: -1, groups: -1 }, { shape: [2, 4, 3], axis: 2, groups: 1 },
    ];
    for (const { shape, axis, groups } of cases) {
      const layer = st.layers.groupNormalization({ axis, groups, ...randomInit });
      const { t, v } = randomTensor(shape, 61, -1, 4);
      const y = layer.apply(t);
      const ax = axis < 0 ? axis + shape.length : axis;
      const g = groups === -1 ? shape[ax]! : groups;
      const expected = groupNormOracle(v, shape, ax, g, 1e-3, layer.gamma!.dataSync(), layer.beta!.dataSync());
      expect(maxRelError(y.dataSync(), expected), JSON.stringify({ shape, axis, groups })).toBeLessThanOrEqual(1e-5);
      st.dispose([t, y]);
      layer.dispose();
    }
  });

  it('has the Keras 3 config keys and defaults', async () => {
    const config = json(st.layers.groupNormalization().getConfig());
    expect(config).toEqual({
      groups: 32, axis: -1, epsilon: 1e-3, center: true, scale: true,
      betaInitializer: { className: 'Zeros', config: {} }, gammaInitializer: { className: 'Ones', config: {} },
      betaRegularizer: null, gammaRegularizer: null, betaConstraint: null, gammaConstraint: null,
      trainable: true, dtype: 'float32',
    });
  });

  it('gives clear errors', async () => {
    const x = st.ones([2, 6]);
    expect(() => st.layers.groupNormalization({ groups: 4 }).apply(x)).toThrow(/groups \(4\) must divide the channels \(6\) on axis 1 of input shape \[2,6\]/);
    expect(() => st.layers.groupNormalization({ groups: 8 }).apply(x)).toThrow(/groups \(8\) cannot be more than the channels \(6\)/);
    expect(() => st.layers.groupNormalization({ groups: 0 })).toThrow(/GroupNormalization: groups must be a positive integer/);
    expect(() => st.layers.groupNormalization({ groups: 2, axis: 0 }).apply(x)).toThrow(/is the batch axis of input shape \[2,6\]/);
    expect(() => st.layers.groupNormalization({ groups: 2, axis: 3 }).apply(x)).toThrow(/axis 3 is out of range for input shape \[2,6\]/);
    x.dispose();
  });
});

// ---- RMSNormalization and UnitNormalization ----------------------------------------------------

describe('RMSNormalization', () => {
  it('passes the layer test', async () => {
    await checkLayer({ make: () => st.layers.rmsNormalization(), inputShapes: [[4, 6]], weights: { trainable: 1, nonTrainable: 0, params: 6 } });
    await checkLayer({ make: () => st.layers.rmsNormalization({ axis: [1, 2], epsilon: 1e-3 }), inputShapes: [[2, 3, 4]], weights: { trainable: 1, nonTrainable: 0, params: 12 } });
  });

  it('matches the float64 oracle (with a trained scale)', async () => {
    for (const [shape, axis] of [[[5, 7], [-1]], [[2, 3, 4], [1, 2]], [[3, 4, 5], [1]]] as const) {
      const layer = st.layers.rmsNormalization({ axis: [...axis] });
      const { t, v } = randomTensor([...shape], 71, -3, 2);
      layer.apply(t).dispose();
      const axes = axis.map((a) => (a < 0 ? a + shape.length : a));
      const scaleValues = randomValues(randomSource(72), sizeOf(axes.map((a) => shape[a]!)), 0.5, 2);
      const s = st.tensor(scaleValues, [...layer.scale.shape]);
      layer.scale.assign(s);
      const y = layer.apply(t);
      const others = shape.map((_, i) => i).filter((i) => !axes.includes(i));
      const key = keyOf(shape, others);
      const ms = new Map<string, [number, number]>();
      v.forEach((xi, i) => {
        const e = ms.get(key(i)) ?? [0, 0];
        ms.set(key(i), [e[0] + xi * xi, e[1] + 1]);
      });
      const expected = v.map((xi, i) => {
        const c = unravel(i, shape);
        const [sq, n] = ms.get(key(i))!;
        return (xi / Math.sqrt(sq / n + 1e-6)) * scaleValues[axes.reduce((acc, a) => acc * shape[a]! + c[a]!, 0)]!;
      });
      expect(maxRelError(y.dataSync(), expected)).toBeLessThanOrEqual(1e-5);
      st.dispose([t, y, s]);
      layer.dispose();
    }
  });

  it('has the Keras 3 config and errors', async () => {
    expect(json(st.layers.rmsNormalization().getConfig())).toEqual({ axis: -1, epsilon: 1e-6, trainable: true, dtype: 'float32' });
    const x = st.ones([2, 3]);
    expect(() => st.layers.rmsNormalization({ axis: 5 }).apply(x)).toThrow(/rms_normalization.*axis 5 is out of range for input shape \[2,3\]/);
    expect(() => st.layers.rmsNormalization({ epsilon: -1 })).toThrow(/RMSNormalization: epsilon/);
    x.dispose();
  });
});

describe('UnitNormalization', () => {
  it('passes the layer test', async () => {
    const noTraining = 'no weights';
    await checkLayer({ make: () => st.layers.unitNormalization(), inputShapes: [[4, 5]], weights: { trainable: 0, nonTrainable: 0, params: 0 }, noTrainingReason: noTraining });
    await checkLayer({ make: () => st.layers.unitNormalization({ axis: [1, 2] }), inputShapes: [[3, 4, 2]], weights: { trainable: 0, nonTrainable: 0, params: 0 }, noTrainingReason: noTraining });
  });

  it('matches the float64 oracle, including an all-zero row', async () => {
    for (const [shape, axis] of [[[5, 7], [-1]], [[2, 3, 4], [1, 2]], [[3, 4, 5], [1]]] as const) {
      const { v } = randomTensor([...shape], 81);
      for (let j = 0; j < shape[shape.length - 1]!; j++) v[j] = 0; // a zero vector stays zero (no NaN)
      const t = st.tensor(v, [...shape]);
      const y = st.layers.unitNormalization({ axis: [...axis] }).apply(t);
      const axes = axis.map((a) => (a < 0 ? a + shape.length : a));
      const key = keyOf(shape, shape.map((_, i) => i).filter((i) => !axes.includes(i)));
      const sq = new Map<string, number>();
      v.forEach((xi, i) => sq.set(key(i), (sq.get(key(i)) ?? 0) + xi * xi));
      const expected = v.map((xi, i) => xi / Math.sqrt(Math.max(sq.get(key(i))!, 1e-12)));
      expect(maxRelError(y.dataSync(), expected)).toBeLessThanOrEqual(1e-5);
      st.dispose([t, y]);
    }
  });

  it('has the Keras 3 config and errors', async () => {
    expect(json(st.layers.unitNormalization({ axis: [1, 2] }).getConfig())).toEqual({ axis: [1, 2], trainable: true, dtype: 'float32' });
    const x = st.ones([2, 3]);
    expect(() => st.layers.unitNormalization({ axis: 2 }).apply(x)).toThrow(/unit_normalization.*axis 2 is out of range for input shape \[2,3\]/);
    expect(() => st.layers.unitNormalization({ axis: 'x' as unknown as number })).toThrow(/UnitNormalization: axis must be an integer/);
    x.dispose();
  });
});

describe('memory', () => {
  it('LayerNormalization, GroupNormalization, RMSNormalization and UnitNormalization do not leak in calls and gradients', async () => {
    const { t } = randomTensor([3, 4, 6], 91);
    const layers = [
      st.layers.layerNormalization(), st.layers.layerNormalization({ axis: [1, 2] }), st.layers.groupNormalization({ groups: 3 }),
      st.layers.rmsNormalization(), st.layers.unitNormalization({ axis: [1, 2] }),
    ];
    for (const layer of layers) layer.apply(t).dispose(); // build
    const before = st.memory().tensors;
    for (const layer of layers) {
      layer.apply(t, { training: true }).dispose();
      st.tidy(() => {
        st.grads((x: st.Tensor) => st.sum(layer.apply(x, { training: true })))([t]);
      });
    }
    expect(st.memory().tensors).toBe(before);
    t.dispose();
    for (const layer of layers) layer.dispose();
  });
});
