/**
 * Small helpers shared by the optional kernels: input checks, and WGSL that names a run of
 * params (`let H = i32(P[base + 1u]);` …) so kernels read like their math.
 */
import type { Shape, TensorInfo } from '@strata/core';
import { shapeToString } from '@strata/core';
import type { WebGPURuntime } from '../runtime.js';

/** Checks each input belongs to this device and is float32 (the optional kernels' only dtype). */
export function checkFloatInputs(rt: WebGPURuntime, kernel: string, inputs: Readonly<Record<string, TensorInfo>>): void {
  for (const [name, info] of Object.entries(inputs)) {
    rt.input(info, kernel);
    if (info.dtype !== 'float32') throw new Error(`webgpu ${kernel}: ${name} must be float32, got ${info.dtype} of shape ${shapeToString(info.shape)}`);
  }
}

/**
 * WGSL `let` declarations reading consecutive params from word `base` (a WGSL u32 expression):
 * `names[i]` is `P[base + i]`, as i32 when `signed`.
 */
export function paramLets(names: readonly string[], base: string, signed: boolean): string {
  return names.map((name, i) => `let ${name} = ${signed ? `i32(P[${base} + ${i}u])` : `P[${base} + ${i}u]`};`).join(' ');
}

/** Numerically careful float helpers (inputs may hold ±Inf; WGSL's exp of a huge negative is not pinned down). */
export const FLOAT_MATH = /* wgsl */ `
fn safe_exp(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (x > 88.72284) { return inf_f32(); }
  if (x < -103.97208) { return 0.0; }
  return exp(x);
}
fn safe_log(x: f32) -> f32 {
  if (is_nan(x) || x < 0.0) { return nan_f32(); }
  if (x == 0.0) { return -inf_f32(); }
  if (is_inf(x)) { return x; }
  return log(x);
}
`;

/**
 * Element strides of `shape` read as if broadcast to `outShape` (right-aligned, 0 on dims that
 * are missing or size 1), one per dim of `outShape`.
 */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const strides = new Array<number>(outShape.length).fill(0);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    const od = outShape.length - shape.length + d;
    if (shape[d] !== 1) strides[od] = acc;
    acc *= shape[d]!;
  }
  return strides;
}

/**
 * WGSL `fn batch_offset(b: u32, rank: u32, dimsAt: u32, stridesAt: u32) -> u32`: decodes the
 * linear batch index `b` over the dims at `P[dimsAt..]` (outermost first) and sums the matching
 * strides at `P[stridesAt..]`.
 */
export const BATCH_OFFSET = /* wgsl */ `
fn batch_offset(b: u32, rank: u32, dimsAt: u32, stridesAt: u32) -> u32 {
  var rem = b;
  var off = 0u;
  for (var d = rank; d > 0u; d = d - 1u) {
    let dim = P[dimsAt + d - 1u];
    off = off + (rem % dim) * P[stridesAt + d - 1u];
    rem = rem / dim;
  }
  return off;
}
`;
