/** The suites by name: their cases and how they measure. */
import type { CaseDef } from '../runner.js';
import type { SuiteName } from '../types.js';
import { E2E_METHOD, e2eCases } from './e2e.js';
import { KERNELS_METHOD, kernelCases } from './kernels.js';
import { TRAINING_METHOD, trainingCases } from './training.js';

export interface SuiteDef {
  readonly cases: (quick: boolean) => CaseDef[];
  readonly method: string;
}

export const SUITE_DEFS: Readonly<Record<SuiteName, SuiteDef>> = {
  kernels: { cases: kernelCases, method: KERNELS_METHOD },
  training: { cases: trainingCases, method: TRAINING_METHOD },
  e2e: { cases: e2eCases, method: E2E_METHOD },
};
