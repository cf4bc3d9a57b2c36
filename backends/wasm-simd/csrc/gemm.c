/*
 * Single-precision GEMM: C (+)= op(A)·op(B), the Goto/BLIS way.
 *
 * op(A) is M×K and op(B) is K×N, each given by a row step and a column step in elements, so
 * transposes cost nothing here. B is packed KC×NC at a time into 8-column panels and A MC×KC
 * into 4-row panels (zero-padded at the edges), then a 4×8 register micro-kernel runs over the
 * packed panels: 8 accumulators + 2 B vectors + 1 broadcast A value fit V8's 16 SIMD registers
 * on x86-64 without spilling (a 6×8 kernel spills and runs at half speed). Thread 0's packing
 * buffers are static; other threads get theirs once, from st_threads_init, so GEMM itself never
 * allocates. A large product is split over the thread pool by rows (or columns) of C: every
 * element is still summed in the same order, so threaded results equal single-threaded ones.
 */
#include "common.h"

#define MR 4
#define NR 8
/*
 * Blocking: a KC×NC = 512×512 block of B (1 MiB, shared by the threads) and an MC×KC = 64×512
 * block of A per thread (128 KiB, in L2). Measured against 256/128/1024 in interleaved runs:
 * equal on one thread, 1–5% faster on two (fewer passes over C, half as many barriers).
 */
#ifndef KC
#define KC 512
#endif
#ifndef MC
#define MC 64
#endif
#ifndef NC
#define NC 512
#endif
/* Tiles of C per thread in the threaded GEMM: more even out a core that is busy elsewhere. */
#ifndef TILES_PER_THREAD
#define TILES_PER_THREAD 4
#endif

static float pack_a0[MC * KC] __attribute__((aligned(16)));
static float pack_b0[KC * NC] __attribute__((aligned(16)));
static float *pack_a_of[MAX_THREADS] = {pack_a0};
static float *pack_b_of[MAX_THREADS] = {pack_b0};

int gemm_init_thread(int tid) {
  if (pack_a_of[tid] != 0) return 1;
  float *a = st_malloc(sizeof pack_a0);
  float *b = st_malloc(sizeof pack_b0);
  if (a == 0 || b == 0) {
    st_free(a);
    st_free(b);
    return 0;
  }
  pack_a_of[tid] = a;
  pack_b_of[tid] = b;
  return 1;
}

/* Packs op(B)[0..kc, 0..nc) into panels of NR columns: panel j holds kc rows of NR floats. */
static void pack_b(int kc, int nc, const float *b, int rs, int cs, float *dst) {
  for (int j0 = 0; j0 < nc; j0 += NR) {
    int nr = nc - j0 < NR ? nc - j0 : NR;
    const float *src = b + (size_t)j0 * cs;
    float *d = dst + (size_t)j0 * kc;
    if (nr == NR && cs == 1) {
      for (int p = 0; p < kc; p++) {
        const float *row = src + (size_t)p * rs;
        wasm_v128_store(d + p * NR, wasm_v128_load(row));
        wasm_v128_store(d + p * NR + 4, wasm_v128_load(row + 4));
      }
    } else if (nr == NR && rs == 1) {
      /* B transposed: each column is contiguous along k; transpose 4×4 blocks. */
      int p = 0;
      for (; p + 4 <= kc; p += 4) {
        for (int h = 0; h < 2; h++) {
          const float *col = src + (size_t)(4 * h) * cs + p;
          v128_t r0 = wasm_v128_load(col), r1 = wasm_v128_load(col + cs);
          v128_t r2 = wasm_v128_load(col + 2 * (size_t)cs), r3 = wasm_v128_load(col + 3 * (size_t)cs);
          transpose4(&r0, &r1, &r2, &r3);
          wasm_v128_store(d + (p + 0) * NR + 4 * h, r0);
          wasm_v128_store(d + (p + 1) * NR + 4 * h, r1);
          wasm_v128_store(d + (p + 2) * NR + 4 * h, r2);
          wasm_v128_store(d + (p + 3) * NR + 4 * h, r3);
        }
      }
      for (; p < kc; p++)
        for (int j = 0; j < NR; j++) d[p * NR + j] = src[(size_t)j * cs + p];
    } else {
      for (int p = 0; p < kc; p++)
        for (int j = 0; j < NR; j++) d[p * NR + j] = j < nr ? src[(size_t)p * rs + (size_t)j * cs] : 0.0f;
    }
  }
}

