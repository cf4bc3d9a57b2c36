import { beforeAll, describe, expect, it } from 'vitest';
import * as st from '@strata/core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expectClose, randomSource, randomValues } from '../setup.js';
import { checkLayer } from './harness.js';
import { NO_TRAINING, NO_WEIGHTS, expectConfigMatch, expectSameConfig, plain, sizeOf, unravel, useCpuBackends } from './layer-test-utils.js';

beforeAll(useCpuBackends);

const L = st.layers;

/** Applies `layer` to a random input of `shape`; returns the input values and the output. */
function run(layer: st.Layer, shape: number[], seed = 3, range: [number, number] = [-3, 3]): { x: number[]; y: st.Tensor } {
  const x = randomValues(randomSource(seed), sizeOf(shape), range[0], range[1]);
  const t = st.tensor(x, shape);
  const y = layer.apply(t);
  t.dispose();
  return { x, y };
}

/** Checks an elementwise layer against a float64 function. */
function expectElementwise(layer: st.Layer, shape: number[], f: (v: number) => number, tolerance = 1e-6): void {
  const { x, y } = run(layer, shape);
  expect(y.shape).toEqual(shape);
  expectClose(y.dataSync(), x.map(f), tolerance);
  y.dispose();
}

/** Softmax over `axes` in float64, with an optional keep-mask (same shape as x). */
function softmaxOracle(x: readonly number[], shape: readonly number[], axes: readonly number[], keep?: readonly boolean[]): number[] {
  const groupOf = (flat: number) => unravel(flat, shape).map((v, d) => (axes.includes(d) ? 0 : v)).join(',');
  const groups = new Map<string, number[]>();
  x.forEach((_, i) => {
    const g = groupOf(i);
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g)!.push(i);
  });
  const out = new Array<number>(x.length).fill(0);
  for (const members of groups.values()) {
    const live = keep ? members.filter((i) => keep[i]) : members;
    if (live.length === 0) continue;
    const m = Math.max(...live.map((i) => x[i]!));
    const total = live.reduce((s, i) => s + Math.exp(x[i]! - m), 0);
    for (const i of live) out[i] = Math.exp(x[i]! - m) / total;
  }
  return out;
}

describe('ReLU', () => {
  it('passes the layer test (TensorFlow.js options)', async () => {
    await checkLayer({ make: () => L.relu(), inputShapes: [[3, 4, 5]], weights: NO_WEIGHTS, noTrainingReason: NO_TRAINING, tfjs: () => tfl.layers.reLU() });
    await checkLayer({ make: () => L.relu({ maxValue: 1.5 }), inputShapes: [[2, 7]], weights: NO_WEIGHTS, noTrainingReason: NO_TRAINING, tfjs: () => tfl.layers.reLU({ maxValue: 1.5 }) });
  });

  it('passes the layer test with Keras 3 options TensorFlow.js lacks, and matches the float64 oracle', async () => {
    const args = { maxValue: 1.2, negativeSlope: 0.1, threshold: 0.5 };
    // With threshold > 0 the function jumps at the threshold (Keras' definition); the seed keeps
    // every finite-difference probe away from it.
    await checkLayer({ make: () => L.relu(args), inputShapes: [[3, 4, 5]], weights: NO_WEIGHTS, noTrainingReason: NO_TRAINING, seed: 2 });
    const f = (v: number) => (v > 0.5 ? Math.min(v, 1.2) : 0.1 * (v - 0.5));
    expectElementwise(L.relu(args), [3, 4, 5], f);
    expectElementwise(L.relu({ negativeSlope: 0.2 }), [2, 9], (v) => (v > 0 ? v : 0.2 * v));
    expectElementwise(L.relu({ threshold: 1 }), [2, 9], (v) => (v > 1 ? v : 0));
    expectElementwise(L.relu({ maxValue: 0.7 }), [2, 9], (v) => Math.min(Math.max(v, 0), 0.7));
  });

  it('has TensorFlow.js config keys plus the Keras 3 ones, and loads TensorFlow.js configs', async () => {
    const ours = plain(L.relu({ maxValue: 2 }).getConfig());
    const theirs = plain(tfl.layers.reLU({ maxValue: 2 }).getConfig());
    expectConfigMatch(ours, { ...theirs, negativeSlope: 0, threshold: 0 });
    expect(plain(new L.ReLU(theirs as never).getConfig())).toEqual(ours);
    // TensorFlow.js leaves maxValue out when unset; Strata writes null, which TensorFlow.js reads as unset.
    expectConfigMatch(plain(L.relu().getConfig()), { ...plain(tfl.layers.reLU().getConfig()), maxValue: null, negativeSlope: 0, threshold: 0 });
    expect(plain(tfl.layers.reLU(plain(L.relu().getConfig()) as never).getConfig())['maxValue']).toBeNull();
  });

  it('rejects negative options', async () => {
    expect(() => L.relu({ maxValue: -1, name: 'r' })).toThrow(/r: maxValue must be a finite number ≥ 0, got -1/);
    expect(() => L.relu({ negativeSlope: -0.1, name: 'r2' })).toThrow(/r2: negativeSlope must be a finite number ≥ 0/);
    expect(() => L.relu({ threshold: Number.NaN, name: 'r3' })).toThrow(/r3: threshold must be a finite number/);
  });
});

