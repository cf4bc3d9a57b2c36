import { beforeAll, describe, expect, it } from 'vitest';
import * as st from '@strata/core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expectClose, randomSource, randomValues } from '../setup.js';
import { checkLayer } from './harness.js';
import { NO_TRAINING, NO_WEIGHTS, expectConfigMatch, expectSameConfig, plain, ravel, sizeOf, unravel, useCpuBackends } from './layer-test-utils.js';

beforeAll(useCpuBackends);

const L = st.layers;

/** Every element of an `outShape` tensor from its multi-index. */
const build = (outShape: readonly number[], f: (idx: number[]) => number): number[] =>
  Array.from({ length: sizeOf(outShape) }, (_, i) => f(unravel(i, outShape)));

/** Applies `layer` to a random input of `shape` and returns input values, output and its values. */
function run(layer: st.Layer, shape: number[], seed = 3): { x: number[]; y: st.Tensor; out: number[] } {
  const x = randomValues(randomSource(seed), sizeOf(shape));
  const t = st.tensor(x, shape);
  const y = layer.apply(t);
  t.dispose();
  return { x, y, out: Array.from(y.dataSync()) };
}

describe('Reshape', () => {
  it('passes the layer test (with an inferred dimension)', async () => {
    await checkLayer({
      make: () => L.reshape({ targetShape: [-1, 3] }), inputShapes: [[3, 5, 6]], weights: NO_WEIGHTS,
      noTrainingReason: NO_TRAINING, tfjs: () => tfl.layers.reshape({ targetShape: [-1, 3] }),
    });
    await checkLayer({
      make: () => L.reshape({ targetShape: [7, 1, 2] }), inputShapes: [[2, 14]], weights: NO_WEIGHTS,
      noTrainingReason: NO_TRAINING, tfjs: () => tfl.layers.reshape({ targetShape: [7, 1, 2] }),
    });
  });

  it('keeps values in row-major order (oracle) and infers -1 or null', async () => {
    const layer = L.reshape({ targetShape: [null, 5] });
    const { x, y, out } = run(layer, [2, 3, 5]);
    expect(y.shape).toEqual([2, 3, 5]);
    expect(out).toEqual(x.map((v) => Math.fround(v)));
    expect(layer.targetShape).toEqual([-1, 5]);
    y.dispose();
  });

  it('computes output shapes with unknown dims', async () => {
    expect(L.reshape({ targetShape: [-1, 4] }).computeOutputShape([null, 6, 2])).toEqual([null, 3, 4]);
    expect(L.reshape({ targetShape: [-1, 4] }).computeOutputShape([null, null, 2])).toEqual([null, null, 4]);
    expect(L.reshape({ targetShape: [2, 6] }).computeOutputShape([5, 3, 4])).toEqual([5, 2, 6]);
  });

  it('rejects bad target shapes and incompatible inputs with clear errors', async () => {
    expect(() => L.reshape({ targetShape: [-1, -1], name: 'rs' })).toThrow(/rs: targetShape \[-1,-1\] may have only one unknown/);
    expect(() => L.reshape({ targetShape: [2.5], name: 'rs2' })).toThrow(/rs2: targetShape\[0\] must be a non-negative integer/);
    expect(() => L.reshape({ targetShape: [5, -1], name: 'rs3' }).computeOutputShape([null, 3, 4]))
      .toThrow(/rs3: cannot reshape input of shape \[null,3,4\] \(12 values per example\) to targetShape \[5,-1\]/);
    const x = st.zeros([2, 7]);
    expect(() => L.reshape({ targetShape: [2, 3], name: 'rs4' }).apply(x)).toThrow(/rs4: cannot reshape input of shape \[2,7\]/);
    x.dispose();
  });

  it('writes -1 (the Keras form) where TensorFlow.js writes null, and both load', async () => {
    const ours = plain(L.reshape({ targetShape: [-1, 3] }).getConfig());
    const theirs = plain(tfl.layers.reshape({ targetShape: [-1, 3] }).getConfig());
    expectConfigMatch(ours, { ...theirs, targetShape: [-1, 3] });
    expect(theirs['targetShape']).toEqual([null, 3]);
    expect(plain(new L.Reshape(theirs as never).getConfig())).toEqual(ours);
    // (TensorFlow.js rewrites the array it is given, so it gets a copy.)
    expectConfigMatch(ours, { ...plain(tfl.layers.reshape(structuredClone(ours) as never).getConfig()), targetShape: [-1, 3] });
    expectSameConfig((a) => new L.Reshape(a as never), (a) => tfl.layers.reshape(a as never), { targetShape: [2, 3], inputShape: [6] });
  });
});

