/** Models shared by the save/load and interop tests, with every weight set to random values. */
import * as st from '@strata/core';
import { randomSource, randomValues } from '../setup.js';

/** Sets every weight to random values (moving variances positive), so loads are really checked. */
export function randomizeWeights(model: st.Layer, seed: number): void {
  const rand = randomSource(seed);
  const values = model.weights.map((w) => {
    const n = w.shape.reduce((a, b) => a * b, 1);
    const positive = w.name.includes('moving_variance');
    return st.tensor(randomValues(rand, n, positive ? 0.5 : -1, positive ? 2 : 1), w.shape);
  });
  model.setWeights(values);
  for (const v of values) v.dispose();
}

/** Conv2D → BatchNormalization → MaxPooling2D → Dropout → Flatten → Dense(softmax). */
export function strataCnn(seed = 1): st.Sequential {
  const m = st.sequential([
    st.layers.conv2d({ filters: 3, kernelSize: 3, inputShape: [7, 6, 2], activation: 'relu', padding: 'same' }),
    st.layers.batchNormalization(),
    st.layers.maxPooling2d({ poolSize: 2 }),
    st.layers.dropout({ rate: 0.3 }),
    st.layers.flatten(),
    st.layers.dense({ units: 4, activation: 'softmax' }),
  ]);
  randomizeWeights(m, seed);
  return m;
}

/** Two inputs (Dense on one, Concatenate with the other) and two outputs. */
export function strataTwoInputs(seed = 2): st.Functional {
  const a = st.input({ shape: [5], name: 'in_a' });
  const b = st.input({ shape: [3], name: 'in_b' });
  const h = st.layers.dense({ units: 6, activation: 'tanh' }).apply(a);
  const c = st.layers.concatenate().apply([h, b]);
  const out1 = st.layers.dense({ units: 2 }).apply(c);
  const out2 = st.layers.dense({ units: 1, activation: 'sigmoid' }).apply(st.layers.dropout({ rate: 0.5 }).apply(h));
  const m = st.model({ inputs: [a, b], outputs: [out1, out2] });
  randomizeWeights(m, seed);
  return m;
}

/** A random float32 tensor. */
export function randomInput(shape: number[], seed: number): { values: number[]; tensor: st.Tensor } {
  const values = randomValues(randomSource(seed), shape.reduce((a, b) => a * b, 1));
  return { values, tensor: st.tensor(values, shape) };
}

/** Max of |a − e| / max(1, |e|) (the layer tests' measure). */
export function maxRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != ${expected.length}`);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!) / Math.max(1, Math.abs(expected[i]!)));
  return worst;
}

/** Values of a predict() result, as one list per output. */
export async function outputsOf(y: st.Tensor | st.Tensor[]): Promise<number[][]> {
  const list = Array.isArray(y) ? y : [y];
  const out = await Promise.all(list.map(async (t) => [...(await t.data())]));
  for (const t of list) t.dispose();
  return out;
}
