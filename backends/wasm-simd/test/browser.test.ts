// The wasm-simd backend in a browser: the whole conformance suite runs inside headless Chromium
// (@strata/conformance/browser: Debian's Chromium through playwright-core) on the built ESM of
// @strata/core, @strata/conformance and this package, served with an import map.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAMILIES, OPTIONAL_KERNEL_ROWS, REQUIRED_KERNEL_ROWS, selectedChecks } from '@strata/conformance';
import type { ConformanceReport } from '@strata/conformance';
import { chromiumMissing, modulePage, pageResult, serveFolders, withChromiumPage } from '@strata/conformance/browser';
import type { StaticServer } from '@strata/conformance/browser';
import { WasmBackend, instantiateStrata } from '@strata/backend-wasm';

const skipReason = chromiumMissing();
if (skipReason !== undefined) console.warn(`browser.test.ts skipped: ${skipReason}`);

const pkgDir = resolve(fileURLToPath(new URL('..', import.meta.url)));
const repoRoot = resolve(pkgDir, '..', '..');
const PAGE = '/wasm-simd/browser/conformance.html';

/** What the page's `run()` resolves to (see browser/conformance.js). */
interface PageResult {
  readonly error?: string;
  readonly report: ConformanceReport;
  readonly backendName: string;
  readonly backendDescription: string;
  readonly wasmUrl: string;
  readonly requiredKernels: readonly string[];
  readonly declaredOptional: readonly string[];
  readonly crossOriginIsolated: boolean;
  readonly userAgent: string;
}

// Without Chromium the suite is skipped, never faked, and its name carries the reason.
describe.skipIf(skipReason !== undefined)(skipReason === undefined ? 'wasm-simd in headless Chromium' : `wasm-simd in headless Chromium (skipped: ${skipReason})`, () => {
  let server: StaticServer | undefined;

  beforeAll(async () => {
    const needed = ['packages/core/dist/index.js', 'conformance/dist/index.js', 'backends/wasm-simd/dist/index.js', 'backends/wasm-simd/wasm/strata.wasm'];
    const missing = needed.filter((p) => !existsSync(join(repoRoot, p)));
    if (missing.length > 0) throw new Error(`browser test needs built files (run npm run build): missing ${missing.join(', ')}`);
    server = await serveFolders({
      core: { dir: join(repoRoot, 'packages', 'core'), allow: ['dist/'] },
      conformance: { dir: join(repoRoot, 'conformance'), allow: ['dist/'] },
      'wasm-simd': { dir: pkgDir, allow: ['dist/', 'browser/', 'wasm/'] },
    }, {
      [PAGE]: modulePage('Strata wasm-simd conformance', {
        '@strata/core': '/core/dist/index.js',
        '@strata/conformance': '/conformance/dist/index.js',
        '@strata/backend-wasm': '/wasm-simd/dist/index.js',
      }, '/wasm-simd/browser/conformance.js', 'strataConformance'),
    });
  }, 30_000);

  afterAll(async () => { await server?.close(); });

  it('passes every conformance check and covers every required and declared optional kernel', async () => {
    if (server === undefined) throw new Error('server not started (see beforeAll)');
    const origin = server.origin;
    const [result, pageLog] = await withChromiumPage({}, async (page, log) => [await pageResult<PageResult>(page, `${origin}${PAGE}`, 'strataConformance'), log] as const);

    expect(result.error, `page failed:\n${result.error}\n${pageLog.join('\n')}`).toBeUndefined();
    const { report } = result;
    expect(result.crossOriginIsolated).toBe(true);
    expect(result.wasmUrl).toBe(`${origin}/wasm-simd/wasm/strata.wasm`);
    expect(result.backendName).toBe('wasm-simd');

    // Every family ran, with exactly the checks the suite defines (none silently dropped).
    expect([...report.families]).toEqual([...FAMILIES]);
    expect(report.results.map((r) => r.name)).toEqual(selectedChecks().map((c) => c.name));
    const failed = report.results.filter((r) => r.status === 'fail');
    expect(failed.map((r) => `${r.family}/${r.name}: ${r.firstFailure ?? ''}`), pageLog.join('\n')).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.summary.failedCases).toBe(0);

    // The optional kernels the backend declares, judged in Node on the same build: the page must
    // see the same set, and the only skips allowed are optional kernels it does not declare.
    const nodeBackend = new WasmBackend(await instantiateStrata());
    const declared = OPTIONAL_KERNEL_ROWS.filter((k) => typeof (nodeBackend as unknown as Record<string, unknown>)[k] === 'function');
    expect([...result.declaredOptional]).toEqual(declared);
    expect([...result.requiredKernels]).toEqual([...REQUIRED_KERNEL_ROWS]);
    const skipped = report.results.filter((r) => r.status === 'skip').map((r) => r.name);
    expect(skipped).toEqual(OPTIONAL_KERNEL_ROWS.filter((k) => !declared.includes(k)));

    const kernelsPassed = new Set(report.results.filter((r) => r.family === 'kernels' && r.status === 'pass' && r.cases > 0).map((r) => r.name));
    for (const k of [...REQUIRED_KERNEL_ROWS, ...declared]) expect(kernelsPassed.has(k), `kernel ${k} passed in the browser`).toBe(true);

    console.log(`browser conformance (${result.userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? 'chromium'}): ` +
      `${report.summary.passedChecks}/${report.summary.checks} checks, ${report.summary.cases} cases, ` +
      `${kernelsPassed.size} kernels (${REQUIRED_KERNEL_ROWS.length} required + ${declared.length} optional), ${report.durationMs} ms; ` +
      `backend: ${result.backendDescription}`);
  }, 90_000);
});
