/**
 * InputLayer and `st.input`: shape inference, dtype, config round trip, models built on them
 * checking their data's shape, and the config TensorFlow.js writes for the same input.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as st from '@strata/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { randomSource, randomValues, useCpu } from '../setup.js';

beforeAll(async () => {
  await useCpu();
  await tf.setBackend('cpu');
});

/** The InputLayer behind a symbolic input. */
function layerOf(x: st.SymbolicTensor): st.layers.InputLayer {
  const layer = x.node?.layer;
  expect(layer).toBeInstanceOf(st.layers.InputLayer);
  return layer as st.layers.InputLayer;
}

/** TensorFlow.js's config of the InputLayer behind `tfl.input(...)`. */
function tfjsInputConfig(args: Parameters<typeof tfl.input>[0]): Record<string, unknown> {
  const x = tfl.input(args);
  return (x.sourceLayer as unknown as { getConfig(): Record<string, unknown> }).getConfig();
}

describe('st.input: shapes and dtype', () => {
  it('shape gets a null batch dimension; batchSize fixes it', () => {
    const x = st.input({ shape: [3, 4] });
    expect(x.shape).toEqual([null, 3, 4]);
    expect(x.rank).toBe(3);
    expect(x.dtype).toBe('float32');
    expect(layerOf(x).batchInputShape).toEqual([null, 3, 4]);
    expect(st.input({ shape: [5], batchSize: 8 }).shape).toEqual([8, 5]);
    // Unknown sizes inside the sample shape stay null.
    expect(st.input({ shape: [null, 6] }).shape).toEqual([null, null, 6]);
    // A scalar per sample.
    expect(st.input({ shape: [] }).shape).toEqual([null]);
  });

  it('batchShape is taken as is (and wins over shape)', () => {
    expect(st.input({ batchShape: [4, 2] }).shape).toEqual([4, 2]);
    expect(st.input({ batchShape: [null, 7] }).shape).toEqual([null, 7]);
    expect(st.input({ batchShape: [2, 3], shape: [9] }).shape).toEqual([2, 3]);
  });

  it('dtype is kept on the layer and its output', () => {
    for (const dtype of ['float32', 'int32', 'bool'] as const) {
      const x = st.input({ shape: [2], dtype });
      expect(x.dtype).toBe(dtype);
      expect(layerOf(x).dtype).toBe(dtype);
    }
  });

  it('names: given, or unique input_layer names', () => {
    expect(layerOf(st.input({ shape: [1], name: 'pixels' })).name).toBe('pixels');
    expect(st.input({ shape: [1], name: 'pixels2' }).name).toBe('pixels2');
    const a = layerOf(st.input({ shape: [1] })).name;
    const b = layerOf(st.input({ shape: [1] })).name;
    expect(a).toMatch(/^input_layer/);
    expect(b).toMatch(/^input_layer/);
    expect(a).not.toBe(b);
  });

  it('the layer is built, has no weights and passes data through', async () => {
    const layer = layerOf(st.input({ shape: [3] }));
    expect(layer.built).toBe(true);
    expect(layer.weights.length).toBe(0);
    expect(layer.countParams()).toBe(0);
    const t = st.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const out = layer.call(t) as st.Tensor;
    expect([...(await out.data())]).toEqual([1, 2, 3, 4, 5, 6]);
    t.dispose();
  });

  it('rejects bad shapes and sparse inputs, saying what was wrong', () => {
    expect(() => st.input({})).toThrow(/give shape .* or batchShape/);
    expect(() => st.input({ shape: [3, -1] })).toThrow(/dimension 2 of \[null,3,-1\] must be a non-negative integer or null/);
    expect(() => st.input({ shape: [2.5] })).toThrow(/must be a non-negative integer or null/);
    expect(() => new st.layers.InputLayer({ inputShape: [3], sparse: true })).toThrow(/sparse inputs are not supported/);
  });
});

