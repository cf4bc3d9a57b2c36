// End to end: `--quick` runs of every suite on cpu and wasm-simd with the anchors, through the
// CLI's main(); the JSON must be complete (every case measured on every target that has it, with
// ratios to every anchor that has a figure). No timing assertions: figures on a shared machine vary.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing, withChromiumPage } from '@strata/conformance/browser';
import { main } from '../src/cli.js';
import type { BenchReport, CaseReport } from '../src/types.js';

const dir = mkdtempSync(join(tmpdir(), 'strata-bench-test-'));
const noChromium = chromiumMissing() ?? '';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (s: string) => { out.push(s); }, stderr: { isTTY: false, write: (s: string) => { err.push(s); } }, command: 'strata-bench (test)' } };
}

describe('strata-bench CLI', () => {
  it('exits with 2 and names the flag and the accepted values on a bad flag', async () => {
    const r = io();
    expect(await main(['--backends', 'cpu,gpu'], r.io)).toBe(2);
    expect(r.err.join('')).toMatch(/--backends: unknown value 'gpu'; accepted: cpu, wasm-simd, webgpu, cuda, webgl/);
    expect(r.err.join('')).toContain('Usage: strata-bench');
    expect(r.out).toEqual([]);
  });

  it('prints the usage for --help', async () => {
    const r = io();
    expect(await main(['--help'], r.io)).toBe(0);
    expect(r.out.join('')).toMatch(/--suite NAME\s+kernels \| training \| e2e \| all/);
  });

  it('reports an unknown backend as unavailable with its reason and fails when none is left', async () => {
    const r = io();
    expect(await main(['--backends', 'webgl', '--quick', '--anchors', 'none'], r.io)).toBe(1);
    expect(r.err.join('')).toMatch(/no Strata backend could run here: webgl: @strata\/backend-webgl is not installed/);
  }, 30_000);

  describe('--quick --suite all on cpu and wasm-simd', () => {
    let report: BenchReport;
    let stdout = '';
    let stderr = '';
    beforeAll(async () => {
      const r = io();
      const code = await main(['--backends', 'cpu,wasm-simd', '--suite', 'all', '--quick',
        '--json', join(dir, 'report.json'), '--html', join(dir, 'report.html'), '--markdown', join(dir, 'report.md')], r.io);
      stdout = r.out.join('');
      stderr = r.err.join('');
      expect(code, stderr).toBe(0);
      report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as BenchReport;
    }, 90_000);

    it('measured the two backends and every installed anchor', () => {
      const ids = report.targets.map((t) => t.id);
      expect(ids).toEqual(expect.arrayContaining(['strata:cpu', 'strata:wasm-simd']));
      expect(report.suites.map((s) => s.name)).toEqual(['kernels', 'training', 'e2e']);
      expect(report.quick).toBe(true);
      expect(report.machine.cores).toBeGreaterThan(0);
      expect(report.command).toBe('strata-bench (test)');
    });

    it('has a figure or a stated reason for every (case, target), and ratios for every pair with figures', () => {
      const anchors = report.targets.filter((t) => t.anchor);
      const strata = report.targets.filter((t) => t.library === 'strata');
      const all: CaseReport[] = report.suites.flatMap((s) => s.cases);
      expect(all.length).toBeGreaterThanOrEqual(14 + 4 + 2);
      for (const c of all.filter((k) => !k.name.startsWith('memory copy'))) {
        for (const s of strata) {
          const r = c.results[s.id];
          expect(r, `${c.name} on ${s.id}`).toBeDefined();
          expect(r!.ok, `${c.name} on ${s.id}: ${r!.ok ? '' : r!.error}`).toBe(true);
          if (!r!.ok) continue;
          expect(r!.value).toBeGreaterThan(0);
          expect(r!.timing.minMs).toBeLessThanOrEqual(r!.timing.medianMs);
          expect(r!.timing.medianMs).toBeLessThanOrEqual(r!.timing.maxMs);
          for (const a of anchors) {
            const theirs = c.results[a.id];
            if (theirs === undefined) continue;
            if (!theirs.ok) {
              expect(theirs.error.length).toBeGreaterThan(0);
              continue;
            }
            expect(c.ratios[s.id]?.[a.id], `${c.name}: ${s.id} vs ${a.id}`).toBeCloseTo(
              c.unit === 'ms/step' || c.unit === 's/epoch' ? theirs.value / r!.value : r!.value / theirs.value, 9);
          }
        }
      }
    });

    it('compares with TensorFlow.js in every suite and with onnxruntime for inference, when installed', () => {
      const has = (id: string) => report.targets.some((t) => t.id === id);
      if (!has('tfjs:wasm') || !has('onnx:cpu')) {
        console.warn(`anchors missing here: ${report.unavailable.map((u) => `${u.name}: ${u.reason}`).join('; ')}`);
        return;
      }
      for (const suite of report.suites) {
        const withTf = suite.cases.filter((c) => c.ratios['strata:wasm-simd']?.['tfjs:cpu'] !== undefined);
        expect(withTf.length, suite.name).toBe(suite.cases.filter((c) => !c.name.startsWith('memory copy')).length);
      }
      const kernels = report.suites.find((s) => s.name === 'kernels')!;
      const onnx = kernels.cases.filter((c) => c.ratios['strata:wasm-simd']?.['onnx:cpu'] !== undefined).map((c) => c.name);
      expect(onnx.some((n) => n.startsWith('matMul'))).toBe(true);
      expect(onnx.some((n) => n.startsWith('conv2d forward'))).toBe(true);
      expect(onnx.some((n) => n.startsWith('MLP forward'))).toBe(true);
      // Elementwise cases carry their share of the copy bandwidth measured in the same run.
      const add = kernels.cases.find((c) => c.name.startsWith('add '))!;
      const r = add.results['strata:wasm-simd']!;
      expect(r.ok && r.ofCopy !== undefined && r.ofCopy > 0).toBe(true);
    });

    it('prints the tables and writes the Markdown report with the machine and the command', () => {
      expect(stdout).toMatch(/== kernels ==[\s\S]*speed ratios \(> 1: Strata faster\)[\s\S]*== training ==[\s\S]*== e2e ==/);
      expect(stdout).toContain(`wrote ${join(dir, 'report.json')}`);
      expect(stderr).toMatch(/^\[1\/\d+\] kernels: matMul/);
      const md = readFileSync(join(dir, 'report.md'), 'utf8');
      expect(md).toContain(report.machine.cpuModel);
      expect(md).toContain(`Node ${process.version}`);
      expect(md).toMatch(/Load average/);
      expect(md).toContain('```sh\nstrata-bench (test)\n```');
      expect(md).toMatch(/\| case \| unit \| strata cpu \| strata wasm-simd/);
    });

    it.skipIf(noChromium !== '')(`the HTML report is self-contained and its charts render in headless Chromium${noChromium ? ` (skipped: ${noChromium})` : ''}`, async () => {
      const html = readFileSync(join(dir, 'report.html'), 'utf8');
      // No scripts and nothing fetched from anywhere.
      expect(html).not.toMatch(/<script|<link|@import|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
      await withChromiumPage({ offline: true, viewport: { width: 1000, height: 1200 } }, async (page) => {
        const requests: string[] = [];
        page.on('request', (r) => { if (!r.url().startsWith('file:')) requests.push(r.url()); });
        await page.goto(`file://${join(dir, 'report.html')}`);
        const charts = await page.evaluate(() => [...document.querySelectorAll('svg.chart')].map((svg) => {
          const box = svg.getBoundingClientRect();
          const bars = [...svg.querySelectorAll('rect.bar')].map((r) => r.getBoundingClientRect());
          return { kind: svg.getAttribute('data-kind'), width: box.width, height: box.height, bars: bars.length, barArea: bars.reduce((a, b) => a + b.width * b.height, 0) };
        }));
        const cases = report.suites.reduce((n, s) => n + s.cases.length, 0);
        expect(charts.filter((c) => c.kind === 'case').length).toBe(cases);
        expect(charts.filter((c) => c.kind === 'ratios').length).toBe(report.suites.length);
        for (const c of charts) {
          expect(c.width * c.height).toBeGreaterThan(0);
          expect(c.bars).toBeGreaterThan(0);
          expect(c.barArea).toBeGreaterThan(0);
        }
        expect(requests).toEqual([]);
        const shot = join(dir, 'report.png');
        await page.screenshot({ path: shot, fullPage: true });
        expect(readFileSync(shot).length).toBeGreaterThan(10_000);
      });
    }, 60_000);
  });
});

afterAll(() => {
  if (process.env['STRATA_BENCH_KEEP'] === undefined) rmSync(dir, { recursive: true, force: true });
  else console.log(`reports kept in ${dir}`);
});
