/**
 * reduce (sum prod max min any all) over any set of axes, and argMax/argMin along one axis.
 * Kept and reduced dims are merged where contiguous; each output element is reduced either by one
 * thread (short reductions) or by a whole workgroup (long ones: strided partials, then a tree in
 * workgroup memory, which also keeps float sums' rounding error small).
 */
import type { ArgReduceOp, DType, ReduceOp, TensorInfo } from '@strata/core';
import { sizeOf, stridesOf } from '@strata/core';
import type { GpuTensorInfo, WebGPURuntime } from '../runtime.js';
import { Params } from '../runtime.js';
import { WGSL_TYPE } from '../storage.js';
import { ELEMENTWISE_WG, GROUP_INDEX, bindings, entryPoint, flatIndex } from '../wgsl.js';
import { copy } from './elementwise.js';

/** Reductions at most this long run one thread per output element. */
const SERIAL_MAX = 64;
/**
 * Threads of a workgroup that reduces one output element: 256 on GPUs; 64 on software adapters,
 * which run a workgroup's invocations in turn between barriers.
 */
function reduceWorkgroup(rt: WebGPURuntime): number {
  return rt.tuning.reduceThreads ?? (rt.isFallback ? 64 : 256);
}

/** Merged dims of one kind (kept or reduced): sizes and input strides, outermost first. */
interface Dims { sizes: number[]; strides: number[] }

function splitDims(shape: readonly number[], axes: readonly number[]): { kept: Dims; reduced: Dims } {
  const strides = stridesOf(shape);
  const kept: Dims = { sizes: [], strides: [] };
  const reduced: Dims = { sizes: [], strides: [] };
  let prevKind: 'k' | 'r' | null = null;
  shape.forEach((size, d) => {
    if (size === 1) return;
    const kind = axes.includes(d) ? 'r' : 'k';
    const dims = kind === 'r' ? reduced : kept;
    const last = dims.sizes.length - 1;
    if (prevKind === kind && last >= 0 && dims.strides[last] === strides[d]! * size) {
      dims.sizes[last]! *= size;
      dims.strides[last] = strides[d]!;
    } else {
      dims.sizes.push(size);
      dims.strides.push(strides[d]!);
    }
    prevKind = kind;
  });
  return { kept, reduced };
}

/** WGSL: decode `idxVar` over dims at params `base` (sizes then strides), adding to `offVar`. */
function decode(idxVar: string, offVar: string, rank: number, base: number): string {
  const lines = [`var ${idxVar}_rem = ${idxVar};`];
  for (let d = rank - 1; d >= 0; d--) {
    lines.push(`{ let dim = P[${base + d}]; ${offVar} = ${offVar} + (${idxVar}_rem % dim) * P[${base + rank + d}]; ${idxVar}_rem = ${idxVar}_rem / dim; }`);
  }
  return lines.join('\n  ');
}

interface ReduceWgsl { type: string; identity: string; combine: (a: string, b: string) => string; helpers: string }

function reduceOps(op: ReduceOp, dtype: DType): ReduceWgsl {
  const t = WGSL_TYPE[dtype];
  const float = dtype === 'float32';
  switch (op) {
    case 'sum': return { type: t, identity: float ? '0.0' : '0i', combine: (a, b) => `${a} + ${b}`, helpers: '' };
    case 'prod': return { type: t, identity: float ? '1.0' : '1i', combine: (a, b) => `${a} * ${b}`, helpers: '' };
    case 'max': return float
      ? { type: t, identity: '-inf_f32()', combine: (a, b) => `r_max(${a}, ${b})`, helpers: 'fn r_max(a: f32, b: f32) -> f32 { if (is_nan(a) || is_nan(b)) { return nan_f32(); } return select(b, a, a > b); }' }
      : { type: t, identity: 'i32(-2147483648)', combine: (a, b) => `max(${a}, ${b})`, helpers: '' };
    case 'min': return float
      ? { type: t, identity: 'inf_f32()', combine: (a, b) => `r_min(${a}, ${b})`, helpers: 'fn r_min(a: f32, b: f32) -> f32 { if (is_nan(a) || is_nan(b)) { return nan_f32(); } return select(b, a, a < b); }' }
      : { type: t, identity: '2147483647i', combine: (a, b) => `min(${a}, ${b})`, helpers: '' };
    case 'any': return { type: 'u32', identity: '0u', combine: (a, b) => `select(0u, 1u, (${a} | ${b}) != 0u)`, helpers: '' };
    case 'all': return { type: 'u32', identity: '1u', combine: (a, b) => `select(0u, 1u, ${a} != 0u && ${b} != 0u)`, helpers: '' };
  }
}

