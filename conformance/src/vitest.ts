/**
 * `@strata/conformance/vitest`: the suite as vitest tests, one `describe` per family and one `it`
 * per kernel or check, so a backend's conformance test file is three lines:
 *
 * ```ts
 * import { describeConformance } from '@strata/conformance/vitest';
 * import { CpuBackend } from '@strata/backend-cpu';
 * describeConformance(new CpuBackend());
 * ```
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createContext, FAMILY_CHECKS } from './families/index.js';
import type { SuiteContext } from './families/index.js';
import { resolveBackend, runCheck } from './runner.js';
import { FAMILIES } from './types.js';
import type { CheckResult, ConformanceOptions, ConformanceTarget } from './types.js';

export interface DescribeConformanceOptions extends Omit<ConformanceOptions, 'onResult'> {
  /** Name in the top-level describe (default: the target's name). */
  readonly name?: string;
  /** Per-test timeout in ms (default 120 000: large cases on a slow reference backend). */
  readonly timeout?: number;
  /** Called once with every result after the last test, e.g. to write a report file. */
  readonly onComplete?: (results: readonly CheckResult[]) => void;
}

/** A target, or a function that makes one (called once, in `beforeAll`). */
export type LazyTarget = ConformanceTarget | (() => ConformanceTarget | Promise<ConformanceTarget>);

function failureMessage(r: CheckResult): string {
  return `${r.name}: ${r.failed} of ${r.cases} cases failed\n${r.failures.map((f) => `  - ${f}`).join('\n')}`;
}

export function describeConformance(target: LazyTarget, options: DescribeConformanceOptions = {}): void {
  const name = options.name ?? (typeof target === 'function' ? 'backend' : target.name);
  const families = FAMILIES.filter((f) => (options.families ?? FAMILIES).includes(f));
  const timeout = options.timeout ?? 120_000;
  const results: CheckResult[] = [];
  let ctx: SuiteContext | undefined;

  describe(`conformance: ${name}`, () => {
    beforeAll(async () => {
      const t = typeof target === 'function' ? await target() : target;
      ctx = createContext(await resolveBackend(t), options.seed ?? 1, options.maxFailuresPerCheck ?? 5);
    }, timeout);
    afterAll(() => options.onComplete?.(results));

    for (const family of families) {
      describe(family, () => {
        for (const check of FAMILY_CHECKS[family]) {
          const only = options.only;
          if (only !== undefined && !(typeof only === 'string' ? check.name.includes(only) : only.test(check.name))) continue;
          it(check.name, { timeout }, async (t) => {
            if (ctx === undefined) throw new Error('conformance: the backend could not be created (see beforeAll)');
            const r = await runCheck(ctx, check);
            results.push(r);
            if (r.status === 'skip') t.skip(r.skipReason);
            if (r.status === 'fail') throw new Error(failureMessage(r));
          });
        }
      });
    }
  });
}
