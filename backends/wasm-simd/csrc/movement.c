/*
 * Data movement: a strided block copy (slice, pad, general transpose), a tiled 2-D transpose,
 * concat, gather and scatterAdd. Elements are moved as 4 or 1 byte words, never interpreted,
 * so NaN payloads survive bit for bit.
 */
#include "common.h"

/*
 * Copies a block of shape[rank] from src to dst; st_arg_area holds shape, then the source
 * strides, then the destination strides (in elements). Rows whose steps are both 1 are memcpy'd.
 */
EXPORT(st_copy_strided) void st_copy_strided(int esize, const void *src, void *dst, int rank) {
  const int32_t *shape = st_arg_area, *ss = shape + rank, *ds = ss + rank;
  int inner = shape[rank - 1], si = ss[rank - 1], di = ds[rank - 1];
  int32_t idx[16] = {0};
  int64_t outer = 1;
  for (int d = 0; d < rank - 1; d++) outer *= shape[d];
  const char *ps = src;
  char *pd = dst;
  for (int64_t r = 0; r < outer; r++) {
    if (si == 1 && di == 1) copy_bytes(pd, ps, (size_t)inner * esize);
    else if (esize == 4) {
      const uint32_t *s = (const uint32_t *)ps; uint32_t *d = (uint32_t *)pd;
      for (int i = 0; i < inner; i++) d[(size_t)i * di] = s[(size_t)i * si];
    } else {
      const uint8_t *s = (const uint8_t *)ps; uint8_t *d = (uint8_t *)pd;
      for (int i = 0; i < inner; i++) d[(size_t)i * di] = s[(size_t)i * si];
    }
    for (int d = rank - 2; d >= 0; d--) {
      ps += (ptrdiff_t)ss[d] * esize;
      pd += (ptrdiff_t)ds[d] * esize;
      if (++idx[d] < shape[d]) break;
      ps -= (ptrdiff_t)ss[d] * shape[d] * esize;
      pd -= (ptrdiff_t)ds[d] * shape[d] * esize;
      idx[d] = 0;
    }
  }
}

#define TILE 32

/* batch × [rows, cols] → batch × [cols, rows], in TILE×TILE tiles so both sides stay in cache. */
EXPORT(st_transpose2d) void st_transpose2d(int esize, const void *src, void *dst, int batch, int rows, int cols) {
  for (int b = 0; b < batch; b++) {
    size_t off = (size_t)b * rows * cols;
    for (int i0 = 0; i0 < rows; i0 += TILE) {
      int i1 = i0 + TILE < rows ? i0 + TILE : rows;
      for (int j0 = 0; j0 < cols; j0 += TILE) {
        int j1 = j0 + TILE < cols ? j0 + TILE : cols;
        if (esize == 4) {
          const uint32_t *s = (const uint32_t *)src + off; uint32_t *d = (uint32_t *)dst + off;
          for (int j = j0; j < j1; j++)
            for (int i = i0; i < i1; i++) d[(size_t)j * rows + i] = s[(size_t)i * cols + j];
        } else {
          const uint8_t *s = (const uint8_t *)src + off; uint8_t *d = (uint8_t *)dst + off;
          for (int j = j0; j < j1; j++)
            for (int i = i0; i < i1; i++) d[(size_t)j * rows + i] = s[(size_t)i * cols + j];
        }
      }
    }
  }
}

/* Copies `outer` chunks of `chunk` bytes from src into dst rows of `row` bytes at byte `offset`. */
EXPORT(st_concat_part) void st_concat_part(const char *src, char *dst, int outer, int chunk, int row, int offset) {
  for (int o = 0; o < outer; o++) copy_bytes(dst + (size_t)o * row + offset, src + (size_t)o * chunk, (size_t)chunk);
}

/* out [outer, nidx, inner] takes row idx[j] of x [outer, len, inner]; out-of-range rows are 0. */
EXPORT(st_gather) void st_gather(int esize, const char *x, const int32_t *idx, char *out, int outer, int len, int nidx, int inner) {
  size_t row = (size_t)inner * esize;
  for (int o = 0; o < outer; o++) {
    for (int j = 0; j < nidx; j++) {
      char *d = out + ((size_t)o * nidx + j) * row;
      int k = idx[j];
      if (k < 0 || k >= len) set_bytes(d, 0, row);
      else copy_bytes(d, x + ((size_t)o * len + k) * row, row);
    }
  }
}

/*
 * out [outer, size, inner] (zeroed here) += row j of updates [outer, nidx, inner] at idx[j];
 * out-of-range indices are skipped. Float32 sums in float32; int32 wraps.
 */
EXPORT(st_scatter_add) void st_scatter_add(int dtype, const void *upd, const int32_t *idx, void *out, int outer, int size, int nidx, int inner) {
  set_bytes(out, 0, (size_t)outer * size * inner * 4);
  for (int o = 0; o < outer; o++) {
    for (int j = 0; j < nidx; j++) {
      int k = idx[j];
      if (k < 0 || k >= size) continue;
      size_t from = ((size_t)o * nidx + j) * inner, to = ((size_t)o * size + k) * inner;
      if (dtype == DT_F32) {
        const float *u = (const float *)upd + from; float *d = (float *)out + to;
        int i = 0;
        for (; i + 4 <= inner; i += 4) wasm_v128_store(d + i, wasm_f32x4_add(wasm_v128_load(d + i), wasm_v128_load(u + i)));
        for (; i < inner; i++) d[i] += u[i];
      } else {
        const int32_t *u = (const int32_t *)upd + from; int32_t *d = (int32_t *)out + to;
        for (int i = 0; i < inner; i++) d[i] = (int32_t)((uint32_t)d[i] + (uint32_t)u[i]);
      }
    }
  }
}
