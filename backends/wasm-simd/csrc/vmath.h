/*
 * Float32 SIMD approximations of the transcendental functions the hot kernels need (exp, log,
 * tanh, sigmoid, erf). Each is a range reduction plus a short polynomial, accurate to a few ulp,
 * well inside the conformance "transcendental" tolerance (1e-6 absolute + 1e-5 relative).
 * NaN propagates because wasm's f32x4.min/max return NaN when either input is NaN.
 */
#ifndef STRATA_VMATH_H
#define STRATA_VMATH_H

#include "common.h"

#define SPLAT(x) wasm_f32x4_splat(x)

/*
 * e^x, float32, accurate to ~2 ulp (see below), in two paths:
 *
 * Fast path, for lanes with n = round(x·log2e) in [−125, 127] (x in about [−86.6, 88.0]): no
 * clamping and no special cases, since it is the hot loop of exp/sigmoid/tanh/softmax:
 *   - n = nearest(x·log2e); t = n + 1.5·2^23 (exact), whose low mantissa bits are n as an integer;
 *   - r = x − n·ln2 in two steps (Cody–Waite: ln2_hi has 9 significant bits, so n·ln2_hi is exact
 *     for |n| ≤ 256 and so is x − n·ln2_hi), |r| ≲ ln2/2;
 *   - e^r ≈ 1 + (r + r²·(c2 + c3·r + (c4 + c5·r)·r²)) (Estrin), c2..c5 a minimax fit of the
 *     RELATIVE error of 1 + r + c2·r² + … + c5·r⁵ on [−ln2/2, ln2/2] derived by
 *     scripts/exp-fit.mjs (Lawson's algorithm in float64): 1.06e-7 = 0.89·2^−23 with the
 *     coefficients rounded to float32;
 *   - scaling by 2^n is an integer add of n << 23 (= t << 23: the bits of 1.5·2^23 shift out) to
 *     the exponent field of the polynomial's value (in [0.7, 1.42]), which stays a normal float for
 *     n in that range.
 * Slow path (v_exp_full), taken for a whole vector (or pair) when any lane is out of that range,
 * NaN or ±Inf: x clamped to [−104, 89] with pmin/pmax (x as first operand, so NaN passes through),
 * the same reduction and polynomial, and 2^n applied as two normal powers of two 2^(n>>1)·2^(n−(n>>1))
 * so that denormal results are rounded once, e^x ≥ 2^128 overflows to +Inf and e^−104 < 2^−150
 * gives 0.
 * Measured with `node scripts/exp-fit.mjs --check` (every x on a 2^−12 grid of [−104, 89], [−1, 1]
 * on a 2^−14 grid, and special values, against float64 Math.exp): max 2.24 ulp (denormal results
 * included, in ulps of the denormal spacing), about 3e-7 relative;
 * exp(±0) = 1 exactly, NaN → NaN, +Inf → +Inf, −Inf → 0, x ≥ 88.7229 → +Inf, x ≤ −103.98 → 0.
 */
#define EXP_MAGIC 12582912.0f /* 1.5·2^23 */
typedef struct ExpConsts {
  v128_t hi, lo, log2e, magic, ln2hi, ln2lo, c2, c3, c4, c5, one, rbias, rmax;
} ExpConsts;

INLINE ExpConsts exp_consts(void) {
  ExpConsts k = {SPLAT(89.0f), SPLAT(-104.0f), SPLAT(1.44269504088896341f), SPLAT(EXP_MAGIC),
                 SPLAT(0.693359375f), SPLAT(-2.12194440e-4f), SPLAT(0.499992311f),
                 SPLAT(0.166671142f), SPLAT(0.0418901108f), SPLAT(0.00831251591f), SPLAT(1.0f),
                 /* (bits(t) − bits(1.5·2^23) + 125) as unsigned ≤ 252, as a signed compare */
                 wasm_i32x4_splat((int32_t)(0x80000000u - 0x4B400000u + 125u)),
                 wasm_i32x4_splat((int32_t)(0x80000000u + 252u))};
  return k;
}

