/** The checks of every family, by family. */
import type { Family } from '../types.js';
import type { CheckDef } from './context.js';
import { KERNEL_CHECKS } from './kernels.js';
import { GRADIENT_CHECKS } from './gradients.js';
import { ERROR_CHECKS } from './errors.js';
import { MEMORY_CHECKS } from './memory.js';
import { OP_CHECKS } from './ops.js';
import { TRAINING_CHECKS } from './training.js';

export type { CheckDef, SuiteContext } from './context.js';
export { createContext } from './context.js';

/** Every check, by family, in report order. */
export const FAMILY_CHECKS: Readonly<Record<Family, readonly CheckDef[]>> = {
  kernels: KERNEL_CHECKS,
  ops: OP_CHECKS,
  gradients: GRADIENT_CHECKS,
  training: TRAINING_CHECKS,
  memory: MEMORY_CHECKS,
  errors: ERROR_CHECKS,
};
