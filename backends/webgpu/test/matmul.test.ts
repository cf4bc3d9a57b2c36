// matMul in both tile variants (16×16 threads with 64×64 tiles, 8×8 with 32×32) against a
// float64 oracle on random awkward shapes: transposes, broadcast batch dims, sizes that are not
// multiples of any tile, many small batches.
import { describe, expect, it } from 'vitest';
import type { TensorInfo } from '@strata/core';
import { anyAdapter, missingGpu } from './gpu.js';

const missing = await missingGpu();

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32 * 2 - 1; };
}

/** float64 product of row-major a [...ba, r, c] and b, batch dims broadcast; also Σ|terms|. */
function oracle(a: Float32Array, as: number[], b: Float32Array, bs: number[], ta: boolean, tb: boolean): { value: number[]; mag: number[]; shape: number[] } {
  const ra = as.length, rb = bs.length;
  const m = ta ? as[ra - 1]! : as[ra - 2]!, k = ta ? as[ra - 2]! : as[ra - 1]!;
  const n = tb ? bs[rb - 2]! : bs[rb - 1]!;
  const batchA = as.slice(0, -2), batchB = bs.slice(0, -2);
  const rank = Math.max(batchA.length, batchB.length);
  const pa = [...new Array(rank - batchA.length).fill(1), ...batchA];
  const pb = [...new Array(rank - batchB.length).fill(1), ...batchB];
  const batch = pa.map((d, i) => Math.max(d, pb[i]!));
  const count = batch.reduce((x, y) => x * y, 1);
  const value: number[] = [], mag: number[] = [];
  for (let bi = 0; bi < count; bi++) {
    let rem = bi, oa = 0, ob = 0, sa = 1, sb = 1;
    for (let d = rank - 1; d >= 0; d--) {
      const c = rem % batch[d]!; rem = Math.floor(rem / batch[d]!);
      oa += (pa[d] === 1 ? 0 : c) * sa; sa *= pa[d]!;
      ob += (pb[d] === 1 ? 0 : c) * sb; sb *= pb[d]!;
    }
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      let s = 0, g = 0;
      for (let p = 0; p < k; p++) {
        const av = a[oa * m * k + (ta ? p * m + i : i * k + p)]!;
        const bv = b[ob * k * n + (tb ? j * k + p : p * n + j)]!;
        s += av * bv; g += Math.abs(av * bv);
      }
      value.push(s); mag.push(g);
    }
  }
  return { value, mag, shape: [...batch, m, n] };
}

const CASES: [number[], number[], boolean, boolean][] = [
  [[1, 1], [1, 1], false, false],
  [[7, 13], [13, 5], false, false],
  [[13, 7], [5, 13], true, true],
  [[65, 33], [65, 70], true, false],
  [[3, 31, 17], [17, 67], false, false],
  [[2, 1, 9, 40], [3, 40, 9], false, false],
  [[4, 1, 11, 6], [1, 5, 9, 11], true, true],
  [[5, 0], [0, 3], false, false],
  [[300, 2, 3], [3, 2], false, false],
];

describe.skipIf(missing !== null)(`webgpu matMul tile variants${missing !== null ? ` (skipped: ${missing})` : ''}`, { timeout: 300_000 }, () => {
  for (const threads of [16, 8] as const) {
    it(`${threads}×${threads} threads agree with a float64 oracle`, async () => {
      const backend = await anyAdapter({ tuning: { matMulThreads: threads } });
      const rand = lcg(threads);
      try {
        for (const [as, bs, ta, tb] of CASES) {
          const av = Float32Array.from({ length: as.reduce((x, y) => x * y, 1) }, rand);
          const bv = Float32Array.from({ length: bs.reduce((x, y) => x * y, 1) }, rand);
          const a: TensorInfo = { storage: backend.write(av, 'float32'), shape: as, dtype: 'float32' };
          const b: TensorInfo = { storage: backend.write(bv, 'float32'), shape: bs, dtype: 'float32' };
          const out = backend.matMul(a, b, ta, tb);
          const got = await backend.read(out.storage) as Float32Array;
          const want = oracle(av, as, bv, bs, ta, tb);
          expect(out.shape, `shape of ${as}×${bs}`).toEqual(want.shape);
          let worst = 0;
          want.value.forEach((w, i) => {
            const k = ta ? as[as.length - 2]! : as[as.length - 1]!;
            const tol = 1e-30 + 4 * 2 ** -23 * Math.abs(w) + 2 * 2 ** -23 * Math.sqrt(k) * want.mag[i]!;
            worst = Math.max(worst, Math.abs(got[i]! - w) / tol);
          });
          expect(worst, `${as}${ta ? 'ᵀ' : ''} × ${bs}${tb ? 'ᵀ' : ''}: worst error / tolerance`).toBeLessThanOrEqual(1);
          for (const t of [a, b, out]) backend.free(t.storage);
        }
        expect(backend.memory().buffers).toBe(0);
      } finally {
        backend.dispose();
      }
    });
  }
});
