/*
 * Elementwise kernels: fill, cast, unary, binary (with broadcasting) and where.
 *
 * Broadcasting: JS collapses the output shape and both inputs' strides (0 on broadcast dims) to
 * the fewest dims, and passes them in st_arg_area. The innermost dim then runs a tight loop
 * whose input steps are 1 or 0 — same shape, scalar and row broadcasts all become one SIMD loop
 * over contiguous memory — while an odometer walks the outer dims.
 */
#include "vmath.h"

enum { U_NEG, U_ABS, U_SIGN, U_EXP, U_LOG, U_SQRT, U_RSQRT, U_SQUARE, U_RECIPROCAL, U_TANH,
       U_SIGMOID, U_RELU, U_ERF, U_FLOOR, U_CEIL, U_ROUND };

enum { B_ADD, B_SUB, B_MUL, B_DIV, B_MAX, B_MIN, B_MOD, B_FLOORDIV, B_EQ, B_NE, B_LT, B_LE,
       B_GT, B_GE, B_AND, B_OR };

/* ---------- fill and cast ---------- */

EXPORT(st_fill32) void st_fill32(uint32_t *out, int n, uint32_t bits) {
  v128_t v = wasm_i32x4_splat((int32_t)bits);
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(out + i, v);
  for (; i < n; i++) out[i] = bits;
}

EXPORT(st_fill8) void st_fill8(uint8_t *out, int n, int value) { set_bytes(out, value, (size_t)n); }

EXPORT(st_copy) void st_copy(void *dst, const void *src, int bytes) { copy_bytes(dst, src, (size_t)bytes); }

/* float → int32 truncates toward zero, saturates, NaN → 0: exactly i32x4.trunc_sat_f32x4_s. */
EXPORT(st_cast) void st_cast(const void *src, void *dst, int n, int from, int to) {
  int i = 0;
  if (from == to) {
    copy_bytes(dst, src, (size_t)n * (from == DT_BOOL ? 1u : 4u));
  } else if (from == DT_F32 && to == DT_I32) {
    const float *x = src; int32_t *o = dst;
    for (; i + 4 <= n; i += 4) wasm_v128_store(o + i, wasm_i32x4_trunc_sat_f32x4(wasm_v128_load(x + i)));
    for (; i < n; i++) o[i] = __builtin_wasm_trunc_saturate_s_i32_f32(x[i]);
  } else if (from == DT_I32 && to == DT_F32) {
    const int32_t *x = src; float *o = dst;
    for (; i + 4 <= n; i += 4) wasm_v128_store(o + i, wasm_f32x4_convert_i32x4(wasm_v128_load(x + i)));
    for (; i < n; i++) o[i] = (float)x[i];
  } else if (from == DT_F32 && to == DT_BOOL) {
    const float *x = src; uint8_t *o = dst;
    for (; i < n; i++) o[i] = x[i] != 0.0f; /* NaN != 0 is true */
  } else if (from == DT_I32 && to == DT_BOOL) {
    const int32_t *x = src; uint8_t *o = dst;
    for (; i < n; i++) o[i] = x[i] != 0;
  } else if (from == DT_BOOL && to == DT_F32) {
    const uint8_t *x = src; float *o = dst;
    for (; i < n; i++) o[i] = x[i] ? 1.0f : 0.0f;
  } else { /* bool → int32 */
    const uint8_t *x = src; int32_t *o = dst;
    for (; i < n; i++) o[i] = x[i] ? 1 : 0;
  }
}

/* ---------- unary ---------- */

INLINE v128_t unary_f32(int op, v128_t x) {
  switch (op) {
    case U_NEG: return wasm_f32x4_neg(x);
    case U_ABS: return wasm_f32x4_abs(x);
    case U_SIGN: {
      v128_t one = SPLAT(1.0f);
      v128_t s = wasm_v128_or(wasm_v128_and(wasm_f32x4_gt(x, SPLAT(0.0f)), one),
                              wasm_v128_and(wasm_f32x4_lt(x, SPLAT(0.0f)), SPLAT(-1.0f)));
      return wasm_v128_bitselect(s, x, wasm_f32x4_eq(x, x)); /* NaN stays NaN */
    }
    case U_EXP: return v_exp(x);
    case U_LOG: return v_log(x);
    case U_SQRT: return wasm_f32x4_sqrt(x);
    case U_RSQRT: return wasm_f32x4_div(SPLAT(1.0f), wasm_f32x4_sqrt(x));
    case U_SQUARE: return wasm_f32x4_mul(x, x);
    case U_RECIPROCAL: return wasm_f32x4_div(SPLAT(1.0f), x);
    case U_TANH: return v_tanh(x);
    case U_SIGMOID: return v_sigmoid(x);
    case U_RELU: return v_relu(x);
    case U_ERF: return v_erf(x);
    case U_FLOOR: return wasm_f32x4_floor(x);
    case U_CEIL: return wasm_f32x4_ceil(x);
    default: return wasm_f32x4_nearest(x); /* U_ROUND: ties to even */
  }
}

