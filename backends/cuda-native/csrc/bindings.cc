// N-API entry points of the kernels. Each reads its arguments (buffer ids, sizes, strides),
// enqueues work on the device's stream and returns at once; nothing here waits for the GPU.
// Output buffers are allocated by the JS layer, which knows the shapes.
#include <napi.h>

#include <algorithm>
#include <cstring>

#include "args.h"
#include "bindings.h"
#include "device.h"
#include "kernels.h"

namespace strata {
namespace {

// Scratch space above this is split into chunks of whole images (im2col columns).
constexpr size_t kScratchLimit = size_t{512} << 20;

cudaStream_t stream() { return Device::get().stream(); }

void launched(cudaError_t e, const Args& args) { check(e, args.entry()); }

// Row-major C = alpha·op(A)·op(B) + beta·C through cuBLAS when loaded, else the hand SGEMM.
void gemm(const char* what, bool transA, bool transB, int m, int n, int k, float alpha,
          const float* a, int64_t strideA, const float* b, int64_t strideB, float beta, float* c,
          int64_t strideC, int batch) {
  Device& device = Device::get();
  if (m == 0 || n == 0 || batch == 0) return;
  if (k == 0) {  // an empty sum; cuBLAS rejects leading dimension 0
    if (beta == 0.f) check(cudaMemsetAsync(c, 0, static_cast<size_t>(m) * n * batch * sizeof(float), device.stream()), what);
    return;
  }
  if (device.useCublas()) {
    const std::string failure = device.cublas().sgemm(transA, transB, m, n, k, alpha, a, strideA, b, strideB, beta, c, strideC, batch);
    if (!failure.empty()) throw std::runtime_error(std::string(what) + ": " + failure);
    check(cudaGetLastError(), what);
    return;
  }
  check(launchSgemm(transA, transB, m, n, k, alpha, a, strideA, b, strideB, beta, c, strideC, batch, device.stream()), what);
}

Napi::Value Fill(const Napi::CallbackInfo& info) {
  Args args(info, "fill");
  launched(launchFill(args.pointer(0), args.integer(1), args.int32(2), static_cast<uint32_t>(args.integer(3)), stream()), args);
  return info.Env().Undefined();
}

Napi::Value Cast(const Napi::CallbackInfo& info) {
  Args args(info, "cast");
  launched(launchCast(args.pointer(0), args.pointer(1), args.integer(2), args.int32(3), args.int32(4), stream()), args);
  return info.Env().Undefined();
}

Napi::Value Unary(const Napi::CallbackInfo& info) {
  Args args(info, "unary");
  launched(launchUnary(args.int32(0), args.int32(1), args.pointer(2), args.pointer(3), args.integer(4), stream()), args);
  return info.Env().Undefined();
}

// binary(op, dtype, a, b, out, n, dims, aStrides, bStrides, contiguous)
Napi::Value Binary(const Napi::CallbackInfo& info) {
  Args args(info, "binary");
  const StridedMap map = args.stridedMap(6, 7, 2);
  launched(launchBinary(args.int32(0), args.int32(1), args.pointer(2), args.pointer(3), args.pointer(4), args.integer(5), map, args.boolean(9), stream()), args);
  return info.Env().Undefined();
}

// where(cond, a, b, out, n, elementBytes, dims, condStrides, aStrides, bStrides)
Napi::Value Where(const Napi::CallbackInfo& info) {
  Args args(info, "where");
  const StridedMap map = args.stridedMap(6, 7, 3);
  launched(launchWhere(static_cast<const uint8_t*>(args.pointer(0)), args.pointer(1), args.pointer(2), args.pointer(3), args.integer(4), args.int32(5), map, stream()), args);
  return info.Env().Undefined();
}

// biasActivation(product, bias or -1, out, n, activation, dims, productStrides, biasStrides)
Napi::Value BiasActivation(const Napi::CallbackInfo& info) {
  Args args(info, "fusedMatMul");
  const StridedMap map = args.stridedMap(5, 6, 2);
  launched(launchBiasActivation(static_cast<const float*>(args.pointer(0)), static_cast<const float*>(args.pointer(1, true)),
                                static_cast<float*>(args.pointer(2)), args.integer(3), args.int32(4), map, stream()), args);
  return info.Env().Undefined();
}

Napi::Value ReduceRows(const Napi::CallbackInfo& info) {
  Args args(info, "reduce");
  launched(launchReduceRows(args.int32(0), args.int32(1), args.pointer(2), args.pointer(3), args.integer(4), args.integer(5), stream()), args);
  return info.Env().Undefined();
}

// argReduce(isMax, dtype, x, out, outer, length, inner)
Napi::Value ArgReduce(const Napi::CallbackInfo& info) {
  Args args(info, "argReduce");
  launched(launchArgReduce(args.boolean(0), args.int32(1), args.pointer(2), static_cast<int32_t*>(args.pointer(3)), args.integer(4), args.integer(5), args.integer(6), stream()), args);
  return info.Env().Undefined();
}

// softmax(x, out, rows, length, log)
Napi::Value Softmax(const Napi::CallbackInfo& info) {
  Args args(info, "softmax");
  launched(launchSoftmax(static_cast<const float*>(args.pointer(0)), static_cast<float*>(args.pointer(1)), args.integer(2), args.integer(3), args.boolean(4), stream()), args);
  return info.Env().Undefined();
}

// layerNorm(x, gamma, beta, out, rows, length, epsilon)
Napi::Value LayerNorm(const Napi::CallbackInfo& info) {
  Args args(info, "layerNorm");
  launched(launchLayerNorm(static_cast<const float*>(args.pointer(0)), static_cast<const float*>(args.pointer(1)), static_cast<const float*>(args.pointer(2)),
                           static_cast<float*>(args.pointer(3)), args.integer(4), args.integer(5), static_cast<float>(args.number(6)), stream()), args);
  return info.Env().Undefined();
}

// batchNorm(x, mean, variance, offset or -1, scale or -1, out, n, channels, lengths[4], epsilon)
Napi::Value BatchNorm(const Napi::CallbackInfo& info) {
  Args args(info, "batchNorm");
  const auto lengths = args.integers(8);
  if (lengths.size() != 4) throw std::runtime_error("batchNorm: argument 8 must hold 4 lengths");
  launched(launchBatchNorm(static_cast<const float*>(args.pointer(0)), static_cast<const float*>(args.pointer(1)), static_cast<const float*>(args.pointer(2)),
                           static_cast<const float*>(args.pointer(3, true)), static_cast<const float*>(args.pointer(4, true)), static_cast<float*>(args.pointer(5)),
                           args.integer(6), args.integer(7), lengths.data(), static_cast<float>(args.number(9)), stream()), args);
  return info.Env().Undefined();
}

// copy(x, out, n, elementBytes, dims, inStrides, lo, extent, base, fillBits)
Napi::Value Copy(const Napi::CallbackInfo& info) {
  Args args(info, "copy");
  const auto dims = args.integers(4), strides = args.integers(5), lo = args.integers(6), extent = args.integers(7);
  if (dims.size() > static_cast<size_t>(kMaxRank)) throw std::runtime_error("copy: rank " + std::to_string(dims.size()) + " is above the supported 8");
  if (strides.size() != dims.size() || lo.size() != dims.size() || extent.size() != dims.size()) throw std::runtime_error("copy: dims, strides, lo and extent differ in length");
  CopyMap map{};
  map.rank = static_cast<int>(dims.size());
  for (size_t d = 0; d < dims.size(); d++) {
    map.dims[d] = dims[d];
    map.inStrides[d] = strides[d];
    map.lo[d] = lo[d];
    map.extent[d] = extent[d];
  }
  map.base = args.integer(8);
  launched(launchCopy(args.pointer(0), args.pointer(1), args.integer(2), args.int32(3), map, static_cast<uint32_t>(args.integer(9)), stream()), args);
  return info.Env().Undefined();
}

// concatPiece(src, out, rows, srcRowBytes, dstRowBytes, dstOffsetBytes): one input's rows into
// their columns of the output.
Napi::Value ConcatPiece(const Napi::CallbackInfo& info) {
  Args args(info, "concat");
  const int64_t rows = args.integer(2), width = args.integer(3), pitch = args.integer(4), offset = args.integer(5);
  if (rows == 0 || width == 0) return info.Env().Undefined();
  char* dst = static_cast<char*>(args.pointer(1)) + offset;
  launched(cudaMemcpy2DAsync(dst, pitch, args.pointer(0), width, width, rows, cudaMemcpyDeviceToDevice, stream()), args);
  return info.Env().Undefined();
}

// copyBuffer(src, dst, bytes)
Napi::Value CopyBuffer(const Napi::CallbackInfo& info) {
  Args args(info, "copyBuffer");
  const int64_t bytes = args.integer(2);
  if (bytes > 0) launched(cudaMemcpyAsync(args.pointer(1), args.pointer(0), bytes, cudaMemcpyDeviceToDevice, stream()), args);
  return info.Env().Undefined();
}

// gather(x, indices, out, outer, axisLength, count, inner, elementBytes)
Napi::Value Gather(const Napi::CallbackInfo& info) {
  Args args(info, "gather");
  launched(launchGather(args.pointer(0), static_cast<const int32_t*>(args.pointer(1)), args.pointer(2), args.integer(3), args.integer(4), args.integer(5), args.integer(6), args.int32(7), stream()), args);
  return info.Env().Undefined();
}

// scatterAdd(updates, indices, out, outer, size, count, inner, dtype)
Napi::Value ScatterAdd(const Napi::CallbackInfo& info) {
  Args args(info, "scatterAdd");
  launched(launchScatterAdd(args.pointer(0), static_cast<const int32_t*>(args.pointer(1)), args.pointer(2), args.integer(3), args.integer(4), args.integer(5), args.integer(6), args.int32(7), stream()), args);
  return info.Env().Undefined();
}

// matMul(a, b, out, batch, m, n, k, transA, transB, strideA, strideB, alpha)
Napi::Value MatMul(const Napi::CallbackInfo& info) {
  Args args(info, "matMul");
  const int batch = args.int32(3), m = args.int32(4), n = args.int32(5), k = args.int32(6);
  gemm("matMul", args.boolean(7), args.boolean(8), m, n, k, static_cast<float>(args.number(11)),
       static_cast<const float*>(args.pointer(0)), args.integer(9), static_cast<const float*>(args.pointer(1)), args.integer(10),
       0.f, static_cast<float*>(args.pointer(2)), static_cast<int64_t>(m) * n, batch);
  return info.Env().Undefined();
}

int64_t columnsOf(const ConvGeometry& g) { return static_cast<int64_t>(g.filterH) * g.filterW * g.inC; }
int64_t outPixels(const ConvGeometry& g) { return static_cast<int64_t>(g.outH) * g.outW; }

// Images per im2col chunk, so the column matrix stays under kScratchLimit.
int imagesPerChunk(const ConvGeometry& g) {
  const int64_t perImage = std::max<int64_t>(1, outPixels(g) * columnsOf(g) * static_cast<int64_t>(sizeof(float)));
  return static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(g.batch, static_cast<int64_t>(kScratchLimit) / perImage)));
}

