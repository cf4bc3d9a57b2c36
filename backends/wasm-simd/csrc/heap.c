/*
 * The heap: a size-class allocator over the module's linear memory.
 *
 * Every block has a 16-byte header (so payloads stay 16-byte aligned for SIMD loads) holding its
 * size class and a live/free tag. Freed blocks go onto a free list per class and are reused
 * before the heap grows. Classes are 16-byte steps up to 256 bytes, then four per power of two,
 * so a block wastes at most a quarter of its size. New memory comes from a bump pointer; when it
 * runs out the memory grows (JS re-creates its typed-array views afterwards). If growth fails
 * the allocator hands out a free block of a larger class before giving up with 0.
 */
#include "common.h"

#define HEADER 16u
#define CLASS_COUNT 120
#define TAG_LIVE 0x5354524Cu /* "STRL" */
#define TAG_FREE 0x53545246u /* "STRF" */
#define PAGE 65536ull
#define MAX_BYTES 4294967296ull

extern unsigned char __heap_base;

int32_t st_arg_area[512];

typedef struct Header {
  uint32_t cls;
  uint32_t tag;
  uint32_t requested;
  uint32_t pad;
} Header;

static void *free_lists[CLASS_COUNT];
static uint32_t bump = 0;
static uint32_t failed_bytes = 0;

/* Class of a request of n bytes and that class's block payload size. */
static int class_of(uint64_t n, uint64_t *size) {
  uint64_t n16 = (n + 15u) & ~15ull;
  if (n16 == 0) n16 = 16;
  if (n16 <= 256) {
    *size = n16;
    return (int)(n16 / 16) - 1;
  }
  int k = 63 - __builtin_clzll(n16 - 1); /* 2^k < n16 <= 2^(k+1), k >= 8 */
  uint64_t base = 1ull << k;
  uint64_t step = base >> 2;
  uint64_t j = (n16 - base + step - 1) / step; /* 1..4 */
  *size = base + j * step;
  return 16 + (k - 8) * 4 + (int)(j - 1);
}

static uint64_t class_size(int cls) {
  if (cls < 16) return (uint64_t)(cls + 1) * 16u;
  int k = 8 + (cls - 16) / 4;
  uint64_t j = (uint64_t)((cls - 16) % 4) + 1;
  return (1ull << k) + j * ((1ull << k) >> 2);
}

static int grow_to(uint64_t end) {
  uint64_t have = (uint64_t)__builtin_wasm_memory_size(0) * PAGE;
  if (end <= have) return 1;
  if (end >= MAX_BYTES) return 0; /* the bump pointer is 32-bit: stop one byte short of 4 GiB */
  uint64_t pages = (end - have + PAGE - 1) / PAGE;
  /* Grow by at least an eighth of what we have, so many small growths do not each copy. */
  uint64_t slack = (have / PAGE) / 8;
  if (pages < slack && (have / PAGE) + slack <= MAX_BYTES / PAGE) {
    if (__builtin_wasm_memory_grow(0, (size_t)slack) != (size_t)-1) return 1;
  }
  return __builtin_wasm_memory_grow(0, (size_t)pages) != (size_t)-1;
}

static void *take(void *block, int cls, uint64_t n) {
  Header *h = (Header *)block;
  h->cls = (uint32_t)cls;
  h->tag = TAG_LIVE;
  h->requested = (uint32_t)n;
  return (unsigned char *)block + HEADER;
}

EXPORT(st_malloc) void *st_malloc(size_t bytes) {
  uint64_t size;
  int cls = class_of(bytes, &size);
  if (cls >= CLASS_COUNT) return 0;
  void *block = free_lists[cls];
  if (block != 0) {
    free_lists[cls] = *(void **)((unsigned char *)block + HEADER);
    return take(block, cls, bytes);
  }
  if (bump == 0) bump = ((uint32_t)(uintptr_t)&__heap_base + 15u) & ~15u;
  uint64_t end = (uint64_t)bump + HEADER + size;
  if (grow_to(end)) {
    block = (void *)(uintptr_t)bump;
    bump = (uint32_t)end;
    return take(block, cls, bytes);
  }
  /* Memory cannot grow: a free block of a larger class is better than failing. */
  for (int c = cls + 1; c < CLASS_COUNT; c++) {
    block = free_lists[c];
    if (block != 0) {
      free_lists[c] = *(void **)((unsigned char *)block + HEADER);
      return take(block, c, bytes);
    }
  }
  return 0;
}

EXPORT(st_free) void st_free(void *ptr) {
  if (ptr == 0) return;
  Header *h = (Header *)((unsigned char *)ptr - HEADER);
  if (h->tag != TAG_LIVE) return; /* JS checks double frees; never corrupt the lists */
  h->tag = TAG_FREE;
  *(void **)ptr = free_lists[h->cls];
  free_lists[h->cls] = (unsigned char *)h;
}

void *st_scratch(size_t bytes) {
  void *p = st_malloc(bytes);
  if (p == 0) failed_bytes = (uint32_t)bytes;
  return p;
}

/* Bytes a live block really occupies (its class size plus header). */
EXPORT(st_block_bytes) uint32_t st_block_bytes(void *ptr) {
  Header *h = (Header *)((unsigned char *)ptr - HEADER);
  return (uint32_t)class_size((int)h->cls) + HEADER;
}

EXPORT(st_failed_bytes) uint32_t st_failed_bytes(void) { return failed_bytes; }

EXPORT(st_heap_top) uint32_t st_heap_top(void) { return bump; }

EXPORT(st_args) int32_t *st_args(void) { return st_arg_area; }
