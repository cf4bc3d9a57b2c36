/**
 * The Keras-style layer test: output shape vs computeOutputShape, weight counts, getConfig /
 * fromConfig round trip, gradients vs central differences, one training step reduces the loss,
 * and forward values vs TensorFlow.js (same weights) where TensorFlow.js has the layer.
 */
import * as st from '@strata/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import * as tfl from '@tensorflow/tfjs-layers';
import { expect } from 'vitest';
import { randomSource, randomValues } from '../setup.js';

/** A TensorFlow.js layer object (what `tfl.layers.xxx()` returns): its base Layer class, so any layer fits. */
export type TfjsLayer = tfl.LayersModel['layers'][number];

export interface LayerCase {
  /** Makes a fresh layer (called several times). */
  make: () => st.Layer;
  /** Input shapes including the batch dimension; several for merge layers. */
  inputShapes: number[][];
  /** Value range of the random inputs (default [-2, 2)). */
  inputRange?: [number, number];
  /** Integer inputs in [0, n) instead of floats. */
  intInputs?: number;
  /** Expected number of trainable and non-trainable weight tensors and total parameters. */
  weights: { trainable: number; nonTrainable: number; params: number };
  /** The same layer in TensorFlow.js, for a forward comparison (weights are copied). */
  tfjs?: () => TfjsLayer;
  /** Run `call` with training=true for the gradient and training checks (e.g. BatchNorm). */
  training?: boolean;
  /** Skip the finite-difference check for non-differentiable layers, saying why. */
  noGradientReason?: string;
  /** Skip the training-step check for layers without trainable weights, saying why. */
  noTrainingReason?: string;
  /** Skip the save/load check, saying why (e.g. a Lambda whose function is not registered). */
  noSaveReason?: string;
  seed?: number;
}

export function randomInputs(c: LayerCase, seed = c.seed ?? 1): st.Tensor[] {
  const rand = randomSource(seed);
  return c.inputShapes.map((shape) => {
    const n = shape.reduce((a, b) => a * b, 1);
    if (c.intInputs !== undefined) return st.tensor(Array.from({ length: n }, () => Math.floor(rand() * c.intInputs!)), shape, 'int32');
    const [lo, hi] = c.inputRange ?? [-2, 2];
    return st.tensor(randomValues(rand, n, lo, hi), shape);
  });
}

function applyLayer(layer: st.Layer, xs: st.Tensor[], training = false): st.Tensor {
  return layer.apply(xs.length === 1 ? xs[0]! : xs, { training });
}

function maxRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const a = actual[i]!;
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    worst = Math.max(worst, Math.abs(a - e) / Math.max(1, Math.abs(e)));
  }
  return worst;
}

/** Output shape, weight counts and symbolic shape inference. */
export function checkShapesAndWeights(c: LayerCase): void {
  const layer = c.make();
  const xs = randomInputs(c);
  const y = applyLayer(layer, xs);
  const batchless = c.inputShapes.map((s) => [null, ...s.slice(1)]);
  const inferred = layer.computeOutputShape(batchless.length === 1 ? batchless[0]! : batchless) as (number | null)[];
  expect(inferred.slice(1), 'computeOutputShape').toEqual([...y.shape.slice(1)]);
  expect(layer.trainableWeights.length, 'trainable weights').toBe(c.weights.trainable);
  expect(layer.nonTrainableWeights.length, 'non-trainable weights').toBe(c.weights.nonTrainable);
  expect(layer.countParams(), 'parameters').toBe(c.weights.params);
  // Symbolic application gives the same shape.
  const inputs = c.inputShapes.map((s) => st.input({ shape: s.slice(1), dtype: c.intInputs !== undefined ? 'int32' : 'float32' }));
  const symbolic = c.make().apply(inputs.length === 1 ? inputs[0]! : inputs);
  expect(symbolic.shape.slice(1)).toEqual([...y.shape.slice(1)]);
  st.dispose([...xs, y]);
  layer.dispose();
}

