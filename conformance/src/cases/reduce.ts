/** Cases for reduce and argReduce. */
import { REDUCE_OPS } from '../contract.js';
import type { ArgReduceOp, DType, ReduceOp } from '../contract.js';
import * as O from '../oracle/index.js';
import { TOLERANCES } from '../tolerances.js';
import type { KernelCase } from './case.js';
import { exp, kernelCase } from './build.js';
import { Rng } from './prng.js';
import { coin, fullInt, intIn, normal, shapeStr, tensorOf, tieProne, uniform } from './values.js';
import type { Draw } from './values.js';

const AXES: [number[], number[]][] = [
  [[5], [0]],
  [[7, 13], [1]],
  [[7, 13], [0]],
  [[7, 13], [0, 1]],
  [[1, 1, 1], [0, 1, 2]],
  [[2, 3, 4, 5], [1, 3]],
  [[2, 3, 1, 5, 3], [0, 2, 4]],
  [[0, 4], [0]],
  [[3, 0], [1]],
  [[0], [0]],
  [[4, 0, 3], [0, 2]],
];

function drawFor(op: ReduceOp, dtype: DType): Draw {
  if (op === 'any') return coin(0.08);
  if (op === 'all') return coin(0.92);
  if (op === 'prod') return dtype === 'int32' ? tieProne([-1, 1, 2, -2, 3], intIn(-5, 5)) : (r) => (r.bool() ? 1 : -1) * r.uniform(0.5, 1.6);
  if (dtype === 'int32') return op === 'sum' ? fullInt : tieProne([0, 1, -1], fullInt);
  return op === 'sum' ? uniform(-1, 1) : tieProne([0, 1, -1], normal(3));
}

function reduceCases(op: ReduceOp, dtype: DType, seed: number): KernelCase[] {
  const rng = Rng.derive(seed, `reduce.${op}.${dtype}`);
  const draw = drawFor(op, dtype);
  const tol = dtype !== 'float32' || op === 'max' || op === 'min' ? TOLERANCES.exact : op === 'prod' ? TOLERANCES.product : TOLERANCES.accumulation;
  const shapes: [string, number[], number[]][] = AXES.map(([s, a]) => ['', s, a]);
  if (op === 'prod') {
    shapes.push(['long', [3, 97], [1]]);
  } else {
    shapes.push(['large inner', [300, 1031], [1]], ['large outer', [1031, 301], [0]], ['large, all', [640, 1601], [0, 1]]);
  }
  const specialsFor = (): number[] => {
    if (dtype !== 'float32') return dtype === 'int32' && op !== 'prod' ? [-2147483648, 2147483647] : [];
    if (op === 'sum') return [Infinity, NaN];
    if (op === 'max' || op === 'min') return [NaN, Infinity, -Infinity];
    return [];
  };
  const cases: KernelCase[] = shapes.map(([label, shape, axes]) => {
    const x = tensorOf(rng, shape, dtype, draw);
    return reduceCase(op, `${dtype} ${shapeStr(shape)} axes [${axes.join(',')}]${label ? ` ${label}` : ''}`, tol, x, axes);
  });
  const sp = specialsFor();
  if (sp.length > 0) {
    // few specials in a wide tensor so that most rows stay finite and a few carry NaN/Inf
    const x = tensorOf(rng, [9, 11], dtype, draw, sp);
    cases.push(reduceCase(op, `${dtype} [9,11] axes [1] special values`, tol, x, [1]));
  }
  return cases;
}

function reduceCase(op: ReduceOp, label: string, tol: (typeof TOLERANCES)[keyof typeof TOLERANCES], x: O.OTensor, axes: number[]): KernelCase {
  return kernelCase(`reduce.${op}`, label, tol, [x], (b, [xi]) => b.reduce(op, xi!, axes), () => {
    const r = O.reduce(op, x, axes);
    // prod's tolerance scales with |result|; sums with Σ|x|
    return op === 'prod' ? { value: r.value, terms: r.terms } : { value: r.value, magnitude: r.magnitude, terms: r.terms };
  });
}

function argReduceCases(op: ArgReduceOp, dtype: DType, seed: number): KernelCase[] {
  const rng = Rng.derive(seed, `argReduce.${op}.${dtype}`);
  const draw: Draw = dtype === 'int32' ? tieProne([0, 1, -1, 2], fullInt) : tieProne([0, 1, -1], normal(3));
  const shapes: [string, number[], number][] = [
    ['', [5], 0], ['', [7, 13], 0], ['', [7, 13], 1], ['', [1, 1], 0], ['', [2, 3, 4, 5], 2],
    ['', [2, 3, 1, 5, 3], 4], ['empty outer', [0, 5], 1], ['ties', [6, 40], 1], ['large', [300, 1031], 1],
  ];
  const cases = shapes.map(([label, shape, axis]) => {
    const x = label === 'ties' ? tensorOf(rng, shape, dtype, intIn(-2, 2)) : tensorOf(rng, shape, dtype, draw);
    return argCase(op, `${dtype} ${shapeStr(shape)} axis ${axis}${label ? ` ${label}` : ''}`, x, axis);
  });
  if (dtype === 'float32') {
    const x = tensorOf(rng, [9, 11], dtype, draw, [NaN, NaN, Infinity, -Infinity, NaN]);
    cases.push(argCase(op, 'float32 [9,11] axis 1 NaN and ±Inf (first NaN wins)', x, 1));
  } else {
    const x = tensorOf(rng, [9, 11], dtype, draw, [-2147483648, 2147483647, -2147483648, 2147483647]);
    cases.push(argCase(op, 'int32 [9,11] axis 1 extreme values', x, 1));
  }
  return cases;
}

function argCase(op: ArgReduceOp, label: string, x: O.OTensor, axis: number): KernelCase {
  return kernelCase(`argReduce.${op}`, label, TOLERANCES.exact, [x], (b, [xi]) => b.argReduce(op, xi!, axis), () => exp(O.argReduce(op, x, axis)));
}

export function reductionCases(seed: number): KernelCase[] {
  const out: KernelCase[] = [];
  for (const op of Object.keys(REDUCE_OPS) as ReduceOp[]) {
    for (const dtype of REDUCE_OPS[op].inputs) out.push(...reduceCases(op, dtype, seed));
  }
  for (const op of ['argMax', 'argMin'] as const) {
    for (const dtype of ['float32', 'int32'] as const) out.push(...argReduceCases(op, dtype, seed));
  }
  return out;
}
