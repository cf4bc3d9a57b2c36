/**
 * `@strata/conformance/browser` (Node only): what a browser backend needs to run pages in headless
 * Chromium from its tests — a static server over a few package folders (cross-origin isolated,
 * so SharedArrayBuffer works) and Debian's Chromium driven by playwright-core, an optional peer
 * dependency (never a downloaded browser). A page reports back through a global it sets.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';
import type { Page } from 'playwright-core';

/** A folder served under a URL prefix; only the listed sub-paths (a trailing `/` for a whole sub-folder). */
export interface ServedFolder {
  readonly dir: string;
  readonly allow: readonly string[];
}

export interface StaticServer {
  /** e.g. `http://127.0.0.1:40123` */
  readonly origin: string;
  close(): Promise<void>;
}

/** Flags every run needs here: no sandbox (root), and none of Chromium's calls home (the network is closed). */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
];

/** WebGPU and WebGL2 on SwiftShader, for machines without a GPU. */
export const CHROMIUM_SWIFTSHADER_ARGS: readonly string[] = [
  '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
];

/** `STRATA_CHROMIUM`, else Debian's `/usr/bin/chromium`. */
export function chromiumExecutable(): string {
  return process.env['STRATA_CHROMIUM'] ?? '/usr/bin/chromium';
}

/** Why pages cannot run here, or undefined when they can: for a test's skip message. */
export function chromiumMissing(): string | undefined {
  const path = chromiumExecutable();
  return existsSync(path) ? undefined : `${path} not found (install Debian's chromium: apt-get install -y chromium, or set STRATA_CHROMIUM; never npx playwright install)`;
}

const TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};

/** The file a URL path names, or undefined when it is outside every folder's allowed paths. */
function servedFile(folders: Readonly<Record<string, ServedFolder>>, urlPath: string): string | undefined {
  const match = /^\/([^/]+)\/(.+)$/.exec(urlPath);
  const folder = match ? folders[match[1]!] : undefined;
  if (match === null || folder === undefined) return undefined;
  const rel = match[2]!;
  if (!folder.allow.some((a) => (a.endsWith('/') ? rel.startsWith(a) : rel === a))) return undefined;
  const full = resolve(folder.dir, rel);
  // `..` segments must not climb out of the folder.
  return full.startsWith(folder.dir + sep) ? full : undefined;
}

/**
 * Serves `folders` (URL `/prefix/path` → `folders[prefix].dir/path`) and `pages` (HTML made in
 * memory, by URL path) on 127.0.0.1 at a free port. Nothing else is reachable, so a wrong import
 * in a page fails loudly instead of finding a stray file. Every response is cross-origin isolated
 * (COOP + COEP, with CORP on each file) and uncached.
 */
export function serveFolders(folders: Readonly<Record<string, ServedFolder>>, pages: Readonly<Record<string, string>> = {}): Promise<StaticServer> {
  const server = createServer((req, res) => {
    const headers = {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Cache-Control': 'no-store',
    };
    const urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const page = pages[urlPath];
    if (page !== undefined) {
      res.writeHead(200, { ...headers, 'Content-Type': TYPES['.html']! }).end(page);
      return;
    }
    const path = servedFile(folders, urlPath);
    if (path === undefined) {
      res.writeHead(404, headers).end('not served');
      return;
    }
    readFile(path).then(
      (body) => res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream' }).end(body),
      () => res.writeHead(404, headers).end('not found'),
    );
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      ok({ origin: `http://127.0.0.1:${port}`, close: () => new Promise<void>((done) => server.close(() => done())) });
    });
  });
}

/** How `withChromiumPage` starts Chromium. */
export interface ChromiumOptions {
  /** Flags after CHROMIUM_ARGS, e.g. CHROMIUM_SWIFTSHADER_ARGS. */
  readonly args?: readonly string[];
  /** Page size (playwright's default is 1280×720). */
  readonly viewport?: { readonly width: number; readonly height: number };
  /** Refuse every network request but those to localhost. */
  readonly offline?: boolean;
}

/**
 * Opens one page in a fresh headless Chromium (a new profile, removed afterwards) and runs `use`
 * on it. `log` collects the page's console errors and warnings and its uncaught errors, for
 * failure messages. Throws when Chromium or playwright-core is missing.
 */
export async function withChromiumPage<T>(options: ChromiumOptions, use: (page: Page, log: readonly string[]) => Promise<T>): Promise<T> {
  const missing = chromiumMissing();
  if (missing !== undefined) throw new Error(missing);
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'strata-chromium-'));
  try {
    // launchPersistentContext is how playwright-core takes a user data dir.
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumExecutable(),
      headless: true,
      args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
      ...(options.viewport !== undefined ? { viewport: { ...options.viewport } } : {}),
      ...(options.offline !== undefined ? { offline: options.offline } : {}),
    });
    try {
      const page = await context.newPage();
      const log: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') log.push(`${m.type()}: ${m.text()}`); });
      page.on('pageerror', (e) => log.push(`pageerror: ${e.message}`));
      return await use(page, log);
    } finally {
      await context.close();
    }
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/** Loads `url` and resolves to what the page's promise `globalThis[name]` resolves to. */
export async function pageResult<T>(page: Page, url: string, name: string, timeoutMs = 15_000): Promise<T> {
  await page.goto(url);
  await page.waitForFunction((n) => n in globalThis, name, { timeout: timeoutMs });
  return page.evaluate((n) => (globalThis as unknown as Record<string, Promise<T>>)[n]!, name);
}

/**
 * A page that maps bare imports with `importMap`, imports `moduleUrl`, calls its exported
 * `run(new URLSearchParams(location.search))` and keeps the promise in `globalThis[name]` (for
 * pageResult). A failed import (a missing file, a Node-only import) resolves to `{ error }`
 * instead of leaving a page that never answers.
 */
export function modulePage(title: string, importMap: Readonly<Record<string, string>>, moduleUrl: string, name: string): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${title}</title>
<script type="importmap">${JSON.stringify({ imports: importMap })}</script>
</head><body><pre id="status">running…</pre>
<script type="module">
const key = ${JSON.stringify(name)};
globalThis[key] = import(${JSON.stringify(moduleUrl)})
  .then((m) => m.run(new URLSearchParams(location.search)))
  .catch((err) => ({ error: String(err && err.stack ? err.stack : err) }));
globalThis[key].then((r) => { document.getElementById('status').textContent = r && r.error ? r.error : 'done'; });
</script></body></html>`;
}
