/*
 * 2-D convolutions (NHWC, filter [kh, kw, c, f]) on the packed GEMM.
 *
 * The filter already is a [kh·kw·c, f] matrix, so conv2d is im2col · filter, its input gradient
 * is (dy · filterᵀ) scattered back by col2im, and its filter gradient is im2colᵀ · dy. The
 * im2col matrix of the backprops is built a block of rows at a time in scratch memory (at most
 * ~2 MiB), so memory stays bounded for large batches; the forward pass never stores im2col: its
 * micro-kernel reads the image directly (forward_direct) or, for few (< 8) or very many channels,
 * the GEMM packs im2col rows straight from the image (pack_conv_rows); 1×1 stride-1 unpadded
 * convolutions are a plain GEMM.
 *
 * On the thread pool: the forward pass hands out ranges of output pixels; the input gradient
 * hands out whole images, since col2im of neighbouring rows adds into the same pixels; the
 * filter gradient hands out ranges of its rows (filter taps and channels), each building only its
 * own columns of im2col. None of these changes the order in
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

/*
 * Fallback forward (channels < 8 or > DIRECT_MAX_C, or more than DIRECT_MAX_TAPS taps): the GEMM
 * packs im2col rows straight into its 4-row panels (gemm_on_packed_a), so no im2col block is
 * written and read back (a 2 MiB block, bigger than L2, went through memory twice before). Panel p·4 + r holds tap
 * (ky, kx), channel c of output pixel r for p = (ky·kw + kx)·c_count + c; padding reads zeros.
 */
typedef struct ConvPack {
  const Geometry *g;
  const float *x;
  int r0; /* the first output pixel of this GEMM */
  int rows;
} ConvPack;

static const float zeros4[4] __attribute__((aligned(16))) = {0, 0, 0, 0};

static void pack_conv_rows(const void *ctx, int ic, int mc, int pc, int kc, float *dst) {
  const ConvPack *cp = ctx;
  const Geometry *g = cp->g;
  int c_count = g->in_c, plane = g->out_h * g->out_w;
  int t0 = pc / c_count, t1 = (pc + kc - 1) / c_count; /* the filter taps these columns touch */
  for (int i0 = 0; i0 < mc; i0 += 4) {
    float *d = dst + (size_t)i0 * kc;
    /* Where the panel's 4 pixels are: batch offset, top-left input corner; rows past M are absent. */
    int valid[4], iy0[4], ix0[4];
    size_t base[4];
    for (int r = 0; r < 4; r++) {
      int row = ic + i0 + r;
      valid[r] = row < cp->rows;
      int grow = cp->r0 + (valid[r] ? row : 0);
      int b = grow / plane, rem = grow % plane;
      iy0[r] = (rem / g->out_w) * g->sy - g->pad_top;
      ix0[r] = (rem % g->out_w) * g->sx - g->pad_left;
      base[r] = (size_t)b * g->in_h * g->in_w;
    }
    for (int t = t0; t <= t1; t++) {
      int ky = t / g->kw, kx = t % g->kw;
      int lo = t == t0 ? pc - t * c_count : 0, hi = t == t1 ? pc + kc - t * c_count : c_count;
      float *dt = d + (size_t)(t * c_count + lo - pc) * 4;
      const float *src[4];
      int step[4]; /* 1, or 0 to read zeros4 over and over for padding */
      for (int r = 0; r < 4; r++) {
        int iy = iy0[r] + ky * g->dy, ix = ix0[r] + kx * g->dx;
        int in = valid[r] && iy >= 0 && iy < g->in_h && ix >= 0 && ix < g->in_w;
        src[r] = in ? cp->x + (base[r] + (size_t)iy * g->in_w + ix) * c_count : zeros4;
        step[r] = in;
      }
      int c = lo;
      if (((lo | c_count) & 3) == 0) {
        for (; c + 4 <= hi; c += 4) {
          v128_t v0 = wasm_v128_load(src[0] + c * step[0]), v1 = wasm_v128_load(src[1] + c * step[1]);
          v128_t v2 = wasm_v128_load(src[2] + c * step[2]), v3 = wasm_v128_load(src[3] + c * step[3]);
          transpose4(&v0, &v1, &v2, &v3);
          float *o = dt + (size_t)(c - lo) * 4;
          wasm_v128_store(o, v0);
          wasm_v128_store(o + 4, v1);
          wasm_v128_store(o + 8, v2);
          wasm_v128_store(o + 12, v3);
        }
      }
      for (; c < hi; c++)
        for (int r = 0; r < 4; r++) dt[(size_t)(c - lo) * 4 + r] = src[r][c * step[r]];
    }
  }
}

