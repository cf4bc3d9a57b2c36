/** Shape arithmetic shared by core and by backends (backends may import it from `@strata/core`). */
import type { DType, DTypeArrayMap, Shape, TypedArray } from '../backend/contract.js';

/** Number of elements of a shape (1 for a scalar). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides of a shape, in elements. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/**
 * NumPy broadcasting of two shapes, or `null` when they do not broadcast.
 * Dims are aligned from the right; each pair must be equal or contain a 1.
 */
export function broadcastShapes(a: Shape, b: Shape): number[] | null {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da === db || db === 1) out[i] = da;
    else if (da === 1) out[i] = db;
    else return null;
  }
  return out;
}

/**
 * For each output element of shape `out`, the flat index into an input of shape `inShape`
 * that broadcasts to it. Used by reference kernels; fast backends compute this in-kernel.
 */
export function broadcastIndexMap(inShape: Shape, out: Shape): Int32Array {
  const size = sizeOf(out);
  const map = new Int32Array(size);
  const rank = out.length;
  const inStrides = stridesOf(inShape);
  // Stride 0 on broadcast dims; aligned from the right.
  const strides = new Array<number>(rank).fill(0);
  for (let i = 0; i < inShape.length; i++) {
    const o = rank - inShape.length + i;
    strides[o] = inShape[i] === 1 ? 0 : inStrides[i]!;
  }
  const counter = new Array<number>(rank).fill(0);
  let offset = 0;
  for (let flat = 0; flat < size; flat++) {
    map[flat] = offset;
    for (let d = rank - 1; d >= 0; d--) {
      counter[d]!++;
      offset += strides[d]!;
      if (counter[d]! < out[d]!) break;
      offset -= strides[d]! * counter[d]!;
      counter[d] = 0;
    }
  }
  return map;
}

/** Allocates a zeroed typed array for `size` elements of `dtype`. */
export function allocArray<D extends DType>(dtype: D, size: number): DTypeArrayMap[D] {
  switch (dtype) {
    case 'float32': return new Float32Array(size) as DTypeArrayMap[D];
    case 'int32': return new Int32Array(size) as DTypeArrayMap[D];
    case 'bool': return new Uint8Array(size) as DTypeArrayMap[D];
    default: throw new Error(`unknown dtype '${String(dtype)}'`);
  }
}

/** Bytes per element of a dtype. */
export function bytesPerElement(dtype: DType): number {
  return dtype === 'bool' ? 1 : 4;
}

/** The dtype that a typed array holds. */
export function dtypeOfArray(values: TypedArray): DType {
  if (values instanceof Float32Array) return 'float32';
  if (values instanceof Int32Array) return 'int32';
  return 'bool';
}

/**
 * True when `values` is the typed array that holds `dtype` (Float32Array, Int32Array, Uint8Array
 * for bool): what a backend's `write` checks before copying.
 */
export function arrayHoldsDType(values: TypedArray, dtype: DType): boolean {
  switch (dtype) {
    case 'float32': return values instanceof Float32Array;
    case 'int32': return values instanceof Int32Array;
    case 'bool': return values instanceof Uint8Array;
  }
}

/** `[a,b,c]` style rendering of a shape for error messages. */
export function shapeToString(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

/** Output size of one spatial dim of a convolution or pooling window with explicit padding. */
export function convOutputSize(inSize: number, filterSize: number, stride: number, dilation: number, padBefore: number, padAfter: number): number {
  const effective = (filterSize - 1) * dilation + 1;
  return Math.floor((inSize + padBefore + padAfter - effective) / stride) + 1;
}
