/**
 * Browser side of `--browser`: runs the kernels suite inside the page on the Strata backends it
 * can import (through the page's import map) and, when the page loaded them, TensorFlow.js'
 * `wasm` and `cpu` backends as anchors. Returns structured-clonable results; reports progress
 * through functions the Node side exposes on `globalThis`.
 */
import type { Libraries, StrataLib, TfLib } from '../libraries.js';
import { runCases } from '../runner.js';
import { FULL_MAX_CALL_MS, FULL_PLAN, QUICK_MAX_CALL_MS, QUICK_PLAN } from '../stats.js';
import { KERNELS_METHOD, kernelCases, withCopyFractions } from '../suites/kernels.js';
import type { SuiteReport, Target, Unavailable } from '../types.js';

/** Package names the page may import, by backend name (the import map decides which resolve). */
const PACKAGES: Readonly<Record<string, string>> = {
  'wasm-simd': '@strata/backend-wasm',
  webgpu: '@strata/backend-webgpu',
  webgl: '@strata/backend-webgl',
};

export interface PageOptions {
  readonly backends: readonly string[];
  /** Whether to measure TensorFlow.js (when the page loaded it) as the anchor. */
  readonly tfjs: boolean;
  readonly quick: boolean;
}

export interface PageResult {
  readonly targets: Target[];
  readonly unavailable: Unavailable[];
  readonly suite: SuiteReport;
  readonly userAgent: string;
  readonly crossOriginIsolated: boolean;
}

interface PageGlobals {
  strataBenchStep?: (label: string) => Promise<void>;
  strataBenchTotal?: (n: number) => Promise<void>;
  tf?: TfLib & { wasm?: { setWasmPaths(p: string): void; getThreadsCount?(): number } };
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
  targets.push({ id: 'chromium/reference:js', library: 'reference', backend: 'js', environment: 'chromium', label: 'memory copy (JS, chromium)', anchor: false });
  const libs: Libraries = tf !== undefined ? { st, tf } : { st };
  const defs = kernelCases(options.quick);
  // Without a Strata backend there is nothing to compare: the anchors are not run either.
  const active = targets.some((t) => t.library === 'strata') ? targets : [];
  let steps = 0;
  for (const d of defs) for (const t of active) if (d.prepare[t.library] !== undefined) steps++;
  await g.strataBenchTotal?.(steps);
  const cases = await runCases('kernels', defs, active, libs, {
    plan: options.quick ? QUICK_PLAN : FULL_PLAN,
    maxCallMs: options.quick ? QUICK_MAX_CALL_MS : FULL_MAX_CALL_MS,
    quick: options.quick,
    onStep: (name, t) => { void g.strataBenchStep?.(`chromium kernels: ${name} — ${t.label}`); },
  });
  return {
    targets,
    unavailable,
    suite: { name: 'kernels', environment: 'chromium', cases: withCopyFractions(cases), method: `${KERNELS_METHOD} In headless Chromium (timer resolution is coarser there).` },
    userAgent: g.navigator?.userAgent ?? 'unknown browser',
    crossOriginIsolated: g.crossOriginIsolated === true,
  };
}
