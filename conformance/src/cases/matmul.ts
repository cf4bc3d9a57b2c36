/** Cases for matMul: transposes, batch broadcasting, empty and odd sizes, long accumulations. */
import * as O from '../oracle/index.js';
import { TOLERANCES } from '../tolerances.js';
import type { KernelCase } from './case.js';
import { kernelCase } from './build.js';
import { Rng } from './prng.js';
import { shapeStr, tensorOf, uniform } from './values.js';

/** [label, a shape, b shape, transposeA, transposeB] — shapes as stored, before transposes. */
const SPECS: [string, number[], number[], boolean, boolean][] = [
  ['1x1', [1, 1], [1, 1], false, false],
  ['odd', [7, 13], [13, 5], false, false],
  ['transposeA', [13, 7], [13, 5], true, false],
  ['transposeB', [7, 13], [5, 13], false, true],
  ['both transposed', [13, 7], [5, 13], true, true],
  ['vector-like', [1, 33], [33, 1], false, false],
  ['batched', [3, 4, 5], [3, 5, 6], false, false],
  ['batch broadcast', [2, 1, 4, 5], [3, 5, 6], false, false],
  ['batch broadcast, b batched', [1, 4, 5], [3, 2, 5], false, true],
  ['rank 5 broadcast', [2, 1, 2, 3, 4], [3, 1, 4, 2], false, false],
  ['empty m', [0, 5], [5, 3], false, false],
  ['empty k (zeros)', [4, 0], [0, 3], false, false],
  ['empty n', [4, 5], [5, 0], false, false],
  ['empty batch', [0, 2, 3], [3, 4], false, false],
  ['not a tile multiple', [33, 65], [65, 17], false, false],
  ['1023x517 output', [1023, 37], [37, 517], false, false],
  ['long accumulation', [31, 2049], [2049, 29], false, false],
  ['long accumulation, transposed', [2049, 31], [29, 2049], true, true],
];

export function matMulCases(seed: number): KernelCase[] {
  const rng = Rng.derive(seed, 'matMul');
  const cases = SPECS.map(([label, sa, sb, ta, tb]) => {
    const a = tensorOf(rng, sa, 'float32', uniform(-1, 1));
    const b = tensorOf(rng, sb, 'float32', uniform(-1, 1));
    return mm(`${shapeStr(sa)}${ta ? 'ᵀ' : ''} × ${shapeStr(sb)}${tb ? 'ᵀ' : ''} ${label}`, a, b, ta, tb);
  });
  // A NaN or Inf in a row must reach exactly that row (a tiled kernel that multiplies padding by
  // Inf would make NaN appear elsewhere).
  const a = tensorOf(rng, [9, 17], 'float32', uniform(-1, 1), [NaN, Infinity, -Infinity]);
  const b = tensorOf(rng, [17, 11], 'float32', uniform(0.1, 1));
  cases.push(mm('[9,17] × [17,11] NaN and ±Inf in a', a, b, false, false));
  return cases;
}

function mm(label: string, a: O.OTensor, b: O.OTensor, ta: boolean, tb: boolean): KernelCase {
  return kernelCase('matMul', label, TOLERANCES.accumulation, [a, b], (bk, [x, y]) => bk.matMul(x!, y!, ta, tb), () => O.matMul(a, b, ta, tb));
}
