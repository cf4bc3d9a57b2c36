/** @strata/backend-wasm: C kernels compiled to WebAssembly SIMD128. Importing this module registers it. */
import type { BackendRegistration } from '@strata/core';
import { registerBackend } from '@strata/core';
import { WasmBackend } from './backend.js';

export { WasmBackend } from './backend.js';
export type { StrataExports, WasmMemory } from './exports.js';
export { defaultWasmUrl, instantiateStrata, loadWasmBytes } from './loader.js';

/** How this package registers itself (also what `npx strata-conformance` picks up). */
export const registration: BackendRegistration = {
  name: 'wasm-simd',
  priority: 30,
  create: () => WasmBackend.create(),
};

registerBackend(registration);
