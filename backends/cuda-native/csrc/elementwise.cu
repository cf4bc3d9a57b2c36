// Elementwise kernels: fill, cast, unary, binary, where, bias + activation, batchNorm and the
// optimizer steps. The op is a runtime switch (uniform across a launch) rather than a template
// parameter, which keeps the number of instantiations, and so compile time, small. The scalar
// functions are __host__ __device__ so the same code can also be evaluated on the CPU (see
// evaluateUnaryOnHost and friends at the end), which lets tests check it without a GPU.
#include <cmath>
#include <cstdint>
#include "launch.cuh"

namespace strata {
namespace {

__host__ __device__ inline int32_t wrapNeg(int32_t x) { return static_cast<int32_t>(0u - static_cast<uint32_t>(x)); }

__host__ __device__ float floatUnary(int op, float x) {
  switch (op) {
    case kNeg: return -x;
    case kAbs: return fabsf(x);
    case kSign: return x > 0.f ? 1.f : x < 0.f ? -1.f : x == 0.f ? 0.f : x;
    case kExp: return expf(x);
    case kLog: return logf(x);
    case kLog1p: return log1pf(x);
    case kExpm1: return expm1f(x);
    case kSqrt: return sqrtf(x);
    case kRsqrt: return 1.f / sqrtf(x);
    case kSquare: return x * x;
    case kReciprocal: return 1.f / x;
    case kSin: return sinf(x);
    case kCos: return cosf(x);
    case kTanh: return tanhf(x);
    case kSigmoid: {
      // exp only ever of a non-positive number, so it cannot overflow.
      if (x >= 0.f) return 1.f / (1.f + expf(-x));
      const float e = expf(x);
      return e / (1.f + e);
    }
    case kRelu: return (x > 0.f || isnan(x)) ? x : 0.f;
    case kErf: return erff(x);
    case kFloor: return floorf(x);
    case kCeil: return ceilf(x);
    case kRound: return rintf(x);  // the default rounding mode: half to even
    default: return nanf("");
  }
}

__host__ __device__ int32_t intUnary(int op, int32_t x) {
  switch (op) {
    case kNeg: return wrapNeg(x);
    case kAbs: return x < 0 ? wrapNeg(x) : x;
    case kSign: return x > 0 ? 1 : x < 0 ? -1 : 0;
    case kSquare: return static_cast<int32_t>(static_cast<uint32_t>(x) * static_cast<uint32_t>(x));
    case kRelu: return x > 0 ? x : 0;
    default: return 0;
  }
}

__global__ void fillKernel32(uint32_t* out, int64_t n, uint32_t bits) {
  STRATA_GRID_STRIDE(i, n) out[i] = bits;
}

__host__ __device__ inline int32_t floatToInt32(float x) {
  if (isnan(x)) return 0;
  if (x >= 2147483648.f) return INT32_MAX;
  if (x <= -2147483648.f) return INT32_MIN;
  return static_cast<int32_t>(x);  // truncates toward zero
}

template <typename From, typename To>
__global__ void castKernel(const From* x, To* out, int64_t n) {
  STRATA_GRID_STRIDE(i, n) out[i] = static_cast<To>(x[i]);
}

__global__ void castFloatToInt(const float* x, int32_t* out, int64_t n) {
  STRATA_GRID_STRIDE(i, n) out[i] = floatToInt32(x[i]);
}

template <typename From>
__global__ void castToBool(const From* x, uint8_t* out, int64_t n) {
  STRATA_GRID_STRIDE(i, n) out[i] = x[i] != From(0) ? 1 : 0;  // NaN != 0: true
}

__global__ void unaryFloat(int op, const float* x, float* out, int64_t n) {
  STRATA_GRID_STRIDE(i, n) out[i] = floatUnary(op, x[i]);
}

__global__ void unaryInt(int op, const int32_t* x, int32_t* out, int64_t n) {
  STRATA_GRID_STRIDE(i, n) out[i] = intUnary(op, x[i]);
}

__global__ void unaryNot(const uint8_t* x, uint8_t* out, int64_t n) {
  STRATA_GRID_STRIDE(i, n) out[i] = x[i] == 0 ? 1 : 0;
}

__global__ void unaryIsNaN(const float* x, uint8_t* out, int64_t n) {
  STRATA_GRID_STRIDE(i, n) out[i] = isnan(x[i]) ? 1 : 0;
}

// Comparisons and logic give bool for every input type; C comparisons already treat NaN as
// IEEE requires (unequal to everything, itself included).
template <typename T>
__host__ __device__ inline bool compareOrLogic(int op, T a, T b) {
  switch (op) {
    case kEqual: return a == b;
    case kNotEqual: return a != b;
    case kLess: return a < b;
    case kLessEqual: return a <= b;
    case kGreater: return a > b;
    case kGreaterEqual: return a >= b;
    case kAnd: return a != T(0) && b != T(0);
    case kOr: return a != T(0) || b != T(0);
    default: return false;
  }
}

__host__ __device__ float floatBinary(int op, float a, float b) {
  switch (op) {
    case kAdd: return a + b;
    case kSub: return a - b;
    case kMul: return a * b;
    case kDiv: return a / b;
    case kPow:
      if (a == 1.f || (a == -1.f && isinf(b))) return 1.f;
      return powf(a, b);
    case kMaximum: return (isnan(a) || isnan(b)) ? nanf("") : fmaxf(a, b);
    case kMinimum: return (isnan(a) || isnan(b)) ? nanf("") : fminf(a, b);
    case kMod: {
      // In float64 like the reference: fmod is exact, the sign fix rounds once.
      const double da = a, db = b;
      const double r = fmod(da, db);
      if (r == 0.0) return db < 0.0 ? -0.f : 0.f;
      return static_cast<float>(((r < 0.0) != (db < 0.0)) ? r + db : r);
    }
    case kFloorDiv: return static_cast<float>(floor(static_cast<double>(a) / static_cast<double>(b)));
    case kAtan2: return atan2f(a, b);
    default: return nanf("");
  }
}

__host__ __device__ int32_t intBinary(int op, int32_t a, int32_t b) {
  const uint32_t ua = static_cast<uint32_t>(a), ub = static_cast<uint32_t>(b);
  switch (op) {
    case kAdd: return static_cast<int32_t>(ua + ub);
    case kSub: return static_cast<int32_t>(ua - ub);
    case kMul: return static_cast<int32_t>(ua * ub);
    case kMaximum: return a > b ? a : b;
    case kMinimum: return a < b ? a : b;
    case kMod: {
      if (b == 0 || b == -1) return 0;  // -1 divides everything; also avoids INT_MIN % -1
      const int32_t r = a % b;
      return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
    }
    case kFloorDiv: {
      if (b == 0) return 0;
      if (b == -1) return wrapNeg(a);  // INT_MIN / -1 wraps, as the reference's store does
      const int32_t q = a / b;
      return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
    }
    default: return 0;
  }
}

__host__ __device__ inline bool isCompareOrLogic(int op) { return op >= kEqual; }

template <typename T>
__host__ __device__ inline void binaryStore(int op, T a, T b, void* out, int64_t i);

template <>
__host__ __device__ inline void binaryStore<float>(int op, float a, float b, void* out, int64_t i) {
  if (isCompareOrLogic(op)) static_cast<uint8_t*>(out)[i] = compareOrLogic(op, a, b);
  else static_cast<float*>(out)[i] = floatBinary(op, a, b);
}

template <>
__host__ __device__ inline void binaryStore<int32_t>(int op, int32_t a, int32_t b, void* out, int64_t i) {
  if (isCompareOrLogic(op)) static_cast<uint8_t*>(out)[i] = compareOrLogic(op, a, b);
  else static_cast<int32_t*>(out)[i] = intBinary(op, a, b);
}

template <>
__host__ __device__ inline void binaryStore<uint8_t>(int op, uint8_t a, uint8_t b, void* out, int64_t i) {
  static_cast<uint8_t*>(out)[i] = compareOrLogic(op, a, b);
}

template <typename T>
__global__ void binaryContiguous(int op, const T* a, const T* b, void* out, int64_t n) {
  STRATA_GRID_STRIDE(i, n) binaryStore<T>(op, a[i], b[i], out, i);
}

template <typename T>
__global__ void binaryBroadcast(int op, const T* a, const T* b, void* out, int64_t n, StridedMap map) {
  STRATA_GRID_STRIDE(i, n) {
    int64_t off[2];
    unravelStrided<2>(map, i, off);
    binaryStore<T>(op, a[off[0]], b[off[1]], out, i);
  }
}

template <typename T>
__global__ void whereKernel(const uint8_t* cond, const T* a, const T* b, T* out, int64_t n, StridedMap map) {
  STRATA_GRID_STRIDE(i, n) {
    int64_t off[3];
    unravelStrided<3>(map, i, off);
    out[i] = cond[off[0]] != 0 ? a[off[1]] : b[off[2]];
  }
}

__device__ inline float activate(int activation, float x) {
  switch (activation) {
    case kReluAct: return (x > 0.f || isnan(x)) ? x : 0.f;
    case kSigmoidAct: return floatUnary(kSigmoid, x);
    case kTanhAct: return tanhf(x);
    default: return x;
  }
}

// bias may be null (activation only); product and bias index through the map's first two strides.
__global__ void biasActivationKernel(const float* product, const float* bias, float* out, int64_t n,
                                     int activation, StridedMap map) {
  STRATA_GRID_STRIDE(i, n) {
    int64_t off[2];
    unravelStrided<2>(map, i, off);
    const float sum = bias == nullptr ? product[off[0]] : product[off[0]] + bias[off[1]];
    out[i] = activate(activation, sum);
  }
}

__global__ void adamKernel(const float* p, const float* g, const float* m, const float* v, float* outP,
                           float* outM, float* outV, int64_t n, float stepSize, float beta1,
                           float beta2, float epsilon) {
  STRATA_GRID_STRIDE(i, n) {
    const float gi = g[i];
    const float mi = beta1 * m[i] + (1.f - beta1) * gi;
    const float vi = beta2 * v[i] + (1.f - beta2) * gi * gi;
    outM[i] = mi;
    outV[i] = vi;
    outP[i] = p[i] - stepSize * mi / (sqrtf(vi) + epsilon);
  }
}

__global__ void sgdKernel(const float* p, const float* g, const float* velocity, float* outP,
                          float* outVelocity, int64_t n, float learningRate, float momentum,
                          bool nesterov) {
  STRATA_GRID_STRIDE(i, n) {
    const float gi = g[i];
    if (momentum == 0.f) {
      outP[i] = p[i] - learningRate * gi;
      outVelocity[i] = velocity[i];
    } else {
      const float vi = momentum * velocity[i] - learningRate * gi;
      outVelocity[i] = vi;
      outP[i] = nesterov ? p[i] + momentum * vi - learningRate * gi : p[i] + vi;
    }
  }
}

__global__ void batchNormKernel(const float* x, const float* mean, const float* variance,
                                const float* offset, const float* scale, float* out, int64_t n,
                                int64_t channels, int64_t lenMean, int64_t lenVariance,
                                int64_t lenOffset, int64_t lenScale, float epsilon) {
  STRATA_GRID_STRIDE(i, n) {
    const int64_t c = i % channels;
    const float mu = mean[lenMean == 1 ? 0 : c];
    const float var = variance[lenVariance == 1 ? 0 : c];
    const float off = offset == nullptr ? 0.f : offset[lenOffset == 1 ? 0 : c];
    const float sc = scale == nullptr ? 1.f : scale[lenScale == 1 ? 0 : c];
    out[i] = (x[i] - mu) / sqrtf(var + epsilon) * sc + off;
  }
}

}  // namespace

cudaError_t launchFill(void* out, int64_t n, int elementBytes, uint32_t bits, cudaStream_t s) {
  if (n == 0) return cudaSuccess;
  if (elementBytes == 1) return cudaMemsetAsync(out, static_cast<int>(bits & 0xff), n, s);
  fillKernel32<<<gridFor(n), kThreads, 0, s>>>(static_cast<uint32_t*>(out), n, bits);
  return cudaGetLastError();
}

cudaError_t launchCast(const void* x, void* out, int64_t n, int from, int to, cudaStream_t s) {
  if (n == 0) return cudaSuccess;
  const unsigned grid = gridFor(n);
  if (from == to) {
    const int64_t bytes = n * (from == kBool ? 1 : 4);
    return cudaMemcpyAsync(out, x, bytes, cudaMemcpyDeviceToDevice, s);
  }
  if (to == kBool) {
    if (from == kFloat32) castToBool<float><<<grid, kThreads, 0, s>>>(static_cast<const float*>(x), static_cast<uint8_t*>(out), n);
    else castToBool<int32_t><<<grid, kThreads, 0, s>>>(static_cast<const int32_t*>(x), static_cast<uint8_t*>(out), n);
  } else if (from == kFloat32) {  // to int32
    castFloatToInt<<<grid, kThreads, 0, s>>>(static_cast<const float*>(x), static_cast<int32_t*>(out), n);
  } else if (to == kFloat32) {
    if (from == kInt32) castKernel<int32_t, float><<<grid, kThreads, 0, s>>>(static_cast<const int32_t*>(x), static_cast<float*>(out), n);
    else castKernel<uint8_t, float><<<grid, kThreads, 0, s>>>(static_cast<const uint8_t*>(x), static_cast<float*>(out), n);
  } else {  // bool → int32
    castKernel<uint8_t, int32_t><<<grid, kThreads, 0, s>>>(static_cast<const uint8_t*>(x), static_cast<int32_t*>(out), n);
  }
  return cudaGetLastError();
}

cudaError_t launchUnary(int op, int dtype, const void* x, void* out, int64_t n, cudaStream_t s) {
  if (n == 0) return cudaSuccess;
  const unsigned grid = gridFor(n);
  if (op == kNot) unaryNot<<<grid, kThreads, 0, s>>>(static_cast<const uint8_t*>(x), static_cast<uint8_t*>(out), n);
  else if (op == kIsNaN) unaryIsNaN<<<grid, kThreads, 0, s>>>(static_cast<const float*>(x), static_cast<uint8_t*>(out), n);
  else if (dtype == kInt32) unaryInt<<<grid, kThreads, 0, s>>>(op, static_cast<const int32_t*>(x), static_cast<int32_t*>(out), n);
  else unaryFloat<<<grid, kThreads, 0, s>>>(op, static_cast<const float*>(x), static_cast<float*>(out), n);
  return cudaGetLastError();
}

template <typename T>
static void binaryTyped(int op, const void* a, const void* b, void* out, int64_t n,
                        const StridedMap& map, bool contiguous, cudaStream_t s) {
  const unsigned grid = gridFor(n);
  if (contiguous) binaryContiguous<T><<<grid, kThreads, 0, s>>>(op, static_cast<const T*>(a), static_cast<const T*>(b), out, n);
  else binaryBroadcast<T><<<grid, kThreads, 0, s>>>(op, static_cast<const T*>(a), static_cast<const T*>(b), out, n, map);
}

cudaError_t launchBinary(int op, int dtype, const void* a, const void* b, void* out, int64_t n,
                         const StridedMap& map, bool contiguous, cudaStream_t s) {
  if (n == 0) return cudaSuccess;
  if (dtype == kFloat32) binaryTyped<float>(op, a, b, out, n, map, contiguous, s);
  else if (dtype == kInt32) binaryTyped<int32_t>(op, a, b, out, n, map, contiguous, s);
  else binaryTyped<uint8_t>(op, a, b, out, n, map, contiguous, s);
  return cudaGetLastError();
}

cudaError_t launchWhere(const uint8_t* cond, const void* a, const void* b, void* out, int64_t n,
                        int elementBytes, const StridedMap& map, cudaStream_t s) {
  if (n == 0) return cudaSuccess;
  const unsigned grid = gridFor(n);
  if (elementBytes == 1) whereKernel<uint8_t><<<grid, kThreads, 0, s>>>(cond, static_cast<const uint8_t*>(a), static_cast<const uint8_t*>(b), static_cast<uint8_t*>(out), n, map);
  else whereKernel<uint32_t><<<grid, kThreads, 0, s>>>(cond, static_cast<const uint32_t*>(a), static_cast<const uint32_t*>(b), static_cast<uint32_t*>(out), n, map);
  return cudaGetLastError();
}

cudaError_t launchBiasActivation(const float* product, const float* bias, float* out, int64_t n,
                                 int activation, const StridedMap& map, cudaStream_t s) {
  if (n == 0) return cudaSuccess;
  biasActivationKernel<<<gridFor(n), kThreads, 0, s>>>(product, bias, out, n, activation, map);
  return cudaGetLastError();
}

cudaError_t launchAdam(const float* p, const float* g, const float* m, const float* v, float* outP,
                       float* outM, float* outV, int64_t n, float stepSize, float beta1, float beta2,
                       float epsilon, cudaStream_t s) {
  if (n == 0) return cudaSuccess;
  adamKernel<<<gridFor(n), kThreads, 0, s>>>(p, g, m, v, outP, outM, outV, n, stepSize, beta1, beta2, epsilon);
  return cudaGetLastError();
}

cudaError_t launchSgd(const float* p, const float* g, const float* velocity, float* outP,
                      float* outVelocity, int64_t n, float learningRate, float momentum,
                      bool nesterov, cudaStream_t s) {
  if (n == 0) return cudaSuccess;
  sgdKernel<<<gridFor(n), kThreads, 0, s>>>(p, g, velocity, outP, outVelocity, n, learningRate, momentum, nesterov);
  return cudaGetLastError();
}

cudaError_t launchBatchNorm(const float* x, const float* mean, const float* variance,
                            const float* offset, const float* scale, float* out, int64_t n,
                            int64_t channels, const int64_t lengths[4], float epsilon,
                            cudaStream_t s) {
  if (n == 0) return cudaSuccess;
  batchNormKernel<<<gridFor(n), kThreads, 0, s>>>(x, mean, variance, offset, scale, out, n, channels,
                                                 lengths[0], lengths[1], lengths[2], lengths[3], epsilon);
  return cudaGetLastError();
}

// The kernels' scalar functions run on the CPU, element by element, for tests.

void evaluateUnaryOnHost(int op, int dtype, const void* x, void* out, int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    if (op == kNot) static_cast<uint8_t*>(out)[i] = static_cast<const uint8_t*>(x)[i] == 0 ? 1 : 0;
    else if (op == kIsNaN) static_cast<uint8_t*>(out)[i] = std::isnan(static_cast<const float*>(x)[i]) ? 1 : 0;
    else if (dtype == kInt32) static_cast<int32_t*>(out)[i] = intUnary(op, static_cast<const int32_t*>(x)[i]);
    else static_cast<float*>(out)[i] = floatUnary(op, static_cast<const float*>(x)[i]);
  }
}

