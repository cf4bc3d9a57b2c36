/**
 * Elementwise kernels: fill, cast, unary, binary and where. Each op is a scalar function; the
 * kernel applies it to every element. Float32 math runs in JavaScript's float64 and is rounded
 * once when stored into the Float32Array, which is as accurate as float32 can be.
 */
import { BINARY_OPS, UNARY_OPS } from '@strata/core';
import type { BinaryOp, DType, Shape, TypedArray, UnaryOp } from '@strata/core';
import { broadcastIndex, broadcastShapes, sizeOf } from './layout.js';
import { allocate } from './storage.js';

type Scalar1 = (x: number) => number;
type Scalar2 = (a: number, b: number) => number;

/** erf (Abramowitz & Stegun 7.1.26): absolute error below 1.5e-7, under float32's tolerance. */
function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const y = 1 - poly * Math.exp(-x * x);
  return x < 0 ? -y : y;
}

/** Round half to even, as the contract asks (Math.round rounds halves up). */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Float (and bool) versions of the unary ops. */
const FLOAT_UNARY: Record<UnaryOp, Scalar1> = {
  neg: (x) => -x,
  abs: Math.abs,
  sign: Math.sign,
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
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  relu: (x) => (Number.isNaN(x) ? x : Math.max(x, 0)),
  erf: (x) => (Number.isNaN(x) ? x : erf(x)),
  floor: Math.floor,
  ceil: Math.ceil,
  round: roundHalfEven,
  not: (x) => (x === 0 ? 1 : 0),
  isNaN: (x) => (Number.isNaN(x) ? 1 : 0),
};

/** int32 versions of the numeric unary ops. `| 0` and Math.imul wrap modulo 2^32 as int32 must. */
const INT_UNARY: Partial<Record<UnaryOp, Scalar1>> = {
  neg: (x) => -x | 0,
  abs: (x) => Math.abs(x) | 0,
  sign: Math.sign,
  square: (x) => Math.imul(x, x),
  relu: (x) => (x > 0 ? x : 0),
};

/** Floor division and remainder with Python's rounding; the remainder takes the divisor's sign. */
const floatMod: Scalar2 = (a, b) => {
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
};
const intFloorDiv: Scalar2 = (a, b) => (b === 0 ? 0 : Math.floor(a / b) | 0);
const intMod: Scalar2 = (a, b) => (b === 0 ? 0 : (a - Math.floor(a / b) * b) | 0);

/** Ops whose result does not depend on the dtype: comparisons and logic give 0 or 1. */
const ANY_BINARY: Partial<Record<BinaryOp, Scalar2>> = {
  equal: (a, b) => +(a === b),
  notEqual: (a, b) => +(a !== b),
  less: (a, b) => +(a < b),
  lessEqual: (a, b) => +(a <= b),
  greater: (a, b) => +(a > b),
  greaterEqual: (a, b) => +(a >= b),
  and: (a, b) => +(a !== 0 && b !== 0),
  or: (a, b) => +(a !== 0 || b !== 0),
};

const FLOAT_BINARY: Partial<Record<BinaryOp, Scalar2>> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: Math.pow,
  maximum: Math.max, // Math.max/min already return NaN when either side is NaN
  minimum: Math.min,
  mod: floatMod,
  floorDiv: (a, b) => Math.floor(a / b),
  atan2: Math.atan2,
};

const INT_BINARY: Partial<Record<BinaryOp, Scalar2>> = {
  add: (a, b) => (a + b) | 0,
  sub: (a, b) => (a - b) | 0,
  mul: Math.imul,
  maximum: Math.max,
  minimum: Math.min,
  mod: intMod,
  floorDiv: intFloorDiv,
};

/** The dtype an op returns for an input dtype (from core's op tables). */
function resultDType(declared: DType | 'same', input: DType): DType {
  return declared === 'same' ? input : declared;
}

export function fill(shape: Shape, value: number, dtype: DType): TypedArray {
  // Typed arrays convert on store: int32 truncates, so only bool needs a rule of its own.
  return allocate(dtype, sizeOf(shape)).fill(dtype === 'bool' ? +(value !== 0) : value);
}

export function cast(x: TypedArray, dtype: DType): TypedArray {
  const out = allocate(dtype, x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    // float→int32 truncates toward zero and maps NaN to 0; anything→bool is `v != 0`.
    out[i] = dtype === 'bool' ? +(v !== 0) : dtype === 'int32' ? (Number.isNaN(v) ? 0 : Math.trunc(v)) : v;
  }
  return out;
}

export function unary(op: UnaryOp, x: TypedArray, dtype: DType): { values: TypedArray; dtype: DType } {
  const f = dtype === 'int32' ? INT_UNARY[op] : FLOAT_UNARY[op];
  if (f === undefined) throw new Error(`my-backend: unary '${op}' has no ${dtype} form`);
  const outDType = resultDType(UNARY_OPS[op].output, dtype);
  const out = allocate(outDType, x.length);
  for (let i = 0; i < x.length; i++) out[i] = f(x[i]!);
  return { values: out, dtype: outDType };
}

export function binary(
  op: BinaryOp, a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, dtype: DType,
): { values: TypedArray; shape: number[]; dtype: DType } {
  const f = ANY_BINARY[op] ?? (dtype === 'int32' ? INT_BINARY[op] : FLOAT_BINARY[op]);
  if (f === undefined) throw new Error(`my-backend: binary '${op}' has no ${dtype} form`);
  const shape = broadcastShapes(aShape, bShape);
  const ia = broadcastIndex(aShape, shape);
  const ib = broadcastIndex(bShape, shape);
  const outDType = resultDType(BINARY_OPS[op].output, dtype);
  const out = allocate(outDType, ia.length);
  for (let i = 0; i < out.length; i++) out[i] = f(a[ia[i]!]!, b[ib[i]!]!);
  return { values: out, shape, dtype: outDType };
}

export function where(
  cond: TypedArray, condShape: Shape, a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, dtype: DType,
): { values: TypedArray; shape: number[] } {
  const shape = broadcastShapes(condShape, aShape, bShape);
  const ic = broadcastIndex(condShape, shape);
  const ia = broadcastIndex(aShape, shape);
  const ib = broadcastIndex(bShape, shape);
  const out = allocate(dtype, ic.length);
  for (let i = 0; i < out.length; i++) out[i] = cond[ic[i]!] ? a[ia[i]!]! : b[ib[i]!]!;
  return { values: out, shape };
}
