/**
 * @strata/backend-cuda: CUDA kernels in a node-addon-api addon (cuBLAS when present). Importing
 * this module registers the 'cuda' backend; without a usable GPU it registers all the same and
 * `st.backends()` reports it unavailable with the driver's reason.
 */
import type { BackendRegistration } from '@strata/core';
import { registerBackend } from '@strata/core';
import { CudaBackend } from './backend.js';

export { CudaBackend } from './backend.js';
export type { MatMulEngine } from './backend.js';
export { addonCandidates, loadAddon } from './addon.js';
export type { AddonLoad, AllocatorStats, CudaAddon, HostEvaluation, SimulatedAllocator } from './addon.js';
export { binaryCode, dtypeCode, reduceCode, unaryCode } from './codes.js';

/** Above webgpu and the CPU backends: a CUDA GPU is the fastest thing Strata can run on. */
export const CUDA_PRIORITY = 60;

/** How this package registers itself (also what `npx strata-conformance` picks up). */
export const registration: BackendRegistration = {
  name: 'cuda',
  priority: CUDA_PRIORITY,
  create: () => CudaBackend.create(),
};

registerBackend(registration);