#define UNARY_F32_CASE(OP)                                                        \
  case OP:                                                                        \
    for (; i + 4 <= n; i += 4) wasm_v128_store(o + i, unary_f32(OP, wasm_v128_load(x + i))); \
    break;

/*
 * exp gets a loop of its own: two vectors per iteration (independent chains hide the latency of
 * the polynomial) and one range check per pair for the fast path (vmath.h), the constants set up
 * once outside it. Works in place like the others: each pair is loaded before it is stored.
 */
static void exp_run(const float *x, float *o, int n) {
  ExpConsts k = exp_consts();
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    v128_t a = wasm_v128_load(x + i), b = wasm_v128_load(x + i + 4), bad_a, bad_b;
    v128_t ya = v_exp_fast(a, &k, &bad_a), yb = v_exp_fast(b, &k, &bad_b);
    if (__builtin_expect(wasm_v128_any_true(wasm_v128_or(bad_a, bad_b)), 0)) {
      ya = v_exp_full(a, &k);
      yb = v_exp_full(b, &k);
    }
    wasm_v128_store(o + i, ya);
    wasm_v128_store(o + i + 4, yb);
  }
  for (; i + 4 <= n; i += 4) wasm_v128_store(o + i, v_exp_k(wasm_v128_load(x + i), &k));
  if (i < n) store_part(o + i, v_exp_k(load_part(x + i, n - i), &k), n - i);
}

/* Works in place (x == o): the tail is read before it is written. */
static void unary_f32_run(int op, const float *x, float *o, int n) {
  int i = 0;
  if (op == U_EXP) {
    exp_run(x, o, n);
    return;
  }
  switch (op) {
    UNARY_F32_CASE(U_NEG) UNARY_F32_CASE(U_ABS) UNARY_F32_CASE(U_SIGN) UNARY_F32_CASE(U_EXP)
    UNARY_F32_CASE(U_LOG) UNARY_F32_CASE(U_SQRT) UNARY_F32_CASE(U_RSQRT) UNARY_F32_CASE(U_SQUARE)
    UNARY_F32_CASE(U_RECIPROCAL) UNARY_F32_CASE(U_TANH) UNARY_F32_CASE(U_SIGMOID)
    UNARY_F32_CASE(U_RELU) UNARY_F32_CASE(U_ERF) UNARY_F32_CASE(U_FLOOR) UNARY_F32_CASE(U_CEIL)
    UNARY_F32_CASE(U_ROUND)
    default: return;
  }
  if (i < n) store_part(o + i, unary_f32(op, load_part(x + i, n - i)), n - i);
}

/*
 * Large elementwise calls are split into equal slices over the thread pool. The work estimate is
 * in flops, like a GEMM's: the approximations (exp, log, tanh, sigmoid, erf) cost about 16 per
 * element; the rest are bound by memory, so a slice has to be big before a second core helps.
 */
#define ELEMENT_SLICE_UNIT 64

INLINE double unary_work(int op, int n) {
  int heavy = op == U_EXP || op == U_LOG || op == U_TANH || op == U_SIGMOID || op == U_ERF;
  return (double)n * (heavy ? 16 : 2);
}

/* Slices of [0, n) for `nt` threads, in multiples of ELEMENT_SLICE_UNIT; returns the slice size. */
static int slice_size(int n, int nt) {
  int s = (n + 2 * nt - 1) / (2 * nt);
  return (s + ELEMENT_SLICE_UNIT - 1) / ELEMENT_SLICE_UNIT * ELEMENT_SLICE_UNIT;
}

typedef struct UnaryJob {
  int op, n, step;
  const float *x;
  float *o;
} UnaryJob;

