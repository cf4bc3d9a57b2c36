/**
 * Interop with the real TensorFlow.js 4.22 packages: models built and saved by TensorFlow.js load
 * in Strata and predict the same values, and models saved by Strata load in TensorFlow.js.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import * as st from '@strata/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { randomSource, randomValues, useCpu } from '../setup.js';
import { useTempFolder } from '../temp-folder.js';
import { io } from '../io/io-module.js';
import { maxRelativeError, outputsOf, randomInput, strataCnn, strataTwoInputs } from '../io/models.js';

const freshDir = useTempFolder('strata-interop-').fresh;
beforeAll(async () => {
  await useCpu();
  await tf.setBackend('cpu');
});

const TOLERANCE = 1e-5;

/** Random values for every TensorFlow.js weight (moving variances positive). */
function randomizeTfjs(model: tfl.LayersModel, seed: number): void {
  const rand = randomSource(seed);
  model.setWeights(model.weights.map((w) => {
    const positive = w.originalName.endsWith('moving_variance');
    return tf.tensor(randomValues(rand, w.shape.reduce((a: number, b) => a * (b ?? 1), 1), positive ? 0.5 : -1, positive ? 2 : 1), w.shape as number[]);
  }));
}

function tfjsCnn(): tfl.LayersModel {
  const m = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ filters: 4, kernelSize: [3, 2], inputShape: [9, 7, 3], activation: 'relu', padding: 'same', strides: 1 }),
      tfl.layers.batchNormalization({ epsilon: 1e-3, momentum: 0.9 }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({ filters: 2, kernelSize: 2, padding: 'valid', useBias: false }),
      tfl.layers.dropout({ rate: 0.4 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 5, activation: 'relu' }),
      tfl.layers.dense({ units: 3, activation: 'softmax' }),
    ],
  });
  randomizeTfjs(m, 1);
  return m;
}

function tfjsTwoInputs(): tfl.LayersModel {
  const a = tfl.input({ shape: [6], name: 'features' });
  const b = tfl.input({ shape: [4], name: 'extra_in' });
  const h = tfl.layers.dense({ units: 7, activation: 'tanh', name: 'hidden' }).apply(a) as tfl.SymbolicTensor;
  const bn = tfl.layers.batchNormalization({ name: 'bn' }).apply(b) as tfl.SymbolicTensor;
  const c = tfl.layers.concatenate({ name: 'joined' }).apply([h, bn]) as tfl.SymbolicTensor;
  const d = tfl.layers.dropout({ rate: 0.2 }).apply(c) as tfl.SymbolicTensor;
  const out1 = tfl.layers.dense({ units: 3, name: 'head_a' }).apply(d) as tfl.SymbolicTensor;
  const out2 = tfl.layers.dense({ units: 2, activation: 'sigmoid', name: 'head_b' }).apply(h) as tfl.SymbolicTensor;
  const m = tfl.model({ inputs: [a, b], outputs: [out1, out2] });
  randomizeTfjs(m, 2);
  return m;
}

async function tfjsArtifacts(model: tfl.LayersModel, includeOptimizer = false): Promise<tf.io.ModelArtifacts> {
  let saved!: tf.io.ModelArtifacts;
  await model.save(tf.io.withSaveHandler(async (a) => {
    saved = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }), { includeOptimizer });
  return saved;
}

/** Writes TensorFlow.js artifacts as tfjs-node's file:// handler does (model.json + weights.bin). */
async function writeTfjsFiles(dir: string, a: tf.io.ModelArtifacts): Promise<void> {
  await fsp.mkdir(dir, { recursive: true });
  await fsp.writeFile(path.join(dir, 'weights.bin'), new Uint8Array(a.weightData as ArrayBuffer));
  const json = { modelTopology: a.modelTopology, format: a.format, generatedBy: a.generatedBy, convertedBy: a.convertedBy, weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }] };
  await fsp.writeFile(path.join(dir, 'model.json'), JSON.stringify(json));
}

async function tfjsPredict(model: tfl.LayersModel, inputs: { values: number[]; shape: number[] }[]): Promise<number[][]> {
  const xs = inputs.map((i) => tf.tensor(i.values, i.shape));
  const y = model.predict(xs.length === 1 ? xs[0]! : xs) as tf.Tensor | tf.Tensor[];
  const list = Array.isArray(y) ? y : [y];
  const out = await Promise.all(list.map(async (t) => [...(await t.data())]));
  tf.dispose([...xs, ...list]);
  return out;
}

async function strataPredict(model: st.Layer, inputs: { values: number[]; shape: number[] }[]): Promise<number[][]> {
  const xs = inputs.map((i) => st.tensor(i.values, i.shape));
  const y = await (model as st.Model).predict(xs.length === 1 ? xs[0]! : xs);
  st.dispose(xs);
  return outputsOf(y);
}

