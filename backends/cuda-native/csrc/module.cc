// The addon's module: device status and initialisation, buffers (alloc, free, write, read,
// readSync), allocator statistics, and SimulatedAllocator (the caching allocator over a
// host-memory pool of fixed capacity, so its logic is testable on machines without a GPU).
#include <napi.h>

#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <unordered_map>

#include "allocator.h"
#include "args.h"
#include "bindings.h"
#include "device.h"
#include "kernels.h"

namespace strata {
namespace {

Napi::Object statsObject(Napi::Env env, const AllocatorStats& s) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("liveBlocks", static_cast<double>(s.liveBlocks));
  o.Set("liveBytes", static_cast<double>(s.liveBytes));
  o.Set("cachedBlocks", static_cast<double>(s.cachedBlocks));
  o.Set("cachedBytes", static_cast<double>(s.cachedBytes));
  o.Set("sourceAllocations", static_cast<double>(s.sourceAllocations));
  o.Set("cacheHits", static_cast<double>(s.cacheHits));
  o.Set("cacheFlushes", static_cast<double>(s.cacheFlushes));
  return o;
}

// { available: true } or { available: false, reason }; never throws.
Napi::Value Status(const Napi::CallbackInfo& info) {
  Napi::Object o = Napi::Object::New(info.Env());
  std::string reason;
  bool available = false;
  try {
    available = Device::initialised() || Device::probe(&reason);
  } catch (const std::exception& e) {
    reason = e.what();
  }
  o.Set("available", available);
  if (!available) o.Set("reason", reason);
  return o;
}

Napi::Value Init(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), Device::initialise().description());
}

Napi::Value BucketSize(const Napi::CallbackInfo& info) {
  Args args(info, "bucketSize");
  const int64_t bytes = args.integer(0);
  if (bytes < 0) throw std::runtime_error("bucketSize: bytes must be non-negative");
  return Napi::Number::New(info.Env(), static_cast<double>(CachingAllocator::bucketSize(static_cast<size_t>(bytes))));
}

Napi::Value Alloc(const Napi::CallbackInfo& info) {
  Args args(info, "alloc");
  const int64_t bytes = args.integer(0);
  Device& device = Device::get();
  void* pointer = device.memory().allocate(static_cast<size_t>(bytes), "alloc");
  return Napi::Number::New(info.Env(), device.addBuffer(pointer, static_cast<size_t>(bytes)));
}

Napi::Value Free(const Napi::CallbackInfo& info) {
  Args args(info, "free");
  Device::get().removeBuffer(args.number(0), "free");
  return info.Env().Undefined();
}

Napi::Value Stats(const Napi::CallbackInfo& info) {
  return statsObject(info.Env(), Device::get().memory().stats());
}

Napi::Value EmptyCache(const Napi::CallbackInfo& info) {
  Device::get().memory().emptyCache();
  return info.Env().Undefined();
}

Napi::Value Synchronize(const Napi::CallbackInfo& info) {
  check(cudaStreamSynchronize(Device::get().stream()), "synchronize");
  return info.Env().Undefined();
}

Napi::Value SetUseCublas(const Napi::CallbackInfo& info) {
  Args args(info, "setUseCublas");
  Device& device = Device::get();
  device.setUseCublas(args.boolean(0));
  return Napi::Boolean::New(info.Env(), device.useCublas());
}

uint8_t* bytesOf(const Napi::TypedArray& array) {
  return static_cast<uint8_t*>(array.ArrayBuffer().Data()) + array.ByteOffset();
}

void checkSameSize(const char* what, size_t bufferBytes, const Napi::TypedArray& array) {
  if (array.ByteLength() != bufferBytes) {
    throw std::runtime_error(std::string(what) + ": the buffer holds " + std::to_string(bufferBytes) + " bytes but the array " +
                             std::to_string(array.ByteLength()));
  }
}

// write(id, values): staged through pinned memory so the copy is truly asynchronous (a copy from
// pageable memory would wait for the stream) and JS may reuse `values` at once.
Napi::Value Write(const Napi::CallbackInfo& info) {
  Args args(info, "write");
  Device& device = Device::get();
  const Buffer& buffer = device.buffer(args.number(0), "write");
  const Napi::TypedArray values = args.typedArray(1);
  checkSameSize("write", buffer.bytes, values);
  if (buffer.bytes == 0) return info.Env().Undefined();
  void* staging = device.stage(buffer.bytes, "write");
  std::memcpy(staging, bytesOf(values), buffer.bytes);
  const cudaError_t e = cudaMemcpyAsync(buffer.pointer, staging, buffer.bytes, cudaMemcpyHostToDevice, device.stream());
  if (e != cudaSuccess) {
    device.unstage(staging, buffer.bytes);
    check(e, "write");
  }
  device.retireAfter(staging, buffer.bytes, "write");
  return info.Env().Undefined();
}