describe('InputLayer config', () => {
  it('getConfig / fromConfig round trip (direct and through the class registry)', () => {
    const layer = new st.layers.InputLayer({ inputShape: [6, 2], batchSize: 5, dtype: 'int32', name: 'ids' });
    const config = layer.getConfig();
    expect(config).toEqual({ batchInputShape: [5, 6, 2], dtype: 'int32', sparse: false, name: 'ids' });
    const back = st.layers.InputLayer.fromConfig(config) as st.layers.InputLayer;
    expect(back).toBeInstanceOf(st.layers.InputLayer);
    expect(back.getConfig()).toEqual(config);
    expect(back.output.shape).toEqual([5, 6, 2]);
    expect(back.output.dtype).toBe('int32');
    const viaRegistry = st.deserializeObject<st.layers.InputLayer>('layer', st.serializeObject(layer), 'test');
    expect(viaRegistry.getConfig()).toEqual(config);
  });

  it('matches TensorFlow.js tfl.input / tfl.layers.inputLayer configs', () => {
    const cases: { strata: st.layers.InputLayer; tfjs: Record<string, unknown> }[] = [
      { strata: layerOf(st.input({ shape: [3, 4], name: 'feat' })), tfjs: tfjsInputConfig({ shape: [3, 4], name: 'feat' }) },
      { strata: layerOf(st.input({ batchShape: [4, 2], name: 'b' })), tfjs: tfjsInputConfig({ batchShape: [4, 2], name: 'b' }) },
      { strata: layerOf(st.input({ shape: [7], dtype: 'int32', name: 'tokens' })), tfjs: tfjsInputConfig({ shape: [7], dtype: 'int32', name: 'tokens' }) },
      {
        strata: new st.layers.InputLayer({ batchInputShape: [null, 3, 4], name: 'x2' }),
        tfjs: tfl.layers.inputLayer({ batchInputShape: [null, 3, 4], name: 'x2' }).getConfig() as Record<string, unknown>,
      },
      {
        strata: new st.layers.InputLayer({ inputShape: [5], batchSize: 8, name: 'x3', dtype: 'int32' }),
        tfjs: tfl.layers.inputLayer({ inputShape: [5], batchSize: 8, name: 'x3', dtype: 'int32' }).getConfig() as Record<string, unknown>,
      },
    ];
    for (const { strata, tfjs } of cases) {
      expect(strata.getConfig(), strata.name).toEqual(tfjs);
      expect(strata.getClassName()).toBe('InputLayer');
    }
    // Both write sparse: false.
    expect(cases.every((c) => c.tfjs['sparse'] === false)).toBe(true);
  });
});

describe('a model built on an input', () => {
  function denseModel(): st.Functional {
    st.setSeed(3);
    const x = st.input({ shape: [3, 4], name: 'feat' });
    const y = st.layers.dense({ units: 2, name: 'proj' }).apply(x);
    return st.model({ inputs: x, outputs: y, name: 'mymodel' });
  }

  it('predicts data of the right shape, for any batch size', async () => {
    const m = denseModel();
    expect(m.inputs.map((i) => i.shape)).toEqual([[null, 3, 4]]);
    for (const batch of [1, 5]) {
      const x = st.tensor(randomValues(randomSource(batch), batch * 12), [batch, 3, 4]);
      const out = await m.predict(x) as st.Tensor;
      expect(out.shape).toEqual([batch, 3, 2]);
      st.dispose([x, out]);
    }
    m.dispose();
  });

  it('rejects data of the wrong rank or size, naming the model, the input and both shapes', async () => {
    const m = denseModel();
    const bad: [number[], string][] = [
      [[2, 3], 'mymodel: input \'feat\' expects shape [null,3,4] but got [2,3]'],
      [[2, 3, 4, 1], 'mymodel: input \'feat\' expects shape [null,3,4] but got [2,3,4,1]'],
      [[2, 3, 5], 'mymodel: input \'feat\' expects shape [null,3,4] but got [2,3,5]'],
      [[2, 4, 3], 'mymodel: input \'feat\' expects shape [null,3,4] but got [2,4,3]'],
    ];
    for (const [shape, message] of bad) {
      const x = st.zeros(shape);
      await expect(m.predict(x)).rejects.toThrow(message);
      expect(() => m.apply(x)).toThrow(message);
      x.dispose();
    }
    m.dispose();
  });

  it('a fixed batch size is checked too', async () => {
    const x = st.input({ batchShape: [2, 3], name: 'fixed' });
    const m = st.model({ inputs: x, outputs: st.layers.dense({ units: 1 }).apply(x), name: 'fixedmodel' });
    const good = st.zeros([2, 3]);
    const out = await m.predict(good, { batchSize: 2 }) as st.Tensor;
    expect(out.shape).toEqual([2, 1]);
    const wrong = st.zeros([2, 4]);
    await expect(m.predict(wrong)).rejects.toThrow(/fixedmodel: input 'fixed' expects shape \[2,3\] but got \[2,4\]/);
    st.dispose([good, out, wrong]);
    m.dispose();
  });

  it('matches TensorFlow.js predictions for the same weights', async () => {
    const m = denseModel();
    const ti = tfl.input({ shape: [3, 4], name: 'feat' });
    const tm = tfl.model({ inputs: ti, outputs: tfl.layers.dense({ units: 2, name: 'proj' }).apply(ti) as tfl.SymbolicTensor });
    tm.setWeights(await Promise.all(m.weights.map(async (w) => tf.tensor(await w.data() as Float32Array, w.shape as number[]))));
    const values = randomValues(randomSource(9), 2 * 12);
    const x = st.tensor(values, [2, 3, 4]);
    const out = await m.predict(x) as st.Tensor;
    const expected = await (tm.predict(tf.tensor(values, [2, 3, 4])) as tf.Tensor).data();
    const got = await out.data();
    for (let i = 0; i < got.length; i++) expect(Math.abs(got[i]! - expected[i]!)).toBeLessThan(1e-5);
    expect(tm.inputs[0]!.shape).toEqual(m.inputs[0]!.shape);
    st.dispose([x, out]);
    tm.dispose();
    m.dispose();
  });
});
