// Data movement: one strided copy kernel (transpose, slice, pad, broadcast expansion), gather and
// scatterAdd. concat needs no kernel: it is one cudaMemcpy2DAsync per input (see addon.cc).
#include <cstdint>
#include "launch.cuh"

namespace strata {
namespace {

template <typename T>
__global__ void copyKernel(const T* x, T* out, int64_t n, CopyMap map, T fill) {
  STRATA_GRID_STRIDE(i, n) {
    int64_t rest = i, offset = map.base;
    bool inside = true;
    for (int d = map.rank - 1; d >= 0; d--) {
      const int64_t coord = rest % map.dims[d] - map.lo[d];
      rest /= map.dims[d];
      inside = inside && coord >= 0 && coord < map.extent[d];
      offset += coord * map.inStrides[d];
    }
    out[i] = inside ? x[offset] : fill;
  }
}

// Output viewed as [outer, count, inner]; row j of each outer block comes from row indices[j] of
// x viewed as [outer, axisLength, inner], or is zero when that index is out of range.
template <typename T>
__global__ void gatherKernel(const T* x, const int32_t* indices, T* out, int64_t outer,
                             int64_t axisLength, int64_t count, int64_t inner) {
  STRATA_GRID_STRIDE(i, outer * count * inner) {
    const int64_t in = i % inner;
    const int64_t j = (i / inner) % count;
    const int64_t o = i / (inner * count);
    const int32_t index = indices[j];
    out[i] = (index >= 0 && index < axisLength) ? x[(o * axisLength + index) * inner + in] : T(0);
  }
}

template <typename T>
__global__ void scatterAddKernel(const T* updates, const int32_t* indices, T* out, int64_t outer,
                                 int64_t size, int64_t count, int64_t inner) {
  STRATA_GRID_STRIDE(i, outer * count * inner) {
    const int64_t in = i % inner;
    const int64_t j = (i / inner) % count;
    const int64_t o = i / (inner * count);
    const int32_t index = indices[j];
    if (index >= 0 && index < size) atomicAdd(&out[(o * size + index) * inner + in], updates[i]);
  }
}

}  // namespace

cudaError_t launchCopy(const void* x, void* out, int64_t n, int elementBytes, const CopyMap& map,
                       uint32_t fillBits, cudaStream_t s) {
  if (n == 0) return cudaSuccess;
  if (elementBytes == 1) {
    copyKernel<uint8_t><<<gridFor(n), kThreads, 0, s>>>(static_cast<const uint8_t*>(x), static_cast<uint8_t*>(out), n, map, static_cast<uint8_t>(fillBits));
  } else {
    copyKernel<uint32_t><<<gridFor(n), kThreads, 0, s>>>(static_cast<const uint32_t*>(x), static_cast<uint32_t*>(out), n, map, fillBits);
  }
  return cudaGetLastError();
}

cudaError_t launchGather(const void* x, const int32_t* indices, void* out, int64_t outer,
                         int64_t axisLength, int64_t count, int64_t inner, int elementBytes,
                         cudaStream_t s) {
  const int64_t n = outer * count * inner;
  if (n == 0) return cudaSuccess;
  if (elementBytes == 1) {
    gatherKernel<uint8_t><<<gridFor(n), kThreads, 0, s>>>(static_cast<const uint8_t*>(x), indices, static_cast<uint8_t*>(out), outer, axisLength, count, inner);
  } else {
    gatherKernel<uint32_t><<<gridFor(n), kThreads, 0, s>>>(static_cast<const uint32_t*>(x), indices, static_cast<uint32_t*>(out), outer, axisLength, count, inner);
  }
  return cudaGetLastError();
}

cudaError_t launchScatterAdd(const void* updates, const int32_t* indices, void* out, int64_t outer,
                             int64_t size, int64_t count, int64_t inner, int dtype, cudaStream_t s) {
  const int64_t outBytes = outer * size * inner * 4;
  if (outBytes > 0) {
    const cudaError_t e = cudaMemsetAsync(out, 0, outBytes, s);
    if (e != cudaSuccess) return e;
  }
  const int64_t n = outer * count * inner;
  if (n == 0) return cudaSuccess;
  // Float sums land in an order the hardware picks (within the accumulation tolerance); int32
  // atomics wrap, as the reference's sums do.
  if (dtype == kFloat32) {
    scatterAddKernel<float><<<gridFor(n), kThreads, 0, s>>>(static_cast<const float*>(updates), indices, static_cast<float*>(out), outer, size, count, inner);
  } else {
    scatterAddKernel<int><<<gridFor(n), kThreads, 0, s>>>(static_cast<const int*>(updates), indices, static_cast<int*>(out), outer, size, count, inner);
  }
  return cudaGetLastError();
}

}  // namespace strata
