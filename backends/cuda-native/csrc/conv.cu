// Convolution helpers (im2col / col2im around the GEMM), depthwise convolution and pooling, NHWC.
// Output pixel (oy, ox) reads input row oy·strideY − padTop + ky·dilationY and column
// ox·strideX − padLeft + kx·dilationX; taps in the padding read zeros (pooling: are skipped).
// Backward kernels are written in gather form (one thread per input element adds up what flows
// into it), so they need no atomics and give the same bits on every run.
// Each kernel's per-element work is a __host__ __device__ function, so the same index arithmetic
// also runs on the CPU (evaluate*OnHost at the end) for tests on machines without a GPU.
#include <cmath>
#include <cstdint>
#include "launch.cuh"

namespace strata {
namespace {

__host__ __device__ inline int lesser(int a, int b) { return a < b ? a : b; }
__host__ __device__ inline int greater(int a, int b) { return a > b ? a : b; }
__host__ __device__ inline int floorDivInt(int a, int b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

__host__ __device__ inline int64_t columnsOf(const ConvGeometry& g) {
  return static_cast<int64_t>(g.filterH) * g.filterW * g.inC;
}

// Element i of the column matrix: rows are output pixels of images [firstImage, ...), columns are
// (ky, kx, c), matching the filter's [kh, kw, c, f] layout seen as a [kh·kw·c, f] matrix.
__host__ __device__ inline void im2colAt(int64_t i, const float* x, float* col, const ConvGeometry& g, int firstImage) {
  const int64_t columns = columnsOf(g);
  const int64_t q = i % columns;
  const int64_t p = i / columns;
  const int c = static_cast<int>(q % g.inC);
  const int tap = static_cast<int>(q / g.inC);
  const int kx = tap % g.filterW, ky = tap / g.filterW;
  const int ox = static_cast<int>(p % g.outW);
  const int oy = static_cast<int>((p / g.outW) % g.outH);
  const int b = firstImage + static_cast<int>(p / (static_cast<int64_t>(g.outW) * g.outH));
  const int iy = oy * g.strideY - g.padTop + ky * g.dilationY;
  const int ix = ox * g.strideX - g.padLeft + kx * g.dilationX;
  const bool inside = iy >= 0 && iy < g.inH && ix >= 0 && ix < g.inW;
  col[i] = inside ? x[((static_cast<int64_t>(b) * g.inH + iy) * g.inW + ix) * g.inC + c] : 0.f;
}

// Element i (counted from image firstImage) of dx, from the column gradient of those images.
__host__ __device__ inline void col2imAt(int64_t i, const float* col, float* dx, const ConvGeometry& g, int firstImage) {
  const int64_t columns = columnsOf(g);
  const int c = static_cast<int>(i % g.inC);
  const int ix = static_cast<int>((i / g.inC) % g.inW);
  const int iy = static_cast<int>((i / (static_cast<int64_t>(g.inC) * g.inW)) % g.inH);
  const int local = static_cast<int>(i / (static_cast<int64_t>(g.inC) * g.inW * g.inH));
  float sum = 0.f;
  for (int ky = 0; ky < g.filterH; ky++) {
    const int ry = iy + g.padTop - ky * g.dilationY;
    if (ry < 0 || ry % g.strideY != 0) continue;
    const int oy = ry / g.strideY;
    if (oy >= g.outH) continue;
    for (int kx = 0; kx < g.filterW; kx++) {
      const int rx = ix + g.padLeft - kx * g.dilationX;
      if (rx < 0 || rx % g.strideX != 0) continue;
      const int ox = rx / g.strideX;
      if (ox >= g.outW) continue;
      const int64_t p = (static_cast<int64_t>(local) * g.outH + oy) * g.outW + ox;
      sum += col[p * columns + (static_cast<int64_t>(ky) * g.filterW + kx) * g.inC + c];
    }
  }
  dx[static_cast<int64_t>(firstImage) * g.inH * g.inW * g.inC + i] = sum;
}

__host__ __device__ inline void depthwiseAt(int64_t i, const float* x, const float* filter, float* out, const ConvGeometry& g, int multiplier) {
  const int outC = g.inC * multiplier;
  const int ch = static_cast<int>(i % outC);
  const int c = ch / multiplier;
  const int64_t pixel = i / outC;
  const int ox = static_cast<int>(pixel % g.outW);
  const int oy = static_cast<int>((pixel / g.outW) % g.outH);
  const int64_t b = pixel / (static_cast<int64_t>(g.outW) * g.outH);
  float sum = 0.f;
  for (int ky = 0; ky < g.filterH; ky++) {
    const int iy = oy * g.strideY - g.padTop + ky * g.dilationY;
    if (iy < 0 || iy >= g.inH) continue;
    for (int kx = 0; kx < g.filterW; kx++) {
      const int ix = ox * g.strideX - g.padLeft + kx * g.dilationX;
      if (ix < 0 || ix >= g.inW) continue;
      sum += x[((b * g.inH + iy) * g.inW + ix) * g.inC + c] * filter[(static_cast<int64_t>(ky) * g.filterW + kx) * outC + ch];
    }
  }
  out[i] = sum;
}

// Flat index (pixel·channels + c) of the first maximum of window (b, oy, ox) in channel c, or -1
// for a window that is all padding. Ties keep the first; the first NaN wins.
__host__ __device__ inline int64_t firstMax(const float* x, const ConvGeometry& g, int64_t b, int oy, int ox, int c) {
  int64_t best = -1;
  float bestValue = -INFINITY;
  for (int ky = 0; ky < g.filterH; ky++) {
    const int iy = oy * g.strideY - g.padTop + ky;
    if (iy < 0 || iy >= g.inH) continue;
    for (int kx = 0; kx < g.filterW; kx++) {
      const int ix = ox * g.strideX - g.padLeft + kx;
      if (ix < 0 || ix >= g.inW) continue;
      const int64_t at = ((b * g.inH + iy) * g.inW + ix) * g.inC + c;
      const float v = x[at];
      if (isnan(v)) return at;
      if (best == -1 || v > bestValue) {
        best = at;
        bestValue = v;
      }
    }
  }
  return best;
}

// Number of non-padding taps of window (oy, ox).
__host__ __device__ inline int windowCount(const ConvGeometry& g, int oy, int ox) {
  const int y0 = oy * g.strideY - g.padTop, x0 = ox * g.strideX - g.padLeft;
  const int rows = lesser(y0 + g.filterH, g.inH) - greater(y0, 0);
  const int cols = lesser(x0 + g.filterW, g.inW) - greater(x0, 0);
  return rows > 0 && cols > 0 ? rows * cols : 0;
}

// Output element i of pooling as (b, oy, ox, c).
struct PoolOutput {
  int64_t b;
  int oy, ox, c;
};

__host__ __device__ inline PoolOutput poolOutputAt(int64_t i, const ConvGeometry& g) {
  const int64_t pixel = i / g.inC;
  return {pixel / (static_cast<int64_t>(g.outW) * g.outH), static_cast<int>((pixel / g.outW) % g.outH),
          static_cast<int>(pixel % g.outW), static_cast<int>(i % g.inC)};
}

__host__ __device__ inline void maxPoolAt(int64_t i, const float* x, float* out, const ConvGeometry& g) {
  const PoolOutput o = poolOutputAt(i, g);
  const int64_t at = firstMax(x, g, o.b, o.oy, o.ox, o.c);
  out[i] = at < 0 ? -INFINITY : x[at];
}

__host__ __device__ inline void avgPoolAt(int64_t i, const float* x, float* out, const ConvGeometry& g) {
  const PoolOutput o = poolOutputAt(i, g);
  float sum = 0.f;
  for (int ky = 0; ky < g.filterH; ky++) {
    const int iy = o.oy * g.strideY - g.padTop + ky;
    if (iy < 0 || iy >= g.inH) continue;
    for (int kx = 0; kx < g.filterW; kx++) {
      const int ix = o.ox * g.strideX - g.padLeft + kx;
      if (ix < 0 || ix >= g.inW) continue;
      sum += x[((o.b * g.inH + iy) * g.inW + ix) * g.inC + o.c];
    }
  }
  const int count = windowCount(g, o.oy, o.ox);
  out[i] = count == 0 ? 0.f : sum / static_cast<float>(count);
}

// The range of pooling windows that cover input pixel (iy, ix): rows [oyFirst, oyLast], columns
// [oxFirst, oxLast] (empty when first > last).
struct CoveringWindows {
  int oyFirst, oyLast, oxFirst, oxLast;
};

__host__ __device__ inline CoveringWindows coveringWindows(const ConvGeometry& g, int iy, int ix) {
  return {greater(0, floorDivInt(iy + g.padTop - g.filterH, g.strideY) + 1), lesser(g.outH - 1, floorDivInt(iy + g.padTop, g.strideY)),
          greater(0, floorDivInt(ix + g.padLeft - g.filterW, g.strideX) + 1), lesser(g.outW - 1, floorDivInt(ix + g.padLeft, g.strideX))};
}

__host__ __device__ inline void maxPoolBackpropAt(int64_t i, const float* dy, const float* x, float* dx, const ConvGeometry& g) {
  const int c = static_cast<int>(i % g.inC);
  const int ix = static_cast<int>((i / g.inC) % g.inW);
  const int iy = static_cast<int>((i / (static_cast<int64_t>(g.inC) * g.inW)) % g.inH);
  const int64_t b = i / (static_cast<int64_t>(g.inC) * g.inW * g.inH);
  const CoveringWindows w = coveringWindows(g, iy, ix);
  float sum = 0.f;
  for (int oy = w.oyFirst; oy <= w.oyLast; oy++) {
    for (int ox = w.oxFirst; ox <= w.oxLast; ox++) {
      if (firstMax(x, g, b, oy, ox, c) == i) sum += dy[((b * g.outH + oy) * g.outW + ox) * g.inC + c];
    }
  }
  dx[i] = sum;
}

__host__ __device__ inline void avgPoolBackpropAt(int64_t i, const float* dy, float* dx, const ConvGeometry& g) {
  const int c = static_cast<int>(i % g.inC);
  const int ix = static_cast<int>((i / g.inC) % g.inW);
  const int iy = static_cast<int>((i / (static_cast<int64_t>(g.inC) * g.inW)) % g.inH);
  const int64_t b = i / (static_cast<int64_t>(g.inC) * g.inW * g.inH);
  const CoveringWindows w = coveringWindows(g, iy, ix);
  float sum = 0.f;
  for (int oy = w.oyFirst; oy <= w.oyLast; oy++) {
    for (int ox = w.oxFirst; ox <= w.oxLast; ox++) {
      sum += dy[((b * g.outH + oy) * g.outW + ox) * g.inC + c] / static_cast<float>(windowCount(g, oy, ox));
    }
  }
  dx[i] = sum;
}

__global__ void im2colKernel(const float* x, float* col, ConvGeometry g, int firstImage, int64_t n) {
  STRATA_GRID_STRIDE(i, n) im2colAt(i, x, col, g, firstImage);
}

__global__ void col2imKernel(const float* col, float* dx, ConvGeometry g, int firstImage, int64_t n) {
  STRATA_GRID_STRIDE(i, n) col2imAt(i, col, dx, g, firstImage);
}

__global__ void depthwiseKernel(const float* x, const float* filter, float* out, ConvGeometry g, int multiplier, int64_t n) {
  STRATA_GRID_STRIDE(i, n) depthwiseAt(i, x, filter, out, g, multiplier);
}

__global__ void maxPoolKernel(const float* x, float* out, ConvGeometry g, int64_t n) {
  STRATA_GRID_STRIDE(i, n) maxPoolAt(i, x, out, g);
}

__global__ void avgPoolKernel(const float* x, float* out, ConvGeometry g, int64_t n) {
  STRATA_GRID_STRIDE(i, n) avgPoolAt(i, x, out, g);
}

__global__ void maxPoolBackpropKernel(const float* dy, const float* x, float* dx, ConvGeometry g, int64_t n) {
  STRATA_GRID_STRIDE(i, n) maxPoolBackpropAt(i, dy, x, dx, g);
}

__global__ void avgPoolBackpropKernel(const float* dy, float* dx, ConvGeometry g, int64_t n) {
  STRATA_GRID_STRIDE(i, n) avgPoolBackpropAt(i, dy, dx, g);
}

int64_t columnElements(const ConvGeometry& g, int images) { return static_cast<int64_t>(images) * g.outH * g.outW * columnsOf(g); }
int64_t inputElements(const ConvGeometry& g, int images) { return static_cast<int64_t>(images) * g.inH * g.inW * g.inC; }
int64_t poolOutputElements(const ConvGeometry& g) { return static_cast<int64_t>(g.batch) * g.outH * g.outW * g.inC; }

}  // namespace

cudaError_t launchIm2Col(const float* x, float* col, const ConvGeometry& g, int firstImage,
                         int images, cudaStream_t s) {
  const int64_t n = columnElements(g, images);
  if (n == 0) return cudaSuccess;
  im2colKernel<<<gridFor(n), kThreads, 0, s>>>(x, col, g, firstImage, n);
  return cudaGetLastError();
}

cudaError_t launchCol2Im(const float* col, float* dx, const ConvGeometry& g, int firstImage,
                         int images, cudaStream_t s) {
  const int64_t n = inputElements(g, images);
  if (n == 0) return cudaSuccess;
  col2imKernel<<<gridFor(n), kThreads, 0, s>>>(col, dx, g, firstImage, n);
  return cudaGetLastError();
}

cudaError_t launchDepthwiseConv2d(const float* x, const float* filter, float* out,
                                  const ConvGeometry& g, int multiplier, cudaStream_t s) {
  const int64_t n = static_cast<int64_t>(g.batch) * g.outH * g.outW * g.inC * multiplier;
  if (n == 0) return cudaSuccess;
  depthwiseKernel<<<gridFor(n), kThreads, 0, s>>>(x, filter, out, g, multiplier, n);
  return cudaGetLastError();
}

cudaError_t launchMaxPool(const float* x, float* out, const ConvGeometry& g, cudaStream_t s) {
  const int64_t n = poolOutputElements(g);
  if (n == 0) return cudaSuccess;
  maxPoolKernel<<<gridFor(n), kThreads, 0, s>>>(x, out, g, n);
  return cudaGetLastError();
}

cudaError_t launchMaxPoolBackprop(const float* dy, const float* x, float* dx, const ConvGeometry& g,
                                  cudaStream_t s) {
  const int64_t n = inputElements(g, g.batch);
  if (n == 0) return cudaSuccess;
  maxPoolBackpropKernel<<<gridFor(n), kThreads, 0, s>>>(dy, x, dx, g, n);
  return cudaGetLastError();
}

cudaError_t launchAvgPool(const float* x, float* out, const ConvGeometry& g, cudaStream_t s) {
  const int64_t n = poolOutputElements(g);
  if (n == 0) return cudaSuccess;
  avgPoolKernel<<<gridFor(n), kThreads, 0, s>>>(x, out, g, n);
  return cudaGetLastError();
}

cudaError_t launchAvgPoolBackprop(const float* dy, float* dx, const ConvGeometry& g, cudaStream_t s) {
  const int64_t n = inputElements(g, g.batch);
  if (n == 0) return cudaSuccess;
  avgPoolBackpropKernel<<<gridFor(n), kThreads, 0, s>>>(dy, dx, g, n);
  return cudaGetLastError();
}

// The same per-element functions on the CPU, over whole batches (tests).

int64_t hostConvOutputLength(int kind, const ConvGeometry& g, int multiplier) {
  switch (kind) {
    case kHostIm2Col: return columnElements(g, g.batch);
    case kHostCol2Im: case kHostMaxPoolBackprop: case kHostAvgPoolBackprop: return inputElements(g, g.batch);
    case kHostDepthwise: return static_cast<int64_t>(g.batch) * g.outH * g.outW * g.inC * multiplier;
    default: return poolOutputElements(g);  // max and average pooling
  }
}

void hostConvInputLengths(int kind, const ConvGeometry& g, int multiplier, int64_t* aLength, int64_t* bLength) {
  *bLength = 0;
  switch (kind) {
    case kHostCol2Im: *aLength = columnElements(g, g.batch); break;
    case kHostDepthwise:
      *aLength = inputElements(g, g.batch);
      *bLength = static_cast<int64_t>(g.filterH) * g.filterW * g.inC * multiplier;
      break;
    case kHostMaxPoolBackprop:
      *aLength = poolOutputElements(g);
      *bLength = inputElements(g, g.batch);
      break;
    case kHostAvgPoolBackprop: *aLength = poolOutputElements(g); break;
    default: *aLength = inputElements(g, g.batch); break;  // im2col, max and average pooling
  }
}

void evaluateConvOnHost(int kind, const ConvGeometry& g, int multiplier, const float* a, const float* b, float* out) {
  const int64_t n = hostConvOutputLength(kind, g, multiplier);
  for (int64_t i = 0; i < n; i++) {
    switch (kind) {
      case kHostIm2Col: im2colAt(i, a, out, g, 0); break;
      case kHostCol2Im: col2imAt(i, a, out, g, 0); break;
      case kHostDepthwise: depthwiseAt(i, a, b, out, g, multiplier); break;
      case kHostMaxPool: maxPoolAt(i, a, out, g); break;
      case kHostAvgPool: avgPoolAt(i, a, out, g); break;
      case kHostMaxPoolBackprop: maxPoolBackpropAt(i, a, b, out, g); break;
      default: avgPoolBackpropAt(i, a, out, g); break;
    }
  }
}

}  // namespace strata
