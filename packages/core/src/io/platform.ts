/**
 * Node's file system, loaded on demand so core stays free of Node imports in browsers.
 * Only the calls core needs are typed here.
 */

/** The subset of `node:fs/promises` core uses. */
export interface NodeFs {
  /** Reads a file's bytes. */
  readFile(path: string): Promise<Uint8Array>;
  /** Reads a file as UTF-8 text. */
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  /** Writes (replaces) a file. */
  writeFile(path: string, data: Uint8Array | string): Promise<void>;
  /** Appends text to a file. */
  appendFile(path: string, data: string): Promise<void>;
  /** Renames a file (atomically on one file system). */
  rename(from: string, to: string): Promise<void>;
  /** Removes a file or directory. */
  rm(path: string, options?: { force?: boolean; recursive?: boolean }): Promise<void>;
  /** Creates a directory. */
  mkdir(path: string, options?: { recursive?: boolean }): Promise<string | undefined>;
  /** File information. */
  stat(path: string): Promise<{
    /** Whether it is a directory. */
    isDirectory(): boolean;
    /** Bytes. */
    size: number;
  }>;
  /** Names of a directory's entries. */
  readdir(path: string): Promise<string[]>;
}

/** Whether this is Node (file:// paths and the progress bar on stdout work). */
export function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

let fsPromise: Promise<NodeFs> | null = null;

/** `node:fs/promises`, or a clear error outside Node. */
export function nodeFs(what: string): Promise<NodeFs> {
  if (!isNode()) return Promise.reject(new Error(`${what}: the file system is only available in Node`));
  const specifier = 'node:fs/promises';
  return (fsPromise ??= import(/* @vite-ignore */ specifier) as Promise<NodeFs>);
}

/** Writes `data` to `path` atomically: a temporary file in the same folder, then rename. */
export async function writeFileAtomic(fs: NodeFs, path: string, data: Uint8Array | string): Promise<void> {
  const temp = `${path}.tmp-${Date.now()}-${Math.floor(Math.random() * 1e9)}`;
  try {
    await fs.writeFile(temp, data);
    await fs.rename(temp, path);
  } catch (err) {
    await fs.rm(temp, { force: true });
    throw err;
  }
}

/** The minimal writable stream the progress bar uses (`process.stdout`). */
export interface TextOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** `process.stdout` in Node; null elsewhere (browsers log with console). */
export function standardOutput(): TextOutput | null {
  const p = (globalThis as { process?: { stdout?: TextOutput } }).process;
  return p?.stdout ?? null;
}