describe('Flatten', () => {
  it('passes the layer test', async () => {
    await checkLayer({ make: () => L.flatten(), inputShapes: [[3, 2, 5, 3]], weights: NO_WEIGHTS, noTrainingReason: NO_TRAINING, tfjs: () => tfl.layers.flatten() });
    await checkLayer({
      make: () => L.flatten({ dataFormat: 'channelsFirst' }), inputShapes: [[2, 3, 4, 5]], weights: NO_WEIGHTS,
      noTrainingReason: NO_TRAINING, tfjs: () => tfl.layers.flatten({ dataFormat: 'channelsFirst' }),
    });
  });

  it('accepts rank 2 and rank 1 inputs like Keras 3 (oracle)', async () => {
    const a = run(L.flatten(), [3, 4]);
    expect(a.y.shape).toEqual([3, 4]);
    expect(a.out).toEqual(a.x);
    const b = run(L.flatten(), [5]);
    expect(b.y.shape).toEqual([5, 1]);
    expect(b.out).toEqual(b.x);
    st.dispose([a.y, b.y]);
  });

  it('moves channels last before flattening with channelsFirst (oracle)', async () => {
    const shape = [2, 3, 4, 5];
    const { x, y, out } = run(L.flatten({ dataFormat: 'channels_first' as never }), shape);
    // Output position (b, (h·W + w)·C + c) holds x[b, c, h, w].
    const expected = build([2, 60], ([b, j]) => {
      const c = j! % 3;
      const hw = Math.floor(j! / 3);
      return x[ravel([b!, c, Math.floor(hw / 5), hw % 5], shape)]!;
    });
    expectClose(out, expected, 0);
    y.dispose();
  });

  it('computes output shapes, null when a dim is unknown', async () => {
    expect(L.flatten().computeOutputShape([null, 3, 4])).toEqual([null, 12]);
    expect(L.flatten().computeOutputShape([null, null, 4])).toEqual([null, null]);
    expect(L.flatten().computeOutputShape([null])).toEqual([null, 1]);
  });

  it('has TensorFlow.js config keys', async () => {
    expectSameConfig((a) => new L.Flatten(a as never), (a) => tfl.layers.flatten(a as never), {});
    expectSameConfig((a) => new L.Flatten(a as never), (a) => tfl.layers.flatten(a as never), { dataFormat: 'channelsFirst', inputShape: [2, 3] });
    expect(() => L.flatten({ dataFormat: 'nchw' as never, name: 'fl' })).toThrow(/fl: dataFormat must be 'channelsLast' or 'channelsFirst', got "nchw"/);
  });
});

