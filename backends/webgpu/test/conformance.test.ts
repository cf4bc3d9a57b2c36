// The shared conformance suite (all six families) judges this backend, on whatever adapter
// exists: in CI that is SwiftShader (a fallback adapter, allowed here because it is named).
import { describe, it } from 'vitest';
import { describeConformance } from '@strata/conformance/vitest';
import { anyAdapter, missingGpu } from './gpu.js';

const missing = await missingGpu();
if (missing === null) {
  describeConformance(() => anyAdapter(), { name: 'webgpu' });
} else {
  describe('conformance: webgpu', () => {
    it.skip(`skipped: ${missing}`, () => {});
  });
}
