import { beforeAll, describe, expect, it } from 'vitest';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import * as st from '@strata/core';
import { randomSource, randomValues, useCpu } from '../setup.js';
import { useTempFolder } from '../temp-folder.js';
import { io } from './io-module.js';
import { maxRelativeError, outputsOf, randomInput, randomizeWeights, strataCnn, strataTwoInputs } from './models.js';

const freshDir = useTempFolder('strata-model-io-').fresh;
beforeAll(useCpu);

async function weightValues(m: st.Layer): Promise<number[][]> {
  return Promise.all(m.weights.map(async (w) => [...(await w.data())]));
}

describe('saveModel / loadModel round trips', () => {
  it('a Sequential CNN: same config, same weights, bit-identical predictions', async () => {
    const m = strataCnn(3);
    const dir = freshDir();
    const result = await m.save(`file://${dir}`) as io.SaveResult;
    expect(result.modelArtifactsInfo.weightDataBytes).toBe(m.countParams() * 4);
    const loaded = await io.loadModel(`file://${dir}`) as st.Sequential;
    expect(loaded).toBeInstanceOf(st.Sequential);
    expect(loaded.getConfig()).toEqual(m.getConfig());
    expect(await weightValues(loaded)).toEqual(await weightValues(m));
    const x = randomInput([3, 7, 6, 2], 4).tensor;
    expect(await outputsOf(await loaded.predict(x))).toEqual(await outputsOf(await m.predict(x)));
    const json = JSON.parse(await fsp.readFile(path.join(dir, 'model.json'), 'utf8'));
    expect(json.modelTopology.class_name).toBe('Sequential');
    expect(json.modelTopology.config.layers[0].config.data_format).toBe('channels_last');
    expect(json.format).toBe('layers-model');
    x.dispose();
    m.dispose();
    loaded.dispose();
  });

  it('a functional model with two inputs and two outputs (through memory handlers)', async () => {
    const m = strataTwoInputs(5);
    let saved!: io.ModelArtifacts;
    await io.saveModel(m, io.withSaveHandler(async (a) => {
      saved = a;
      return { modelArtifactsInfo: io.getModelArtifactsInfo(a) };
    }));
    const names = saved.weightSpecs!.map((s) => s.name);
    expect(names).toEqual(m.allWeightRecords().map((r) => r.path));
    const loaded = await io.loadModel(io.fromMemory(saved));
    expect(loaded.getConfig()).toEqual(m.getConfig());
    const xa = randomInput([4, 5], 6).tensor;
    const xb = randomInput([4, 3], 7).tensor;
    expect(await outputsOf(await (loaded as st.Model).predict([xa, xb]))).toEqual(await outputsOf(await m.predict([xa, xb])));
    st.dispose([xa, xb]);
    m.dispose();
    loaded.dispose();
  });

  it('does not leak tensors', async () => {
    const m = strataCnn(8);
    const before = st.memory().tensors;
    const handler = new io.MemoryHandler();
    await io.saveModel(m, handler);
    const loaded = await io.loadModel(handler);
    loaded.dispose();
    expect(st.memory().tensors).toBe(before);
    m.dispose();
  });
});

