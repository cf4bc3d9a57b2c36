/**
 * Elementwise kernels: fill, cast, unary, binary and where.
 *
 * Values are computed in float64 and stored into the output typed array, which rounds float32
 * once and wraps int32 modulo 2^32 (the typed array's own conversion). Only int32 products need
 * `Math.imul`, because a float64 product of two int32 values can lose its low bits.
 */
import type { BinaryOp, DType, Shape, TensorInfo, TypedArray, UnaryOp } from '@strata/core';
import { allocArray, broadcastIndexMap, broadcastShapes, shapeToString, sizeOf } from '@strata/core';
import { erf } from './erf.js';
import type { KernelOutput } from './storage.js';
import { typedValuesOf, valuesOf } from './storage.js';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

type ScalarFn = (x: number) => number;
type PairFn = (a: number, b: number) => number;

/** float → int32: truncate toward zero, NaN → 0, saturate out-of-range values (±Inf included). */
export function floatToInt32(x: number): number {
  if (Number.isNaN(x)) return 0;
  if (x >= INT32_MAX) return INT32_MAX;
  if (x <= INT32_MIN) return INT32_MIN;
  return Math.trunc(x);
}

/** Converts one number to what `dtype` stores for it (the rules of `cast`). */
export function convertScalar(value: number, dtype: DType): number {
  switch (dtype) {
    case 'float32': return value;
    case 'int32': return floatToInt32(value);
    case 'bool': return value !== 0 ? 1 : 0; // NaN !== 0, so NaN → true
  }
}

export function fill(shape: Shape, value: number, dtype: DType): KernelOutput {
  const values = allocArray(dtype, sizeOf(shape));
  values.fill(convertScalar(value, dtype));
  return { shape: [...shape], dtype, values };
}

export function cast(x: TensorInfo, dtype: DType): KernelOutput {
  const input = valuesOf(x);
  const values = allocArray(dtype, input.length);
  if (x.dtype === 'float32' && dtype === 'int32') {
    for (let i = 0; i < input.length; i++) values[i] = floatToInt32(input[i]!);
  } else if (dtype === 'bool') {
    for (let i = 0; i < input.length; i++) values[i] = input[i] !== 0 ? 1 : 0;
  } else {
    // int32/bool → float32 is exact; bool → int32 and same-dtype casts are plain copies.
    values.set(input);
  }
  return { shape: [...x.shape], dtype, values };
}

/** Rounds half to even (NumPy's `round`); Math.round rounds halves toward +Infinity. */
function roundHalfToEven(x: number): number {
  const rounded = Math.round(x);
  // A tie went up to an odd integer: the even neighbour is one below.
  if (rounded - x === 0.5 && rounded % 2 !== 0) return rounded - 1;
  return rounded;
}

/** sigmoid without overflow: exp is only ever taken of a non-positive number. */
function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** sign with sign(NaN) = NaN and sign(±0) = +0. */
function sign(x: number): number {
  if (x > 0) return 1;
  if (x < 0) return -1;
  return x === 0 ? 0 : NaN;
}

const FLOAT_UNARY: Readonly<Record<UnaryOp, ScalarFn>> = {
  neg: (x) => -x,
  abs: Math.abs,
  sign,
  exp: Math.exp,
  log: Math.log,
  log1p: Math.log1p,
  expm1: Math.expm1,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  square: (x) => x * x,
  reciprocal: (x) => 1 / x,
  sin: Math.sin,
  cos: Math.cos,
  tanh: Math.tanh,
  sigmoid,
  relu: (x) => (x > 0 || Number.isNaN(x) ? x : 0),
  erf,
  floor: Math.floor,
  ceil: Math.ceil,
  round: roundHalfToEven,
  not: (x) => (x === 0 ? 1 : 0),
  isNaN: (x) => (Number.isNaN(x) ? 1 : 0),
};

/** The int32 versions of the NUMERIC unary ops; results wrap when stored (e.g. neg(-2^31)). */
const INT_UNARY: Partial<Readonly<Record<UnaryOp, ScalarFn>>> = {
  neg: (x) => -x,
  abs: Math.abs,
  sign,
  square: (x) => Math.imul(x, x),
  relu: (x) => (x > 0 ? x : 0),
};

/** The dtype a unary op returns for an input of `dtype`. */
function unaryOutputDType(op: UnaryOp, dtype: DType): DType {
  return op === 'isNaN' ? 'bool' : dtype;
}

export function unary(op: UnaryOp, x: TensorInfo): KernelOutput {
  const input = valuesOf(x);
  const fn = x.dtype === 'int32' ? INT_UNARY[op] : FLOAT_UNARY[op];
  if (fn === undefined) throw new Error(`cpu backend: unary '${op}' does not take ${x.dtype}`);
  const dtype = unaryOutputDType(op, x.dtype);
  const values = allocArray(dtype, input.length);
  for (let i = 0; i < input.length; i++) values[i] = fn(input[i]!);
  return { shape: [...x.shape], dtype, values };
}

