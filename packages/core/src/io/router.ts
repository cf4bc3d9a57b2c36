/**
 * URL → IO handler routing: `file://` (Node), `http(s)://`, `indexeddb://` and `downloads://`
 * built in; more schemes can be added with `registerSaveRouter`/`registerLoadRouter`.
 */
import { browserDownloads, DOWNLOADS_SCHEME } from './browser-files.js';
import { FILE_SCHEME, fileSystem } from './file-system.js';
import { http } from './http.js';
import { browserIndexedDB, INDEXED_DB_SCHEME } from './indexed-db.js';
import type { IOHandler } from './types.js';

/** Maps a URL to a handler, or null when the URL is not its scheme. */
export type IORouter = (url: string) => IOHandler | null;

const saveRouters: IORouter[] = [];
const loadRouters: IORouter[] = [];

/**
 * Adds a router consulted (before the built-in schemes) when saving to a URL.
 * @example
 * const store = new Map<string, st.io.ModelArtifacts>();
 * st.io.registerSaveRouter((url) => url.startsWith('mem://')
 *   ? st.io.withSaveHandler(async (a) => { store.set(url, a); return { modelArtifactsInfo: st.io.getModelArtifactsInfo(a) }; })
 *   : null);
 * st.io.registerLoadRouter((url) => (url.startsWith('mem://') && store.has(url) ? st.io.fromMemory(store.get(url)!) : null));
 * const model = st.sequential([st.layers.dense({ units: 1, inputShape: [2] })]);
 * await model.save('mem://a');
 * const copy = await st.loadModel('mem://a');
 */
export function registerSaveRouter(router: IORouter): void {
  saveRouters.push(router);
}

/** Adds a router consulted (before the built-in schemes) when loading from a URL. */
export function registerLoadRouter(router: IORouter): void {
  loadRouters.push(router);
}

const SCHEMES = 'file:// (Node), http(s)://, indexeddb://, downloads:// (save only)';

function builtIn(url: string, mode: 'save' | 'load', where: string): IOHandler | null {
  if (url.startsWith(FILE_SCHEME)) return fileSystem(url);
  if (url.startsWith('http://') || url.startsWith('https://')) return http(url);
  if (url.startsWith(INDEXED_DB_SCHEME)) return browserIndexedDB(url);
  if (url.startsWith(DOWNLOADS_SCHEME)) {
    if (mode === 'load') throw new Error(`${where}: downloads:// can only save; to load downloaded files use st.io.browserFiles([jsonFile, weightsFile])`);
    return browserDownloads(url);
  }
  return null;
}

/** The handler for `url`, or an error that lists the supported schemes. */
export function routeUrl(url: string, mode: 'save' | 'load', where: string): IOHandler {
  if (url === '') throw new Error(`${where}: the URL is empty`);
  for (const router of mode === 'save' ? saveRouters : loadRouters) {
    const handler = router(url);
    if (handler) return handler;
  }
  const handler = builtIn(url, mode, where);
  if (handler) return handler;
  const hint = /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? '' : ` (for a local directory write 'file://${url}')`;
  throw new Error(`${where}: no IO handler for '${url}'${hint}. Supported: ${SCHEMES}, or pass an IOHandler (st.io.fromMemory, st.io.withSaveHandler, ...)`);
}

/** `urlOrHandler` as a handler that can `mode`, or a clear error. */
export function resolveHandler(urlOrHandler: string | IOHandler, mode: 'save' | 'load', where: string): IOHandler & Required<Pick<IOHandler, typeof mode>> {
  const handler = typeof urlOrHandler === 'string' ? routeUrl(urlOrHandler, mode, where) : urlOrHandler;
  if (handler === null || typeof handler !== 'object' || typeof handler[mode] !== 'function') {
    throw new Error(`${where}: expected a URL string or an IOHandler with a ${mode}() method, got ${handler === null ? 'null' : typeof handler === 'object' ? `an object without ${mode}()` : typeof handler}`);
  }
  return handler as IOHandler & Required<Pick<IOHandler, typeof mode>>;
}