function randomBatch(shapes: number[][], seed: number): { values: number[]; shape: number[] }[] {
  const rand = randomSource(seed);
  return shapes.map((shape) => ({ shape, values: randomValues(rand, shape.reduce((a, b) => a * b, 1)) }));
}

function expectSamePredictions(actual: number[][], expected: number[][]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => {
    expect(a.length).toBe(expected[i]!.length);
    expect(maxRelativeError(a, expected[i]!)).toBeLessThanOrEqual(TOLERANCE);
  });
}

describe('TensorFlow.js → Strata', () => {
  it('a Sequential CNN (Conv2D, BatchNormalization, MaxPooling2D, Dropout, Flatten, Dense) saved by TensorFlow.js', async () => {
    const tfModel = tfjsCnn();
    const artifacts = await tfjsArtifacts(tfModel);
    const inputs = randomBatch([[5, 9, 7, 3]], 3);
    const expected = await tfjsPredict(tfModel, inputs);

    const fromMemory = await io.loadModel(io.fromMemory(artifacts as io.ModelArtifacts));
    expect(fromMemory).toBeInstanceOf(st.Sequential);
    expectSamePredictions(await strataPredict(fromMemory, inputs), expected);

    const dir = freshDir();
    await writeTfjsFiles(dir, artifacts);
    const fromFiles = await io.loadModel(`file://${dir}`);
    expectSamePredictions(await strataPredict(fromFiles, inputs), expected);
    // Layer names and weight names survive as TensorFlow.js wrote them.
    expect(fromFiles.allWeightRecords().map((r) => r.path).sort()).toEqual(tfModel.weights.map((w) => w.originalName).sort());
    fromMemory.dispose();
    fromFiles.dispose();
    tfModel.dispose();
  });

  it('a functional model with two inputs, Concatenate and two outputs saved by TensorFlow.js', async () => {
    const tfModel = tfjsTwoInputs();
    const artifacts = await tfjsArtifacts(tfModel);
    const inputs = randomBatch([[6, 6], [6, 4]], 4);
    const expected = await tfjsPredict(tfModel, inputs);
    const model = await io.loadModel(io.fromMemory(artifacts as io.ModelArtifacts));
    expect(model).toBeInstanceOf(st.Functional);
    expect((model as st.Functional).inputNames).toEqual(['features', 'extra_in']);
    expectSamePredictions(await strataPredict(model, inputs), expected);
    model.dispose();
    tfModel.dispose();
  });

  it('a compiled TensorFlow.js model loads compiled (trainingConfig) in Strata', async () => {
    const tfModel = tfjsTwoInputs();
    tfModel.compile({ optimizer: tf.train.rmsprop(0.005, 0.8), loss: ['meanSquaredError', 'binaryCrossentropy'], metrics: ['mae'] });
    const artifacts = await tfjsArtifacts(tfModel, true);
    expect(artifacts.trainingConfig).toBeDefined();
    // TensorFlow.js adds its optimizer's weights (group 'optimizer'); they must not disturb the model's.
    expect(artifacts.weightSpecs!.some((s) => s.group === 'optimizer')).toBe(true);
    const model = await io.loadModel(io.fromMemory(artifacts as io.ModelArtifacts)) as st.Model;
    expect(model.optimizer!.getClassName()).toBe('RMSprop');
    expect(model.optimizer!.learningRate).toBeCloseTo(0.005);
    expect(model.optimizer!.getConfig()['rho']).toBeCloseTo(0.8);
    const xa = randomInput([4, 6], 5).tensor;
    const xb = randomInput([4, 4], 6).tensor;
    const ya = st.tensor(randomValues(randomSource(7), 12), [4, 3]);
    const yb = st.tensor(randomValues(randomSource(8), 8, 0, 1), [4, 2]);
    const history = await model.fit([xa, xb], [ya, yb], { epochs: 2, batchSize: 2, verbose: 0 });
    expect(history.history['loss']!.every((l) => Number.isFinite(l))).toBe(true);
    st.dispose([xa, xb, ya, yb]);
    model.dispose();
    tfModel.dispose();
  });
});