describe('saveWeights / loadWeights', () => {
  it('moves weights into a freshly built model of the same architecture', async () => {
    const a = strataTwoInputs(9);
    const dir = freshDir();
    await a.saveWeights(`file://${dir}`);
    const json = JSON.parse(await fsp.readFile(path.join(dir, 'model.json'), 'utf8'));
    expect(json.modelTopology).toBeNull();
    // Same layer names are needed to match by name: rebuild from a's config.
    const b = st.Functional.fromConfig(a.getConfig()) as st.Functional;
    randomizeWeights(b, 10);
    expect(await weightValues(b)).not.toEqual(await weightValues(a));
    await b.loadWeights(`file://${dir}`);
    expect(await weightValues(b)).toEqual(await weightValues(a));
    await expect(io.loadModel(`file://${dir}`)).rejects.toThrow(/no modelTopology \(weights only, e\.g\. from saveWeights\)/);
    a.dispose();
    b.dispose();
  });

  it('with strict false, skips weights the file lacks but still checks shapes', async () => {
    const a = strataCnn(11);
    const handler = new io.MemoryHandler();
    await io.saveWeights(a, handler);
    const art = handler.artifacts!;
    const keep = art.weightSpecs!.slice(0, 2);
    const partial = { ...art, weightSpecs: keep, weightData: (art.weightData as ArrayBuffer).slice(0, io.decodeWeights(art.weightData!, art.weightSpecs!).slice(0, 2).reduce((n, w) => n + w.values.byteLength, 0)) };
    const b = st.Sequential.fromConfig(a.getConfig()) as st.Sequential;
    randomizeWeights(b, 12);
    const before = await weightValues(b);
    await expect(io.loadWeights(b, io.fromMemory(partial))).rejects.toThrow(/lack 6 of model '.*''s 8 weights: .*batch_normalization.*gamma/);
    expect(await weightValues(b)).toEqual(before);
    await io.loadWeights(b, io.fromMemory(partial), { strict: false });
    const after = await weightValues(b);
    const original = await weightValues(a);
    expect(after.slice(0, 2)).toEqual(original.slice(0, 2));
    expect(after.slice(2)).toEqual(before.slice(2));
    a.dispose();
    b.dispose();
  });
});

describe('errors leave models and files untouched', () => {
  it('unknown layer class in model.json: names the class and the layer', async () => {
    const m = strataCnn(13);
    const dir = freshDir();
    await m.save(`file://${dir}`);
    const jsonPath = path.join(dir, 'model.json');
    const json = JSON.parse(await fsp.readFile(jsonPath, 'utf8'));
    json.modelTopology.config.layers[1].class_name = 'FancyNorm';
    const text = JSON.stringify(json);
    await fsp.writeFile(jsonPath, text);
    const before = st.memory().tensors;
    await expect(io.loadModel(`file://${dir}`)).rejects.toThrow(/unknown layer class 'FancyNorm' \(layer 'batch_normalization[^']*'\)\. Register custom layers with st\.registerClass/);
    expect(st.memory().tensors).toBe(before);
    expect(await fsp.readFile(jsonPath, 'utf8')).toBe(text);
    m.dispose();
  });

  it('truncated weight file: clear error, model unchanged, file unchanged', async () => {
    const m = strataCnn(14);
    const dir = freshDir();
    await m.save(`file://${dir}`);
    const wPath = path.join(dir, 'weights.bin');
    const bytes = await fsp.readFile(wPath);
    await fsp.writeFile(wPath, bytes.subarray(0, bytes.length - 4));
    const target = st.Sequential.fromConfig(m.getConfig()) as st.Sequential;
    const before = await weightValues(target);
    const tensorsBefore = st.memory().tensors;
    await expect(io.loadModel(`file://${dir}`)).rejects.toThrow(/weight file 'weights\.bin' is truncated/);
    await expect(target.loadWeights(`file://${dir}`)).rejects.toThrow(/weight file 'weights\.bin' is truncated/);
    expect(st.memory().tensors).toBe(tensorsBefore);
    expect(await weightValues(target)).toEqual(before);
    expect((await fsp.readFile(wPath)).length).toBe(bytes.length - 4);
    m.dispose();
    target.dispose();
  });

  it('wrong weight shape: names the weight and both shapes, assigns nothing', async () => {
    const small = st.sequential([st.layers.dense({ units: 3, inputShape: [4], name: 'd1' }), st.layers.dense({ units: 2, name: 'd2' })]);
    const big = st.sequential([st.layers.dense({ units: 3, inputShape: [4], name: 'd1' }), st.layers.dense({ units: 5, name: 'd2' })]);
    randomizeWeights(small, 15);
    randomizeWeights(big, 16);
    const handler = new io.MemoryHandler();
    await io.saveModel(small, handler);
    const before = await weightValues(big);
    await expect(io.loadWeights(big, handler)).rejects.toThrow(/weight 'd2\/kernel' has shape \[3,2\] in the saved file, but model '.*' has \[3,5\] for it; nothing was loaded/);
    expect(await weightValues(big)).toEqual(before);
    // A weight in the file the model does not have.
    const other = st.sequential([st.layers.dense({ units: 3, inputShape: [4], name: 'x1' })]);
    await expect(io.loadWeights(other, handler)).rejects.toThrow(/lack 2 of model .* weights: 'x1\/kernel', 'x1\/bias'; the file has instead 'd1\/kernel'/);
    st.dispose([small, big, other].flatMap((m) => m.weights));
  });

  it('a failed save leaves the previous model in place', async () => {
    const m = strataCnn(17);
    const dir = freshDir();
    await m.save(`file://${dir}`);
    const jsonBefore = await fsp.readFile(path.join(dir, 'model.json'), 'utf8');
    const weightsBefore = await fsp.readFile(path.join(dir, 'weights.bin'));
    class Sub extends st.Model {
      dense = st.layers.dense({ units: 2 });
      override call(x: st.Tensor | st.Tensor[]) {
        return this.dense.apply(x as st.Tensor);
      }
    }
    const sub = new Sub();
    sub.apply(st.ones([1, 3])).dispose();
    await expect(sub.save(`file://${dir}`)).rejects.toThrow(/is a subclassed Model, whose topology cannot be written; save it with saveWeights/);
    expect(await fsp.readFile(path.join(dir, 'model.json'), 'utf8')).toBe(jsonBefore);
    expect(await fsp.readFile(path.join(dir, 'weights.bin'))).toEqual(weightsBefore);
    // Subclassed models save and load their weights.
    await sub.saveWeights(`file://${dir}-sub`);
    await sub.loadWeights(`file://${dir}-sub`);
    m.dispose();
    sub.dispose();
  });

  it('a graph model or a non-layers format is refused clearly', async () => {
    await expect(io.loadModel(io.fromMemory({ modelTopology: { node: [] }, format: 'graph-model' }))).rejects.toThrow(/format is 'graph-model'; Strata loads 'layers-model' models/);
    await expect(io.loadModel(io.fromMemory({ modelTopology: { foo: 1 } }))).rejects.toThrow(/topology has no 'class_name'/);
    await expect(io.loadModel(42 as unknown as string)).rejects.toThrow(/expected a URL string or an IOHandler with a load\(\) method/);
    const layer = st.layers.dense({ units: 2, inputShape: [3] });
    layer.apply(st.ones([1, 3])).dispose();
    const h = new io.MemoryHandler();
    await io.saveModel(layer, h);
    const before = st.memory().tensors;
    await expect(io.loadModel(h)).rejects.toThrow(/the saved topology is a single layer \('Dense'\), not a model/);
    expect(st.memory().tensors).toBe(before);
    layer.dispose();
  });
});

describe('Keras (Python) model.json forms', () => {
  it('a Keras 3 functional topology (batch_shape, dtype policies, {args, kwargs} nodes) loads and computes like a float64 oracle', async () => {
    const policy = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
    const ref = (layer: string, shape: (number | null)[]) => ({ class_name: '__keras_tensor__', config: { shape, dtype: 'float32', keras_history: [layer, 0, 0] } });
    const dense = (name: string, units: number, activation: string, input: string, inShape: (number | null)[]) => ({
      module: 'keras.layers', class_name: 'Dense', registered_name: null, name, build_config: { input_shape: inShape },
      config: { name, trainable: true, dtype: policy, units, activation, use_bias: true,
        kernel_initializer: { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null }, registered_name: null },
        bias_initializer: { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null },
        kernel_regularizer: null, bias_regularizer: null, kernel_constraint: null, bias_constraint: null },
      inbound_nodes: [{ args: [ref(input, inShape)], kwargs: {} }],
    });
    const topology = {
      module: 'keras.src.models.functional', class_name: 'Functional', registered_name: 'Functional',
      config: {
        name: 'keras3_model', trainable: true,
        layers: [
          { module: 'keras.layers', class_name: 'InputLayer', registered_name: null, name: 'input_layer', config: { batch_shape: [null, 4], dtype: 'float32', sparse: false, name: 'input_layer' }, inbound_nodes: [] },
          dense('dense', 3, 'relu', 'input_layer', [null, 4]),
          { module: 'keras.layers', class_name: 'Concatenate', registered_name: null, name: 'concatenate', config: { name: 'concatenate', trainable: true, dtype: policy, axis: -1 },
            inbound_nodes: [{ args: [[ref('dense', [null, 3]), ref('input_layer', [null, 4])]], kwargs: {} }] },
          dense('dense_1', 2, 'linear', 'concatenate', [null, 7]),
        ],
        input_layers: ['input_layer', 0, 0],
        output_layers: ['dense_1', 0, 0],
      },
    };
    const rand = randomSource(30);
    const k1 = randomValues(rand, 12), b1 = randomValues(rand, 3), k2 = randomValues(rand, 14), b2 = randomValues(rand, 2);
    const specs: io.WeightsManifestEntry[] = [
      { name: 'dense/kernel', shape: [4, 3], dtype: 'float32' }, { name: 'dense/bias', shape: [3], dtype: 'float32' },
      { name: 'dense_1/kernel', shape: [7, 2], dtype: 'float32' }, { name: 'dense_1/bias', shape: [2], dtype: 'float32' },
    ];
    const weightData = new Float32Array([...k1, ...b1, ...k2, ...b2]).buffer;
    const model = await io.loadModel(io.fromMemory({ modelTopology: { model_config: topology }, weightSpecs: specs, weightData, format: 'layers-model' }));
    const n = 5;
    const xs = randomValues(rand, n * 4);
    const input = st.tensor(xs, [n, 4]);
    const y = await outputsOf(await model.predict(input));
    input.dispose();
    const expected: number[] = [];
    for (let r = 0; r < n; r++) {
      const x = xs.slice(4 * r, 4 * r + 4);
      const h = [0, 1, 2].map((j) => Math.max(0, b1[j]! + x.reduce((acc, xi, i) => acc + xi * k1[i * 3 + j]!, 0)));
      const c = [...h, ...x];
      for (let j = 0; j < 2; j++) expected.push(b2[j]! + c.reduce((acc, ci, i) => acc + ci * k2[i * 2 + j]!, 0));
    }
    expect(maxRelativeError(y[0]!, expected)).toBeLessThanOrEqual(1e-5);
    model.dispose();
  });
});

describe('training configuration and optimizer state', () => {
  it('a compiled, trained model reloads compiled with the same optimizer state; training continues identically', async () => {
    const m = st.sequential([st.layers.dense({ units: 4, inputShape: [3], activation: 'tanh' }), st.layers.dense({ units: 2 })]);
    randomizeWeights(m, 18);
    const compileArgs = { optimizer: st.optimizers.adam({ learningRate: 0.01 }), loss: 'meanSquaredError', metrics: ['mae'] };
    m.compile(compileArgs);
    const x = randomInput([8, 3], 19).tensor;
    const y = randomInput([8, 2], 20).tensor;
    await m.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0, shuffle: false });
    const handler = new io.MemoryHandler();
    await io.saveModel(m, handler, { includeOptimizer: true });
    const art = handler.artifacts!;
    const optSpecs = art.weightSpecs!.filter((s) => s.group === 'optimizer');
    expect(optSpecs.map((s) => s.shape)).toEqual([[], [3, 4], [3, 4], [4], [4], [4, 2], [4, 2], [2], [2]]);
    // The model's own getTrainingConfig (when it has one) is what save writes; set it here from the compile args.
    const tc = io.trainingConfigFromCompileArgs(compileArgs, m.optimizer!);
    expect(tc).toEqual({ loss: 'mean_squared_error', metrics: ['mae'], optimizer_config: { class_name: 'Adam', config: m.optimizer!.getConfig() } });
    const loaded = await io.loadModel(io.fromMemory({ ...art, trainingConfig: tc! })) as st.Sequential;
    expect(loaded.optimizer).not.toBeNull();
    expect(loaded.optimizer!.iterations).toBe(m.optimizer!.iterations);
    const [s1, s2] = [m.optimizer!.getWeights(), loaded.optimizer!.getWeights()];
    expect(await Promise.all(s2.map(async (t) => [...await t.data()]))).toEqual(await Promise.all(s1.map(async (t) => [...await t.data()])));
    st.dispose([...s1, ...s2]);
    await m.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0, shuffle: false });
    await loaded.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0, shuffle: false });
    expect(await weightValues(loaded)).toEqual(await weightValues(m));
    // {compile: false} skips it.
    const plain = await io.loadModel(io.fromMemory({ ...art, trainingConfig: tc! }), { compile: false }) as st.Sequential;
    expect(plain.optimizer).toBeNull();
    st.dispose([x, y]);
    m.dispose();
    loaded.dispose();
    plain.dispose();
  });

  it('trainingConfig is only written when TensorFlow.js can read it faithfully', () => {
    const adam = st.optimizers.adam();
    expect(io.trainingConfigFromCompileArgs({ optimizer: adam, loss: (a: st.Tensor) => a }, adam)).toBeNull();
    const nadam = st.optimizers.nadam();
    expect(io.trainingConfigFromCompileArgs({ optimizer: nadam, loss: 'mse' }, nadam)).toBeNull();
    expect(io.trainingConfigFromCompileArgs({ optimizer: adam, loss: ['mse', 'mae'], lossWeights: [1, 2] }, adam)).toBeNull();
    const momentum = st.optimizers.sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true });
    expect(io.trainingConfigFromCompileArgs({ optimizer: momentum, loss: { out: 'binaryCrossentropy' } }, momentum)).toEqual({
      loss: { out: 'binary_crossentropy' }, optimizer_config: { class_name: 'Momentum', config: { learningRate: 0.1, momentum: 0.9, useNesterov: true } },
    });
    const rms = st.optimizers.rmsprop({ learningRate: 0.01, rho: 0.8 });
    const tc = io.trainingConfigFromCompileArgs({ optimizer: rms, loss: 'categoricalCrossentropy', metrics: ['accuracy'] }, rms)!;
    expect(tc.optimizer_config).toEqual({ class_name: 'RMSProp', config: { learningRate: 0.01, decay: 0.8, momentum: 0, epsilon: rms.getConfig()['epsilon'], centered: false } });
    const back = io.compileArgsFromTrainingConfig(tc);
    expect(back.loss).toBe('categoricalCrossentropy');
    expect(back.metrics).toEqual(['accuracy']);
    expect((back.optimizer as st.Optimizer).getClassName()).toBe('RMSprop');
    expect((back.optimizer as st.Optimizer).getConfig()['rho']).toBeCloseTo(0.8);
  });
});
