#pragma once
#include <napi.h>

namespace strata {
// Adds the kernel entry points (fill, binary, matMul, conv2d, ...) to the module's exports.
void registerKernelBindings(Napi::Env env, Napi::Object exports);
// Adds device, memory and copy entry points (status, init, alloc, read, ...).
void registerDeviceBindings(Napi::Env env, Napi::Object exports);
}  // namespace strata
