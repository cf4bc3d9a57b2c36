/**
 * Elementwise kernels: fill, cast, unary, binary and where. The arithmetic runs in wasm
 * (csrc/elementwise.c, csrc/vmath.h); the rarely hot transcendental ops (sin, cos, log1p, expm1,
 * pow, atan2) run as JS loops over the heap views with the float64 `Math` functions, which are
 * correctly rounded enough and need no approximation code of their own.
 */
import type { BinaryOp, DType, Shape, TensorInfo, UnaryOp } from '@strata/core';
import { sizeOf } from '@strata/core';
import { broadcastAll, collapseBroadcast } from './layout.js';
import type { Runtime } from './runtime.js';
import { DTYPE_CODE } from './runtime.js';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** Unary op codes of csrc/elementwise.c (float32; the int32 ops share their codes). */
const UNARY_CODE: Partial<Readonly<Record<UnaryOp, number>>> = {
  neg: 0, abs: 1, sign: 2, exp: 3, log: 4, sqrt: 5, rsqrt: 6, square: 7, reciprocal: 8, tanh: 9,
  sigmoid: 10, relu: 11, erf: 12, floor: 13, ceil: 14, round: 15,
};

const INT_UNARY: ReadonlySet<UnaryOp> = new Set(['neg', 'abs', 'sign', 'square', 'relu']);

/** Float32 unary ops computed in JS with float64 Math, rounded once on store. */
const JS_UNARY: Partial<Readonly<Record<UnaryOp, (x: number) => number>>> = {
  sin: Math.sin, cos: Math.cos, log1p: Math.log1p, expm1: Math.expm1,
};

/** Binary op codes of csrc/elementwise.c. */
const BINARY_CODE: Partial<Readonly<Record<BinaryOp, number>>> = {
  add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5, mod: 6, floorDiv: 7, equal: 8, notEqual: 9,
  less: 10, lessEqual: 11, greater: 12, greaterEqual: 13, and: 14, or: 15,
};

/** pow as C and NumPy define it: 1^y = 1 and (-1)^±Inf = 1, where JavaScript's `**` gives NaN. */
function pow(a: number, b: number): number {
  if (a === 1) return 1;
  if (a === -1 && (b === Infinity || b === -Infinity)) return 1;
  return Math.pow(a, b);
}

const JS_BINARY: Partial<Readonly<Record<BinaryOp, (a: number, b: number) => number>>> = { pow, atan2: Math.atan2 };

const COMPARISONS: ReadonlySet<BinaryOp> = new Set(['equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual', 'and', 'or']);

/** float → int32 as `cast` defines it: truncate, NaN → 0, saturate. */
function floatToInt32(x: number): number {
  if (Number.isNaN(x)) return 0;
  if (x >= INT32_MAX) return INT32_MAX;
  if (x <= INT32_MIN) return INT32_MIN;
  return Math.trunc(x);
}

/** The 32 bits (or the byte) `dtype` stores for `value`. */
export function storedBits(value: number, dtype: DType): number {
  if (dtype === 'bool') return value !== 0 ? 1 : 0; // NaN !== 0: true
  if (dtype === 'int32') return floatToInt32(value);
  const scratch = new Float32Array([value]);
  return new Int32Array(scratch.buffer)[0]!;
}

/** Fills `size` elements at `ptr` with `value` converted to `dtype`. */
export function fillAt(rt: Runtime, ptr: number, size: number, value: number, dtype: DType): void {
  if (dtype === 'bool') rt.wasm.st_fill8(ptr, size, storedBits(value, dtype));
  else rt.wasm.st_fill32(ptr, size, storedBits(value, dtype));
}

export function fill(rt: Runtime, shape: Shape, value: number, dtype: DType): TensorInfo {
  const out = rt.output('fill', shape, dtype);
  fillAt(rt, out.storage.ptr, sizeOf(shape), value, dtype);
  return out;
}

export function cast(rt: Runtime, x: TensorInfo, dtype: DType): TensorInfo {
  const xp = rt.ptr(x);
  const out = rt.output('cast', x.shape, dtype);
  rt.wasm.st_cast(xp, out.storage.ptr, sizeOf(x.shape), DTYPE_CODE[x.dtype], DTYPE_CODE[dtype]);
  return out;
}

/** Applies a float32 unary op from `src` to `dst` (same length; may be the same pointer). */
export function unaryAt(rt: Runtime, op: UnaryOp, src: number, dst: number, n: number): void {
  const code = UNARY_CODE[op];
  if (code !== undefined) {
    rt.wasm.st_unary_f32(code, src, dst, n);
    rt.checkThreads(`unary.${op}`, []); // large calls run threaded; callers free their outputs
    return;
  }
  const fn = JS_UNARY[op];
  if (fn === undefined) throw new Error(`wasm-simd backend: unary '${op}' does not take float32`);
  const f = rt.heap.f32;
  const s = src >>> 2;
  const d = dst >>> 2;
  for (let i = 0; i < n; i++) f[d + i] = fn(f[s + i]!);
}

