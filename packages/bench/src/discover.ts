/**
 * Node side: finds which Strata backends and anchors can run here. Backends are imported by
 * package name at run time (never a static dependency), so a missing or broken one is reported
 * with its reason instead of stopping the run.
 */
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AnchorName, StrataBackendName, Target, Unavailable } from './types.js';
import { STRATA_BACKENDS } from './types.js';
import type { Libraries, OrtLib, StrataLib, TflLib, TfLib } from './libraries.js';

/** The npm package that registers each backend name. */
export const BACKEND_PACKAGES: Readonly<Record<StrataBackendName, string>> = {
  cpu: '@strata/backend-cpu',
  'wasm-simd': '@strata/backend-wasm',
  webgpu: '@strata/backend-webgpu',
  cuda: '@strata/backend-cuda',
  webgl: '@strata/backend-webgl',
};

export interface Discovery {
  readonly libs: Libraries;
  readonly targets: Target[];
  readonly unavailable: Unavailable[];
  readonly versions: Record<string, string>;
}

function message(err: unknown): string {
  const m = err instanceof Error ? err.message : String(err);
  return m.split('\n')[0]!;
}

/** Runs a dynamic import of a package named at run time (so TypeScript does not resolve it). */
function importByName(name: string): Promise<unknown> {
  return import(name) as Promise<unknown>;
}

/** The version in a package's package.json, found from its resolved entry point (exports may hide package.json). */
function packageVersion(name: string): string | undefined {
  try {
    let dir = dirname(fileURLToPath(import.meta.resolve(name)));
    for (let i = 0; i < 6; i++) {
      const file = join(dir, 'package.json');
      if (existsSync(file)) {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === name) return pkg.version;
      }
      dir = dirname(dir);
    }
  } catch {
    // Not resolvable: no version to report.
  }
  return undefined;
}

async function strataTargets(st: StrataLib, wanted: readonly StrataBackendName[] | undefined, out: Discovery): Promise<void> {
  for (const name of STRATA_BACKENDS) {
    const explicit = wanted?.includes(name) ?? false;
    if (wanted !== undefined && !explicit) continue;
    const pkg = BACKEND_PACKAGES[name];
    try {
      await importByName(pkg);
    } catch (err) {
      out.unavailable.push({ name, environment: 'node', reason: `${pkg} is not installed or failed to load: ${message(err)}` });
      continue;
    }
    if (!st.registeredBackends().includes(name)) {
      out.unavailable.push({ name, environment: 'node', reason: `${pkg} loaded but registered no backend named '${name}'` });
      continue;
    }
    try {
      await st.setBackend(name);
    } catch {
      const status = st.backends().find((b) => b.name === name);
      out.unavailable.push({ name, environment: 'node', reason: status?.reason ?? 'its factory failed' });
      continue;
    }
    const status = st.backends().find((b) => b.name === name);
    out.versions[pkg] = packageVersion(pkg) ?? '?';
    out.targets.push({
      id: `strata:${name}`, library: 'strata', backend: name, environment: 'node', label: `strata ${name}`, anchor: false,
      ...(status?.description !== undefined ? { description: status.description } : {}),
    });
  }
}

async function tfjsTargets(out: Discovery & { libs: { tf?: TfLib; tfl?: TflLib } }): Promise<{ tf?: TfLib; tfl?: TflLib }> {
  let tf: TfLib;
  try {
    tf = (await importByName('@tensorflow/tfjs-core')) as TfLib;
    await importByName('@tensorflow/tfjs-backend-cpu');
    // Production mode, as a deployed app runs: no debug checks, no "install tfjs-node" banner.
    tf.env().set('PROD', true);
  } catch (err) {
    out.unavailable.push({ name: 'tfjs', environment: 'node', reason: `@tensorflow/tfjs-core/-backend-cpu not installed: ${message(err)}` });
    return {};
  }
  out.versions['@tensorflow/tfjs-core'] = tf.version_core;
  try {
    const wasm = (await importByName('@tensorflow/tfjs-backend-wasm')) as { setWasmPaths(p: string): void; getThreadsCount(): number };
    const require = createRequire(import.meta.url);
    wasm.setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'))}/`);
    await tf.setBackend('wasm');
    await tf.ready();
    out.targets.push({ id: 'tfjs:wasm', library: 'tfjs', backend: 'wasm', environment: 'node', label: 'tfjs wasm', anchor: true, description: `XNNPACK, SIMD, ${wasm.getThreadsCount()} thread(s)` });
  } catch (err) {
    out.unavailable.push({ name: 'tfjs wasm', environment: 'node', reason: message(err) });
  }
  out.targets.push({ id: 'tfjs:cpu', library: 'tfjs', backend: 'cpu', environment: 'node', label: 'tfjs cpu', anchor: true, description: 'plain JS' });
  let tfl: TflLib | undefined;
  try {
    tfl = (await importByName('@tensorflow/tfjs-layers')) as TflLib;
  } catch (err) {
    out.unavailable.push({ name: 'tfjs-layers', environment: 'node', reason: `not installed (training anchors skipped): ${message(err)}` });
  }
  return tfl === undefined ? { tf } : { tf, tfl };
}

async function onnxTargets(out: Discovery): Promise<OrtLib | undefined> {
  try {
    const ort = (await importByName('onnxruntime-node')) as OrtLib & { default?: OrtLib };
    const lib = ort.InferenceSession === undefined && ort.default !== undefined ? ort.default : ort;
    out.versions['onnxruntime-node'] = packageVersion('onnxruntime-node') ?? '?';
    out.targets.push({ id: 'onnx:cpu', library: 'onnx', backend: 'cpu', environment: 'node', label: 'onnxruntime cpu', anchor: true, description: 'native, default intra-op threads (inference only)' });
    return lib;
  } catch (err) {
    out.unavailable.push({ name: 'onnx', environment: 'node', reason: `onnxruntime-node not usable: ${message(err)}` });
    return undefined;
  }
}

/**
 * Loads core, the wanted backends (all when undefined) and the wanted anchors (all installed when
 * undefined). Targets come out Strata first, then anchors, then the reference yardstick.
 */
export async function discover(backends: readonly StrataBackendName[] | undefined, anchors: readonly AnchorName[] | undefined): Promise<Discovery> {
  const st = (await importByName('@strata/core')) as StrataLib;
  const out: Discovery = { libs: { st }, targets: [], unavailable: [], versions: {} };
  out.versions['@strata/core'] = packageVersion('@strata/core') ?? '?';
  await strataTargets(st, backends, out);
  const wantTf = anchors === undefined || anchors.includes('tfjs');
  const wantOnnx = anchors === undefined || anchors.includes('onnx');
  const tfs = wantTf ? await tfjsTargets(out) : {};
  const ort = wantOnnx ? await onnxTargets(out) : undefined;
  out.targets.push({ id: 'reference:js', library: 'reference', backend: 'js', environment: 'node', label: 'memory copy (JS)', anchor: false });
  return { ...out, libs: { st, ...tfs, ...(ort !== undefined ? { ort } : {}) } };
}