describe('LeakyReLU', () => {
  it('passes the layer test', async () => {
    await checkLayer({ make: () => L.leakyRelu(), inputShapes: [[3, 5, 2]], weights: NO_WEIGHTS, noTrainingReason: NO_TRAINING, tfjs: () => tfl.layers.leakyReLU() });
    await checkLayer({ make: () => L.leakyRelu({ alpha: 0.05 }), inputShapes: [[4, 3]], weights: NO_WEIGHTS, noTrainingReason: NO_TRAINING, tfjs: () => tfl.layers.leakyReLU({ alpha: 0.05 }) });
  });

  it('matches the float64 oracle; negativeSlope is the Keras 3 name of alpha', async () => {
    expectElementwise(L.leakyRelu(), [3, 7], (v) => (v > 0 ? v : 0.3 * v));
    const layer = L.leakyRelu({ negativeSlope: 0.15 });
    expect(layer.alpha).toBe(0.15);
    expect(layer.negativeSlope).toBe(0.15);
    expectElementwise(layer, [3, 7], (v) => (v > 0 ? v : 0.15 * v));
  });

  it('has TensorFlow.js config keys and rejects bad slopes', async () => {
    expectSameConfig((a) => new L.LeakyReLU(a as never), (a) => tfl.layers.leakyReLU(a as never), {});
    expectSameConfig((a) => new L.LeakyReLU(a as never), (a) => tfl.layers.leakyReLU(a as never), { alpha: 0.01 });
    expect(plain(L.leakyRelu({ negativeSlope: 0.2 }).getConfig())['alpha']).toBe(0.2);
    expect(() => L.leakyRelu({ alpha: 0.1, negativeSlope: 0.2, name: 'lr' })).toThrow(/lr: alpha \(0.1\) and negativeSlope \(0.2\) name the same slope/);
    expect(() => L.leakyRelu({ alpha: -1, name: 'lr2' })).toThrow(/lr2: alpha must be a finite number ≥ 0, got -1/);
  });
});

