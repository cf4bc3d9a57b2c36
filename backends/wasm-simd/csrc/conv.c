/*
 * 2-D convolutions (NHWC, filter [kh, kw, c, f]) on the packed GEMM.
 *
 * The filter already is a [kh·kw·c, f] matrix, so conv2d is im2col · filter, its input gradient
 * is (dy · filterᵀ) scattered back by col2im, and its filter gradient is im2colᵀ · dy. The
 * im2col matrix is built a block of rows at a time in scratch memory (at most ~2 MiB), so memory
 * stays bounded for large batches; 1×1 stride-1 unpadded convolutions skip it entirely.
 */
#include "common.h"

void st_gemm(int M, int N, int K, const float *A, int rsA, int csA, const float *B, int rsB, int csB,
             float *C, int ldc, int accumulate);

#define SCRATCH_BYTES (2 << 20)

typedef struct Geometry {
  int batch, in_h, in_w, in_c, out_h, out_w, kh, kw, sy, sx, dy, dx, pad_top, pad_left, out_c;
} Geometry;

static Geometry read_geometry(void) {
  const int32_t *a = st_arg_area;
  Geometry g = {a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14]};
  return g;
}

static int is_pointwise(const Geometry *g) {
  return g->kh == 1 && g->kw == 1 && g->sy == 1 && g->sx == 1 && g->pad_top == 0 && g->pad_left == 0 &&
         g->out_h == g->in_h && g->out_w == g->in_w;
}

/* Rows per im2col block: as many as fit the scratch budget, at least 4. */
static int block_rows(const Geometry *g, int rows) {
  int k = g->kh * g->kw * g->in_c;
  int r = SCRATCH_BYTES / (k * 4);
  if (r < 4) r = 4;
  return r < rows ? r : rows;
}

/* Writes rows [r0, r0+count) of the im2col matrix ([pixels, kh·kw·c]) into col. */
static void im2col(const Geometry *g, const float *x, float *col, int r0, int count) {
  int k = g->kh * g->kw * g->in_c;
  int plane = g->out_h * g->out_w;
  size_t run = (size_t)g->in_c * 4;
  for (int r = 0; r < count; r++) {
    int row = r0 + r;
    int b = row / plane, rem = row % plane;
    int oy = rem / g->out_w, ox = rem % g->out_w;
    float *dst = col + (size_t)r * k;
    for (int ky = 0; ky < g->kh; ky++) {
      int iy = oy * g->sy - g->pad_top + ky * g->dy;
      for (int kx = 0; kx < g->kw; kx++) {
        int ix = ox * g->sx - g->pad_left + kx * g->dx;
        float *d = dst + (size_t)(ky * g->kw + kx) * g->in_c;
        if (iy < 0 || iy >= g->in_h || ix < 0 || ix >= g->in_w) set_bytes(d, 0, run);
        else copy_bytes(d, x + (((size_t)b * g->in_h + iy) * g->in_w + ix) * g->in_c, run);
      }
    }
  }
}

/* Adds rows [r0, r0+count) of a column-gradient matrix back onto the input pixels they read. */
static void col2im_add(const Geometry *g, const float *col, float *dxp, int r0, int count) {
  int k = g->kh * g->kw * g->in_c;
  int plane = g->out_h * g->out_w;
  for (int r = 0; r < count; r++) {
    int row = r0 + r;
    int b = row / plane, rem = row % plane;
    int oy = rem / g->out_w, ox = rem % g->out_w;
    const float *src = col + (size_t)r * k;
    for (int ky = 0; ky < g->kh; ky++) {
      int iy = oy * g->sy - g->pad_top + ky * g->dy;
      if (iy < 0 || iy >= g->in_h) continue;
      for (int kx = 0; kx < g->kw; kx++) {
        int ix = ox * g->sx - g->pad_left + kx * g->dx;
        if (ix < 0 || ix >= g->in_w) continue;
        const float *s = src + (size_t)(ky * g->kw + kx) * g->in_c;
        float *d = dxp + (((size_t)b * g->in_h + iy) * g->in_w + ix) * g->in_c;
        int c = 0;
        for (; c + 4 <= g->in_c; c += 4) wasm_v128_store(d + c, wasm_f32x4_add(wasm_v128_load(d + c), wasm_v128_load(s + c)));
        for (; c < g->in_c; c++) d[c] += s[c];
      }
    }
  }
}

/* out [n, oh, ow, f] = conv(x, filter). Geometry in st_arg_area. */
EXPORT(st_conv2d) int st_conv2d(const float *x, const float *w, float *out) {
  Geometry g = read_geometry();
  int rows = g.batch * g.out_h * g.out_w;
  int k = g.kh * g.kw * g.in_c;
  if (rows == 0 || g.out_c == 0) return ST_OK;
  if (is_pointwise(&g)) {
    st_gemm(rows, g.out_c, k, x, k, 1, w, g.out_c, 1, out, g.out_c, 0);
    return ST_OK;
  }
  int block = block_rows(&g, rows);
  float *col = st_scratch((size_t)block * k * 4);
  if (col == 0) return ST_NO_MEMORY;
  for (int r0 = 0; r0 < rows; r0 += block) {
    int count = rows - r0 < block ? rows - r0 : block;
    im2col(&g, x, col, r0, count);
    st_gemm(count, g.out_c, k, col, k, 1, w, g.out_c, 1, out + (size_t)r0 * g.out_c, g.out_c, 0);
  }
  st_free(col);
  return ST_OK;
}

