// The buffer pool on its own (no GPU needed: a stand-in device counts the buffers it makes).
import { describe, expect, it } from 'vitest';
import { BufferPool, MIN_BUFFER_BYTES, sizeClass } from '../src/buffer-pool.js';

interface FakeBuffer { size: number; destroyed: boolean; destroy(): void }

function fakeDevice(): { device: GPUDevice; made: FakeBuffer[] } {
  const made: FakeBuffer[] = [];
  const device = {
    createBuffer({ size }: { size: number }): FakeBuffer {
      const b = { size, destroyed: false, destroy() { b.destroyed = true; } };
      made.push(b);
      return b;
    },
  } as unknown as GPUDevice;
  return { device, made };
}

describe('buffer pool', () => {
  it('size classes: at least the request, at most 25% over it, four per power of two', () => {
    let prev = 0;
    for (let bytes = 1; bytes < 1 << 22; bytes = Math.ceil(bytes * 1.13) + 1) {
      const c = sizeClass(bytes);
      expect(c).toBeGreaterThanOrEqual(Math.max(bytes, MIN_BUFFER_BYTES));
      expect(c % 4).toBe(0);
      if (bytes > 64) expect(c / bytes).toBeLessThanOrEqual(1.25);
      expect(c).toBeGreaterThanOrEqual(prev);
      prev = c;
    }
    expect(sizeClass(0)).toBe(MIN_BUFFER_BYTES);
    expect(new Set([1025, 1100, 1280].map(sizeClass)).size).toBe(1);
  });

  it('reuses freed buffers of the same class; quarantined ones only after a submit', () => {
    const { device, made } = fakeDevice();
    const pool = new BufferPool(device, 0, 1 << 20, 1 << 30);
    const a = pool.acquire(1000, 't');
    pool.release(a, false);
    expect(pool.acquire(1010, 't')).toBe(a);
    const b = pool.acquire(4000, 't');
    pool.release(b, true);
    expect(pool.acquire(4000, 't')).not.toBe(b); // still quarantined: a new buffer
    pool.submitted();
    expect(pool.acquire(4000, 't')).toBe(b);
    expect(pool.stats()).toMatchObject({ created: 3, reused: 2, allocatedBuffers: 3, pooledBuffers: 0 });
    expect(made).toHaveLength(3);
  });

  it('destroys freed buffers beyond its byte budget, and near the device limit uses exact sizes', () => {
    const { device, made } = fakeDevice();
    const pool = new BufferPool(device, 0, 3000, 5000);
    const bufs = [pool.acquire(1024, 't'), pool.acquire(1024, 't'), pool.acquire(1024, 't')];
    for (const b of bufs) pool.release(b, false);
    expect(pool.stats()).toMatchObject({ pooledBuffers: 2, pooledBytes: 2048, allocatedBuffers: 2 });
    expect(made.filter((b) => b.destroyed)).toHaveLength(1);
    // sizeClass(4900) = 5120 > maxBufferSize 5000: the exact (4-byte aligned) size instead.
    expect(pool.acquire(4899, 't').size).toBe(4900);
    pool.trim();
    expect(pool.stats()).toMatchObject({ pooledBuffers: 0, allocatedBuffers: 1 });
  });
});