static void unary_task(void *ctx, int t, int tid) {
  (void)tid;
  const UnaryJob *j = ctx;
  int i0 = t * j->step;
  int count = j->n - i0 < j->step ? j->n - i0 : j->step;
  unary_f32_run(j->op, j->x + i0, j->o + i0, count);
}

EXPORT(st_unary_f32) void st_unary_f32(int op, const float *x, float *o, int n) {
  double work = unary_work(op, n);
  int nt = par_threads(work);
  if (nt <= 1 || n < 2 * ELEMENT_SLICE_UNIT) {
    unary_f32_run(op, x, o, n);
    return;
  }
  UnaryJob j = {op, n, slice_size(n, nt), x, o};
  par_for(unary_task, &j, (n + j.step - 1) / j.step, work);
}

EXPORT(st_unary_i32) void st_unary_i32(int op, const int32_t *x, int32_t *o, int n) {
  int i = 0;
  v128_t zero = wasm_i32x4_splat(0);
  switch (op) {
    case U_NEG:
      for (; i + 4 <= n; i += 4) wasm_v128_store(o + i, wasm_i32x4_neg(wasm_v128_load(x + i)));
      for (; i < n; i++) o[i] = (int32_t)(0u - (uint32_t)x[i]);
      break;
    case U_ABS:
      for (; i + 4 <= n; i += 4) wasm_v128_store(o + i, wasm_i32x4_abs(wasm_v128_load(x + i)));
      for (; i < n; i++) o[i] = x[i] < 0 ? (int32_t)(0u - (uint32_t)x[i]) : x[i];
      break;
    case U_SIGN:
      for (; i < n; i++) o[i] = (x[i] > 0) - (x[i] < 0);
      break;
    case U_SQUARE:
      for (; i + 4 <= n; i += 4) { v128_t v = wasm_v128_load(x + i); wasm_v128_store(o + i, wasm_i32x4_mul(v, v)); }
      for (; i < n; i++) o[i] = (int32_t)((uint32_t)x[i] * (uint32_t)x[i]);
      break;
    case U_RELU:
      for (; i + 4 <= n; i += 4) wasm_v128_store(o + i, wasm_i32x4_max(wasm_v128_load(x + i), zero));
      for (; i < n; i++) o[i] = x[i] > 0 ? x[i] : 0;
      break;
    default: break;
  }
}

EXPORT(st_isnan) void st_isnan(const float *x, uint8_t *o, int n) {
  for (int i = 0; i < n; i++) o[i] = x[i] != x[i];
}

EXPORT(st_not) void st_not(const uint8_t *x, uint8_t *o, int n) {
  for (int i = 0; i < n; i++) o[i] = x[i] == 0;
}

/* ---------- binary: scalar semantics ---------- */

/* Python-style float modulo: fmod (exact in double for float inputs up to rounding), then the
   remainder takes the divisor's sign. */
INLINE float mod_f32(float a, float b) {
  double da = a, db = b;
  if (da != da || db != db || db == 0.0 || __builtin_isinf(da)) return __builtin_nanf("");
  double r;
  if (__builtin_isinf(db)) r = da;
  else {
    double q = da / db;
    q = q < 0 ? __builtin_ceil(q) : __builtin_floor(q); /* trunc */
    r = da - q * db; /* if q rounded across an integer, the sign fix below still lands right */
  }
  if (r != 0.0 && ((r < 0) != (db < 0))) r += db;
  return (float)r;
}

INLINE float floordiv_f32(float a, float b) { return (float)__builtin_floor((double)a / (double)b); }

INLINE int32_t floordiv_i32(int32_t a, int32_t b) {
  if (b == 0) return 0;
  if (b == -1) return (int32_t)(0u - (uint32_t)a); /* INT_MIN / -1 wraps (and must not trap) */
  int32_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) q -= 1;
  return q;
}

INLINE int32_t mod_i32(int32_t a, int32_t b) {
  if (b == 0 || b == -1) return 0;
  int32_t r = a % b;
  if (r != 0 && ((r < 0) != (b < 0))) r += b;
  return r;
}

/* ---------- binary: inner loops ---------- */

/*
 * One inner loop per op and dtype. `sa`/`sb` are the inputs' element steps: 1 (contiguous) or 0
 * (broadcast) get SIMD loops, anything else a scalar loop.
 */