/*
 * Direct forward kernel: no A packing at all. The micro-kernel reads each output pixel's im2col
 * row as kh·kw runs of in_c floats straight from x, a zero buffer standing in for padding; only
 * the filter is packed, once per task, into panels of 16 columns. A tile is 2 pixels × 16
 * filters: 8 accumulators, 4 filter vectors and 1 broadcast (13 of V8's 16 SIMD registers), and
 * only 2 row pointers, so V8 keeps the loop counter in a register too (a 4 × 8 tile needs 4 row
 * pointers, spilled its counter and ran ~12% slower). The runs of a block of DIRECT_ROWS pixels
 * are looked up once and reused for every filter panel, which stays in L1 meanwhile.
 */
#define DIRECT_MAX_C 1024
#define DIRECT_MAX_TAPS 49
#define DIRECT_ROWS 64
#define DIRECT_NR 16
static const float conv_zeros[DIRECT_MAX_C] __attribute__((aligned(16)));

static int direct_ok(const Geometry *g) {
  int taps = g->kh * g->kw;
  return g->in_c >= 8 && g->in_c <= DIRECT_MAX_C && taps <= DIRECT_MAX_TAPS &&
         (size_t)taps * g->in_c * DIRECT_NR <= GEMM_PACK_B_FLOATS;
}

/* c[2×16] = the 2 rows (runs rows[2t], rows[2t+1], t < runs, of len floats) · the b panel. */
static void kernel_2x16_runs(int runs, int len, const float *const *rows, const float *b, float *c, int ldc) {
  v128_t c00 = wasm_f32x4_splat(0.0f), c01 = c00, c02 = c00, c03 = c00, c10 = c00, c11 = c00, c12 = c00, c13 = c00;
  for (int t = 0; t < runs; t++) {
    const float *a0 = rows[2 * t], *a1 = rows[2 * t + 1];
    for (int p = 0; p < len; p++) {
      v128_t b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4), b2 = wasm_v128_load(b + 8), b3 = wasm_v128_load(b + 12);
      v128_t x0 = wasm_v128_load32_splat(a0 + p);
      c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(x0, b0)); c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(x0, b1));
      c02 = wasm_f32x4_add(c02, wasm_f32x4_mul(x0, b2)); c03 = wasm_f32x4_add(c03, wasm_f32x4_mul(x0, b3));
      v128_t x1 = wasm_v128_load32_splat(a1 + p);
      c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(x1, b0)); c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(x1, b1));
      c12 = wasm_f32x4_add(c12, wasm_f32x4_mul(x1, b2)); c13 = wasm_f32x4_add(c13, wasm_f32x4_mul(x1, b3));
      b += DIRECT_NR;
    }
  }
  wasm_v128_store(c, c00); wasm_v128_store(c + 4, c01); wasm_v128_store(c + 8, c02); wasm_v128_store(c + 12, c03);
  c += ldc;
  wasm_v128_store(c, c10); wasm_v128_store(c + 4, c11); wasm_v128_store(c + 8, c12); wasm_v128_store(c + 12, c13);
}

/* The filter [k, n] (row step ldw) as panels of 16 columns, zero-padded: panel j holds k rows of 16. */
static void pack_filter16(int k, int n, const float *w, int ldw, float *dst) {
  for (int j0 = 0; j0 < n; j0 += DIRECT_NR) {
    int nr = n - j0 < DIRECT_NR ? n - j0 : DIRECT_NR;
    float *d = dst + (size_t)j0 * k;
    for (int p = 0; p < k; p++) {
      const float *src = w + (size_t)p * ldw + j0;
      if (nr == DIRECT_NR) {
        for (int q = 0; q < DIRECT_NR; q += 4) wasm_v128_store(d + p * DIRECT_NR + q, wasm_v128_load(src + q));
      } else {
        for (int q = 0; q < DIRECT_NR; q++) d[p * DIRECT_NR + q] = q < nr ? src[q] : 0.0f;
      }
    }
  }
}

