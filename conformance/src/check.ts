/** Accumulates case outcomes into one report row. */
import type { CaseOutcome } from './cases/index.js';
import type { CheckResult, Family } from './types.js';

export class CheckRecorder {
  private cases = 0;
  private passed = 0;
  private worstError = 0;
  private worstRatio = 0;
  private readonly failures: string[] = [];
  private readonly start = Date.now();
  private tolerance: string | undefined;

  constructor(readonly family: Family, readonly name: string, private readonly maxFailures = 5) {}

  /** Notes the tolerance family used (the first one wins for display). */
  useTolerance(name: string): void {
    this.tolerance ??= name;
  }

  record(outcome: CaseOutcome): void {
    this.cases++;
    if (outcome.ok) this.passed++;
    else if (this.failures.length < this.maxFailures) this.failures.push(outcome.failure ?? 'failed');
    if (Number.isFinite(outcome.maxAbsError)) this.worstError = Math.max(this.worstError, outcome.maxAbsError);
    this.worstRatio = Math.max(this.worstRatio, outcome.worstRatio);
  }

  /** Records a pass/fail with no numeric error (e.g. an error-handling or memory check). */
  expect(ok: boolean, failure: string): void {
    this.record(ok ? { ok, maxAbsError: 0, worstRatio: 0 } : { ok, maxAbsError: 0, worstRatio: Infinity, failure });
  }

  /** Records an exception thrown by the check itself. */
  crash(err: unknown): void {
    const msg = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    this.record({ ok: false, maxAbsError: Infinity, worstRatio: Infinity, failure: `${this.name}: threw ${msg}` });
  }

  result(): CheckResult {
    const failed = this.cases - this.passed;
    return {
      family: this.family, name: this.name, status: failed > 0 ? 'fail' : this.cases === 0 ? 'skip' : 'pass',
      cases: this.cases, passed: this.passed, failed, worstError: this.worstError, worstRatio: this.worstRatio,
      ...(this.tolerance !== undefined ? { tolerance: this.tolerance } : {}),
      ...(this.failures.length > 0 ? { firstFailure: this.failures[0]! } : {}),
      failures: [...this.failures], durationMs: Date.now() - this.start,
      ...(this.cases === 0 ? { skipReason: 'no cases' } : {}),
    };
  }
}

export function skipped(family: Family, name: string, reason: string): CheckResult {
  return { family, name, status: 'skip', cases: 0, passed: 0, failed: 0, worstError: 0, worstRatio: 0, failures: [], skipReason: reason, durationMs: 0 };
}