/* Packs op(A)[0..mc, 0..kc) into panels of MR rows: panel i holds kc columns of MR floats. */
static void pack_a(int mc, int kc, const float *a, int rs, int cs, float *dst) {
  for (int i0 = 0; i0 < mc; i0 += MR) {
    int mr = mc - i0 < MR ? mc - i0 : MR;
    const float *src = a + (size_t)i0 * rs;
    float *d = dst + (size_t)i0 * kc;
    if (mr == MR && rs == 1) {
      for (int p = 0; p < kc; p++) wasm_v128_store(d + p * MR, wasm_v128_load(src + (size_t)p * cs));
    } else if (mr == MR && cs == 1) {
      int p = 0;
      for (; p + 4 <= kc; p += 4) {
        v128_t r0 = wasm_v128_load(src + p), r1 = wasm_v128_load(src + rs + p);
        v128_t r2 = wasm_v128_load(src + 2 * (size_t)rs + p), r3 = wasm_v128_load(src + 3 * (size_t)rs + p);
        transpose4(&r0, &r1, &r2, &r3);
        wasm_v128_store(d + (p + 0) * MR, r0);
        wasm_v128_store(d + (p + 1) * MR, r1);
        wasm_v128_store(d + (p + 2) * MR, r2);
        wasm_v128_store(d + (p + 3) * MR, r3);
      }
      for (; p < kc; p++)
        for (int i = 0; i < MR; i++) d[p * MR + i] = src[(size_t)i * rs + p];
    } else {
      for (int p = 0; p < kc; p++)
        for (int i = 0; i < MR; i++) d[p * MR + i] = i < mr ? src[(size_t)i * rs + (size_t)p * cs] : 0.0f;
    }
  }
}

#define FMA(acc, x, y) acc = wasm_f32x4_add(acc, wasm_f32x4_mul(x, y))

/* c[4×8] (+)= a-panel · b-panel over kc. */
static void kernel_4x8(int kc, const float *a, const float *b, float *c, int ldc, int beta) {
  v128_t c00 = wasm_f32x4_splat(0.0f), c01 = c00, c10 = c00, c11 = c00;
  v128_t c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (int p = 0; p < kc; p++) {
    v128_t b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4);
    v128_t a0 = wasm_v128_load32_splat(a);
    FMA(c00, a0, b0); FMA(c01, a0, b1);
    v128_t a1 = wasm_v128_load32_splat(a + 1);
    FMA(c10, a1, b0); FMA(c11, a1, b1);
    v128_t a2 = wasm_v128_load32_splat(a + 2);
    FMA(c20, a2, b0); FMA(c21, a2, b1);
    v128_t a3 = wasm_v128_load32_splat(a + 3);
    FMA(c30, a3, b0); FMA(c31, a3, b1);
    a += MR;
    b += NR;
  }
  float *r0 = c, *r1 = c + ldc, *r2 = c + 2 * (size_t)ldc, *r3 = c + 3 * (size_t)ldc;
  if (beta) {
    c00 = wasm_f32x4_add(c00, wasm_v128_load(r0)); c01 = wasm_f32x4_add(c01, wasm_v128_load(r0 + 4));
    c10 = wasm_f32x4_add(c10, wasm_v128_load(r1)); c11 = wasm_f32x4_add(c11, wasm_v128_load(r1 + 4));
    c20 = wasm_f32x4_add(c20, wasm_v128_load(r2)); c21 = wasm_f32x4_add(c21, wasm_v128_load(r2 + 4));
    c30 = wasm_f32x4_add(c30, wasm_v128_load(r3)); c31 = wasm_f32x4_add(c31, wasm_v128_load(r3 + 4));
  }
  wasm_v128_store(r0, c00); wasm_v128_store(r0 + 4, c01);
  wasm_v128_store(r1, c10); wasm_v128_store(r1 + 4, c11);
  wasm_v128_store(r2, c20); wasm_v128_store(r2 + 4, c21);
  wasm_v128_store(r3, c30); wasm_v128_store(r3 + 4, c31);
}

