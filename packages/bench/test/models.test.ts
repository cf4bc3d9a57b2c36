// The LSTM and Transformer block written from ops must compute the same loss in Strata and in
// TensorFlow.js (otherwise the training ratios compare different work): both are checked
// against an independent float64 oracle on random inputs of odd sizes.
import * as st from '@strata/core';
import '@strata/backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TfLib } from '../src/libraries.js';
import { randomFloats, randomLabels } from '../src/random.js';
import {
  lstmParams, strataLstmLoss, strataTransformerLoss, strataVariables, tfjsVariables, tfLstmLoss, tfTransformerLoss, transformerParams,
} from '../src/suites/models.js';
import type { LstmSize, TransformerSize } from '../src/suites/models.js';

let tf: TfLib | undefined;
try {
  tf = (await import('@tensorflow/tfjs-core')) as TfLib;
  await import('@tensorflow/tfjs-backend-cpu');
  tf.env().set('PROD', true);
} catch {
  console.warn('models.test.ts: TensorFlow.js not installed; only Strata is checked against the oracle');
}

type M = number[][];
const mm = (a: M, b: M): M => a.map((r) => b[0]!.map((_, j) => r.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
const addRow = (a: M, b: readonly number[]): M => a.map((r) => r.map((v, j) => v + b[j]!));
const sig = (v: number) => 1 / (1 + Math.exp(-v));
const matrix = (values: Float32Array, rows: number, cols: number): M => Array.from({ length: rows }, (_, i) => Array.from(values.subarray(i * cols, (i + 1) * cols)));
const param = (specs: ReturnType<typeof lstmParams>, name: string) => specs.find((p) => p.name === name)!;
const pm = (specs: ReturnType<typeof lstmParams>, name: string): M => { const p = param(specs, name); return matrix(p.values, p.shape[0]!, p.shape[1]!); };
const pv = (specs: ReturnType<typeof lstmParams>, name: string): number[] => Array.from(param(specs, name).values);

function lstmOracle(s: LstmSize, x: Float32Array, labels: Int32Array): number {
  const p = lstmParams(s);
  const u = s.units;
  let h: M = Array.from({ length: s.batch }, () => new Array<number>(u).fill(0));
  let c: M = h.map((r) => [...r]);
  for (let t = 0; t < s.steps; t++) {
    const xt: M = Array.from({ length: s.batch }, (_, b) => Array.from(x.subarray((b * s.steps + t) * s.features, (b * s.steps + t + 1) * s.features)));
    const z = addRow(mm(xt, pm(p, 'W')).map((r, i) => r.map((v, j) => v + mm(h, pm(p, 'U'))[i]![j]!)), pv(p, 'b'));
    c = c.map((r, b) => r.map((cv, j) => sig(z[b]![u + j]!) * cv + sig(z[b]![j]!) * Math.tanh(z[b]![2 * u + j]!)));
    h = c.map((r, b) => r.map((cv, j) => sig(z[b]![3 * u + j]!) * Math.tanh(cv)));
  }
  const logits = addRow(mm(h, pm(p, 'Wout')), pv(p, 'bout'));
  let loss = 0;
  logits.forEach((r, b) => {
    const m = Math.max(...r);
    const lse = m + Math.log(r.reduce((s2, v) => s2 + Math.exp(v - m), 0));
    loss += lse - r[labels[b]!]!;
  });
  return loss / s.batch;
}

function layerNorm(a: M, g: readonly number[], b: readonly number[]): M {
  return a.map((r) => {
    const mean = r.reduce((s, v) => s + v, 0) / r.length;
    const variance = r.reduce((s, v) => s + (v - mean) ** 2, 0) / r.length;
    return r.map((v, j) => ((v - mean) / Math.sqrt(variance + 1e-5)) * g[j]! + b[j]!);
  });
}

function transformerOracle(s: TransformerSize, x: Float32Array, target: Float32Array): number {
  const p = transformerParams(s);
  const { batch: nb, seq: n, model: d, heads } = s;
  const dh = d / heads;
  const rows = matrix(x, nb * n, d);
  const h = layerNorm(rows, pv(p, 'ln1g'), pv(p, 'ln1b'));
  const [q, k, v] = ['Wq', 'Wk', 'Wv'].map((w) => mm(h, pm(p, w)));
  const merged: M = rows.map(() => new Array<number>(d).fill(0));
  for (let b = 0; b < nb; b++) for (let hd = 0; hd < heads; hd++) for (let i = 0; i < n; i++) {
    const scores = Array.from({ length: n }, (_, j) => {
      let sum = 0;
      for (let e = 0; e < dh; e++) sum += q![b * n + i]![hd * dh + e]! * k![b * n + j]![hd * dh + e]!;
      return sum / Math.sqrt(dh);
    });
    const m = Math.max(...scores);
    const w = scores.map((sc) => Math.exp(sc - m));
    const total = w.reduce((a, c) => a + c, 0);
    for (let e = 0; e < dh; e++) merged[b * n + i]![hd * dh + e] = w.reduce((a, wj, j) => a + (wj / total) * v![b * n + j]![hd * dh + e]!, 0);
  }
  const x1 = mm(merged, pm(p, 'Wo')).map((r, i) => r.map((val, j) => val + rows[i]![j]!));
  const h2 = layerNorm(x1, pv(p, 'ln2g'), pv(p, 'ln2b'));
  const ff = addRow(mm(addRow(mm(h2, pm(p, 'W1')), pv(p, 'b1')).map((r) => r.map((val) => Math.max(0, val))), pm(p, 'W2')), pv(p, 'b2'));
  let loss = 0;
  x1.forEach((r, i) => r.forEach((val, j) => { loss += (val + ff[i]![j]! - target[i * d + j]!) ** 2; }));
  return loss / (nb * n * d);
}

beforeAll(async () => {
  await st.setBackend('cpu');
  if (tf !== undefined) await tf.setBackend('cpu');
});

describe('benchmark models written from ops', () => {
  it('LSTM: Strata and TensorFlow.js give the float64 oracle\'s loss', async () => {
    const s: LstmSize = { batch: 3, steps: 4, features: 5, units: 7, classes: 3 };
    const x = randomFloats(s.batch * s.steps * s.features, 5);
    const labels = randomLabels(s.batch, s.classes, 6);
    const expected = lstmOracle(s, x, labels);
    const vars = strataVariables(st, lstmParams(s));
    const loss = st.tidy(() => strataLstmLoss(st, vars, st.tensor(x, [s.batch, s.steps, s.features]), st.tensor(labels, [s.batch], 'int32'), s));
    expect((await loss.data())[0]).toBeCloseTo(expected, 5);
    st.dispose([loss, ...Object.values(vars)]);
    if (tf !== undefined) {
      const tvars = tfjsVariables(tf, lstmParams(s));
      const tl = tf.tidy(() => tfLstmLoss(tf!, tvars, tf!.tensor(x, [s.batch, s.steps, s.features]), tf!.tensor(labels, [s.batch], 'int32'), s));
      expect((await tl.data())[0]).toBeCloseTo(expected, 5);
      tf.dispose([tl, ...Object.values(tvars)]);
    }
  });

  it('Transformer block: Strata (fused layerNorm, dotProductAttention) and TensorFlow.js give the oracle\'s loss', async () => {
    const s: TransformerSize = { batch: 2, seq: 5, model: 6, heads: 2, hidden: 7 };
    const x = randomFloats(s.batch * s.seq * s.model, 8);
    const target = randomFloats(s.batch * s.seq * s.model, 9);
    const expected = transformerOracle(s, x, target);
    const vars = strataVariables(st, transformerParams(s));
    const shape = [s.batch, s.seq, s.model];
    const loss = st.tidy(() => strataTransformerLoss(st, vars, st.tensor(x, shape), st.tensor(target, shape), s));
    expect((await loss.data())[0]).toBeCloseTo(expected, 5);
    st.dispose([loss, ...Object.values(vars)]);
    if (tf !== undefined) {
      const tvars = tfjsVariables(tf, transformerParams(s));
      const tl = tf.tidy(() => tfTransformerLoss(tf!, tvars, tf!.tensor(x, shape), tf!.tensor(target, shape), s));
      expect((await tl.data())[0]).toBeCloseTo(expected, 5);
      tf.dispose([tl, ...Object.values(tvars)]);
    }
  });
});