// A 1×1 filter at stride 1 without padding reads x itself as the column matrix.
bool isPointwise(const ConvGeometry& g) {
  return g.filterH == 1 && g.filterW == 1 && g.strideY == 1 && g.strideX == 1 && g.padTop == 0 && g.padLeft == 0 &&
         g.outH == g.inH && g.outW == g.inW;
}

// conv2d(x, filter, out, geometry)
Napi::Value Conv2d(const Napi::CallbackInfo& info) {
  Args args(info, "conv2d");
  const ConvGeometry g = args.geometry(3);
  const float* x = static_cast<const float*>(args.pointer(0));
  const float* filter = static_cast<const float*>(args.pointer(1));
  float* out = static_cast<float*>(args.pointer(2));
  const int columns = static_cast<int>(columnsOf(g));
  if (isPointwise(g)) {
    gemm("conv2d", false, false, static_cast<int>(g.batch * outPixels(g)), g.outC, columns, 1.f, x, 0, filter, 0, 0.f, out, 0, 1);
    return info.Env().Undefined();
  }
  const int chunk = imagesPerChunk(g);
  Scratch col(static_cast<size_t>(chunk) * outPixels(g) * columns * sizeof(float), "conv2d");
  for (int first = 0; first < g.batch; first += chunk) {
    const int images = std::min(chunk, g.batch - first);
    launched(launchIm2Col(x, col.floats(), g, first, images, stream()), args);
    gemm("conv2d", false, false, static_cast<int>(images * outPixels(g)), g.outC, columns, 1.f, col.floats(), 0, filter, 0, 0.f,
         out + first * outPixels(g) * g.outC, 0, 1);
  }
  return info.Env().Undefined();
}

