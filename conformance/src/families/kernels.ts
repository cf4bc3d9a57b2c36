/** Family 1: every required kernel, and every optional kernel the backend declares, against the oracle. */
import { OPTIONAL_KERNEL_ROWS, REQUIRED_KERNEL_ROWS, executeCase } from '../cases/index.js';
import { CheckRecorder, skipped } from '../check.js';
import type { CheckResult } from '../types.js';
import type { CheckDef, SuiteContext } from './context.js';

async function runKernelRow(ctx: SuiteContext, row: string, optional: boolean): Promise<CheckResult> {
  if (optional && typeof (ctx.backend as unknown as Record<string, unknown>)[row] !== 'function') {
    return skipped('kernels', row, 'not declared by the backend (core\'s fallback is judged in the ops family)');
  }
  const rec = new CheckRecorder('kernels', row, ctx.maxFailures);
  for (const c of ctx.kernelCases()) {
    if (c.kernel !== row) continue;
    rec.useTolerance(c.tolerance.name);
    rec.record(await executeCase(ctx.backend, c));
  }
  return rec.result();
}

export const KERNEL_CHECKS: readonly CheckDef[] = [
  ...REQUIRED_KERNEL_ROWS.map((row) => ({ family: 'kernels' as const, name: row, run: (ctx: SuiteContext) => runKernelRow(ctx, row, false) })),
  ...OPTIONAL_KERNEL_ROWS.map((row) => ({ family: 'kernels' as const, name: row, run: (ctx: SuiteContext) => runKernelRow(ctx, row, true) })),
];
