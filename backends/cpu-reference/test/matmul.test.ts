import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../src/backend.js';
import { expectClose, randomFloats, randomGenerator, read, tensor } from './helpers.js';

const backend = new CpuBackend();

describe('matMul', () => {
  for (const transposeA of [false, true]) {
    for (const transposeB of [false, true]) {
      it(`broadcast batches, transposeA=${transposeA} transposeB=${transposeB}`, () => {
        const random = randomGenerator(5);
        const [m, k, n] = [3, 4, 2];
        // a: [2, 1, m, k] (or [.., k, m]); b: [3, k, n] (or [.., n, k]) → [2, 3, m, n]
        const aShape = [2, 1, ...(transposeA ? [k, m] : [m, k])];
        const bShape = [3, ...(transposeB ? [n, k] : [k, n])];
        const a = randomFloats(random, aShape);
        const b = randomFloats(random, bShape);
        const out = backend.matMul(tensor(backend, a, aShape), tensor(backend, b, bShape), transposeA, transposeB);
        expect(out.shape).toEqual([2, 3, m, n]);
        const aAt = (t: number, i: number, p: number) => a[t * m * k + (transposeA ? p * m + i : i * k + p)]!;
        const bAt = (t: number, p: number, j: number) => b[t * k * n + (transposeB ? j * k + p : p * n + j)]!;
        const want: number[] = [];
        for (let s = 0; s < 2; s++) {
          for (let t = 0; t < 3; t++) {
            for (let i = 0; i < m; i++) {
              for (let j = 0; j < n; j++) {
                let sum = 0;
                for (let p = 0; p < k; p++) sum += aAt(s, i, p) * bAt(t, p, j);
                want.push(sum);
              }
            }
          }
        }
        expectClose(read(backend, out), want);
      });
    }
  }

  it('k = 0 gives zeros', () => {
    const out = backend.matMul(tensor(backend, [], [2, 0]), tensor(backend, [], [0, 3]), false, false);
    expect(out.shape).toEqual([2, 3]);
    expect(read(backend, out)).toEqual([0, 0, 0, 0, 0, 0]);
  });
});
