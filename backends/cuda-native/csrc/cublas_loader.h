// cuBLAS loaded at run time with dlopen, so the addon neither needs cuBLAS to build nor to load.
// Only the few entry points the backend calls are declared, with the types of cuBLAS's public
// C API (cublas_api.h); enum values are passed as the ints that API defines.
#pragma once
#include <cuda_runtime.h>
#include <string>

namespace strata {

class Cublas {
 public:
  // Tries STRATA_CUBLAS_PATH, then libcublas.so.13, .12 and libcublas.so on the loader's path.
  // On failure `loaded()` is false and `failure()` says why.
  bool load(cudaStream_t stream);
  bool loaded() const { return handle_ != nullptr; }
  const std::string& failure() const { return failure_; }
  const std::string& source() const { return source_; }
  int version() const { return version_; }
  // Row-major, batched C = alpha·op(A)·op(B) + beta·C with element strides; empty string on
  // success, else cuBLAS's status string.
  std::string sgemm(bool transA, bool transB, int m, int n, int k, float alpha, const float* a,
                    long long strideA, const float* b, long long strideB, float beta, float* c,
                    long long strideC, int batch) const;

 private:
  using Handle = void*;
  using CreateFn = int (*)(Handle*);
  using SetStreamFn = int (*)(Handle, cudaStream_t);
  using SetMathModeFn = int (*)(Handle, int);
  using GetVersionFn = int (*)(Handle, int*);
  using StatusStringFn = const char* (*)(int);
  using SgemmStridedBatchedFn = int (*)(Handle, int, int, int, int, int, const float*, const float*,
                                        int, long long, const float*, int, long long, const float*,
                                        float*, int, long long, int);
  void* library_ = nullptr;
  Handle handle_ = nullptr;
  SgemmStridedBatchedFn sgemmStridedBatched_ = nullptr;
  StatusStringFn statusString_ = nullptr;
  std::string failure_;
  std::string source_;
  int version_ = 0;
};

}  // namespace strata
