// --browser: the asked suites run inside headless Chromium (Debian's /usr/bin/chromium through
// playwright-core) on the browser backends served as built ESM with an import map, and come back
// as suites with environment 'chromium'. No timing assertions.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chromiumMissing } from '@strata/conformance/browser';
import { main } from '../src/cli.js';
import type { BenchReport, CaseReport, Target } from '../src/types.js';

const missing = chromiumMissing() ?? '';
function run(args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  return main(args, {
    stdout: (s) => { out.push(s); },
    stderr: { isTTY: false, write: (s: string) => { err.push(s); } },
    command: 'test',
  }).then((code) => ({ code, out: out.join(''), err: err.join('') }));
}

/** Every Strata target has a figure; every anchor a figure (and the matching ratio) or a reason. */
function expectComplete(c: CaseReport, strata: readonly Target[], anchors: readonly Target[]): void {
  for (const s of strata) {
    const r = c.results[s.id];
    expect(r?.ok, `${c.name} on ${s.id}: ${r && !r.ok ? r.error : 'missing'}`).toBe(true);
    if (r === undefined || !r.ok) continue;
    expect(r.value).toBeGreaterThan(0);
    for (const a of anchors) {
      const theirs = c.results[a.id];
      expect(theirs, `${c.name} on ${a.id}`).toBeDefined();
      if (theirs === undefined) continue;
      if (!theirs.ok) {
        expect(theirs.error.length).toBeGreaterThan(0);
        continue;
      }
      expect(c.ratios[s.id]?.[a.id], `${c.name}: ${s.id} vs ${a.id}`).toBeCloseTo(theirs.value / r.value, 9);
    }
    // Ratios never cross environments.
    expect(Object.keys(c.ratios[s.id] ?? {}).every((id) => id.startsWith('chromium/'))).toBe(true);
  }
}

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

  it('runs the training and e2e suites in Chromium on wasm-simd and webgpu, with MNIST served locally and the TF.js anchors', async () => {
    const file = join(dir, 'training-e2e.json');
    const r = await run(['--backends', 'wasm-simd,webgpu', '--anchors', 'tfjs', '--suite', 'training,e2e', '--quick', '--browser', '--json', file]);
    expect(r.code, r.err).toBe(0);
    const report = JSON.parse(readFileSync(file, 'utf8')) as BenchReport;
    const inBrowser = report.targets.filter((t) => t.environment === 'chromium');
    const strata = inBrowser.filter((t) => t.library === 'strata');
    const anchors = inBrowser.filter((t) => t.anchor);
    expect(strata.map((t) => t.id)).toContain('chromium/strata:wasm-simd');
    if (!strata.some((t) => t.id === 'chromium/strata:webgpu')) {
      console.warn(`webgpu not measured in Chromium: ${report.unavailable.filter((u) => u.name === 'webgpu').map((u) => `${u.environment}: ${u.reason}`).join('; ')}`);
    }
    // No memory-copy yardstick outside the kernels suite.
    expect(inBrowser.some((t) => t.library === 'reference')).toBe(false);
    const suites = report.suites.filter((s) => s.environment === 'chromium');
    expect(suites.map((s) => s.name)).toEqual(['training', 'e2e']);
    const [training, e2e] = suites as [typeof suites[0], typeof suites[0]];
    expect(training.cases.map((c) => c.name)).toEqual(report.suites.find((s) => s.name === 'training' && s.environment === 'node')!.cases.map((c) => c.name));
    expect(training.cases).toHaveLength(4);
    expect(e2e.cases).toHaveLength(2);
    for (const c of [...training.cases, ...e2e.cases]) expectComplete(c, strata, anchors);
    for (const c of e2e.cases) {
      for (const s of strata) {
        const res = c.results[s.id];
        expect(res?.ok && res.note).toMatch(/^timed on \d+ images/);
      }
    }
    // TensorFlow.js' browser bundles (tfjs-layers included) are the anchors of the Keras-API models.
    if (anchors.some((a) => a.id === 'chromium/tfjs:cpu')) {
      const mlp = training.cases.find((c) => c.name.includes('MLP'))!;
      expect(mlp.ratios['chromium/strata:wasm-simd']?.['chromium/tfjs:cpu']).toBeGreaterThan(0);
      const epoch = e2e.cases.find((c) => c.name.includes('MLP'))!;
      expect(epoch.ratios['chromium/strata:wasm-simd']?.['chromium/tfjs:cpu']).toBeGreaterThan(0);
    } else {
      console.warn(`TensorFlow.js not measured in Chromium: ${report.unavailable.filter((u) => u.environment === 'chromium').map((u) => `${u.name}: ${u.reason}`).join('; ')}`);
    }
    expect(r.out).toContain('== training (headless Chromium) ==');
    expect(r.out).toContain('== e2e (headless Chromium) ==');
  }, 180_000);
});
