/**
 * softmax and logSoftmax over the last axis: the row's maximum, then the sum of exp(x − max),
 * each a workgroup reduction (rows.ts), then one elementwise pass. Subtracting the maximum keeps
 * exp in range; −Inf entries give 0 (softmax) and −Inf (logSoftmax).
 */
import type { TensorInfo } from '@strata/core';
import type { GpuTensorInfo, WebGPURuntime } from '../runtime.js';
import { checkFloatInputs } from './common.js';
import { FOR_ROW, rowKernel } from './rows.js';

const MAX_AND_SUM = `var m = -inf_f32();
  ${FOR_ROW} { m = max_nan(m, in0[base + j]); }
  let mx = reduce_max(m, lid);
  var s = 0.0;
  ${FOR_ROW} { s = s + safe_exp(in0[base + j] - mx); }
  let total = reduce_sum(s, lid);`;

export function softmax(rt: WebGPURuntime, x: TensorInfo): GpuTensorInfo {
  checkFloatInputs(rt, 'softmax', { x });
  return rowKernel(rt, {
    kernel: 'softmax',
    key: 'softmax',
    x,
    body: `${MAX_AND_SUM}
  ${FOR_ROW} { out0[base + j] = safe_exp(in0[base + j] - mx) / total; }`,
  });
}

export function logSoftmax(rt: WebGPURuntime, x: TensorInfo): GpuTensorInfo {
  checkFloatInputs(rt, 'logSoftmax', { x });
  return rowKernel(rt, {
    kernel: 'logSoftmax',
    key: 'logSoftmax',
    x,
    body: `${MAX_AND_SUM}
  let logTotal = safe_log(total);
  ${FOR_ROW} { out0[base + j] = (in0[base + j] - mx) - logTotal; }`,
  });
}
