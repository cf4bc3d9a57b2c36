/**
 * Row kernels (softmax, logSoftmax, layerNorm). Long rows get one workgroup each: its threads
 * stride over the row and combine partial results through a tree in workgroup memory. Short
 * rows (class scores, attention over a few keys) get one thread each, which wastes no threads
 * and needs no barriers. A body is written once for both: it loops with `FOR_ROW` and combines
 * with `reduce_sum` / `reduce_max`, which are identities in the one-thread form.
 */
import type { TensorInfo } from '@strata/core';
import { sizeOf } from '@strata/core';
import type { GpuTensorInfo, WebGPURuntime } from '../runtime.js';
import { Params } from '../runtime.js';
import { GROUP_INDEX, bindings, entryPoint, flatIndex } from '../wgsl.js';
import { FLOAT_MATH } from './common.js';

/** Threads per row (workgroup form), and threads per workgroup (one-thread-per-row form). */
const ROW_WG = 64;
/** Rows up to this long take the one-thread-per-row form. */
const THREAD_PER_ROW_MAX = 32;

/**
 * WGSL reductions across the workgroup; every thread gets the result. Call them from uniform
 * control flow (they contain barriers). max propagates NaN, as Math.max does.
 */
const WORKGROUP_REDUCE = /* wgsl */ `
var<workgroup> red: array<f32, ${ROW_WG}>;
fn reduce_sum(v: f32, lid: u32) -> f32 {
  red[lid] = v;
  workgroupBarrier();
  for (var s = ${ROW_WG / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { red[lid] = red[lid] + red[lid + s]; }
    workgroupBarrier();
  }
  let total = red[0];
  workgroupBarrier();
  return total;
}
fn reduce_max(v: f32, lid: u32) -> f32 {
  red[lid] = v;
  workgroupBarrier();
  for (var s = ${ROW_WG / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { red[lid] = max_nan(red[lid], red[lid + s]); }
    workgroupBarrier();
  }
  let total = red[0];
  workgroupBarrier();
  return total;
}
`;

const THREAD_REDUCE = /* wgsl */ `
fn reduce_sum(v: f32, lid: u32) -> f32 { return v; }
fn reduce_max(v: f32, lid: u32) -> f32 { return v; }
`;

/** max that propagates NaN, as Math.max does. */
const MAX_NAN = /* wgsl */ `
fn max_nan(a: f32, b: f32) -> f32 {
  if (is_nan(a)) { return a; }
  if (is_nan(b)) { return b; }
  return select(b, a, a > b);
}
`;

/** One row kernel: `body` sees `base` (the row's first element), `L` (its length), `lid`, and `P[2..]`. */
export interface RowKernelSpec {
  readonly kernel: string;
  readonly key: string;
  readonly x: TensorInfo;
  /** Further inputs, bound after x as in1, in2, … (e.g. gamma and beta). */
  readonly extraInputs?: readonly TensorInfo[];
  /** Extra params after `[rows, L]`. */
  readonly extraParams?: Params;
  readonly body: string;
}

export function rowKernel(rt: WebGPURuntime, spec: RowKernelSpec): GpuTensorInfo {
  const { x } = spec;
  const out = rt.output(spec.kernel, x.shape, 'float32');
  try {
    const length = x.shape.length === 0 ? 1 : x.shape[x.shape.length - 1]!;
    const total = sizeOf(x.shape);
    if (total === 0) return out;
    const rows = total / length;
    const inputs = [x, ...(spec.extraInputs ?? [])];
    const perThread = length <= THREAD_PER_ROW_MAX;
    // Workgroup form: thread lid takes elements lid, lid + ROW_WG, …; one-thread form: all of them.
    const setup = perThread
      ? `let row = ${flatIndex(ROW_WG)};
  if (row >= P[0]) { return; }
  let first = 0u;
  let step = 1u;`
      : `let row = ${GROUP_INDEX};
  if (row >= P[0]) { return; }
  let first = lid;
  let step = ${ROW_WG}u;`;
    rt.dispatch({
      kernel: spec.kernel,
      key: `rows:${spec.key}:${perThread ? 'thread' : 'workgroup'}`,
      wgsl: () => `${bindings(inputs.map(() => 'f32'), ['f32'])}
${FLOAT_MATH}
${MAX_NAN}
${perThread ? THREAD_REDUCE : WORKGROUP_REDUCE}
${entryPoint(ROW_WG)} {
  ${setup}
  let L = P[1];
  let base = row * L;
  ${spec.body}
}`,
      inputs,
      outputs: [out],
      params: new Params().u32(rows, length, ...(spec.extraParams?.words ?? [])),
      workgroups: perThread ? Math.ceil(rows / ROW_WG) : rows,
    });
  } catch (err) {
    rt.fail([out], err);
  }
  return out;
}

/** WGSL loop header over this thread's elements of the row. */
export const FOR_ROW = 'for (var j = first; j < L; j = j + step)';
