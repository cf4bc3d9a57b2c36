import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../src/backend.js';
import { read, tensor } from './helpers.js';

const backend = new CpuBackend();

describe('gather', () => {
  it('picks slices along an axis; out-of-range indices give zeros', () => {
    const x = tensor(backend, [1, 2, 3, 4, 5, 6], [2, 3]);
    const idx = tensor(backend, [2, 0, 3, -1], [2, 2], 'int32');
    const out = backend.gather(x, idx, 1);
    expect(out.shape).toEqual([2, 2, 2]);
    expect(read(backend, out)).toEqual([3, 1, 0, 0, 6, 4, 0, 0]);
    const rows = backend.gather(x, tensor(backend, [1, 1], [2], 'int32'), 0);
    expect(rows.shape).toEqual([2, 3]);
    expect(read(backend, rows)).toEqual([4, 5, 6, 4, 5, 6]);
  });
});

describe('scatterAdd', () => {
  it('is the adjoint of gather: sums duplicates and skips out-of-range indices', () => {
    const updates = tensor(backend, [1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]);
    const idx = tensor(backend, [2, 2, 5, 0], [2, 2], 'int32');
    // axis 1, indices rank 2 → output [2, size] = [2, 3]
    const out = backend.scatterAdd(updates, idx, 1, 3);
    expect(out.shape).toEqual([2, 3]);
    expect(read(backend, out)).toEqual([4, 0, 3, 8, 0, 11]);
    const ints = backend.scatterAdd(tensor(backend, [2147483647, 1], [2], 'int32'), tensor(backend, [0, 0], [2], 'int32'), 0, 1);
    expect(ints.dtype).toBe('int32');
    expect(read(backend, ints)).toEqual([-2147483648]);
  });
});
