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

/* e^x: x = n·ln2 + r with |r| <= ln2/2, e^r by its Taylor series to r^7, then 2^n from exponent bits. */
INLINE v128_t v_exp(v128_t x) {
  x = wasm_f32x4_min(x, SPLAT(88.8f));   /* above: +Inf after scaling */
  x = wasm_f32x4_max(x, SPLAT(-104.0f)); /* below: 0 after scaling */
  v128_t n = wasm_f32x4_nearest(wasm_f32x4_mul(x, SPLAT(1.44269504088896341f)));
  /* ln2 split in two so that n·hi is exact and r keeps its low bits. */
  v128_t r = wasm_f32x4_sub(x, wasm_f32x4_mul(n, SPLAT(0.693359375f)));
  r = wasm_f32x4_sub(r, wasm_f32x4_mul(n, SPLAT(-2.12194440e-4f)));
  v128_t p = SPLAT(1.0f / 5040.0f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), SPLAT(1.0f / 720.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), SPLAT(1.0f / 120.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), SPLAT(1.0f / 24.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), SPLAT(1.0f / 6.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), SPLAT(0.5f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), SPLAT(1.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), SPLAT(1.0f));
  /* n is in [-150, 128]: scale in two halves so each power of two is a normal float. */
  v128_t ni = wasm_i32x4_trunc_sat_f32x4(n);
  v128_t n1 = wasm_i32x4_shr(ni, 1);
  v128_t n2 = wasm_i32x4_sub(ni, n1);
  v128_t s1 = wasm_i32x4_shl(wasm_i32x4_add(n1, wasm_i32x4_splat(127)), 23);
  v128_t s2 = wasm_i32x4_shl(wasm_i32x4_add(n2, wasm_i32x4_splat(127)), 23);
  return wasm_f32x4_mul(wasm_f32x4_mul(p, s1), s2);
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
