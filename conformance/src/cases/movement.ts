/** Cases for transpose, slice, pad, concat, gather and scatterAdd (exact: nothing is computed). */
import type { DType } from '../contract.js';
import * as O from '../oracle/index.js';
import { TOLERANCES } from '../tolerances.js';
import type { KernelCase } from './case.js';
import { exp, kernelCase } from './build.js';
import { Rng } from './prng.js';
import { coin, fullInt, intIn, normal, shapeStr, tensorOf } from './values.js';
import type { Draw } from './values.js';

const { exact } = TOLERANCES;
const DTYPES = ['float32', 'int32', 'bool'] as const;

function drawOf(dtype: DType): Draw {
  return dtype === 'float32' ? normal(10) : dtype === 'int32' ? fullInt : coin();
}

/** Float data carries NaN and ±Inf too: data movement must not touch the bits' meaning. */
function data(rng: Rng, shape: readonly number[], dtype: DType): O.OTensor {
  return tensorOf(rng, shape, dtype, drawOf(dtype), dtype === 'float32' ? [NaN, Infinity, -Infinity] : []);
}

function transposeCases(seed: number): KernelCase[] {
  const rng = Rng.derive(seed, 'transpose');
  const specs: [number[], number[]][] = [
    [[7, 13], [1, 0]], [[2, 3, 4], [2, 0, 1]], [[2, 3, 4], [0, 2, 1]], [[2, 3, 4, 5, 6], [4, 2, 0, 3, 1]],
    [[], []], [[0, 3], [1, 0]], [[1, 1, 1], [2, 1, 0]], [[7, 13], [0, 1]], [[301, 517], [1, 0]], [[3, 1, 5, 1], [3, 2, 1, 0]],
  ];
  return DTYPES.flatMap((dtype) => specs.map(([shape, perm]) => {
    const x = data(rng, shape, dtype);
    return kernelCase('transpose', `${dtype} ${shapeStr(shape)} perm [${perm.join(',')}]`, exact, [x],
      (b, [xi]) => b.transpose(xi!, perm), () => exp(O.transpose(x, perm)));
  }));
}

function sliceCases(seed: number): KernelCase[] {
  const rng = Rng.derive(seed, 'slice');
  const specs: [string, number[], number[], number[]][] = [
    ['interior', [7, 13], [2, 3], [4, 9]], ['whole', [7, 13], [0, 0], [7, 13]], ['empty result', [7, 13], [3, 5], [0, 4]],
    ['scalar', [], [], []], ['one element', [1023], [511], [1]], ['last row', [7, 13], [6, 0], [1, 13]],
    ['rank 5', [2, 3, 4, 5, 6], [1, 0, 2, 1, 3], [1, 3, 2, 3, 3]], ['large', [301, 517], [17, 100], [250, 401]],
  ];
  return DTYPES.flatMap((dtype) => specs.map(([label, shape, begin, size]) => {
    const x = data(rng, shape, dtype);
    return kernelCase('slice', `${dtype} ${shapeStr(shape)} begin [${begin.join(',')}] size [${size.join(',')}] ${label}`, exact, [x],
      (b, [xi]) => b.slice(xi!, begin, size), () => exp(O.slice(x, begin, size)));
  }));
}

function padCases(seed: number): KernelCase[] {
  const rng = Rng.derive(seed, 'pad');
  const specs: [string, number[], [number, number][]][] = [
    ['both sides', [7, 13], [[1, 2], [3, 0]]], ['none', [7, 13], [[0, 0], [0, 0]]], ['rank 1', [5], [[4, 1]]],
    ['scalar', [], []], ['empty input', [0, 3], [[2, 1], [0, 0]]], ['rank 5', [2, 1, 3, 1, 2], [[0, 1], [1, 1], [0, 0], [2, 0], [1, 2]]],
    ['large', [301, 517], [[3, 5], [7, 11]]],
  ];
  return DTYPES.flatMap((dtype) => specs.map(([label, shape, paddings]) => {
    const x = data(rng, shape, dtype);
    const value = dtype === 'float32' ? Math.fround(rng.normal() * 5) : dtype === 'int32' ? rng.int(-100, 100) : 1;
    return kernelCase('pad', `${dtype} ${shapeStr(shape)} paddings ${JSON.stringify(paddings)} value ${value} ${label}`, exact, [x],
      (b, [xi]) => b.pad(xi!, paddings, value), () => exp(O.pad(x, paddings, value)));
  }));
}

