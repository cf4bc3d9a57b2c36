/** @strata/backend-cpu: the cpu reference backend. Importing this module registers it. */
import { registerBackend } from '@strata/core';
import { CpuBackend } from './backend.js';

export { CpuBackend } from './backend.js';

registerBackend({ name: 'cpu', priority: 1, create: async () => new CpuBackend() });
