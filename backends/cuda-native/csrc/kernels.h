// Launchers for every CUDA kernel of the addon. Each enqueues work on `stream` without waiting
// for it and returns the launch's cudaError_t; the N-API layer turns errors into JS errors.
#pragma once
#include <cstdint>
#include <cuda_runtime.h>

namespace strata {

constexpr int kMaxRank = 8;

enum DTypeCode : int { kFloat32 = 0, kInt32 = 1, kBool = 2 };

enum UnaryCode : int {
  kNeg, kAbs, kSign, kExp, kLog, kLog1p, kExpm1, kSqrt, kRsqrt, kSquare, kReciprocal, kSin, kCos,
  kTanh, kSigmoid, kRelu, kErf, kFloor, kCeil, kRound, kNot, kIsNaN,
};

enum BinaryCode : int {
  kAdd, kSub, kMul, kDiv, kPow, kMaximum, kMinimum, kMod, kFloorDiv, kAtan2, kEqual, kNotEqual,
  kLess, kLessEqual, kGreater, kGreaterEqual, kAnd, kOr,
};

enum ReduceCode : int { kSum, kProd, kMax, kMin, kAny, kAll };

enum ActivationCode : int { kLinear, kReluAct, kSigmoidAct, kTanhAct };

// Output dims plus, for up to three inputs, the element stride of each output dim in that input
// (0 where the input broadcasts). Passed to kernels by value.
struct StridedMap {
  int rank;
  int64_t dims[kMaxRank];
  int64_t strides[3][kMaxRank];
};

// A copy whose output element at coordinate o reads input coordinate o - lo (per dim) when that
// lies in [0, extent), else `fill`: covers transpose, slice, pad and broadcast expansion.
struct CopyMap {
  int rank;
  int64_t dims[kMaxRank];
  int64_t inStrides[kMaxRank];
  int64_t lo[kMaxRank];
  int64_t extent[kMaxRank];
  int64_t base;
};

// Geometry of a 2-D convolution or pooling window, NHWC.
struct ConvGeometry {
  int batch, inH, inW, inC, outH, outW, filterH, filterW, strideY, strideX, dilationY, dilationX,
      padTop, padLeft, outC;
};

cudaError_t launchFill(void* out, int64_t n, int elementBytes, uint32_t bits, cudaStream_t s);
cudaError_t launchCast(const void* x, void* out, int64_t n, int from, int to, cudaStream_t s);
cudaError_t launchUnary(int op, int dtype, const void* x, void* out, int64_t n, cudaStream_t s);
cudaError_t launchBinary(int op, int dtype, const void* a, const void* b, void* out, int64_t n,
                         const StridedMap& map, bool contiguous, cudaStream_t s);
cudaError_t launchWhere(const uint8_t* cond, const void* a, const void* b, void* out, int64_t n,
                        int elementBytes, const StridedMap& map, cudaStream_t s);
cudaError_t launchBiasActivation(const float* product, const float* bias, float* out, int64_t n,
                                 int activation, const StridedMap& map, cudaStream_t s);
cudaError_t launchAdam(const float* p, const float* g, const float* m, const float* v, float* outP,
                       float* outM, float* outV, int64_t n, float stepSize, float beta1, float beta2,
                       float epsilon, cudaStream_t s);
cudaError_t launchSgd(const float* p, const float* g, const float* velocity, float* outP,
                      float* outVelocity, int64_t n, float learningRate, float momentum,
                      bool nesterov, cudaStream_t s);
cudaError_t launchBatchNorm(const float* x, const float* mean, const float* variance,
                            const float* offset, const float* scale, float* out, int64_t n,
                            int64_t channels, const int64_t lengths[4], float epsilon,
                            cudaStream_t s);

cudaError_t launchReduceRows(int op, int dtype, const void* x, void* out, int64_t rows,
                             int64_t length, cudaStream_t s);
cudaError_t launchArgReduce(bool isMax, int dtype, const void* x, int32_t* out, int64_t outer,
                            int64_t length, int64_t inner, cudaStream_t s);
cudaError_t launchSoftmax(const float* x, float* out, int64_t rows, int64_t length, bool logOutput,
                          cudaStream_t s);
cudaError_t launchLayerNorm(const float* x, const float* gamma, const float* beta, float* out,
                            int64_t rows, int64_t length, float epsilon, cudaStream_t s);

cudaError_t launchCopy(const void* x, void* out, int64_t n, int elementBytes, const CopyMap& map,
                       uint32_t fillBits, cudaStream_t s);
cudaError_t launchGather(const void* x, const int32_t* indices, void* out, int64_t outer,
                         int64_t axisLength, int64_t count, int64_t inner, int elementBytes,
                         cudaStream_t s);
cudaError_t launchScatterAdd(const void* updates, const int32_t* indices, void* out, int64_t outer,
                             int64_t size, int64_t count, int64_t inner, int dtype, cudaStream_t s);

// C = alpha * op(A) op(B) + beta * C for row-major matrices, batched with element strides
// (0 broadcasts). beta 0 never reads C.
cudaError_t launchSgemm(bool transA, bool transB, int m, int n, int k, float alpha, const float* a,
                        int64_t strideA, const float* b, int64_t strideB, float beta, float* c,
                        int64_t strideC, int batch, cudaStream_t s);

cudaError_t launchIm2Col(const float* x, float* col, const ConvGeometry& g, int firstImage,
                         int images, cudaStream_t s);
cudaError_t launchCol2Im(const float* col, float* dx, const ConvGeometry& g, int firstImage,
                         int images, cudaStream_t s);
cudaError_t launchDepthwiseConv2d(const float* x, const float* filter, float* out,
                                  const ConvGeometry& g, int multiplier, cudaStream_t s);
cudaError_t launchMaxPool(const float* x, float* out, const ConvGeometry& g, cudaStream_t s);
cudaError_t launchMaxPoolBackprop(const float* dy, const float* x, float* dx, const ConvGeometry& g,
                                  cudaStream_t s);
cudaError_t launchAvgPool(const float* x, float* out, const ConvGeometry& g, cudaStream_t s);
cudaError_t launchAvgPoolBackprop(const float* dy, float* dx, const ConvGeometry& g, cudaStream_t s);

// The elementwise kernels' scalar functions evaluated on the CPU (same source, compiled for the
// host): tests check the kernels' exact semantics with them on machines without a GPU. The cast
// mirrors castKernel/castFloatToInt/castToBool element by element.
void evaluateUnaryOnHost(int op, int dtype, const void* x, void* out, int64_t n);
void evaluateBinaryOnHost(int op, int dtype, const void* a, const void* b, void* out, int64_t n);
void evaluateCastOnHost(const void* x, void* out, int64_t n, int from, int to);

// The reductions' identities and combining rules (reduce.cu's Fold) folding rows left to right,
// and argReduce's per-element code, on the CPU.
void evaluateReduceRowsOnHost(int op, int dtype, const void* x, void* out, int64_t rows, int64_t length);
void evaluateArgReduceOnHost(bool isMax, int dtype, const void* x, int32_t* out, int64_t outer,
                             int64_t length, int64_t inner);

// The convolution and pooling kernels' per-element code on the CPU over a whole batch: im2col
// (a = x), col2im (a = column gradient), depthwise (a = x, b = filter), max/avg pooling (a = x),
// maxPoolBackprop (a = dy, b = x), avgPoolBackprop (a = dy). hostConvOutputLength gives the
// output's element count; the inputs' counts follow from the geometry.
enum HostConvKind : int {
  kHostIm2Col, kHostCol2Im, kHostDepthwise, kHostMaxPool, kHostAvgPool, kHostMaxPoolBackprop,
  kHostAvgPoolBackprop,
};
int64_t hostConvOutputLength(int kind, const ConvGeometry& g, int multiplier);
void hostConvInputLengths(int kind, const ConvGeometry& g, int multiplier, int64_t* aLength, int64_t* bLength);
void evaluateConvOnHost(int kind, const ConvGeometry& g, int multiplier, const float* a,
                        const float* b, float* out);

}  // namespace strata
