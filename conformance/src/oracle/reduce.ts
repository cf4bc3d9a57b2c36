/** Oracle reductions. Sums also report Σ|x| per output, which scales the accumulation tolerance. */
import type { ArgReduceOp, ReduceOp } from '../contract.js';
import { make, numel, unravel } from './tensor.js';
import type { OTensor } from './tensor.js';

/** An oracle result plus, per output element, the Σ|term| its accumulation tolerance scales with. */
export interface Accumulated {
  readonly value: OTensor;
  /** Σ|term| for each output element: the size of the rounding error a float32 sum can make. */
  readonly magnitude: Float64Array;
  /** Number of terms summed into each output element. */
  readonly terms: number;
}

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

function identity(op: ReduceOp, dtype: OTensor['dtype']): number {
  switch (op) {
    case 'sum': return 0;
    case 'prod': return 1;
    case 'max': return dtype === 'int32' ? INT_MIN : -Infinity;
    case 'min': return dtype === 'int32' ? INT_MAX : Infinity;
    case 'any': return 0;
    case 'all': return 1;
  }
}

function combine(op: ReduceOp, acc: number, v: number): number {
  switch (op) {
    case 'sum': return acc + v;
    case 'prod': return acc * v;
    case 'max': return Number.isNaN(acc) || Number.isNaN(v) ? NaN : v > acc ? v : acc;
    case 'min': return Number.isNaN(acc) || Number.isNaN(v) ? NaN : v < acc ? v : acc;
    case 'any': return acc !== 0 || v !== 0 ? 1 : 0;
    case 'all': return acc !== 0 && v !== 0 ? 1 : 0;
  }
}

/** Reduces over `axes` (removed from the shape); sums also report Σ|x| per output. */
export function reduce(op: ReduceOp, x: OTensor, axes: readonly number[]): Accumulated {
  const keep = x.shape.map((_, i) => !axes.includes(i));
  const outShape = x.shape.filter((_, i) => keep[i]);
  const n = numel(outShape);
  const acc = new Float64Array(n).fill(identity(op, x.dtype));
  const mag = new Float64Array(n);
  const size = numel(x.shape);
  const idx = new Array<number>(x.shape.length).fill(0);
  for (let flat = 0; flat < size; flat++) {
    let o = 0;
    for (let i = 0; i < idx.length; i++) if (keep[i]) o = o * x.shape[i]! + idx[i]!;
    const v = x.data[flat]!;
    acc[o] = combine(op, acc[o]!, v);
    mag[o]! += Math.abs(v);
    for (let d = idx.length - 1; d >= 0; d--) {
      if (++idx[d]! < x.shape[d]!) break;
      idx[d] = 0;
    }
  }
  // int32 arithmetic wraps. A float64 sum of int32s is exact (< 2^53) before wrapping; a product
  // is not, so it is redone in BigInt.
  if (x.dtype === 'int32' && op === 'sum') {
    for (let o = 0; o < n; o++) acc[o] = Number(BigInt.asIntN(32, BigInt(acc[o]!)));
  }
  if (x.dtype === 'int32' && op === 'prod') exactIntProd(x, keep, outShape, acc);
  const terms = axes.reduce((p, a) => p * x.shape[a]!, 1);
  return { value: make(outShape, x.dtype, acc), magnitude: mag, terms };
}

function exactIntProd(x: OTensor, keep: boolean[], outShape: number[], out: Float64Array): void {
  const acc = new Array<bigint>(numel(outShape)).fill(1n);
  for (let flat = 0; flat < x.data.length; flat++) {
    const idx = unravel(flat, x.shape);
    let o = 0;
    for (let i = 0; i < idx.length; i++) if (keep[i]) o = o * x.shape[i]! + idx[i]!;
    acc[o] = BigInt.asIntN(32, acc[o]! * BigInt(x.data[flat]!));
  }
  acc.forEach((v, i) => { out[i] = Number(v); });
}

/** Index of the first largest/smallest element along `axis` (NaN counts as the extreme). */
export function argReduce(op: ArgReduceOp, x: OTensor, axis: number): OTensor {
  const outer = numel(x.shape.slice(0, axis));
  const len = x.shape[axis]!;
  const inner = numel(x.shape.slice(axis + 1));
  const out = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best = 0;
      let bestVal = x.data[o * len * inner + i]!;
      for (let j = 1; j < len && !Number.isNaN(bestVal); j++) {
        const v = x.data[(o * len + j) * inner + i]!;
        const better = Number.isNaN(v) || (op === 'argMax' ? v > bestVal : v < bestVal);
        if (better) { best = j; bestVal = v; }
      }
      out[o * inner + i] = best;
    }
  }
  return make(x.shape.filter((_, i) => i !== axis), 'int32', out);
}
