import { beforeAll, describe, expect, it } from 'vitest';
import * as st from '@strata/core';
import { expectClose, randomSource, randomValues, useCpu } from './setup.js';

beforeAll(useCpu);

const { Dataset } = st.data;
const N = 7;

/** Random rows for x ([N, 2, 3]), labels y ([N], int32, = row index × 3 + 1) and a record. */
function makeData(seed: number) {
  const rand = randomSource(seed);
  const xv = randomValues(rand, N * 6);
  const av = randomValues(rand, N * 2);
  const x = st.tensor(xv, [N, 2, 3]);
  const y = st.tensor(Array.from({ length: N }, (_, i) => i * 3 + 1), [N], 'int32');
  const a = st.tensor(av, [N, 2]);
  const xRow = (i: number): number[] => xv.slice(i * 6, i * 6 + 6);
  const aRow = (i: number): number[] => av.slice(i * 2, i * 2 + 2);
  return { x, y, a, xRow, aRow, dispose: () => st.dispose([x, y, a]) };
}

/** The label values of a pass over a dataset of [x, y] (or y) elements, disposing everything. */
async function labels(ds: AsyncIterable<unknown>): Promise<number[]> {
  const out: number[] = [];
  for await (const e of ds) {
    const y = Array.isArray(e) ? (e[1] as st.Tensor) : (e as st.Tensor);
    out.push(...Array.from(await y.data()));
    st.dispose(e);
  }
  return out;
}

const rowOf = (label: number): number => (label - 1) / 3;

describe('Dataset.fromArrays', () => {
  it('yields the rows in order, as new tensors the consumer owns', async () => {
    const d = makeData(1);
    const start = st.memory().tensors;
    const ds = Dataset.fromArrays(d.x, d.y);
    expect(ds.size).toBe(N);
    let i = 0;
    for await (const [x, y] of ds) {
      expect(x.shape).toEqual([2, 3]);
      expect(y.shape).toEqual([]);
      expect(y.dtype).toBe('int32');
      expectClose(await x.data(), d.xRow(i), 0);
      expect((await y.data())[0]).toBe(i * 3 + 1);
      x.dispose();
      y.dispose();
      i++;
    }
    expect(i).toBe(N);
    // Re-iterable: a second pass gives the same rows.
    expect(await labels(ds)).toEqual([1, 4, 7, 10, 13, 16, 19]);
    expect(st.memory().tensors).toBe(start);
    d.dispose();
  });

  it('keeps the structure of arrays and records', async () => {
    const d = makeData(2);
    const ds = Dataset.fromArrays({ image: d.x, extra: [d.a] }, d.y);
    const [first] = await ds.take(1).toArray();
    const [features, label] = first!;
    expect(Object.keys(features)).toEqual(['image', 'extra']);
    expectClose(await features.image.data(), d.xRow(0), 0);
    expectClose(await features.extra[0]!.data(), d.aRow(0), 0);
    expect(label.shape).toEqual([]);
    st.dispose(first);
    d.dispose();
  });

  it('rejects rows that do not line up, scalars and non-tensors', () => {
    const d = makeData(3);
    const short = st.zeros([5, 2]);
    expect(() => Dataset.fromArrays(d.x, short)).toThrow(/ys has 5 rows \(shape \[5,2\]\) but xs has 7 \(shape \[7,2,3\]\)/);
    const s = st.scalar(1);
    expect(() => Dataset.fromArrays([d.x, s])).toThrow(/xs\[1\] is a scalar/);
    expect(() => Dataset.fromArrays({ a: 3 } as unknown as st.Tensor)).toThrow(/xs\.a must be a tensor/);
    st.dispose([short, s]);
    d.dispose();
  });
});