/* Thread tid's B packing buffer (GEMM_PACK_B_FLOATS floats), for convolution kernels (conv.c). */
_Static_assert(KC * NC == GEMM_PACK_B_FLOATS, "common.h GEMM_PACK_B_FLOATS must be the size of pack_b0");
float *gemm_pack_b_buffer(int tid) { return pack_b_of[tid]; }

/* An edge tile: the full kernel into a local tile, then only the mr×nr valid part reaches C. */
static void kernel_edge(int kc, const float *a, const float *b, float *c, int ldc, int mr, int nr, int beta) {
  float tile[MR * NR] __attribute__((aligned(16)));
  kernel_4x8(kc, a, b, tile, NR, 0);
  for (int i = 0; i < mr; i++)
    for (int j = 0; j < nr; j++) c[(size_t)i * ldc + j] = beta ? c[(size_t)i * ldc + j] + tile[i * NR + j] : tile[i * NR + j];
}

/*
 * Rows [i0, i1) and packed columns [j0, j1) of one (jc, pc) block: A already points at column
 * pc, C at column jc, `packed` holds op(B)'s kc×nc block. Packs A into pack_a_buf as it goes.
 */
static void gemm_block(float *pack_a_buf, int i0, int i1, int j0, int j1, int kc, const float *A, int rsA, int csA,
                       const float *packed, float *C, int ldc, int beta) {
  for (int ic = i0; ic < i1; ic += MC) {
    int mc = i1 - ic < MC ? i1 - ic : MC;
    pack_a(mc, kc, A + (size_t)ic * rsA, rsA, csA, pack_a_buf);
    for (int jr = j0; jr < j1; jr += NR) {
      int nr = j1 - jr < NR ? j1 - jr : NR;
      const float *bp = packed + (size_t)jr * kc;
      for (int ir = 0; ir < mc; ir += MR) {
        int mr = mc - ir < MR ? mc - ir : MR;
        float *cp = C + (size_t)(ic + ir) * ldc + jr;
        const float *ap = pack_a_buf + (size_t)ir * kc;
        if (mr == MR && nr == NR) kernel_4x8(kc, ap, bp, cp, ldc, beta);
        else kernel_edge(kc, ap, bp, cp, ldc, mr, nr, beta);
      }
    }
  }
}

static void gemm_empty(int M, int N, float *C, int ldc, int accumulate);

/*
 * gemm_on with op(A) packed by a callback (see common.h). K is cut into as few blocks as
 * possible of at most 2·KC (a convolution's K = kh·kw·c, e.g. 288, then is one block instead of
 * 256 + 32, so C is written once), MC and NC shrink to keep the packed blocks within the buffers.
 */
void gemm_on_packed_a(int tid, int M, int N, int K, gemm_pack_a_fn pack, const void *ctx, const float *B, int rsB,
                      int csB, float *C, int ldc) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    gemm_empty(M, N, C, ldc, 0);
    return;
  }
  int kblocks = (K + 2 * KC - 1) / (2 * KC);
  int kstep = ((K + kblocks - 1) / kblocks + 3) / 4 * 4;
  int mcap = (MC * KC / kstep) / MR * MR, ncap = (KC * NC / kstep) / NR * NR;
  if (mcap > MC) mcap = MC;
  if (ncap > NC) ncap = NC;
  float *pa = pack_a_of[tid], *pb = pack_b_of[tid];
  for (int jc = 0; jc < N; jc += ncap) {
    int nc = N - jc < ncap ? N - jc : ncap;
    for (int pc = 0; pc < K; pc += kstep) {
      int kc = K - pc < kstep ? K - pc : kstep;
      int beta = pc > 0;
      pack_b(kc, nc, B + (size_t)pc * rsB + (size_t)jc * csB, rsB, csB, pb);
      for (int ic = 0; ic < M; ic += mcap) {
        int mc = M - ic < mcap ? M - ic : mcap;
        pack(ctx, ic, mc, pc, kc, pa);
        for (int jr = 0; jr < nc; jr += NR) {
          int nr = nc - jr < NR ? nc - jr : NR;
          const float *bp = pb + (size_t)jr * kc;
          for (int ir = 0; ir < mc; ir += MR) {
            int mr = mc - ir < MR ? mc - ir : MR;
            float *cp = C + (size_t)(ic + ir) * ldc + jc + jr;
            const float *ap = pa + (size_t)ir * kc;
            if (mr == MR && nr == NR) kernel_4x8(kc, ap, bp, cp, ldc, beta);
            else kernel_edge(kc, ap, bp, cp, ldc, mr, nr, beta);
          }
        }
      }
    }
  }
}

