import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../src/backend.js';
import { read, tensor } from './helpers.js';

describe('storage', () => {
  it('write and read copy, and memory counts live blocks', async () => {
    const backend = new CpuBackend();
    const source = new Float32Array([1, 2, 3]);
    const storage = backend.write(source, 'float32');
    source[0] = 99;
    expect(Array.from(await backend.read(storage))).toEqual([1, 2, 3]);
    const copy = backend.readSync(storage);
    copy[1] = 42;
    expect(Array.from(backend.readSync(storage))).toEqual([1, 2, 3]);
    expect(backend.memory()).toEqual({ buffers: 1, bytes: 12 });
    const flags = backend.write(new Uint8Array([1, 0]), 'bool');
    expect(backend.memory()).toEqual({ buffers: 2, bytes: 14 });
    backend.free(storage);
    backend.free(flags);
    expect(backend.memory()).toEqual({ buffers: 0, bytes: 0 });
  });

  it('kernels return new, counted storage', () => {
    const backend = new CpuBackend();
    const x = tensor(backend, [1, 2], [2]);
    const y = backend.cast(x, 'float32');
    expect(y.storage).not.toBe(x.storage);
    expect(read(backend, y)).toEqual([1, 2]);
    expect(backend.memory().buffers).toBe(2);
  });

  it('double free and use after free throw without corrupting the counts', async () => {
    const backend = new CpuBackend();
    const x = tensor(backend, [1, 2], [2]);
    backend.free(x.storage);
    expect(() => backend.free(x.storage)).toThrow(/freed twice/);
    expect(() => backend.readSync(x.storage)).toThrow(/after it was freed/);
    await expect(backend.read(x.storage)).rejects.toThrow(/after it was freed/);
    expect(() => backend.unary('neg', x)).toThrow(/after it was freed/);
    expect(backend.memory()).toEqual({ buffers: 0, bytes: 0 });
  });

  it('rejects mismatched dtypes and foreign storage', () => {
    const backend = new CpuBackend();
    expect(() => backend.write(new Float32Array(2), 'int32')).toThrow(/Float32Array as int32/);
    const x = tensor(backend, [1, 2], [2]);
    expect(() => backend.unary('neg', { ...x, dtype: 'int32' })).toThrow(/holds float32/);
    expect(() => backend.unary('neg', { ...x, shape: [3] })).toThrow(/needs 3/);
    expect(() => new CpuBackend().free(x.storage)).toThrow(/did not make it/);
    expect(() => backend.free({})).toThrow(/not made by the cpu backend/);
  });
});