describe('PReLU', () => {
  const alphaInitializer = { className: 'RandomUniform', config: { minval: 0.1, maxval: 0.5, seed: 3 } };

  it('passes the layer test (one slope per element, and shared axes)', async () => {
    await checkLayer({
      make: () => L.prelu({ alphaInitializer }), inputShapes: [[3, 4, 5]], weights: { trainable: 1, nonTrainable: 0, params: 20 },
      tfjs: () => tfl.layers.prelu(),
    });
    await checkLayer({
      make: () => L.prelu({ alphaInitializer, sharedAxes: [1, 2] }), inputShapes: [[2, 3, 4, 5]], weights: { trainable: 1, nonTrainable: 0, params: 5 },
      tfjs: () => tfl.layers.prelu({ sharedAxes: [1, 2] }),
    });
    // Default initializer (zeros): the slope still gets a gradient and one step reduces the loss.
    await checkLayer({ make: () => L.prelu({ sharedAxes: 1 }), inputShapes: [[3, 2, 3]], weights: { trainable: 1, nonTrainable: 0, params: 3 }, tfjs: () => tfl.layers.prelu({ sharedAxes: 1 }) });
  });

  it('matches the float64 oracle with the slopes it holds', async () => {
    const layer = L.prelu({ alphaInitializer, sharedAxes: [2] });
    const shape = [2, 3, 4, 2];
    const { x, y } = run(layer, shape);
    expect(layer.weights[0]!.shape).toEqual([3, 1, 2]);
    const alpha = Array.from(layer.weights[0]!.dataSync());
    const expected = x.map((v, i) => {
      const [, a, , c] = unravel(i, shape) as [number, number, number, number];
      return v > 0 ? v : alpha[a * 2 + c]! * v;
    });
    expectClose(y.dataSync(), expected, 1e-6);
    y.dispose();
  });

  it('serializes initializer, regularizer and constraint like TensorFlow.js', async () => {
    const args = {
      alphaInitializer: { className: 'Constant', config: { value: 0.25 } },
      alphaRegularizer: { className: 'L1L2', config: { l1: 0.01, l2: 0.02 } },
      alphaConstraint: { className: 'NonNeg', config: {} },
      sharedAxes: [1],
    };
    expectSameConfig((a) => new L.PReLU(a as never), (a) => tfl.layers.prelu(a as never), args);
    expectSameConfig((a) => new L.PReLU(a as never), (a) => tfl.layers.prelu(a as never), {});
    const layer = L.prelu(args as never);
    const x = st.tensor(randomValues(randomSource(1), 12), [2, 3, 2]);
    layer.apply(x).dispose();
    expect(Array.from(layer.weights[0]!.dataSync())).toEqual([0.25, 0.25]);
    const [penalty] = layer.regularizationLosses();
    expectClose(penalty!.dataSync(), [0.01 * 0.5 + 0.02 * 0.125]);
    st.dispose([x, penalty]);
    layer.dispose();
  });

  it('rejects bad shared axes, unknown dims and inputs of another shape', async () => {
    expect(() => L.prelu({ sharedAxes: [0], name: 'pr' })).toThrow(/pr: sharedAxes must be null, an axis ≥ 1 or a list of them, got \[0\]/);
    expect(() => L.prelu({ sharedAxes: [3], name: 'pr2' }).apply(st.input({ shape: [2, 3] })))
      .toThrow(/pr2: sharedAxes \[3\] name axis 3, but the input shape \[null,2,3\] has axes 1\.\.2/);
    expect(() => L.prelu({ name: 'pr3' }).apply(st.input({ shape: [null, 3] })))
      .toThrow(/pr3: axis 1 of input shape \[null,null,3\] is unknown; give its size or share it with sharedAxes/);
    expect(L.prelu({ sharedAxes: 1 }).apply(st.input({ shape: [null, 3] })).shape).toEqual([null, null, 3]);
    const layer = L.prelu({ name: 'pr4' });
    const a = st.zeros([2, 3, 4]);
    const b = st.zeros([2, 3, 5]);
    layer.apply(a).dispose();
    expect(() => layer.apply(b)).toThrow(/pr4: input axis 2 must have size 4, got shape \[2,3,5\]/);
    st.dispose([a, b]);
    layer.dispose();
  });
});

describe('ELU', () => {
  it('passes the layer test', async () => {
    await checkLayer({ make: () => L.elu(), inputShapes: [[3, 4, 5]], weights: NO_WEIGHTS, noTrainingReason: NO_TRAINING, tfjs: () => tfl.layers.elu() });
    // TensorFlow.js only implements alpha = 1, so other values are checked against the oracle.
    await checkLayer({ make: () => L.elu({ alpha: 0.4 }), inputShapes: [[2, 6]], weights: NO_WEIGHTS, noTrainingReason: NO_TRAINING });
  });

  it('matches the float64 oracle for any alpha', async () => {
    expectElementwise(L.elu(), [3, 7], (v) => (v > 0 ? v : Math.expm1(v)));
    expectElementwise(L.elu({ alpha: 0.4 }), [3, 7], (v) => (v > 0 ? v : 0.4 * Math.expm1(v)));
    expectElementwise(L.elu({ alpha: 2.5 }), [3, 7], (v) => (v > 0 ? v : 2.5 * Math.expm1(v)));
  });

  it('has TensorFlow.js config keys and rejects a bad alpha', async () => {
    expectSameConfig((a) => new L.ELU(a as never), (a) => tfl.layers.elu(a as never), {});
    expect(plain(L.elu({ alpha: 0.5 }).getConfig())).toEqual({ alpha: 0.5, trainable: true, dtype: 'float32' });
    expect(() => L.elu({ alpha: Number.POSITIVE_INFINITY, name: 'el' })).toThrow(/el: alpha must be a finite number, got null/);
  });
});