// readSync(id, into): waits for the stream, on the JS thread.
Napi::Value ReadSync(const Napi::CallbackInfo& info) {
  Args args(info, "readSync");
  Device& device = Device::get();
  const Buffer& buffer = device.buffer(args.number(0), "readSync");
  const Napi::TypedArray into = args.typedArray(1);
  checkSameSize("readSync", buffer.bytes, into);
  if (buffer.bytes == 0) return info.Env().Undefined();
  void* staging = device.stage(buffer.bytes, "readSync");
  cudaError_t e = cudaMemcpyAsync(staging, buffer.pointer, buffer.bytes, cudaMemcpyDeviceToHost, device.stream());
  if (e == cudaSuccess) e = cudaStreamSynchronize(device.stream());
  if (e == cudaSuccess) std::memcpy(bytesOf(into), staging, buffer.bytes);
  device.unstage(staging, buffer.bytes);
  check(e, "readSync");
  return info.Env().Undefined();
}

// Waits for a read's event on a worker thread, then copies the pinned block into the JS array on
// the JS thread and settles the promise.
class ReadWorker : public Napi::AsyncWorker {
 public:
  ReadWorker(Napi::Env env, Napi::TypedArray into, void* staging, size_t bytes, cudaEvent_t done)
      : Napi::AsyncWorker(env, "strata-cuda-read"), deferred_(Napi::Promise::Deferred::New(env)),
        into_(Napi::Persistent(static_cast<Napi::Object>(into))), staging_(staging), bytes_(bytes), done_(done) {}
  Napi::Promise promise() const { return deferred_.Promise(); }

  void Execute() override {
    const cudaError_t e = cudaEventSynchronize(done_);
    if (e != cudaSuccess) SetError("read: " + describeCudaError(e));
  }
  void OnOK() override {
    Napi::TypedArray into = into_.Value().As<Napi::TypedArray>();
    std::memcpy(bytesOf(into), staging_, bytes_);
    finish();
    deferred_.Resolve(into);
  }
  void OnError(const Napi::Error& error) override {
    finish();
    deferred_.Reject(error.Value());
  }

 private:
  void finish() {
    cudaEventDestroy(done_);
    if (Device::initialised()) Device::get().unstage(staging_, bytes_);
  }
  Napi::Promise::Deferred deferred_;
  Napi::ObjectReference into_;
  void* staging_;
  size_t bytes_;
  cudaEvent_t done_;
};

// read(id, into) → Promise<into>; never blocks the JS thread.
Napi::Value Read(const Napi::CallbackInfo& info) {
  Args args(info, "read");
  Device& device = Device::get();
  const Buffer& buffer = device.buffer(args.number(0), "read");
  const Napi::TypedArray into = args.typedArray(1);
  checkSameSize("read", buffer.bytes, into);
  if (buffer.bytes == 0) {
    auto deferred = Napi::Promise::Deferred::New(info.Env());
    deferred.Resolve(into);
    return deferred.Promise();
  }
  void* staging = device.stage(buffer.bytes, "read");
  cudaEvent_t done = nullptr;
  cudaError_t e = cudaMemcpyAsync(staging, buffer.pointer, buffer.bytes, cudaMemcpyDeviceToHost, device.stream());
  if (e == cudaSuccess) e = cudaEventCreateWithFlags(&done, cudaEventDisableTiming);
  if (e == cudaSuccess) e = cudaEventRecord(done, device.stream());
  if (e != cudaSuccess) {
    if (done != nullptr) cudaEventDestroy(done);
    device.unstage(staging, buffer.bytes);
    check(e, "read");
  }
  auto* worker = new ReadWorker(info.Env(), into, staging, buffer.bytes, done);
  Napi::Promise promise = worker->promise();
  worker->Queue();
  return promise;
}

// hostUnary(op, dtype, x, out), hostBinary(op, dtype, a, b, out), hostCast(from, to, x, out): the
// elementwise kernels' scalar code run on the CPU over typed arrays of equal length (tests).
int64_t sameLength(const char* what, std::initializer_list<Napi::TypedArray> arrays) {
  const size_t n = arrays.begin()->ElementLength();
  for (const auto& a : arrays) {
    if (a.ElementLength() != n) throw std::runtime_error(std::string(what) + ": arrays differ in length");
  }
  return static_cast<int64_t>(n);
}

