/*
 * 2-D convolutions (NHWC, filter [kh, kw, c, f]) on the packed GEMM.
 *
 * The filter already is a [kh·kw·c, f] matrix, so conv2d is im2col · filter, its input gradient
 * is (dy · filterᵀ) scattered back by col2im, and its filter gradient is im2colᵀ · dy. The
 * im2col matrix is built a block of rows at a time in scratch memory (at most ~2 MiB), so memory
 * stays bounded for large batches; 1×1 stride-1 unpadded convolutions skip it entirely.
 *
 * On the thread pool: the forward pass hands out im2col blocks (each thread has its own block
 * of scratch); the input gradient hands out whole images, since col2im of neighbouring rows
 * adds into the same pixels; the filter gradient hands out ranges of its rows (filter taps and
 * channels), each building only its own columns of im2col. None of these changes the order in
 * which any output element is summed.
 */
#include "common.h"

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

/* Makes blocks small enough for 2 per thread (at least 4 rows each). */
static int limit_block(int block, int rows, int nt) {
  int share = (rows + 2 * nt - 1) / (2 * nt);
  share = (share + 3) / 4 * 4;
  return share < block ? share : block;
}

typedef struct ConvJob {
  const Geometry *g;
  const float *in;  /* x (forward) or dy (input gradient) */
  const float *w;
  float *out;       /* out (forward) or dx (input gradient) */
  float *cols;      /* one im2col block per thread */
  int block, rows, k;
} ConvJob;

static void forward_task(void *ctx, int task, int tid) {
  const ConvJob *j = ctx;
  int r0 = task * j->block;
  int count = j->rows - r0 < j->block ? j->rows - r0 : j->block;
  int out_c = j->g->out_c;
  float *col = j->cols + (size_t)tid * j->block * j->k;
  im2col(j->g, j->in, col, r0, count);
  gemm_on(tid, count, out_c, j->k, col, j->k, 1, j->w, out_c, 1, j->out + (size_t)r0 * out_c, out_c, 0);
}

/* Input gradient of the pixel rows [r0, r1), a block at a time, on thread tid. */
static void backprop_input_rows(const ConvJob *j, int r0, int r1, int tid) {
  const Geometry *g = j->g;
  float *col = j->cols + (size_t)tid * j->block * j->k;
  for (int r = r0; r < r1; r += j->block) {
    int count = r1 - r < j->block ? r1 - r : j->block;
    gemm_on(tid, count, j->k, g->out_c, j->in + (size_t)r * g->out_c, g->out_c, 1, j->w, 1, g->out_c, col, j->k, 0);
    col2im_add(g, col, j->out, r, count);
  }
}

/* Task t: the images [t·block, ...) of the batch (here `block` counts images). */
typedef struct ImageJob {
  const ConvJob *conv;
  int images_per_task;
} ImageJob;

static void backprop_input_task(void *ctx, int task, int tid) {
  const ImageJob *j = ctx;
  const Geometry *g = j->conv->g;
  int plane = g->out_h * g->out_w;
  int b0 = task * j->images_per_task;
  int b1 = b0 + j->images_per_task < g->batch ? b0 + j->images_per_task : g->batch;
  backprop_input_rows(j->conv, b0 * plane, b1 * plane, tid);
}