/* e^r ≈ 1 + (r + r²·(c2 + c3·r + (c4 + c5·r)·r²)): one rounding when 1 is added last. */
INLINE v128_t exp_poly(v128_t r, const ExpConsts *k) {
  v128_t r2 = wasm_f32x4_mul(r, r);
  v128_t a = wasm_f32x4_add(k->c2, wasm_f32x4_mul(k->c3, r));
  v128_t b = wasm_f32x4_add(k->c4, wasm_f32x4_mul(k->c5, r));
  v128_t q = wasm_f32x4_add(a, wasm_f32x4_mul(b, r2));
  return wasm_f32x4_add(k->one, wasm_f32x4_add(r, wasm_f32x4_mul(r2, q)));
}

/* The fast path; *bad gets all-ones in the lanes where its result is not valid. */
INLINE v128_t v_exp_fast(v128_t x, const ExpConsts *k, v128_t *bad) {
  v128_t n = wasm_f32x4_nearest(wasm_f32x4_mul(x, k->log2e));
  v128_t t = wasm_f32x4_add(n, k->magic);
  v128_t r = wasm_f32x4_sub(x, wasm_f32x4_mul(n, k->ln2hi));
  r = wasm_f32x4_sub(r, wasm_f32x4_mul(n, k->ln2lo));
  v128_t p = exp_poly(r, k);
  *bad = wasm_i32x4_gt(wasm_i32x4_add(t, k->rbias), k->rmax);
  return wasm_i32x4_add(p, wasm_i32x4_shl(t, 23));
}

/* The slow path: valid for every x. */
INLINE v128_t v_exp_full(v128_t x, const ExpConsts *k) {
  x = wasm_f32x4_pmax(wasm_f32x4_pmin(x, k->hi), k->lo);
  v128_t n = wasm_f32x4_nearest(wasm_f32x4_mul(x, k->log2e));
  v128_t r = wasm_f32x4_sub(x, wasm_f32x4_mul(n, k->ln2hi));
  r = wasm_f32x4_sub(r, wasm_f32x4_mul(n, k->ln2lo));
  v128_t p = exp_poly(r, k);
  v128_t ni = wasm_i32x4_sub(wasm_f32x4_add(n, k->magic), k->magic); /* n as an integer (NaN: any) */
  v128_t n1 = wasm_i32x4_shr(ni, 1);
  v128_t n2 = wasm_i32x4_sub(ni, n1);
  v128_t s1 = wasm_i32x4_add(wasm_i32x4_shl(n1, 23), k->one); /* bits of 1.0f are 127 << 23 */
  v128_t s2 = wasm_i32x4_add(wasm_i32x4_shl(n2, 23), k->one);
  return wasm_f32x4_mul(wasm_f32x4_mul(p, s1), s2); /* NaN stays NaN through the products */
}

INLINE v128_t v_exp_k(v128_t x, const ExpConsts *k) {
  v128_t bad;
  v128_t y = v_exp_fast(x, k, &bad);
  if (__builtin_expect(wasm_v128_any_true(bad), 0)) y = v_exp_full(x, k);
  return y;
}

INLINE v128_t v_exp(v128_t x) {
  ExpConsts k = exp_consts();
  return v_exp_k(x, &k);
}

/*
 * ln x: x = 2^e·m with m in [√½, √2), ln m = 2·atanh(s), s = (m−1)/(m+1), |s| < 0.172, by its
 * odd series to s^9. Denormals are scaled up first; 0 → −Inf, negatives → NaN, +Inf → +Inf.
 */