describe('Permute', () => {
  it('passes the layer test', async () => {
    await checkLayer({ make: () => L.permute({ dims: [2, 1] }), inputShapes: [[3, 4, 5]], weights: NO_WEIGHTS, noTrainingReason: NO_TRAINING, tfjs: () => tfl.layers.permute({ dims: [2, 1] }) });
    await checkLayer({ make: () => L.permute({ dims: [3, 1, 2] }), inputShapes: [[2, 3, 5, 7]], weights: NO_WEIGHTS, noTrainingReason: NO_TRAINING, tfjs: () => tfl.layers.permute({ dims: [3, 1, 2] }) });
  });

  it('permutes non-batch axes (oracle)', async () => {
    const shape = [2, 3, 5, 7];
    const { x, y, out } = run(L.permute({ dims: [3, 1, 2] }), shape);
    expect(y.shape).toEqual([2, 7, 3, 5]);
    expectClose(out, build([2, 7, 3, 5], ([b, k, i, j]) => x[ravel([b!, i!, j!, k!], shape)]!), 0);
    y.dispose();
  });

  it('computes output shapes and rejects bad dims and ranks', async () => {
    expect(L.permute({ dims: [2, 1] }).computeOutputShape([null, 3, null])).toEqual([null, null, 3]);
    expect(() => L.permute({ dims: [0, 1], name: 'pm' })).toThrow(/pm: dims \[0,1\] must be a permutation of 1\.\.2/);
    expect(() => L.permute({ dims: [1, 1] })).toThrow(/must be a permutation/);
    const x = st.zeros([2, 3]);
    expect(() => L.permute({ dims: [2, 1], name: 'pm2' }).apply(x)).toThrow(/pm2: input must have rank 3, got shape \[2,3\]/);
    x.dispose();
  });

  it('has TensorFlow.js config keys', async () => {
    expectSameConfig((a) => new L.Permute(a as never), (a) => tfl.layers.permute(a as never), { dims: [2, 3, 1] });
  });
});

describe('RepeatVector', () => {
  it('passes the layer test', async () => {
    await checkLayer({ make: () => L.repeatVector({ n: 3 }), inputShapes: [[2, 5]], weights: NO_WEIGHTS, noTrainingReason: NO_TRAINING, tfjs: () => tfl.layers.repeatVector({ n: 3 }) });
  });

  it('repeats each vector n times (oracle)', async () => {
    const { x, y, out } = run(L.repeatVector({ n: 4 }), [3, 5]);
    expect(y.shape).toEqual([3, 4, 5]);
    expectClose(out, build([3, 4, 5], ([b, , j]) => x[b! * 5 + j!]!), 0);
    y.dispose();
  });

  it('computes output shapes and rejects bad n and ranks', async () => {
    expect(L.repeatVector({ n: 2 }).computeOutputShape([null, 7])).toEqual([null, 2, 7]);
    expect(() => L.repeatVector({ n: 0, name: 'rv' })).toThrow(/rv: n must be an integer ≥ 1, got 0/);
    const x = st.zeros([2, 3, 4]);
    expect(() => L.repeatVector({ n: 2, name: 'rv2' }).apply(x)).toThrow(/rv2: input must have rank 2, got shape \[2,3,4\]/);
    x.dispose();
  });

  it('has TensorFlow.js config keys', async () => {
    expectSameConfig((a) => new L.RepeatVector(a as never), (a) => tfl.layers.repeatVector(a as never), { n: 5 });
  });
});

describe('ZeroPadding1D (not in TensorFlow.js)', () => {
  it('passes the layer test', async () => {
    await checkLayer({ make: () => L.zeroPadding1d({ padding: [2, 1] }), inputShapes: [[3, 5, 2]], weights: NO_WEIGHTS, noTrainingReason: NO_TRAINING });
    await checkLayer({ make: () => L.zeroPadding1d({ padding: 3, dataFormat: 'channelsFirst' }), inputShapes: [[2, 3, 4]], weights: NO_WEIGHTS, noTrainingReason: NO_TRAINING });
  });

  it('pads the steps axis with zeros (oracle)', async () => {
    const shape = [3, 5, 2];
    const { x, y, out } = run(L.zeroPadding1d({ padding: [2, 1] }), shape);
    expect(y.shape).toEqual([3, 8, 2]);
    expectClose(out, build([3, 8, 2], ([b, t, c]) => (t! >= 2 && t! < 7 ? x[ravel([b!, t! - 2, c!], shape)]! : 0)), 0);
    const cf = run(L.zeroPadding1d({ padding: 1, dataFormat: 'channelsFirst' }), [2, 3, 4]);
    expect(cf.y.shape).toEqual([2, 3, 6]);
    expectClose(cf.out, build([2, 3, 6], ([b, c, t]) => (t! >= 1 && t! < 5 ? cf.x[ravel([b!, c!, t! - 1], [2, 3, 4])]! : 0)), 0);
    st.dispose([y, cf.y]);
  });

  it('computes output shapes, has a config, and rejects bad padding', async () => {
    const layer = L.zeroPadding1d();
    expect(layer.computeOutputShape([null, 4, 3])).toEqual([null, 6, 3]);
    expect(layer.computeOutputShape([null, null, 3])).toEqual([null, null, 3]);
    expect(plain(layer.getConfig())).toEqual({ padding: [1, 1], dataFormat: 'channelsLast', trainable: true, dtype: 'float32' });
    expect(() => L.zeroPadding1d({ padding: -1 as never, name: 'zp' })).toThrow(/zp: padding must be an integer ≥ 0, got -1/);
    expect(() => L.zeroPadding1d({ padding: [1, 2, 3] as never, name: 'zp2' })).toThrow(/zp2: padding must be an integer or a pair/);
  });
});