void evaluateBinaryOnHost(int op, int dtype, const void* a, const void* b, void* out, int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    if (dtype == kFloat32) binaryStore<float>(op, static_cast<const float*>(a)[i], static_cast<const float*>(b)[i], out, i);
    else if (dtype == kInt32) binaryStore<int32_t>(op, static_cast<const int32_t*>(a)[i], static_cast<const int32_t*>(b)[i], out, i);
    else binaryStore<uint8_t>(op, static_cast<const uint8_t*>(a)[i], static_cast<const uint8_t*>(b)[i], out, i);
  }
}

void evaluateCastOnHost(const void* x, void* out, int64_t n, int from, int to) {
  for (int64_t i = 0; i < n; i++) {
    const double v = from == kFloat32 ? static_cast<double>(static_cast<const float*>(x)[i])
                     : from == kInt32 ? static_cast<double>(static_cast<const int32_t*>(x)[i])
                                      : static_cast<double>(static_cast<const uint8_t*>(x)[i]);
    if (to == kBool) static_cast<uint8_t*>(out)[i] = v != 0 ? 1 : 0;
    else if (to == kInt32) static_cast<int32_t*>(out)[i] = from == kFloat32 ? floatToInt32(static_cast<const float*>(x)[i]) : static_cast<int32_t>(v);
    else static_cast<float*>(out)[i] = static_cast<float>(v);
  }
}

}  // namespace strata
