/**
 * fill, cast, unary, binary and where. Float semantics are spelt out bit by bit where WGSL leaves
 * them to the implementation (NaN in comparisons, min/max, pow of negative bases, division by
 * zero for integers), so every adapter gives the contract's answer.
 */
import type { BinaryOp, DType, Shape, TensorInfo, UnaryOp } from '@strata/core';
import { broadcastShapes, shapeToString, sizeOf } from '@strata/core';
import type { GpuTensorInfo, WebGPURuntime } from '../runtime.js';
import { Params } from '../runtime.js';
import { WGSL_TYPE } from '../storage.js';
import { ELEMENTWISE_WG, bindings, entryPoint, flatIndex } from '../wgsl.js';
import { mapElementwise } from './broadcast.js';

/** The bits a value of `dtype` is stored as on the device. */
export function storedBits(value: number, dtype: DType): number {
  if (dtype === 'bool') return value !== 0 ? 1 : 0;
  if (dtype === 'int32') return Number.isNaN(value) ? 0 : (Math.trunc(value) | 0) >>> 0;
  const f = new Float32Array([value]);
  return new Uint32Array(f.buffer)[0]!;
}

/** Fills `out` (any dtype, as raw bits) with `bits`. Also used to zero outputs. */
export function fillBits(rt: WebGPURuntime, kernel: string, out: TensorInfo, bits: number): void {
  const n = sizeOf(out.shape);
  rt.dispatch({
    kernel,
    key: 'fill',
    wgsl: () => `${bindings([], ['u32'])}
${entryPoint(ELEMENTWISE_WG)} {
  let i = ${flatIndex(ELEMENTWISE_WG)};
  if (i >= P[0]) { return; }
  out0[i] = P[1];
}`,
    inputs: [],
    outputs: [out],
    params: new Params().u32(n, bits),
    workgroups: Math.ceil(n / ELEMENTWISE_WG),
  });
}

export function fill(rt: WebGPURuntime, shape: Shape, value: number, dtype: DType): GpuTensorInfo {
  const out = rt.output('fill', shape, dtype);
  try {
    fillBits(rt, 'fill', out, storedBits(value, dtype));
  } catch (err) {
    rt.fail([out], err);
  }
  return out;
}

/** Copies `x` bit for bit into new storage (cast to the same dtype, and the base of movement ops). */
export function copy(rt: WebGPURuntime, kernel: string, x: TensorInfo): GpuTensorInfo {
  return mapElementwise(rt, { kernel, op: 'copy', inputs: [x], readAs: ['u32'], writeAs: 'u32', outShape: x.shape, outDtype: x.dtype, expr: 'v0' });
}

const CAST_EXPR: Readonly<Record<string, string>> = {
  'float32>int32': 'select(i32(trunc(v0)), 0i, is_nan(v0))',
  'float32>bool': 'select(0u, 1u, (bitcast<u32>(v0) & 0x7fffffffu) != 0u)',
  'int32>float32': 'f32(v0)',
  'int32>bool': 'select(0u, 1u, v0 != 0i)',
  'bool>float32': 'f32(v0)',
  'bool>int32': 'i32(v0)',
};

export function cast(rt: WebGPURuntime, x: TensorInfo, dtype: DType): GpuTensorInfo {
  rt.input(x, 'cast');
  if (x.dtype === dtype) return copy(rt, 'cast', x);
  const expr = CAST_EXPR[`${x.dtype}>${dtype}`];
  if (expr === undefined) throw new Error(`webgpu cast: no conversion from ${x.dtype} to ${dtype}`);
  return mapElementwise(rt, { kernel: 'cast', op: `${x.dtype}>${dtype}`, inputs: [x], outShape: x.shape, outDtype: dtype, expr });
}