Napi::Value HostUnary(const Napi::CallbackInfo& info) {
  Args args(info, "hostUnary");
  const Napi::TypedArray x = args.typedArray(2), out = args.typedArray(3);
  evaluateUnaryOnHost(args.int32(0), args.int32(1), bytesOf(x), bytesOf(out), sameLength("hostUnary", {x, out}));
  return info.Env().Undefined();
}

Napi::Value HostBinary(const Napi::CallbackInfo& info) {
  Args args(info, "hostBinary");
  const Napi::TypedArray a = args.typedArray(2), b = args.typedArray(3), out = args.typedArray(4);
  evaluateBinaryOnHost(args.int32(0), args.int32(1), bytesOf(a), bytesOf(b), bytesOf(out), sameLength("hostBinary", {a, b, out}));
  return info.Env().Undefined();
}

Napi::Value HostCast(const Napi::CallbackInfo& info) {
  Args args(info, "hostCast");
  const Napi::TypedArray x = args.typedArray(2), out = args.typedArray(3);
  evaluateCastOnHost(bytesOf(x), bytesOf(out), sameLength("hostCast", {x, out}), args.int32(0), args.int32(1));
  return info.Env().Undefined();
}

// hostReduce(op, dtype, x, out, rows, length) and hostArgReduce(isMax, dtype, x, out, outer,
// length, inner): the reductions' code on the CPU; lengths are checked against the sizes.
Napi::Value HostReduce(const Napi::CallbackInfo& info) {
  Args args(info, "hostReduce");
  const Napi::TypedArray x = args.typedArray(2), out = args.typedArray(3);
  const int64_t rows = args.integer(4), length = args.integer(5);
  if (static_cast<int64_t>(x.ElementLength()) != rows * length || static_cast<int64_t>(out.ElementLength()) != rows) {
    throw std::runtime_error("hostReduce: x must hold rows·length elements and out rows");
  }
  evaluateReduceRowsOnHost(args.int32(0), args.int32(1), bytesOf(x), bytesOf(out), rows, length);
  return info.Env().Undefined();
}

Napi::Value HostArgReduce(const Napi::CallbackInfo& info) {
  Args args(info, "hostArgReduce");
  const Napi::TypedArray x = args.typedArray(2), out = args.typedArray(3);
  const int64_t outer = args.integer(4), length = args.integer(5), inner = args.integer(6);
  if (length < 1 || static_cast<int64_t>(x.ElementLength()) != outer * length * inner || static_cast<int64_t>(out.ElementLength()) != outer * inner ||
      out.TypedArrayType() != napi_int32_array) {
    throw std::runtime_error("hostArgReduce: x must hold outer·length·inner elements (length ≥ 1) and out outer·inner int32");
  }
  evaluateArgReduceOnHost(args.boolean(0), args.int32(1), bytesOf(x), reinterpret_cast<int32_t*>(bytesOf(out)), outer, length, inner);
  return info.Env().Undefined();
}

// hostConv(kind, geometry, multiplier, a, b or null, out): convolution and pooling per-element
// code on the CPU (kinds as HostConvKind in kernels.h); every array's length is checked first.
Napi::Value HostConv(const Napi::CallbackInfo& info) {
  Args args(info, "hostConv");
  const int kind = args.int32(0);
  if (kind < kHostIm2Col || kind > kHostAvgPoolBackprop) throw std::runtime_error("hostConv: unknown kind " + std::to_string(kind));
  const ConvGeometry g = args.geometry(1);
  const int multiplier = args.int32(2);
  const Napi::TypedArray a = args.typedArray(3);
  const bool hasB = info[4].IsTypedArray();
  const Napi::TypedArray out = args.typedArray(5);
  int64_t aLength = 0, bLength = 0;
  hostConvInputLengths(kind, g, multiplier, &aLength, &bLength);
  const auto expect = [](const char* name, size_t actual, int64_t wanted) {
    if (static_cast<int64_t>(actual) != wanted) {
      throw std::runtime_error(std::string("hostConv: ") + name + " has " + std::to_string(actual) + " elements, the geometry needs " + std::to_string(wanted));
    }
  };
  expect("a", a.ElementLength(), aLength);
  expect("b", hasB ? info[4].As<Napi::TypedArray>().ElementLength() : 0, bLength);
  expect("out", out.ElementLength(), hostConvOutputLength(kind, g, multiplier));
  const float* b = hasB ? reinterpret_cast<const float*>(bytesOf(info[4].As<Napi::TypedArray>())) : nullptr;
  evaluateConvOnHost(kind, g, multiplier, reinterpret_cast<const float*>(bytesOf(a)), b, reinterpret_cast<float*>(bytesOf(out)));
  return info.Env().Undefined();
}

