/**
 * Creating tensors: constants, ranges, identity, one-hot, casts and variables.
 */
import type { DType } from '../backend/contract.js';
import { engine } from '../engine/engine.js';
import type { Tensor, Variable } from '../tensor/tensor.js';
import { allocArray, shapeToString } from '../util/shape.js';
import { assertDType, fromTypedArray, toTensor, type TensorLike } from './convert.js';
import { equal } from './binary.js';
import { expandDims, reshape } from './reshape.js';
import { where } from './selection.js';

function checkShape(shape: readonly number[], op: string): void {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new Error(`${op}: shape ${Array.isArray(shape) ? shapeToString(shape) : String(shape)} must be a list of non-negative integers`);
  }
}

/** A tensor of `shape` filled with `value`. */
export function fill(shape: readonly number[], value: number | boolean, dtype: DType = typeof value === 'boolean' ? 'bool' : 'float32'): Tensor {
  checkShape(shape, 'fill');
  return engine().runKernel('fill', [], (b) => b.fill(shape, Number(value), dtype))[0]!;
}

/**
 * Zeros of `shape`.
 * @example
 * const z = st.zeros([2, 3]);
 * const counts = st.zeros([10], 'int32');
 */
export const zeros = (shape: readonly number[], dtype: DType = 'float32'): Tensor => fill(shape, 0, dtype);
/**
 * Ones of `shape`.
 * @example
 * const o = st.ones([2, 3]);
 */
export const ones = (shape: readonly number[], dtype: DType = 'float32'): Tensor => fill(shape, 1, dtype);
/** Zeros with x's shape and dtype. */
export const zerosLike = (x: TensorLike): Tensor => {
  const t = toTensor(x, 'x', 'zerosLike');
  return fill(t.shape, 0, t.dtype);
};
/** Ones with x's shape and dtype. */
export const onesLike = (x: TensorLike): Tensor => {
  const t = toTensor(x, 'x', 'onesLike');
  return fill(t.shape, 1, t.dtype);
};
/** @internal A scalar with `like`'s dtype (for constants inside gradients). */
export const scalarLike = (value: number, like: Tensor): Tensor => fill([], value, like.dtype);

/**
 * Converts dtype. float→int32 truncates toward zero; anything→bool is `x != 0`. The gradient
 * passes through float→float casts only.
  * @example
  * const i = st.cast(st.tensor([1.7, -1.7]), 'int32');  // [1, -1]: truncates toward zero
 */
export function cast(x: TensorLike, dtype: DType): Tensor {
  const t = toTensor(x, 'x', 'cast');
  if (dtype !== 'float32' && dtype !== 'int32' && dtype !== 'bool') {
    throw new Error(`cast: unknown dtype '${String(dtype)}' (use float32, int32 or bool)`);
  }
  if (t.dtype === dtype) return clone(t);
  return engine().runKernel('cast', [t], (b, [i]) => b.cast(i!, dtype), (dys, [xi]) => [
    xi!.dtype === 'float32' && dtype === 'float32' ? dys[0]! : null,
  ])[0]!;
}

/** A new handle to the same value (storage is shared; tensors are immutable). */
export function clone(x: TensorLike): Tensor {
  const t = toTensor(x, 'x', 'clone');
  return engine().shareStorage('clone', t, t.shape, (dys) => [dys[0]!]);
}

/**
 * `[start, start+step, ...)` below `stop`; one argument means `range(0, stop)`.
 * @example
 * st.range(0, 5);            // [0, 1, 2, 3, 4]
 * st.range(0, 1, 0.25);      // [0, 0.25, 0.5, 0.75]
 * st.range(3, undefined, 1, 'int32');  // [0, 1, 2]: one argument is the stop
 */
export function range(start: number, stop?: number, step = 1, dtype: DType = 'float32'): Tensor {
  if (stop === undefined) {
    stop = start;
    start = 0;
  }
  if (step === 0 || !Number.isFinite(step)) throw new Error(`range: step must be a finite non-zero number, got ${step}`);
  if (!Number.isFinite(start) || !Number.isFinite(stop)) throw new Error(`range: start ${start} and stop ${stop} must be finite`);
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const values = allocArray(dtype, n);
  for (let i = 0; i < n; i++) values[i] = start + i * step;
  return fromTypedArray(values, [n], dtype);
}

/** `num` evenly spaced float32 values from `start` to `stop` inclusive. */
export function linspace(start: number, stop: number, num: number): Tensor {
  if (!Number.isInteger(num) || num < 0) throw new Error(`linspace: num must be a non-negative integer, got ${num}`);
  const values = new Float32Array(num);
  const step = num > 1 ? (stop - start) / (num - 1) : 0;
  for (let i = 0; i < num; i++) values[i] = i === num - 1 && num > 1 ? stop : start + i * step;
  return fromTypedArray(values, [num], 'float32');
}

/** An identity matrix `[rows, columns]` (columns default to rows). */
export function eye(rows: number, columns = rows, dtype: DType = 'float32'): Tensor {
  checkShape([rows, columns], 'eye');
  const values = allocArray(dtype, rows * columns);
  for (let i = 0; i < Math.min(rows, columns); i++) values[i * columns + i] = 1;
  return fromTypedArray(values, [rows, columns], dtype);
}

/**
 * One-hot encoding of int32 `indices` along a new last axis of size `depth`. Indices outside
 * `[0, depth)` give a row of `offValue`.
  * @example
  * const y = st.oneHot(st.tensor([0, 2], [2], 'int32'), 3);  // [[1, 0, 0], [0, 0, 1]]
 */
export function oneHot(indices: TensorLike, depth: number, onValue = 1, offValue = 0, dtype: DType = 'float32'): Tensor {
  const t = toTensor(indices, 'indices', 'oneHot', 'int32');
  assertDType(t, ['int32'], 'indices', 'oneHot');
  if (!Number.isInteger(depth) || depth < 1) throw new Error(`oneHot: depth must be a positive integer, got ${depth} (indices ${t.describe()})`);
  return engine().tidy(() => {
    const hot = equal(expandDims(t, -1), reshape(range(0, depth, 1, 'int32'), [...t.shape.map(() => 1), depth]));
    return where(hot, fill([], onValue, dtype), fill([], offValue, dtype));
  });
}

/**
 * A trainable variable initialised with a copy of `initial`'s value.
 * @example
 * const w = st.variable(st.zeros([3]), true, 'w');
 * w.assign(st.ones([3]));   // variables change in place; tidy never frees them
 */
export function variable(initial: TensorLike, trainable = true, name?: string, dtype?: DType): Variable {
  const t = toTensor(initial, 'initial', 'variable');
  return engine().tidy(() => engine().makeVariable(dtype && dtype !== t.dtype ? cast(t, dtype) : t, name, trainable));
}

