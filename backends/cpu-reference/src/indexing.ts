/** Indexing: gather and its adjoint scatterAdd. */
import type { TensorInfo } from '@strata/core';
import { allocArray, sizeOf } from '@strata/core';
import type { KernelOutput } from './storage.js';
import { typedValuesOf, valuesOf } from './storage.js';

/**
 * Output `[outer, indices, inner]` (flattened views of `x.shape[:axis]`, `indices.shape` and
 * `x.shape[axis+1:]`) takes row `indices[j]` of x's `[outer, axisLength, inner]` view.
 * Indices outside `[0, axisLength)` (negative ones included) leave zeros.
 */
export function gather(x: TensorInfo, indices: TensorInfo, axis: number): KernelOutput {
  const input = valuesOf(x);
  const indexValues = typedValuesOf(indices, 'int32');
  const axisLength = x.shape[axis]!;
  const outer = sizeOf(x.shape.slice(0, axis));
  const inner = sizeOf(x.shape.slice(axis + 1));
  const shape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
  const values = allocArray(x.dtype, sizeOf(shape));
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < indexValues.length; j++) {
      const index = indexValues[j]!;
      if (index < 0 || index >= axisLength) continue;
      const from = (o * axisLength + index) * inner;
      values.set(input.subarray(from, from + inner), (o * indexValues.length + j) * inner);
    }
  }
  return { shape, dtype: x.dtype, values };
}

/**
 * Adds row j of updates' `[outer, indices, inner]` view into row `indices[j]` of a zero
 * `[outer, size, inner]` result; indices outside `[0, size)` are skipped.
 */
export function scatterAdd(updates: TensorInfo, indices: TensorInfo, axis: number, size: number): KernelOutput {
  const updateValues = valuesOf(updates);
  const indexValues = typedValuesOf(indices, 'int32');
  const indexRank = indices.shape.length;
  const outer = sizeOf(updates.shape.slice(0, axis));
  const inner = sizeOf(updates.shape.slice(axis + indexRank));
  const shape = [...updates.shape.slice(0, axis), size, ...updates.shape.slice(axis + indexRank)];
  const isInt = updates.dtype === 'int32';
  // Float sums accumulate in float64 and round once; int32 sums wrap at each step.
  const sums = new Float64Array(sizeOf(shape));
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < indexValues.length; j++) {
      const index = indexValues[j]!;
      if (index < 0 || index >= size) continue;
      const from = (o * indexValues.length + j) * inner;
      const to = (o * size + index) * inner;
      for (let i = 0; i < inner; i++) {
        const sum = sums[to + i]! + updateValues[from + i]!;
        sums[to + i] = isInt ? sum | 0 : sum;
      }
    }
  }
  const values = allocArray(updates.dtype, sums.length);
  values.set(sums);
  return { shape, dtype: updates.dtype, values };
}
