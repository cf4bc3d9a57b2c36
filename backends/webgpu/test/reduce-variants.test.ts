// Long reductions run one workgroup per output element; its size follows the adapter (256 on
// GPUs, 64 on software ones). Both sizes against a float64 oracle, with NaN, ties and int32.
import { describe, expect, it } from 'vitest';
import type { TensorInfo } from '@strata/core';
import { anyAdapter, missingGpu } from './gpu.js';

const missing = await missingGpu();

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
}

describe.skipIf(missing !== null)(`webgpu reduction workgroup sizes${missing !== null ? ` (skipped: ${missing})` : ''}`, { timeout: 300_000 }, () => {
  for (const threads of [256, 64] as const) {
    it(`${threads} threads: sum, max (NaN), int32 sum (wrapping), any and argMax (ties, NaN) agree with an oracle`, async () => {
      const backend = await anyAdapter({ tuning: { reduceThreads: threads } });
      const rand = lcg(threads);
      try {
        // [rows, len]: lengths around and far past the workgroup size, reduced over the last axis.
        for (const [rows, len] of [[3, 65], [5, 255], [2, 257], [4, 1031], [1, 5000]] as const) {
          const n = rows * len;
          const f = Float32Array.from({ length: n }, () => rand() * 2 - 1);
          const nanRow = rows - 1;
          f[nanRow * len + Math.floor(len / 2)] = NaN;
          const x: TensorInfo = { storage: backend.write(f, 'float32'), shape: [rows, len], dtype: 'float32' };
          const sum = await backend.read(backend.reduce('sum', x, [1]).storage) as Float32Array;
          const max = await backend.read(backend.reduce('max', x, [1]).storage) as Float32Array;
          for (let r = 0; r < rows; r++) {
            const row = Array.from(f.subarray(r * len, (r + 1) * len));
            if (r === nanRow) {
              expect(sum[r], `sum row ${r} of ${rows}×${len}`).toBeNaN();
              expect(max[r]).toBeNaN();
              continue;
            }
            const s = row.reduce((a, b) => a + b, 0);
            const mag = row.reduce((a, b) => a + Math.abs(b), 0);
            expect(Math.abs(sum[r]! - s), `sum row ${r} of ${rows}×${len}`).toBeLessThanOrEqual(2 * 2 ** -23 * Math.sqrt(len) * mag + 4 * 2 ** -23 * Math.abs(s));
            expect(max[r]).toBe(Math.max(...row));
          }
          // int32: large values so the sum wraps modulo 2^32.
          const iv = Int32Array.from({ length: n }, () => Math.floor((rand() * 2 - 1) * 2 ** 31));
          const xi: TensorInfo = { storage: backend.write(iv, 'int32'), shape: [rows, len], dtype: 'int32' };
          const isum = await backend.read(backend.reduce('sum', xi, [1]).storage) as Int32Array;
          for (let r = 0; r < rows; r++) {
            let s = 0n;
            for (let i = 0; i < len; i++) s += BigInt(iv[r * len + i]!);
            expect(isum[r]).toBe(Number(BigInt.asIntN(32, s)));
          }
          // bool any: one true element somewhere in every other row.
          const bv = new Uint8Array(n);
          for (let r = 0; r < rows; r += 2) bv[r * len + Math.floor(rand() * len)] = 1;
          const xb: TensorInfo = { storage: backend.write(bv, 'bool'), shape: [rows, len], dtype: 'bool' };
          const any = await backend.read(backend.reduce('any', xb, [1]).storage) as Uint8Array;
          expect(Array.from(any)).toEqual(Array.from({ length: rows }, (_, r) => (r % 2 === 0 ? 1 : 0)));
          // argMax: ties at the first and a later position (first wins); a NaN wins over numbers.
          const g = Float32Array.from({ length: n }, () => Math.floor(rand() * 50));
          for (let r = 0; r < rows; r++) { g[r * len + 3] = 100; g[r * len + len - 1] = 100; }
          g[nanRow * len + len - 2] = NaN;
          const xg: TensorInfo = { storage: backend.write(g, 'float32'), shape: [rows, len], dtype: 'float32' };
          const arg = await backend.read(backend.argReduce('argMax', xg, 1).storage) as Int32Array;
          expect(Array.from(arg)).toEqual(Array.from({ length: rows }, (_, r) => (r === nanRow ? len - 2 : 3)));
        }
      } finally {
        backend.dispose();
      }
    });
  }
});
