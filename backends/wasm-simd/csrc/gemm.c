/*
 * Single-precision GEMM: C (+)= op(A)·op(B), the Goto/BLIS way.
 *
 * op(A) is M×K and op(B) is K×N, each given by a row step and a column step in elements, so
 * transposes cost nothing here. B is packed KC×NC at a time into 8-column panels and A MC×KC
 * into 4-row panels (zero-padded at the edges), then a 4×8 register micro-kernel runs over the
 * packed panels: 8 accumulators + 2 B vectors + 1 broadcast A value fit V8's 16 SIMD registers
 * on x86-64 without spilling (a 6×8 kernel spills and runs at half speed). The packing buffers
 * are static, so GEMM itself never allocates.
 */
#include "common.h"

#define MR 4
#define NR 8
#ifndef KC
#define KC 256
#endif
#ifndef MC
#define MC 128
#endif
#ifndef NC
#define NC 1024
#endif

static float pack_a_buf[MC * KC] __attribute__((aligned(16)));
static float pack_b_buf[KC * NC] __attribute__((aligned(16)));

INLINE void transpose4(v128_t *r0, v128_t *r1, v128_t *r2, v128_t *r3) {
  v128_t t0 = wasm_i32x4_shuffle(*r0, *r1, 0, 4, 1, 5);
  v128_t t1 = wasm_i32x4_shuffle(*r2, *r3, 0, 4, 1, 5);
  v128_t t2 = wasm_i32x4_shuffle(*r0, *r1, 2, 6, 3, 7);
  v128_t t3 = wasm_i32x4_shuffle(*r2, *r3, 2, 6, 3, 7);
  *r0 = wasm_i32x4_shuffle(t0, t1, 0, 1, 4, 5);
  *r1 = wasm_i32x4_shuffle(t0, t1, 2, 3, 6, 7);
  *r2 = wasm_i32x4_shuffle(t2, t3, 0, 1, 4, 5);
  *r3 = wasm_i32x4_shuffle(t2, t3, 2, 3, 6, 7);
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

/* An edge tile: the full kernel into a local tile, then only the mr×nr valid part reaches C. */
static void kernel_edge(int kc, const float *a, const float *b, float *c, int ldc, int mr, int nr, int beta) {
  float tile[MR * NR] __attribute__((aligned(16)));
  kernel_4x8(kc, a, b, tile, NR, 0);
  for (int i = 0; i < mr; i++)
    for (int j = 0; j < nr; j++) c[(size_t)i * ldc + j] = beta ? c[(size_t)i * ldc + j] + tile[i * NR + j] : tile[i * NR + j];
}

/*
 * C[M×N] (row step ldc) = op(A)·op(B), or += when `accumulate`. op(A)(i,p) = A[i·rsA + p·csA],
 * op(B)(p,j) = B[p·rsB + j·csB].
 */
EXPORT(st_gemm) void st_gemm(int M, int N, int K, const float *A, int rsA, int csA, const float *B, int rsB, int csB,
                             float *C, int ldc, int accumulate) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    if (!accumulate)
      for (int i = 0; i < M; i++) set_bytes(C + (size_t)i * ldc, 0, (size_t)N * 4);
    return;
  }
  for (int jc = 0; jc < N; jc += NC) {
    int nc = N - jc < NC ? N - jc : NC;
    for (int pc = 0; pc < K; pc += KC) {
      int kc = K - pc < KC ? K - pc : KC;
      pack_b(kc, nc, B + (size_t)pc * rsB + (size_t)jc * csB, rsB, csB, pack_b_buf);
      int beta = accumulate || pc > 0;
      for (int ic = 0; ic < M; ic += MC) {
        int mc = M - ic < MC ? M - ic : MC;
        pack_a(mc, kc, A + (size_t)ic * rsA + (size_t)pc * csA, rsA, csA, pack_a_buf);
        for (int jr = 0; jr < nc; jr += NR) {
          int nr = nc - jr < NR ? nc - jr : NR;
          const float *bp = pack_b_buf + (size_t)jr * kc;
          for (int ir = 0; ir < mc; ir += MR) {
            int mr = mc - ir < MR ? mc - ir : MR;
            float *cp = C + (size_t)(ic + ir) * ldc + jc + jr;
            const float *ap = pack_a_buf + (size_t)ir * kc;
            if (mr == MR && nr == NR) kernel_4x8(kc, ap, bp, cp, ldc, beta);
            else kernel_edge(kc, ap, bp, cp, ldc, mr, nr, beta);
          }
        }
      }
    }
  }
}
