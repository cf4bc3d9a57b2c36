/**
 * attention: per batch matrix, scores = q·kᵀ·scale (+ mask) in scratch, softmax over each row in
 * place, then scores·v; both products on the packed GEMM.
 */
import type { TensorInfo } from '@strata/core';
import { sizeOf, stridesOf } from '@strata/core';
import { broadcastStrides } from './layout.js';
import { copyBlock } from './movement.js';
import type { Runtime } from './runtime.js';

export function attention(rt: Runtime, q: TensorInfo, k: TensorInfo, v: TensorInfo, mask: TensorInfo | null, scale: number): TensorInfo {
  const qp = rt.ptr(q, 'float32');
  const kp = rt.ptr(k, 'float32');
  const vp = rt.ptr(v, 'float32');
  const maskPtr = mask === null ? 0 : rt.ptr(mask, 'float32');
  const rank = q.shape.length;
  const batchShape = q.shape.slice(0, -2);
  const m = q.shape[rank - 2]!;
  const d = q.shape[rank - 1]!;
  const n = k.shape[rank - 2]!;
  const e = v.shape[rank - 1]!;
  const out = rt.output('attention', [...batchShape, m, e], 'float32');
  const batch = sizeOf(batchShape);
  if (batch === 0 || m === 0 || e === 0) return out;
  let scores = 0;
  let fullMask = 0;
  try {
    scores = rt.scratch(m * n * 4, 'attention');
    let maskAt = maskPtr;
    const scoreShape = [...batchShape, m, n];
    if (mask !== null && sizeOf(mask.shape) !== sizeOf(scoreShape)) {
      // A mask that broadcasts (e.g. one [m, n] for every batch) is expanded once.
      fullMask = rt.scratch(sizeOf(scoreShape) * 4, 'attention');
      copyBlock(rt, 'float32', maskPtr, broadcastStrides(mask.shape, scoreShape), fullMask, stridesOf(scoreShape), scoreShape);
      maskAt = fullMask;
    }
    for (let t = 0; t < batch; t++) {
      rt.wasm.st_gemm(m, n, d, qp + t * m * d * 4, d, 1, kp + t * n * d * 4, 1, d, scores, n, 0);
      rt.wasm.st_scale_add(scores, m * n, scale, mask === null ? 0 : maskAt + t * m * n * 4);
      if (n > 0) rt.wasm.st_softmax(scores, scores, m, n, 0);
      rt.wasm.st_gemm(m, e, n, scores, n, 1, vp + t * n * e * 4, e, 1, out.storage.ptr + t * m * e * 4, e, 0);
    }
    rt.checkThreads('attention', []);
  } catch (err) {
    rt.fail([out], err);
  } finally {
    if (scores !== 0) rt.freeScratch(scores);
    if (fullMask !== 0) rt.freeScratch(fullMask);
  }
  return out;
}
