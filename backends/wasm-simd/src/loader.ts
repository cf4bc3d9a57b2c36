/**
 * Finds, fetches and instantiates wasm/strata.wasm. The file sits next to dist/ in the package,
 * so `new URL('../wasm/strata.wasm', import.meta.url)` names it both in Node (a file: URL, read
 * with node:fs) and in browsers or bundlers (an http(s) URL, fetched).
 */
import type { StrataExports, WasmMemory } from './exports.js';

/** A compiled module: opaque here, handed to WebAssembly.instantiate and posted to workers. */
export interface WasmModule {
  readonly __wasmModule?: never;
}

/** The parts of the WebAssembly JS API used here, typed locally so no DOM typings are needed. */
interface WebAssemblyApi {
  instantiate(bytes: ArrayBuffer | Uint8Array, imports: object): Promise<{ instance: { exports: unknown } }>;
  instantiate(module: WasmModule, imports: object): Promise<{ exports: unknown }>;
  compile(bytes: ArrayBuffer | Uint8Array): Promise<WasmModule>;
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
}

interface FetchResponse {
  readonly ok: boolean;
  readonly status: number;
  arrayBuffer(): Promise<ArrayBuffer>;
}

interface Globals {
  readonly WebAssembly?: WebAssemblyApi;
  readonly fetch?: (url: string) => Promise<FetchResponse>;
}

/** Where the module is shipped (an absolute URL string). */
export function defaultWasmUrl(): string {
  // This exact `new URL(literal, import.meta.url)` form is what bundlers recognise as an asset.
  return new URL('../wasm/strata.wasm', import.meta.url).href;
}

/** Where the threads build is shipped. */
export function defaultThreadsWasmUrl(): string {
  return new URL('../wasm/strata-threads.wasm', import.meta.url).href;
}

/** Reads the module's bytes from `href`: node:fs for file: URLs, fetch otherwise. */
export async function loadWasmBytes(href: string = defaultWasmUrl()): Promise<ArrayBuffer | Uint8Array> {
  const url = new URL(href);
  if (url.protocol === 'file:') {
    // A computed specifier keeps browser bundlers from trying to resolve a Node builtin.
    const specifier = 'node:fs/promises';
    const fs = (await import(/* @vite-ignore */ specifier)) as { readFile(path: URL): Promise<Uint8Array> };
    return fs.readFile(url);
  }
  const fetchFn = (globalThis as Globals).fetch;
  if (fetchFn === undefined) throw new Error(`wasm-simd backend: cannot load ${url.href}: no fetch in this environment`);
  const response = await fetchFn(url.href);
  if (!response.ok) throw new Error(`wasm-simd backend: fetching ${url.href} failed with HTTP ${response.status}`);
  return response.arrayBuffer();
}

/** Instantiates the module from `bytes` (or the shipped file) and returns its exports. */
export async function instantiateStrata(bytes?: ArrayBuffer | Uint8Array): Promise<StrataExports> {
  const api = (globalThis as Globals).WebAssembly;
  if (api === undefined) throw new Error('wasm-simd backend: WebAssembly is not available in this environment');
  const source = bytes ?? (await loadWasmBytes());
  try {
    const { instance } = await api.instantiate(source, {});
    return instance.exports as StrataExports;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`wasm-simd backend: the module failed to instantiate (WebAssembly SIMD128 is required): ${reason}`);
  }
}

/** Pages the threads build needs at start (its `--initial-memory`, in scripts/build-wasm.sh). */
const THREADS_INITIAL_PAGES = 64;
/** wasm32's limit, which heap.c also assumes (65536 pages of 64 KiB). */
const MAX_PAGES = 65536;

/** The threads build, compiled once and instantiated over a new shared memory. */
export interface ThreadedModule {
  readonly module: WasmModule;
  readonly memory: WasmMemory;
  readonly exports: StrataExports;
}

/** Creates the shared memory and the main thread's instance of strata-threads.wasm. */
export async function instantiateThreaded(bytes?: ArrayBuffer | Uint8Array): Promise<ThreadedModule> {
  const api = (globalThis as Globals).WebAssembly;
  if (api === undefined) throw new Error('WebAssembly is not available in this environment');
  const source = bytes ?? (await loadWasmBytes(defaultThreadsWasmUrl()));
  const module = await api.compile(source);
  // A shared memory reserves its maximum up front; wasm32 can address 4 GiB anyway.
  const memory = new api.Memory({ initial: THREADS_INITIAL_PAGES, maximum: MAX_PAGES, shared: true });
  const instance = await api.instantiate(module, { env: { memory } });
  // The threads build imports its memory, so it is not among the exports: add it for WasmHeap.
  const exports = { ...(instance.exports as Omit<StrataExports, 'memory'>), memory } as StrataExports;
  return { module, memory, exports };
}
