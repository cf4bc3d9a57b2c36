// The one CUDA device the addon drives: its stream, memory (a caching allocator for device
// blocks and one for pinned staging blocks), the table of live buffers JS refers to by id, and
// cuBLAS when it loads. Every CUDA failure becomes a std::runtime_error naming what failed and
// the CUDA error; node-addon-api turns those into JS errors.
#pragma once
#include <cuda_runtime.h>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "allocator.h"
#include "cublas_loader.h"

namespace strata {

// Throws "<what>: <cudaErrorName> (<code>): <description>" unless error is cudaSuccess.
void check(cudaError_t error, const std::string& what);
std::string describeCudaError(cudaError_t error);

struct Buffer {
  void* pointer;
  size_t bytes;
};

// A device block used only inside one call (im2col columns, attention scores). It goes back to
// the cache when the call returns; stream order keeps the queued kernels' use of it safe.
class Scratch {
 public:
  Scratch(size_t bytes, const char* what);
  ~Scratch();
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  float* floats() const { return static_cast<float*>(pointer_); }

 private:
  void* pointer_;
  size_t bytes_;
};

class Device {
 public:
  // Whether a usable device exists; on failure returns false and sets `reason`.
  static bool probe(std::string* reason);
  // Creates the device state; throws (with the probe's reason) when there is no usable device.
  static Device& initialise();
  // The initialised device; throws when initialise has not succeeded.
  static Device& get();
  static bool initialised();

  cudaStream_t stream() const { return stream_; }
  CachingAllocator& memory() { return *memory_; }
  const Cublas& cublas() const { return cublas_; }
  bool useCublas() const { return useCublas_ && cublas_.loaded(); }
  void setUseCublas(bool use) { useCublas_ = use; }
  const std::string& description() const { return description_; }

  double addBuffer(void* pointer, size_t bytes);
  const Buffer& buffer(double id, const char* what) const;
  void removeBuffer(double id, const char* what);

  // Pinned host staging for copies: `stage` returns a pinned block of at least `bytes`;
  // `retireAfter` hands it back once the work queued so far on the stream has finished.
  void* stage(size_t bytes, const char* what);
  void retireAfter(void* block, size_t bytes, const char* what);
  void unstage(void* block, size_t bytes);

 private:
  Device() = default;
  void reclaimFinishedStaging();

  struct PendingStage {
    void* block;
    size_t bytes;
    cudaEvent_t done;
  };
  cudaStream_t stream_ = nullptr;
  std::unique_ptr<BlockSource> deviceSource_;
  std::unique_ptr<BlockSource> pinnedSource_;
  std::unique_ptr<CachingAllocator> memory_;
  std::unique_ptr<CachingAllocator> pinned_;
  std::vector<PendingStage> pendingStages_;
  std::unordered_map<uint64_t, Buffer> buffers_;
  uint64_t nextId_ = 1;
  Cublas cublas_;
  bool useCublas_ = true;
  std::string description_;
};

}  // namespace strata
