/** The three-line usage a backend's own test file has, run against the cpu reference. */
import { describeConformance } from '../src/vitest.js';
import { CpuBackend } from '@strata/backend-cpu';

describeConformance(new CpuBackend());
