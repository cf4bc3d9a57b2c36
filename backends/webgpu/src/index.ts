/// <reference types="@webgpu/types" preserve="true" />
/**
 * @strata/backend-webgpu: WGSL compute kernels on WebGPU (browsers through navigator.gpu, Node
 * through Dawn). Importing this module registers it as 'webgpu'.
 *
 * Automatic choice (`st.ready()`) takes it only on a hardware adapter; a software adapter such
 * as SwiftShader is used only when asked for by name (`st.setBackend('webgpu')` or
 * `STRATA_BACKEND=webgpu`).
 */
import type { BackendRegistration } from '@strata/core';
import { registerBackend } from '@strata/core';
import { WebGPUBackend } from './backend.js';

export { WebGPUBackend } from './backend.js';
export { optionalKernels } from './optional/index.js';
export type { ConvolutionMode, OptionalKernelOptions } from './optional/index.js';
export type { WebGPUBackendOptions } from './backend.js';
export { DEFAULT_DAWN_TOGGLES, FallbackAdapterError, REQUESTED_LIMITS, SWIFTSHADER_ICD, acquireDevice } from './device.js';
export type { AcquiredDevice, DeviceOptions, GpuLimits, RequestedLimit, Tuning } from './device.js';
export { MAX_DISPATCHES_PER_SUBMIT, MAX_PARAM_BYTES, Params, WebGPURuntime } from './runtime.js';
export type { DispatchSpec, GpuTensorInfo } from './runtime.js';
export type { PoolStats } from './buffer-pool.js';
export { GpuStorage, WGSL_TYPE } from './storage.js';
export { ELEMENTWISE_WG, GROUP_INDEX, bindings, entryPoint, flatIndex } from './wgsl.js';

/** Registration priority: above wasm-simd (30), so a real GPU is preferred when there is one. */
export const WEBGPU_PRIORITY = 50;

/** How this package registers itself (also what `npx strata-conformance` picks up). */
export const registration: BackendRegistration = {
  name: 'webgpu',
  priority: WEBGPU_PRIORITY,
  // The registry always says how it asks; a caller that invokes create() directly (e.g.
  // `npx strata-conformance backends/webgpu`) has named this backend, so a fallback adapter is fine.
  create: (request) => WebGPUBackend.create({ allowFallback: request === undefined || request.byName }),
};

registerBackend(registration);
