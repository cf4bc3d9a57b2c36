/**
 * Reductions (sum, mean, max, ... over axes), arg-reductions, cumulative sums and statistics.
 */
import { REDUCE_OPS, type ArgReduceOp, type ReduceOp } from '../backend/contract.js';
import { engine } from '../engine/engine.js';
import type { Tensor } from '../tensor/tensor.js';
import { shapeToString } from '../util/shape.js';
import { assertDType, normalizeAxes, normalizeAxis, toTensor, type TensorLike } from './convert.js';
import { add, div, equal, mul, sub } from './binary.js';
import { cast, range, scalarLike } from './creation.js';
import { where } from './selection.js';
import { reshape } from './reshape.js';
import { exp, log, square } from './unary.js';
import { broadcastTo, gather, pad, slice } from './movement.js';

/** The shape `x` has after reducing `axes` with keepDims. */
function keptShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

function reduce(op: ReduceOp, x: TensorLike, axis: number | readonly number[] | undefined, keepDims: boolean, gradient?: (dy: Tensor, x: Tensor, y: Tensor) => Tensor): Tensor {
  const t = toTensor(x, 'x', op);
  const axes = normalizeAxes(axis, t.rank, op);
  return engine().tidy(() => {
    let input = t;
    if (!REDUCE_OPS[op].inputs.includes(t.dtype)) {
      // Summing booleans counts them, as in NumPy; logical reductions need bool input.
      if (t.dtype === 'bool') input = cast(t, 'int32');
      else assertDType(t, REDUCE_OPS[op].inputs, 'x', op);
    }
    const kept = keptShape(input.shape, axes);
    const grad = gradient && ((dys: readonly Tensor[], [xi]: readonly Tensor[], [yi]: readonly Tensor[]) => [
      gradient(broadcastTo(reshape(dys[0]!, kept), xi!.shape), xi!, broadcastTo(reshape(yi!, kept), xi!.shape)),
    ]);
    const y = engine().runKernel(op, [input], (b, [i]) => b.reduce(op, i!, axes), grad)[0]!;
    return keepDims ? reshape(y, kept) : y;
  });
}

/**
 * Sum over `axis` (default: all axes). Booleans are counted.
 * @example
 * const x = st.tensor([[1, 2, 3], [4, 5, 6]]);
 * st.sum(x);              // 21
 * st.sum(x, 1);           // [6, 15]
 * st.sum(x, 0, true);     // [[5, 7, 9]]
 */
export const sum = (x: TensorLike, axis?: number | readonly number[], keepDims = false): Tensor =>
  reduce('sum', x, axis, keepDims, (dy) => dy);
/** Product over `axis`. */
export const prod = (x: TensorLike, axis?: number | readonly number[], keepDims = false): Tensor =>
  reduce('prod', x, axis, keepDims, (dy, x, y) => div(mul(dy, y), x));
/** Largest value over `axis` (NaN propagates); ties share the gradient. */
export const max = (x: TensorLike, axis?: number | readonly number[], keepDims = false): Tensor =>
  reduce('max', x, axis, keepDims, (dy, x, y) => mul(dy, cast(equal(x, y), dy.dtype)));
/** Smallest value over `axis` (NaN propagates); ties share the gradient. */
export const min = (x: TensorLike, axis?: number | readonly number[], keepDims = false): Tensor =>
  reduce('min', x, axis, keepDims, (dy, x, y) => mul(dy, cast(equal(x, y), dy.dtype)));
/** Whether any element over `axis` is true. */
export const any = (x: TensorLike, axis?: number | readonly number[], keepDims = false): Tensor => reduce('any', x, axis, keepDims);
/** Whether every element over `axis` is true. */
export const all = (x: TensorLike, axis?: number | readonly number[], keepDims = false): Tensor => reduce('all', x, axis, keepDims);

/**
 * Mean over `axis` (default: all axes); int32 input gives float32.
 * @example
 * const m = st.mean(st.tensor([[1, 2], [3, 4]]), -1);  // [1.5, 3.5]
 */
export function mean(x: TensorLike, axis?: number | readonly number[], keepDims = false): Tensor {
  const t = toTensor(x, 'x', 'mean');
  const axes = normalizeAxes(axis, t.rank, 'mean');
  const count = axes.reduce((n, a) => n * t.shape[a]!, 1);
  return engine().tidy(() => div(sum(t.dtype === 'float32' ? t : cast(t, 'float32'), axes, keepDims), count));
}