describe('ZeroPadding2D', () => {
  it('passes the layer test (channelsLast and channelsFirst)', async () => {
    await checkLayer({
      make: () => L.zeroPadding2d({ padding: [[1, 2], [0, 3]] }), inputShapes: [[2, 3, 5, 2]], weights: NO_WEIGHTS,
      noTrainingReason: NO_TRAINING, tfjs: () => tfl.layers.zeroPadding2d({ padding: [[1, 2], [0, 3]] }),
    });
    await checkLayer({
      make: () => L.zeroPadding2d({ padding: [2, 1], dataFormat: 'channelsFirst' }), inputShapes: [[2, 3, 4, 5]], weights: NO_WEIGHTS,
      noTrainingReason: NO_TRAINING, tfjs: () => tfl.layers.zeroPadding2d({ padding: [2, 1], dataFormat: 'channelsFirst' }),
    });
  });

  it('pads rows and columns with zeros (oracle)', async () => {
    const shape = [2, 3, 4, 2];
    const { x, y, out } = run(L.zeroPadding2d({ padding: [[1, 0], [2, 3]] }), shape);
    expect(y.shape).toEqual([2, 4, 9, 2]);
    expectClose(out, build([2, 4, 9, 2], ([b, h, w, c]) => (h! >= 1 && w! >= 2 && w! < 6 ? x[ravel([b!, h! - 1, w! - 2, c!], shape)]! : 0)), 0);
    y.dispose();
  });

  it('computes output shapes and has TensorFlow.js config keys', async () => {
    expect(L.zeroPadding2d({ padding: 2 }).computeOutputShape([null, 3, null, 4])).toEqual([null, 7, null, 4]);
    expect(L.zeroPadding2d({ dataFormat: 'channelsFirst' }).computeOutputShape([null, 3, 5, 6])).toEqual([null, 3, 7, 8]);
    for (const padding of [undefined, 2, [1, 3], [[0, 1], [2, 3]]]) {
      expectSameConfig((a) => new L.ZeroPadding2D(a as never), (a) => tfl.layers.zeroPadding2d(a as never), padding === undefined ? {} : { padding });
    }
    expectSameConfig((a) => new L.ZeroPadding2D(a as never), (a) => tfl.layers.zeroPadding2d(a as never), { dataFormat: 'channelsFirst' });
    expect(() => L.zeroPadding2d({ padding: [[1, 2, 3], [0, 0]] as never, name: 'zp' })).toThrow(/zp: padding\[0\] must be an integer or a pair/);
  });
});

