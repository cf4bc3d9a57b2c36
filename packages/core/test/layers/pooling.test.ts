/**
 * Pooling layers: the Keras-style layer test for Max/Average pooling 1D/2D and the global
 * versions against TensorFlow.js (odd sizes, strides, 'same' padding), float64 oracles (including
 * keepdims and GlobalAveragePooling1D's mask, which TensorFlow.js lacks), configs against
 * TensorFlow.js' getConfig(), shape inference, errors and memory.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as st from '@strata/core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expectClose } from '../setup.js';
import { checkLayer, type TfjsLayer } from './harness.js';
import { expectSameConfigAsTfjs, jsonWithoutBaseKeys, randomTensor, sizeOf, useCpuBackends } from './layer-test-utils.js';

beforeAll(useCpuBackends);

/** TensorFlow's 'same' padding before the data in one dim. */
function samePadBefore(inSize: number, k: number, stride: number): number {
  const out = Math.ceil(inSize / stride);
  return Math.floor(Math.max((out - 1) * stride + k - inSize, 0) / 2);
}

/**
 * Float64 max / average pooling of NHWC x; padded positions are skipped (max ignores them,
 * average divides by the number of real elements).
 */
function poolOracle(kind: 'max' | 'avg', x: ArrayLike<number>, [n, h, w, c]: number[], [ph, pw]: number[], [sh, sw]: number[], padding: 'valid' | 'same'): { values: number[]; shape: number[] } {
  const oh = padding === 'same' ? Math.ceil(h / sh) : Math.floor((h - ph) / sh) + 1;
  const ow = padding === 'same' ? Math.ceil(w / sw) : Math.floor((w - pw) / sw) + 1;
  const top = padding === 'same' ? samePadBefore(h, ph, sh) : 0;
  const left = padding === 'same' ? samePadBefore(w, pw, sw) : 0;
  const values: number[] = [];
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        for (let ci = 0; ci < c; ci++) {
          let acc = kind === 'max' ? -Infinity : 0;
          let count = 0;
          for (let ky = 0; ky < ph; ky++) {
            const iy = oy * sh - top + ky;
            if (iy < 0 || iy >= h) continue;
            for (let kx = 0; kx < pw; kx++) {
              const ix = ox * sw - left + kx;
              if (ix < 0 || ix >= w) continue;
              const v = x[((b * h + iy) * w + ix) * c + ci]!;
              acc = kind === 'max' ? Math.max(acc, v) : acc + v;
              count++;
            }
          }
          values.push(kind === 'max' ? acc : acc / count);
        }
      }
    }
  }
  return { values, shape: [n, oh, ow, c] };
}

const noWeights = { trainable: 0, nonTrainable: 0, params: 0 };
const noTraining = 'pooling has no weights';

type Args = Record<string, unknown>;
type TfFactory = (args: never) => TfjsLayer;

// ---- windowed pooling ------------------------------------------------------------------------

interface WindowCase {
  title: string;
  args: Args;
  input: number[];
}

