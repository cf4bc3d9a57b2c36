// The hand-written SGEMM used when cuBLAS cannot be loaded (and on request, for comparison).
// Each 256-thread block computes a BM×BN tile of C from BK=8-deep slices of A and B staged in
// double-buffered shared memory; each thread keeps a (BM/16)×(BN/16) register block, read from
// shared memory as float4 rows. Global loads are bounds-checked scalars, so every shape and
// transpose works without padding copies.
#include <algorithm>
#include <cstdint>
#include "launch.cuh"

namespace strata {
namespace {

constexpr int kBK = 8;
constexpr int kGemmThreads = 256;

template <int BM, int BN, bool TA, bool TB>
__global__ void __launch_bounds__(kGemmThreads)
sgemmKernel(int m, int n, int k, float alpha, const float* __restrict__ A, int64_t strideA,
            const float* __restrict__ B, int64_t strideB, float beta, float* __restrict__ C,
            int64_t strideC, int batchOffset) {
  constexpr int TM = BM / 16, TN = BN / 16;
  constexpr int LA = BM * kBK / kGemmThreads, LB = BN * kBK / kGemmThreads;
  __shared__ __align__(16) float As[2][kBK][BM];
  __shared__ __align__(16) float Bs[2][kBK][BN];

  const int batch = blockIdx.z + batchOffset;
  A += batch * strideA;
  B += batch * strideB;
  C += batch * strideC;
  const int m0 = blockIdx.y * BM, n0 = blockIdx.x * BN;
  const int tid = threadIdx.x, tx = tid % 16, ty = tid / 16;

  float regA[LA], regB[LB];
  auto loadTile = [&](int k0) {
#pragma unroll
    for (int e = 0; e < LA; e++) {
      const int L = tid + e * kGemmThreads;
      const int row = TA ? L % BM : L / kBK, p = TA ? L / BM : L % kBK;
      const int gi = m0 + row, gp = k0 + p;
      regA[e] = (gi < m && gp < k) ? (TA ? A[static_cast<int64_t>(gp) * m + gi] : A[static_cast<int64_t>(gi) * k + gp]) : 0.f;
    }
#pragma unroll
    for (int e = 0; e < LB; e++) {
      const int L = tid + e * kGemmThreads;
      const int col = TB ? L / kBK : L % BN, p = TB ? L % kBK : L / BN;
      const int gj = n0 + col, gp = k0 + p;
      regB[e] = (gj < n && gp < k) ? (TB ? B[static_cast<int64_t>(gj) * k + gp] : B[static_cast<int64_t>(gp) * n + gj]) : 0.f;
    }
  };
  auto storeTile = [&](int buffer) {
#pragma unroll
    for (int e = 0; e < LA; e++) {
      const int L = tid + e * kGemmThreads;
      As[buffer][TA ? L / BM : L % kBK][TA ? L % BM : L / kBK] = regA[e];
    }
#pragma unroll
    for (int e = 0; e < LB; e++) {
      const int L = tid + e * kGemmThreads;
      Bs[buffer][TB ? L % kBK : L / BN][TB ? L / kBK : L % BN] = regB[e];
    }
  };

  float acc[TM][TN];
#pragma unroll
  for (int i = 0; i < TM; i++)
#pragma unroll
    for (int j = 0; j < TN; j++) acc[i][j] = 0.f;

  const int tiles = (k + kBK - 1) / kBK;
  loadTile(0);
  storeTile(0);
  __syncthreads();
  int current = 0;
  for (int t = 0; t < tiles; t++) {
    if (t + 1 < tiles) loadTile((t + 1) * kBK);  // in flight while this tile is multiplied
#pragma unroll
    for (int p = 0; p < kBK; p++) {
      float a[TM], b[TN];
#pragma unroll
      for (int g = 0; g < TM / 4; g++) {
        const float4 v = *reinterpret_cast<const float4*>(&As[current][p][ty * 4 + g * 64]);
        a[g * 4] = v.x; a[g * 4 + 1] = v.y; a[g * 4 + 2] = v.z; a[g * 4 + 3] = v.w;
      }
#pragma unroll
      for (int h = 0; h < TN / 4; h++) {
        const float4 v = *reinterpret_cast<const float4*>(&Bs[current][p][tx * 4 + h * 64]);
        b[h * 4] = v.x; b[h * 4 + 1] = v.y; b[h * 4 + 2] = v.z; b[h * 4 + 3] = v.w;
      }
#pragma unroll
      for (int i = 0; i < TM; i++)
#pragma unroll
        for (int j = 0; j < TN; j++) acc[i][j] = fmaf(a[i], b[j], acc[i][j]);
    }
    if (t + 1 < tiles) storeTile(current ^ 1);
    __syncthreads();
    current ^= 1;
  }

#pragma unroll
  for (int i = 0; i < TM; i++) {
    const int row = m0 + ty * 4 + (i / 4) * 64 + i % 4;
    if (row >= m) continue;
#pragma unroll
    for (int j = 0; j < TN; j++) {
      const int col = n0 + tx * 4 + (j / 4) * 64 + j % 4;
      if (col >= n) continue;
      float* c = C + static_cast<int64_t>(row) * n + col;
      *c = beta == 0.f ? alpha * acc[i][j] : alpha * acc[i][j] + beta * *c;
    }
  }
}

template <int BM, int BN, bool TA, bool TB>
void launchTile(int m, int n, int k, float alpha, const float* a, int64_t strideA, const float* b,
                int64_t strideB, float beta, float* c, int64_t strideC, int batch, cudaStream_t s) {
  const dim3 block(kGemmThreads);
  for (int first = 0; first < batch; first += 65535) {
    const dim3 grid((n + BN - 1) / BN, (m + BM - 1) / BM, std::min(65535, batch - first));
    sgemmKernel<BM, BN, TA, TB><<<grid, block, 0, s>>>(m, n, k, alpha, a, strideA, b, strideB, beta, c, strideC, first);
  }
}

template <int BM, int BN>
void launchTransposes(bool transA, bool transB, int m, int n, int k, float alpha, const float* a,
                      int64_t strideA, const float* b, int64_t strideB, float beta, float* c,
                      int64_t strideC, int batch, cudaStream_t s) {
  if (!transA && !transB) launchTile<BM, BN, false, false>(m, n, k, alpha, a, strideA, b, strideB, beta, c, strideC, batch, s);
  else if (!transA) launchTile<BM, BN, false, true>(m, n, k, alpha, a, strideA, b, strideB, beta, c, strideC, batch, s);
  else if (!transB) launchTile<BM, BN, true, false>(m, n, k, alpha, a, strideA, b, strideB, beta, c, strideC, batch, s);
  else launchTile<BM, BN, true, true>(m, n, k, alpha, a, strideA, b, strideB, beta, c, strideC, batch, s);
}

int multiprocessors() {
  static int count = 0;
  if (count == 0) {
    int device = 0;
    if (cudaGetDevice(&device) != cudaSuccess ||
        cudaDeviceGetAttribute(&count, cudaDevAttrMultiProcessorCount, device) != cudaSuccess) {
      count = 100;
    }
  }
  return count;
}

}  // namespace

cudaError_t launchSgemm(bool transA, bool transB, int m, int n, int k, float alpha, const float* a,
                        int64_t strideA, const float* b, int64_t strideB, float beta, float* c,
                        int64_t strideC, int batch, cudaStream_t s) {
  if (m == 0 || n == 0 || batch == 0) return cudaSuccess;
  // Large tiles reuse more data per load, but only pay off once they fill the GPU twice over.
  const int64_t bigTiles = static_cast<int64_t>((m + 127) / 128) * ((n + 127) / 128) * batch;
  if (bigTiles >= 2 * multiprocessors()) {
    launchTransposes<128, 128>(transA, transB, m, n, k, alpha, a, strideA, b, strideB, beta, c, strideC, batch, s);
  } else {
    launchTransposes<64, 64>(transA, transB, m, n, k, alpha, a, strideA, b, strideB, beta, c, strideC, batch, s);
  }
  return cudaGetLastError();
}

}  // namespace strata