export function unary(rt: Runtime, op: UnaryOp, x: TensorInfo): TensorInfo {
  const xp = rt.ptr(x);
  const n = sizeOf(x.shape);
  if (op === 'not') {
    const out = rt.output('unary.not', x.shape, 'bool');
    rt.wasm.st_not(xp, out.storage.ptr, n);
    return out;
  }
  if (op === 'isNaN') {
    const out = rt.output('unary.isNaN', x.shape, 'bool');
    rt.wasm.st_isnan(xp, out.storage.ptr, n);
    return out;
  }
  if (x.dtype === 'int32') {
    if (!INT_UNARY.has(op)) throw new Error(`wasm-simd backend: unary '${op}' does not take int32`);
    const out = rt.output(`unary.${op}`, x.shape, 'int32');
    rt.wasm.st_unary_i32(UNARY_CODE[op]!, xp, out.storage.ptr, n);
    return out;
  }
  if (x.dtype !== 'float32') throw new Error(`wasm-simd backend: unary '${op}' does not take ${x.dtype}`);
  const out = rt.output(`unary.${op}`, x.shape, 'float32');
  try {
    unaryAt(rt, op, xp, out.storage.ptr, n);
  } catch (err) {
    rt.fail([out], err);
  }
  return out;
}

/** A JS loop over a collapsed broadcast (for pow and atan2, float32 only). */
function jsBinary(rt: Runtime, fn: (a: number, b: number) => number, ap: number, bp: number, op: number,
  shape: readonly number[], as: readonly number[], bs: readonly number[]): void {
  const f = rt.heap.f32;
  const rank = shape.length;
  const inner = shape[rank - 1]!;
  const sa = as[rank - 1]!;
  const sb = bs[rank - 1]!;
  const rows = sizeOf(shape) / inner;
  const counter = new Array<number>(rank).fill(0);
  let ia = ap >>> 2;
  let ib = bp >>> 2;
  let io = op >>> 2;
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < inner; i++) f[io + i] = fn(f[ia + i * sa]!, f[ib + i * sb]!);
    io += inner;
    for (let d = rank - 2; d >= 0; d--) {
      counter[d]!++;
      ia += as[d]!;
      ib += bs[d]!;
      if (counter[d]! < shape[d]!) break;
      ia -= as[d]! * shape[d]!;
      ib -= bs[d]! * shape[d]!;
      counter[d] = 0;
    }
  }
}

/** a op b, broadcast, from pointers into `out` (already allocated with the broadcast shape). */
export function binaryAt(rt: Runtime, op: BinaryOp, dtype: DType, a: TensorInfo, ap: number, b: TensorInfo, bp: number,
  outShape: readonly number[], outPtr: number): void {
  if (sizeOf(outShape) === 0) return;
  const { shape, strides } = collapseBroadcast(outShape, [a.shape, b.shape]);
  const jsFn = JS_BINARY[op];
  if (jsFn !== undefined) {
    if (dtype !== 'float32') throw new Error(`wasm-simd backend: binary '${op}' does not take ${dtype}`);
    jsBinary(rt, jsFn, ap, bp, outPtr, shape, strides[0]!, strides[1]!);
    return;
  }
  rt.heap.setArgs([...shape, ...strides[0]!, ...strides[1]!]);
  const status = rt.wasm.st_binary(BINARY_CODE[op]!, DTYPE_CODE[dtype], ap, bp, outPtr, shape.length);
  if (status !== 0) throw new Error(`wasm-simd backend: binary '${op}' does not take ${dtype}`);
  rt.checkThreads(`binary.${op}`, []); // large calls run threaded; callers free their outputs
}

export function binary(rt: Runtime, op: BinaryOp, a: TensorInfo, b: TensorInfo): TensorInfo {
  const ap = rt.ptr(a);
  const bp = rt.ptr(b, a.dtype);
  const shape = broadcastAll([a.shape, b.shape]);
  const out = rt.output(`binary.${op}`, shape, COMPARISONS.has(op) ? 'bool' : a.dtype);
  try {
    binaryAt(rt, op, a.dtype, a, ap, b, bp, shape, out.storage.ptr);
  } catch (err) {
    rt.fail([out], err);
  }
  return out;
}

export function where(rt: Runtime, cond: TensorInfo, a: TensorInfo, b: TensorInfo): TensorInfo {
  const cp = rt.ptr(cond, 'bool');
  const ap = rt.ptr(a);
  const bp = rt.ptr(b, a.dtype);
  const outShape = broadcastAll([cond.shape, a.shape, b.shape]);
  const out = rt.output('where', outShape, a.dtype);
  if (sizeOf(outShape) === 0) return out;
  const { shape, strides } = collapseBroadcast(outShape, [cond.shape, a.shape, b.shape]);
  rt.heap.setArgs([...shape, ...strides[0]!, ...strides[1]!, ...strides[2]!]);
  rt.wasm.st_where(a.dtype === 'bool' ? 1 : 4, cp, ap, bp, out.storage.ptr, shape.length);
  return out;
}
