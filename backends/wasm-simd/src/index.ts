/** @strata/backend-wasm: C kernels compiled to WebAssembly SIMD128. Importing this module registers it. */
import type { BackendRegistration } from '@strata/core';
import { registerBackend } from '@strata/core';
import { WasmBackend } from './backend.js';

export { DEFAULT_MIN_PARALLEL_WORK, WasmBackend } from './backend.js';
export type { WasmBackendOptions } from './backend.js';
export type { StrataExports, WasmGlobal, WasmMemory } from './exports.js';
export { WorkerPool } from './thread-pool.js';
export { defaultThreadsWasmUrl, defaultWasmUrl, instantiateStrata, instantiateThreaded, loadWasmBytes } from './loader.js';
export type { ThreadedModule, WasmModule } from './loader.js';

/** How this package registers itself (also what `npx strata-conformance` picks up). */
export const registration: BackendRegistration = {
  name: 'wasm-simd',
  priority: 30,
  create: () => WasmBackend.create(),
};

registerBackend(registration);