describe('Softmax', () => {
  it('passes the layer test (last axis, a middle axis, several axes)', async () => {
    await checkLayer({ make: () => L.softmax(), inputShapes: [[3, 4, 5]], weights: NO_WEIGHTS, noTrainingReason: NO_TRAINING, tfjs: () => tfl.layers.softmax({ axis: -1 }) });
    // TensorFlow.js' softmax rejects a non-last axis, so axis 1 is checked against the oracle below.
    await checkLayer({ make: () => L.softmax({ axis: 1 }), inputShapes: [[2, 3, 5]], weights: NO_WEIGHTS, noTrainingReason: NO_TRAINING });
    await checkLayer({ make: () => L.softmax({ axis: [1, 2] }), inputShapes: [[2, 3, 4, 2]], weights: NO_WEIGHTS, noTrainingReason: NO_TRAINING, tfjs: () => tfl.layers.softmax({ axis: [1, 2] }) });
  });

  it('matches the float64 oracle, with and without a mask', async () => {
    const shape = [2, 3, 5];
    for (const [axis, axes] of [[-1, [2]], [1, [1]], [[1, 2], [1, 2]]] as const) {
      const { x, y } = run(L.softmax({ axis: axis as number | number[] }), shape, 5, [-4, 4]);
      expectClose(y.dataSync(), softmaxOracle(x, shape, axes), 1e-6);
      y.dispose();
    }
    // A mask hides positions: they get 0 and the rest renormalise; a fully masked row is all 0.
    const keep = Array.from({ length: 30 }, (_, i) => i % 3 !== 0 && !(i >= 10 && i < 15));
    const x = randomValues(randomSource(8), 30, -4, 4);
    const t = st.tensor(x, shape);
    const m = st.tensor(keep, shape, 'bool');
    const layer = L.softmax();
    const y = layer.apply(t, { mask: m });
    expectClose(y.dataSync(), softmaxOracle(x, shape, [2], keep), 1e-6);
    expect(layer.computeMask(t, m)).toBe(m);
    st.dispose([t, m, y]);
  });

  it('defaults to the last axis (Keras) and has TensorFlow.js config keys', async () => {
    expect(L.softmax().axis).toBe(-1);
    // TensorFlow.js' own default is axis 1 (its docs say -1); Strata follows Keras, and configs
    // always carry the axis, so saved models load the same either way.
    expect(plain(tfl.layers.softmax().getConfig())['axis']).toBe(1);
    expectSameConfig((a) => new L.Softmax(a as never), (a) => tfl.layers.softmax(a as never), { axis: -1 });
    expectSameConfig((a) => new L.Softmax(a as never), (a) => tfl.layers.softmax(a as never), { axis: [1, 2] });
    expect(() => L.softmax({ axis: 'x' as never, name: 'sm' })).toThrow(/sm: axis must be an integer or a non-empty list of integers, got "x"/);
    const t = st.zeros([2, 3]);
    expect(() => L.softmax({ axis: 2, name: 'sm2' }).apply(t)).toThrow(/sm2: axis 2 is out of range for input of shape \[2,3\]/);
    t.dispose();
  });
});

describe('activation layers', () => {
  it('are registered, pass masks through, and keep symbolic shapes', async () => {
    for (const name of ['ReLU', 'LeakyReLU', 'PReLU', 'ELU', 'Softmax']) expect(st.getRegisteredClass('layer', name), name).toBeDefined();
    const x = st.input({ shape: [null, 6] });
    for (const layer of [L.relu(), L.leakyRelu(), L.prelu({ sharedAxes: 1 }), L.elu(), L.softmax()]) {
      expect(layer.supportsMasking).toBe(true);
      expect(layer.apply(x).shape).toEqual([null, null, 6]);
      expect(layer.computeOutputShape([null, 4, 6])).toEqual([null, 4, 6]);
    }
  });

  it('do not leak tensors', async () => {
    const x = st.tensor(randomValues(randomSource(4), 2 * 3 * 4), [2, 3, 4]);
    const mask = st.tensor(Array.from({ length: 24 }, (_, i) => i % 5 !== 0), [2, 3, 4], 'bool');
    const layers = [L.relu(), L.relu({ maxValue: 1 }), L.relu({ negativeSlope: 0.1, threshold: 0.2, maxValue: 3 }), L.leakyRelu(), L.prelu(), L.elu({ alpha: 0.3 }), L.softmax(), L.softmax({ axis: [1, 2] })];
    for (const layer of layers) layer.apply(x).dispose();
    const before = st.memory().tensors;
    for (const layer of layers) layer.apply(x).dispose();
    L.softmax().apply(x, { mask }).dispose();
    expect(st.memory().tensors).toBe(before);
    st.dispose([x, mask]);
  });
});
