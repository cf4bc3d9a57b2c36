/**
 * Softmax and log-softmax over the last axis. Both subtract the row maximum first, so exp never
 * overflows; sums are float64 and each output is rounded to float32 once.
 */
import type { Shape, TensorInfo } from '@strata/core';
import type { KernelOutput } from './storage.js';
import { typedValuesOf } from './storage.js';

/** Calls `visit` with the start of every last-axis row and the row length (1 for a scalar). */
function forEachRow(shape: Shape, size: number, visit: (start: number, length: number) => void): void {
  const length = shape.length === 0 ? 1 : shape[shape.length - 1]!;
  if (length === 0) return;
  for (let start = 0; start < size; start += length) visit(start, length);
}

/** The row maximum; NaN if the row has one (it then spreads to the whole row, as it should). */
function rowMax(input: Float32Array, start: number, length: number): number {
  let max = -Infinity;
  for (let i = start; i < start + length; i++) {
    const value = input[i]!;
    if (Number.isNaN(value)) return NaN;
    if (value > max) max = value;
  }
  return max;
}

export function softmax(x: TensorInfo): KernelOutput {
  const input = typedValuesOf(x, 'float32');
  const values = new Float32Array(input.length);
  const exps = new Float64Array(input.length);
  forEachRow(x.shape, input.length, (start, length) => {
    const max = rowMax(input, start, length);
    let sum = 0;
    for (let i = start; i < start + length; i++) {
      exps[i] = Math.exp(input[i]! - max);
      sum += exps[i]!;
    }
    for (let i = start; i < start + length; i++) values[i] = exps[i]! / sum;
  });
  return { shape: [...x.shape], dtype: 'float32', values };
}

export function logSoftmax(x: TensorInfo): KernelOutput {
  const input = typedValuesOf(x, 'float32');
  const values = new Float32Array(input.length);
  forEachRow(x.shape, input.length, (start, length) => {
    const max = rowMax(input, start, length);
    let sum = 0;
    for (let i = start; i < start + length; i++) sum += Math.exp(input[i]! - max);
    const logSum = Math.log(sum);
    for (let i = start; i < start + length; i++) values[i] = input[i]! - max - logSum;
  });
  return { shape: [...x.shape], dtype: 'float32', values };
}