function concatCases(seed: number): KernelCase[] {
  const rng = Rng.derive(seed, 'concat');
  const specs: [string, number[][], number][] = [
    ['axis 0', [[3, 5], [4, 5]], 0], ['axis 1', [[3, 5], [3, 2], [3, 7]], 1], ['single input', [[7, 13]], 0],
    ['with empty part', [[0, 5], [2, 5], [0, 5]], 0], ['rank 1', [[1], [1], [1]], 0],
    ['rank 5 inner axis', [[2, 1, 3, 2, 2], [2, 1, 1, 2, 2]], 2], ['last axis', [[2, 3, 1], [2, 3, 4]], 2],
    ['large', [[300, 517], [1, 517], [211, 517]], 0],
  ];
  return DTYPES.flatMap((dtype) => specs.map(([label, shapes, axis]) => {
    const xs = shapes.map((s) => data(rng, s, dtype));
    return kernelCase('concat', `${dtype} ${shapes.map(shapeStr).join(' ++ ')} axis ${axis} ${label}`, exact, xs,
      (b, infos) => b.concat(infos, axis), () => exp(O.concat(xs, axis)));
  }));
}

function gatherCases(seed: number): KernelCase[] {
  const rng = Rng.derive(seed, 'gather');
  // indices: in range mostly, with repeats; `oob` adds -1, size and a large index (→ zeros)
  const specs: [string, number[], number[], number, boolean][] = [
    ['rows', [7, 13], [5], 0, false], ['columns', [7, 13], [9], 1, false], ['scalar index', [7, 13], [], 0, false],
    ['2-D indices', [7, 13], [2, 3], 1, false], ['out of range → 0', [7, 13], [8], 0, true], ['empty indices', [7, 13], [0], 1, false],
    ['rank 4 axis 2', [2, 3, 5, 4], [3, 2], 2, true], ['rank 1', [11], [20], 0, false], ['large', [1000, 257], [3000], 0, false],
  ];
  return DTYPES.flatMap((dtype) => specs.map(([label, xShape, iShape, axis, oob]) => {
    const x = data(rng, xShape, dtype);
    const size = xShape[axis]!;
    const indices = tensorOf(rng, iShape, 'int32', intIn(0, size - 1), oob ? [-1, size, 1 << 20] : []);
    return kernelCase('gather', `${dtype} x ${shapeStr(xShape)} indices ${shapeStr(iShape)} axis ${axis} ${label}`, exact, [x, indices],
      (b, [xi, ii]) => b.gather(xi!, ii!, axis), () => exp(O.gather(x, indices, axis)));
  }));
}

function scatterAddCases(seed: number): KernelCase[] {
  const rng = Rng.derive(seed, 'scatterAdd');
  // [label, updates shape, indices shape, axis, size, out-of-range]
  const specs: [string, number[], number[], number, number, boolean][] = [
    ['rows with repeats', [9, 13], [9], 0, 4, false], ['columns', [7, 6], [6], 1, 10, false], ['scalar index', [13], [], 0, 5, false],
    ['2-D indices', [2, 3, 5], [2, 3], 0, 4, false], ['out of range skipped', [8, 5], [8], 0, 6, true],
    ['empty indices', [0, 5], [0], 0, 3, false], ['rank 4 axis 1', [2, 6, 3, 2], [6], 1, 3, true],
    ['large', [3000, 129], [3000], 0, 1000, false],
  ];
  const out: KernelCase[] = [];
  for (const dtype of ['float32', 'int32'] as const) {
    for (const [label, uShape, iShape, axis, size, oob] of specs) {
      // float sums of repeated indices accumulate rounding; int32 wraps exactly
      const updates = tensorOf(rng, uShape, dtype, dtype === 'float32' ? normal(3) : fullInt);
      const indices = tensorOf(rng, iShape, 'int32', intIn(0, size - 1), oob ? [-1, size, 1 << 20] : []);
      const tol = dtype === 'float32' ? TOLERANCES.accumulation : exact;
      out.push(kernelCase('scatterAdd', `${dtype} updates ${shapeStr(uShape)} indices ${shapeStr(iShape)} axis ${axis} size ${size} ${label}`, tol,
        [updates, indices], (b, [ui, ii]) => b.scatterAdd(ui!, ii!, axis, size), () => {
          const value = O.scatterAdd(updates, indices, axis, size);
          // Σ|update| per output, through the same scatter, bounds the float32 rounding.
          const abs = O.scatterAdd({ ...updates, dtype: 'float32', data: updates.data.map(Math.abs) }, indices, axis, size);
          const counts = new Map<number, number>();
          for (const i of indices.data) counts.set(i, (counts.get(i) ?? 0) + 1);
          const terms = Math.max(1, ...counts.values());
          return { value, magnitude: abs.data, terms };
        }));
    }
  }
  return out;
}

export function movementCases(seed: number): KernelCase[] {
  return [...transposeCases(seed), ...sliceCases(seed), ...padCases(seed), ...concatCases(seed), ...gatherCases(seed), ...scatterAddCases(seed)];
}