/** fromConfig(getConfig()) rebuilds an equal config, and with the same weights the same output. */
export function checkConfigRoundTrip(c: LayerCase): void {
  const layer = c.make();
  const xs = randomInputs(c);
  const y = applyLayer(layer, xs);
  const config = JSON.parse(JSON.stringify(layer.getConfig())) as st.ConfigDict;
  const cls = st.getRegisteredClass('layer', layer.getClassName());
  expect(cls, `${layer.getClassName()} is registered`).toBeDefined();
  const copy = cls!.fromConfig({ ...config, name: `${config['name'] as string}_copy` }) as st.Layer;
  expect({ ...copy.getConfig(), name: null }).toEqual({ ...config, name: null });
  const y2 = applyLayer(copy, xs);
  copy.setWeights(layer.getWeights());
  const y3 = applyLayer(copy, xs);
  expect(maxRelativeError(y3.dataSync(), y.dataSync())).toBe(0);
  st.dispose([...xs, y, y2, y3]);
  layer.dispose();
  copy.dispose();
}

/**
 * Gradients of `sum(y * r)` with respect to inputs and trainable weights vs central differences
 * (in float32, so the tolerance is loose: a wrong gradient is off by far more).
 */
export function checkGradients(c: LayerCase): void {
  if (c.noGradientReason) return;
  const layer = c.make();
  const xs = randomInputs(c);
  const y0 = applyLayer(layer, xs, c.training);
  const r = st.tensor(randomValues(randomSource(99), y0.size, -1, 1), y0.shape);
  const objective = (inputs: st.Tensor[]) => st.sum(st.mul(applyLayer(layer, inputs, c.training), r));
  const floatInputs = c.intInputs === undefined;
  const targets: st.Variable[] = layer.trainableWeights;
  // variableGrads rejects an empty list: weightless layers check input gradients only.
  const grads: Record<string, st.Tensor> = targets.length > 0 ? st.variableGrads(() => objective(xs), targets).grads : {};
  const inputGrads = floatInputs ? st.grads((...ins: st.Tensor[]) => objective(ins))(xs) : [];
  const eps = 1e-2;
  const rand = randomSource(7);
  const probe = (values: Float32Array, set: (v: Float32Array) => void, analytic: Float32Array, label: string) => {
    // A few random coordinates per tensor keep the check fast on big weights.
    for (let k = 0; k < Math.min(6, values.length); k++) {
      const i = Math.floor(rand() * values.length);
      const orig = values[i]!;
      values[i] = orig + eps;
      set(values);
      const plus = st.tidy(() => objective(xs).dataSync()[0]!);
      values[i] = orig - eps;
      set(values);
      const minus = st.tidy(() => objective(xs).dataSync()[0]!);
      values[i] = orig;
      set(values);
      const numeric = (plus - minus) / (2 * eps);
      const a = analytic[i]!;
      expect(Math.abs(a - numeric), `${label}[${i}]: analytic ${a} vs numeric ${numeric}`).toBeLessThanOrEqual(2e-2 * Math.max(1, Math.abs(numeric)));
    }
  };
  for (const w of targets) {
    const values = Float32Array.from(w.dataSync());
    probe(values, (v) => { const t = st.tensor(v, w.shape); w.assign(t); t.dispose(); }, grads[w.name]!.dataSync() as Float32Array, w.name);
  }
  xs.forEach((x, j) => {
    if (!floatInputs) return;
    const values = Float32Array.from(x.dataSync());
    probe(values, (v) => { const t = st.tensor(v, x.shape); if (xs[j] !== x) xs[j]!.dispose(); xs[j] = t; }, inputGrads[j]!.dataSync() as Float32Array, `input ${j}`);
  });
  st.dispose([y0, r, ...Object.values(grads), ...inputGrads, ...xs]);
  layer.dispose();
}