const windowed: { name: string; kind: 'max' | 'avg'; rank: 1 | 2; ours: (args: Args) => st.Layer; tfjs: TfFactory; cases: WindowCase[] }[] = [
  {
    name: 'MaxPooling1D', kind: 'max', rank: 1, ours: (a) => st.layers.maxPooling1d(a), tfjs: tfl.layers.maxPooling1d as TfFactory,
    cases: [
      { title: "pool 3, strides 2, 'same', odd length", args: { poolSize: 3, strides: 2, padding: 'same' }, input: [2, 9, 3] },
      { title: 'default pool 2, valid, odd length', args: {}, input: [3, 7, 2] },
    ],
  },
  {
    name: 'AveragePooling1D', kind: 'avg', rank: 1, ours: (a) => st.layers.averagePooling1d(a), tfjs: tfl.layers.averagePooling1d as TfFactory,
    cases: [
      { title: "pool 3, strides 2, 'same'", args: { poolSize: 3, strides: 2, padding: 'same' }, input: [2, 10, 3] },
      { title: "pool [4], strides 1, 'valid'", args: { poolSize: [4], strides: 1 }, input: [1, 9, 2] },
    ],
  },
  {
    name: 'MaxPooling2D', kind: 'max', rank: 2, ours: (a) => st.layers.maxPooling2d(a), tfjs: tfl.layers.maxPooling2d as TfFactory,
    cases: [
      { title: "pool [3,2], strides [2,3], 'same'", args: { poolSize: [3, 2], strides: [2, 3], padding: 'same' }, input: [2, 7, 9, 3] },
      { title: "default pool 2, 'valid', odd sizes", args: {}, input: [1, 5, 7, 2] },
    ],
  },
  {
    name: 'AveragePooling2D', kind: 'avg', rank: 2, ours: (a) => st.layers.averagePooling2d(a), tfjs: tfl.layers.averagePooling2d as TfFactory,
    cases: [
      { title: "pool 3, strides 2, 'same' (edge windows are partial)", args: { poolSize: 3, strides: 2, padding: 'same' }, input: [2, 7, 5, 2] },
      { title: "pool [2,3], 'valid'", args: { poolSize: [2, 3] }, input: [2, 6, 7, 3] },
    ],
  },
];

for (const group of windowed) {
  describe(group.name, () => {
    for (const c of group.cases) {
      it(`${c.title}: layer test`, () => checkLayer({
        make: () => group.ours(c.args),
        inputShapes: [c.input],
        weights: noWeights,
        tfjs: () => group.tfjs(c.args as never),
        noTrainingReason: noTraining,
      }));

      it(`${c.title}: float64 oracle`, async () => {
        const layer = group.ours(c.args);
        const { t: x, v } = randomTensor(c.input, 61);
        const y = layer.apply(x);
        const tuple = (value: unknown, fallback: number[]): number[] => (value === undefined ? fallback : typeof value === 'number' ? fallback.map(() => value) : [...(value as number[])]);
        const pool = tuple(c.args['poolSize'], group.rank === 1 ? [2] : [2, 2]);
        const strides = tuple(c.args['strides'], pool);
        const padding = (c.args['padding'] as 'valid' | 'same' | undefined) ?? 'valid';
        const shape4 = group.rank === 1 ? [c.input[0]!, 1, c.input[1]!, c.input[2]!] : c.input;
        const { values, shape } = poolOracle(group.kind, v, shape4, group.rank === 1 ? [1, pool[0]!] : pool, group.rank === 1 ? [1, strides[0]!] : strides, padding);
        expect([...y.shape]).toEqual(group.rank === 1 ? [shape[0], shape[2], shape[3]] : shape);
        expectClose(y.dataSync(), values, 1e-6);
        st.dispose([x, y]);
      });
    }

    it('config matches TensorFlow.js, both ways', async () => {
      const args = group.rank === 1 ? { poolSize: 3, strides: 2, padding: 'same' } : { poolSize: [3, 2], strides: [1, 2], padding: 'same', dataFormat: 'channelsLast' };
      expectSameConfigAsTfjs(group.ours(args), group.tfjs(args as never), (config) => group.tfjs(config as never));
      const defaults = jsonWithoutBaseKeys(group.ours({}).getConfig());
      expect(defaults).toEqual(jsonWithoutBaseKeys(group.tfjs({} as never).getConfig()));
    });
  });
}

