/**
 * The models of the training and e2e suites, built the same way in Strata and TensorFlow.js:
 * same layers, initial-weight schemes, optimizer and batch size. The MLP and CNN use each
 * library's Keras API; the LSTM and the Transformer block are written from ops in both (Strata's
 * core has no recurrent or attention layers), with `variableGrads` and Adam.
 */
import type { Tensor, Variable } from '@strata/core';
import type { Rank as TfRank, Tensor as TfTensor, Variable as TfVariable } from '@tensorflow/tfjs-core';
import type { StrataLib, TfLib, TflLib } from '../libraries.js';
import { randomFloats } from '../random.js';

/** Something `trainOnBatch` can be called on in either library. */
export interface Trainable {
  trainOnBatch(x: unknown, y: unknown): Promise<number | number[]>;
  dispose?(): unknown;
}

export const MLP = { label: 'MLP 784-256-10 (relu, softmax), Adam 0.002', lr: 0.002 } as const;
export const CNN = { label: 'CNN conv8-pool-conv16-pool-64-10, Adam 0.001', lr: 0.001 } as const;

export function strataMlp(st: StrataLib): Trainable {
  const m = st.sequential({
    layers: [
      st.layers.dense({ units: 256, activation: 'relu', inputShape: [784] }),
      st.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  m.compile({ optimizer: st.optimizers.adam(MLP.lr), loss: 'sparseCategoricalCrossentropy' });
  return m as unknown as Trainable;
}

export function tfjsMlp(tf: TfLib, tfl: TflLib): Trainable {
  const m = tfl.sequential({
    layers: [
      tfl.layers.dense({ units: 256, activation: 'relu', inputShape: [784] }),
      tfl.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  m.compile({ optimizer: tf.train.adam(MLP.lr), loss: 'sparseCategoricalCrossentropy' });
  return m as unknown as Trainable;
}

export function strataCnn(st: StrataLib): Trainable {
  const m = st.sequential({
    layers: [
      st.layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
      st.layers.maxPooling2d({ poolSize: 2 }),
      st.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu' }),
      st.layers.maxPooling2d({ poolSize: 2 }),
      st.layers.flatten(),
      st.layers.dense({ units: 64, activation: 'relu' }),
      st.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  m.compile({ optimizer: st.optimizers.adam(CNN.lr), loss: 'sparseCategoricalCrossentropy' });
  return m as unknown as Trainable;
}

export function tfjsCnn(tf: TfLib, tfl: TflLib): Trainable {
  const m = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 64, activation: 'relu' }),
      tfl.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  m.compile({ optimizer: tf.train.adam(CNN.lr), loss: 'sparseCategoricalCrossentropy' });
  return m as unknown as Trainable;
}

// ---- LSTM and Transformer block from ops ----

export interface LstmSize { readonly batch: number; readonly steps: number; readonly features: number; readonly units: number; readonly classes: number }
export interface TransformerSize { readonly batch: number; readonly seq: number; readonly model: number; readonly heads: number; readonly hidden: number }

/** Initial values (uniform, scaled by 1/√fanIn), identical in both libraries. */
function init(shape: readonly number[], seed: number, fanIn: number): Float32Array {
  const scale = 2 / Math.sqrt(fanIn);
  return randomFloats(shape.reduce((a, b) => a * b, 1), seed).map((v) => v * scale);
}

interface ParamSpec { readonly name: string; readonly shape: readonly number[]; readonly values: Float32Array }

export function lstmParams(s: LstmSize): ParamSpec[] {
  const g = 4 * s.units;
  return [
    { name: 'W', shape: [s.features, g], values: init([s.features, g], 41, s.features) },
    { name: 'U', shape: [s.units, g], values: init([s.units, g], 42, s.units) },
    { name: 'b', shape: [g], values: new Float32Array(g) },
    { name: 'Wout', shape: [s.units, s.classes], values: init([s.units, s.classes], 43, s.units) },
    { name: 'bout', shape: [s.classes], values: new Float32Array(s.classes) },
  ];
}

export function transformerParams(s: TransformerSize): ParamSpec[] {
  const d = s.model;
  return [
    { name: 'ln1g', shape: [d], values: new Float32Array(d).fill(1) },
    { name: 'ln1b', shape: [d], values: new Float32Array(d) },
    { name: 'Wq', shape: [d, d], values: init([d, d], 51, d) },
    { name: 'Wk', shape: [d, d], values: init([d, d], 52, d) },
    { name: 'Wv', shape: [d, d], values: init([d, d], 53, d) },
    { name: 'Wo', shape: [d, d], values: init([d, d], 54, d) },
    { name: 'ln2g', shape: [d], values: new Float32Array(d).fill(1) },
    { name: 'ln2b', shape: [d], values: new Float32Array(d) },
    { name: 'W1', shape: [d, s.hidden], values: init([d, s.hidden], 55, d) },
    { name: 'b1', shape: [s.hidden], values: new Float32Array(s.hidden) },
    { name: 'W2', shape: [s.hidden, d], values: init([s.hidden, d], 56, s.hidden) },
    { name: 'b2', shape: [d], values: new Float32Array(d) },
  ];
}

let uniqueId = 0;

/** Strata variables for `specs`, keyed by spec name (variable names are made unique per run). */
export function strataVariables(st: StrataLib, specs: readonly ParamSpec[]): Record<string, Variable> {
  const id = ++uniqueId;
  return Object.fromEntries(specs.map((p) => {
    const initial = st.tensor(p.values, [...p.shape]);
    const v = st.variable(initial, true, `bench_${id}_${p.name}`);
    initial.dispose();
    return [p.name, v];
  }));
}

export function tfjsVariables(tf: TfLib, specs: readonly ParamSpec[]): Record<string, TfVariable> {
  const id = ++uniqueId;
  return Object.fromEntries(specs.map((p) => {
    const initial = tf.tensor(p.values, [...p.shape]);
    const v = tf.variable(initial, true, `bench_${id}_${p.name}`);
    initial.dispose();
    return [p.name, v];
  }));
}

/** Sparse softmax cross-entropy from logits, mean over the batch. */
function strataXent(st: StrataLib, logits: Tensor, labels: Tensor, classes: number): Tensor {
  return st.neg(st.mean(st.sum(st.mul(st.oneHot(labels, classes), st.logSoftmax(logits)), -1)));
}

function tfXent(tf: TfLib, logits: TfTensor, labels: TfTensor, classes: number): TfTensor {
  return tf.neg(tf.mean(tf.sum(tf.mul(tf.oneHot(labels as TfTensor<TfRank.R1>, classes), tf.logSoftmax(logits)), -1)));
}

/** LSTM over `steps` (gates i, f, g, o), last hidden state → dense logits → cross-entropy. */
export function strataLstmLoss(st: StrataLib, v: Record<string, Variable>, x: Tensor, labels: Tensor, s: LstmSize): Tensor {
  const u = s.units;
  let h = st.zeros([s.batch, u]);
  let c = st.zeros([s.batch, u]);
  for (let t = 0; t < s.steps; t++) {
    const xt = st.reshape(st.slice(x, [0, t, 0], [s.batch, 1, s.features]), [s.batch, s.features]);
    const z = st.add(st.add(st.matMul(xt, v['W']!), st.matMul(h, v['U']!)), v['b']!);
    const [zi, zf, zg, zo] = st.split(z, 4, 1) as [Tensor, Tensor, Tensor, Tensor];
    c = st.add(st.mul(st.sigmoid(zf), c), st.mul(st.sigmoid(zi), st.tanh(zg)));
    h = st.mul(st.sigmoid(zo), st.tanh(c));
  }
  return strataXent(st, st.add(st.matMul(h, v['Wout']!), v['bout']!), labels, s.classes);
}

export function tfLstmLoss(tf: TfLib, v: Record<string, TfVariable>, x: TfTensor, labels: TfTensor, s: LstmSize): TfTensor {
  const u = s.units;
  let h: TfTensor = tf.zeros([s.batch, u]);
  let c: TfTensor = tf.zeros([s.batch, u]);
  for (let t = 0; t < s.steps; t++) {
    const xt = tf.reshape(tf.slice(x, [0, t, 0], [s.batch, 1, s.features]), [s.batch, s.features]);
    const z = tf.add(tf.add(tf.matMul(xt, v['W']!), tf.matMul(h, v['U']!)), v['b']!);
    const [zi, zf, zg, zo] = tf.split(z, 4, 1) as [TfTensor, TfTensor, TfTensor, TfTensor];
    c = tf.add(tf.mul(tf.sigmoid(zf), c), tf.mul(tf.sigmoid(zi), tf.tanh(zg)));
    h = tf.mul(tf.sigmoid(zo), tf.tanh(c));
  }
  return tfXent(tf, tf.add(tf.matMul(h, v['Wout']!), v['bout']!), labels, s.classes);
}

/**
 * Pre-LN Transformer encoder block: x + MHA(LN(x)), then + FFN(LN(·)) (relu), and the mean
 * squared error to a target. Strata uses its fused layerNorm and dotProductAttention ops.
 */
export function strataTransformerLoss(st: StrataLib, v: Record<string, Variable>, x: Tensor, target: Tensor, s: TransformerSize): Tensor {
  const { batch: b, seq: n, model: d, heads: hh } = s;
  const dh = d / hh;
  const rows = st.reshape(x, [b * n, d]);
  const h = st.layerNorm(rows, v['ln1g']!, v['ln1b']!);
  const heads = (w: Variable) => st.transpose(st.reshape(st.matMul(h, w), [b, n, hh, dh]), [0, 2, 1, 3]);
  const att = st.dotProductAttention(heads(v['Wq']!), heads(v['Wk']!), heads(v['Wv']!));
  const merged = st.reshape(st.transpose(att, [0, 2, 1, 3]), [b * n, d]);
  const x1 = st.add(rows, st.matMul(merged, v['Wo']!));
  const h2 = st.layerNorm(x1, v['ln2g']!, v['ln2b']!);
  const ff = st.add(st.matMul(st.relu(st.add(st.matMul(h2, v['W1']!), v['b1']!)), v['W2']!), v['b2']!);
  const out = st.add(x1, ff);
  return st.mean(st.square(st.sub(out, st.reshape(target, [b * n, d]))));
}

function tfLayerNorm(tf: TfLib, x: TfTensor, g: TfTensor, beta: TfTensor): TfTensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), g), beta);
}

export function tfTransformerLoss(tf: TfLib, v: Record<string, TfVariable>, x: TfTensor, target: TfTensor, s: TransformerSize): TfTensor {
  const { batch: b, seq: n, model: d, heads: hh } = s;
  const dh = d / hh;
  const rows = tf.reshape(x, [b * n, d]);
  const h = tfLayerNorm(tf, rows, v['ln1g']!, v['ln1b']!);
  const heads = (w: TfVariable) => tf.transpose(tf.reshape(tf.matMul(h, w), [b, n, hh, dh]), [0, 2, 1, 3]);
  const q = heads(v['Wq']!);
  const k = heads(v['Wk']!);
  const val = heads(v['Wv']!);
  const scores = tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(dh));
  const att = tf.matMul(tf.softmax(scores), val);
  const merged = tf.reshape(tf.transpose(att, [0, 2, 1, 3]), [b * n, d]);
  const x1 = tf.add(rows, tf.matMul(merged, v['Wo']!));
  const h2 = tfLayerNorm(tf, x1, v['ln2g']!, v['ln2b']!);
  const ff = tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(h2, v['W1']!), v['b1']!)), v['W2']!), v['b2']!);
  const out = tf.add(x1, ff);
  return tf.mean(tf.square(tf.sub(out, tf.reshape(target, [b * n, d]))));
}
