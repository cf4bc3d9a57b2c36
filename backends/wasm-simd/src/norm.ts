/** Last-axis kernels: softmax, logSoftmax, layerNorm and batchNorm (csrc/norm.c). */
import type { Shape, TensorInfo } from '@strata/core';
import { sizeOf } from '@strata/core';
import type { Runtime } from './runtime.js';

/** Rows and row length of a last-axis operation (a scalar is one row of one). */
function rowsOf(shape: Shape): { rows: number; len: number } {
  const len = shape.length === 0 ? 1 : shape[shape.length - 1]!;
  return { rows: len === 0 ? 0 : sizeOf(shape) / len, len };
}

function softmaxLike(rt: Runtime, x: TensorInfo, log: boolean): TensorInfo {
  const xp = rt.ptr(x, 'float32');
  const out = rt.output(log ? 'logSoftmax' : 'softmax', x.shape, 'float32');
  const { rows, len } = rowsOf(x.shape);
  if (rows > 0) rt.wasm.st_softmax(xp, out.storage.ptr, rows, len, log ? 1 : 0);
  return out;
}

export function softmax(rt: Runtime, x: TensorInfo): TensorInfo {
  return softmaxLike(rt, x, false);
}

export function logSoftmax(rt: Runtime, x: TensorInfo): TensorInfo {
  return softmaxLike(rt, x, true);
}

export function layerNorm(rt: Runtime, x: TensorInfo, gamma: TensorInfo, beta: TensorInfo, epsilon: number): TensorInfo {
  const xp = rt.ptr(x, 'float32');
  const gp = rt.ptr(gamma, 'float32');
  const bp = rt.ptr(beta, 'float32');
  const out = rt.output('layerNorm', x.shape, 'float32');
  const { rows, len } = rowsOf(x.shape);
  if (rows > 0) rt.wasm.st_layer_norm(xp, gp, bp, out.storage.ptr, rows, len, epsilon);
  return out;
}

export function batchNorm(rt: Runtime, x: TensorInfo, mean: TensorInfo, variance: TensorInfo, offset: TensorInfo,
  scale: TensorInfo, epsilon: number): TensorInfo {
  const xp = rt.ptr(x, 'float32');
  const ptrs = [mean, variance, offset, scale].map((t) => rt.ptr(t, 'float32'));
  const out = rt.output('batchNorm', x.shape, 'float32');
  const { rows, len } = rowsOf(x.shape);
  if (rows > 0) rt.wasm.st_batch_norm(xp, ptrs[0]!, ptrs[1]!, ptrs[2]!, ptrs[3]!, out.storage.ptr, rows, len, epsilon);
  return out;
}