/* Zeroes C for K = 0 (an empty sum), unless accumulating. */
static void gemm_empty(int M, int N, float *C, int ldc, int accumulate) {
  if (!accumulate)
    for (int i = 0; i < M; i++) set_bytes(C + (size_t)i * ldc, 0, (size_t)N * 4);
}

/*
 * C[M×N] (row step ldc) = op(A)·op(B), or += when `accumulate`, on thread tid. op(A)(i,p) =
 * A[i·rsA + p·csA], op(B)(p,j) = B[p·rsB + j·csB].
 */
void gemm_on(int tid, int M, int N, int K, const float *A, int rsA, int csA, const float *B, int rsB, int csB,
             float *C, int ldc, int accumulate) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    gemm_empty(M, N, C, ldc, accumulate);
    return;
  }
  for (int jc = 0; jc < N; jc += NC) {
    int nc = N - jc < NC ? N - jc : NC;
    for (int pc = 0; pc < K; pc += KC) {
      int kc = K - pc < KC ? K - pc : KC;
      pack_b(kc, nc, B + (size_t)pc * rsB + (size_t)jc * csB, rsB, csB, pack_b_of[tid]);
      gemm_block(pack_a_of[tid], 0, M, 0, nc, kc, A + (size_t)pc * csA, rsA, csA, pack_b_of[tid], C + jc, ldc,
                 accumulate || pc > 0);
    }
  }
}

/*
 * The threaded GEMM, BLIS-style: for each (jc, pc) block the threads first pack op(B) together
 * into one shared buffer (thread 0's), then each computes a tile of C with its own packed A.
 * Tiles are mostly row ranges, so no packing is repeated; a short-and-wide C is also cut into
 * column ranges (each then packs its rows of A again, which is cheap when M is small).
 */
typedef struct ParGemm {
  int M, kc, nc, rsA, csA, rsB, csB, ldc, beta;
  const float *A; /* at column pc */
  const float *B; /* at (pc, jc) */
  float *C;       /* at column jc */
  float *packed;
  int pack_step;                       /* columns per packing task, a multiple of NR */
  int row_step, col_step, col_tasks;   /* the tiles of C */
} ParGemm;

static void pack_b_task(void *ctx, int t, int tid) {
  (void)tid;
  const ParGemm *j = ctx;
  int j0 = t * j->pack_step;
  int cols = j->nc - j0 < j->pack_step ? j->nc - j0 : j->pack_step;
  pack_b(j->kc, cols, j->B + (size_t)j0 * j->csB, j->rsB, j->csB, j->packed + (size_t)j0 * j->kc);
}

static void tile_task(void *ctx, int t, int tid) {
  const ParGemm *j = ctx;
  int i0 = (t / j->col_tasks) * j->row_step, j0 = (t % j->col_tasks) * j->col_step;
  int i1 = i0 + j->row_step < j->M ? i0 + j->row_step : j->M;
  int j1 = j0 + j->col_step < j->nc ? j0 + j->col_step : j->nc;
  gemm_block(pack_a_of[tid], i0, i1, j0, j1, j->kc, j->A, j->rsA, j->csA, j->packed, j->C, j->ldc, j->beta);
}

