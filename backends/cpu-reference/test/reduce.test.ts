import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../src/backend.js';
import { expectClose, flatIndex, indices, randomFloats, randomGenerator, read, tensor } from './helpers.js';

const backend = new CpuBackend();

describe('reduce', () => {
  it('sum and max over several axes match a float64 oracle', () => {
    const shape = [2, 3, 4, 5];
    const x = randomFloats(randomGenerator(4), shape);
    const input = tensor(backend, x, shape);
    const sum = backend.reduce('sum', input, [1, 3]);
    const max = backend.reduce('max', input, [1, 3]);
    expect(sum.shape).toEqual([2, 4]);
    const wantSum = new Array<number>(8).fill(0);
    const wantMax = new Array<number>(8).fill(-Infinity);
    for (const [a, b, c, d] of indices(shape)) {
      const v = x[flatIndex(shape, [a!, b!, c!, d!])]!;
      wantSum[a! * 4 + c!] += v;
      wantMax[a! * 4 + c!] = Math.max(wantMax[a! * 4 + c!]!, v);
    }
    expectClose(read(backend, sum), wantSum);
    expectClose(read(backend, max), wantMax);
    const total = backend.reduce('prod', tensor(backend, [1.5, -2, 4], [3]), [0]);
    expect(total.shape).toEqual([]);
    expect(read(backend, total)).toEqual([-12]);
  });

  it('max/min propagate NaN and int32 sums wrap', () => {
    const x = tensor(backend, [1, NaN, 3, 4, 5, 6], [2, 3]);
    expect(read(backend, backend.reduce('max', x, [1]))).toEqual([NaN, 6]);
    expect(read(backend, backend.reduce('min', x, [0]))).toEqual([1, NaN, 3]);
    const ints = tensor(backend, [2147483647, 1, 3], [3], 'int32');
    expect(read(backend, backend.reduce('sum', ints, [0]))).toEqual([-2147483645]);
  });

  it('empty reductions give the identities', () => {
    const empty = tensor(backend, [], [2, 0]);
    expect(read(backend, backend.reduce('sum', empty, [1]))).toEqual([0, 0]);
    expect(read(backend, backend.reduce('prod', empty, [1]))).toEqual([1, 1]);
    expect(read(backend, backend.reduce('max', empty, [1]))).toEqual([-Infinity, -Infinity]);
    expect(read(backend, backend.reduce('min', empty, [1]))).toEqual([Infinity, Infinity]);
    const emptyInts = tensor(backend, [], [0], 'int32');
    expect(read(backend, backend.reduce('max', emptyInts, [0]))).toEqual([-2147483648]);
    expect(read(backend, backend.reduce('min', emptyInts, [0]))).toEqual([2147483647]);
    const emptyBools = tensor(backend, [], [0], 'bool');
    expect(read(backend, backend.reduce('any', emptyBools, [0]))).toEqual([0]);
    expect(read(backend, backend.reduce('all', emptyBools, [0]))).toEqual([1]);
  });

  it('any and all', () => {
    const flags = tensor(backend, [1, 1, 0, 1, 0, 0], [3, 2], 'bool');
    expect(read(backend, backend.reduce('any', flags, [1]))).toEqual([1, 1, 0]);
    expect(read(backend, backend.reduce('all', flags, [1]))).toEqual([1, 0, 0]);
    expect(read(backend, backend.reduce('any', flags, [0]))).toEqual([1, 1]);
    expect(read(backend, backend.reduce('all', flags, [0]))).toEqual([0, 0]);
  });
});

describe('argReduce', () => {
  it('first index on ties; first NaN wins', () => {
    const x = tensor(backend, [3, 1, 3, 1, 2, NaN, 0, NaN, NaN, 5, 5, -1], [4, 3]);
    const argMax = backend.argReduce('argMax', x, 1);
    expect(argMax.dtype).toBe('int32');
    expect(read(backend, argMax)).toEqual([0, 2, 1, 0]);
    expect(read(backend, backend.argReduce('argMin', x, 1))).toEqual([1, 2, 1, 2]);
    expect(read(backend, backend.argReduce('argMax', x, 0))).toEqual([3, 2, 1]);
  });
});