describe('Cropping1D (not in TensorFlow.js)', () => {
  it('passes the layer test', async () => {
    await checkLayer({ make: () => L.cropping1d({ cropping: [2, 1] }), inputShapes: [[3, 7, 2]], weights: NO_WEIGHTS, noTrainingReason: NO_TRAINING });
  });

  it('crops the steps axis (oracle)', async () => {
    const shape = [3, 7, 2];
    const { x, y, out } = run(L.cropping1d({ cropping: [2, 1] }), shape);
    expect(y.shape).toEqual([3, 4, 2]);
    expectClose(out, build([3, 4, 2], ([b, t, c]) => x[ravel([b!, t! + 2, c!], shape)]!), 0);
    y.dispose();
  });

  it('computes output shapes, has a config, and rejects cropping everything', async () => {
    const layer = L.cropping1d({ name: 'cr' });
    expect(layer.computeOutputShape([null, 5, 3])).toEqual([null, 3, 3]);
    expect(layer.computeOutputShape([null, null, 3])).toEqual([null, null, 3]);
    expect(plain(layer.getConfig())).toEqual({ cropping: [1, 1], trainable: true, dtype: 'float32' });
    expect(() => layer.computeOutputShape([null, 2, 3])).toThrow(/cr: cropping \[1,1\] removes all 2 steps of input shape \[null,2,3\]/);
    const x = st.zeros([1, 2, 3]);
    expect(() => layer.apply(x)).toThrow(/cr: cropping \[1,1\] removes all 2 steps/);
    x.dispose();
  });
});

describe('Cropping2D', () => {
  it('passes the layer test (channelsLast and channelsFirst)', async () => {
    await checkLayer({
      make: () => L.cropping2d({ cropping: [[1, 2], [0, 1]] }), inputShapes: [[2, 6, 5, 3]], weights: NO_WEIGHTS,
      noTrainingReason: NO_TRAINING, tfjs: () => tfl.layers.cropping2D({ cropping: [[1, 2], [0, 1]] }),
    });
    await checkLayer({
      make: () => L.cropping2d({ cropping: [1, 2], dataFormat: 'channelsFirst' }), inputShapes: [[2, 3, 5, 7]], weights: NO_WEIGHTS,
      noTrainingReason: NO_TRAINING, tfjs: () => tfl.layers.cropping2D({ cropping: [1, 2], dataFormat: 'channelsFirst' }),
    });
  });

  it('crops rows and columns (oracle)', async () => {
    const shape = [2, 6, 5, 3];
    const { x, y, out } = run(L.cropping2d({ cropping: [[1, 2], [0, 1]] }), shape);
    expect(y.shape).toEqual([2, 3, 4, 3]);
    expectClose(out, build([2, 3, 4, 3], ([b, h, w, c]) => x[ravel([b!, h! + 1, w!, c!], shape)]!), 0);
    y.dispose();
  });

  it('computes output shapes, has TensorFlow.js config keys, and rejects cropping everything', async () => {
    expect(L.cropping2d({ cropping: 1 }).computeOutputShape([null, 4, null, 2])).toEqual([null, 2, null, 2]);
    for (const cropping of [1, [1, 2], [[0, 1], [2, 3]]]) {
      expectSameConfig((a) => new L.Cropping2D(a as never), (a) => tfl.layers.cropping2D(a as never), { cropping });
    }
    expectSameConfig((a) => new L.Cropping2D(a as never), (a) => tfl.layers.cropping2D(a as never), { cropping: 2, dataFormat: 'channelsFirst' });
    expect(() => L.cropping2d({ cropping: [[2, 2], [0, 0]], name: 'cr' }).computeOutputShape([null, 4, 5, 1]))
      .toThrow(/cr: cropping \[\[2,2\],\[0,0\]\] removes all 4 rows of input shape \[null,4,5,1\]/);
  });
});

