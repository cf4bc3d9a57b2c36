import { beforeAll, describe, expect, it } from 'vitest';
import * as st from '@strata/core';
import { expectClose, randomSource, randomValues, useCpu } from './setup.js';

beforeAll(useCpu);

/** Row-major multi-index of a flat index (test oracle helper, independent of core). */
function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = flat % shape[d]!;
    flat = Math.floor(flat / shape[d]!);
  }
  return idx;
}
function ravel(idx: readonly number[], shape: readonly number[]): number {
  return idx.reduce((acc, i, d) => acc * shape[d]! + i, 0);
}
const product = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

describe('ops against a float64 oracle', () => {
  const rand = randomSource(5);

  it('broadcasting binary ops over awkward shapes', () => {
    const sa = [3, 1, 5];
    const sb = [4, 1];
    const out = [3, 4, 5];
    const a = randomValues(rand, product(sa));
    const b = randomValues(rand, product(sb), 0.5, 2);
    const ops: [(x: st.Tensor, y: st.Tensor) => st.Tensor, (x: number, y: number) => number][] = [
      [st.add, (x, y) => x + y], [st.sub, (x, y) => x - y], [st.mul, (x, y) => x * y], [st.div, (x, y) => x / y],
      [st.maximum, Math.max], [st.atan2, Math.atan2], [st.squaredDifference, (x, y) => (x - y) ** 2],
      [st.mod, (x, y) => x - y * Math.floor(x / y)],
    ];
    const ta = st.tensor(a, sa);
    const tb = st.tensor(b, sb);
    for (const [op, f] of ops) {
      const expected = Array.from({ length: product(out) }, (_, i) => {
        const [p, q, r] = unravel(i, out) as [number, number, number];
        return f(a[ravel([p, 0, r], sa)]!, b[ravel([q, 0], sb)]!);
      });
      const y = op(ta, tb);
      expect(y.shape).toEqual(out);
      expectClose(y.dataSync(), expected, 2e-6);
    }
  });

  it('dtype rules: numbers follow the tensor, int32 division gives float32, comparisons give bool', () => {
    const i = st.tensor([7, -7], [2], 'int32');
    expect(st.add(i, 2).dtype).toBe('int32');
    expect(st.add(i, 0.5).dtype).toBe('float32');
    expect(Array.from(st.div(i, 2).dataSync())).toEqual([3.5, -3.5]);
    expect(Array.from(st.floorDiv(i, 2).dataSync())).toEqual([3, -4]);
    expect(Array.from(st.mod(i, 3).dataSync())).toEqual([1, 2]);
    expect(st.less(i, 0).dtype).toBe('bool');
    expect(Array.from(st.sum(st.tensor([true, true, false])).dataSync())).toEqual([2]);
  });

  it('reductions over axes, keepDims, mean, moments and logSumExp', () => {
    const shape = [2, 3, 4];
    const x = randomValues(rand, 24);
    const t = st.tensor(x, shape);
    const reduceOracle = (axes: number[], f: (v: number[]) => number): number[] => {
      const outShape = shape.filter((_, d) => !axes.includes(d));
      const groups = new Map<number, number[]>();
      x.forEach((v, i) => {
        const key = ravel(unravel(i, shape).filter((_, d) => !axes.includes(d)), outShape);
        groups.set(key, [...(groups.get(key) ?? []), v]);
      });
      return Array.from({ length: product(outShape) }, (_, k) => f(groups.get(k)!));
    };
    const sum = (v: number[]): number => v.reduce((a, b) => a + b, 0);
    expectClose(st.sum(t, [0, 2]).dataSync(), reduceOracle([0, 2], sum));
    expect(st.sum(t, [0, 2], true).shape).toEqual([1, 3, 1]);
    expectClose(st.max(t, -1).dataSync(), reduceOracle([2], (v) => Math.max(...v)));
    expectClose(st.prod(t, 1).dataSync(), reduceOracle([1], (v) => v.reduce((a, b) => a * b, 1)));
    expectClose(st.mean(t, 1).dataSync(), reduceOracle([1], (v) => sum(v) / v.length));
    const { variance } = st.moments(t, [0, 1]);
    expectClose(variance.dataSync(), reduceOracle([0, 1], (v) => {
      const m = sum(v) / v.length;
      return sum(v.map((e) => (e - m) ** 2)) / v.length;
    }));
    expectClose(st.logSumExp(st.mul(t, 40), 2).dataSync(), reduceOracle([2], (v) => {
      const m = Math.max(...v.map((e) => e * 40));
      return m + Math.log(sum(v.map((e) => Math.exp(e * 40 - m))));
    }), 1e-5);
    expect(Array.from(st.argMax(t, 2).dataSync())).toEqual(reduceOracle([2], (v) => v.indexOf(Math.max(...v))));
  });

  it('matMul: batched with broadcast batch dims, transposes and vectors', () => {
    const a = randomValues(rand, 2 * 1 * 3 * 5);
    const b = randomValues(rand, 4 * 7 * 5);
    const y = st.matMul(st.tensor(a, [2, 1, 3, 5]), st.tensor(b, [4, 7, 5]), false, true);
    expect(y.shape).toEqual([2, 4, 3, 7]);
    const expected = Array.from({ length: 2 * 4 * 3 * 7 }, (_, i) => {
      const [p, q, r, c] = unravel(i, [2, 4, 3, 7]) as [number, number, number, number];
      let s = 0;
      for (let k = 0; k < 5; k++) s += a[ravel([p, 0, r, k], [2, 1, 3, 5])]! * b[ravel([q, c, k], [4, 7, 5])]!;
      return s;
    });
    expectClose(y.dataSync(), expected, 1e-5);
    expect(st.matMul(st.tensor([1, 2]), st.tensor([[3], [4]])).arraySync()).toEqual([11]);
    expect(st.dot(st.tensor([1, 2]), st.tensor([3, 4])).arraySync()).toEqual(11);
  });

  it('movement ops: transpose, stridedSlice, pad, tile, reverse, split, stack, cumsum', () => {
    const x = randomValues(rand, 3 * 4 * 5);
    const t = st.tensor(x, [3, 4, 5]);
    const pick = (f: (i: number, j: number, k: number) => number, shape: number[]): number[] =>
      Array.from({ length: product(shape) }, (_, n) => {
        const [i, j, k] = unravel(n, shape) as [number, number, number];
        return f(i, j, k);
      });
    const at = (i: number, j: number, k: number): number => x[ravel([i, j, k], [3, 4, 5])]!;
    expectClose(st.transpose(t, [2, 0, 1]).dataSync(), pick((k, i, j) => at(i, j, k), [5, 3, 4]));
    const strided = st.stridedSlice(t, [2, 0, 4], [0, 4, 0], [-1, 3, -2]);
    expect(strided.shape).toEqual([2, 2, 2]);
    expectClose(strided.dataSync(), pick((i, j, k) => at(2 - i, 3 * j, 4 - 2 * k), [2, 2, 2]));
    expect(st.stridedSlice(t, [1, 0, 0], [2, 4, 5], [1, 1, 1], 0, 0, 1).shape).toEqual([4, 5]);
    expectClose(st.pad(t, [[1, 0], [0, 2], [1, 1]], 9).dataSync(), pick((i, j, k) =>
      (i < 1 || j >= 4 || k < 1 || k > 5 ? 9 : at(i - 1, j, k - 1)), [4, 6, 7]));
    expectClose(st.tile(t, [2, 1, 3]).dataSync(), pick((i, j, k) => at(i % 3, j, k % 5), [6, 4, 15]));
    expectClose(st.reverse(t, [0, 2]).dataSync(), pick((i, j, k) => at(2 - i, j, 4 - k), [3, 4, 5]));
    const parts = st.split(t, [1, -1, 2], 2);
    expect(parts.map((p) => p.shape)).toEqual([[3, 4, 1], [3, 4, 2], [3, 4, 2]]);
    expectClose(parts[2]!.dataSync(), pick((i, j, k) => at(i, j, k + 3), [3, 4, 2]));
    expectClose(st.stack(st.unstack(t, 1), 1).dataSync(), x);
    const cum = st.cumsum(t, 1, true, true);
    expectClose(cum.dataSync(), pick((i, j, k) => {
      let s = 0;
      for (let q = j + 1; q < 4; q++) s += at(i, q, k);
      return s;
    }, [3, 4, 5]), 1e-5);
  });

  it('clipByValue, where with broadcasting, and random tensors', () => {
    expect(Array.from(st.clipByValue(st.tensor([-3, 0.5, 9]), -1, 1).dataSync())).toEqual([-1, 0.5, 1]);
    expect(st.where(st.tensor([true, false]), st.tensor([[1, 2], [3, 4]]), 0).arraySync()).toEqual([[1, 0], [3, 0]]);
  });
});
