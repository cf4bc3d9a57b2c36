// Row reductions: reduce (each row of `length` contiguous elements folds to one value),
// argReduce, softmax/logSoftmax and layerNorm. Rows go one per warp when there are many of them
// and one per 1024-thread block when there are few (so a full reduction still uses many threads).
// Float sums and products accumulate in float64 and round once, like the reference.
#include <cmath>
#include <cstdint>
#include "launch.cuh"

namespace strata {
namespace {

constexpr int kRowsPerWarpLaunch = 1024;  // at least this many rows: one warp per row
constexpr int kBlockRowThreads = 1024;

// Accumulator type and combining rule for each (op, dtype).
template <typename T>
struct Fold;

template <>
struct Fold<float> {
  using Acc = double;
  __host__ __device__ static Acc identity(int op) {
    switch (op) {
      case kSum: return 0.0;
      case kProd: return 1.0;
      case kMax: return -INFINITY;
      default: return INFINITY;  // kMin
    }
  }
  __host__ __device__ static Acc combine(int op, Acc a, Acc b) {
    switch (op) {
      case kSum: return a + b;
      case kProd: return a * b;
      case kMax: return isnan(a) ? a : isnan(b) ? b : (b > a ? b : a);
      default: return isnan(a) ? a : isnan(b) ? b : (b < a ? b : a);
    }
  }
  __host__ __device__ static float finish(Acc a) { return static_cast<float>(a); }
};

template <>
struct Fold<int32_t> {
  using Acc = int32_t;
  __host__ __device__ static Acc identity(int op) {
    switch (op) {
      case kSum: return 0;
      case kProd: return 1;
      case kMax: return INT32_MIN;
      default: return INT32_MAX;
    }
  }
  __host__ __device__ static Acc combine(int op, Acc a, Acc b) {
    const uint32_t ua = static_cast<uint32_t>(a), ub = static_cast<uint32_t>(b);
    switch (op) {
      case kSum: return static_cast<int32_t>(ua + ub);  // wraps like the elementwise add
      case kProd: return static_cast<int32_t>(ua * ub);
      case kMax: return b > a ? b : a;
      default: return b < a ? b : a;
    }
  }
  __host__ __device__ static int32_t finish(Acc a) { return a; }
};

template <>
struct Fold<uint8_t> {
  using Acc = int32_t;
  __host__ __device__ static Acc identity(int op) { return op == kAll ? 1 : 0; }
  __host__ __device__ static Acc combine(int op, Acc a, Acc b) {
    return op == kAll ? ((a != 0 && b != 0) ? 1 : 0) : ((a != 0 || b != 0) ? 1 : 0);
  }
  __host__ __device__ static uint8_t finish(Acc a) { return static_cast<uint8_t>(a); }
};

template <typename Acc, typename Combine>
__device__ inline Acc warpFold(Acc value, Combine combine) {
  for (int offset = 16; offset > 0; offset >>= 1) value = combine(value, __shfl_xor_sync(0xffffffffu, value, offset));
  return value;
}

// Folds over the whole block; every thread gets the result. `scratch` holds one value per warp.
template <typename Acc, typename Combine>
__device__ inline Acc blockFold(Acc value, Combine combine, Acc* scratch) {
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
  value = warpFold(value, combine);
  __syncthreads();  // scratch may still be read from a previous fold
  if (lane == 0) scratch[warp] = value;
  __syncthreads();
  Acc total = scratch[0];
  for (int w = 1; w < warps; w++) total = combine(total, scratch[w]);
  return total;
}

template <typename T>
__global__ void reduceWarpRows(int op, const T* x, T* out, int64_t rows, int64_t length) {
  using F = Fold<T>;
  const int lane = threadIdx.x & 31;
  const int64_t warpsTotal = static_cast<int64_t>(gridDim.x) * (blockDim.x >> 5);
  auto combine = [op](typename F::Acc a, typename F::Acc b) { return F::combine(op, a, b); };
  for (int64_t row = blockIdx.x * static_cast<int64_t>(blockDim.x >> 5) + (threadIdx.x >> 5); row < rows; row += warpsTotal) {
    const T* r = x + row * length;
    typename F::Acc acc = F::identity(op);
    for (int64_t j = lane; j < length; j += 32) acc = F::combine(op, acc, static_cast<typename F::Acc>(r[j]));
    acc = warpFold(acc, combine);
    if (lane == 0) out[row] = F::finish(acc);
  }
}

template <typename T>
__global__ void reduceBlockRows(int op, const T* x, T* out, int64_t rows, int64_t length) {
  using F = Fold<T>;
  __shared__ typename F::Acc scratch[32];
  auto combine = [op](typename F::Acc a, typename F::Acc b) { return F::combine(op, a, b); };
  for (int64_t row = blockIdx.x; row < rows; row += gridDim.x) {
    const T* r = x + row * length;
    typename F::Acc acc = F::identity(op);
    for (int64_t j = threadIdx.x; j < length; j += blockDim.x) acc = F::combine(op, acc, static_cast<typename F::Acc>(r[j]));
    acc = blockFold(acc, combine, scratch);
    if (threadIdx.x == 0) out[row] = F::finish(acc);
  }
}

template <typename T>
void reduceTyped(int op, const void* x, void* out, int64_t rows, int64_t length, cudaStream_t s) {
  const T* in = static_cast<const T*>(x);
  T* o = static_cast<T*>(out);
  if (rows >= kRowsPerWarpLaunch) {
    reduceWarpRows<T><<<gridFor(rows * 32), kThreads, 0, s>>>(op, in, o, rows, length);
  } else {
    reduceBlockRows<T><<<static_cast<unsigned>(rows), kBlockRowThreads, 0, s>>>(op, in, o, rows, length);
  }
}

// Ties keep the first index; the first NaN is the extreme and ends the scan (like the reference).
template <typename T>
__host__ __device__ inline int32_t argReduceAt(bool isMax, const T* x, int64_t i, int64_t length, int64_t inner) {
  const int64_t o = i / inner, in = i % inner;
  const T* base = x + o * length * inner + in;
  int32_t best = 0;
  T bestValue = base[0];
  for (int64_t k = 1; k < length; k++) {
    if (bestValue != bestValue) break;  // NaN (only floats can be unequal to themselves)
    const T v = base[k * inner];
    if (v != v || (isMax ? v > bestValue : v < bestValue)) {
      best = static_cast<int32_t>(k);
      bestValue = v;
    }
  }
  return best;
}

template <typename T>
__global__ void argReduceKernel(bool isMax, const T* x, int32_t* out, int64_t outer, int64_t length, int64_t inner) {
  STRATA_GRID_STRIDE(i, outer * inner) out[i] = argReduceAt(isMax, x, i, length, inner);
}

// One row folded left to right with the kernels' own identities and combining rules (the GPU
// folds in a tree; the rules are associative, so only float sums may differ, by rounding).
template <typename T>
void foldRowsOnHost(int op, const T* x, T* out, int64_t rows, int64_t length) {
  using F = Fold<T>;
  for (int64_t r = 0; r < rows; r++) {
    typename F::Acc acc = F::identity(op);
    for (int64_t j = 0; j < length; j++) acc = F::combine(op, acc, static_cast<typename F::Acc>(x[r * length + j]));
    out[r] = F::finish(acc);
  }
}

__device__ inline float maxPropagatingNaN(float a, float b) { return isnan(a) ? a : isnan(b) ? b : fmaxf(a, b); }

// One warp per row; a NaN anywhere in the row makes the row maximum NaN, which then spreads to
// the whole row as in the reference.
__global__ void softmaxKernel(const float* x, float* out, int64_t rows, int64_t length, bool logOutput) {
  const int lane = threadIdx.x & 31;
  const int64_t warpsTotal = static_cast<int64_t>(gridDim.x) * (blockDim.x >> 5);
  auto fmaxNaN = [](float a, float b) { return maxPropagatingNaN(a, b); };
  auto add = [](float a, float b) { return a + b; };
  for (int64_t row = blockIdx.x * static_cast<int64_t>(blockDim.x >> 5) + (threadIdx.x >> 5); row < rows; row += warpsTotal) {
    const float* r = x + row * length;
    float* o = out + row * length;
    float max = -INFINITY;
    for (int64_t j = lane; j < length; j += 32) max = maxPropagatingNaN(max, r[j]);
    max = warpFold(max, fmaxNaN);
    float sum = 0.f;
    for (int64_t j = lane; j < length; j += 32) sum += expf(r[j] - max);
    sum = warpFold(sum, add);
    if (logOutput) {
      const float logSum = logf(sum);
      for (int64_t j = lane; j < length; j += 32) o[j] = r[j] - max - logSum;
    } else {
      const float inverse = 1.f / sum;
      for (int64_t j = lane; j < length; j += 32) o[j] = expf(r[j] - max) * inverse;
    }
  }
}

// Two passes (mean, then the mean of squared deviations) for a variance without cancellation.
__global__ void layerNormKernel(const float* x, const float* gamma, const float* beta, float* out,
                                int64_t rows, int64_t length, float epsilon) {
  const int lane = threadIdx.x & 31;
  const int64_t warpsTotal = static_cast<int64_t>(gridDim.x) * (blockDim.x >> 5);
  auto add = [](float a, float b) { return a + b; };
  for (int64_t row = blockIdx.x * static_cast<int64_t>(blockDim.x >> 5) + (threadIdx.x >> 5); row < rows; row += warpsTotal) {
    const float* r = x + row * length;
    float* o = out + row * length;
    float sum = 0.f;
    for (int64_t j = lane; j < length; j += 32) sum += r[j];
    const float mean = warpFold(sum, add) / static_cast<float>(length);
    float squares = 0.f;
    for (int64_t j = lane; j < length; j += 32) {
      const float d = r[j] - mean;
      squares += d * d;
    }
    const float variance = warpFold(squares, add) / static_cast<float>(length);
    const float inverse = 1.f / sqrtf(variance + epsilon);
    for (int64_t j = lane; j < length; j += 32) o[j] = (r[j] - mean) * inverse * gamma[j] + beta[j];
  }
}

}  // namespace

cudaError_t launchReduceRows(int op, int dtype, const void* x, void* out, int64_t rows,
                             int64_t length, cudaStream_t s) {
  if (rows == 0) return cudaSuccess;
  if (dtype == kFloat32) reduceTyped<float>(op, x, out, rows, length, s);
  else if (dtype == kInt32) reduceTyped<int32_t>(op, x, out, rows, length, s);
  else reduceTyped<uint8_t>(op, x, out, rows, length, s);
  return cudaGetLastError();
}

cudaError_t launchArgReduce(bool isMax, int dtype, const void* x, int32_t* out, int64_t outer,
                            int64_t length, int64_t inner, cudaStream_t s) {
  const int64_t n = outer * inner;
  if (n == 0) return cudaSuccess;
  if (dtype == kFloat32) argReduceKernel<float><<<gridFor(n), kThreads, 0, s>>>(isMax, static_cast<const float*>(x), out, outer, length, inner);
  else if (dtype == kInt32) argReduceKernel<int32_t><<<gridFor(n), kThreads, 0, s>>>(isMax, static_cast<const int32_t*>(x), out, outer, length, inner);
  else argReduceKernel<uint8_t><<<gridFor(n), kThreads, 0, s>>>(isMax, static_cast<const uint8_t*>(x), out, outer, length, inner);
  return cudaGetLastError();
}

cudaError_t launchSoftmax(const float* x, float* out, int64_t rows, int64_t length, bool logOutput,
                          cudaStream_t s) {
  if (rows == 0 || length == 0) return cudaSuccess;
  softmaxKernel<<<gridFor(rows * 32), kThreads, 0, s>>>(x, out, rows, length, logOutput);
  return cudaGetLastError();
}

cudaError_t launchLayerNorm(const float* x, const float* gamma, const float* beta, float* out,
                            int64_t rows, int64_t length, float epsilon, cudaStream_t s) {
  if (rows == 0 || length == 0) return cudaSuccess;
  layerNormKernel<<<gridFor(rows * 32), kThreads, 0, s>>>(x, gamma, beta, out, rows, length, epsilon);
  return cudaGetLastError();
}

void evaluateReduceRowsOnHost(int op, int dtype, const void* x, void* out, int64_t rows, int64_t length) {
  if (dtype == kFloat32) foldRowsOnHost<float>(op, static_cast<const float*>(x), static_cast<float*>(out), rows, length);
  else if (dtype == kInt32) foldRowsOnHost<int32_t>(op, static_cast<const int32_t*>(x), static_cast<int32_t*>(out), rows, length);
  else foldRowsOnHost<uint8_t>(op, static_cast<const uint8_t*>(x), static_cast<uint8_t*>(out), rows, length);
}

void evaluateArgReduceOnHost(bool isMax, int dtype, const void* x, int32_t* out, int64_t outer, int64_t length, int64_t inner) {
  for (int64_t i = 0; i < outer * inner; i++) {
    if (dtype == kFloat32) out[i] = argReduceAt(isMax, static_cast<const float*>(x), i, length, inner);
    else if (dtype == kInt32) out[i] = argReduceAt(isMax, static_cast<const int32_t*>(x), i, length, inner);
    else out[i] = argReduceAt(isMax, static_cast<const uint8_t*>(x), i, length, inner);
  }
}

}  // namespace strata
