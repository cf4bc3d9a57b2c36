/*
 * Row-wise kernels over the last axis: softmax, log-softmax, layerNorm, batchNorm, and the
 * bias + activation epilogue of fusedMatMul. exp/log/tanh/sigmoid come from vmath.h.
 */
#include "vmath.h"

static float row_max(const float *x, int len) {
  v128_t m = SPLAT(-__builtin_inff());
  int i = 0;
  for (; i + 4 <= len; i += 4) m = wasm_f32x4_max(m, wasm_v128_load(x + i));
  float r = hmax(m);
  for (; i < len; i++) r = __builtin_wasm_max_f32(r, x[i]);
  return r; /* NaN if the row has one: it then spreads to the whole row, as in the oracle */
}

/* Subtracting the row max keeps exp from overflowing. `log` selects log-softmax. */
EXPORT(st_softmax) void st_softmax(const float *x, float *out, int rows, int len, int log) {
  for (int r = 0; r < rows; r++) {
    const float *xr = x + (size_t)r * len;
    float *o = out + (size_t)r * len;
    v128_t max = SPLAT(row_max(xr, len));
    v128_t sum = SPLAT(0.0f);
    int i = 0;
    for (; i + 4 <= len; i += 4) {
      v128_t e = v_exp(wasm_f32x4_sub(wasm_v128_load(xr + i), max));
      if (!log) wasm_v128_store(o + i, e);
      sum = wasm_f32x4_add(sum, e);
    }
    float total = hsum(sum);
    if (i < len) {
      int n = len - i;
      v128_t e = v_exp(wasm_f32x4_sub(load_part(xr + i, n), max));
      float t[4];
      wasm_v128_store(t, e);
      for (int j = 0; j < n; j++) {
        if (!log) o[i + j] = t[j];
        total += t[j];
      }
    }
    if (log) {
      /* (x − max) is exact for nearby values; subtracting max + log(sum) at once would round at |max|. */
      v128_t lse = v_log(SPLAT(total));
      for (i = 0; i + 4 <= len; i += 4)
        wasm_v128_store(o + i, wasm_f32x4_sub(wasm_f32x4_sub(wasm_v128_load(xr + i), max), lse));
      float m = wasm_f32x4_extract_lane(max, 0), l = wasm_f32x4_extract_lane(lse, 0);
      for (; i < len; i++) o[i] = (xr[i] - m) - l;
    } else {
      v128_t inv = SPLAT(1.0f / total);
      for (i = 0; i + 4 <= len; i += 4) wasm_v128_store(o + i, wasm_f32x4_mul(wasm_v128_load(o + i), inv));
      float s = 1.0f / total;
      for (; i < len; i++) o[i] *= s;
    }
  }
}

/* (x − mean)/√(var + ε)·γ + β per row; mean and (biased) variance summed in double. */
EXPORT(st_layer_norm) void st_layer_norm(const float *x, const float *gamma, const float *beta, float *out, int rows, int len, float epsilon) {
  for (int r = 0; r < rows; r++) {
    const float *xr = x + (size_t)r * len;
    float *o = out + (size_t)r * len;
    double s = 0;
    for (int i = 0; i < len; i++) s += xr[i];
    double mean = s / len;
    double v = 0;
    for (int i = 0; i < len; i++) { double d = xr[i] - mean; v += d * d; }
    float inv = (float)(1.0 / __builtin_sqrt(v / len + epsilon));
    v128_t vm = SPLAT((float)mean), vi = SPLAT(inv);
    int i = 0;
    for (; i + 4 <= len; i += 4) {
      v128_t y = wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(xr + i), vm), vi);
      wasm_v128_store(o + i, wasm_f32x4_add(wasm_f32x4_mul(y, wasm_v128_load(gamma + i)), wasm_v128_load(beta + i)));
    }
    for (; i < len; i++) o[i] = (xr[i] - (float)mean) * inv * gamma[i] + beta[i];
  }
}

EXPORT(st_batch_norm) void st_batch_norm(const float *x, const float *mean, const float *variance, const float *offset,
                                         const float *scale, float *out, int rows, int len, float epsilon) {
  v128_t eps = SPLAT(epsilon);
  for (int r = 0; r < rows; r++) {
    const float *xr = x + (size_t)r * len;
    float *o = out + (size_t)r * len;
    int i = 0;
    for (; i + 4 <= len; i += 4) {
      v128_t d = wasm_f32x4_sub(wasm_v128_load(xr + i), wasm_v128_load(mean + i));
      v128_t y = wasm_f32x4_div(d, wasm_f32x4_sqrt(wasm_f32x4_add(wasm_v128_load(variance + i), eps)));
      wasm_v128_store(o + i, wasm_f32x4_add(wasm_f32x4_mul(y, wasm_v128_load(scale + i)), wasm_v128_load(offset + i)));
    }
    for (; i < len; i++) o[i] = (xr[i] - mean[i]) / __builtin_sqrtf(variance[i] + epsilon) * scale[i] + offset[i];
  }
}

enum { ACT_LINEAR, ACT_RELU, ACT_SIGMOID, ACT_TANH };

INLINE v128_t activate(v128_t v, int act) {
  switch (act) {
    case ACT_RELU: return v_relu(v);
    case ACT_SIGMOID: return v_sigmoid(v);
    case ACT_TANH: return v_tanh(v);
    default: return v;
  }
}

/* c[rows, n] = act(c + bias[n]); bias 0 means none. In place. */
EXPORT(st_bias_act) void st_bias_act(float *c, int rows, int n, const float *bias, int act) {
  for (int r = 0; r < rows; r++) {
    float *row = c + (size_t)r * n;
    int j = 0;
    for (; j + 4 <= n; j += 4) {
      v128_t v = wasm_v128_load(row + j);
      if (bias) v = wasm_f32x4_add(v, wasm_v128_load(bias + j));
      wasm_v128_store(row + j, activate(v, act));
    }
    if (j < n) {
      v128_t v = load_part(row + j, n - j);
      if (bias) v = wasm_f32x4_add(v, load_part(bias + j, n - j));
      store_part(row + j, activate(v, act), n - j);
    }
  }
}

/* s[i] = s[i]·scale (+ add[i] when add is not 0), in place: the scores step of attention. */
EXPORT(st_scale_add) void st_scale_add(float *s, int n, float scale, const float *add) {
  v128_t vs = SPLAT(scale);
  int i = 0;
  if (add) {
    for (; i + 4 <= n; i += 4) wasm_v128_store(s + i, wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(s + i), vs), wasm_v128_load(add + i)));
    for (; i < n; i++) s[i] = s[i] * scale + add[i];
  } else {
    for (; i + 4 <= n; i += 4) wasm_v128_store(s + i, wasm_f32x4_mul(wasm_v128_load(s + i), vs));
    for (; i < n; i++) s[i] *= scale;
  }
}