function argReduce(op: ArgReduceOp, x: TensorLike, axis: number): Tensor {
  const t = toTensor(x, 'x', op);
  assertDType(t, ['float32', 'int32'], 'x', op);
  if (t.rank === 0) throw new Error(`${op}: x must have at least one dimension, got a scalar`);
  const a = normalizeAxis(axis, t.rank, op);
  if (t.shape[a] === 0) throw new Error(`${op}: axis ${a} of x ${shapeToString(t.shape)} is empty`);
  return engine().runKernel(op, [t], (b, [i]) => b.argReduce(op, i!, a))[0]!;
}

/**
 * Index (int32) of the largest value along `axis` (default 0); first one on ties.
 * @example
 * const classes = st.argMax(st.tensor([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2]]), -1);  // int32 [1, 0]
 */
export const argMax = (x: TensorLike, axis = 0): Tensor => argReduce('argMax', x, axis);
/** Index (int32) of the smallest value along `axis` (default 0); first one on ties. */
export const argMin = (x: TensorLike, axis = 0): Tensor => argReduce('argMin', x, axis);

/** `log(sum(exp(x)))` over `axis`, computed stably by subtracting the max first. */
export function logSumExp(x: TensorLike, axis?: number | readonly number[], keepDims = false): Tensor {
  const t = toTensor(x, 'x', 'logSumExp');
  const axes = normalizeAxes(axis, t.rank, 'logSumExp');
  return engine().tidy(() => {
    // The shift is a constant for differentiation (its gradient terms cancel exactly); a row that
    // is all ±Infinity or NaN is shifted by 0 so its result keeps IEEE semantics.
    const shift = engine().withoutTapes(() => {
      const m = max(t, axes, true);
      return where(equal(sub(m, m), scalarLike(0, m)), m, scalarLike(0, m));
    });
    const y = add(log(sum(exp(sub(t, shift)), axes, true)), shift);
    return keepDims ? y : reshape(y, t.shape.filter((_, i) => !axes.includes(i)));
  });
}

/**
 * Mean and variance over `axis` (population variance, as Keras).
 * @example
 * const { mean, variance } = st.moments(st.randomNormal([64, 8]), 0);  // per-feature statistics, each [8]
 */
export function moments(x: TensorLike, axis?: number | readonly number[], keepDims = false): {
  /** The mean over `axis`. */
  mean: Tensor;
  /** The (biased) variance over `axis`. */
  variance: Tensor;
} {
  const t = toTensor(x, 'x', 'moments');
  const axes = normalizeAxes(axis, t.rank, 'moments');
  return engine().tidy(() => {
    const m = mean(t, axes, true);
    const v = mean(square(sub(t, m)), axes, keepDims);
    return { mean: keepDims ? m : reshape(m, t.shape.filter((_, i) => !axes.includes(i))), variance: v };
  });
}

/** Population variance over `axis`. */
export const variance = (x: TensorLike, axis?: number | readonly number[], keepDims = false): Tensor =>
  engine().tidy(() => moments(x, axis, keepDims).variance);

/**
 * Cumulative sum along `axis`. `exclusive` leaves out the current element; `reverse` sums from
 * the end. Built from log₂(n) shifted additions, so every backend runs it and it differentiates.
 */
export function cumsum(x: TensorLike, axis = 0, exclusive = false, reverse = false): Tensor {
  const t = toTensor(x, 'x', 'cumsum');
  assertDType(t, ['float32', 'int32'], 'x', 'cumsum');
  if (t.rank === 0) throw new Error('cumsum: x must have at least one dimension, got a scalar');
  const a = normalizeAxis(axis, t.rank, 'cumsum');
  const n = t.shape[a]!;
  return engine().tidy(() => {
    const flip = (v: Tensor): Tensor => gather(v, range(n - 1, -1, -1, 'int32'), a);
    let acc = reverse ? flip(t) : t;
    const shifted = (v: Tensor, by: number): Tensor => {
      const paddings = v.shape.map((_, i): [number, number] => (i === a ? [by, 0] : [0, 0]));
      const size = v.shape.map((d, i) => (i === a ? n : d));
      return slice(pad(v, paddings, 0), v.shape.map(() => 0), size);
    };
    if (exclusive && n > 0) acc = shifted(acc, 1);
    for (let step = 1; step < n; step *= 2) acc = add(acc, shifted(acc, step));
    return reverse ? flip(acc) : acc;
  });
}

/**
 * Sums a broadcast gradient back down to `shape` (the adjoint of broadcasting).
 * @internal
 */
export function sumToShape(x: Tensor, shape: readonly number[]): Tensor {
  if (x.shape.length === shape.length && x.shape.every((d, i) => d === shape[i])) return x;
  const lead = x.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < x.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && x.shape[i] !== 1)) axes.push(i);
  }
  return reshape(sum(x, axes), shape);
}
