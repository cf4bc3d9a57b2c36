// --browser: the kernels suite runs inside headless Chromium (Debian's /usr/bin/chromium through
// playwright-core) on the wasm-simd backend served as built ESM with an import map, and comes
// back as its own suite with environment 'chromium'. No timing assertions.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import type { BenchReport } from '../src/types.js';

const CHROMIUM = process.env['STRATA_CHROMIUM'] ?? '/usr/bin/chromium';
const missing = existsSync(CHROMIUM) ? '' : `${CHROMIUM} not found (install Debian's chromium; never npx playwright install)`;
const dir = mkdtempSync(join(tmpdir(), 'strata-bench-browser-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(missing !== '')(`strata-bench --browser${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('runs the kernels suite in Chromium on wasm-simd and reports webgl as not installed', async () => {
    const err: string[] = [];
    const out: string[] = [];
    const code = await main(['--backends', 'wasm-simd,webgl', '--anchors', 'tfjs', '--suite', 'kernels', '--quick', '--browser', '--json', join(dir, 'r.json')], {
      stdout: (s) => { out.push(s); },
      stderr: { isTTY: false, write: (s: string) => { err.push(s); } },
      command: 'test',
    });
    expect(code, err.join('')).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as BenchReport;
    const browserSuite = report.suites.find((s) => s.environment === 'chromium');
    expect(browserSuite, `unavailable: ${JSON.stringify(report.unavailable)}`).toBeDefined();
    expect(report.machine.browser).toMatch(/Chrome\/\d+/);
    const wasm = report.targets.find((t) => t.id === 'chromium/strata:wasm-simd');
    expect(wasm?.environment).toBe('chromium');
    for (const c of browserSuite!.cases.filter((k) => !k.name.startsWith('memory copy'))) {
      const r = c.results['chromium/strata:wasm-simd'];
      expect(r?.ok, `${c.name}: ${r && !r.ok ? r.error : 'missing'}`).toBe(true);
    }
    // TensorFlow.js' browser bundles are the anchor in the page; ratios stay within one environment.
    if (report.targets.some((t) => t.id === 'chromium/tfjs:wasm')) {
      const mm = browserSuite!.cases[0]!;
      expect(Object.keys(mm.ratios['chromium/strata:wasm-simd'] ?? {})).toEqual(expect.arrayContaining(['chromium/tfjs:wasm']));
      expect(mm.ratios['chromium/strata:wasm-simd']?.['tfjs:wasm']).toBeUndefined();
    }
    const webgl = report.unavailable.filter((u) => u.name === 'webgl').map((u) => `${u.environment}: ${u.reason}`);
    expect(webgl).toEqual([
      expect.stringMatching(/^node: @strata\/backend-webgl is not installed/),
      expect.stringMatching(/^chromium: @strata\/backend-webgl is not installed or failed to load in the page/),
    ]);
    expect(out.join('')).toContain('== kernels (headless Chromium) ==');
  }, 100_000);
});
