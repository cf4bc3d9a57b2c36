/*
 * Shared declarations of the Strata wasm kernels. Everything is freestanding C (no libc):
 * pointers cross the JS boundary as byte offsets into the module's own memory, sizes and
 * shapes as int32. Kernels never allocate their outputs; JS allocates them through st_malloc
 * so that it can name the kernel in an out-of-memory error. Scratch memory a kernel needs
 * comes from st_scratch(), which records the failed request for the same reason.
 */
#ifndef STRATA_COMMON_H
#define STRATA_COMMON_H

#include <stdint.h>
#include <stddef.h>
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name))) 
#define INLINE static inline __attribute__((always_inline))

/* Status codes kernels return to JS. */
#define ST_OK 0
#define ST_NO_MEMORY 1

/* Element kinds, matching src/dtypes.ts. */
#define DT_F32 0
#define DT_I32 1
#define DT_BOOL 2

/* A small int32 area JS fills with shapes, strides and geometry before a call. */
extern int32_t st_arg_area[512];

void *st_malloc(size_t bytes);
void st_free(void *ptr);
/* Allocation for kernel scratch: like st_malloc, but records the request if it fails. */
void *st_scratch(size_t bytes);

/* Threads (csrc/threads.c). Thread 0 is the main thread; tid < MAX_THREADS. */
#define MAX_THREADS 64
typedef void (*task_fn)(void *ctx, int task, int tid);
/* Runs fn(ctx, i, tid) for i in [0, tasks), on several threads when `work` (flops) is worth it.
 * Call only from the main thread; returns the number of threads it used. */
int par_for(task_fn fn, void *ctx, int tasks, double work);
/* The thread count a par_for of `work` flops would use (1 below the threshold or inside a job). */
int par_threads(double work);

/* GEMM (csrc/gemm.c): gemm_on runs on one thread with that thread's packing buffers; st_gemm
 * splits a large product over the pool. */
void gemm_on(int tid, int M, int N, int K, const float *A, int rsA, int csA, const float *B, int rsB, int csB,
             float *C, int ldc, int accumulate);
void st_gemm(int M, int N, int K, const float *A, int rsA, int csA, const float *B, int rsB, int csB,
             float *C, int ldc, int accumulate);
/* Allocates thread tid's packing buffers; 0 if memory ran out. */
int gemm_init_thread(int tid);
/* GEMM on thread tid whose A is never stored: pack(ctx, ic, mc, pc, kc, dst) writes rows
 * [ic, ic+mc) × columns [pc, pc+kc) of op(A) as panels of 4 rows (panel i: kc columns of 4 floats,
 * rows past M zero). Used by convolutions to pack im2col rows straight from the image. */
typedef void (*gemm_pack_a_fn)(const void *ctx, int ic, int mc, int pc, int kc, float *dst);
/* Each thread's GEMM B packing buffer (GEMM_PACK_B_FLOATS floats; gemm.c KC·NC): the direct
 * convolution kernels in conv.c pack their filter there. */
#define GEMM_PACK_B_FLOATS (512 * 512)
float *gemm_pack_b_buffer(int tid);
void gemm_on_packed_a(int tid, int M, int N, int K, gemm_pack_a_fn pack, const void *ctx, const float *B, int rsB,
                      int csB, float *C, int ldc);

/* 4×4 transpose of rows r0..r3 in place. */
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

INLINE void copy_bytes(void *dst, const void *src, size_t n) { __builtin_memcpy(dst, src, n); }
INLINE void set_bytes(void *dst, int v, size_t n) { __builtin_memset(dst, v, n); }

#endif
