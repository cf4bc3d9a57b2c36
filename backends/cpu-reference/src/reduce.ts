/** Reductions: reduce (sum prod max min any all) and argReduce (argMax argMin). */
import type { ArgReduceOp, DType, ReduceOp, TensorInfo } from '@strata/core';
import { allocArray, broadcastIndexMap, sizeOf } from '@strata/core';
import type { KernelOutput } from './storage.js';
import { valuesOf } from './storage.js';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** The value of each reduction over an empty set, per input dtype. */
function identity(op: ReduceOp, dtype: DType): number {
  switch (op) {
    case 'sum': return 0;
    case 'prod': return 1;
    case 'max': return dtype === 'int32' ? INT32_MIN : -Infinity;
    case 'min': return dtype === 'int32' ? INT32_MAX : Infinity;
    case 'any': return 0;
    case 'all': return 1;
  }
}

/** How one more element joins an accumulator. max/min let NaN in and keep it. */
function combiner(op: ReduceOp, dtype: DType): (acc: number, x: number) => number {
  const isInt = dtype === 'int32';
  switch (op) {
    // int32 sums wrap at every step, like the elementwise add.
    case 'sum': return isInt ? (acc, x) => (acc + x) | 0 : (acc, x) => acc + x;
    case 'prod': return isInt ? Math.imul : (acc, x) => acc * x;
    case 'max': return (acc, x) => (x > acc || Number.isNaN(x) ? x : acc);
    case 'min': return (acc, x) => (x < acc || Number.isNaN(x) ? x : acc);
    case 'any': return (acc, x) => (acc !== 0 || x !== 0 ? 1 : 0);
    case 'all': return (acc, x) => (acc !== 0 && x !== 0 ? 1 : 0);
  }
}

export function reduce(op: ReduceOp, x: TensorInfo, axes: readonly number[]): KernelOutput {
  const input = valuesOf(x);
  const reduced = new Set(axes);
  const keptShape = x.shape.filter((_, axis) => !reduced.has(axis));
  // The shape with reduced axes kept as 1 broadcasts to x's shape, so its index map sends each
  // input element to the output element it folds into.
  const keepDimsShape = x.shape.map((dim, axis) => (reduced.has(axis) ? 1 : dim));
  const outputIndex = broadcastIndexMap(keepDimsShape, x.shape);

  // Float64 accumulators, so a float32 result is rounded once at the end.
  const accumulators = new Float64Array(sizeOf(keptShape)).fill(identity(op, x.dtype));
  const combine = combiner(op, x.dtype);
  for (let i = 0; i < input.length; i++) {
    const o = outputIndex[i]!;
    accumulators[o] = combine(accumulators[o]!, input[i]!);
  }
  const values = allocArray(x.dtype, accumulators.length);
  values.set(accumulators);
  return { shape: keptShape, dtype: x.dtype, values };
}

export function argReduce(op: ArgReduceOp, x: TensorInfo, axis: number): KernelOutput {
  const input = valuesOf(x);
  const outer = sizeOf(x.shape.slice(0, axis));
  const length = x.shape[axis]!;
  const inner = sizeOf(x.shape.slice(axis + 1));
  const isBetter = op === 'argMax' ? (a: number, b: number) => a > b : (a: number, b: number) => a < b;
  const values = new Int32Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * length * inner + i;
      let best = 0;
      let bestValue = input[base]!;
      // Ties keep the first index; the first NaN is the extreme and ends the scan.
      for (let k = 1; k < length && !Number.isNaN(bestValue); k++) {
        const value = input[base + k * inner]!;
        if (Number.isNaN(value) || isBetter(value, bestValue)) {
          best = k;
          bestValue = value;
        }
      }
      values[o * inner + i] = best;
    }
  }
  return { shape: [...x.shape.slice(0, axis), ...x.shape.slice(axis + 1)], dtype: 'int32', values };
}