/** Float helpers the unary and binary expressions call. */
const FLOAT_HELPERS = /* wgsl */ `
fn f_abs(x: f32) -> f32 { return bitcast<f32>(bitcast<u32>(x) & 0x7fffffffu); }
fn f_sign(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (x > 0.0) { return 1.0; }
  if (x < 0.0) { return -1.0; }
  return 0.0;
}
fn f_log(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (x < 0.0) { return nan_f32(); }
  if (x == 0.0) { return -inf_f32(); }
  if (is_inf(x)) { return x; }
  return log(x);
}
fn f_exp(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (x > 88.72284) { return inf_f32(); }
  if (x < -103.97208) { return 0.0; }
  return exp(x);
}
fn f_sqrt(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (x < 0.0) { return nan_f32(); }
  if (is_inf(x)) { return x; }
  return sqrt(x);
}
// log1p and expm1 keep full relative precision near 0 (Kahan's tricks: the rounding error of
// 1 + x is cancelled by dividing by the value actually computed).
fn f_log1p(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (x < -1.0) { return nan_f32(); }
  if (x == -1.0) { return -inf_f32(); }
  if (is_inf(x)) { return x; }
  if (f_abs(x) < 1e-4) { return x * (1.0 - x * (0.5 - x / 3.0)); }
  let u = 1.0 + x;
  return log(u) * (x / (u - 1.0));
}
fn f_expm1(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (x > 88.72284) { return inf_f32(); }
  if (x < -20.0) { return -1.0; }
  if (f_abs(x) < 1e-4) { return x * (1.0 + x * (0.5 + x / 6.0)); }
  if (f_abs(x) < 0.5) {
    // tanh(x/2) is accurate near 0: expm1(x) = 2t / (1 - t).
    let t = tanh_small(0.5 * x);
    return 2.0 * t / (1.0 - t);
  }
  return exp(x) - 1.0;
}
// tanh for |x| < 0.25 by its odd Taylor series (relative error < 1e-8).
fn tanh_small(x: f32) -> f32 {
  let x2 = x * x;
  return x * (1.0 + x2 * (-0.33333333 + x2 * (0.13333333 + x2 * (-0.053968254 + x2 * 0.021869488))));
}
fn f_tanh(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  let a = f_abs(x);
  if (a > 9.0) { return sign(x); }
  if (a < 0.25) { return tanh_small(x); }
  let e = exp(-2.0 * a);
  let t = (1.0 - e) / (1.0 + e);
  return select(t, -t, x < 0.0);
}
fn f_sigmoid(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  if (x >= 0.0) { return 1.0 / (1.0 + f_exp(-x)); }
  let e = f_exp(x);
  return e / (1.0 + e);
}
// erf: a rational-free form, Abramowitz & Stegun 7.1.26 refined: |error| < 1.5e-7 for all x;
// Taylor series near 0 for relative accuracy.
fn f_erf(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  let a = f_abs(x);
  if (a < 0.5) {
    let x2 = x * x;
    return x * (1.1283791671 + x2 * (-0.3761263890 + x2 * (0.1128379167 + x2 * (-0.0268661707 + x2 * (0.0052239776 + x2 * -0.0008548327)))));
  }
  if (a > 4.0) { return sign(x); }
  let t = 1.0 / (1.0 + 0.3275911 * a);
  let y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * exp(-a * a);
  return select(y, -y, x < 0.0);
}
fn f_relu(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  return select(0.0, x, x > 0.0);
}
// sin/cos with Cody–Waite reduction by π/2 (three-part constant), so large arguments keep their
// accuracy; then minimax polynomials on [-π/4, π/4].
fn sin_poly(x: f32) -> f32 {
  let x2 = x * x;
  return x + x * x2 * (-0.16666667 + x2 * (0.0083333310 + x2 * (-0.00019840874 + x2 * 2.7525562e-6)));
}
fn cos_poly(x: f32) -> f32 {
  let x2 = x * x;
  return 1.0 + x2 * (-0.5 + x2 * (0.041666638 + x2 * (-0.0013888378 + x2 * (2.4760495e-5 + x2 * -2.6051615e-7))));
}
fn trig(x: f32, cosine: bool) -> f32 {
  if (is_nan(x) || is_inf(x)) { return nan_f32(); }
  let q = round(x * 0.63661975);
  var r = x - q * 1.5703125;
  r = r - q * 4.8375129699707031e-4;
  r = r - q * 7.5497899548918821e-8;
  var k = i32(q) + select(0, 1, cosine);
  k = k & 3;
  var v: f32;
  if ((k & 1) == 0) { v = sin_poly(r); } else { v = cos_poly(r); }
  if (k >= 2) { v = -v; }
  return v;
}
// log2 of a positive finite x as (exponent, log2 of the mantissa in [√½, √2)), the mantissa's
// part by the atanh series: accurate to about an ulp whatever the GPU's own log2 does.
fn log2_parts(x: f32) -> vec2<f32> {
  // Integer operations only: float arithmetic may flush a denormal x to zero.
  var bits = bitcast<u32>(x) & 0x7fffffffu;
  var e = i32(bits >> 23u) - 127;
  if (bits < 0x00800000u) {
    let shift = countLeadingZeros(bits) - 8u;
    bits = bits << shift;
    e = -126 - i32(shift);
  }
  var m = bitcast<f32>((bits & 0x007fffffu) | 0x3f800000u);
  if (m > 1.41421356) { m = m * 0.5; e = e + 1; }
  let s = (m - 1.0) / (m + 1.0);
  let s2 = s * s;
  let l = 2.0 * s * (1.0 + s2 * (0.33333333 + s2 * (0.2 + s2 * (0.14285714 + s2 * 0.11111111))));
  return vec2<f32>(f32(e), l * 1.44269504);
}
// |a|^b for finite, non-zero |a| and finite b: b·log2|a| is kept as an integer and a small
// remainder, so exp2 only ever sees
// |f| ≤ ~0.5 and large results keep full precision.
fn pow_finite(a: f32, b: f32) -> f32 {
  let lp = log2_parts(a);
  // b·exponent exactly, as two products: b's top 12 significant bits and the rest, each times an
  // integer of at most 8 bits (fma is not fused everywhere, so it cannot recover the error).
  let bh = bitcast<f32>(bitcast<u32>(b) & 0xfffff000u);
  let bl = b - bh;
  let p = bh * lp.x;
  let perr = bl * lp.x;
  let q = b * lp.y;
  let t = p + perr + q;
  if (t > 128.5) { return inf_f32(); }
  if (t < -150.5) { return 0.0; }
  let n = round(t);
  let f = (p - n) + perr + q;
  let r = exp2(f);
  // Scale by 2^n in two steps: 2^n alone may not be representable at the ends of the range.
  let n1 = i32(n) / 2;
  return ldexp(ldexp(r, n1), i32(n) - n1);
}
fn f_pow(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return 1.0; }
  if (is_nan(a) || is_nan(b)) { return nan_f32(); }
  let ab = f_abs(a);
  var r: f32;
  if (ab == 1.0 && is_inf(b)) { return nan_f32(); }
  // Zero tests on the bits: a denormal may compare equal to 0 where the GPU flushes denormals.
  let zero = (bitcast<u32>(a) & 0x7fffffffu) == 0u;
  if (zero) {
    r = select(inf_f32(), 0.0, b > 0.0);
  } else if (is_inf(ab)) {
    r = select(0.0, inf_f32(), b > 0.0);
  } else if (is_inf(b)) {
    r = select(0.0, inf_f32(), (ab > 1.0) == (b > 0.0));
  } else {
    r = pow_finite(ab, b);
  }
  if (bitcast<u32>(a) >= 0x80000000u) {
    // Negative base: only integer exponents give a real result; odd ones keep the sign (−0 too).
    let integer = is_inf(b) || floor(b) == b;
    if (!integer && !zero) { return nan_f32(); }
    let odd = integer && f_abs(b) < 16777216.0 && (i32(b) & 1) == 1;
    if (odd) { r = -r; }
  }
  return r;
}
fn f_max(a: f32, b: f32) -> f32 {
  if (is_nan(a) || is_nan(b)) { return nan_f32(); }
  return select(b, a, a > b);
}
fn f_min(a: f32, b: f32) -> f32 {
  if (is_nan(a) || is_nan(b)) { return nan_f32(); }
  return select(b, a, a < b);
}
// Float remainder with the divisor's sign: fmod (a − trunc(a/b)·b), then shift by one divisor.
fn f_mod(a: f32, b: f32) -> f32 {
  if (is_nan(a) || is_nan(b) || is_inf(a) || b == 0.0) { return nan_f32(); }
  var r: f32;
  if (is_inf(b)) { r = a; } else {
    r = a - trunc(a / b) * b;
    // Guard the quotient's rounding: the fmod result lies strictly inside (−|b|, |b|).
    if (f_abs(r) >= f_abs(b)) { r = r - trunc(r / b) * b; }
  }
  if (r != 0.0 && ((r < 0.0) != (b < 0.0))) { r = r + b; }
  return r;
}
fn f_floordiv(a: f32, b: f32) -> f32 {
  return floor(a / b);
}
fn f_atan2(a: f32, b: f32) -> f32 {
  if (is_nan(a) || is_nan(b)) { return nan_f32(); }
  let pi = 3.14159265358979;
  if (is_inf(a) && is_inf(b)) {
    let v = select(pi / 4.0, 3.0 * pi / 4.0, b < 0.0);
    return select(v, -v, a < 0.0);
  }
  if (a == 0.0) {
    let negb = bitcast<u32>(b) >= 0x80000000u;
    let v = select(0.0, pi, negb);
    return select(v, -v, bitcast<u32>(a) >= 0x80000000u);
  }
  return atan2(a, b);
}
fn f_eq(a: f32, b: f32) -> bool { return !is_nan(a) && !is_nan(b) && a == b; }
fn f_lt(a: f32, b: f32) -> bool { return !is_nan(a) && !is_nan(b) && a < b; }
fn f_le(a: f32, b: f32) -> bool { return !is_nan(a) && !is_nan(b) && a <= b; }
`;

