import * as st from '@strata/core';
import '@strata/backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { trainTestSplit } from '../src/split.js';
import { irisTensors } from '../src/tables.js';

/** Mulberry32: test inputs from a generator independent of core's Philox. */
function randomSource(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Rows of a row-major array with `width` values per row, as strings (for set comparisons). */
function rowKeys(values: ArrayLike<number>, width: number): string[] {
  const keys: string[] = [];
  for (let i = 0; i < values.length / width; i++) keys.push(Array.from({ length: width }, (_, j) => values[i * width + j]).join(','));
  return keys;
}

describe('trainTestSplit', () => {
  beforeAll(async () => {
    await st.setBackend('cpu');
  });

  it('partitions the examples, keeps x and y paired, and sizes the test set as ceil(fraction × n)', async () => {
    const rand = randomSource(7);
    const n = 37;
    // Awkward shapes: x is [n, 3, 2], y is [n, 2]; every row of x is unique, and y[i] = [i, −i].
    const xValues = Float32Array.from({ length: n * 6 }, () => Math.fround(rand() * 4 - 2));
    const yValues = Int32Array.from({ length: n * 2 }, (_, k) => (k % 2 === 0 ? k / 2 : -(k - 1) / 2));
    const x = st.tensor(xValues, [n, 3, 2], 'float32');
    const y = st.tensor(yValues, [n, 2], 'int32');
    const before = st.memory().tensors;
    const { xTrain, yTrain, xTest, yTest } = trainTestSplit(x, y, { testFraction: 0.3, seed: 11 });
    expect(st.memory().tensors).toBe(before + 4); // only the four results, no index tensors left
    expect(xTest.shape).toEqual([12, 3, 2]); // ceil(0.3 × 37) = 12
    expect(xTrain.shape).toEqual([25, 3, 2]);
    expect(yTest.shape).toEqual([12, 2]);
    expect(yTrain.shape).toEqual([25, 2]);
    expect(yTrain.dtype).toBe('int32');

    const ids = [...rowKeys(await yTest.data(), 2), ...rowKeys(await yTrain.data(), 2)].map((k) => Number(k.split(',')[0]));
    expect([...ids].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(ids).not.toEqual(Array.from({ length: n }, (_, i) => i)); // actually shuffled
    // Pairing: the x row that sits beside label i is x's original row i.
    const xRows = [...rowKeys(await xTest.data(), 6), ...rowKeys(await xTrain.data(), 6)];
    const original = rowKeys(xValues, 6);
    ids.forEach((id, k) => expect(xRows[k]).toBe(original[id]));
    // The order is the documented one: the seeded permutation, test examples first.
    expect(ids).toEqual([...st.shuffledIndices(n, 11)]);
    st.dispose([xTrain, yTrain, xTest, yTest, x, y]);
  });

  it('is repeatable with a seed and differs between seeds', async () => {
    const { x, y } = irisTensors();
    const a = trainTestSplit(x, y, { testFraction: 0.2, seed: 42 });
    const b = trainTestSplit(x, y, { testFraction: 0.2, seed: 42 });
    const c = trainTestSplit(x, y, { testFraction: 0.2, seed: 43 });
    expect(a.xTest.shape).toEqual([30, 4]);
    expect(a.yTrain.shape).toEqual([120]);
    expect(await a.xTest.data()).toEqual(await b.xTest.data());
    expect(await a.yTrain.data()).toEqual(await b.yTrain.data());
    expect(await a.yTest.data()).not.toEqual(await c.yTest.data());
    // Repeatable through the global seed too.
    st.setSeed(5);
    const d = trainTestSplit(x, y);
    st.setSeed(5);
    const e = trainTestSplit(x, y);
    expect(d.yTest.shape).toEqual([38]); // default testFraction 0.25: ceil(37.5)
    expect(await d.yTest.data()).toEqual(await e.yTest.data());
    st.dispose([a, b, c, d, e, x, y].flatMap((s) => Object.values(s) as st.Tensor[]));
  });

  it('rejects bad arguments with clear errors', () => {
    const x = st.zeros([4, 2]);
    const y = st.zeros([5]);
    const y4 = st.zeros([4]);
    expect(() => trainTestSplit(x, y)).toThrow(/trainTestSplit: x and y must hold the same number of examples, got x shape \[4, 2\] and y shape \[5\]/);
    expect(() => trainTestSplit(x, y4, { testFraction: 0 })).toThrow(/trainTestSplit: testFraction must be a number strictly between 0 and 1, got 0/);
    expect(() => trainTestSplit(x, y4, { testFraction: 1.5 })).toThrow(/testFraction must be a number strictly between 0 and 1/);
    expect(() => trainTestSplit(x, y4, { testFraction: 0.9 })).toThrow(/trainTestSplit: testFraction 0.9 of 4 examples leaves 0 for training/);
    expect(() => trainTestSplit(x, y4, { seed: 1.5 })).toThrow(/trainTestSplit: seed must be an integer, got 1.5/);
    const s = st.scalar(1);
    expect(() => trainTestSplit(s, y4)).toThrow(/trainTestSplit: x and y need a first \(example\) axis/);
    expect(() => trainTestSplit([1, 2] as unknown as st.Tensor, y4)).toThrow(/trainTestSplit: x and y must be tensors/);
    st.dispose([x, y, y4, s]);
  });
});
