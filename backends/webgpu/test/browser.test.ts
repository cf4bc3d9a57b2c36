// The webgpu backend in a browser: the whole conformance suite runs inside headless Chromium
// (Debian's /usr/bin/chromium driven by playwright-core) through navigator.gpu — on SwiftShader
// here, the only adapter this machine has — on the built ESM of @strata/core, @strata/conformance
// and this package, served by a tiny static server with an import map.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAMILIES, OPTIONAL_KERNEL_ROWS, REQUIRED_KERNEL_ROWS, selectedChecks } from '@strata/conformance';
import type { ConformanceReport } from '@strata/conformance';
import { CHROMIUM_SWIFTSHADER_ARGS, chromiumMissing, modulePage, pageResult, serveFolders, withChromiumPage } from '@strata/conformance/browser';
import type { StaticServer } from '@strata/conformance/browser';

const skipReason = chromiumMissing();
if (skipReason !== undefined) console.warn(`browser.test.ts skipped: ${skipReason}`);

/** The whole suite on SwiftShader inside Chromium takes minutes on this 2-core machine. */
const SUITE_TIMEOUT_MS = 900_000;

const pkgDir = resolve(fileURLToPath(new URL('..', import.meta.url)));
const repoRoot = resolve(pkgDir, '..', '..');
const PAGE = '/webgpu/browser/conformance.html';

/** What the page's `run()` resolves to (see browser/conformance.js). */
interface PageResult {
  readonly error?: string;
  readonly report: ConformanceReport;
  readonly implicitGemm: ConformanceReport;
  readonly backendName: string;
  readonly backendDescription: string;
  readonly isFallback: boolean;
  readonly autoChoice: { readonly accepted: boolean; readonly reason?: string; readonly description?: string };
  readonly requiredKernels: readonly string[];
  readonly declaredOptional: readonly string[];
  readonly userAgent: string;
}

const failures = (report: ConformanceReport): string[] =>
  report.results.filter((r) => r.status === 'fail').map((r) => `${r.family}/${r.name}: ${r.firstFailure ?? ''}`);

// Without Chromium the suite is skipped, never faked, and its name carries the reason.
describe.skipIf(skipReason !== undefined)(skipReason === undefined ? 'webgpu in headless Chromium' : `webgpu in headless Chromium (skipped: ${skipReason})`, () => {
  let server: StaticServer | undefined;

  beforeAll(async () => {
    const needed = ['packages/core/dist/index.js', 'conformance/dist/index.js', 'backends/webgpu/dist/index.js', 'backends/webgpu/dist/optional/index.js'];
    const missing = needed.filter((p) => !existsSync(join(repoRoot, p)));
    if (missing.length > 0) throw new Error(`browser test needs built files (run npm run build): missing ${missing.join(', ')}`);
    server = await serveFolders({
      core: { dir: join(repoRoot, 'packages', 'core'), allow: ['dist/'] },
      conformance: { dir: join(repoRoot, 'conformance'), allow: ['dist/'] },
      webgpu: { dir: pkgDir, allow: ['dist/', 'browser/'] },
    }, {
      [PAGE]: modulePage('Strata webgpu conformance', {
        '@strata/core': '/core/dist/index.js',
        '@strata/conformance': '/conformance/dist/index.js',
        '@strata/backend-webgpu': '/webgpu/dist/index.js',
      }, '/webgpu/browser/conformance.js', 'strataConformance'),
    });
  }, 30_000);

  afterAll(async () => { await server?.close(); });

  it('passes every conformance check and covers every required and optional kernel', async () => {
    if (server === undefined) throw new Error('server not started (see beforeAll)');
    const [result, pageLog] = await withChromiumPage({ args: CHROMIUM_SWIFTSHADER_ARGS }, async (page, log) => [await pageResult<PageResult>(page, `${server!.origin}${PAGE}`, 'strataConformance'), log] as const);

    expect(result.error, `page failed:\n${result.error}\n${pageLog.join('\n')}`).toBeUndefined();
    const { report } = result;
    expect(result.backendName).toBe('webgpu');
    // This machine has no GPU: Chromium's only adapter is SwiftShader, which automatic choice
    // must refuse and a request by name must accept.
    expect(result.isFallback).toBe(true);
    expect(result.autoChoice.accepted).toBe(false);
    expect(result.autoChoice.reason).toMatch(/fallback/);

    // Every family ran, with exactly the checks the suite defines (none silently dropped).
    expect([...report.families]).toEqual([...FAMILIES]);
    expect(report.results.map((r) => r.name)).toEqual(selectedChecks().map((c) => c.name));
    expect(failures(report), pageLog.join('\n')).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.summary.failedCases).toBe(0);

    // The backend declares every optional kernel, so nothing may be skipped.
    expect([...result.requiredKernels]).toEqual([...REQUIRED_KERNEL_ROWS]);
    expect([...result.declaredOptional]).toEqual([...OPTIONAL_KERNEL_ROWS]);
    expect(report.results.filter((r) => r.status === 'skip').map((r) => r.name)).toEqual([]);
    const kernelsPassed = new Set(report.results.filter((r) => r.family === 'kernels' && r.status === 'pass' && r.cases > 0).map((r) => r.name));
    for (const k of [...REQUIRED_KERNEL_ROWS, ...OPTIONAL_KERNEL_ROWS]) expect(kernelsPassed.has(k), `kernel ${k} passed in the browser`).toBe(true);

    // The implicit-GEMM convolutions (the form hardware GPUs get) pass too.
    const gemm = result.implicitGemm;
    expect(failures(gemm), pageLog.join('\n')).toEqual([]);
    const gemmPassed = gemm.results.filter((r) => r.status === 'pass' && r.cases > 0).map((r) => r.name);
    for (const k of ['conv2d', 'conv2dBackpropInput', 'conv2dBackpropFilter']) expect(gemmPassed, `implicit-GEMM ${k}`).toContain(k);

    console.log(`browser conformance (${result.userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? 'chromium'}): ` +
      `${report.summary.passedChecks}/${report.summary.checks} checks, ${report.summary.cases} cases, ` +
      `${kernelsPassed.size} kernels (${REQUIRED_KERNEL_ROWS.length} required + ${OPTIONAL_KERNEL_ROWS.length} optional), ${report.durationMs} ms; ` +
      `implicit-GEMM convolutions: ${gemm.summary.passedChecks}/${gemm.summary.checks} checks, ${gemm.durationMs} ms; adapter: ${result.backendDescription}`);
  }, SUITE_TIMEOUT_MS);
});