const INT_HELPERS = /* wgsl */ `
// Python floor division and modulo on i32; a zero divisor gives 0 for both. i32::MIN / -1 wraps.
fn i_floordiv(a: i32, b: i32) -> i32 {
  if (b == 0i) { return 0i; }
  if (b == -1i) { return 0i - a; }
  var q = a / b;
  if ((a % b) != 0i && ((a < 0i) != (b < 0i))) { q = q - 1i; }
  return q;
}
fn i_mod(a: i32, b: i32) -> i32 {
  if (b == 0i || b == -1i) { return 0i; }
  var r = a % b;
  if (r != 0i && ((r < 0i) != (b < 0i))) { r = r + b; }
  return r;
}
`;

const UNARY_FLOAT: Readonly<Record<string, string>> = {
  neg: '-v0', abs: 'f_abs(v0)', sign: 'f_sign(v0)', exp: 'f_exp(v0)', log: 'f_log(v0)', log1p: 'f_log1p(v0)',
  expm1: 'f_expm1(v0)', sqrt: 'f_sqrt(v0)', rsqrt: '1.0 / f_sqrt(v0)', square: 'v0 * v0', reciprocal: '1.0 / v0',
  sin: 'trig(v0, false)', cos: 'trig(v0, true)', tanh: 'f_tanh(v0)', sigmoid: 'f_sigmoid(v0)', relu: 'f_relu(v0)',
  erf: 'f_erf(v0)', floor: 'floor(v0)', ceil: 'ceil(v0)', round: 'round(v0)', isNaN: 'select(0u, 1u, is_nan(v0))',
};
const UNARY_INT: Readonly<Record<string, string>> = {
  neg: '0i - v0', abs: 'select(v0, 0i - v0, v0 < 0i)', sign: 'sign(v0)', square: 'v0 * v0', relu: 'max(v0, 0i)',
};

