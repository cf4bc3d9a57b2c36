/** Oracle softmax, logSoftmax, layerNorm and batchNorm (all over the last axis). */
import { make } from './tensor.js';
import type { OTensor } from './tensor.js';

/** Applies `f` to each row (last-axis vector) of `x`. */
function rows(x: OTensor, f: (row: Float64Array) => Float64Array): OTensor {
  const len = x.shape[x.shape.length - 1] ?? 1;
  const out = new Float64Array(x.data.length);
  if (len > 0) for (let o = 0; o < x.data.length; o += len) out.set(f(x.data.subarray(o, o + len)), o);
  return make(x.shape, 'float32', out);
}

/** Log-softmax over the last axis, in float64. */
export function logSoftmax(x: OTensor): OTensor {
  return rows(x, (r) => {
    const max = r.reduce((m, v) => Math.max(m, v), -Infinity);
    const lse = max + Math.log(r.reduce((s, v) => s + Math.exp(v - max), 0));
    return r.map((v) => v - lse);
  });
}

/** Softmax over the last axis, in float64. */
export function softmax(x: OTensor): OTensor {
  return rows(x, (r) => {
    const max = r.reduce((m, v) => Math.max(m, v), -Infinity);
    const e = r.map((v) => Math.exp(v - max));
    const total = e.reduce((s, v) => s + v, 0);
    return e.map((v) => v / total);
  });
}

/** Normalises each last-axis row, then `* gamma + beta`. */
export function layerNorm(x: OTensor, gamma: OTensor, beta: OTensor, epsilon: number): OTensor {
  return rows(x, (r) => {
    const mean = r.reduce((s, v) => s + v, 0) / r.length;
    const variance = r.reduce((s, v) => s + (v - mean) ** 2, 0) / r.length;
    const inv = 1 / Math.sqrt(variance + epsilon);
    return r.map((v, i) => (v - mean) * inv * gamma.data[i]! + beta.data[i]!);
  });
}

/** `(x - mean) / sqrt(variance + epsilon) * scale + offset` over the last axis. */
export function batchNorm(x: OTensor, mean: OTensor, variance: OTensor, offset: OTensor, scale: OTensor, epsilon: number): OTensor {
  return rows(x, (r) => r.map((v, i) => ((v - mean.data[i]!) / Math.sqrt(variance.data[i]! + epsilon)) * scale.data[i]! + offset.data[i]!));
}
