/**
 * my-backend: a third-party Strata backend. Importing this module registers it with core, after
 * which `await st.setBackend('my-backend')` (or `STRATA_BACKEND=my-backend`) selects it.
 */
import { registerBackend } from '@strata/core';
import type { BackendRegistration } from '@strata/core';
import { MyBackend } from './backend.js';

export { MyBackend } from './backend.js';

/**
 * How this backend registers itself; `npx strata-conformance` also finds it under this export.
 * Priority 5: above cpu-reference (1) and below the fast backends, so automatic choice only picks
 * it when nothing faster is installed. `create` may reject (e.g. no device) with a reason, which
 * `st.backends()` then shows.
 */
export const registration: BackendRegistration = {
  name: 'my-backend',
  priority: 5,
  create: async () => new MyBackend(),
};

registerBackend(registration);
