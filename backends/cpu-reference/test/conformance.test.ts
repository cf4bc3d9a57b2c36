// The shared conformance suite (all six families) judges this backend.
import { describeConformance } from '@strata/conformance/vitest';
import { CpuBackend } from '@strata/backend-cpu';

describeConformance(new CpuBackend());