describe('Strata → TensorFlow.js', () => {
  async function strataArtifacts(model: st.Layer): Promise<io.ModelArtifacts> {
    const h = new io.MemoryHandler();
    await io.saveModel(model, h);
    return h.artifacts!;
  }

  it('the Sequential CNN saved by Strata loads in tfl.loadLayersModel and predicts the same', async () => {
    const model = strataCnn(21);
    const inputs = randomBatch([[4, 7, 6, 2]], 22);
    const expected = await strataPredict(model, inputs);
    const tfModel = await tfl.loadLayersModel(tf.io.fromMemory(await strataArtifacts(model) as tf.io.ModelArtifacts));
    expectSamePredictions(await tfjsPredict(tfModel, inputs), expected);
    // And through files written by Strata's file:// handler.
    const dir = freshDir();
    await model.save(`file://${dir}`);
    const json = JSON.parse(await fsp.readFile(path.join(dir, 'model.json'), 'utf8'));
    const weights = await fsp.readFile(path.join(dir, json.weightsManifest[0].paths[0]));
    const fromFiles = await tfl.loadLayersModel(tf.io.fromMemory({
      modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights,
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    }));
    expectSamePredictions(await tfjsPredict(fromFiles, inputs), expected);
    tfModel.dispose();
    fromFiles.dispose();
    model.dispose();
  });

  it('every initializer Strata saves is one TensorFlow.js can load (LeCun presets as VarianceScaling)', async () => {
    const initializers = ['glorotUniform', 'glorotNormal', 'heUniform', 'heNormal', 'lecunUniform', 'lecunNormal', 'orthogonal', 'zeros', 'ones'];
    const model = st.sequential(initializers.map((init, i) => st.layers.dense({ units: 3, kernelInitializer: init, ...(i === 0 ? { inputShape: [3] } : {}) })));
    const inputs = randomBatch([[4, 3]], 25);
    const expected = await strataPredict(model, inputs);
    const tfModel = await tfl.loadLayersModel(tf.io.fromMemory(await strataArtifacts(model) as tf.io.ModelArtifacts));
    expectSamePredictions(await tfjsPredict(tfModel, inputs), expected);
    const lecun = tfModel.layers[5]!.getConfig()['kernelInitializer'] as { className: string; config: Record<string, unknown> };
    expect(lecun.className).toBe('VarianceScaling');
    expect(lecun.config).toMatchObject({ scale: 1, mode: 'fanIn' });
    tfModel.dispose();
    model.dispose();
  });

  it('the two-input functional model saved by Strata loads in TensorFlow.js and predicts the same', async () => {
    const model = strataTwoInputs(23);
    const inputs = randomBatch([[5, 5], [5, 3]], 24);
    const expected = await strataPredict(model, inputs);
    const tfModel = await tfl.loadLayersModel(tf.io.fromMemory(await strataArtifacts(model) as tf.io.ModelArtifacts));
    expect(tfModel.inputNames).toEqual(['in_a', 'in_b']);
    expectSamePredictions(await tfjsPredict(tfModel, inputs), expected);
    tfModel.dispose();
    model.dispose();
  });

  it('a trainingConfig written by Strata compiles the model in TensorFlow.js', async () => {
    const model = strataTwoInputs(25);
    const optimizer = st.optimizers.adam({ learningRate: 0.02 });
    const tc = io.trainingConfigFromCompileArgs({ optimizer, loss: ['meanSquaredError', 'binaryCrossentropy'], metrics: ['mae'] }, optimizer)!;
    const artifacts = { ...(await strataArtifacts(model)), trainingConfig: tc };
    const tfModel = await tfl.loadLayersModel(tf.io.fromMemory(artifacts as tf.io.ModelArtifacts));
    expect(tfModel.optimizer.getClassName()).toBe('Adam');
    expect((tfModel.optimizer.getConfig() as { learningRate: number }).learningRate).toBeCloseTo(0.02);
    expect(tfModel.loss).toEqual(['meanSquaredError', 'binaryCrossentropy']);
    tfModel.dispose();
    model.dispose();
    optimizer.dispose();
  });
});

describe('round trips through both libraries', () => {
  it('TensorFlow.js → Strata → TensorFlow.js keeps topology, weights and predictions', async () => {
    const tfModel = tfjsTwoInputs();
    const artifacts = await tfjsArtifacts(tfModel);
    const strataModel = await io.loadModel(io.fromMemory(artifacts as io.ModelArtifacts));
    const h = new io.MemoryHandler();
    await io.saveModel(strataModel, h);
    const back = await tfl.loadLayersModel(tf.io.fromMemory(h.artifacts! as tf.io.ModelArtifacts));
    const inputs = randomBatch([[3, 6], [3, 4]], 26);
    expectSamePredictions(await tfjsPredict(back, inputs), await tfjsPredict(tfModel, inputs));
    const names = (m: tfl.LayersModel) => m.layers.map((l) => `${l.getClassName()}:${l.name}`);
    expect(names(back)).toEqual(names(tfModel));
    tfModel.dispose();
    back.dispose();
    strataModel.dispose();
  });
});
