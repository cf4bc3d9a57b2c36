// The example page in a real browser: builds it with Vite, serves the build with `vite preview`
// on localhost, opens it in headless Chromium (Debian's /usr/bin/chromium driven by playwright-core,
// WebGPU on SwiftShader), waits for training to finish and checks what the page shows.
import { mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_SWIFTSHADER_ARGS, chromiumMissing, withChromiumPage } from '@strata/conformance/browser';
import { build, preview } from 'vite';
import type { PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExampleState } from '../src/main.js';

const skipReason = chromiumMissing();
if (skipReason !== undefined) console.warn(`examples/browser test skipped: ${skipReason}`);

const exampleDir = resolve(fileURLToPath(new URL('..', import.meta.url)));
/** Where the screenshot goes: STRATA_SCREENSHOT_DIR, else a fresh temp dir (printed). */
const screenshotDir = process.env['STRATA_SCREENSHOT_DIR'] ?? mkdtempSync(join(tmpdir(), 'strata-browser-example-'));

/** Training must reach this on the 1000 test images; the measured run reaches more (README). */
const MIN_ACCURACY = 0.85;

describe.skipIf(skipReason !== undefined)(skipReason === undefined ? 'examples/browser in headless Chromium' : `examples/browser in headless Chromium (skipped: ${skipReason})`, () => {
  let server: PreviewServer | undefined;

  beforeAll(async () => {
    const outDir = join(exampleDir, 'dist');
    await build({ root: exampleDir, configFile: join(exampleDir, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
    server = await preview({ root: exampleDir, configFile: join(exampleDir, 'vite.config.ts'), logLevel: 'warn', preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false }, build: { outDir } });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
  });

  it('trains on MNIST with the webgpu backend, draws the loss chart and reaches the accuracy', async () => {
    if (server === undefined) throw new Error('server not started (see beforeAll)');
    const url = server.resolvedUrls?.local[0];
    if (url === undefined) throw new Error('vite preview reported no local URL');
    await withChromiumPage({ args: CHROMIUM_SWIFTSHADER_ARGS, viewport: { width: 800, height: 900 } }, async (page, pageLog) => {
      // Every request must stay on the preview server: the page needs no network.
      const foreign: string[] = [];
      page.on('request', (r) => { if (!r.url().startsWith(url)) foreign.push(r.url()); });

      await page.goto(url);
      await page.waitForFunction(() => document.body.dataset['state'] === 'done' || document.body.dataset['state'] === 'error', undefined, { timeout: 200_000 });
      const state = await page.evaluate(() => window.strataExample) as ExampleState;
      const shot = join(screenshotDir, 'examples-browser.png');
      mkdirSync(screenshotDir, { recursive: true });
      await page.screenshot({ path: shot, fullPage: true });

      expect(state.error, `page failed: ${state.error}\n${pageLog.join('\n')}`).toBeUndefined();
      expect(state.state).toBe('done');
      expect(state.backend).toBe('webgpu');
      expect(foreign).toEqual([]);
      expect(state.trainCount).toBe(2000);
      expect(state.testCount).toBe(1000);

      // One loss per batch, finite, and training lowered it: the last epoch's mean is under half
      // the first batch's loss (≈ ln 10 = 2.3 for an untrained 10-class softmax).
      const steps = state.settings!.epochs * Math.ceil(state.trainCount! / state.settings!.batchSize);
      expect(state.losses).toHaveLength(steps);
      expect(state.epochMeans).toHaveLength(steps);
      expect([...state.losses, ...state.epochMeans].every(Number.isFinite)).toBe(true);
      expect(state.losses[0]!).toBeGreaterThan(1.5);
      expect(state.epochMeans.at(-1)!).toBeLessThan(state.losses[0]! * 0.5);
      expect(state.testAccuracy!).toBeGreaterThanOrEqual(MIN_ACCURACY);

      // The chart: two SVG paths (batch loss, epoch mean) with one vertex per batch.
      for (const line of ['loss-line', 'mean-line']) {
        const path = await page.locator(`#chart svg path.${line}`).getAttribute('d');
        const vertices = (path ?? '').match(/[ML][\d.]+,[\d.]+/g) ?? [];
        expect(vertices, line).toHaveLength(steps);
      }
      const box = await page.locator('#chart svg').boundingBox();
      expect(box!.width).toBeGreaterThan(300);
      // The predictions preview drew its digits.
      expect(await page.locator('#preview canvas').count()).toBe(12);
      expect(await page.locator('#accuracy').textContent()).toMatch(/^\d+\.\d% \(test loss/);

      expect(statSync(shot).size).toBeGreaterThan(10_000);
      console.log(`examples/browser: ${state.backend} (${state.backendDescription ?? 'no description'}), ` +
        `${state.settings!.model} ${state.settings!.epochs} epochs, test accuracy ${(state.testAccuracy! * 100).toFixed(1)}%, ` +
        `training ${state.trainSeconds!.toFixed(1)} s; screenshot ${shot}`);
    });
  }, 240_000);
});
