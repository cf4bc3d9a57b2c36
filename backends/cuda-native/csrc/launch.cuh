// Helpers shared by the .cu files: grid sizing for grid-stride loops and strided unravelling.
#pragma once
#include "kernels.h"

namespace strata {

constexpr int kThreads = 256;

// Enough blocks to cover n with one element per thread, capped; kernels loop grid-stride.
inline unsigned gridFor(int64_t n, int threads = kThreads) {
  int64_t blocks = (n + threads - 1) / threads;
  if (blocks > 65535 * 8) blocks = 65535 * 8;
  return static_cast<unsigned>(blocks < 1 ? 1 : blocks);
}

// Offsets of flat output index i in up to three inputs of a StridedMap.
template <int Inputs>
__device__ inline void unravelStrided(const StridedMap& map, int64_t i, int64_t offsets[Inputs]) {
  for (int t = 0; t < Inputs; t++) offsets[t] = 0;
  for (int d = map.rank - 1; d >= 0; d--) {
    const int64_t coord = i % map.dims[d];
    i /= map.dims[d];
    for (int t = 0; t < Inputs; t++) offsets[t] += coord * map.strides[t][d];
  }
}

#define STRATA_GRID_STRIDE(i, n) \
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < (n); \
       i += static_cast<int64_t>(gridDim.x) * blockDim.x)

}  // namespace strata
