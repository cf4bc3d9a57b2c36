/** What every check gets: the backend under test, the seed, and lazily built shared state. */
import type { Backend } from '../contract.js';
import { kernelCases } from '../cases/index.js';
import type { KernelCase } from '../cases/index.js';
import type { CheckResult, Family } from '../types.js';

/** What every check gets: the backend under test, the seed and shared state. */
export interface SuiteContext {
  readonly backend: Backend;
  readonly seed: number;
  readonly maxFailures: number;
  /** All kernel cases for this backend (generated once). */
  kernelCases(): readonly KernelCase[];
}

/** One named check of a family; the list of names is static so test runners can register them up front. */
export interface CheckDef {
  readonly family: Family;
  readonly name: string;
  run(ctx: SuiteContext): Promise<CheckResult>;
}

/** The context the checks of one run share. */
export function createContext(backend: Backend, seed: number, maxFailures: number): SuiteContext {
  let cases: KernelCase[] | undefined;
  return {
    backend, seed, maxFailures,
    kernelCases: () => (cases ??= kernelCases(backend, seed)),
  };
}
