import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../src/backend.js';
import { flatIndex, indices, randomFloats, randomGenerator, read, tensor } from './helpers.js';

const backend = new CpuBackend();

describe('data movement', () => {
  const shape = [2, 3, 4];
  const x = randomFloats(randomGenerator(6), shape);
  const input = tensor(backend, x, shape);

  it('transpose', () => {
    const perm = [2, 0, 1];
    const out = backend.transpose(input, perm);
    expect(out.shape).toEqual([4, 2, 3]);
    const want = [...indices([4, 2, 3])].map(([i, j, k]) => x[flatIndex(shape, [j!, k!, i!])]!);
    expect(read(backend, out)).toEqual(want);
  });

  it('slice', () => {
    const out = backend.slice(input, [1, 1, 0], [1, 2, 3]);
    expect(out.shape).toEqual([1, 2, 3]);
    const want = [...indices([1, 2, 3])].map(([i, j, k]) => x[flatIndex(shape, [i! + 1, j! + 1, k!])]!);
    expect(read(backend, out)).toEqual(want);
  });

  it('pad', () => {
    const small = tensor(backend, [1, 2, 3, 4], [2, 2], 'int32');
    const out = backend.pad(small, [[1, 0], [0, 2]], 9);
    expect(out.shape).toEqual([3, 4]);
    expect(read(backend, out)).toEqual([9, 9, 9, 9, 1, 2, 9, 9, 3, 4, 9, 9]);
  });

  it('concat along a middle axis', () => {
    const a = tensor(backend, [1, 2, 3, 4], [2, 1, 2]);
    const b = tensor(backend, [5, 6, 7, 8, 9, 10, 11, 12], [2, 2, 2]);
    const empty = tensor(backend, [], [2, 0, 2]);
    const out = backend.concat([a, empty, b], 1);
    expect(out.shape).toEqual([2, 3, 2]);
    expect(read(backend, out)).toEqual([1, 2, 5, 6, 7, 8, 3, 4, 9, 10, 11, 12]);
  });

  it('scalars and empty tensors', () => {
    const scalar = tensor(backend, [7], []);
    expect(read(backend, backend.transpose(scalar, []))).toEqual([7]);
    expect(read(backend, backend.slice(scalar, [], []))).toEqual([7]);
    expect(read(backend, backend.pad(tensor(backend, [], [0]), [[1, 1]], 3))).toEqual([3, 3]);
  });
});
