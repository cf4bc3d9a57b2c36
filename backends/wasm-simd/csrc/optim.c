/* Optimizer steps (float32, SIMD): Adam with bias correction folded into the step size, and SGD. */
#include "common.h"

/* m' = β1·m + (1−β1)·g; v' = β2·v + (1−β2)·g²; p' = p − stepSize·m'/(√v' + ε). */
EXPORT(st_adam) void st_adam(const float *p, const float *g, const float *m, const float *v, float *po, float *mo, float *vo,
                             int n, double step_size, double beta1, double beta2, double epsilon) {
  float b1 = (float)beta1, c1 = (float)(1.0 - beta1), b2 = (float)beta2, c2 = (float)(1.0 - beta2);
  float lr = (float)step_size, eps = (float)epsilon;
  v128_t vb1 = wasm_f32x4_splat(b1), vc1 = wasm_f32x4_splat(c1), vb2 = wasm_f32x4_splat(b2), vc2 = wasm_f32x4_splat(c2);
  v128_t vlr = wasm_f32x4_splat(lr), veps = wasm_f32x4_splat(eps);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t gi = wasm_v128_load(g + i);
    v128_t mi = wasm_f32x4_add(wasm_f32x4_mul(vb1, wasm_v128_load(m + i)), wasm_f32x4_mul(vc1, gi));
    v128_t vi = wasm_f32x4_add(wasm_f32x4_mul(vb2, wasm_v128_load(v + i)), wasm_f32x4_mul(vc2, wasm_f32x4_mul(gi, gi)));
    v128_t step = wasm_f32x4_div(wasm_f32x4_mul(vlr, mi), wasm_f32x4_add(wasm_f32x4_sqrt(vi), veps));
    wasm_v128_store(po + i, wasm_f32x4_sub(wasm_v128_load(p + i), step));
    wasm_v128_store(mo + i, mi);
    wasm_v128_store(vo + i, vi);
  }
  for (; i < n; i++) {
    float mi = b1 * m[i] + c1 * g[i];
    float vi = b2 * v[i] + c2 * g[i] * g[i];
    po[i] = p[i] - lr * mi / (__builtin_sqrtf(vi) + eps);
    mo[i] = mi;
    vo[i] = vi;
  }
}

/* Keras SGD: v' = μ·v − lr·g; p' = p + v' (Nesterov: p + μ·v' − lr·g). μ = 0: p − lr·g, v copied. */
EXPORT(st_sgd) void st_sgd(const float *p, const float *g, const float *v, float *po, float *vo, int n,
                           double learning_rate, double momentum, int nesterov) {
  float lr = (float)learning_rate, mu = (float)momentum;
  for (int i = 0; i < n; i++) {
    if (mu == 0.0f) {
      po[i] = p[i] - lr * g[i];
      vo[i] = v[i];
      continue;
    }
    float vi = mu * v[i] - lr * g[i];
    vo[i] = vi;
    po[i] = nesterov ? p[i] + mu * vi - lr * g[i] : p[i] + vi;
  }
}
