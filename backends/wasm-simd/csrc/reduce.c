/*
 * Reductions. JS rearranges every reduction into one of two layouts:
 *   rows:    x is [outer, len], reduce each contiguous row (reduced axes were last);
 *   columns: x is [outer, len, inner], reduce the middle axis (SIMD across `inner`).
 * Float sums and products accumulate in double and round once, like the oracle; max/min
 * propagate NaN (f32x4.max/min do). An empty reduction gives the op's identity.
 */
#include "vmath.h"

enum { R_SUM, R_PROD, R_MAX, R_MIN, R_ANY, R_ALL };

#define CHUNK 512

static double f64_sum(const float *x, int n, int step) {
  if (step != 1) {
    double s = 0;
    for (int i = 0; i < n; i++) s += x[(size_t)i * step];
    return s;
  }
  v128_t s0 = wasm_f64x2_splat(0), s1 = s0, s2 = s0, s3 = s0;
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    v128_t v = wasm_v128_load(x + i), w = wasm_v128_load(x + i + 4);
    s0 = wasm_f64x2_add(s0, wasm_f64x2_promote_low_f32x4(v));
    s1 = wasm_f64x2_add(s1, wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(v, v, 2, 3, 0, 1)));
    s2 = wasm_f64x2_add(s2, wasm_f64x2_promote_low_f32x4(w));
    s3 = wasm_f64x2_add(s3, wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(w, w, 2, 3, 0, 1)));
  }
  v128_t s = wasm_f64x2_add(wasm_f64x2_add(s0, s1), wasm_f64x2_add(s2, s3));
  double total = wasm_f64x2_extract_lane(s, 0) + wasm_f64x2_extract_lane(s, 1);
  for (; i < n; i++) total += x[i];
  return total;
}

/*
 * Four accumulators: V8 lowers the NaN-propagating f32x4.max/min to a chain of ~8 x86
 * instructions, so one accumulator is bound by that latency, not by memory.
 */
static float f32_maxmin(const float *x, int n, int is_max) {
  v128_t acc = SPLAT(is_max ? -__builtin_inff() : __builtin_inff());
  v128_t a1 = acc, a2 = acc, a3 = acc;
  int i = 0;
  if (is_max) {
    for (; i + 16 <= n; i += 16) {
      acc = wasm_f32x4_max(acc, wasm_v128_load(x + i));
      a1 = wasm_f32x4_max(a1, wasm_v128_load(x + i + 4));
      a2 = wasm_f32x4_max(a2, wasm_v128_load(x + i + 8));
      a3 = wasm_f32x4_max(a3, wasm_v128_load(x + i + 12));
    }
    acc = wasm_f32x4_max(wasm_f32x4_max(acc, a1), wasm_f32x4_max(a2, a3));
    for (; i + 4 <= n; i += 4) acc = wasm_f32x4_max(acc, wasm_v128_load(x + i));
  } else {
    for (; i + 16 <= n; i += 16) {
      acc = wasm_f32x4_min(acc, wasm_v128_load(x + i));
      a1 = wasm_f32x4_min(a1, wasm_v128_load(x + i + 4));
      a2 = wasm_f32x4_min(a2, wasm_v128_load(x + i + 8));
      a3 = wasm_f32x4_min(a3, wasm_v128_load(x + i + 12));
    }
    acc = wasm_f32x4_min(wasm_f32x4_min(acc, a1), wasm_f32x4_min(a2, a3));
    for (; i + 4 <= n; i += 4) acc = wasm_f32x4_min(acc, wasm_v128_load(x + i));
  }
  float r;
  if (is_max) {
    r = hmax(acc);
    for (; i < n; i++) r = __builtin_wasm_max_f32(r, x[i]);
  } else {
    acc = wasm_f32x4_min(acc, wasm_i32x4_shuffle(acc, acc, 2, 3, 0, 1));
    acc = wasm_f32x4_min(acc, wasm_i32x4_shuffle(acc, acc, 1, 0, 3, 2));
    r = wasm_f32x4_extract_lane(acc, 0);
    for (; i < n; i++) r = __builtin_wasm_min_f32(r, x[i]);
  }
  return r;
}

/* Row layout: out[o] = reduce(x[o, 0..len)). */
EXPORT(st_reduce_rows) void st_reduce_rows(int op, int dtype, const void *xv, void *ov, int outer, int len) {
  for (int o = 0; o < outer; o++) {
    size_t base = (size_t)o * len;
    if (dtype == DT_F32) {
      const float *x = (const float *)xv + base;
      float *out = ov;
      if (op == R_SUM) out[o] = (float)f64_sum(x, len, 1);
      else if (op == R_PROD) {
        double p = 1;
        for (int i = 0; i < len; i++) p *= x[i];
        out[o] = (float)p;
      } else out[o] = f32_maxmin(x, len, op == R_MAX);
    } else if (dtype == DT_I32) {
      const int32_t *x = (const int32_t *)xv + base;
      int32_t *out = ov;
      uint32_t acc;
      int32_t m;
      switch (op) {
        case R_SUM: acc = 0; for (int i = 0; i < len; i++) acc += (uint32_t)x[i]; out[o] = (int32_t)acc; break;
        case R_PROD: acc = 1; for (int i = 0; i < len; i++) acc *= (uint32_t)x[i]; out[o] = (int32_t)acc; break;
        case R_MAX: m = INT32_MIN; for (int i = 0; i < len; i++) m = x[i] > m ? x[i] : m; out[o] = m; break;
        default: m = INT32_MAX; for (int i = 0; i < len; i++) m = x[i] < m ? x[i] : m; out[o] = m; break;
      }
    } else {
      const uint8_t *x = (const uint8_t *)xv + base;
      uint8_t *out = ov;
      int r = op == R_ALL;
      if (op == R_ANY) { for (int i = 0; i < len; i++) if (x[i]) { r = 1; break; } }
      else { for (int i = 0; i < len; i++) if (!x[i]) { r = 0; break; } }
      out[o] = (uint8_t)r;
    }
  }
}

