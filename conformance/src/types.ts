/** Public types of the suite: families, options, and the report. */
import type { Backend, BackendRegistration } from './contract.js';

/** The six families of DESIGN.md §5, in order. */
export const FAMILIES = ['kernels', 'ops', 'gradients', 'training', 'memory', 'errors'] as const;
/** One of the six families of checks. */
export type Family = (typeof FAMILIES)[number];

/** What the suite judges: a backend instance, or a registration whose `create()` makes one. */
export type ConformanceTarget = Backend | BackendRegistration;

/** How a check ended. */
export type CheckStatus = 'pass' | 'fail' | 'skip';

/** One report row: a kernel (family `kernels`) or a named check of another family. */
export interface CheckResult {
  readonly family: Family;
  /** e.g. `binary.add`, `conv2d`, `grad.matMul`, `training.mlp`. */
  readonly name: string;
  readonly status: CheckStatus;
  readonly cases: number;
  readonly passed: number;
  readonly failed: number;
  /** Largest absolute error over finite values (0 when every value matched exactly). */
  readonly worstError: number;
  /** Largest error as a fraction of the allowed error (≤ 1 passes). */
  readonly worstRatio: number;
  /** Name of the tolerance applied (see `TOLERANCES`). */
  readonly tolerance?: string;
  /** The first failing case: what, shape, dtype, index, expected, actual. */
  readonly firstFailure?: string;
  /** Up to `maxFailuresPerCheck` failure descriptions, the first included. */
  readonly failures: readonly string[];
  /** Why it was skipped. */
  readonly skipReason?: string;
  readonly durationMs: number;
}

/** Counts over a whole run. */
export interface ConformanceSummary {
  readonly checks: number;
  readonly passedChecks: number;
  readonly failedChecks: number;
  readonly skippedChecks: number;
  readonly cases: number;
  readonly failedCases: number;
}

/** The result of a run: every check's row, the summary, and whether everything passed. */
export interface ConformanceReport {
  readonly backend: string;
  readonly seed: number;
  readonly families: readonly Family[];
  readonly startedAt: string;
  readonly durationMs: number;
  readonly results: readonly CheckResult[];
  readonly summary: ConformanceSummary;
  /** True when no check failed. */
  readonly ok: boolean;
}

/** Options of `runConformance` (and `describeConformance`). */
export interface ConformanceOptions {
  /** Seed of every random input (default 1). */
  readonly seed?: number;
  /** Families to run (default: all six). */
  readonly families?: readonly Family[];
  /** Only run checks whose name matches (a substring or a RegExp). */
  readonly only?: string | RegExp;
  /** Failure descriptions kept per check (default 5). */
  readonly maxFailuresPerCheck?: number;
  /** Called after each check, e.g. for progress output. */
  readonly onResult?: (result: CheckResult) => void;
}
