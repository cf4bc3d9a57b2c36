// The heap inside the module: reuse of freed blocks, growth that keeps JS views valid, memory()
// accounting, and clear errors for requests that cannot be met.
import { describe, expect, it } from 'vitest';
import type { Storage, TensorInfo } from '@strata/core';
import { WasmBackend } from '@strata/backend-wasm';

const backend = await WasmBackend.create();

function info(storage: Storage, shape: number[]): TensorInfo {
  return { storage, shape, dtype: 'float32' };
}

describe('wasm heap', () => {
  it('reuses a freed block for the next request of the same size class', () => {
    const a = backend.write(new Float32Array(100), 'float32');
    const ptr = (a as unknown as { ptr: number }).ptr;
    backend.free(a);
    const b = backend.write(new Float32Array(97), 'float32'); // same 16-byte class
    expect((b as unknown as { ptr: number }).ptr).toBe(ptr);
    backend.free(b);
  });

  it('keeps old tensors readable after the memory grows under them', () => {
    const small: Storage[] = [];
    for (let i = 0; i < 2000; i++) small.push(backend.write(Float32Array.from({ length: 33 }, (_, j) => i * 100 + j), 'float32'));
    const before = backend.heapSize();
    // 64 MiB: larger than anything allocated so far, so the memory must grow.
    const big = backend.fill([16 * 1024 * 1024], 1.5, 'float32');
    expect(backend.heapSize()).toBeGreaterThan(before);
    for (let i = 0; i < 2000; i += 97) {
      const values = backend.readSync(small[i]!);
      expect(values[0]).toBe(i * 100);
      expect(values[32]).toBe(i * 100 + 32);
    }
    // a kernel that reads the old tensors after growth
    const sum = backend.binary('add', info(small[5]!, [33]), info(small[6]!, [33]));
    expect(Array.from(backend.readSync(sum.storage).slice(0, 2))).toEqual([1100, 1102]);
    const bigValues = backend.readSync(big.storage);
    expect(bigValues[bigValues.length - 1]).toBe(1.5);
    for (const s of [...small, big.storage, sum.storage]) backend.free(s);
  });

  it('free returns memory: memory() goes back to where it was', () => {
    const start = backend.memory();
    const held = Array.from({ length: 10 }, () => backend.write(new Float32Array(1000), 'float32'));
    const during = backend.memory();
    expect(during.buffers).toBe(start.buffers + 10);
    expect(during.bytes).toBe(start.bytes + 40_000);
    for (const s of held) backend.free(s);
    expect(backend.memory()).toEqual(start);
    // and the blocks are reused: the same work again does not grow the memory
    const size = backend.heapSize();
    const again = Array.from({ length: 10 }, () => backend.write(new Float32Array(1000), 'float32'));
    expect(backend.heapSize()).toBe(size);
    for (const s of again) backend.free(s);
  });

  it('refuses double frees and use after free with clear errors', () => {
    const s = backend.write(new Float32Array(4), 'float32');
    backend.free(s);
    expect(() => backend.free(s)).toThrow(/freed twice/);
    expect(() => backend.readSync(s)).toThrow(/after it was freed/);
  });

  it('an allocation that cannot be met throws an Error naming the kernel and the bytes', () => {
    const start = backend.memory();
    expect(() => backend.fill([2 ** 31], 0, 'float32')).toThrow(/fill could not allocate 8589934592 bytes/);
    expect(backend.memory()).toEqual(start);
  });
});