/* Output pixels [r0, r0+count) of the forward pass on thread tid (its GEMM B buffer packs the filter). */
static void forward_direct(const Geometry *g, const float *x, const float *w, float *out, int r0, int count, int tid) {
  int taps = g->kh * g->kw, c_count = g->in_c, n = g->out_c, k = taps * c_count;
  int plane = g->out_h * g->out_w;
  int ncap = GEMM_PACK_B_FLOATS / k / DIRECT_NR * DIRECT_NR;
  float *pb = gemm_pack_b_buffer(tid);
  const float *tab[DIRECT_ROWS * DIRECT_MAX_TAPS];
  for (int jc = 0; jc < n; jc += ncap) {
    int nc = n - jc < ncap ? n - jc : ncap;
    pack_filter16(k, nc, w + jc, n, pb);
    for (int ic = 0; ic < count; ic += DIRECT_ROWS) {
      int mc = count - ic < DIRECT_ROWS ? count - ic : DIRECT_ROWS;
      int groups = (mc + 1) / 2;
      for (int gi = 0; gi < groups; gi++) {
        for (int r = 0; r < 2; r++) {
          int row = ic + gi * 2 + r;
          int valid = row < count;
          int grow = r0 + (valid ? row : 0);
          int b = grow / plane, rem = grow % plane;
          int iy0 = (rem / g->out_w) * g->sy - g->pad_top, ix0 = (rem % g->out_w) * g->sx - g->pad_left;
          for (int t = 0; t < taps; t++) {
            int iy = iy0 + (t / g->kw) * g->dy, ix = ix0 + (t % g->kw) * g->dx;
            int in = valid && iy >= 0 && iy < g->in_h && ix >= 0 && ix < g->in_w;
            tab[(gi * taps + t) * 2 + r] = in ? x + (((size_t)b * g->in_h + iy) * g->in_w + ix) * c_count : conv_zeros;
          }
        }
      }
      for (int jr = 0; jr < nc; jr += DIRECT_NR) {
        int nr = nc - jr < DIRECT_NR ? nc - jr : DIRECT_NR;
        const float *bp = pb + (size_t)jr * k;
        for (int gi = 0; gi < groups; gi++) {
          int mr = mc - gi * 2 < 2 ? mc - gi * 2 : 2;
          float *cp = out + (size_t)(r0 + ic + gi * 2) * n + jc + jr;
          if (mr == 2 && nr == DIRECT_NR) {
            kernel_2x16_runs(taps, c_count, tab + gi * taps * 2, bp, cp, n);
          } else {
            float tile[2 * DIRECT_NR] __attribute__((aligned(16)));
            kernel_2x16_runs(taps, c_count, tab + gi * taps * 2, bp, tile, DIRECT_NR);
            for (int i = 0; i < mr; i++)
              for (int jj = 0; jj < nr; jj++) cp[(size_t)i * n + jj] = tile[i * DIRECT_NR + jj];
          }
        }
      }
    }
  }
}

static void forward_task(void *ctx, int task, int tid) {
  const ConvJob *j = ctx;
  int r0 = task * j->block;
  int count = j->rows - r0 < j->block ? j->rows - r0 : j->block;
  int out_c = j->g->out_c;
  if (direct_ok(j->g)) {
    forward_direct(j->g, j->in, j->w, j->out, r0, count, tid);
    return;
  }
  ConvPack cp = {j->g, j->in, r0, count};
  gemm_on_packed_a(tid, count, out_c, j->k, pack_conv_rows, &cp, j->w, out_c, 1, j->out + (size_t)r0 * out_c, out_c);
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
  /* No scratch: each task packs its rows straight from x. One task per thread-share of rows
   * (two per thread, so a core busy elsewhere takes fewer); on one thread, one task. */
  int block = nt > 1 ? limit_block(rows, rows, nt) : rows;
  ConvJob j = {&g, x, w, out, 0, block, rows, k};
  par_for(forward_task, &j, (rows + block - 1) / block, work);
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