// A fixed-capacity pool of host memory standing in for a device, for allocator tests.
class CappedHostSource : public BlockSource {
 public:
  explicit CappedHostSource(size_t capacity) : capacity_(capacity) {}
  bool allocate(size_t bytes, void** block, std::string* error) override {
    if (used_ + bytes > capacity_) {
      *error = "simulated pool: " + std::to_string(capacity_ - used_) + " of " + std::to_string(capacity_) + " bytes free";
      return false;
    }
    *block = std::malloc(bytes);
    if (*block == nullptr) {
      *error = "malloc failed";
      return false;
    }
    used_ += bytes;
    sizes_[*block] = bytes;
    return true;
  }
  void release(void* block) override {
    used_ -= sizes_[block];
    sizes_.erase(block);
    std::free(block);
  }
  size_t used() const { return used_; }

 private:
  size_t capacity_;
  size_t used_ = 0;
  std::unordered_map<void*, size_t> sizes_;
};

class SimulatedAllocator : public Napi::ObjectWrap<SimulatedAllocator> {
 public:
  static Napi::Function define(Napi::Env env) {
    return DefineClass(env, "SimulatedAllocator",
                       {InstanceMethod<&SimulatedAllocator::allocate>("allocate"),
                        InstanceMethod<&SimulatedAllocator::release>("release"),
                        InstanceMethod<&SimulatedAllocator::emptyCache>("emptyCache"),
                        InstanceMethod<&SimulatedAllocator::stats>("stats")});
  }
  explicit SimulatedAllocator(const Napi::CallbackInfo& info) : Napi::ObjectWrap<SimulatedAllocator>(info) {
    Args args(info, "SimulatedAllocator");
    source_ = std::make_unique<CappedHostSource>(static_cast<size_t>(args.integer(0)));
    allocator_ = std::make_unique<CachingAllocator>(*source_);
  }
  ~SimulatedAllocator() override {
    for (auto& entry : blocks_) allocator_->release(entry.second.pointer, entry.second.bytes);
  }

 private:
  Napi::Value allocate(const Napi::CallbackInfo& info) {
    Args args(info, "SimulatedAllocator.allocate");
    const size_t bytes = static_cast<size_t>(args.integer(0));
    void* pointer = allocator_->allocate(bytes, "SimulatedAllocator.allocate");
    const double id = static_cast<double>(nextId_++);
    blocks_[id] = Buffer{pointer, bytes};
    return Napi::Number::New(info.Env(), id);
  }
  Napi::Value release(const Napi::CallbackInfo& info) {
    Args args(info, "SimulatedAllocator.release");
    auto found = blocks_.find(args.number(0));
    if (found == blocks_.end()) throw std::runtime_error("SimulatedAllocator.release: no such block");
    allocator_->release(found->second.pointer, found->second.bytes);
    blocks_.erase(found);
    return info.Env().Undefined();
  }
  Napi::Value emptyCache(const Napi::CallbackInfo& info) {
    allocator_->emptyCache();
    return info.Env().Undefined();
  }
  Napi::Value stats(const Napi::CallbackInfo& info) {
    Napi::Object o = statsObject(info.Env(), allocator_->stats());
    o.Set("sourceBytesInUse", static_cast<double>(source_->used()));
    return o;
  }

  std::unique_ptr<CappedHostSource> source_;
  std::unique_ptr<CachingAllocator> allocator_;
  std::unordered_map<double, Buffer> blocks_;
  uint64_t nextId_ = 1;
};

}  // namespace

void registerDeviceBindings(Napi::Env env, Napi::Object exports) {
  const std::pair<const char*, Napi::Function::Callback> entries[] = {
      {"status", Status}, {"init", Init}, {"bucketSize", BucketSize}, {"alloc", Alloc}, {"free", Free},
      {"stats", Stats}, {"emptyCache", EmptyCache}, {"synchronize", Synchronize},
      {"setUseCublas", SetUseCublas}, {"write", Write}, {"readSync", ReadSync}, {"read", Read},
      {"hostUnary", HostUnary}, {"hostBinary", HostBinary}, {"hostCast", HostCast}, {"hostConv", HostConv},
      {"hostReduce", HostReduce}, {"hostArgReduce", HostArgReduce},
  };
  for (const auto& [name, callback] : entries) exports.Set(name, Napi::Function::New(env, callback, name));
  exports.Set("SimulatedAllocator", SimulatedAllocator::define(env));
}

}  // namespace strata

Napi::Object InitModule(Napi::Env env, Napi::Object exports) {
  strata::registerDeviceBindings(env, exports);
  strata::registerKernelBindings(env, exports);
  return exports;
}

NODE_API_MODULE(strata_cuda, InitModule)