describe('UpSampling1D (not in TensorFlow.js)', () => {
  it('passes the layer test', async () => {
    await checkLayer({ make: () => L.upSampling1d({ size: 3 }), inputShapes: [[2, 5, 3]], weights: NO_WEIGHTS, noTrainingReason: NO_TRAINING });
  });

  it('repeats each step (oracle)', async () => {
    const shape = [2, 5, 3];
    const { x, y, out } = run(L.upSampling1d({ size: 3 }), shape);
    expect(y.shape).toEqual([2, 15, 3]);
    expectClose(out, build([2, 15, 3], ([b, t, c]) => x[ravel([b!, Math.floor(t! / 3), c!], shape)]!), 0);
    y.dispose();
  });

  it('computes output shapes, has a config, and rejects bad sizes', async () => {
    const layer = L.upSampling1d();
    expect(layer.computeOutputShape([null, 4, 3])).toEqual([null, 8, 3]);
    expect(layer.computeOutputShape([null, null, 3])).toEqual([null, null, 3]);
    expect(plain(layer.getConfig())).toEqual({ size: 2, trainable: true, dtype: 'float32' });
    expect(() => L.upSampling1d({ size: 0, name: 'us' })).toThrow(/us: size must be an integer ≥ 1, got 0/);
  });
});

/** TensorFlow.js-style bilinear upsampling (no half-pixel centers), in float64. */
function bilinearOracle(x: readonly number[], shape: readonly number[], size: readonly [number, number]): number[] {
  const [n, h, w, c] = shape as [number, number, number, number];
  const sample = (o: number, inSize: number, factor: number): [number, number, number] => {
    const src = o / factor;
    const lo = Math.floor(src);
    return [lo, Math.min(inSize - 1, lo + 1), src - lo];
  };
  return build([n, h * size[0], w * size[1], c], ([b, oy, ox, ch]) => {
    const [y0, y1, fy] = sample(oy!, h, size[0]);
    const [x0, x1, fx] = sample(ox!, w, size[1]);
    const at = (yy: number, xx: number) => x[ravel([b!, yy, xx, ch!], shape)]!;
    const top = at(y0, x0) * (1 - fx) + at(y0, x1) * fx;
    const bottom = at(y1, x0) * (1 - fx) + at(y1, x1) * fx;
    return top * (1 - fy) + bottom * fy;
  });
}

describe('UpSampling2D', () => {
  it('passes the layer test (nearest and bilinear, both data formats)', async () => {
    await checkLayer({
      make: () => L.upSampling2d({ size: [2, 3] }), inputShapes: [[2, 3, 4, 2]], weights: NO_WEIGHTS,
      noTrainingReason: NO_TRAINING, tfjs: () => tfl.layers.upSampling2d({ size: [2, 3] }),
    });
    await checkLayer({
      make: () => L.upSampling2d({ size: [3, 2], interpolation: 'bilinear' }), inputShapes: [[2, 3, 5, 2]], weights: NO_WEIGHTS,
      noTrainingReason: NO_TRAINING, tfjs: () => tfl.layers.upSampling2d({ size: [3, 2], interpolation: 'bilinear' }),
    });
    await checkLayer({
      make: () => L.upSampling2d({ size: [2, 2], interpolation: 'bilinear', dataFormat: 'channelsFirst' }), inputShapes: [[1, 3, 4, 3]],
      weights: NO_WEIGHTS, noTrainingReason: NO_TRAINING,
      tfjs: () => tfl.layers.upSampling2d({ size: [2, 2], interpolation: 'bilinear', dataFormat: 'channelsFirst' }),
    });
    await checkLayer({
      make: () => L.upSampling2d({ size: 2, dataFormat: 'channelsFirst' }), inputShapes: [[2, 3, 2, 3]], weights: NO_WEIGHTS,
      noTrainingReason: NO_TRAINING, tfjs: () => tfl.layers.upSampling2d({ size: [2, 2], dataFormat: 'channelsFirst' }),
    });
  });

  it('nearest repeats pixels and bilinear interpolates (oracle)', async () => {
    const shape = [2, 3, 5, 2];
    const near = run(L.upSampling2d({ size: [2, 3] }), shape);
    expectClose(near.out, build([2, 6, 15, 2], ([b, h, w, c]) => near.x[ravel([b!, Math.floor(h! / 2), Math.floor(w! / 3), c!], shape)]!), 0);
    const bil = run(L.upSampling2d({ size: [3, 2], interpolation: 'bilinear' }), shape);
    expect(bil.y.shape).toEqual([2, 9, 10, 2]);
    expectClose(bil.out, bilinearOracle(bil.x, shape, [3, 2]), 1e-6);
    st.dispose([near.y, bil.y]);
  });

  it('computes output shapes, has TensorFlow.js config keys, and rejects bad options', async () => {
    expect(L.upSampling2d({ size: [2, 3] }).computeOutputShape([null, 4, null, 2])).toEqual([null, 8, null, 2]);
    expect(L.upSampling2d({ dataFormat: 'channelsFirst' }).computeOutputShape([null, 3, 4, 5])).toEqual([null, 3, 8, 10]);
    expectSameConfig((a) => new L.UpSampling2D(a as never), (a) => tfl.layers.upSampling2d(a as never), {});
    expectSameConfig((a) => new L.UpSampling2D(a as never), (a) => tfl.layers.upSampling2d(a as never), { size: [3, 1], interpolation: 'bilinear', dataFormat: 'channelsFirst' });
    expect(() => L.upSampling2d({ interpolation: 'bicubic' as never, name: 'up' })).toThrow(/up: interpolation must be 'nearest' or 'bilinear', got "bicubic"/);
    expect(() => L.upSampling2d({ size: [2, 0], name: 'up2' })).toThrow(/up2: size\[1\] must be an integer ≥ 1, got 0/);
    const x = st.zeros([2, 3, 4]);
    expect(() => L.upSampling2d({ name: 'up3' }).apply(x)).toThrow(/up3: input must have rank 4, got shape \[2,3,4\]/);
    x.dispose();
  });
});

