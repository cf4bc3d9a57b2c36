// Reading N-API call arguments with errors that name the entry point and the argument.
#pragma once
#include <napi.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "device.h"
#include "kernels.h"

namespace strata {

class Args {
 public:
  Args(const Napi::CallbackInfo& info, const char* entry) : info_(info), entry_(entry) {}
  const char* entry() const { return entry_; }

  double number(size_t i) const {
    if (i >= info_.Length() || !info_[i].IsNumber()) fail(i, "a number");
    return info_[i].As<Napi::Number>().DoubleValue();
  }
  int64_t integer(size_t i) const {
    const double v = number(i);
    if (v != static_cast<double>(static_cast<int64_t>(v))) fail(i, "an integer");
    return static_cast<int64_t>(v);
  }
  int int32(size_t i) const {
    const int64_t v = integer(i);
    if (v < INT32_MIN || v > INT32_MAX) fail(i, "an int32");
    return static_cast<int>(v);
  }
  bool boolean(size_t i) const {
    if (i >= info_.Length() || !info_[i].IsBoolean()) fail(i, "a boolean");
    return info_[i].As<Napi::Boolean>().Value();
  }
  std::vector<int64_t> integers(size_t i) const {
    if (i >= info_.Length() || !info_[i].IsArray()) fail(i, "an array of integers");
    const auto array = info_[i].As<Napi::Array>();
    std::vector<int64_t> values(array.Length());
    for (uint32_t j = 0; j < array.Length(); j++) {
      const Napi::Value v = array.Get(j);
      if (!v.IsNumber()) fail(i, "an array of integers");
      values[j] = static_cast<int64_t>(v.As<Napi::Number>().DoubleValue());
    }
    return values;
  }
  // The device pointer of buffer id argument i; a negative id means "none" where allowed.
  void* pointer(size_t i, bool optional = false) const {
    const double id = number(i);
    if (optional && id < 0) return nullptr;
    return Device::get().buffer(id, entry_).pointer;
  }
  size_t bufferBytes(size_t i) const { return Device::get().buffer(number(i), entry_).bytes; }
  Napi::TypedArray typedArray(size_t i) const {
    if (i >= info_.Length() || !info_[i].IsTypedArray()) fail(i, "a typed array");
    return info_[i].As<Napi::TypedArray>();
  }
  // Output dims and per-input strides (each padded to the same rank) as a StridedMap.
  StridedMap stridedMap(size_t dimsArg, size_t firstStridesArg, int inputs) const {
    StridedMap map{};
    const auto dims = integers(dimsArg);
    if (dims.size() > static_cast<size_t>(kMaxRank)) {
      throw std::runtime_error(std::string(entry_) + ": rank " + std::to_string(dims.size()) + " is above the supported " + std::to_string(kMaxRank));
    }
    map.rank = static_cast<int>(dims.size());
    for (size_t d = 0; d < dims.size(); d++) map.dims[d] = dims[d];
    for (int t = 0; t < inputs; t++) {
      const auto strides = integers(firstStridesArg + t);
      if (strides.size() != dims.size()) fail(firstStridesArg + t, "strides of the output's rank");
      for (size_t d = 0; d < strides.size(); d++) map.strides[t][d] = strides[d];
    }
    return map;
  }
  ConvGeometry geometry(size_t i) const {
    const auto v = integers(i);
    if (v.size() != 15) fail(i, "15 convolution geometry integers");
    return ConvGeometry{static_cast<int>(v[0]), static_cast<int>(v[1]), static_cast<int>(v[2]), static_cast<int>(v[3]),
                        static_cast<int>(v[4]), static_cast<int>(v[5]), static_cast<int>(v[6]), static_cast<int>(v[7]),
                        static_cast<int>(v[8]), static_cast<int>(v[9]), static_cast<int>(v[10]), static_cast<int>(v[11]),
                        static_cast<int>(v[12]), static_cast<int>(v[13]), static_cast<int>(v[14])};
  }

 private:
  [[noreturn]] void fail(size_t i, const char* expected) const {
    throw std::runtime_error(std::string(entry_) + ": argument " + std::to_string(i) + " must be " + expected);
  }
  const Napi::CallbackInfo& info_;
  const char* entry_;
};

}  // namespace strata