// conv2dBackpropInput(dy, filter, dx, geometry): dcol = dy · filterᵀ, then col2im.
Napi::Value Conv2dBackpropInput(const Napi::CallbackInfo& info) {
  Args args(info, "conv2dBackpropInput");
  const ConvGeometry g = args.geometry(3);
  const float* dy = static_cast<const float*>(args.pointer(0));
  const float* filter = static_cast<const float*>(args.pointer(1));
  float* dx = static_cast<float*>(args.pointer(2));
  const int columns = static_cast<int>(columnsOf(g));
  if (isPointwise(g)) {
    gemm("conv2dBackpropInput", false, true, static_cast<int>(g.batch * outPixels(g)), columns, g.outC, 1.f, dy, 0, filter, 0, 0.f, dx, 0, 1);
    return info.Env().Undefined();
  }
  const int chunk = imagesPerChunk(g);
  Scratch col(static_cast<size_t>(chunk) * outPixels(g) * columns * sizeof(float), "conv2dBackpropInput");
  for (int first = 0; first < g.batch; first += chunk) {
    const int images = std::min(chunk, g.batch - first);
    gemm("conv2dBackpropInput", false, true, static_cast<int>(images * outPixels(g)), columns, g.outC, 1.f,
         dy + first * outPixels(g) * g.outC, 0, filter, 0, 0.f, col.floats(), 0, 1);
    launched(launchCol2Im(col.floats(), dx, g, first, images, stream()), args);
  }
  return info.Env().Undefined();
}