describe('Dataset.batch', () => {
  it('stacks rows into batches with a smaller last one, or drops it', async () => {
    const d = makeData(4);
    const start = st.memory().tensors;
    const ds = Dataset.fromArrays(d.x, d.y).batch(3);
    expect(ds.size).toBe(3);
    const sizes: number[] = [];
    let row = 0;
    for await (const [x, y] of ds) {
      sizes.push(x.shape[0]!);
      expect(x.shape.slice(1)).toEqual([2, 3]);
      const expected: number[] = [];
      for (let k = 0; k < x.shape[0]!; k++) expected.push(...d.xRow(row + k));
      expectClose(await x.data(), expected, 0);
      expect(Array.from(await y.data())).toEqual(Array.from({ length: x.shape[0]! }, (_, k) => (row + k) * 3 + 1));
      row += x.shape[0]!;
      st.dispose([x, y]);
    }
    expect(sizes).toEqual([3, 3, 1]);
    const dropped = Dataset.fromArrays(d.x, d.y).batch(3, true);
    expect(dropped.size).toBe(2);
    expect(await labels(dropped)).toEqual([1, 4, 7, 10, 13, 16]);
    expect(st.memory().tensors).toBe(start);
    d.dispose();
  });

  it('batches generator elements (stacking, then disposing them) like in-memory rows', async () => {
    const d = makeData(5);
    const start = st.memory().tensors;
    const gen = Dataset.fromGenerator(function* () {
      for (let i = 0; i < N; i++) yield { x: st.tensor(d.xRow(i), [2, 3]), y: st.scalar(i * 3 + 1, 'int32') };
    });
    const batches = await gen.batch(4).toArray();
    expect(batches.map((b) => b.x.shape)).toEqual([[4, 2, 3], [3, 2, 3]]);
    expectClose(await batches[1]!.x.data(), [...d.xRow(4), ...d.xRow(5), ...d.xRow(6)], 0);
    expect(Array.from(await batches[1]!.y.data())).toEqual([13, 16, 19]);
    st.dispose(batches);
    expect(st.memory().tensors).toBe(start);
    d.dispose();
  });

  it('reports elements that do not match', async () => {
    const start = st.memory().tensors;
    const ds = Dataset.fromGenerator(function* () {
      yield [st.zeros([2]), st.zeros([1])];
      yield [st.zeros([2]), st.zeros([3])];
    }).batch(2);
    await expect(ds.toArray()).rejects.toThrow(/element 1 has float32 \[3\] at element\[1\] but element 0 has float32 \[1\]/);
    expect(st.memory().tensors).toBe(start);
    const mixed = Dataset.fromGenerator(function* () { yield [st.zeros([2])]; yield [st.zeros([2]), st.zeros([2])]; }).batch(2);
    await expect(mixed.toArray()).rejects.toThrow(/element 1 has an array of 2 at element where element 0 has an array of 1/);
    expect(st.memory().tensors).toBe(start);
    expect(() => Dataset.fromArrays(st.zeros([1])).batch(0)).toThrow(/batchSize must be an integer ≥ 1/);
  });
});

describe('Dataset.shuffle', () => {
  it('the same seed gives the same orders; each pass reshuffles', async () => {
    const d = makeData(6);
    const ds = Dataset.fromArrays(d.x, d.y).shuffle(N, 42);
    const p1 = await labels(ds);
    const p2 = await labels(ds);
    expect([...p1].sort((u, v) => u - v)).toEqual([1, 4, 7, 10, 13, 16, 19]);
    expect(p2).not.toEqual(p1);
    const again = Dataset.fromArrays(d.x, d.y).shuffle(N, 42);
    expect(await labels(again)).toEqual(p1);
    expect(await labels(again)).toEqual(p2);
    const other = Dataset.fromArrays(d.x, d.y).shuffle(N, 43);
    expect(await labels(other)).not.toEqual(p1);
    const fixed = Dataset.fromArrays(d.x, d.y).shuffle(N, 42, { reshuffleEachIteration: false });
    expect(await labels(fixed)).toEqual(p1);
    expect(await labels(fixed)).toEqual(p1);
    d.dispose();
  });

  it('x rows stay with their labels, and batching shuffled rows gathers the right ones', async () => {
    const d = makeData(7);
    for await (const [x, y] of Dataset.fromArrays(d.x, d.y).shuffle(5, 3).batch(3)) {
      const ys = Array.from(await y.data());
      expectClose(await x.data(), ys.flatMap((l) => d.xRow(rowOf(l))), 0);
      st.dispose([x, y]);
    }
    d.dispose();
  });

  it('a buffer of b only reorders within reach: output k comes from input < k + b', async () => {
    const n = 50;
    const ys = st.range(0, n, 1, 'int32');
    for (const b of [1, 3, 10]) {
      const order = await labels(Dataset.fromArrays(ys).shuffle(b, 9));
      expect([...order].sort((u, v) => u - v)).toEqual(Array.from({ length: n }, (_, i) => i));
      order.forEach((v, k) => expect(v).toBeLessThan(k + b));
      if (b === 1) expect(order).toEqual(Array.from({ length: n }, (_, i) => i));
      else expect(order).not.toEqual(Array.from({ length: n }, (_, i) => i));
    }
    ys.dispose();
  });

  it('in-memory rows and generator elements shuffle the same way', async () => {
    const n = 20;
    const ys = st.range(0, n, 1, 'int32');
    const gen = Dataset.fromGenerator(function* () { for (let i = 0; i < n; i++) yield st.scalar(i, 'int32'); });
    for (const b of [4, 20, 100]) {
      expect(await labels(gen.shuffle(b, 77))).toEqual(await labels(Dataset.fromArrays(ys).shuffle(b, 77)));
    }
    ys.dispose();
  });

  it('without a seed, st.setSeed makes the order repeat', async () => {
    const ys = st.range(0, 30, 1, 'int32');
    const ds = Dataset.fromArrays(ys).shuffle(30);
    st.setSeed(123);
    const a = await labels(ds);
    const b = await labels(ds);
    st.setSeed(123);
    expect(await labels(ds)).toEqual(a);
    expect(await labels(ds)).toEqual(b);
    expect(b).not.toEqual(a);
    ys.dispose();
  });
});