INLINE v128_t v_log(v128_t x) {
  v128_t tiny = wasm_f32x4_lt(x, SPLAT(1.17549435e-38f));
  v128_t xs = wasm_v128_bitselect(wasm_f32x4_mul(x, SPLAT(8388608.0f)), x, tiny);
  v128_t eadj = wasm_v128_and(tiny, SPLAT(23.0f));
  v128_t bits = xs;
  v128_t e = wasm_f32x4_convert_i32x4(wasm_i32x4_sub(wasm_u32x4_shr(bits, 23), wasm_i32x4_splat(127)));
  v128_t m = wasm_v128_or(wasm_v128_and(bits, wasm_i32x4_splat(0x007fffff)), wasm_i32x4_splat(0x3f800000));
  v128_t big = wasm_f32x4_gt(m, SPLAT(1.41421356f));
  m = wasm_v128_bitselect(wasm_f32x4_mul(m, SPLAT(0.5f)), m, big);
  e = wasm_f32x4_add(e, wasm_v128_and(big, SPLAT(1.0f)));
  e = wasm_f32x4_sub(e, eadj);
  v128_t s = wasm_f32x4_div(wasm_f32x4_sub(m, SPLAT(1.0f)), wasm_f32x4_add(m, SPLAT(1.0f)));
  v128_t z = wasm_f32x4_mul(s, s);
  v128_t p = SPLAT(2.0f / 9.0f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), SPLAT(2.0f / 7.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), SPLAT(2.0f / 5.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), SPLAT(2.0f / 3.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), SPLAT(2.0f));
  p = wasm_f32x4_mul(p, s);
  v128_t r = wasm_f32x4_add(wasm_f32x4_mul(e, SPLAT(0.693359375f)),
                            wasm_f32x4_add(p, wasm_f32x4_mul(e, SPLAT(-2.12194440e-4f))));
  r = wasm_v128_bitselect(SPLAT(-__builtin_inff()), r, wasm_f32x4_eq(x, SPLAT(0.0f)));
  r = wasm_v128_bitselect(SPLAT(__builtin_inff()), r, wasm_f32x4_eq(x, SPLAT(__builtin_inff())));
  /* x < 0 or NaN: NaN (the comparison is false for NaN, so test "not x >= 0"). */
  r = wasm_v128_bitselect(SPLAT(__builtin_nanf("")), r, wasm_v128_not(wasm_f32x4_ge(x, SPLAT(0.0f))));
  return r;
}

INLINE v128_t v_copysign(v128_t magnitude, v128_t sign_of) {
  v128_t sign = wasm_i32x4_splat((int32_t)0x80000000);
  return wasm_v128_or(wasm_v128_andnot(magnitude, sign), wasm_v128_and(sign_of, sign));
}

/* tanh: an odd Taylor polynomial below 0.25 (no cancellation), (1−e^{−2|x|})/(1+e^{−2|x|}) above. */
INLINE v128_t v_tanh(v128_t x) {
  v128_t a = wasm_f32x4_abs(x);
  v128_t t = v_exp(wasm_f32x4_mul(a, SPLAT(-2.0f)));
  v128_t big = wasm_f32x4_div(wasm_f32x4_sub(SPLAT(1.0f), t), wasm_f32x4_add(SPLAT(1.0f), t));
  v128_t z = wasm_f32x4_mul(a, a);
  v128_t p = SPLAT(62.0f / 2835.0f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), SPLAT(-17.0f / 315.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), SPLAT(2.0f / 15.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), SPLAT(-1.0f / 3.0f));
  p = wasm_f32x4_mul(wasm_f32x4_mul(p, z), a);
  v128_t small = wasm_f32x4_add(a, p);
  v128_t r = wasm_v128_bitselect(small, big, wasm_f32x4_lt(a, SPLAT(0.25f)));
  /* NaN: a is NaN, the comparison is false, big is NaN already. */
  return v_copysign(r, x);
}

/* 1/(1+e^{−x}); e^{−x} overflows to +Inf for very negative x, giving the right limit 0. */
INLINE v128_t v_sigmoid(v128_t x) {
  v128_t e = v_exp(wasm_f32x4_neg(x));
  return wasm_f32x4_div(SPLAT(1.0f), wasm_f32x4_add(SPLAT(1.0f), e));
}