// conv2dBackpropFilter(x, dy, dFilter, geometry): dFilter = Σ over chunks of colᵀ · dy.
Napi::Value Conv2dBackpropFilter(const Napi::CallbackInfo& info) {
  Args args(info, "conv2dBackpropFilter");
  const ConvGeometry g = args.geometry(3);
  const float* x = static_cast<const float*>(args.pointer(0));
  const float* dy = static_cast<const float*>(args.pointer(1));
  float* dFilter = static_cast<float*>(args.pointer(2));
  const int columns = static_cast<int>(columnsOf(g));
  if (g.batch == 0 || outPixels(g) == 0) {
    launched(cudaMemsetAsync(dFilter, 0, static_cast<size_t>(columns) * g.outC * sizeof(float), stream()), args);
    return info.Env().Undefined();
  }
  if (isPointwise(g)) {
    gemm("conv2dBackpropFilter", true, false, columns, g.outC, static_cast<int>(g.batch * outPixels(g)), 1.f, x, 0, dy, 0, 0.f, dFilter, 0, 1);
    return info.Env().Undefined();
  }
  const int chunk = imagesPerChunk(g);
  Scratch col(static_cast<size_t>(chunk) * outPixels(g) * columns * sizeof(float), "conv2dBackpropFilter");
  for (int first = 0; first < g.batch; first += chunk) {
    const int images = std::min(chunk, g.batch - first);
    launched(launchIm2Col(x, col.floats(), g, first, images, stream()), args);
    gemm("conv2dBackpropFilter", true, false, columns, g.outC, static_cast<int>(images * outPixels(g)), 1.f, col.floats(), 0,
         dy + first * outPixels(g) * g.outC, 0, first == 0 ? 0.f : 1.f, dFilter, 0, 1);
  }
  return info.Env().Undefined();
}

// depthwiseConv2d(x, filter, out, geometry, multiplier)
Napi::Value DepthwiseConv2d(const Napi::CallbackInfo& info) {
  Args args(info, "depthwiseConv2d");
  launched(launchDepthwiseConv2d(static_cast<const float*>(args.pointer(0)), static_cast<const float*>(args.pointer(1)), static_cast<float*>(args.pointer(2)),
                                 args.geometry(3), args.int32(4), stream()), args);
  return info.Env().Undefined();
}

