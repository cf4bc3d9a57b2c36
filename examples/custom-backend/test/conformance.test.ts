// The whole conformance suite (kernels, ops, gradients, training, memory, errors) on my-backend.
// Optional kernels it does not declare are reported as skipped; everything else must pass.
import { describeConformance } from '@strata/conformance/vitest';
import { MyBackend } from '../src/backend.js';

describeConformance(new MyBackend());