describe('windowed pooling: shapes and errors', () => {
  it('computeOutputShape: valid, same, unknown dims', async () => {
    expect(st.layers.maxPooling1d({ poolSize: 3, strides: 2 }).computeOutputShape([null, 10, 4])).toEqual([null, 4, 4]);
    expect(st.layers.averagePooling1d({ poolSize: 3, strides: 2, padding: 'same' }).computeOutputShape([null, 10, 4])).toEqual([null, 5, 4]);
    expect(st.layers.maxPooling2d({ poolSize: [2, 3], padding: 'valid' }).computeOutputShape([null, null, 10, 1])).toEqual([null, null, 3, 1]);
    expect(st.layers.averagePooling2d({ poolSize: 2, strides: 1, padding: 'same' }).computeOutputShape([null, 5, null, 2])).toEqual([null, 5, null, 2]);
  });

  it('rejects channels-first, bad padding, bad sizes, wrong rank and windows that do not fit', async () => {
    expect(() => st.layers.maxPooling2d({ dataFormat: 'channelsFirst' as never })).toThrow(/dataFormat 'channelsFirst' is not supported.*channels-last/);
    expect(() => st.layers.averagePooling1d({ dataFormat: 'channels_first' as never })).toThrow(/dataFormat 'channels_first' is not supported/);
    expect(() => st.layers.maxPooling1d({ padding: 'causal' as never })).toThrow(/padding must be 'valid' or 'same', got "causal"/);
    expect(() => st.layers.maxPooling2d({ poolSize: [2, 0] })).toThrow(/poolSize must be a positive integer or a list of 2 positive integers, got \[2,0\]/);
    const layer = st.layers.maxPooling2d({ name: 'mp' });
    const rank3 = st.zeros([4, 4, 2]);
    expect(() => layer.apply(rank3)).toThrow(/mp: input must have rank 4, got shape \[4,4,2\]/);
    expect(() => st.layers.averagePooling2d({ poolSize: 5, name: 'ap' }).apply(st.input({ shape: [3, 8, 1] }))).toThrow(/ap \(AveragePooling2D\): the window of size 5 does not fit input shape \[null,3,8,1\]/);
    rank3.dispose();
  });

  it('does not leak tensors in eager calls', async () => {
    const layer = st.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' });
    const { t: x } = randomTensor([2, 7, 6, 3], 62);
    layer.apply(x).dispose();
    const before = st.memory().tensors;
    for (let i = 0; i < 3; i++) layer.apply(x).dispose();
    expect(st.memory().tensors).toBe(before);
    x.dispose();
  });
});

// ---- global pooling --------------------------------------------------------------------------

const globals: { name: string; kind: 'max' | 'avg'; rank: 1 | 2; ours: (args: Args) => st.Layer; tfjs: TfFactory; input: number[] }[] = [
  { name: 'GlobalMaxPooling1D', kind: 'max', rank: 1, ours: (a) => st.layers.globalMaxPooling1d(a), tfjs: tfl.layers.globalMaxPooling1d as TfFactory, input: [2, 5, 3] },
  { name: 'GlobalAveragePooling1D', kind: 'avg', rank: 1, ours: (a) => st.layers.globalAveragePooling1d(a), tfjs: tfl.layers.globalAveragePooling1d as TfFactory, input: [3, 7, 2] },
  { name: 'GlobalMaxPooling2D', kind: 'max', rank: 2, ours: (a) => st.layers.globalMaxPooling2d(a), tfjs: tfl.layers.globalMaxPooling2d as TfFactory, input: [2, 5, 3, 4] },
  { name: 'GlobalAveragePooling2D', kind: 'avg', rank: 2, ours: (a) => st.layers.globalAveragePooling2d(a), tfjs: tfl.layers.globalAveragePooling2d as TfFactory, input: [2, 3, 7, 3] },
];

/** Float64 global max/mean over the spatial dims of `[batch, ...spatial, channels]`. */
function globalOracle(kind: 'max' | 'avg', x: ArrayLike<number>, shape: readonly number[]): number[] {
  const [n, c] = [shape[0]!, shape[shape.length - 1]!];
  const steps = sizeOf(shape.slice(1, -1));
  const out: number[] = [];
  for (let b = 0; b < n; b++) {
    for (let ci = 0; ci < c; ci++) {
      let acc = kind === 'max' ? -Infinity : 0;
      for (let s = 0; s < steps; s++) {
        const v = x[(b * steps + s) * c + ci]!;
        acc = kind === 'max' ? Math.max(acc, v) : acc + v;
      }
      out.push(kind === 'max' ? acc : acc / steps);
    }
  }
  return out;
}

