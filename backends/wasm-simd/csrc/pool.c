/*
 * 2-D pooling (NHWC) and its gradients. Window (oy, ox) covers rows oy·sy − pad_top + ky and
 * columns ox·sx − pad_left + kx; padded taps never win a max and are not counted by an average.
 * Channels are innermost, so forward passes run SIMD across channels.
 */
#include "vmath.h"

typedef struct PoolGeometry {
  int batch, in_h, in_w, c, out_h, out_w, fh, fw, sy, sx, pad_top, pad_left;
} PoolGeometry;

static PoolGeometry read_pool(void) {
  const int32_t *a = st_arg_area;
  PoolGeometry g = {a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11]};
  return g;
}

/* The in-bounds window of output pixel (oy, ox): rows [y0, y1), columns [x0, x1). */
static void window(const PoolGeometry *g, int oy, int ox, int *y0, int *y1, int *x0, int *x1) {
  int ys = oy * g->sy - g->pad_top, xs = ox * g->sx - g->pad_left;
  *y0 = ys < 0 ? 0 : ys;
  *y1 = ys + g->fh > g->in_h ? g->in_h : ys + g->fh;
  *x0 = xs < 0 ? 0 : xs;
  *x1 = xs + g->fw > g->in_w ? g->in_w : xs + g->fw;
}

#define PIXEL(g, b, y, x) ((((size_t)(b) * (g).in_h + (y)) * (g).in_w + (x)) * (g).c)
#define OUT_PIXEL(g, b, y, x) ((((size_t)(b) * (g).out_h + (y)) * (g).out_w + (x)) * (g).c)

EXPORT(st_max_pool) void st_max_pool(const float *x, float *out) {
  PoolGeometry g = read_pool();
  for (int b = 0; b < g.batch; b++)
    for (int oy = 0; oy < g.out_h; oy++)
      for (int ox = 0; ox < g.out_w; ox++) {
        int y0, y1, x0, x1;
        window(&g, oy, ox, &y0, &y1, &x0, &x1);
        float *o = out + OUT_PIXEL(g, b, oy, ox);
        for (int c = 0; c < g.c; c++) o[c] = -__builtin_inff();
        for (int y = y0; y < y1; y++)
          for (int xx = x0; xx < x1; xx++) {
            const float *xi = x + PIXEL(g, b, y, xx);
            int c = 0;
            for (; c + 4 <= g.c; c += 4) wasm_v128_store(o + c, wasm_f32x4_max(wasm_v128_load(o + c), wasm_v128_load(xi + c)));
            for (; c < g.c; c++) o[c] = __builtin_wasm_max_f32(o[c], xi[c]);
          }
      }
}

/* Each dy goes to the first maximum of its window (row-major order); the first NaN wins. */
EXPORT(st_max_pool_backprop) void st_max_pool_backprop(const float *dy, const float *x, float *dxp) {
  PoolGeometry g = read_pool();
  set_bytes(dxp, 0, (size_t)g.batch * g.in_h * g.in_w * g.c * 4);
  for (int b = 0; b < g.batch; b++)
    for (int oy = 0; oy < g.out_h; oy++)
      for (int ox = 0; ox < g.out_w; ox++) {
        int y0, y1, x0, x1;
        window(&g, oy, ox, &y0, &y1, &x0, &x1);
        if (y0 >= y1 || x0 >= x1) continue;
        const float *d = dy + OUT_PIXEL(g, b, oy, ox);
        for (int c = 0; c < g.c; c++) {
          size_t best = PIXEL(g, b, y0, x0) + c;
          float bv = x[best];
          for (int y = y0; y < y1 && bv == bv; y++)
            for (int xx = x0; xx < x1; xx++) {
              size_t at = PIXEL(g, b, y, xx) + c;
              float v = x[at];
              if (v != v) { best = at; bv = v; break; }
              if (v > bv) { best = at; bv = v; }
            }
          dxp[best] += d[c];
        }
      }
}

EXPORT(st_avg_pool) void st_avg_pool(const float *x, float *out) {
  PoolGeometry g = read_pool();
  for (int b = 0; b < g.batch; b++)
    for (int oy = 0; oy < g.out_h; oy++)
      for (int ox = 0; ox < g.out_w; ox++) {
        int y0, y1, x0, x1;
        window(&g, oy, ox, &y0, &y1, &x0, &x1);
        float *o = out + OUT_PIXEL(g, b, oy, ox);
        set_bytes(o, 0, (size_t)g.c * 4);
        int count = (y1 - y0) * (x1 - x0);
        if (y1 <= y0 || x1 <= x0) continue; /* all padding: 0, not 0/0 */
        for (int y = y0; y < y1; y++)
          for (int xx = x0; xx < x1; xx++) {
            const float *xi = x + PIXEL(g, b, y, xx);
            int c = 0;
            for (; c + 4 <= g.c; c += 4) wasm_v128_store(o + c, wasm_f32x4_add(wasm_v128_load(o + c), wasm_v128_load(xi + c)));
            for (; c < g.c; c++) o[c] += xi[c];
          }
        for (int c = 0; c < g.c; c++) o[c] /= (float)count;
      }
}

/* Each dy is shared equally among its window's non-padding taps. */
EXPORT(st_avg_pool_backprop) void st_avg_pool_backprop(const float *dy, float *dxp) {
  PoolGeometry g = read_pool();
  set_bytes(dxp, 0, (size_t)g.batch * g.in_h * g.in_w * g.c * 4);
  for (int b = 0; b < g.batch; b++)
    for (int oy = 0; oy < g.out_h; oy++)
      for (int ox = 0; ox < g.out_w; ox++) {
        int y0, y1, x0, x1;
        window(&g, oy, ox, &y0, &y1, &x0, &x1);
        if (y1 <= y0 || x1 <= x0) continue;
        v128_t inv = wasm_f32x4_splat(1.0f / (float)((y1 - y0) * (x1 - x0)));
        float invs = 1.0f / (float)((y1 - y0) * (x1 - x0));
        const float *d = dy + OUT_PIXEL(g, b, oy, ox);
        for (int y = y0; y < y1; y++)
          for (int xx = x0; xx < x1; xx++) {
            float *o = dxp + PIXEL(g, b, y, xx);
            int c = 0;
            for (; c + 4 <= g.c; c += 4)
              wasm_v128_store(o + c, wasm_f32x4_add(wasm_v128_load(o + c), wasm_f32x4_mul(wasm_v128_load(d + c), inv)));
            for (; c < g.c; c++) o[c] += d[c] * invs;
          }
      }
}
