#include "cublas_loader.h"

#include <dlfcn.h>

#include <cstdlib>
#include <vector>

namespace strata {

namespace {
constexpr int kOpN = 0;  // CUBLAS_OP_N
constexpr int kOpT = 1;  // CUBLAS_OP_T
// CUBLAS_DEFAULT_MATH: float32 FMA arithmetic, no TF32 tensor cores (which would miss the
// float32 tolerances the conformance suite holds every backend to). PyTorch uses the same mode
// when TF32 is off, its default for matmul.
constexpr int kDefaultMath = 0;
}  // namespace

bool Cublas::load(cudaStream_t stream) {
  std::vector<std::string> candidates;
  if (const char* path = std::getenv("STRATA_CUBLAS_PATH"); path != nullptr && *path != '\0') candidates.emplace_back(path);
  candidates.insert(candidates.end(), {"libcublas.so.13", "libcublas.so.12", "libcublas.so"});
  std::string errors;
  for (const auto& name : candidates) {
    library_ = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (library_ != nullptr) {
      source_ = name;
      break;
    }
    const char* why = dlerror();
    errors += (errors.empty() ? "" : "; ") + std::string(why != nullptr ? why : name);
  }
  if (library_ == nullptr) {
    failure_ = "cuBLAS not found (" + errors + ")";
    return false;
  }
  auto create = reinterpret_cast<CreateFn>(dlsym(library_, "cublasCreate_v2"));
  auto setStream = reinterpret_cast<SetStreamFn>(dlsym(library_, "cublasSetStream_v2"));
  auto setMathMode = reinterpret_cast<SetMathModeFn>(dlsym(library_, "cublasSetMathMode"));
  auto getVersion = reinterpret_cast<GetVersionFn>(dlsym(library_, "cublasGetVersion_v2"));
  statusString_ = reinterpret_cast<StatusStringFn>(dlsym(library_, "cublasGetStatusString"));
  sgemmStridedBatched_ = reinterpret_cast<SgemmStridedBatchedFn>(dlsym(library_, "cublasSgemmStridedBatched"));
  if (create == nullptr || setStream == nullptr || setMathMode == nullptr || sgemmStridedBatched_ == nullptr) {
    failure_ = source_ + " lacks cublasCreate_v2/cublasSetStream_v2/cublasSetMathMode/cublasSgemmStridedBatched";
    dlclose(library_);
    library_ = nullptr;
    return false;
  }
  Handle handle = nullptr;
  int status = create(&handle);
  if (status == 0) status = setStream(handle, stream);
  if (status == 0) status = setMathMode(handle, kDefaultMath);
  if (status != 0) {
    failure_ = source_ + ": cuBLAS initialisation failed with status " + std::to_string(status);
    dlclose(library_);
    library_ = nullptr;
    return false;
  }
  if (getVersion != nullptr) getVersion(handle, &version_);
  handle_ = handle;
  return true;
}

std::string Cublas::sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
                          const float* a, long long strideA, const float* b, long long strideB,
                          float beta, float* c, long long strideC, int batch) const {
  // Row-major C[m,n] is column-major Cᵀ[n,m] = op(B)ᵀ·op(A)ᵀ, so B goes first. A row-major
  // stored matrix [r, c] reads as its column-major transpose with leading dimension c.
  const int lda = transA ? m : k;
  const int ldb = transB ? k : n;
  const int status = sgemmStridedBatched_(handle_, transB ? kOpT : kOpN, transA ? kOpT : kOpN, n, m, k,
                                          &alpha, b, ldb, strideB, a, lda, strideA, &beta, c, n,
                                          strideC, batch);
  if (status == 0) return "";
  const char* text = statusString_ != nullptr ? statusString_(status) : nullptr;
  return "cuBLAS " + std::string(text != nullptr ? text : "error") + " (" + std::to_string(status) + ")";
}

}  // namespace strata
