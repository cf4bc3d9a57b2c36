/**
 * Scalar semantics of every elementwise op, in float64 (floats) or exact BigInt arithmetic
 * (int32, wrapped modulo 2^32), written from the contract's doc comments.
 */
import type { BinaryOp, DType, UnaryOp } from '../contract.js';

const wrap32 = (v: bigint): number => Number(BigInt.asIntN(32, v));

/** erf in float64: Maclaurin series for |x| ≤ 3, a continued fraction for erfc beyond. */
export function erf64(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax === 0) return x;
  if (ax <= 3) {
    // erf(x) = 2/√π Σ (-1)^n x^(2n+1) / (n! (2n+1))
    let term = ax;
    let sum = ax;
    for (let n = 1; n < 200; n++) {
      term *= (-ax * ax) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    const r = (2 / Math.sqrt(Math.PI)) * sum;
    return x < 0 ? -r : r;
  }
  if (ax > 27) return x < 0 ? -1 : 1;
  // erfc(x) = exp(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...))))), evaluated bottom-up.
  let frac = ax;
  for (let k = 60; k >= 1; k--) frac = ax + k / 2 / frac;
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / frac;
  return x < 0 ? erfc - 1 : 1 - erfc;
}

/** Round half to even. */
function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const f = Math.floor(x);
  const diff = x - f;
  const r = diff < 0.5 ? f : diff > 0.5 ? f + 1 : f % 2 === 0 ? f : f + 1;
  return r === 0 && x < 0 ? -0 : r; // IEEE keeps the sign of a value rounded to zero
}

/** One unary op on one value of `dtype`, in float64. */
export function unaryScalar(op: UnaryOp, dtype: DType, x: number): number {
  if (dtype === 'int32') {
    const b = BigInt(x);
    switch (op) {
      case 'neg': return wrap32(-b);
      case 'abs': return wrap32(b < 0n ? -b : b);
      case 'sign': return x > 0 ? 1 : x < 0 ? -1 : 0;
      case 'square': return wrap32(b * b);
      case 'relu': return x > 0 ? x : 0;
      default: throw new Error(`oracle: unary ${op} has no int32 form`);
    }
  }
  switch (op) {
    case 'neg': return -x;
    case 'abs': return Math.abs(x);
    case 'sign': return Number.isNaN(x) ? NaN : x > 0 ? 1 : x < 0 ? -1 : 0;
    case 'exp': return Math.exp(x);
    case 'log': return Math.log(x);
    case 'log1p': return Math.log1p(x);
    case 'expm1': return Math.expm1(x);
    case 'sqrt': return Math.sqrt(x);
    case 'rsqrt': return 1 / Math.sqrt(x);
    case 'square': return x * x;
    case 'reciprocal': return 1 / x;
    case 'sin': return Math.sin(x);
    case 'cos': return Math.cos(x);
    case 'tanh': return Math.tanh(x);
    case 'sigmoid': return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    case 'relu': return Number.isNaN(x) ? NaN : x > 0 ? x : 0;
    case 'erf': return erf64(x);
    case 'floor': return Math.floor(x);
    case 'ceil': return Math.ceil(x);
    case 'round': return roundHalfEven(x);
    case 'not': return x === 0 ? 1 : 0;
    case 'isNaN': return Number.isNaN(x) ? 1 : 0;
  }
}

/** Python-style integer floor division and modulo on exact integers; a zero divisor gives 0. */
function intFloorDivMod(a: number, b: number): [bigint, bigint] {
  if (b === 0) return [0n, 0n];
  const A = BigInt(a);
  const B = BigInt(b);
  let q = A / B; // truncates toward zero
  if (A % B !== 0n && (A < 0n) !== (B < 0n)) q -= 1n;
  return [q, A - q * B];
}

/** Float modulo whose result takes the divisor's sign (fmod, then shift by one divisor). */
function floatMod(a: number, b: number): number {
  const r = a % b;
  if (r !== 0 && r < 0 !== b < 0) return r + b;
  return r;
}

/** One binary op on two values of `dtype`, in float64 (int32 arithmetic wraps; int32 mod and floorDiv by zero give 0). */
export function binaryScalar(op: BinaryOp, dtype: DType, a: number, b: number): number {
  const bool = (v: boolean): number => (v ? 1 : 0);
  switch (op) {
    case 'equal': return bool(a === b);
    case 'notEqual': return bool(a !== b);
    case 'less': return bool(a < b);
    case 'lessEqual': return bool(a <= b);
    case 'greater': return bool(a > b);
    case 'greaterEqual': return bool(a >= b);
    case 'and': return bool(a !== 0 && b !== 0);
    case 'or': return bool(a !== 0 || b !== 0);
    default: break;
  }
  if (dtype === 'int32') {
    const A = BigInt(a);
    const B = BigInt(b);
    switch (op) {
      case 'add': return wrap32(A + B);
      case 'sub': return wrap32(A - B);
      case 'mul': return wrap32(A * B);
      case 'maximum': return a > b ? a : b;
      case 'minimum': return a < b ? a : b;
      case 'floorDiv': return wrap32(intFloorDivMod(a, b)[0]);
      case 'mod': return wrap32(intFloorDivMod(a, b)[1]);
      default: throw new Error(`oracle: binary ${op} has no int32 form`);
    }
  }
  switch (op) {
    case 'add': return a + b;
    case 'sub': return a - b;
    case 'mul': return a * b;
    case 'div': return a / b;
    case 'pow': return Math.pow(a, b);
    case 'maximum': return Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b);
    case 'minimum': return Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b);
    case 'mod': return floatMod(a, b);
    case 'floorDiv': return Math.floor(a / b);
    case 'atan2': return Math.atan2(a, b);
  }
}

/** Conversion of one value to `dtype` (float→int32 truncates, NaN→0; →bool is `x != 0`). */
export function castScalar(x: number, to: DType): number {
  switch (to) {
    case 'float32': return x;
    case 'int32': return Number.isNaN(x) ? 0 : Math.trunc(x);
    case 'bool': return x !== 0 ? 1 : 0;
  }
}