describe('reshaping layers', () => {
  it('are registered, exported as factories, and work in a functional model shape inference', async () => {
    for (const name of ['Reshape', 'Flatten', 'Permute', 'RepeatVector', 'ZeroPadding1D', 'ZeroPadding2D', 'Cropping1D', 'Cropping2D', 'UpSampling1D', 'UpSampling2D']) {
      expect(st.getRegisteredClass('layer', name), name).toBeDefined();
    }
    const x = st.input({ shape: [6, 8, 3] });
    let y = L.zeroPadding2d({ padding: 1 }).apply(x);
    y = L.cropping2d({ cropping: [[2, 0], [1, 1]] }).apply(y);
    y = L.upSampling2d({ size: 2, interpolation: 'bilinear' }).apply(y);
    y = L.permute({ dims: [3, 1, 2] }).apply(y);
    y = L.flatten().apply(y);
    y = L.reshape({ targetShape: [-1, 4] }).apply(y);
    expect(y.shape).toEqual([null, 3 * 12 * 16 / 4, 4]);
  });

  it('do not leak tensors', async () => {
    const layers = [
      L.reshape({ targetShape: [-1] }), L.flatten({ dataFormat: 'channelsFirst' }), L.permute({ dims: [3, 2, 1] }),
      L.zeroPadding2d(), L.cropping2d({ cropping: 1 }), L.upSampling2d({ interpolation: 'bilinear' }), L.upSampling2d(),
    ];
    const x = st.tensor(randomValues(randomSource(1), 2 * 4 * 5 * 3), [2, 4, 5, 3]);
    const seq = st.tensor(randomValues(randomSource(2), 2 * 5 * 3), [2, 5, 3]);
    for (const layer of layers) layer.apply(x).dispose(); // builds
    for (const layer of [L.zeroPadding1d(), L.cropping1d(), L.upSampling1d()]) layer.apply(seq).dispose();
    const before = st.memory().tensors;
    for (const layer of layers) layer.apply(x).dispose();
    const flat = st.reshape(x, [2, 60]);
    L.repeatVector({ n: 3 }).apply(flat).dispose();
    flat.dispose();
    for (const layer of [L.zeroPadding1d(), L.cropping1d(), L.upSampling1d()]) layer.apply(seq).dispose();
    expect(st.memory().tensors).toBe(before);
    st.dispose([x, seq]);
  });
});
