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

INLINE void copy_bytes(void *dst, const void *src, size_t n) { __builtin_memcpy(dst, src, n); }
INLINE void set_bytes(void *dst, int v, size_t n) { __builtin_memset(dst, v, n); }

#endif
