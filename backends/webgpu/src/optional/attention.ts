/**
 * attention: `softmax(q kᵀ · scale + mask) v` as three passes: scores by an implicit GEMM whose
 * store scales and adds the (broadcast) mask, a row softmax, then probabilities × v by a second
 * GEMM. The two intermediates are scratch buffers released as soon as they are encoded.
 */
import type { TensorInfo } from '@strata/core';
import { broadcastShapes, shapeToString, sizeOf } from '@strata/core';
import type { GpuTensorInfo, WebGPURuntime } from '../runtime.js';
import { Params } from '../runtime.js';
import { BATCH_OFFSET, broadcastStrides, checkFloatInputs } from './common.js';
import { gemm } from './gemm.js';
import { softmax } from './softmax.js';

export function attention(rt: WebGPURuntime, q: TensorInfo, k: TensorInfo, v: TensorInfo, mask: TensorInfo | null, scale: number): GpuTensorInfo {
  checkFloatInputs(rt, 'attention', mask === null ? { q, k, v } : { q, k, v, mask });
  const r = q.shape.length;
  if (r < 2 || k.shape.length !== r || v.shape.length !== r) {
    throw new Error(`webgpu attention: q, k and v need the same rank ≥ 2, got q ${shapeToString(q.shape)}, k ${shapeToString(k.shape)}, v ${shapeToString(v.shape)}`);
  }
  const batchShape = q.shape.slice(0, -2);
  const [m, d] = q.shape.slice(-2) as [number, number];
  const [n, dk] = k.shape.slice(-2) as [number, number];
  const [nv, e] = v.shape.slice(-2) as [number, number];
  if (dk !== d || nv !== n || k.shape.slice(0, -2).join() !== batchShape.join() || v.shape.slice(0, -2).join() !== batchShape.join()) {
    throw new Error(`webgpu attention: expected q [...b,m,d], k [...b,n,d], v [...b,n,e] with the same batch dims, got q ${shapeToString(q.shape)}, k ${shapeToString(k.shape)}, v ${shapeToString(v.shape)}`);
  }
  const scoreShape = [...batchShape, m, n];
  if (mask !== null && broadcastShapes(scoreShape, mask.shape)?.join() !== scoreShape.join()) {
    throw new Error(`webgpu attention: mask ${shapeToString(mask.shape)} does not broadcast to the scores ${shapeToString(scoreShape)}`);
  }
  const batch = sizeOf(batchShape);
  const out = rt.output('attention', [...batchShape, m, e], 'float32');
  try {
    const scores = rt.scratch('attention', [batch, m, n], 'float32');
    let probs: GpuTensorInfo;
    try {
      const rank = batchShape.length;
      const maskStrides = mask === null ? new Array<number>(rank + 2).fill(0) : broadcastStrides(mask.shape, scoreShape);
      // EXTRA: scale, rank, mask row stride, mask column stride, then dims and mask batch strides.
      const extra = new Params().f32(scale).u32(rank, maskStrides[rank]!, maskStrides[rank + 1]!, ...batchShape, ...maskStrides.slice(0, rank));
      gemm(rt, {
        kernel: 'attention',
        key: `attention-scores:${mask === null ? 'nomask' : 'mask'}`,
        m, n, k: d, batch,
        inputs: mask === null ? [q, k] : [q, k, mask],
        output: scores,
        extra,
        helpers: BATCH_OFFSET,
        baseA: 'return b * P[0] * P[2];',
        baseB: 'return b * P[1] * P[2];',
        loadA: 'return in0[base + row * P[2] + kk];',
        // kᵀ: element (kk, col) of kᵀ is k[col, kk].
        loadB: 'return in1[base + col * P[2] + kk];',
        store: `${mask === null
          ? 'let add = 0.0;'
          : 'let add = in2[batch_offset(b, P[EXTRA + 1u], EXTRA + 4u, EXTRA + 4u + P[EXTRA + 1u]) + row * P[EXTRA + 2u] + col * P[EXTRA + 3u]];'}
  out0[(b * P[0] + row) * P[1] + col] = acc * p_f32(EXTRA) + add;`,
      });
      probs = softmax(rt, scores);
    } finally {
      rt.release(scores.storage);
    }
    try {
      gemm(rt, {
        kernel: 'attention',
        key: 'attention-values',
        m, n: e, k: n, batch,
        inputs: [probs, v],
        output: out,
        baseA: 'return b * P[0] * P[2];',
        baseB: 'return b * P[2] * P[1];',
        loadA: 'return in0[base + row * P[2] + kk];',
        loadB: 'return in1[base + kk * P[1] + col];',
        store: 'out0[(b * P[0] + row) * P[1] + col] = acc;',
      });
    } finally {
      rt.release(probs.storage);
    }
  } catch (err) {
    rt.fail([out], err);
  }
  return out;
}