/* ceil(a / b) rounded up to a multiple of `unit`. */
static int split_step(int a, int b, int unit) {
  int s = (a + b - 1) / b;
  return (s + unit - 1) / unit * unit;
}

/* The GEMM above, split over the thread pool when the product is large enough. */
EXPORT(st_gemm) void st_gemm(int M, int N, int K, const float *A, int rsA, int csA, const float *B, int rsB, int csB,
                             float *C, int ldc, int accumulate) {
  double work = 2.0 * M * N * (K > 0 ? K : 1);
  int nt = M > 0 && N > 0 && K > 0 ? par_threads(work) : 1;
  if (nt <= 1 || (M <= MR && N <= NR)) {
    gemm_on(0, M, N, K, A, rsA, csA, B, rsB, csB, C, ldc, accumulate);
    return;
  }
  /* Several tiles per thread, so a core that is busy with something else just takes fewer. */
  int want = TILES_PER_THREAD * nt;
  int row_panels = (M + MR - 1) / MR;
  int row_tasks = row_panels < want ? row_panels : want;
  int row_step = split_step(M, row_tasks, MR);
  row_tasks = (M + row_step - 1) / row_step;
  for (int jc = 0; jc < N; jc += NC) {
    int nc = N - jc < NC ? N - jc : NC;
    int col_panels = (nc + NR - 1) / NR;
    int col_tasks = row_tasks >= 2 * nt ? 1 : (2 * nt + row_tasks - 1) / row_tasks;
    if (col_tasks > col_panels) col_tasks = col_panels;
    int col_step = split_step(nc, col_tasks, NR);
    col_tasks = (nc + col_step - 1) / col_step;
    int pack_tasks = col_panels < 2 * nt ? col_panels : 2 * nt;
    int pack_step = split_step(nc, pack_tasks, NR);
    pack_tasks = (nc + pack_step - 1) / pack_step;
    for (int pc = 0; pc < K; pc += KC) {
      int kc = K - pc < KC ? K - pc : KC;
      ParGemm j = {M, kc, nc, rsA, csA, rsB, csB, ldc, accumulate || pc > 0,
                   A + (size_t)pc * csA, B + (size_t)pc * rsB + (size_t)jc * csB, C + jc, pack_b_of[0],
                   pack_step, row_step, col_step, col_tasks};
      par_for(pack_b_task, &j, pack_tasks, work);
      par_for(tile_task, &j, row_tasks * col_tasks, work);
    }
  }
}

typedef struct BatchJob {
  int M, N, K, rsA, csA, rsB, csB;
  const float *A, *B;
  float *C;
  const int32_t *offsets;
} BatchJob;

static void batch_task(void *ctx, int t, int tid) {
  const BatchJob *j = ctx;
  gemm_on(tid, j->M, j->N, j->K, j->A + j->offsets[2 * t], j->rsA, j->csA, j->B + j->offsets[2 * t + 1], j->rsB, j->csB,
          j->C + (size_t)t * j->M * j->N, j->N, 0);
}

/*
 * `count` products C[t] = op(A + offsets[2t]) · op(B + offsets[2t+1]) (offsets in floats), C[t]
 * packed M×N one after another. Many small matrices are spread over the threads whole; a few
 * large ones are each split.
 */
EXPORT(st_gemm_batch) void st_gemm_batch(int M, int N, int K, const float *A, int rsA, int csA, const float *B, int rsB,
                                         int csB, float *C, int count, const int32_t *offsets) {
  if (M <= 0 || N <= 0 || count <= 0) return;
  double one = 2.0 * M * N * (K > 0 ? K : 1);
  int nt = par_threads(one * count);
  if (nt > 1 && (count >= 2 * nt || par_threads(one) <= 1)) {
    BatchJob j = {M, N, K, rsA, csA, rsB, csB, A, B, C, offsets};
    par_for(batch_task, &j, count, one * count);
    return;
  }
  for (int t = 0; t < count; t++)
    st_gemm(M, N, K, A + offsets[2 * t], rsA, csA, B + offsets[2 * t + 1], rsB, csB, C + (size_t)t * M * N, N, 0);
}
