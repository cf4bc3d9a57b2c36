/** Data movement: transpose, slice, pad, concat. */
import type { Shape, TensorInfo, TypedArray } from '@strata/core';
import { allocArray, sizeOf, stridesOf } from '@strata/core';
import { convertScalar } from './elementwise.js';
import type { KernelOutput } from './storage.js';
import { valuesOf } from './storage.js';

/**
 * Copies a block of `shape` from `source` to `target`, where the block's element at index
 * vector v is at `sourceOffset + Σ v[d]·sourceStrides[d]` and `targetOffset + Σ v[d]·targetStrides[d]`.
 * Every data-movement kernel is this copy with different strides and offsets.
 */
function copyBlock(
  source: TypedArray, sourceOffset: number, sourceStrides: readonly number[],
  target: TypedArray, targetOffset: number, targetStrides: readonly number[],
  shape: Shape,
): void {
  const rank = shape.length;
  if (sizeOf(shape) === 0) return;
  if (rank === 0) {
    target[targetOffset] = source[sourceOffset]!;
    return;
  }
  // Walk rows of the last dim; an odometer over the outer dims moves both offsets.
  const rowLength = shape[rank - 1]!;
  const sourceStep = sourceStrides[rank - 1]!;
  const targetStep = targetStrides[rank - 1]!;
  const rowCount = sizeOf(shape) / rowLength;
  const counter = new Array<number>(rank).fill(0);
  let s = sourceOffset;
  let t = targetOffset;
  for (let row = 0; row < rowCount; row++) {
    for (let i = 0; i < rowLength; i++) target[t + i * targetStep] = source[s + i * sourceStep]!;
    for (let d = rank - 2; d >= 0; d--) {
      counter[d]!++;
      s += sourceStrides[d]!;
      t += targetStrides[d]!;
      if (counter[d]! < shape[d]!) break;
      s -= sourceStrides[d]! * shape[d]!;
      t -= targetStrides[d]! * shape[d]!;
      counter[d] = 0;
    }
  }
}

export function transpose(x: TensorInfo, perm: readonly number[]): KernelOutput {
  const input = valuesOf(x);
  const inputStrides = stridesOf(x.shape);
  const shape = perm.map((axis) => x.shape[axis]!);
  const values = allocArray(x.dtype, input.length);
  // Output dim i walks input dim perm[i].
  copyBlock(input, 0, perm.map((axis) => inputStrides[axis]!), values, 0, stridesOf(shape), shape);
  return { shape, dtype: x.dtype, values };
}

export function slice(x: TensorInfo, begin: readonly number[], size: readonly number[]): KernelOutput {
  const input = valuesOf(x);
  const inputStrides = stridesOf(x.shape);
  const shape = [...size];
  let offset = 0;
  for (let d = 0; d < begin.length; d++) offset += begin[d]! * inputStrides[d]!;
  const values = allocArray(x.dtype, sizeOf(shape));
  copyBlock(input, offset, inputStrides, values, 0, stridesOf(shape), shape);
  return { shape, dtype: x.dtype, values };
}

export function pad(x: TensorInfo, paddings: readonly (readonly [number, number])[], value: number): KernelOutput {
  const input = valuesOf(x);
  const shape = x.shape.map((dim, d) => paddings[d]![0] + dim + paddings[d]![1]);
  const strides = stridesOf(shape);
  const values = allocArray(x.dtype, sizeOf(shape));
  values.fill(convertScalar(value, x.dtype));
  let offset = 0;
  for (let d = 0; d < shape.length; d++) offset += paddings[d]![0] * strides[d]!;
  copyBlock(input, 0, stridesOf(x.shape), values, offset, strides, x.shape);
  return { shape, dtype: x.dtype, values };
}

export function concat(xs: readonly TensorInfo[], axis: number): KernelOutput {
  const first = xs[0];
  if (first === undefined) throw new Error('cpu backend: concat of no tensors');
  const shape = [...first.shape];
  shape[axis] = xs.reduce((total, x) => total + x.shape[axis]!, 0);
  const outer = sizeOf(shape.slice(0, axis));
  const inner = sizeOf(shape.slice(axis + 1));
  const outputChunk = shape[axis]! * inner;
  const values = allocArray(first.dtype, sizeOf(shape));
  // Each input contributes a contiguous chunk to every outer row of the output.
  let axisOffset = 0;
  for (const x of xs) {
    const input = valuesOf(x);
    const chunk = x.shape[axis]! * inner;
    for (let o = 0; o < outer; o++) {
      values.set(input.subarray(o * chunk, (o + 1) * chunk), o * outputChunk + axisOffset * inner);
    }
    axisOffset += x.shape[axis]!;
  }
  return { shape, dtype: first.dtype, values };
}
