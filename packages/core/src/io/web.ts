/**
 * The few web platform APIs the IO handlers use (fetch, Blob, FormData, URL, IndexedDB, the
 * document), typed structurally and looked up on `globalThis` at call time: core compiles without
 * the DOM typings and loads in Node, where the browser-only handlers then report a clear error.
 */

/** What the http handler needs from a fetch `Response`. */
export interface ResponseLike {
  /** Whether the status is 2xx. */
  readonly ok: boolean;
  /** The HTTP status code. */
  readonly status: number;
  /** The HTTP status text. */
  readonly statusText?: string;
  /** The body's bytes. */
  arrayBuffer(): Promise<ArrayBuffer>;
  /** The body as text. */
  text(): Promise<string>;
}

/** Options passed to `fetch` (method, headers, credentials, ...). */
export interface RequestInitLike {
  /** The HTTP method. */
  method?: string;
  /** Request headers. */
  headers?: Record<string, string>;
  /** `include`, `same-origin` or `omit`. */
  credentials?: string;
  /** The request body (set by the handler). */
  body?: unknown;
  [option: string]: unknown;
}

/** A function with `fetch`'s signature. */
export type FetchLike = (url: string, init?: RequestInitLike) => Promise<ResponseLike>;

/** A Blob or File: something whose bytes can be read. */
export interface BlobLike {
  /** Bytes. */
  readonly size: number;
  /** The file name, for a File. */
  readonly name?: string;
  /** Reads the bytes. */
  arrayBuffer(): Promise<ArrayBuffer>;
  /** Reads the bytes as UTF-8 text. */
  text(): Promise<string>;
}

interface BlobConstructorLike {
  new (parts: (ArrayBuffer | string)[], options?: { type?: string }): BlobLike;
}

interface FormDataLike {
  append(name: string, value: BlobLike, fileName?: string): void;
}

interface UrlConstructorLike {
  new (url: string, base?: string): { href: string };
  createObjectURL?(blob: BlobLike): string;
  revokeObjectURL?(url: string): void;
}

/** The parts of `document` the downloads handler uses. */
export interface DocumentLike {
  createElement(tag: 'a'): { download: string; href: string; click(): void };
}

interface WebGlobals {
  fetch?: FetchLike;
  Blob?: BlobConstructorLike;
  FormData?: new () => FormDataLike;
  URL?: UrlConstructorLike;
  document?: DocumentLike;
  location?: { href: string };
  indexedDB?: unknown;
}

function web(): WebGlobals {
  return globalThis as unknown as WebGlobals;
}

/** The global `fetch`, or a clear error naming `what`. */
export function globalFetch(what: string): FetchLike {
  const f = web().fetch;
  if (typeof f !== 'function') throw new Error(`${what}: fetch is not available here; pass options.fetchFunc`);
  return f.bind(globalThis) as FetchLike;
}

/** A Blob of `parts`. */
export function makeBlob(parts: (ArrayBuffer | string)[], type: string, what: string): BlobLike {
  const B = web().Blob;
  if (!B) throw new Error(`${what}: Blob is not available in this environment`);
  return new B(parts, { type });
}

/** A multipart form with the given files. */
export function makeFormData(files: { field: string; blob: BlobLike; fileName: string }[], what: string): unknown {
  const F = web().FormData;
  if (!F) throw new Error(`${what}: FormData is not available in this environment`);
  const form = new F();
  for (const f of files) form.append(f.field, f.blob, f.fileName);
  return form;
}

/** `relative` resolved against `base` (an absolute URL, or relative to the page). */
export function resolveUrl(relative: string, base: string): string {
  const U = web().URL;
  if (!U) throw new Error('resolveUrl: URL is not available in this environment');
  const page = web().location?.href;
  const absoluteBase = page ? new U(base, page).href : base;
  return new U(relative, absoluteBase).href;
}

/** The page's `document`, or null outside a browser. */
export function globalDocument(): DocumentLike | null {
  const d = web().document;
  return d && typeof d.createElement === 'function' ? d : null;
}

/** `URL.createObjectURL`/`revokeObjectURL`, or null. */
export function objectUrls(): { create(blob: BlobLike): string; revoke(url: string): void } | null {
  const U = web().URL;
  if (!U || typeof U.createObjectURL !== 'function') return null;
  return { create: (b) => U.createObjectURL!(b), revoke: (u) => U.revokeObjectURL?.(u) };
}

/** The global `indexedDB` factory, or null. */
export function globalIndexedDB(): unknown {
  return web().indexedDB ?? null;
}

/** Resolves on a later macrotask (lets the browser start one download before the next). */
export function nextTask(): Promise<void> {
  const g = globalThis as unknown as { setTimeout?: (fn: () => void, ms: number) => unknown };
  return new Promise((resolve) => (g.setTimeout ? g.setTimeout(resolve, 0) : resolve()));
}
