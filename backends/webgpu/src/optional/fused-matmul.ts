/**
 * fusedMatMul: `activation(matMul(a, b) + bias)` in one implicit GEMM (gemm.ts) whose store
 * adds the bias and applies the activation, so the product never makes a round trip through
 * memory. Transposes and broadcast batch dims are folded into the operands' addressing; the
 * bias may broadcast against the product along any dim.
 */
import type { FusedActivation, TensorInfo } from '@strata/core';
import { broadcastShapes, shapeToString, sizeOf } from '@strata/core';
import type { GpuTensorInfo, WebGPURuntime } from '../runtime.js';
import { Params } from '../runtime.js';
import { BATCH_OFFSET, FLOAT_MATH, broadcastStrides, checkFloatInputs } from './common.js';
import { gemm } from './gemm.js';

/** WGSL activations; NaN stays NaN, large arguments saturate instead of overflowing. */
export const ACTIVATIONS = /* wgsl */ `
fn act_relu(v: f32) -> f32 { if (is_nan(v)) { return v; } return select(0.0, v, v > 0.0); }
fn act_sigmoid(v: f32) -> f32 { return 1.0 / (1.0 + safe_exp(-v)); }
fn act_tanh(v: f32) -> f32 {
  if (is_nan(v)) { return v; }
  let a = abs(v);
  var t: f32;
  if (a < 0.25) {
    // odd Taylor series: full relative precision near 0, where (1 − e)/(1 + e) cancels
    let a2 = a * a;
    t = a * (1.0 + a2 * (-0.33333333 + a2 * (0.13333333 + a2 * (-0.053968254 + a2 * 0.021869488))));
  } else if (a > 9.0) {
    t = 1.0;
  } else {
    let e = exp(-2.0 * a);
    t = (1.0 - e) / (1.0 + e);
  }
  return select(t, -t, v < 0.0);
}
`;

const ACTIVATION_EXPR: Readonly<Record<FusedActivation, string>> = {
  linear: 'v',
  relu: 'act_relu(v)',
  sigmoid: 'act_sigmoid(v)',
  tanh: 'act_tanh(v)',
};

export function fusedMatMul(rt: WebGPURuntime, a: TensorInfo, b: TensorInfo, bias: TensorInfo | null, activation: FusedActivation,
  transposeA: boolean, transposeB: boolean): GpuTensorInfo {
  checkFloatInputs(rt, 'fusedMatMul', bias === null ? { a, b } : { a, b, bias });
  const act = ACTIVATION_EXPR[activation];
  if (act === undefined) throw new Error(`webgpu fusedMatMul: unknown activation '${String(activation)}' (expected ${Object.keys(ACTIVATION_EXPR).join(', ')})`);
  const ra = a.shape.length;
  const rb = b.shape.length;
  if (ra < 2 || rb < 2) throw new Error(`webgpu fusedMatMul: a and b need rank ≥ 2, got ${shapeToString(a.shape)} and ${shapeToString(b.shape)}`);
  const m = transposeA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
  const k = transposeA ? a.shape[ra - 2]! : a.shape[ra - 1]!;
  const kb = transposeB ? b.shape[rb - 1]! : b.shape[rb - 2]!;
  const n = transposeB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
  if (k !== kb) {
    throw new Error(`webgpu fusedMatMul: inner dims differ: a ${shapeToString(a.shape)}${transposeA ? 'ᵀ' : ''} × b ${shapeToString(b.shape)}${transposeB ? 'ᵀ' : ''}`);
  }
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const batchShape = broadcastShapes(batchA, batchB);
  if (batchShape === null) {
    throw new Error(`webgpu fusedMatMul: batch dims of a ${shapeToString(a.shape)} and b ${shapeToString(b.shape)} do not broadcast`);
  }
  const outShape = [...batchShape, m, n];
  if (bias !== null && broadcastShapes(outShape, bias.shape)?.join() !== outShape.join()) {
    throw new Error(`webgpu fusedMatMul: bias ${shapeToString(bias.shape)} does not broadcast to the product ${shapeToString(outShape)}`);
  }
  const out = rt.output('fusedMatMul', outShape, 'float32');
  try {
    const rank = batchShape.length;
    const aStrides = broadcastStrides(batchA, batchShape).map((s) => s * m * k);
    const bStrides = broadcastStrides(batchB, batchShape).map((s) => s * k * n);
    const biasStrides = bias === null ? new Array<number>(rank + 2).fill(0) : broadcastStrides(bias.shape, outShape);
    // EXTRA: rank, bias row stride, bias column stride, then dims, a/b/bias batch strides.
    const extra = new Params().u32(rank, biasStrides[rank]!, biasStrides[rank + 1]!, ...batchShape, ...aStrides, ...bStrides, ...biasStrides.slice(0, rank));
    const at = (i: number): string => `EXTRA + 3u + ${i}u * P[EXTRA]`;
    gemm(rt, {
      kernel: 'fusedMatMul',
      key: `fusedMatMul:${transposeA ? 'T' : 'N'}${transposeB ? 'T' : 'N'}:${activation}:${bias === null ? 'nobias' : 'bias'}`,
      m, n, k, batch: sizeOf(batchShape),
      inputs: bias === null ? [a, b] : [a, b, bias],
      output: out,
      extra,
      helpers: `${FLOAT_MATH}\n${BATCH_OFFSET}\n${ACTIVATIONS}`,
      baseA: `return batch_offset(b, P[EXTRA], ${at(0)}, ${at(1)});`,
      baseB: `return batch_offset(b, P[EXTRA], ${at(0)}, ${at(2)});`,
      // P[0] = M, P[1] = N, P[2] = K (the template's own params).
      loadA: transposeA ? 'return in0[base + kk * P[0] + row];' : 'return in0[base + row * P[2] + kk];',
      loadB: transposeB ? 'return in1[base + col * P[2] + kk];' : 'return in1[base + kk * P[1] + col];',
      store: `${bias === null
        ? 'let v = acc;'
        : `let v = acc + in2[batch_offset(b, P[EXTRA], ${at(0)}, ${at(3)}) + row * P[EXTRA + 1u] + col * P[EXTRA + 2u]];`}
  out0[(b * P[0] + row) * P[1] + col] = ${act};`,
    });
  } catch (err) {
    rt.fail([out], err);
  }
  return out;
}