/* Columns [k0, k1) of im2col rows [r0, r0+count) into col, whose rows are k1 − k0 long. */
static void im2col_columns(const Geometry *g, const float *x, float *col, int r0, int count, int k0, int k1) {
  int c = g->in_c, width = k1 - k0;
  int plane = g->out_h * g->out_w;
  int t0 = k0 / c, t1 = (k1 - 1) / c; /* the filter taps the columns touch */
  for (int r = 0; r < count; r++) {
    int row = r0 + r;
    int b = row / plane, rem = row % plane;
    int oy = rem / g->out_w, ox = rem % g->out_w;
    for (int t = t0; t <= t1; t++) {
      int ky = t / g->kw, kx = t % g->kw;
      int lo = t == t0 ? k0 - t * c : 0, hi = t == t1 ? k1 - t * c : c;
      float *d = col + (size_t)r * width + (t * c + lo - k0);
      size_t run = (size_t)(hi - lo) * 4;
      int iy = oy * g->sy - g->pad_top + ky * g->dy, ix = ox * g->sx - g->pad_left + kx * g->dx;
      if (iy < 0 || iy >= g->in_h || ix < 0 || ix >= g->in_w) set_bytes(d, 0, run);
      else copy_bytes(d, x + (((size_t)b * g->in_h + iy) * g->in_w + ix) * c + lo, run);
    }
  }
}

typedef struct FilterJob {
  const Geometry *g;
  const float *x, *dy;
  float *dw;
  float *cols; /* one im2col block per thread */
  int block, rows, k, step;
} FilterJob;

static void filter_task(void *ctx, int task, int tid) {
  const FilterJob *j = ctx;
  int out_c = j->g->out_c;
  int k0 = task * j->step, k1 = k0 + j->step < j->k ? k0 + j->step : j->k, width = k1 - k0;
  float *col = j->cols + (size_t)tid * j->block * j->k;
  for (int r0 = 0; r0 < j->rows; r0 += j->block) {
    int count = j->rows - r0 < j->block ? j->rows - r0 : j->block;
    im2col_columns(j->g, j->x, col, r0, count, k0, k1);
    gemm_on(tid, width, out_c, count, col, 1, width, j->dy + (size_t)r0 * out_c, out_c, 1, j->dw + (size_t)k0 * out_c,
            out_c, r0 > 0);
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
  double work = 2.0 * rows * k * g.out_c;
  int nt = par_threads(work);
  int block = block_rows(&g, rows);
  /* Enough blocks that every thread gets a few. */
  if (nt > 1) block = limit_block(block, rows, nt);
  float *cols = st_scratch((size_t)nt * block * k * 4);
  if (cols == 0) return ST_NO_MEMORY;
  ConvJob j = {&g, x, w, out, cols, block, rows, k};
  par_for(forward_task, &j, (rows + block - 1) / block, work);
  st_free(cols);
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
  double work = 2.0 * rows * k * g.out_c;
  int nt = par_threads(work);
  int block = block_rows(&g, rows);
  if (nt > 1 && g.batch >= 2) {
    /* Whole images per task: col2im never adds into another task's pixels. */
    float *cols = st_scratch((size_t)nt * block * k * 4);
    if (cols == 0) return ST_NO_MEMORY;
    ConvJob c = {&g, dy, w, dxp, cols, block, rows, k};
    int tasks = g.batch < 2 * nt ? g.batch : 2 * nt;
    ImageJob j = {&c, (g.batch + tasks - 1) / tasks};
    par_for(backprop_input_task, &j, (g.batch + j.images_per_task - 1) / j.images_per_task, work);
    st_free(cols);
    return ST_OK;
  }
  /* One image (or one thread): each block's GEMM is split over the pool, col2im runs here. */
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
  double work = 2.0 * rows * k * g.out_c;
  int nt = par_threads(work);
  int block = block_rows(&g, rows);
  if (nt > 1 && k >= 8) {
    /* Each task owns rows [k0, k1) of dw and walks every pixel block with its own columns of
     * im2col: no task waits for another, and each dw element is summed as on one thread. */
    float *cols = st_scratch((size_t)nt * block * k * 4);
    if (cols == 0) return ST_NO_MEMORY;
    int tasks = (k + 3) / 4 < 2 * nt ? (k + 3) / 4 : 2 * nt;
    int step = ((k + tasks - 1) / tasks + 3) / 4 * 4;
    FilterJob j = {&g, x, dy, dw, cols, block, rows, k, step};
    par_for(filter_task, &j, (k + step - 1) / step, work);
    st_free(cols);
    return ST_OK;
  }
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
