/** A temporary folder for a test file that writes files: made before its tests, removed after them. */
import { afterAll, beforeAll } from 'vitest';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

/** The folder made by {@link useTempFolder}. */
export interface TempFolder {
  /** Its path (set once the file's `beforeAll` hooks have run). */
  readonly root: string;
  /** A new path under it on each call (`<letter>0`, `<letter>1`, ...), not created. */
  fresh(): string;
}

/** Registers hooks that make a folder `<tmpdir>/<prefix>XXXXXX` before the file's tests and remove it after them. */
export function useTempFolder(prefix: string, letter = 'm'): TempFolder {
  let root = '';
  let count = 0;
  beforeAll(async () => {
    root = await fsp.mkdtemp(path.join(os.tmpdir(), prefix));
  });
  afterAll(async () => {
    await fsp.rm(root, { recursive: true, force: true });
  });
  return {
    get root() {
      return root;
    },
    fresh: () => path.join(root, `${letter}${count++}`),
  };
}
