/** runConformance: resolves the target, runs the chosen families' checks, returns a report. */
import type { Backend, BackendRegistration } from './contract.js';
import { FAMILY_CHECKS, createContext } from './families/index.js';
import type { CheckDef, SuiteContext } from './families/index.js';
import { CheckRecorder } from './check.js';
import { FAMILIES } from './types.js';
import type { CheckResult, ConformanceOptions, ConformanceReport, ConformanceTarget, Family } from './types.js';

/** Whether a target is a `BackendRegistration` (rather than a backend instance). */
export function isRegistration(t: ConformanceTarget): t is BackendRegistration {
  return typeof (t as Partial<BackendRegistration>).create === 'function' && typeof (t as Partial<Backend>).write !== 'function';
}

/** The backend instance of a target (a registration's `create()` is awaited). */
export async function resolveBackend(target: ConformanceTarget): Promise<Backend> {
  return isRegistration(target) ? target.create() : target;
}

function matches(only: string | RegExp | undefined, name: string): boolean {
  if (only === undefined) return true;
  return typeof only === 'string' ? name.includes(only) : only.test(name);
}

/** The checks `options` selects, in report order. */
export function selectedChecks(options: ConformanceOptions = {}): CheckDef[] {
  const families = options.families ?? FAMILIES;
  return FAMILIES.filter((f) => families.includes(f)).flatMap((f) => FAMILY_CHECKS[f].filter((c) => matches(options.only, c.name)));
}

/** Runs one check; a check that throws becomes a failed row instead of ending the run. */
export async function runCheck(ctx: SuiteContext, check: CheckDef): Promise<CheckResult> {
  try {
    return await check.run(ctx);
  } catch (err) {
    const rec = new CheckRecorder(check.family, check.name, ctx.maxFailures);
    rec.crash(err);
    return rec.result();
  }
}

/** Runs the selected checks on a backend (or a registration's `create()`) and returns the report. */
export async function runConformance(target: ConformanceTarget, options: ConformanceOptions = {}): Promise<ConformanceReport> {
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const seed = options.seed ?? 1;
  const families: Family[] = FAMILIES.filter((f) => (options.families ?? FAMILIES).includes(f));
  const backend = await resolveBackend(target);
  const ctx = createContext(backend, seed, options.maxFailuresPerCheck ?? 5);
  const results: CheckResult[] = [];
  for (const check of selectedChecks(options)) {
    const r = await runCheck(ctx, check);
    results.push(r);
    options.onResult?.(r);
  }
  return buildReport(backend.name, seed, families, startedAt, Date.now() - started, results);
}

/** Assembles a report (with its summary) from check results. */
export function buildReport(backend: string, seed: number, families: readonly Family[], startedAt: string, durationMs: number, results: readonly CheckResult[]): ConformanceReport {
  const failedChecks = results.filter((r) => r.status === 'fail').length;
  const skippedChecks = results.filter((r) => r.status === 'skip').length;
  return {
    backend, seed, families, startedAt, durationMs, results,
    summary: {
      checks: results.length, passedChecks: results.length - failedChecks - skippedChecks, failedChecks, skippedChecks,
      cases: results.reduce((s, r) => s + r.cases, 0), failedCases: results.reduce((s, r) => s + r.failed, 0),
    },
    ok: failedChecks === 0,
  };
}
