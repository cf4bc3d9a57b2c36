// The shared conformance suite judges this backend wherever a CUDA device exists; elsewhere the
// suite is skipped and the skip names what is missing (it never passes without running).
import { describe, it } from 'vitest';
import { describeConformance } from '@strata/conformance/vitest';
import { CudaBackend } from '@strata/backend-cuda';
import { missingDevice } from './helpers.js';

const missing = missingDevice();

if (missing === null) {
  describeConformance(() => CudaBackend.create(), { name: 'cuda' });
} else {
  describe('conformance: cuda', () => {
    it(`skipped: ${missing}`, (ctx) => ctx.skip(missing));
  });
}
