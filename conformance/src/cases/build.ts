/** Small helpers shared by the case generators. */
import type { Backend, TensorInfo } from '../contract.js';
import type { Expected } from '../compare.js';
import type { OTensor } from '../oracle/index.js';
import type { Tolerance } from '../tolerances.js';
import type { KernelCase } from './case.js';

export function kernelCase(
  kernel: string,
  label: string,
  tolerance: Tolerance,
  inputs: readonly OTensor[],
  run: (backend: Backend, xs: readonly TensorInfo[]) => TensorInfo | readonly TensorInfo[],
  expect: () => Expected | readonly Expected[],
): KernelCase {
  return {
    kernel, label, tolerance, inputs, run,
    expect: () => {
      const e = expect();
      return Array.isArray(e) ? (e as readonly Expected[]) : [e as Expected];
    },
  };
}

/** Wraps a plain oracle tensor as an expected result. */
export const exp = (value: OTensor): Expected => ({ value });