export function unary(rt: WebGPURuntime, op: UnaryOp, x: TensorInfo): GpuTensorInfo {
  rt.input(x, 'unary');
  const kernel = `unary(${op})`;
  let expr: string | undefined;
  let outDtype: DType = x.dtype;
  if (x.dtype === 'float32') {
    expr = UNARY_FLOAT[op];
    if (op === 'isNaN') outDtype = 'bool';
  } else if (x.dtype === 'int32') {
    expr = UNARY_INT[op];
  } else if (op === 'not') {
    expr = 'select(1u, 0u, v0 != 0u)';
  }
  if (expr === undefined) throw new Error(`webgpu ${kernel}: not defined for ${x.dtype}`);
  return mapElementwise(rt, { kernel, op, inputs: [x], outShape: x.shape, outDtype, expr, helpers: x.dtype === 'float32' ? FLOAT_HELPERS : '' });
}

const COMPARE_FLOAT: Readonly<Record<string, string>> = {
  equal: 'f_eq(v0, v1)', notEqual: '!f_eq(v0, v1)', less: 'f_lt(v0, v1)', lessEqual: 'f_le(v0, v1)',
  greater: 'f_lt(v1, v0)', greaterEqual: 'f_le(v1, v0)',
};
const COMPARE_PLAIN: Readonly<Record<string, string>> = {
  equal: 'v0 == v1', notEqual: 'v0 != v1', less: 'v0 < v1', lessEqual: 'v0 <= v1', greater: 'v0 > v1', greaterEqual: 'v0 >= v1',
};
const BINARY_FLOAT: Readonly<Record<string, string>> = {
  add: 'v0 + v1', sub: 'v0 - v1', mul: 'v0 * v1', div: 'v0 / v1', pow: 'f_pow(v0, v1)', maximum: 'f_max(v0, v1)',
  minimum: 'f_min(v0, v1)', mod: 'f_mod(v0, v1)', floorDiv: 'f_floordiv(v0, v1)', atan2: 'f_atan2(v0, v1)',
};
const BINARY_INT: Readonly<Record<string, string>> = {
  add: 'v0 + v1', sub: 'v0 - v1', mul: 'v0 * v1', maximum: 'max(v0, v1)', minimum: 'min(v0, v1)',
  mod: 'i_mod(v0, v1)', floorDiv: 'i_floordiv(v0, v1)',
};

