/** Data movement: transpose, slice, pad, concat, and indexing: gather and its adjoint scatterAdd. */
import type { DType, Shape, TypedArray } from '@strata/core';
import { sizeOf, stridesOf, walk } from './layout.js';
import { allocate } from './storage.js';

/** Copies `x` at the flat indices `from` into a new array of `dtype`. */
function pick(x: TypedArray, from: Int32Array, dtype: DType): TypedArray {
  const out = allocate(dtype, from.length);
  for (let i = 0; i < from.length; i++) out[i] = x[from[i]!]!;
  return out;
}

export function transpose(x: TypedArray, shape: Shape, dtype: DType, perm: readonly number[]): { values: TypedArray; shape: number[] } {
  const strides = stridesOf(shape);
  const outShape = perm.map((d) => shape[d]!);
  // Output dim i steps through input dim perm[i].
  return { values: pick(x, walk(outShape, perm.map((d) => strides[d]!)), dtype), shape: outShape };
}

export function slice(x: TypedArray, shape: Shape, dtype: DType, begin: readonly number[], size: readonly number[]): TypedArray {
  const strides = stridesOf(shape);
  const offset = begin.reduce((sum, b, d) => sum + b * strides[d]!, 0);
  return pick(x, walk(size, strides, offset), dtype);
}

export function pad(
  x: TypedArray, shape: Shape, dtype: DType, paddings: readonly (readonly [number, number])[], value: number,
): { values: TypedArray; shape: number[] } {
  const outShape = shape.map((d, i) => paddings[i]![0] + d + paddings[i]![1]);
  const outStrides = stridesOf(outShape);
  const out = allocate(dtype, sizeOf(outShape)).fill(value);
  // Where each input element lands: its coordinates shifted by the `before` padding.
  const offset = paddings.reduce((sum, [before], d) => sum + before * outStrides[d]!, 0);
  const to = walk(shape, outStrides, offset);
  for (let i = 0; i < x.length; i++) out[to[i]!] = x[i]!;
  return { values: out, shape: outShape };
}

export function concat(xs: readonly { values: TypedArray; shape: Shape }[], axis: number, dtype: DType): { values: TypedArray; shape: number[] } {
  const outShape = [...xs[0]!.shape];
  outShape[axis] = xs.reduce((sum, x) => sum + x.shape[axis]!, 0);
  const outer = sizeOf(outShape.slice(0, axis));
  const out = allocate(dtype, sizeOf(outShape));
  // Each input contributes one contiguous run per outer index; runs of all inputs interleave.
  let at = 0;
  for (let o = 0; o < outer; o++) {
    for (const x of xs) {
      const run = x.values.length / outer;
      out.set(x.values.subarray(o * run, (o + 1) * run), at);
      at += run;
    }
  }
  return { values: out, shape: outShape };
}

export function gather(
  x: TypedArray, shape: Shape, dtype: DType, indices: Int32Array, indicesShape: Shape, axis: number,
): { values: TypedArray; shape: number[] } {
  const outer = sizeOf(shape.slice(0, axis));
  const length = shape[axis]!;
  const inner = sizeOf(shape.slice(axis + 1));
  const outShape = [...shape.slice(0, axis), ...indicesShape, ...shape.slice(axis + 1)];
  const out = allocate(dtype, sizeOf(outShape)); // zeros: what an out-of-range index gives
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < indices.length; j++) {
      const index = indices[j]!;
      if (index < 0 || index >= length) continue;
      const from = (o * length + index) * inner;
      out.set(x.subarray(from, from + inner), (o * indices.length + j) * inner);
    }
  }
  return { values: out, shape: outShape };
}

export function scatterAdd(
  updates: TypedArray, updatesShape: Shape, dtype: DType, indices: Int32Array, indicesRank: number, axis: number, size: number,
): { values: TypedArray; shape: number[] } {
  const outer = sizeOf(updatesShape.slice(0, axis));
  const inner = sizeOf(updatesShape.slice(axis + indicesRank));
  const outShape = [...updatesShape.slice(0, axis), size, ...updatesShape.slice(axis + indicesRank)];
  // Sum in float64, round once at the end (an Int32Array store also wraps int32 sums).
  const sums = new Float64Array(sizeOf(outShape));
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < indices.length; j++) {
      const index = indices[j]!;
      if (index < 0 || index >= size) continue; // out-of-range updates are dropped
      const from = (o * indices.length + j) * inner;
      const to = (o * size + index) * inner;
      for (let t = 0; t < inner; t++) sums[to + t]! += updates[from + t]!;
    }
  }
  const out = allocate(dtype, sums.length);
  out.set(sums);
  return { values: out, shape: outShape };
}
