// The webgpu backend in a browser: the whole conformance suite runs inside headless Chromium
// (Debian's /usr/bin/chromium driven by playwright-core) through navigator.gpu — on SwiftShader
// here, the only adapter this machine has — on the built ESM of @strata/core, @strata/conformance
// and this package, served by a tiny static server with an import map.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAMILIES, OPTIONAL_KERNEL_ROWS, REQUIRED_KERNEL_ROWS, selectedChecks } from '@strata/conformance';
import type { ConformanceReport } from '@strata/conformance';

// STRATA_CHROMIUM names another binary (or a missing one, to check the skip path).
const CHROMIUM = process.env['STRATA_CHROMIUM'] ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const skipReason = `${CHROMIUM} not found (install Debian's chromium: apt-get install -y chromium; never npx playwright install)`;
if (!hasChromium) console.warn(`browser.test.ts skipped: ${skipReason}`);

/** The whole suite on SwiftShader inside Chromium takes minutes on this 2-core machine. */
const SUITE_TIMEOUT_MS = 900_000;

const pkgDir = resolve(fileURLToPath(new URL('..', import.meta.url)));
const repoRoot = resolve(pkgDir, '..', '..');

/**
 * URL prefix → package folder, and the sub-paths of it that may be served. Nothing else in the
 * checkout is reachable, so a wrong import in the page fails loudly instead of finding a stray file.
 */
const MOUNTS: Record<string, { dir: string; allow: readonly string[] }> = {
  core: { dir: join(repoRoot, 'packages', 'core'), allow: ['dist/'] },
  conformance: { dir: join(repoRoot, 'conformance'), allow: ['dist/'] },
  webgpu: { dir: pkgDir, allow: ['dist/', 'browser/'] },
};

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.map': 'application/json',
};

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

function filePath(urlPath: string): string | undefined {
  const match = /^\/([^/]+)\/(.+)$/.exec(decodeURIComponent(urlPath));
  const mount = match ? MOUNTS[match[1]!] : undefined;
  if (match === null || mount === undefined) return undefined;
  const rel = match[2]!;
  if (!mount.allow.some((a) => (a.endsWith('/') ? rel.startsWith(a) : rel === a))) return undefined;
  const full = resolve(mount.dir, rel);
  // `..` segments must not climb out of the mount.
  return full.startsWith(mount.dir + sep) ? full : undefined;
}

function startServer(): Promise<Server> {
  const server = createServer((req, res) => {
    const path = filePath(new URL(req.url ?? '/', 'http://localhost').pathname);
    const headers = { 'Cache-Control': 'no-store' };
    if (path === undefined) {
      res.writeHead(404, headers).end('not served');
      return;
    }
    readFile(path).then(
      (body) => res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream' }).end(body),
      () => res.writeHead(404, headers).end('not found'),
    );
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok(server));
  });
}

const failures = (report: ConformanceReport): string[] =>
  report.results.filter((r) => r.status === 'fail').map((r) => `${r.family}/${r.name}: ${r.firstFailure ?? ''}`);

// Without Chromium the suite is skipped, never faked, and its name carries the reason.
describe.skipIf(!hasChromium)(hasChromium ? 'webgpu in headless Chromium' : `webgpu in headless Chromium (skipped: ${skipReason})`, () => {
  let server: Server | undefined;
  let context: BrowserContext | undefined;
  let profileDir: string | undefined;
  const pageLog: string[] = [];

  beforeAll(async () => {
    const needed = ['packages/core/dist/index.js', 'conformance/dist/index.js', 'backends/webgpu/dist/index.js', 'backends/webgpu/dist/optional/index.js'];
    const missing = needed.filter((p) => !existsSync(join(repoRoot, p)));
    if (missing.length > 0) throw new Error(`browser test needs built files (run npm run build): missing ${missing.join(', ')}`);
    server = await startServer();
    // A fresh profile per run: launchPersistentContext is how playwright-core takes a user data dir.
    profileDir = mkdtempSync(join(tmpdir(), 'strata-chromium-'));
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader',
        '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
  }, 30_000);

  afterAll(async () => {
    await context?.close();
    await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
    if (profileDir !== undefined) rmSync(profileDir, { recursive: true, force: true });
  });

  it('passes every conformance check and covers every required and optional kernel', async () => {
    if (context === undefined || server === undefined) throw new Error('browser not started (see beforeAll)');
    const { port } = server.address() as AddressInfo;
    const page = await context.newPage();
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') pageLog.push(`${m.type()}: ${m.text()}`); });
    page.on('pageerror', (e) => pageLog.push(`pageerror: ${e.message}`));
    await page.goto(`http://127.0.0.1:${port}/webgpu/browser/conformance.html`);
    await page.waitForFunction(() => 'strataConformance' in globalThis, undefined, { timeout: 10_000 });
    const result = await page.evaluate(() => (globalThis as unknown as { strataConformance: Promise<PageResult> }).strataConformance);

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
    await page.close();
  }, SUITE_TIMEOUT_MS);
});
