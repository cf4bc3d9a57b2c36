/**
 * layerNorm (per row: mean, then the mean squared deviation, two reductions for accuracy) and
 * batchNorm (elementwise with per-channel vectors along the last axis).
 */
import type { TensorInfo } from '@strata/core';
import { shapeToString, sizeOf } from '@strata/core';
import type { GpuTensorInfo, WebGPURuntime } from '../runtime.js';
import { Params } from '../runtime.js';
import { ELEMENTWISE_WG, bindings, entryPoint, flatIndex } from '../wgsl.js';
import { checkFloatInputs } from './common.js';
import { FOR_ROW, rowKernel } from './rows.js';

/** Checks that each vector has one element per entry of x's last axis. */
function checkVectors(kernel: string, x: TensorInfo, vectors: Readonly<Record<string, TensorInfo>>): void {
  const c = x.shape.length === 0 ? 1 : x.shape[x.shape.length - 1]!;
  for (const [name, v] of Object.entries(vectors)) {
    if (sizeOf(v.shape) !== c) {
      throw new Error(`webgpu ${kernel}: ${name} ${shapeToString(v.shape)} must have ${c} elements, the size of the last axis of x ${shapeToString(x.shape)}`);
    }
  }
}

export function layerNorm(rt: WebGPURuntime, x: TensorInfo, gamma: TensorInfo, beta: TensorInfo, epsilon: number): GpuTensorInfo {
  checkFloatInputs(rt, 'layerNorm', { x, gamma, beta });
  checkVectors('layerNorm', x, { gamma, beta });
  return rowKernel(rt, {
    kernel: 'layerNorm',
    key: 'layerNorm',
    x,
    extraInputs: [gamma, beta],
    extraParams: new Params().f32(epsilon),
    body: `var s = 0.0;
  ${FOR_ROW} { s = s + in0[base + j]; }
  let mean = reduce_sum(s, lid) / f32(L);
  var d2 = 0.0;
  ${FOR_ROW} { let d = in0[base + j] - mean; d2 = fma(d, d, d2); }
  let variance = reduce_sum(d2, lid) / f32(L);
  let inv = 1.0 / sqrt(variance + p_f32(2u));
  ${FOR_ROW} { out0[base + j] = fma((in0[base + j] - mean) * inv, in1[j], in2[j]); }`,
  });
}

export function batchNorm(rt: WebGPURuntime, x: TensorInfo, mean: TensorInfo, variance: TensorInfo, offset: TensorInfo, scale: TensorInfo, epsilon: number): GpuTensorInfo {
  checkFloatInputs(rt, 'batchNorm', { x, mean, variance, offset, scale });
  checkVectors('batchNorm', x, { mean, variance, offset, scale });
  const out = rt.output('batchNorm', x.shape, 'float32');
  try {
    const total = sizeOf(x.shape);
    const c = x.shape.length === 0 ? 1 : x.shape[x.shape.length - 1]!;
    rt.dispatch({
      kernel: 'batchNorm',
      key: 'batchNorm',
      wgsl: () => `${bindings(['f32', 'f32', 'f32', 'f32', 'f32'], ['f32'])}
${entryPoint(ELEMENTWISE_WG)} {
  let i = ${flatIndex(ELEMENTWISE_WG)};
  if (i >= P[0]) { return; }
  let ch = i % P[1];
  // in1 mean, in2 variance, in3 offset, in4 scale
  out0[i] = fma((in0[i] - in1[ch]) / sqrt(in2[ch] + p_f32(2u)), in4[ch], in3[ch]);
}`,
      inputs: [x, mean, variance, offset, scale],
      outputs: [out],
      params: new Params().u32(total, c).f32(epsilon),
      workgroups: Math.ceil(total / ELEMENTWISE_WG),
    });
  } catch (err) {
    rt.fail([out], err);
  }
  return out;
}