#define BIN_LOOP(NAME, T, OT, VEXPR, SEXPR)                                                  \
  static void NAME(const T *a, int sa, const T *b, int sb, OT *o, int n) {                   \
    int i = 0;                                                                               \
    if (sa == 1 && sb == 1) {                                                                \
      for (; i + 4 <= n; i += 4) { v128_t x = wasm_v128_load(a + i), y = wasm_v128_load(b + i); wasm_v128_store(o + i, VEXPR); } \
    } else if (sa == 1 && sb == 0) {                                                         \
      v128_t y = wasm_v128_load32_splat(b);                                                  \
      for (; i + 4 <= n; i += 4) { v128_t x = wasm_v128_load(a + i); wasm_v128_store(o + i, VEXPR); } \
    } else if (sa == 0 && sb == 1) {                                                         \
      v128_t x = wasm_v128_load32_splat(a);                                                  \
      for (; i + 4 <= n; i += 4) { v128_t y = wasm_v128_load(b + i); wasm_v128_store(o + i, VEXPR); } \
    }                                                                                        \
    for (; i < n; i++) { T x = a[i * sa], y = b[i * sb]; o[i] = SEXPR; }                     \
  }

#define BIN_SCALAR(NAME, T, OT, SEXPR)                                                       \
  static void NAME(const T *a, int sa, const T *b, int sb, OT *o, int n) {                   \
    for (int i = 0; i < n; i++) { T x = a[i * sa], y = b[i * sb]; o[i] = SEXPR; }            \
  }

BIN_LOOP(f_add, float, float, wasm_f32x4_add(x, y), x + y)
BIN_LOOP(f_sub, float, float, wasm_f32x4_sub(x, y), x - y)
BIN_LOOP(f_mul, float, float, wasm_f32x4_mul(x, y), x * y)
BIN_LOOP(f_div, float, float, wasm_f32x4_div(x, y), x / y)
BIN_LOOP(f_max, float, float, wasm_f32x4_max(x, y), __builtin_wasm_max_f32(x, y))
BIN_LOOP(f_min, float, float, wasm_f32x4_min(x, y), __builtin_wasm_min_f32(x, y))
BIN_SCALAR(f_mod, float, float, mod_f32(x, y))
BIN_SCALAR(f_floordiv, float, float, floordiv_f32(x, y))

BIN_LOOP(i_add, int32_t, int32_t, wasm_i32x4_add(x, y), (int32_t)((uint32_t)x + (uint32_t)y))
BIN_LOOP(i_sub, int32_t, int32_t, wasm_i32x4_sub(x, y), (int32_t)((uint32_t)x - (uint32_t)y))
BIN_LOOP(i_mul, int32_t, int32_t, wasm_i32x4_mul(x, y), (int32_t)((uint32_t)x * (uint32_t)y))
BIN_LOOP(i_max, int32_t, int32_t, wasm_i32x4_max(x, y), x > y ? x : y)
BIN_LOOP(i_min, int32_t, int32_t, wasm_i32x4_min(x, y), x < y ? x : y)
BIN_SCALAR(i_mod, int32_t, int32_t, mod_i32(x, y))
BIN_SCALAR(i_floordiv, int32_t, int32_t, floordiv_i32(x, y))

