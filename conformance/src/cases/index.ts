/** Every kernel case for a backend, and the static list of kernel rows a report can have. */
import { BINARY_OPS, OPTIONAL_KERNEL_NAMES, REDUCE_OPS, UNARY_OPS } from '../contract.js';
import type { Backend } from '../contract.js';
import type { KernelCase } from './case.js';
import { elementwiseCases } from './elementwise.js';
import { matMulCases } from './matmul.js';
import { movementCases } from './movement.js';
import { optionalCases } from './optional.js';
import { reductionCases } from './reduce.js';

export type { KernelCase, CaseOutcome } from './case.js';
export { executeCase } from './case.js';
export { Rng } from './prng.js';

/** Report rows of the required kernels, in report order. */
export const REQUIRED_KERNEL_ROWS: readonly string[] = [
  'fill', 'cast',
  ...Object.keys(UNARY_OPS).map((op) => `unary.${op}`),
  ...Object.keys(BINARY_OPS).map((op) => `binary.${op}`),
  'where',
  ...Object.keys(REDUCE_OPS).map((op) => `reduce.${op}`),
  'argReduce.argMax', 'argReduce.argMin',
  'matMul', 'transpose', 'slice', 'pad', 'concat', 'gather', 'scatterAdd',
];

/** Report rows of the optional kernels. */
export const OPTIONAL_KERNEL_ROWS: readonly string[] = OPTIONAL_KERNEL_NAMES;

/** All kernel cases for `backend`: required kernels always, optional ones when it declares them. */
export function kernelCases(backend: Backend, seed: number): KernelCase[] {
  return [
    ...elementwiseCases(seed),
    ...reductionCases(seed),
    ...matMulCases(seed),
    ...movementCases(seed),
    ...optionalCases(seed, backend),
  ];
}
