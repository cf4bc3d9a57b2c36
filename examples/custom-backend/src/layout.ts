/**
 * Shape arithmetic shared by the kernels. Tensors are dense and row-major, so every kernel that
 * moves data (broadcasting, transpose, slice, pad, reduce) is the same loop: walk the elements of
 * one shape in row-major order and compute, for each, a flat index into another buffer.
 */
import type { Shape } from '@strata/core';

// Core exports the basic shape arithmetic; a backend may use it (it depends on core anyway).
export { sizeOf, stridesOf } from '@strata/core';
import { sizeOf, stridesOf } from '@strata/core';

/**
 * For each element of `shape` (row-major), its flat index `offset + Σ coord[d]·strides[d]`.
 * Strides of another shape, a permutation of them, or 0 (a broadcast dim) turn this one loop
 * into broadcasting, transpose, slice, pad and reduce.
 */
export function walk(shape: Shape, strides: readonly number[], offset = 0): Int32Array {
  const out = new Int32Array(sizeOf(shape));
  const coord = new Array<number>(shape.length).fill(0);
  let index = offset;
  for (let i = 0; i < out.length; i++) {
    out[i] = index;
    // Odometer step: bump the last dim; on overflow reset it and carry into the one before.
    for (let d = shape.length - 1; d >= 0; d--) {
      index += strides[d]!;
      if (++coord[d]! < shape[d]!) break;
      index -= strides[d]! * coord[d]!;
      coord[d] = 0;
    }
  }
  return out;
}

/** NumPy broadcasting of several shapes (core has already checked that they are compatible). */
export function broadcastShapes(...shapes: Shape[]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let d = 0; d < s.length; d++) {
      const o = rank - s.length + d;
      if (s[d] !== 1) out[o] = s[d]!;
    }
  }
  return out;
}

/** For each element of `outShape`, the flat index of the element of `shape` broadcast onto it. */
export function broadcastIndex(shape: Shape, outShape: Shape): Int32Array {
  const own = stridesOf(shape);
  const lead = outShape.length - shape.length;
  // A dim this tensor lacks, or has as size 1, repeats the same element: stride 0.
  const strides = outShape.map((_, o) => (o < lead || shape[o - lead] === 1 ? 0 : own[o - lead]!));
  return walk(outShape, strides);
}
