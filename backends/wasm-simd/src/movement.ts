/** Data movement: transpose, slice, pad, concat, gather and scatterAdd (csrc/movement.c). */
import type { DType, Shape, TensorInfo } from '@strata/core';
import { bytesPerElement, sizeOf, stridesOf } from '@strata/core';
import { fillAt } from './elementwise.js';
import { MAX_RANK, collapse } from './layout.js';
import type { Runtime } from './runtime.js';
import { DTYPE_CODE } from './runtime.js';

function elementSize(dtype: DType): number {
  return bytesPerElement(dtype);
}

/**
 * Copies a block of `shape` between strided layouts (elements), from byte offset `src` to `dst`.
 * Collapsing first turns e.g. a slice of whole rows into one memcpy.
 */
export function copyBlock(rt: Runtime, dtype: DType, src: number, srcStrides: readonly number[], dst: number,
  dstStrides: readonly number[], shape: readonly number[]): void {
  if (sizeOf(shape) === 0) return;
  const c = collapse(shape, [srcStrides, dstStrides]);
  rt.heap.setArgs([...c.shape, ...c.strides[0]!, ...c.strides[1]!]);
  rt.wasm.st_copy_strided(elementSize(dtype), src, dst, c.shape.length);
}

/**
 * Permutes `x` (at byte offset `src`) into `dst`. After dropping size-1 dims and merging dims
 * that stay adjacent, a swap of the last two dims goes to the tiled 2-D transpose.
 */
export function transposeAt(rt: Runtime, dtype: DType, src: number, shape: Shape, perm: readonly number[], dst: number): void {
  const size = sizeOf(shape);
  if (size === 0) return;
  // Drop size-1 dims and renumber the permutation.
  const kept = shape.map((n, d) => (n === 1 ? -1 : d)).filter((d) => d >= 0);
  const renumber = new Map(kept.map((d, i) => [d, i]));
  let dims = kept.map((d) => shape[d]!);
  let p = perm.filter((d) => renumber.has(d)).map((d) => renumber.get(d)!);
  // Merge input dims i, i+1 that appear consecutively in the permutation.
  for (let i = 0; i + 1 < p.length;) {
    const a = p[i]!;
    if (p[i + 1] === a + 1) {
      dims = [...dims.slice(0, a), dims[a]! * dims[a + 1]!, ...dims.slice(a + 2)];
      p = p.filter((_, j) => j !== i + 1).map((d) => (d > a ? d - 1 : d));
    } else {
      i++;
    }
  }
  const es = elementSize(dtype);
  if (p.length <= 1) {
    rt.wasm.st_copy(dst, src, size * es);
  } else if (p.length === 2) {
    rt.wasm.st_transpose2d(es, src, dst, 1, dims[0]!, dims[1]!);
  } else if (p.length === 3 && p[0] === 0 && p[1] === 2 && p[2] === 1) {
    rt.wasm.st_transpose2d(es, src, dst, dims[0]!, dims[1]!, dims[2]!);
  } else {
    if (p.length > MAX_RANK) throw new Error(`wasm-simd backend: transpose of rank ${p.length} exceeds ${MAX_RANK}`);
    const inStrides = stridesOf(dims);
    const outShape = p.map((d) => dims[d]!);
    copyBlock(rt, dtype, src, p.map((d) => inStrides[d]!), dst, stridesOf(outShape), outShape);
  }
}

export function transpose(rt: Runtime, x: TensorInfo, perm: readonly number[]): TensorInfo {
  const xp = rt.ptr(x);
  const out = rt.output('transpose', perm.map((d) => x.shape[d]!), x.dtype);
  transposeAt(rt, x.dtype, xp, x.shape, perm, out.storage.ptr);
  return out;
}

export function slice(rt: Runtime, x: TensorInfo, begin: readonly number[], size: readonly number[]): TensorInfo {
  const xp = rt.ptr(x);
  const out = rt.output('slice', size, x.dtype);
  const strides = stridesOf(x.shape);
  let offset = 0;
  for (let d = 0; d < begin.length; d++) offset += begin[d]! * strides[d]!;
  copyBlock(rt, x.dtype, xp + offset * elementSize(x.dtype), strides, out.storage.ptr, stridesOf(size), size);
  return out;
}

export function pad(rt: Runtime, x: TensorInfo, paddings: readonly (readonly [number, number])[], value: number): TensorInfo {
  const xp = rt.ptr(x);
  const shape = x.shape.map((n, d) => paddings[d]![0] + n + paddings[d]![1]);
  const out = rt.output('pad', shape, x.dtype);
  fillAt(rt, out.storage.ptr, sizeOf(shape), value, x.dtype);
  const strides = stridesOf(shape);
  let offset = 0;
  for (let d = 0; d < shape.length; d++) offset += paddings[d]![0] * strides[d]!;
  copyBlock(rt, x.dtype, xp, stridesOf(x.shape), out.storage.ptr + offset * elementSize(x.dtype), strides, x.shape);
  return out;
}

export function concat(rt: Runtime, xs: readonly TensorInfo[], axis: number): TensorInfo {
  const first = xs[0];
  if (first === undefined) throw new Error('wasm-simd backend: concat of no tensors');
  const ptrs = xs.map((x) => rt.ptr(x, first.dtype));
  const shape = [...first.shape];
  shape[axis] = xs.reduce((total, x) => total + x.shape[axis]!, 0);
  const out = rt.output('concat', shape, first.dtype);
  const es = elementSize(first.dtype);
  const outer = sizeOf(shape.slice(0, axis));
  const inner = sizeOf(shape.slice(axis + 1));
  const row = shape[axis]! * inner * es;
  let offset = 0;
  xs.forEach((x, i) => {
    const chunk = x.shape[axis]! * inner * es;
    if (chunk > 0 && outer > 0) rt.wasm.st_concat_part(ptrs[i]!, out.storage.ptr, outer, chunk, row, offset);
    offset += chunk;
  });
  return out;
}

export function gather(rt: Runtime, x: TensorInfo, indices: TensorInfo, axis: number): TensorInfo {
  const xp = rt.ptr(x);
  const ip = rt.ptr(indices, 'int32');
  const shape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
  const out = rt.output('gather', shape, x.dtype);
  if (sizeOf(shape) === 0) return out;
  rt.wasm.st_gather(elementSize(x.dtype), xp, ip, out.storage.ptr, sizeOf(x.shape.slice(0, axis)), x.shape[axis]!,
    sizeOf(indices.shape), sizeOf(x.shape.slice(axis + 1)));
  return out;
}

export function scatterAdd(rt: Runtime, updates: TensorInfo, indices: TensorInfo, axis: number, size: number): TensorInfo {
  if (updates.dtype === 'bool') throw new Error('wasm-simd backend: scatterAdd takes float32 or int32 updates, got bool');
  const up = rt.ptr(updates);
  const ip = rt.ptr(indices, 'int32');
  const rank = indices.shape.length;
  const shape = [...updates.shape.slice(0, axis), size, ...updates.shape.slice(axis + rank)];
  const out = rt.output('scatterAdd', shape, updates.dtype);
  if (sizeOf(shape) === 0) return out;
  rt.wasm.st_scatter_add(DTYPE_CODE[updates.dtype], up, ip, out.storage.ptr, sizeOf(updates.shape.slice(0, axis)), size,
    sizeOf(indices.shape), sizeOf(updates.shape.slice(axis + rank)));
  return out;
}
