// The addon as built here: it loads without a GPU, reports the driver's reason, refuses device
// calls before init with a clear error, and its caching allocator (over a simulated pool) reuses
// blocks, empties the cache once on out-of-memory, and names the bytes when memory runs out.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadAddon } from '@strata/backend-cuda';
import type { CudaAddon } from '@strata/backend-cuda';

const cudaHome = process.env['CUDA_HOME'] ?? '/usr/local/cuda';
const hasNvcc = existsSync(`${cudaHome}/bin/nvcc`);

function addon(): CudaAddon {
  const load = loadAddon();
  if ('error' in load) throw new Error(`${load.error}${hasNvcc ? ' — build it with `npm run build:addon -w @strata/backend-cuda`' : ''}`);
  return load.addon;
}

const loaded = loadAddon();
const skipNoAddon = !('addon' in loaded) && !hasNvcc;
const deviceAvailable = 'addon' in loaded && loaded.addon.status().available;

describe.skipIf(skipNoAddon)('strata_cuda.node', () => {
  it('loads (a build is required wherever nvcc exists)', () => {
    expect(typeof addon().status).toBe('function');
    expect(typeof addon().matMul).toBe('function');
  });

  it('status() reports a usable device, or the driver\'s reason for none', () => {
    const status = addon().status();
    if (status.available) {
      expect(status.reason).toBeUndefined();
    } else {
      // e.g. "cudaErrorInsufficientDriver (35): CUDA driver version is insufficient for CUDA runtime version"
      expect(status.reason).toMatch(/^(cuda\w+ \(\d+\): .+|the driver reports 0 devices|.+ compute capability .+)$/);
    }
  });

  it.skipIf(deviceAvailable)('device calls before init throw a clear error instead of crashing', () => {
    const a = addon();
    expect(() => a.alloc(16)).toThrow(/the CUDA device is not initialised/);
    expect(() => a.init()).toThrow(/^no CUDA device: cuda\w+ \(\d+\)/);
    expect(() => a.binary(0, 0, 1, 2, 3, 4, [4], [1], [1], true)).toThrow(/not initialised/);
  });

  it('bucket sizes: 512-byte steps up to 1 MiB, then quarter powers of two (≤ 25% over)', () => {
    const a = addon();
    expect(a.bucketSize(0)).toBe(0);
    for (let bytes = 1; bytes < 1 << 26; bytes = Math.ceil(bytes * 1.37) + 3) {
      const bucket = a.bucketSize(bytes);
      expect(bucket).toBeGreaterThanOrEqual(bytes);
      if (bytes <= 1 << 20) {
        expect(bucket % 512).toBe(0);
        expect(bucket - bytes).toBeLessThan(512);
      } else {
        const power = 2 ** Math.floor(Math.log2(bytes));
        expect(bucket % (power / 4)).toBe(0);
        expect(bucket - bytes).toBeLessThan(power / 4);
        expect(bucket / bytes).toBeLessThanOrEqual(1.25);
      }
    }
    expect(() => a.bucketSize(-1)).toThrow(/bucketSize: bytes must be non-negative/);
    expect(() => a.bucketSize(1.5)).toThrow(/bucketSize: argument 0 must be an integer/);
  });

  it('freed blocks are reused from the cache without reaching the source', () => {
    const pool = new (addon().SimulatedAllocator)(1 << 20);
    const first = pool.allocate(1000);
    pool.release(first);
    const again = pool.allocate(700); // same 1024-byte bucket
    expect(pool.stats()).toMatchObject({ liveBlocks: 1, liveBytes: 1024, cachedBlocks: 0, sourceAllocations: 1, cacheHits: 1 });
    const other = pool.allocate(3000); // another bucket: a new source allocation
    pool.release(again);
    pool.release(other);
    expect(pool.stats()).toMatchObject({ liveBlocks: 0, liveBytes: 0, cachedBlocks: 2, cachedBytes: 1024 + 3072, sourceAllocations: 2, sourceBytesInUse: 4096 });
    pool.emptyCache();
    expect(pool.stats()).toMatchObject({ cachedBlocks: 0, cachedBytes: 0, sourceBytesInUse: 0 });
  });

  it('on out-of-memory the cache is emptied once and the request retried', () => {
    const pool = new (addon().SimulatedAllocator)(8192);
    const blocks = [pool.allocate(2048), pool.allocate(2048), pool.allocate(2048)];
    for (const b of blocks) pool.release(b); // 6144 bytes cached, 2048 free in the pool
    const big = pool.allocate(4096); // fits only once the cache is returned
    expect(pool.stats()).toMatchObject({ liveBlocks: 1, liveBytes: 4096, cachedBlocks: 0, cacheFlushes: 1, sourceBytesInUse: 4096 });
    pool.release(big);
  });

  it('a request that cannot fit even after emptying the cache throws "out of memory" with the bytes', () => {
    const pool = new (addon().SimulatedAllocator)(8192);
    const live = pool.allocate(5000);
    const cached = pool.allocate(1000);
    pool.release(cached);
    expect(() => pool.allocate(4000)).toThrow(/out of memory: could not allocate 4000 bytes \(4096 with rounding\) after emptying the cache; 5120 bytes in 1 blocks are live/);
    expect(pool.stats()).toMatchObject({ cacheFlushes: 1, cachedBlocks: 0, liveBlocks: 1 });
    pool.release(live);
    expect(() => pool.release(live)).toThrow(/no such block/);
  });
});
