/** Oracle matrix kernels: matMul, fusedMatMul, attention. */
import type { FusedActivation } from '../contract.js';
import type { Accumulated } from './reduce.js';
import { atBroadcast, broadcastAll, make, numel, unravel } from './tensor.js';
import type { OTensor } from './tensor.js';

/** Element (i, j) of the last two dims of batch `bOff` (flat batch offset), optionally transposed. */
function matAt(t: OTensor, bOff: number, i: number, j: number, transposed: boolean): number {
  const r = t.shape[t.shape.length - 2]!;
  const c = t.shape[t.shape.length - 1]!;
  return transposed ? t.data[bOff * r * c + j * c + i]! : t.data[bOff * r * c + i * c + j]!;
}

/** Flat batch offset of `t` for the broadcast batch multi-index `bIdx`. */
function batchOffset(t: OTensor, bIdx: readonly number[]): number {
  const batch = t.shape.slice(0, -2);
  const off = bIdx.length - batch.length;
  let flat = 0;
  for (let i = 0; i < batch.length; i++) flat = flat * batch[i]! + (batch[i] === 1 ? 0 : bIdx[off + i]!);
  return flat;
}

/** Batched float64 matMul with optional transposes and broadcast batch dims, with the Σ|term| of each output. */
export function matMul(a: OTensor, b: OTensor, transposeA: boolean, transposeB: boolean): Accumulated {
  const ra = a.shape.length;
  const rb = b.shape.length;
  const m = transposeA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
  const k = transposeA ? a.shape[ra - 2]! : a.shape[ra - 1]!;
  const n = transposeB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
  // A malformed case must fail here, not read past the end of b.
  const kb = transposeB ? b.shape[rb - 1]! : b.shape[rb - 2]!;
  if (kb !== k) throw new Error(`oracle matMul: inner dims differ, ${k} (a [${a.shape}]) vs ${kb} (b [${b.shape}])`);
  const batch = broadcastAll(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const shape = [...batch, m, n];
  const out = new Float64Array(numel(shape));
  const mag = new Float64Array(out.length);
  const nb = numel(batch);
  for (let bi = 0; bi < nb; bi++) {
    const bIdx = unravel(bi, batch);
    const ao = batchOffset(a, bIdx);
    const bo = batchOffset(b, bIdx);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        let g = 0;
        for (let p = 0; p < k; p++) {
          const t = matAt(a, ao, i, p, transposeA) * matAt(b, bo, p, j, transposeB);
          s += t;
          g += Math.abs(t);
        }
        out[(bi * m + i) * n + j] = s;
        mag[(bi * m + i) * n + j] = g;
      }
    }
  }
  return { value: make(shape, 'float32', out), magnitude: mag, terms: k };
}

/** One fused activation (linear, relu, sigmoid, tanh) of one value. */
export function activate(activation: FusedActivation, v: number): number {
  switch (activation) {
    case 'linear': return v;
    case 'relu': return Number.isNaN(v) ? NaN : v > 0 ? v : 0;
    case 'sigmoid': return 1 / (1 + Math.exp(-v));
    case 'tanh': return Math.tanh(v);
  }
}

/** `activation(matMul(a, b) + bias)` in float64, with the Σ|term| of each output. */
export function fusedMatMul(a: OTensor, b: OTensor, bias: OTensor | null, activation: FusedActivation, transposeA: boolean, transposeB: boolean): Accumulated {
  const prod = matMul(a, b, transposeA, transposeB);
  const shape = bias === null ? [...prod.value.shape] : broadcastAll(prod.value.shape, bias.shape);
  const out = new Float64Array(numel(shape));
  const mag = new Float64Array(out.length);
  for (let flat = 0; flat < out.length; flat++) {
    const idx = unravel(flat, shape);
    const pv = atBroadcast(prod.value, idx);
    const bv = bias === null ? 0 : atBroadcast(bias, idx);
    out[flat] = activate(activation, pv + bv);
    // Activations used here are 1-Lipschitz or flatter, so the pre-activation error bounds the result's.
    mag[flat] = atBroadcast({ ...prod.value, data: prod.magnitude }, idx) + Math.abs(bv);
  }
  return { value: make(shape, 'float32', out), magnitude: mag, terms: prod.terms + 1 };
}

/** softmax(q kᵀ · scale + mask) v over the last two dims; q, k, v share their batch dims. */
export function attention(q: OTensor, k: OTensor, v: OTensor, mask: OTensor | null, scale: number): OTensor {
  const r = q.shape.length;
  const m = q.shape[r - 2]!;
  const d = q.shape[r - 1]!;
  const n = k.shape[r - 2]!;
  const e = v.shape[r - 1]!;
  const batch = q.shape.slice(0, -2);
  const nb = numel(batch);
  const out = new Float64Array(nb * m * e);
  const scores = new Float64Array(n);
  for (let bi = 0; bi < nb; bi++) {
    const bIdx = unravel(bi, batch);
    for (let i = 0; i < m; i++) {
      let max = -Infinity;
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < d; p++) s += q.data[(bi * m + i) * d + p]! * k.data[(bi * n + j) * d + p]!;
        s *= scale;
        if (mask !== null) s += atBroadcast(mask, [...bIdx, i, j]);
        scores[j] = s;
        if (s > max) max = s;
      }
      let total = 0;
      for (let j = 0; j < n; j++) { scores[j] = Math.exp(scores[j]! - max); total += scores[j]!; }
      for (let c = 0; c < e; c++) {
        let acc = 0;
        for (let j = 0; j < n; j++) acc += (scores[j]! / total) * v.data[(bi * n + j) * e + c]!;
        out[(bi * m + i) * e + c] = acc;
      }
    }
  }
  return make([...batch, m, e], 'float32', out);
}