for (const g of globals) {
  describe(g.name, () => {
    it('layer test', () => checkLayer({
      make: () => g.ours({}),
      inputShapes: [g.input],
      weights: noWeights,
      tfjs: () => g.tfjs({} as never),
      noTrainingReason: noTraining,
    }));

    it('keepdims: layer test and float64 oracle', async () => {
      await checkLayer({ make: () => g.ours({ keepdims: true }), inputShapes: [g.input], weights: noWeights, noTrainingReason: noTraining });
      const { t: x, v } = randomTensor(g.input, 63);
      const layer = g.ours({ keepdims: true });
      const y = layer.apply(x);
      const expectedShape = [g.input[0]!, ...g.input.slice(1, -1).map(() => 1), g.input[g.input.length - 1]!];
      expect([...y.shape]).toEqual(expectedShape);
      expect(layer.computeOutputShape([null, ...g.input.slice(1)])).toEqual([null, ...expectedShape.slice(1)]);
      expectClose(y.dataSync(), globalOracle(g.kind, v, g.input), 1e-6);
      const config = layer.getConfig();
      expect(config['keepdims']).toBe(true);
      expect(st.getRegisteredClass('layer', g.name)!.fromConfig(config)).toHaveProperty('keepdims', true);
      st.dispose([x, y]);
    });

    it('config matches TensorFlow.js, both ways', async () => {
      expectSameConfigAsTfjs(g.ours({}), g.tfjs({} as never), (config) => g.tfjs(config as never));
      if (g.rank === 2) expect(g.ours({ dataFormat: 'channels_last' }).getConfig()['dataFormat']).toBe('channelsLast');
      expect(() => g.ours({ dataFormat: 'channelsFirst' })).toThrow(/dataFormat 'channelsFirst' is not supported/);
    });
  });
}

describe('global pooling: mask, int inputs, shapes', () => {
  it('GlobalAveragePooling1D averages only unmasked steps (float64 oracle)', async () => {
    const { t: x, v } = randomTensor([3, 5, 2], 64);
    const keep = [[1, 1, 0, 1, 0], [0, 1, 1, 1, 1], [1, 0, 0, 0, 0]];
    const mask = st.tensor(keep.flat().map((k) => k === 1), [3, 5], 'bool');
    const layer = st.layers.globalAveragePooling1d();
    const y = layer.apply(x, { mask });
    const expected: number[] = [];
    for (let b = 0; b < 3; b++) {
      for (let c = 0; c < 2; c++) {
        let sum = 0;
        let count = 0;
        for (let s = 0; s < 5; s++) if (keep[b]![s]) { sum += v[(b * 5 + s) * 2 + c]!; count++; }
        expected.push(sum / count);
      }
    }
    expectClose(y.dataSync(), expected, 1e-6);
    expect(layer.computeMask([x], mask)).toBeNull();
    const wrong = st.tensor([true, false], [1, 2], 'bool');
    expect(() => layer.apply(x, { mask: wrong })).toThrow(/the mask must be \[batch, steps\] = \[3,5\], got \[1,2\]/);
    st.dispose([x, mask, y, wrong]);
  });

  it('int32 inputs are pooled as float32', async () => {
    const x = st.tensor([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 2, 2], 'int32');
    const avg = st.layers.globalAveragePooling2d().apply(x);
    const mx = st.layers.globalMaxPooling2d().apply(x);
    expect(avg.dtype).toBe('float32');
    expect(Array.from(avg.dataSync())).toEqual([4, 5]);
    expect(Array.from(mx.dataSync())).toEqual([7, 8]);
    st.dispose([x, avg, mx]);
  });

  it('wrong rank gives a clear error', async () => {
    const x = st.zeros([2, 3, 4]);
    expect(() => st.layers.globalAveragePooling2d({ name: 'gap' }).apply(x)).toThrow(/gap: input must have rank 4, got shape \[2,3,4\]/);
    x.dispose();
  });
});
