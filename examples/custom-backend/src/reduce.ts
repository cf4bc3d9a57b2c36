/** Reductions: reduce (sum prod max min any all over a set of axes) and argMax/argMin along one axis. */
import type { ArgReduceOp, DType, ReduceOp, Shape, TypedArray } from '@strata/core';
import { sizeOf, stridesOf, walk } from './layout.js';
import { allocate } from './storage.js';

/** What each reduction starts from, so that reducing nothing gives the contract's value. */
function identity(op: ReduceOp, dtype: DType): number {
  switch (op) {
    case 'sum': case 'any': return 0;
    case 'prod': case 'all': return 1;
    case 'max': return dtype === 'int32' ? -(2 ** 31) : -Infinity;
    case 'min': return dtype === 'int32' ? 2 ** 31 - 1 : Infinity;
  }
}

/** How one more element joins the running value. Math.max/min propagate NaN, as required. */
function combiner(op: ReduceOp, dtype: DType): (acc: number, v: number) => number {
  switch (op) {
    case 'sum': return (acc, v) => acc + v; // int32 sums are exact in float64; wrapped at the end
    case 'prod': return dtype === 'int32' ? Math.imul : (acc, v) => acc * v;
    case 'max': return Math.max;
    case 'min': return Math.min;
    case 'any': return (acc, v) => +(acc !== 0 || v !== 0);
    case 'all': return (acc, v) => +(acc !== 0 && v !== 0);
  }
}

export function reduce(op: ReduceOp, x: TypedArray, shape: Shape, dtype: DType, axes: readonly number[]): { values: TypedArray; shape: number[] } {
  const outShape = shape.filter((_, d) => !axes.includes(d));
  // Walking the input with the output's strides (0 on reduced axes) gives each element's target.
  const outStrides = stridesOf(outShape);
  let kept = 0;
  const strides = shape.map((_, d) => (axes.includes(d) ? 0 : outStrides[kept++]!));
  const target = walk(shape, strides);

  // Accumulate in float64 and round once at the end.
  const acc = new Float64Array(sizeOf(outShape)).fill(identity(op, dtype));
  const join = combiner(op, dtype);
  for (let i = 0; i < x.length; i++) acc[target[i]!] = join(acc[target[i]!]!, x[i]!);

  const out = allocate(dtype, acc.length);
  // Storing into an Int32Array wraps modulo 2^32, which is what int32 sums must do.
  out.set(acc);
  return { values: out, shape: outShape };
}

export function argReduce(op: ArgReduceOp, x: TypedArray, shape: Shape, axis: number): { values: Int32Array; shape: number[] } {
  const outer = sizeOf(shape.slice(0, axis));
  const length = shape[axis]!;
  const inner = sizeOf(shape.slice(axis + 1));
  const out = new Int32Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const at = (j: number): number => x[(o * length + j) * inner + i]!;
      let best = 0;
      // Ties keep the first index; the first NaN wins and ends the search.
      for (let j = 1; j < length && !Number.isNaN(at(best)); j++) {
        const v = at(j);
        if (Number.isNaN(v) || (op === 'argMax' ? v > at(best) : v < at(best))) best = j;
      }
      out[o * inner + i] = best;
    }
  }
  return { values: out, shape: shape.filter((_, d) => d !== axis) };
}