Napi::Value MaxPool(const Napi::CallbackInfo& info) {
  Args args(info, "maxPool");
  launched(launchMaxPool(static_cast<const float*>(args.pointer(0)), static_cast<float*>(args.pointer(1)), args.geometry(2), stream()), args);
  return info.Env().Undefined();
}

// maxPoolBackprop(dy, x, dx, geometry)
Napi::Value MaxPoolBackprop(const Napi::CallbackInfo& info) {
  Args args(info, "maxPoolBackprop");
  launched(launchMaxPoolBackprop(static_cast<const float*>(args.pointer(0)), static_cast<const float*>(args.pointer(1)), static_cast<float*>(args.pointer(2)),
                                 args.geometry(3), stream()), args);
  return info.Env().Undefined();
}

Napi::Value AvgPool(const Napi::CallbackInfo& info) {
  Args args(info, "avgPool");
  launched(launchAvgPool(static_cast<const float*>(args.pointer(0)), static_cast<float*>(args.pointer(1)), args.geometry(2), stream()), args);
  return info.Env().Undefined();
}

// avgPoolBackprop(dy, dx, geometry)
Napi::Value AvgPoolBackprop(const Napi::CallbackInfo& info) {
  Args args(info, "avgPoolBackprop");
  launched(launchAvgPoolBackprop(static_cast<const float*>(args.pointer(0)), static_cast<float*>(args.pointer(1)), args.geometry(2), stream()), args);
  return info.Env().Undefined();
}

// adam(p, g, m, v, outP, outM, outV, n, stepSize, beta1, beta2, epsilon)
Napi::Value Adam(const Napi::CallbackInfo& info) {
  Args args(info, "adamUpdate");
  launched(launchAdam(static_cast<const float*>(args.pointer(0)), static_cast<const float*>(args.pointer(1)), static_cast<const float*>(args.pointer(2)),
                      static_cast<const float*>(args.pointer(3)), static_cast<float*>(args.pointer(4)), static_cast<float*>(args.pointer(5)),
                      static_cast<float*>(args.pointer(6)), args.integer(7), static_cast<float>(args.number(8)), static_cast<float>(args.number(9)),
                      static_cast<float>(args.number(10)), static_cast<float>(args.number(11)), stream()), args);
  return info.Env().Undefined();
}

// sgd(p, g, velocity, outP, outVelocity, n, learningRate, momentum, nesterov)
Napi::Value Sgd(const Napi::CallbackInfo& info) {
  Args args(info, "sgdUpdate");
  launched(launchSgd(static_cast<const float*>(args.pointer(0)), static_cast<const float*>(args.pointer(1)), static_cast<const float*>(args.pointer(2)),
                     static_cast<float*>(args.pointer(3)), static_cast<float*>(args.pointer(4)), args.integer(5), static_cast<float>(args.number(6)),
                     static_cast<float>(args.number(7)), args.boolean(8), stream()), args);
  return info.Env().Undefined();
}

}  // namespace

void registerKernelBindings(Napi::Env env, Napi::Object exports) {
  const std::pair<const char*, Napi::Function::Callback> entries[] = {
      {"fill", Fill}, {"cast", Cast}, {"unary", Unary}, {"binary", Binary}, {"where", Where},
      {"biasActivation", BiasActivation}, {"reduceRows", ReduceRows}, {"argReduce", ArgReduce},
      {"softmax", Softmax}, {"layerNorm", LayerNorm}, {"batchNorm", BatchNorm}, {"copy", Copy},
      {"concatPiece", ConcatPiece}, {"copyBuffer", CopyBuffer}, {"gather", Gather},
      {"scatterAdd", ScatterAdd}, {"matMul", MatMul}, {"conv2d", Conv2d},
      {"conv2dBackpropInput", Conv2dBackpropInput}, {"conv2dBackpropFilter", Conv2dBackpropFilter},
      {"depthwiseConv2d", DepthwiseConv2d}, {"maxPool", MaxPool}, {"maxPoolBackprop", MaxPoolBackprop},
      {"avgPool", AvgPool}, {"avgPoolBackprop", AvgPoolBackprop}, {"adam", Adam}, {"sgd", Sgd},
  };
  for (const auto& [name, callback] : entries) exports.Set(name, Napi::Function::New(env, callback, name));
}

}  // namespace strata