export function reduce(rt: WebGPURuntime, op: ReduceOp, x: TensorInfo, axes: readonly number[]): GpuTensorInfo {
  rt.input(x, 'reduce');
  const kernel = `reduce(${op})`;
  const outShape = x.shape.filter((_, d) => !axes.includes(d));
  if (axes.length === 0) return copy(rt, kernel, x);
  const out = rt.output(kernel, outShape, x.dtype);
  try {
    const outSize = sizeOf(outShape);
    const redSize = sizeOf(x.shape.filter((_, d) => axes.includes(d)));
    const { kept, reduced } = splitDims(x.shape, axes);
    const kr = kept.sizes.length;
    const rr = reduced.sizes.length;
    const params = new Params().u32(outSize, redSize, ...kept.sizes, ...kept.strides, ...reduced.sizes, ...reduced.strides);
    const w = reduceOps(op, x.dtype);
    const serial = redSize <= SERIAL_MAX;
    const wg = reduceWorkgroup(rt);
    const head = `${bindings([w.type], [w.type])}
${w.helpers}`;
    const load = (rVar: string): string => `{ var off = base;\n  ${decode(rVar, 'off', rr, 2 + 2 * kr)}\n  acc = ${w.combine('acc', 'in0[off]')}; }`;
    rt.dispatch({
      kernel,
      key: `reduce:${op}:${x.dtype}:k${kr}:r${rr}:${serial ? 'serial' : `wg${wg}`}`,
      wgsl: () => serial ? `${head}
${entryPoint(ELEMENTWISE_WG)} {
  let o = ${flatIndex(ELEMENTWISE_WG)};
  if (o >= P[0]) { return; }
  var base = 0u;
  ${decode('o', 'base', kr, 2)}
  var acc: ${w.type} = ${w.identity};
  for (var r = 0u; r < P[1]; r = r + 1u) ${load('r')}
  out0[o] = acc;
}` : `${head}
var<workgroup> partial: array<${w.type}, ${wg}>;
${entryPoint(wg)} {
  let o = ${GROUP_INDEX};
  if (o >= P[0]) { return; }
  var base = 0u;
  ${decode('o', 'base', kr, 2)}
  var acc: ${w.type} = ${w.identity};
  for (var r = lid; r < P[1]; r = r + ${wg}u) ${load('r')}
  partial[lid] = acc;
  workgroupBarrier();
  for (var s = ${wg / 2}u; s > 0u; s = s / 2u) {
    if (lid < s) { partial[lid] = ${w.combine('partial[lid]', 'partial[lid + s]')}; }
    workgroupBarrier();
  }
  if (lid == 0u) { out0[o] = partial[0]; }
}`,
      inputs: [x],
      outputs: [out],
      params,
      workgroups: serial ? Math.ceil(outSize / ELEMENTWISE_WG) : outSize,
    });
  } catch (err) {
    rt.fail([out], err);
  }
  return out;
}

export function argReduce(rt: WebGPURuntime, op: ArgReduceOp, x: TensorInfo, axis: number): GpuTensorInfo {
  rt.input(x, 'argReduce');
  const kernel = `argReduce(${op})`;
  const outShape = x.shape.filter((_, d) => d !== axis);
  const out = rt.output(kernel, outShape, 'int32');
  try {
    const outSize = sizeOf(outShape);
    const len = x.shape[axis]!;
    const inner = sizeOf(x.shape.slice(axis + 1));
    const t = WGSL_TYPE[x.dtype];
    const float = x.dtype === 'float32';
    const better = op === 'argMax' ? '>' : '<';
    const serial = len <= SERIAL_MAX;
    const wg = reduceWorkgroup(rt);
    // (value, index) pairs: a NaN beats any number, the better value wins, ties keep the lower index.
    const helpers = `fn wins(v: ${t}, i: u32, bv: ${t}, bi: u32) -> bool {
  ${float ? `let vn = is_nan(v); let bn = is_nan(bv);
  if (vn && bn) { return i < bi; }
  if (vn) { return true; }
  if (bn) { return false; }` : ''}
  if (v ${better} bv) { return true; }
  if (v == bv) { return i < bi; }
  return false;
}`;
    const params = new Params().u32(outSize, len, Math.max(inner, 1));
    rt.dispatch({
      kernel,
      key: `argReduce:${op}:${x.dtype}:${serial ? 'serial' : `wg${wg}`}`,
      wgsl: () => serial ? `${bindings([t], ['i32'])}
${helpers}
${entryPoint(ELEMENTWISE_WG)} {
  let o = ${flatIndex(ELEMENTWISE_WG)};
  if (o >= P[0]) { return; }
  let inner = P[2];
  let base = (o / inner) * P[1] * inner + o % inner;
  var bv = in0[base];
  var bi = 0u;
  for (var k = 1u; k < P[1]; k = k + 1u) {
    let v = in0[base + k * inner];
    if (wins(v, k, bv, bi)) { bv = v; bi = k; }
  }
  out0[o] = i32(bi);
}` : `${bindings([t], ['i32'])}
${helpers}
var<workgroup> pv: array<${t}, ${wg}>;
var<workgroup> pi: array<u32, ${wg}>;
${entryPoint(wg)} {
  let o = ${GROUP_INDEX};
  if (o >= P[0]) { return; }
  let inner = P[2];
  let base = (o / inner) * P[1] * inner + o % inner;
  // Threads past the axis start from a sentinel that loses every comparison (index u32::MAX).
  var bv = in0[base + select(0u, lid, lid < P[1]) * inner];
  var bi = select(0xffffffffu, lid, lid < P[1]);
  for (var k = lid + ${wg}u; k < P[1]; k = k + ${wg}u) {
    let v = in0[base + k * inner];
    if (wins(v, k, bv, bi)) { bv = v; bi = k; }
  }
  pv[lid] = bv;
  pi[lid] = bi;
  workgroupBarrier();
  for (var s = ${wg / 2}u; s > 0u; s = s / 2u) {
    if (lid < s && wins(pv[lid + s], pi[lid + s], pv[lid], pi[lid])) { pv[lid] = pv[lid + s]; pi[lid] = pi[lid + s]; }
    workgroupBarrier();
  }
  if (lid == 0u) { out0[o] = i32(pi[0]); }
}`,
      inputs: [x],
      outputs: [out],
      params,
      workgroups: serial ? Math.ceil(outSize / ELEMENTWISE_WG) : outSize,
    });
  } catch (err) {
    rt.fail([out], err);
  }
  return out;
}
