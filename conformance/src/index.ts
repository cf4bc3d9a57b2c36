/**
 * @strata/conformance: the backend contract's judge (DESIGN.md §5).
 * @packageDocumentation
 */
export { runConformance, resolveBackend, selectedChecks, runCheck, buildReport, isRegistration } from './runner.js';
export { formatTable, toJSON, toMarkdown, type TableOptions } from './report.js';
export { TOLERANCES, EPS32, allowedError, type Tolerance, type ToleranceName } from './tolerances.js';
export { FAMILIES } from './types.js';
export type {
  Family, ConformanceTarget, ConformanceOptions, ConformanceReport, ConformanceSummary, CheckResult, CheckStatus,
} from './types.js';
export { FAMILY_CHECKS, createContext, type CheckDef, type SuiteContext } from './families/index.js';
export { kernelCases, executeCase, Rng, REQUIRED_KERNEL_ROWS, OPTIONAL_KERNEL_ROWS, type KernelCase, type CaseOutcome } from './cases/index.js';
export { compare, type Expected, type Comparison, type Mismatch } from './compare.js';
export * as oracle from './oracle/index.js';
export { fitMemoryTrace, type FitMemoryTrace } from './fit-memory.js';