export function binary(rt: WebGPURuntime, op: BinaryOp, a: TensorInfo, b: TensorInfo): GpuTensorInfo {
  rt.input(a, 'binary');
  rt.input(b, 'binary');
  const kernel = `binary(${op})`;
  const outShape = broadcastOrThrow(kernel, [a.shape, b.shape]);
  let expr: string | undefined;
  let outDtype: DType = a.dtype;
  if (op in COMPARE_PLAIN) {
    outDtype = 'bool';
    const cmp = a.dtype === 'float32' ? COMPARE_FLOAT[op]! : COMPARE_PLAIN[op]!;
    expr = `select(0u, 1u, ${cmp})`;
  } else if (op === 'and' || op === 'or') {
    if (a.dtype === 'bool') expr = op === 'and' ? 'select(0u, 1u, v0 != 0u && v1 != 0u)' : 'select(0u, 1u, v0 != 0u || v1 != 0u)';
  } else if (a.dtype === 'float32') {
    expr = BINARY_FLOAT[op];
  } else if (a.dtype === 'int32') {
    expr = BINARY_INT[op];
  }
  if (expr === undefined) throw new Error(`webgpu ${kernel}: not defined for ${a.dtype}`);
  const helpers = a.dtype === 'float32' ? FLOAT_HELPERS : a.dtype === 'int32' ? INT_HELPERS : '';
  return mapElementwise(rt, { kernel, op, inputs: [a, b], outShape, outDtype, expr, helpers });
}

function broadcastOrThrow(kernel: string, shapes: readonly Shape[]): number[] {
  let out: number[] | null = [...shapes[0]!];
  for (const s of shapes.slice(1)) out = out === null ? null : broadcastShapes(out, s);
  if (out === null) throw new Error(`webgpu ${kernel}: shapes ${shapes.map((s) => shapeToString(s)).join(', ')} do not broadcast`);
  return out;
}

export function where(rt: WebGPURuntime, cond: TensorInfo, a: TensorInfo, b: TensorInfo): GpuTensorInfo {
  for (const t of [cond, a, b]) rt.input(t, 'where');
  const outShape = broadcastOrThrow('where', [cond.shape, a.shape, b.shape]);
  return mapElementwise(rt, {
    kernel: 'where', op: 'where', inputs: [cond, a, b], readAs: ['u32', 'u32', 'u32'], writeAs: 'u32',
    outShape, outDtype: a.dtype, expr: 'select(v2, v1, v0 != 0u)',
  });
}

export { WGSL_TYPE };