/* Comparisons write one byte per element; clang vectorises these plain loops. */
#define CMP_ALL(PFX, T)                                       \
  BIN_SCALAR(PFX##_eq, T, uint8_t, x == y)                    \
  BIN_SCALAR(PFX##_ne, T, uint8_t, x != y)                    \
  BIN_SCALAR(PFX##_lt, T, uint8_t, x < y)                     \
  BIN_SCALAR(PFX##_le, T, uint8_t, x <= y)                    \
  BIN_SCALAR(PFX##_gt, T, uint8_t, x > y)                     \
  BIN_SCALAR(PFX##_ge, T, uint8_t, x >= y)
CMP_ALL(fc, float)
CMP_ALL(ic, int32_t)
CMP_ALL(bc, uint8_t)
BIN_SCALAR(b_and, uint8_t, uint8_t, (x != 0) & (y != 0))
BIN_SCALAR(b_or, uint8_t, uint8_t, (x != 0) | (y != 0))

typedef void (*inner_fn)(const void *, int, const void *, int, void *, int);

static inner_fn pick_inner(int op, int dtype) {
  if (dtype == DT_F32) {
    switch (op) {
      case B_ADD: return (inner_fn)f_add; case B_SUB: return (inner_fn)f_sub;
      case B_MUL: return (inner_fn)f_mul; case B_DIV: return (inner_fn)f_div;
      case B_MAX: return (inner_fn)f_max; case B_MIN: return (inner_fn)f_min;
      case B_MOD: return (inner_fn)f_mod; case B_FLOORDIV: return (inner_fn)f_floordiv;
      case B_EQ: return (inner_fn)fc_eq; case B_NE: return (inner_fn)fc_ne;
      case B_LT: return (inner_fn)fc_lt; case B_LE: return (inner_fn)fc_le;
      case B_GT: return (inner_fn)fc_gt; case B_GE: return (inner_fn)fc_ge;
      default: return 0;
    }
  }
  if (dtype == DT_I32) {
    switch (op) {
      case B_ADD: return (inner_fn)i_add; case B_SUB: return (inner_fn)i_sub;
      case B_MUL: return (inner_fn)i_mul;
      case B_MAX: return (inner_fn)i_max; case B_MIN: return (inner_fn)i_min;
      case B_MOD: return (inner_fn)i_mod; case B_FLOORDIV: return (inner_fn)i_floordiv;
      case B_EQ: return (inner_fn)ic_eq; case B_NE: return (inner_fn)ic_ne;
      case B_LT: return (inner_fn)ic_lt; case B_LE: return (inner_fn)ic_le;
      case B_GT: return (inner_fn)ic_gt; case B_GE: return (inner_fn)ic_ge;
      default: return 0;
    }
  }
  switch (op) {
    case B_EQ: return (inner_fn)bc_eq; case B_NE: return (inner_fn)bc_ne;
    case B_LT: return (inner_fn)bc_lt; case B_LE: return (inner_fn)bc_le;
    case B_GT: return (inner_fn)bc_gt; case B_GE: return (inner_fn)bc_ge;
    case B_AND: return (inner_fn)b_and; case B_OR: return (inner_fn)b_or;
    default: return 0;
  }
}

/*
 * out = a op b over a collapsed shape of `rank` (>= 1) dims. st_arg_area holds shape[rank],
 * a's strides[rank], b's strides[rank] (elements; 0 on broadcast dims). Returns -1 for an op the
 * dtype does not have (core never asks for one).
 */
typedef struct BinaryJob {
  inner_fn fn;
  int rank, in_size, out_size;
  int32_t shape[16], as[16], bs[16]; /* copied: st_arg_area may be reused once the call returns */
  const char *a, *b;
  char *out;
  int64_t rows;
  int step; /* rows per task, or elements per task when there is one row */
} BinaryJob;

/* Rows [r0, r1) of the collapsed shape (each row is the innermost dim). */
static void binary_rows(const BinaryJob *j, int64_t r0, int64_t r1) {
  int rank = j->rank, in_size = j->in_size, out_size = j->out_size;
  const int32_t *shape = j->shape, *as = j->as, *bs = j->bs;
  int inner = shape[rank - 1];
  int32_t idx[16] = {0};
  const char *pa = j->a, *pb = j->b;
  char *po = j->out + (size_t)r0 * inner * out_size;
  /* Where row r0 starts: its index over the outer dims, last dim fastest. */
  int64_t r = r0;
  for (int d = rank - 2; d >= 0; d--) {
    idx[d] = (int32_t)(r % shape[d]);
    r /= shape[d];
    pa += (ptrdiff_t)as[d] * idx[d] * in_size;
    pb += (ptrdiff_t)bs[d] * idx[d] * in_size;
  }
  for (r = r0; r < r1; r++) {
    j->fn(pa, as[rank - 1], pb, bs[rank - 1], po, inner);
    po += (size_t)inner * out_size;
    for (int d = rank - 2; d >= 0; d--) {
      pa += (ptrdiff_t)as[d] * in_size;
      pb += (ptrdiff_t)bs[d] * in_size;
      if (++idx[d] < shape[d]) break;
      pa -= (ptrdiff_t)as[d] * shape[d] * in_size;
      pb -= (ptrdiff_t)bs[d] * shape[d] * in_size;
      idx[d] = 0;
    }
  }
}

static void binary_task(void *ctx, int t, int tid) {
  (void)tid;
  const BinaryJob *j = ctx;
  if (j->rows > 1) {
    int64_t r0 = (int64_t)t * j->step;
    binary_rows(j, r0, r0 + j->step < j->rows ? r0 + j->step : j->rows);
    return;
  }
  /* One long row: slice it. */
  int n = j->shape[j->rank - 1];
  int i0 = t * j->step;
  int count = n - i0 < j->step ? n - i0 : j->step;
  int sa = j->as[j->rank - 1], sb = j->bs[j->rank - 1];
  j->fn(j->a + (size_t)i0 * sa * j->in_size, sa, j->b + (size_t)i0 * sb * j->in_size, sb,
        j->out + (size_t)i0 * j->out_size, count);
}

EXPORT(st_binary) int st_binary(int op, int dtype, const void *a, const void *b, void *out, int rank) {
  inner_fn fn = pick_inner(op, dtype);
  if (fn == 0) return -1;
  BinaryJob j;
  j.fn = fn;
  j.rank = rank;
  j.in_size = dtype == DT_BOOL ? 1 : 4;
  j.out_size = op >= B_EQ ? 1 : j.in_size;
  for (int d = 0; d < rank; d++) {
    j.shape[d] = st_arg_area[d];
    j.as[d] = st_arg_area[rank + d];
    j.bs[d] = st_arg_area[2 * rank + d];
  }
  j.a = a;
  j.b = b;
  j.out = out;
  j.rows = 1;
  for (int d = 0; d < rank - 1; d++) j.rows *= j.shape[d];
  int inner = j.shape[rank - 1];
  if (j.rows == 0 || inner == 0) return 0;
  /* mod and floorDiv are scalar loops with a division: a few flops more per element. */
  double work = (double)j.rows * inner * (op == B_MOD || op == B_FLOORDIV ? 8 : 2);
  int nt = par_threads(work);
  if (nt > 1 && j.rows >= 2 * nt) {
    j.step = (int)((j.rows + 2 * nt - 1) / (2 * nt));
    par_for(binary_task, &j, (int)((j.rows + j.step - 1) / j.step), work);
  } else if (nt > 1 && j.rows == 1 && inner >= 2 * ELEMENT_SLICE_UNIT) {
    j.step = slice_size(inner, nt);
    par_for(binary_task, &j, (inner + j.step - 1) / j.step, work);
  } else {
    binary_rows(&j, 0, j.rows);
  }
  return 0;
}

/*
 * out = cond ? a : b over a collapsed shape; st_arg_area holds shape, then the strides of cond,
 * a and b. `esize` is the element size of a, b and out (4 or 1).
 */
EXPORT(st_where) void st_where(int esize, const uint8_t *c, const void *a, const void *b, void *out, int rank) {
  const int32_t *shape = st_arg_area, *cs = shape + rank, *as = cs + rank, *bs = as + rank;
  int inner = shape[rank - 1];
  int sc = cs[rank - 1], sa = as[rank - 1], sb = bs[rank - 1];
  int32_t idx[16] = {0};
  int64_t outer = 1;
  for (int d = 0; d < rank - 1; d++) outer *= shape[d];
  const uint8_t *pc = c;
  const char *pa = a, *pb = b;
  char *po = out;
  for (int64_t r = 0; r < outer; r++) {
    if (esize == 4) {
      const uint32_t *xa = (const uint32_t *)pa, *xb = (const uint32_t *)pb;
      uint32_t *o = (uint32_t *)po;
      for (int i = 0; i < inner; i++) o[i] = pc[i * sc] ? xa[i * sa] : xb[i * sb];
    } else {
      const uint8_t *xa = (const uint8_t *)pa, *xb = (const uint8_t *)pb;
      uint8_t *o = (uint8_t *)po;
      for (int i = 0; i < inner; i++) o[i] = pc[i * sc] ? xa[i * sa] : xb[i * sb];
    }
    po += (size_t)inner * esize;
    for (int d = rank - 2; d >= 0; d--) {
      pc += cs[d];
      pa += (ptrdiff_t)as[d] * esize;
      pb += (ptrdiff_t)bs[d] * esize;
      if (++idx[d] < shape[d]) break;
      pc -= (ptrdiff_t)cs[d] * shape[d];
      pa -= (ptrdiff_t)as[d] * shape[d] * esize;
      pb -= (ptrdiff_t)bs[d] * shape[d] * esize;
      idx[d] = 0;
    }
  }
}