/* Column layout: out[o, j] = reduce over r of x[o, r, j], `inner` columns at a time in chunks. */
EXPORT(st_reduce_cols) void st_reduce_cols(int op, int dtype, const void *xv, void *ov, int outer, int len, int inner) {
  double acc[CHUNK];
  for (int o = 0; o < outer; o++) {
    for (int j0 = 0; j0 < inner; j0 += CHUNK) {
      int w = inner - j0 < CHUNK ? inner - j0 : CHUNK;
      size_t base = (size_t)o * len * inner + j0;
      size_t obase = (size_t)o * inner + j0;
      if (dtype == DT_F32) {
        const float *x = (const float *)xv + base;
        float *out = (float *)ov + obase;
        if (op == R_SUM || op == R_PROD) {
          double init = op == R_SUM ? 0.0 : 1.0;
          for (int j = 0; j < w; j++) acc[j] = init;
          for (int r = 0; r < len; r++) {
            const float *row = x + (size_t)r * inner;
            if (op == R_SUM) for (int j = 0; j < w; j++) acc[j] += row[j];
            else for (int j = 0; j < w; j++) acc[j] *= row[j];
          }
          for (int j = 0; j < w; j++) out[j] = (float)acc[j];
        } else {
          float init = op == R_MAX ? -__builtin_inff() : __builtin_inff();
          for (int j = 0; j < w; j++) out[j] = init;
          for (int r = 0; r < len; r++) {
            const float *row = x + (size_t)r * inner;
            int j = 0;
            if (op == R_MAX) {
              for (; j + 4 <= w; j += 4) wasm_v128_store(out + j, wasm_f32x4_max(wasm_v128_load(out + j), wasm_v128_load(row + j)));
              for (; j < w; j++) out[j] = __builtin_wasm_max_f32(out[j], row[j]);
            } else {
              for (; j + 4 <= w; j += 4) wasm_v128_store(out + j, wasm_f32x4_min(wasm_v128_load(out + j), wasm_v128_load(row + j)));
              for (; j < w; j++) out[j] = __builtin_wasm_min_f32(out[j], row[j]);
            }
          }
        }
      } else if (dtype == DT_I32) {
        const int32_t *x = (const int32_t *)xv + base;
        int32_t *out = (int32_t *)ov + obase;
        int32_t init = op == R_SUM ? 0 : op == R_PROD ? 1 : op == R_MAX ? INT32_MIN : INT32_MAX;
        for (int j = 0; j < w; j++) out[j] = init;
        for (int r = 0; r < len; r++) {
          const int32_t *row = x + (size_t)r * inner;
          switch (op) {
            case R_SUM: for (int j = 0; j < w; j++) out[j] = (int32_t)((uint32_t)out[j] + (uint32_t)row[j]); break;
            case R_PROD: for (int j = 0; j < w; j++) out[j] = (int32_t)((uint32_t)out[j] * (uint32_t)row[j]); break;
            case R_MAX: for (int j = 0; j < w; j++) out[j] = row[j] > out[j] ? row[j] : out[j]; break;
            default: for (int j = 0; j < w; j++) out[j] = row[j] < out[j] ? row[j] : out[j]; break;
          }
        }
      } else {
        const uint8_t *x = (const uint8_t *)xv + base;
        uint8_t *out = (uint8_t *)ov + obase;
        uint8_t init = op == R_ALL;
        for (int j = 0; j < w; j++) out[j] = init;
        for (int r = 0; r < len; r++) {
          const uint8_t *row = x + (size_t)r * inner;
          if (op == R_ANY) for (int j = 0; j < w; j++) out[j] |= row[j] != 0;
          else for (int j = 0; j < w; j++) out[j] &= row[j] != 0;
        }
      }
    }
  }
}

/* argMax/argMin over the middle axis of [outer, len, inner]; ties keep the first, the first NaN wins. */
EXPORT(st_arg_reduce) void st_arg_reduce(int is_max, int dtype, const void *xv, int32_t *out, int outer, int len, int inner) {
  for (int o = 0; o < outer; o++) {
    for (int j = 0; j < inner; j++) {
      size_t base = (size_t)o * len * inner + j;
      int best = 0;
      if (dtype == DT_F32) {
        const float *x = (const float *)xv + base;
        float bv = x[0];
        for (int k = 1; k < len && bv == bv; k++) {
          float v = x[(size_t)k * inner];
          if (v != v || (is_max ? v > bv : v < bv)) { best = k; bv = v; }
        }
      } else {
        const int32_t *x = (const int32_t *)xv + base;
        int32_t bv = x[0];
        for (int k = 1; k < len; k++) {
          int32_t v = x[(size_t)k * inner];
          if (is_max ? v > bv : v < bv) { best = k; bv = v; }
        }
      }
      out[(size_t)o * inner + j] = best;
    }
  }
}
