// The worker pool: threaded kernels really run threaded and give exactly the single-threaded
// numbers (the splits never change an element's summation order), configuration through the
// option and STRATA_WASM_THREADS, errors from workers, and dispose().
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Conv2DAttrs, Storage, TensorInfo } from '@strata/core';
import { WasmBackend } from '@strata/backend-wasm';

const one = await WasmBackend.create({ threads: 1 });
const two = await WasmBackend.create({ threads: 2, minParallelWork: 0 });

afterAll(() => {
  one.dispose();
  two.dispose();
});

function values(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + seed) * 0.8);
}

/** The same tensor written to both backends. */
function pair(shape: number[], seed: number): [TensorInfo, TensorInfo] {
  const v = values(shape.reduce((a, b) => a * b, 1), seed);
  return [one, two].map((b) => ({ storage: b.write(v, 'float32'), shape, dtype: 'float32' })) as [TensorInfo, TensorInfo];
}

function read(b: WasmBackend, s: Storage): Float32Array {
  const r = b.readSync(s) as Float32Array;
  b.free(s);
  return r;
}

/** Runs `op` on both backends and expects identical bits, and that the threaded one dispatched. */
function same(op: (b: WasmBackend, x: readonly TensorInfo[]) => TensorInfo, inputs: [TensorInfo, TensorInfo][]): void {
  const before = two.parallelDispatches;
  const r1 = read(one, op(one, inputs.map((p) => p[0])).storage);
  const r2 = read(two, op(two, inputs.map((p) => p[1])).storage);
  expect(two.parallelDispatches).toBeGreaterThan(before);
  expect(r2.length).toBe(r1.length);
  expect(Buffer.from(r2.buffer).equals(Buffer.from(r1.buffer))).toBe(true);
  for (const p of inputs) {
    one.free(p[0].storage);
    two.free(p[1].storage);
  }
}

const conv = (stride: number, pad: number): Conv2DAttrs => ({ strides: [stride, stride], dilations: [1, 1], pad: [pad, pad, pad, pad] });

