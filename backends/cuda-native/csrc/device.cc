#include "device.h"

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace strata {

namespace {

class DeviceMemorySource : public BlockSource {
 public:
  bool allocate(size_t bytes, void** block, std::string* error) override {
    const cudaError_t e = cudaMalloc(block, bytes);
    if (e == cudaSuccess) return true;
    cudaGetLastError();  // an allocation failure is not sticky; clear it for later launches
    *error = "cudaMalloc: " + describeCudaError(e);
    return false;
  }
  void release(void* block) override { cudaFree(block); }
};

class PinnedMemorySource : public BlockSource {
 public:
  bool allocate(size_t bytes, void** block, std::string* error) override {
    const cudaError_t e = cudaHostAlloc(block, bytes, cudaHostAllocDefault);
    if (e == cudaSuccess) return true;
    cudaGetLastError();
    *error = "cudaHostAlloc: " + describeCudaError(e);
    return false;
  }
  void release(void* block) override { cudaFreeHost(block); }
};

Device* instance = nullptr;

// Pinned staging blocks kept for reuse beyond this are handed back (pinned memory is locked RAM).
constexpr uint64_t kPinnedCacheLimit = uint64_t{512} << 20;

std::string gibibytes(size_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.0f GiB", static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0));
  return text;
}

}  // namespace

std::string describeCudaError(cudaError_t error) {
  return std::string(cudaGetErrorName(error)) + " (" + std::to_string(static_cast<int>(error)) +
         "): " + cudaGetErrorString(error);
}

void check(cudaError_t error, const std::string& what) {
  if (error != cudaSuccess) throw std::runtime_error(what + ": " + describeCudaError(error));
}

Scratch::Scratch(size_t bytes, const char* what)
    : pointer_(Device::get().memory().allocate(bytes, what)), bytes_(bytes) {}

Scratch::~Scratch() { Device::get().memory().release(pointer_, bytes_); }

bool Device::probe(std::string* reason) {
  int count = 0;
  const cudaError_t e = cudaGetDeviceCount(&count);
  if (e != cudaSuccess) {
    *reason = describeCudaError(e);
    return false;
  }
  if (count == 0) {
    *reason = "the driver reports 0 devices";
    return false;
  }
  cudaDeviceProp properties{};
  check(cudaGetDeviceProperties(&properties, 0), "cudaGetDeviceProperties");
  if (properties.major < 9) {
    *reason = std::string(properties.name) + " has compute capability " + std::to_string(properties.major) + "." +
              std::to_string(properties.minor) + "; this build has kernels for sm_90 and newer";
    return false;
  }
  return true;
}

bool Device::initialised() { return instance != nullptr; }

Device& Device::get() {
  if (instance == nullptr) throw std::runtime_error("the CUDA device is not initialised (call init first)");
  return *instance;
}

Device& Device::initialise() {
  if (instance != nullptr) return *instance;
  std::string reason;
  if (!probe(&reason)) throw std::runtime_error("no CUDA device: " + reason);
  auto device = std::unique_ptr<Device>(new Device());
  check(cudaSetDevice(0), "cudaSetDevice");
  check(cudaStreamCreateWithFlags(&device->stream_, cudaStreamNonBlocking), "cudaStreamCreate");
  device->deviceSource_ = std::make_unique<DeviceMemorySource>();
  device->pinnedSource_ = std::make_unique<PinnedMemorySource>();
  device->memory_ = std::make_unique<CachingAllocator>(*device->deviceSource_);
  device->pinned_ = std::make_unique<CachingAllocator>(*device->pinnedSource_);
  const char* gemm = std::getenv("STRATA_CUDA_GEMM");
  device->useCublas_ = gemm == nullptr || std::string(gemm) != "hand";
  device->cublas_.load(device->stream_);

  cudaDeviceProp p{};
  check(cudaGetDeviceProperties(&p, 0), "cudaGetDeviceProperties");
  int driver = 0;
  cudaDriverGetVersion(&driver);
  device->description_ = std::string(p.name) + " (sm_" + std::to_string(p.major) + std::to_string(p.minor) + ", " +
                         std::to_string(p.multiProcessorCount) + " SMs, " + gibibytes(p.totalGlobalMem) +
                         ", driver " + std::to_string(driver / 1000) + "." + std::to_string(driver % 1000 / 10) +
                         "); matMul: " +
                         (device->cublas_.loaded() ? "cuBLAS " + std::to_string(device->cublas_.version()) + " from " + device->cublas_.source()
                                                   : "hand-written SGEMM (" + device->cublas_.failure() + ")");
  instance = device.release();
  return *instance;
}

double Device::addBuffer(void* pointer, size_t bytes) {
  const uint64_t id = nextId_++;
  buffers_.emplace(id, Buffer{pointer, bytes});
  return static_cast<double>(id);
}

const Buffer& Device::buffer(double id, const char* what) const {
  auto found = buffers_.find(static_cast<uint64_t>(id));
  if (found == buffers_.end()) {
    throw std::runtime_error(std::string(what) + ": buffer " + std::to_string(static_cast<uint64_t>(id)) + " does not exist (freed already?)");
  }
  return found->second;
}

void Device::removeBuffer(double id, const char* what) {
  const Buffer b = buffer(id, what);
  buffers_.erase(static_cast<uint64_t>(id));
  memory_->release(b.pointer, b.bytes);
}

void* Device::stage(size_t bytes, const char* what) {
  reclaimFinishedStaging();
  return pinned_->allocate(bytes, what);
}

void Device::unstage(void* block, size_t bytes) {
  pinned_->release(block, bytes);
  if (pinned_->stats().cachedBytes > kPinnedCacheLimit) pinned_->emptyCache();
}

void Device::retireAfter(void* block, size_t bytes, const char* what) {
  cudaEvent_t done = nullptr;
  check(cudaEventCreateWithFlags(&done, cudaEventDisableTiming), std::string(what) + ": cudaEventCreate");
  check(cudaEventRecord(done, stream_), std::string(what) + ": cudaEventRecord");
  pendingStages_.push_back({block, bytes, done});
}

void Device::reclaimFinishedStaging() {
  size_t kept = 0;
  for (auto& pending : pendingStages_) {
    if (cudaEventQuery(pending.done) == cudaSuccess) {
      cudaEventDestroy(pending.done);
      unstage(pending.block, pending.bytes);
    } else {
      pendingStages_[kept++] = pending;
    }
  }
  pendingStages_.resize(kept);
}

}  // namespace strata