/* dx [n, h, w, c] from dy [n, oh, ow, f] and the filter. */
EXPORT(st_conv2d_backprop_input) int st_conv2d_backprop_input(const float *dy, const float *w, float *dxp) {
  Geometry g = read_geometry();
  int rows = g.batch * g.out_h * g.out_w;
  int k = g.kh * g.kw * g.in_c;
  size_t dx_size = (size_t)g.batch * g.in_h * g.in_w * g.in_c;
  if (is_pointwise(&g)) {
    /* dx = dy · filterᵀ; op(B)(p=f, j=c) = w[c·f_count + f]. */
    st_gemm(rows, g.in_c, g.out_c, dy, g.out_c, 1, w, 1, g.out_c, dxp, g.in_c, 0);
    return ST_OK;
  }
  set_bytes(dxp, 0, dx_size * 4);
  if (rows == 0 || k == 0) return ST_OK;
  int block = block_rows(&g, rows);
  float *col = st_scratch((size_t)block * k * 4);
  if (col == 0) return ST_NO_MEMORY;
  for (int r0 = 0; r0 < rows; r0 += block) {
    int count = rows - r0 < block ? rows - r0 : block;
    st_gemm(count, k, g.out_c, dy + (size_t)r0 * g.out_c, g.out_c, 1, w, 1, g.out_c, col, k, 0);
    col2im_add(&g, col, dxp, r0, count);
  }
  st_free(col);
  return ST_OK;
}

/* dw [kh, kw, c, f] = Σ over pixels of im2col(x)ᵀ · dy. */
EXPORT(st_conv2d_backprop_filter) int st_conv2d_backprop_filter(const float *x, const float *dy, float *dw) {
  Geometry g = read_geometry();
  int rows = g.batch * g.out_h * g.out_w;
  int k = g.kh * g.kw * g.in_c;
  if (rows == 0) {
    set_bytes(dw, 0, (size_t)k * g.out_c * 4);
    return ST_OK;
  }
  if (is_pointwise(&g)) {
    st_gemm(k, g.out_c, rows, x, 1, k, dy, g.out_c, 1, dw, g.out_c, 0);
    return ST_OK;
  }
  int block = block_rows(&g, rows);
  float *col = st_scratch((size_t)block * k * 4);
  if (col == 0) return ST_NO_MEMORY;
  for (int r0 = 0; r0 < rows; r0 += block) {
    int count = rows - r0 < block ? rows - r0 : block;
    im2col(&g, x, col, r0, count);
    /* op(A)(i=kk, p=row) = col[row·k + kk]. */
    st_gemm(k, g.out_c, count, col, 1, k, dy + (size_t)r0 * g.out_c, g.out_c, 1, dw, g.out_c, r0 > 0);
  }
  st_free(col);
  return ST_OK;
}

/* Depthwise: out channel c·m + j = Σ over taps of x[..., c] · w[ky, kx, c, j]. out_c = c·m. */
EXPORT(st_depthwise_conv2d) void st_depthwise_conv2d(const float *x, const float *w, float *out) {
  Geometry g = read_geometry();
  int oc = g.out_c, m = g.out_c / (g.in_c > 0 ? g.in_c : 1);
  for (int b = 0; b < g.batch; b++) {
    for (int oy = 0; oy < g.out_h; oy++) {
      for (int ox = 0; ox < g.out_w; ox++) {
        float *o = out + (((size_t)b * g.out_h + oy) * g.out_w + ox) * oc;
        set_bytes(o, 0, (size_t)oc * 4);
        for (int ky = 0; ky < g.kh; ky++) {
          int iy = oy * g.sy - g.pad_top + ky * g.dy;
          if (iy < 0 || iy >= g.in_h) continue;
          for (int kx = 0; kx < g.kw; kx++) {
            int ix = ox * g.sx - g.pad_left + kx * g.dx;
            if (ix < 0 || ix >= g.in_w) continue;
            const float *xi = x + (((size_t)b * g.in_h + iy) * g.in_w + ix) * g.in_c;
            const float *wt = w + (size_t)(ky * g.kw + kx) * oc;
            if (m == 1) {
              int c = 0;
              for (; c + 4 <= oc; c += 4)
                wasm_v128_store(o + c, wasm_f32x4_add(wasm_v128_load(o + c), wasm_f32x4_mul(wasm_v128_load(xi + c), wasm_v128_load(wt + c))));
              for (; c < oc; c++) o[c] += xi[c] * wt[c];
            } else {
              for (int c = 0; c < g.in_c; c++)
                for (int j = 0; j < m; j++) o[c * m + j] += xi[c] * wt[c * m + j];
            }
          }
        }
      }
    }
  }
}