describe('wasm-simd threads', () => {
  it('reports its thread mode', () => {
    expect(two.threads).toBe(2);
    expect(two.description).toMatch(/^2 threads \(worker_threads\)/);
    expect(one.threads).toBe(1);
    expect(one.description).toBe('1 thread (option asks for 1)');
  });

  it('matMul: rows split, columns split, transposes, odd sizes', () => {
    for (const [m, k, n, ta, tb] of [[67, 45, 33, false, false], [5, 70, 301, true, false], [130, 17, 9, false, true], [64, 64, 64, true, true]] as const) {
      same((b, [a, c]) => b.matMul(a!, c!, ta, tb), [pair(ta ? [k, m] : [m, k], 1), pair(tb ? [n, k] : [k, n], 2)]);
    }
  });

  it('batched matMul, with a broadcast batch dim, many small and a few large matrices', () => {
    same((b, [a, c]) => b.matMul(a!, c!, false, false), [pair([6, 12, 10], 3), pair([1, 10, 7], 4)]);
    same((b, [a, c]) => b.matMul(a!, c!, false, true), [pair([2, 40, 30], 5), pair([2, 50, 30], 6)]);
  });

  it('fusedMatMul and attention', () => {
    same((b, [a, c, bias]) => b.fusedMatMul(a!, c!, bias!, 'relu', false, false), [pair([33, 20], 7), pair([20, 24], 8), pair([24], 9)]);
    same((b, [q, k, v]) => b.attention(q!, k!, v!, null, 0.25), [pair([2, 9, 8], 10), pair([2, 11, 8], 11), pair([2, 11, 6], 12)]);
  });

  it('conv2d and both backprops, batch 1 and 3, 3×3 strided and 1×1', () => {
    for (const [batch, kernel, stride, pad] of [[3, 3, 1, 1], [1, 3, 2, 0], [3, 1, 1, 0], [1, 1, 1, 0]] as const) {
      const x: number[] = [batch, 9, 10, 12];
      const f: number[] = [kernel, kernel, 12, 16];
      const attrs = conv(stride, pad);
      const oh = Math.floor((9 + 2 * pad - kernel) / stride) + 1;
      const ow = Math.floor((10 + 2 * pad - kernel) / stride) + 1;
      const dy: number[] = [batch, oh, ow, 16];
      same((b, [xi, fi]) => b.conv2d(xi!, fi!, attrs), [pair(x, 13), pair(f, 14)]);
      same((b, [d, fi]) => b.conv2dBackpropInput(d!, fi!, x, attrs), [pair(dy, 15), pair(f, 16)]);
      same((b, [xi, d]) => b.conv2dBackpropFilter(xi!, d!, f, attrs), [pair(x, 17), pair(dy, 18)]);
    }
  });

  it('large elementwise calls: unary, binary with broadcast rows, one long row', () => {
    const n = 70_001; // not a multiple of the slice unit
    same((b, [x]) => b.unary('exp', x!), [pair([n], 21)]);
    same((b, [x]) => b.unary('abs', x!), [pair([n], 22)]);
    same((b, [x, y]) => b.binary('mul', x!, y!), [pair([n], 23), pair([n], 24)]);
    same((b, [x, y]) => b.binary('add', x!, y!), [pair([301, 3, 77], 25), pair([3, 1], 26)]);
    same((b, [x, y]) => b.binary('greater', x!, y!), [pair([5, 9001], 27), pair([9001], 28)]);
    same((b, [x, y]) => b.binary('mod', x!, y!), [pair([1, n], 29), pair([1], 30)]);
  });

  it('workers see memory the main thread grew after they started', () => {
    const size = two.heapSize();
    const big = two.fill([24 * 1024 * 1024], 0, 'float32'); // 96 MiB: the memory must grow
    expect(two.heapSize()).toBeGreaterThan(size);
    same((b, [a, c]) => b.matMul(a!, c!, false, false), [pair([200, 64], 19), pair([64, 72], 20)]);
    two.free(big.storage);
  });

  it('below the threshold a kernel stays on the main thread', async () => {
    const b = await WasmBackend.create({ threads: 2, minParallelWork: 2 * 64 ** 3 + 1 });
    const x: TensorInfo = { storage: b.write(values(64 * 64, 1), 'float32'), shape: [64, 64], dtype: 'float32' };
    const before = b.parallelDispatches;
    b.free(b.matMul(x, x, false, false).storage);
    expect(b.parallelDispatches).toBe(before);
    b.minParallelWork = 0;
    b.free(b.matMul(x, x, false, false).storage);
    const after = b.parallelDispatches;
    expect(after).toBeGreaterThan(before);
    b.dispose();
    expect(b.threads).toBe(1);
    expect(b.description).toBe('1 thread (the worker pool was disposed)');
    // after dispose kernels still run, on one thread
    const r = read(b, b.matMul(x, x, false, false).storage);
    expect(r.length).toBe(64 * 64);
    expect(b.parallelDispatches).toBe(after);
    b.free(x.storage);
  });

  it('idle workers do not keep the process alive', () => {
    const script = `
      import { WasmBackend } from '@strata/backend-wasm';
      const b = await WasmBackend.create({ threads: 2, minParallelWork: 0 });
      const x = { storage: b.write(new Float32Array(128 * 128).fill(1), 'float32'), shape: [128, 128], dtype: 'float32' };
      console.log(b.description); console.log([b.threads, b.readSync(b.matMul(x, x, false, false).storage)[0], b.parallelDispatches > 0].join(' '));`;
    const cwd = fileURLToPath(new URL('..', import.meta.url));
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd, timeout: 30_000, encoding: 'utf8' });
    // One joined string: console.log colours numbers when the parent forces colour (lerna does).
    const lines = out.trim().split('\n');
    expect(lines.pop(), lines.join('\n')).toBe('2 128 true');
  }, 40_000);

  it('passing only the single-threaded module\'s bytes runs single-threaded', async () => {
    const { readFileSync } = await import('node:fs');
    const bytes = readFileSync(new URL('../wasm/strata.wasm', import.meta.url));
    const b = await WasmBackend.create(bytes);
    expect(b.threads).toBe(1);
    expect(b.description).toBe('1 thread (passing only `bytes`)');
  });

  it('STRATA_WASM_THREADS sets the default thread count', async () => {
    const old = process.env['STRATA_WASM_THREADS'];
    try {
      process.env['STRATA_WASM_THREADS'] = '1';
      const b = await WasmBackend.create();
      expect(b.threads).toBe(1);
      expect(b.description).toBe('1 thread (STRATA_WASM_THREADS asks for 1)');
      process.env['STRATA_WASM_THREADS'] = 'lots';
      await expect(WasmBackend.create()).rejects.toThrow(/STRATA_WASM_THREADS must be a positive integer/);
    } finally {
      if (old === undefined) delete process.env['STRATA_WASM_THREADS']; else process.env['STRATA_WASM_THREADS'] = old;
    }
  });

  it('a task that failed in a worker becomes an Error naming the kernel', async () => {
    const { instantiateThreaded } = await import('@strata/backend-wasm');
    const mod = await instantiateThreaded();
    const b = new WasmBackend(mod.exports);
    const x: TensorInfo = { storage: b.write(values(16, 1), 'float32'), shape: [4, 4], dtype: 'float32' };
    // What src/worker.ts does after a trap inside a task.
    mod.exports.st_worker_failed();
    const start = b.memory();
    expect(() => b.matMul(x, x, false, false)).toThrow(/matMul failed in a worker thread/);
    expect(b.memory()).toEqual(start); // the output was freed
    b.free(b.matMul(x, x, false, false).storage); // and the next call works
  });
});