/*
 * erf: its Maclaurin series to x^13 below 0.5; above, Abramowitz & Stegun 7.1.26
 * (1 − (a1 t + … + a5 t^5) e^{−x²}, t = 1/(1+p|x|), absolute error ≤ 1.5e-7).
 */
INLINE v128_t v_erf(v128_t x) {
  v128_t a = wasm_f32x4_abs(x);
  v128_t z = wasm_f32x4_mul(a, a);
  v128_t s = SPLAT(1.0f / 9360.0f);
  s = wasm_f32x4_add(wasm_f32x4_mul(s, z), SPLAT(-1.0f / 1320.0f));
  s = wasm_f32x4_add(wasm_f32x4_mul(s, z), SPLAT(1.0f / 216.0f));
  s = wasm_f32x4_add(wasm_f32x4_mul(s, z), SPLAT(-1.0f / 42.0f));
  s = wasm_f32x4_add(wasm_f32x4_mul(s, z), SPLAT(1.0f / 10.0f));
  s = wasm_f32x4_add(wasm_f32x4_mul(s, z), SPLAT(-1.0f / 3.0f));
  s = wasm_f32x4_add(wasm_f32x4_mul(s, z), SPLAT(1.0f));
  s = wasm_f32x4_mul(wasm_f32x4_mul(s, a), SPLAT(1.12837916709551257f));
  v128_t t = wasm_f32x4_div(SPLAT(1.0f), wasm_f32x4_add(SPLAT(1.0f), wasm_f32x4_mul(a, SPLAT(0.3275911f))));
  v128_t q = SPLAT(1.061405429f);
  q = wasm_f32x4_add(wasm_f32x4_mul(q, t), SPLAT(-1.453152027f));
  q = wasm_f32x4_add(wasm_f32x4_mul(q, t), SPLAT(1.421413741f));
  q = wasm_f32x4_add(wasm_f32x4_mul(q, t), SPLAT(-0.284496736f));
  q = wasm_f32x4_add(wasm_f32x4_mul(q, t), SPLAT(0.254829592f));
  q = wasm_f32x4_mul(q, t);
  v128_t big = wasm_f32x4_sub(SPLAT(1.0f), wasm_f32x4_mul(q, v_exp(wasm_f32x4_neg(z))));
  v128_t r = wasm_v128_bitselect(s, big, wasm_f32x4_lt(a, SPLAT(0.5f)));
  return v_copysign(r, x);
}

/*
 * max(x, 0) with NaN kept and −0 → +0. wasm's f32x4.max has exactly these semantics, but x86 has
 * no such instruction and V8 expands it to ~7; pmax(x, 0) (x < 0 ? 0 : x, NaN passes as x) is one
 * maxps, and adding +0 turns the −0 it lets through into +0 without changing anything else.
 */
INLINE v128_t v_relu(v128_t x) {
  v128_t zero = SPLAT(0.0f);
  return wasm_f32x4_add(wasm_f32x4_pmax(x, zero), zero);
}

/* Horizontal helpers. */
INLINE float hsum(v128_t v) {
  return wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1) +
         wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3);
}

INLINE float hmax(v128_t v) {
  v = wasm_f32x4_max(v, wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
  v = wasm_f32x4_max(v, wasm_i32x4_shuffle(v, v, 1, 0, 3, 2));
  return wasm_f32x4_extract_lane(v, 0);
}

/* Loads up to 4 floats (the rest 0) and stores back only n of them: for loop tails. */
INLINE v128_t load_part(const float *p, int n) {
  float t[4] = {0, 0, 0, 0};
  for (int i = 0; i < n; i++) t[i] = p[i];
  return wasm_v128_load(t);
}

INLINE void store_part(float *p, v128_t v, int n) {
  float t[4];
  wasm_v128_store(t, v);
  for (int i = 0; i < n; i++) p[i] = t[i];
}

#endif