describe('Dataset.take, skip, repeat, map, filter', () => {
  it('take, skip and repeat select the right elements and know their size', async () => {
    const ys = st.range(0, 5, 1, 'int32');
    const ds = Dataset.fromArrays(ys);
    const cases: [st.data.Dataset<st.Tensor>, number[], number | null][] = [
      [ds.take(3), [0, 1, 2], 3],
      [ds.take(0), [], 0],
      [ds.take(9), [0, 1, 2, 3, 4], 5],
      [ds.skip(2), [2, 3, 4], 3],
      [ds.skip(7), [], 0],
      [ds.repeat(2), [0, 1, 2, 3, 4, 0, 1, 2, 3, 4], 10],
      [ds.repeat(0), [], 0],
      [ds.repeat().take(12), [0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1], 12],
      [ds.skip(1).take(2).repeat(3), [1, 2, 1, 2, 1, 2], 6],
      [ds.repeat(2).batch(4).take(2).map((b) => st.sum(b)), [0 + 1 + 2 + 3, 4 + 0 + 1 + 2], 2],
    ];
    for (const [d, expected, size] of cases) {
      expect(d.size).toBe(size);
      expect(await labels(d)).toEqual(expected);
    }
    expect(ds.repeat().size).toBe(Infinity);
    await expect(ds.repeat().toArray()).rejects.toThrow(/endless/);
    ys.dispose();
  });

  it('repeat reshuffles each round', async () => {
    const ys = st.range(0, 10, 1, 'int32');
    const order = await labels(Dataset.fromArrays(ys).shuffle(10, 5).repeat(2));
    expect(order.slice(0, 10)).not.toEqual(order.slice(10));
    expect([...order.slice(10)].sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    ys.dispose();
  });

  it('map applies fn, frees its intermediates and the inputs it does not return', async () => {
    const d = makeData(8);
    const start = st.memory().tensors;
    const ds = Dataset.fromArrays(d.x, d.y).map(([x, y]) => ({ sq: st.square(st.add(x, 1)), y }));
    expect(ds.size).toBe(N);
    let i = 0;
    for await (const e of ds) {
      expectClose(await e.sq.data(), d.xRow(i).map((v) => (v + 1) ** 2), 1e-6);
      expect((await e.y.data())[0]).toBe(i * 3 + 1);
      st.dispose(e);
      i++;
    }
    expect(st.memory().tensors).toBe(start);
    const asyncMapped = Dataset.fromArrays(d.y).mapAsync(async (y) => { await Promise.resolve(); return st.mul(y, 2); });
    expect(await labels(asyncMapped)).toEqual([2, 8, 14, 20, 26, 32, 38]);
    expect(st.memory().tensors).toBe(start);
    const bad = Dataset.fromArrays(d.y).map(async (y) => y);
    await expect(bad.toArray()).rejects.toThrow(/use mapAsync/);
    expect(st.memory().tensors).toBe(start);
    d.dispose();
  });

  it('filter keeps matching elements and disposes the others; forEachAsync disposes after fn', async () => {
    const ys = st.range(0, 10, 1, 'int32');
    const start = st.memory().tensors;
    const even = Dataset.fromArrays(ys).filter(async (y) => (await y.data())[0]! % 2 === 0);
    expect(even.size).toBeNull();
    expect(await labels(even)).toEqual([0, 2, 4, 6, 8]);
    const seen: number[] = [];
    const kept: st.Tensor[] = [];
    await Dataset.fromArrays(ys).take(3).forEachAsync(async (y) => { seen.push((await y.data())[0]!); kept.push(y); });
    expect(seen).toEqual([0, 1, 2]);
    expect(kept.every((t) => t.isDisposed)).toBe(true);
    expect(st.memory().tensors).toBe(start);
    ys.dispose();
  });
});

describe('Dataset.fromGenerator and prefetch', () => {
  it('calls the generator again for each pass; sync, async and iterables', async () => {
    let calls = 0;
    const ds = Dataset.fromGenerator(function* () {
      calls++;
      for (let i = 0; i < 3; i++) yield st.scalar(i + calls * 10, 'int32');
    });
    expect(ds.size).toBeNull();
    expect(await labels(ds)).toEqual([10, 11, 12]);
    expect(await labels(ds)).toEqual([20, 21, 22]);
    const asyncDs = Dataset.fromGenerator(async function* () {
      for (let i = 0; i < 3; i++) {
        await new Promise((r) => setTimeout(r, 1));
        yield st.scalar(i, 'int32');
      }
    }, { size: 3 });
    expect(asyncDs.size).toBe(3);
    expect(await labels(asyncDs)).toEqual([0, 1, 2]);
    const numbers = Dataset.fromGenerator(() => [5, 6, 7]);
    expect(await numbers.map((v) => v * 2).toArray()).toEqual([10, 12, 14]);
    expect(await Dataset.fromGenerator(() => [1, 2, 3].values()).toArray()).toEqual([1, 2, 3]);
    await expect(Dataset.fromGenerator(() => 5 as unknown as number[]).toArray()).rejects.toThrow(/must return an iterator or iterable, got number 5/);
  });

  it('prefetch keeps order and runs ahead of the consumer', async () => {
    const produced: number[] = [];
    const consumed: number[] = [];
    const ds = Dataset.fromGenerator(async function* () {
      for (let i = 0; i < 6; i++) {
        await Promise.resolve();
        produced.push(i);
        yield i;
      }
    }).prefetch(3);
    for await (const v of ds) {
      await new Promise((r) => setTimeout(r, 2));
      consumed.push(v);
      // By the time element v is used, the next ones have been made in the background.
      expect(produced.length).toBeGreaterThanOrEqual(Math.min(6, v + 3));
    }
    expect(consumed).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('stopping early frees what shuffle, batch and prefetch still hold and closes the generator', async () => {
    const start = st.memory().tensors;
    let closed = 0;
    const ds = Dataset.fromGenerator(async function* () {
      try {
        for (let i = 0; ; i++) yield [st.fill([2], i), st.scalar(i, 'int32')] as [st.Tensor, st.Tensor];
      } finally {
        closed++;
      }
    }).shuffle(8, 1).batch(3).prefetch(2);
    let n = 0;
    for await (const b of ds) {
      st.dispose(b);
      if (++n === 4) break;
    }
    expect(closed).toBe(1);
    expect(st.memory().tensors).toBe(start);
  });

  it('a full pipeline over in-memory data does not leak', async () => {
    const d = makeData(9);
    const start = st.memory().tensors;
    const ds = Dataset.fromArrays(d.x, d.y).shuffle(4, 2).map(([x, y]) => [st.mul(x, 2), y] as [st.Tensor, st.Tensor]).batch(2).prefetch(2).repeat(3);
    let batches = 0;
    for await (const b of ds) {
      st.dispose(b);
      batches++;
    }
    expect(batches).toBe(12);
    expect(st.memory().tensors).toBe(start);
    d.dispose();
  });
});
