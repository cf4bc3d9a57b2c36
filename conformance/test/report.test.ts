import { describe, expect, it } from 'vitest';
import { buildReport } from '../src/runner.js';
import { formatTable, toJSON, toMarkdown } from '../src/report.js';
import type { CheckResult } from '../src/types.js';

const pass: CheckResult = { family: 'kernels', name: 'binary.add', status: 'pass', cases: 12, passed: 12, failed: 0, worstError: 1.5e-7, worstRatio: 0.25, tolerance: 'rounding', failures: [], durationMs: 3 };
const fail: CheckResult = {
  family: 'kernels', name: 'slice', status: 'fail', cases: 24, passed: 20, failed: 4, worstError: 2, worstRatio: Infinity, tolerance: 'exact',
  firstFailure: 'slice float32 [7,13] begin [2,3] size [4,9]: at [0,0] expected 1, got 3', failures: ['slice float32 [7,13] begin [2,3] size [4,9]: at [0,0] expected 1, got 3'], durationMs: 5,
};
const skip: CheckResult = { family: 'kernels', name: 'attention', status: 'skip', cases: 0, passed: 0, failed: 0, worstError: 0, worstRatio: 0, failures: [], skipReason: 'not declared', durationMs: 0 };
const report = buildReport('test-backend', 7, ['kernels'], '2025-01-01T00:00:00.000Z', 1234, [pass, fail, skip]);

describe('report formats', () => {
  it('summarises', () => {
    expect(report.ok).toBe(false);
    expect(report.summary).toEqual({ checks: 3, passedChecks: 1, failedChecks: 1, skippedChecks: 1, cases: 36, failedCases: 4 });
  });

  it('prints a terminal table with every row and the first failures', () => {
    const text = formatTable(report);
    expect(text).toMatch(/binary\.add\s+12\s+PASS\s+1\.5e-7 \(0\.25×tol\)\s+rounding/);
    expect(text).toMatch(/slice\s+24\s+FAIL\s+2\.0e\+0 \(inf×tol\)/);
    expect(text).toMatch(/attention\s+0\s+SKIP/);
    expect(text).toContain('Failures:');
    expect(text).toContain('at [0,0] expected 1, got 3');
    expect(text).toContain('test-backend: 1 passed, 1 failed, 1 skipped (36 cases, 4 failed)');
    expect(formatTable(report, { showPassing: false })).not.toContain('binary.add');
  });

  it('writes JSON that round-trips, with non-finite numbers as strings', () => {
    const parsed = JSON.parse(toJSON(report)) as { results: { worstRatio: unknown }[]; backend: string };
    expect(parsed.backend).toBe('test-backend');
    expect(parsed.results[1]!.worstRatio).toBe('Infinity');
    expect(parsed.results[0]!.worstRatio).toBe(0.25);
  });

  it('writes Markdown with a table per family and the failures', () => {
    const md = toMarkdown(report);
    expect(md).toContain('# Strata conformance: `test-backend`');
    expect(md).toContain('## kernels');
    expect(md).toContain('| `slice` | 24 | ❌ fail |');
    expect(md).toContain('## Failures');
  });
});