/** One SGD step on the trainable weights reduces a regression loss. */
export function checkTrainingStep(c: LayerCase): void {
  if (c.noTrainingReason) return;
  const layer = c.make();
  const xs = randomInputs(c);
  const y = applyLayer(layer, xs, c.training);
  const target = st.tensor(randomValues(randomSource(5), y.size, -1, 1), y.shape);
  const loss = () => st.mean(st.square(st.sub(applyLayer(layer, xs, c.training), target)));
  const before = st.tidy(() => loss().dataSync()[0]!);
  const { grads } = st.variableGrads(loss, layer.trainableWeights);
  for (const w of layer.trainableWeights) {
    const next = st.sub(w, st.mul(grads[w.name]!, 1e-2));
    w.assign(next);
    next.dispose();
  }
  const after = st.tidy(() => loss().dataSync()[0]!);
  expect(after, `loss ${before} → ${after}`).toBeLessThan(before);
  st.dispose([...xs, y, target, ...Object.values(grads)]);
  layer.dispose();
}

/** Forward values equal TensorFlow.js' for the same inputs and weights (max relative error ≤ 1e-5). */
export function checkAgainstTfjs(c: LayerCase): void {
  if (!c.tfjs) return;
  const layer = c.make();
  const xs = randomInputs(c);
  const y = applyLayer(layer, xs);
  const tfLayer = c.tfjs();
  const tfXs = xs.map((x) => tf.tensor(x.dataSync() as Float32Array, [...x.shape], x.dtype === 'int32' ? 'int32' : 'float32'));
  const tfIn = tfXs.length === 1 ? tfXs[0]! : tfXs;
  tfLayer.apply(tfIn); // builds
  const weights = layer.weights;
  // Match by order within each group (both frameworks list trainable weights, then the rest).
  const tfWeights = tfLayer.weights;
  expect(tfWeights.length, 'TensorFlow.js weight count').toBe(weights.length);
  tfLayer.setWeights(weights.map((w) => tf.tensor(w.dataSync() as Float32Array, [...w.shape])));
  const tfY = tfLayer.apply(tfIn) as tf.Tensor;
  expect([...tfY.shape]).toEqual([...y.shape]);
  const err = maxRelativeError(y.dataSync(), tfY.dataSync());
  expect(err, 'max relative error vs TensorFlow.js').toBeLessThanOrEqual(1e-5);
  tf.dispose([...tfXs, tfY]);
  st.dispose([...xs, y]);
  layer.dispose();
}

/**
 * Saved inside a functional model (TensorFlow.js format, through memory and JSON text) and loaded
 * back, the layer gives identical outputs.
 */
export async function checkSaveLoad(c: LayerCase): Promise<void> {
  if (c.noSaveReason) return;
  const inputs = c.inputShapes.map((s) => st.input({ shape: s.slice(1), dtype: c.intInputs !== undefined ? 'int32' : 'float32' }));
  const model = st.model({ inputs, outputs: c.make().apply(inputs.length === 1 ? inputs[0]! : inputs) });
  const xs = randomInputs(c);
  const y = model.predictOnBatch(xs) as st.Tensor;
  let saved: st.io.ModelArtifacts | null = null;
  await model.save(st.io.withSaveHandler(async (artifacts) => {
    saved = artifacts;
    return { modelArtifactsInfo: st.io.getModelArtifactsInfo(artifacts) };
  }));
  const artifacts = saved! as st.io.ModelArtifacts;
  // Through JSON text, as a file would carry it.
  const topology = JSON.parse(JSON.stringify(artifacts.modelTopology)) as object;
  const loaded = await st.loadModel(st.io.fromMemory({ ...artifacts, modelTopology: topology }));
  const y2 = loaded.predictOnBatch(xs) as st.Tensor;
  expect([...y2.shape]).toEqual([...y.shape]);
  expect(maxRelativeError(y2.dataSync(), y.dataSync()), 'outputs after save/load').toBe(0);
  st.dispose([...xs, y, y2]);
  model.dispose();
  loaded.dispose();
}

/** All checks, for use in `it()` per layer. */
export async function checkLayer(c: LayerCase): Promise<void> {
  checkShapesAndWeights(c);
  checkConfigRoundTrip(c);
  checkGradients(c);
  checkTrainingStep(c);
  checkAgainstTfjs(c);
  await checkSaveLoad(c);
}

export type { LayersModel };
