/*
 * The two web-platform names the loader needs, declared minimally so this package compiles
 * without DOM or Node typings (like core). Nothing exported mentions them, so the published
 * .d.ts files do not depend on these declarations.
 */
interface ImportMeta {
  readonly url: string;
}

declare class URL {
  constructor(url: string, base?: string);
  readonly href: string;
  readonly protocol: string;
}

/** A browser's Web Worker constructor, used only where `globalThis.Worker` exists (src/thread-pool.ts). */
declare const Worker: new (url: URL, options: { type: 'module' }) => {
  postMessage(message: unknown): void;
  addEventListener(event: string, fn: (event: { data?: unknown; message?: string }) => void): void;
  terminate(): void;
};