/** Python-style remainder: takes the divisor's sign, zero included. x mod 0 is NaN (from `%`). */
function floatMod(a: number, b: number): number {
  const r = a % b;
  if (r === 0) return b < 0 ? -0 : 0;
  return r < 0 !== b < 0 ? r + b : r;
}

function intMod(a: number, b: number): number {
  if (b === 0) return 0;
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
}

/** Exact for int32: the float64 quotient never rounds across an integer (see the report). */
function intFloorDiv(a: number, b: number): number {
  return b === 0 ? 0 : Math.floor(a / b);
}

/**
 * pow as C/NumPy define it: 1^y = 1 and (-1)^±Inf = 1 even for NaN/infinite y, where
 * JavaScript's `**` gives NaN.
 */
function pow(a: number, b: number): number {
  if (a === 1) return 1;
  if (a === -1 && (b === Infinity || b === -Infinity)) return 1;
  return Math.pow(a, b);
}

const COMPARE_AND_LOGIC: Readonly<Record<'equal' | 'notEqual' | 'less' | 'lessEqual' | 'greater' | 'greaterEqual' | 'and' | 'or', PairFn>> = {
  equal: (a, b) => (a === b ? 1 : 0),
  notEqual: (a, b) => (a !== b ? 1 : 0),
  less: (a, b) => (a < b ? 1 : 0),
  lessEqual: (a, b) => (a <= b ? 1 : 0),
  greater: (a, b) => (a > b ? 1 : 0),
  greaterEqual: (a, b) => (a >= b ? 1 : 0),
  and: (a, b) => (a !== 0 && b !== 0 ? 1 : 0),
  or: (a, b) => (a !== 0 || b !== 0 ? 1 : 0),
};

const FLOAT_BINARY: Readonly<Record<BinaryOp, PairFn>> = {
  ...COMPARE_AND_LOGIC,
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow,
  maximum: Math.max, // Math.max/min already propagate NaN
  minimum: Math.min,
  mod: floatMod,
  floorDiv: (a, b) => Math.floor(a / b),
  atan2: Math.atan2,
};

/** int32 arithmetic; sums and differences of int32 are exact in float64 and wrap on store. */
const INT_BINARY: Partial<Readonly<Record<BinaryOp, PairFn>>> = {
  ...COMPARE_AND_LOGIC,
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: Math.imul,
  maximum: Math.max,
  minimum: Math.min,
  mod: intMod,
  floorDiv: intFloorDiv,
};

function isComparisonOrLogic(op: BinaryOp): boolean {
  return op in COMPARE_AND_LOGIC;
}

/** The broadcast output shape of several inputs (core has already checked they broadcast). */
function broadcastAll(shapes: readonly Shape[]): number[] {
  let out: number[] = [];
  for (const shape of shapes) {
    const next = broadcastShapes(out, shape);
    if (next === null) throw new Error(`cpu backend: shapes ${shapes.map(shapeToString).join(', ')} do not broadcast`);
    out = next;
  }
  return out;
}

/** For each output element, the index into `shape`'s values; null when no broadcasting is needed. */
function indexMapOrNull(shape: Shape, outShape: Shape): Int32Array | null {
  return sizeOf(shape) === sizeOf(outShape) ? null : broadcastIndexMap(shape, outShape);
}

export function binary(op: BinaryOp, a: TensorInfo, b: TensorInfo): KernelOutput {
  const aValues = valuesOf(a);
  const bValues = valuesOf(b);
  const fn = a.dtype === 'int32' ? INT_BINARY[op] : FLOAT_BINARY[op];
  if (fn === undefined) throw new Error(`cpu backend: binary '${op}' does not take ${a.dtype}`);
  const shape = broadcastAll([a.shape, b.shape]);
  const dtype: DType = isComparisonOrLogic(op) ? 'bool' : a.dtype;
  const size = sizeOf(shape);
  const values = allocArray(dtype, size);
  const aMap = indexMapOrNull(a.shape, shape);
  const bMap = indexMapOrNull(b.shape, shape);
  for (let i = 0; i < size; i++) {
    values[i] = fn(aValues[aMap === null ? i : aMap[i]!]!, bValues[bMap === null ? i : bMap[i]!]!);
  }
  return { shape, dtype, values };
}

export function where(cond: TensorInfo, a: TensorInfo, b: TensorInfo): KernelOutput {
  const condValues = typedValuesOf(cond, 'bool');
  const aValues = valuesOf(a);
  const bValues = valuesOf(b);
  const shape = broadcastAll([cond.shape, a.shape, b.shape]);
  const size = sizeOf(shape);
  const values: TypedArray = allocArray(a.dtype, size);
  const condMap = indexMapOrNull(cond.shape, shape);
  const aMap = indexMapOrNull(a.shape, shape);
  const bMap = indexMapOrNull(b.shape, shape);
  for (let i = 0; i < size; i++) {
    const chosen = condValues[condMap === null ? i : condMap[i]!] !== 0;
    values[i] = chosen ? aValues[aMap === null ? i : aMap[i]!]! : bValues[bMap === null ? i : bMap[i]!]!;
  }
  return { shape, dtype: a.dtype, values };
}
