/** Cases for fill, cast, unary, binary and where. */
import { BINARY_OPS, UNARY_OPS } from '../contract.js';
import type { BinaryOp, DType, UnaryOp } from '../contract.js';
import * as O from '../oracle/index.js';
import type { OTensor } from '../oracle/index.js';
import { TOLERANCES } from '../tolerances.js';
import type { Tolerance } from '../tolerances.js';
import type { KernelCase } from './case.js';
import { exp, kernelCase } from './build.js';
import { Rng } from './prng.js';
import {
  DENORMAL, HUGE, INT_MAX, INT_MIN, coin, crossPairs, fullInt, intIn, normal, randomShape, shapeStr,
  tensorFrom, tensorOf, tieProne, uniform,
} from './values.js';
import type { Draw } from './values.js';

const { exact, rounding, transcendental, modulo } = TOLERANCES;
const NaN_ = Number.NaN;
const Inf = Number.POSITIVE_INFINITY;

interface ValueSpec {
  readonly draw: Draw;
  readonly specials: readonly number[];
  readonly tol: Tolerance;
}

const positive: Draw = (r) => Math.exp(r.uniform(-10, 10));
const signedLog: Draw = (r) => (r.bool() ? 1 : -1) * Math.exp(r.uniform(-10, 10));
const halves: Draw = (r) => (r.bool(0.3) ? r.int(-20, 20) + 0.5 : r.normal() * 20);
const INT_SPECIALS = [INT_MIN, INT_MAX, 0, -1, 1, 46341, -46341];

function unarySpec(op: UnaryOp, dtype: DType): ValueSpec {
  if (dtype === 'int32') return { draw: (r) => (r.bool() ? fullInt(r) : r.int(-100, 100)), specials: INT_SPECIALS, tol: exact };
  if (dtype === 'bool') return { draw: coin(), specials: [], tol: exact };
  const S = { NaN: NaN_, Inf, nInf: -Inf };
  switch (op) {
    case 'neg': case 'abs': case 'relu':
      return { draw: normal(10), specials: [S.NaN, Inf, -Inf, 0, -0, DENORMAL, -DENORMAL, HUGE, -HUGE], tol: rounding };
    case 'sign': return { draw: normal(10), specials: [S.NaN, Inf, -Inf, 0, -0, HUGE, -HUGE], tol: rounding };
    case 'exp': return { draw: uniform(-20, 20), specials: [S.NaN, Inf, -Inf, 0, -0, DENORMAL, 89, 88.5, -104], tol: transcendental };
    case 'log': return { draw: positive, specials: [S.NaN, Inf, 0, -1, -Inf, 1, HUGE], tol: transcendental };
    case 'log1p': return { draw: (r) => (r.bool(0.3) ? r.uniform(-1e-3, 1e-3) : r.uniform(-0.99, 20)), specials: [S.NaN, Inf, -1, -2, 0, DENORMAL], tol: transcendental };
    case 'expm1': return { draw: (r) => (r.bool(0.3) ? r.uniform(-1e-3, 1e-3) : r.uniform(-10, 10)), specials: [S.NaN, Inf, -Inf, 0, DENORMAL, 1e-7], tol: transcendental };
    case 'sqrt': return { draw: positive, specials: [S.NaN, Inf, 0, -1, -Inf, HUGE, 4], tol: rounding };
    case 'rsqrt': return { draw: positive, specials: [S.NaN, Inf, 0, -1, 4], tol: rounding };
    case 'square': return { draw: normal(10), specials: [S.NaN, Inf, -Inf, 1e20, -1e20, DENORMAL], tol: rounding };
    case 'reciprocal': return { draw: signedLog, specials: [S.NaN, Inf, -Inf, 0, -0, 1e30], tol: rounding };
    case 'sin': case 'cos': return { draw: uniform(-10, 10), specials: [S.NaN, Inf, -Inf, 0], tol: transcendental };
    case 'tanh': return { draw: normal(3), specials: [S.NaN, Inf, -Inf, 20, -20, 0, DENORMAL], tol: transcendental };
    case 'sigmoid': return { draw: normal(5), specials: [S.NaN, Inf, -Inf, 100, -100, 0], tol: transcendental };
    case 'erf': return { draw: normal(2), specials: [S.NaN, Inf, -Inf, 0, 6, -6, DENORMAL], tol: transcendental };
    case 'floor': case 'ceil': return { draw: halves, specials: [S.NaN, Inf, -Inf, -0, 0.5, -0.5, 1e30, -1e30], tol: rounding };
    case 'round': return { draw: halves, specials: [S.NaN, Inf, -Inf, 0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 1e30], tol: rounding };
    case 'isNaN': return { draw: normal(10), specials: [S.NaN, Inf, -Inf, 0, -0, S.NaN], tol: exact };
    case 'not': return { draw: coin(), specials: [], tol: exact };
  }
}

/** The shapes every elementwise kernel is run on; `large` is kept moderate for slow reference backends. */
function elementwiseShapes(rng: Rng): { label: string; shape: number[]; specials: boolean }[] {
  return [
    { label: 'scalar', shape: [], specials: false },
    { label: 'empty', shape: [0], specials: false },
    { label: 'empty inner', shape: [3, 0, 2], specials: false },
    { label: '1x1x1', shape: [1, 1, 1], specials: false },
    { label: 'odd', shape: [7, 13], specials: false },
    { label: 'rank 5', shape: [2, 3, 1, 5, 3], specials: false },
    { label: 'random', shape: randomShape(rng, rng.int(1, 4)), specials: false },
    { label: 'special values', shape: [61], specials: true },
    { label: 'large', shape: [301, 517], specials: true },
  ];
}

function unaryCases(op: UnaryOp, dtype: DType, seed: number): KernelCase[] {
  const rng = Rng.derive(seed, `unary.${op}.${dtype}`);
  const spec = unarySpec(op, dtype);
  return elementwiseShapes(rng).map(({ label, shape, specials }) => {
    const x = tensorOf(rng, shape, dtype, spec.draw, specials ? spec.specials : []);
    return kernelCase(`unary.${op}`, `${dtype} ${shapeStr(shape)} ${label}`, spec.tol, [x],
      (b, [xi]) => b.unary(op, xi!), () => exp(O.unary(op, x)));
  });
}

interface BinarySpec {
  readonly a: Draw;
  readonly b: Draw;
  /** Special values tried against each other (every ordered pair). */
  readonly cross: readonly number[];
  /** Hand-picked pairs whose answer the contract pins down. */
  readonly pairs: readonly (readonly [number, number])[];
  readonly tol: Tolerance;
}

const POW2: readonly number[] = [0.25, 0.5, 1, 2, 4, 8, -0.25, -0.5, -1, -2, -4, -8];

function binarySpec(op: BinaryOp, dtype: DType): BinarySpec {
  const none: readonly (readonly [number, number])[] = [];
  if (dtype === 'bool') return { a: coin(), b: coin(), cross: [0, 1], pairs: none, tol: exact };
  const compare = BINARY_OPS[op].output === 'bool';
  if (dtype === 'int32') {
    if (compare) return { a: tieProne([-2, -1, 0, 1, 2], intIn(-5, 5)), b: tieProne([-2, -1, 0, 1, 2], fullInt), cross: INT_SPECIALS, pairs: none, tol: exact };
    if (op === 'mod' || op === 'floorDiv') {
      return { a: (r) => (r.bool(0.2) ? fullInt(r) : r.int(-1000, 1000)), b: tieProne([0, -1, 1, 7, -7], intIn(-50, 50)), cross: [INT_MIN, INT_MAX, -1, 0, 1, 7, -7], pairs: none, tol: exact };
    }
    return { a: fullInt, b: (r) => (r.bool() ? fullInt(r) : r.int(-100, 100)), cross: INT_SPECIALS, pairs: none, tol: exact };
  }
  if (compare) return { a: tieProne([-2, -1, 0, -0, 0.5, 1, 2], normal(2)), b: tieProne([-2, -1, 0, -0, 0.5, 1, 2], normal(2)), cross: [NaN_, Inf, -Inf, 0, -0, 1, -1, 1e-30], pairs: none, tol: exact };
  switch (op) {
    case 'add': case 'sub':
      return { a: signedLog, b: signedLog, cross: [NaN_, Inf, -Inf, 0, -0, 1.5, -2, DENORMAL, HUGE, -HUGE], pairs: none, tol: rounding };
    case 'mul':
      return { a: signedLog, b: normal(4), cross: [NaN_, Inf, -Inf, 0, -0, 1.5, -2, HUGE, -HUGE], pairs: none, tol: rounding };
    case 'div':
      return { a: signedLog, b: signedLog, cross: [NaN_, Inf, -Inf, 0, -0, 1.5, -2, 1e30], pairs: none, tol: rounding };
    case 'maximum': case 'minimum':
      return { a: tieProne([0, 1, -1], normal(3)), b: normal(3), cross: [NaN_, Inf, -Inf, 0, 1.5, -2, DENORMAL, HUGE], pairs: none, tol: rounding };
    case 'pow':
      return {
        a: uniform(0.1, 4), b: uniform(-3, 3), cross: [],
        pairs: [[-2, 3], [-2, 2], [-1.5, -1], [-8, 1 / 3], [0, 2], [0, -1], [2, Inf], [0.5, Inf], [2, -Inf], [Inf, -1], [Inf, 2],
          [NaN_, 1], [2, NaN_], [3, 0], [-3, 0], [0, 0], [10, 30], [10, 40]],
        tol: transcendental,
      };
    case 'atan2':
      return {
        a: normal(3), b: normal(3), cross: [],
        pairs: [[1, 0], [-1, 0], [0, 1], [0, -1], [Inf, 1], [-Inf, 1], [1, Inf], [1, -Inf], [-1, -Inf], [NaN_, 1], [1, NaN_], [3, -3]],
        tol: transcendental,
      };
    case 'mod': case 'floorDiv':
      // Power-of-two divisors make a/b exact in float32 and float64 alike, so floor(a/b) cannot
      // land on the other side of an integer through rounding alone.
      return {
        a: uniform(-50, 50), b: (r) => r.pick(POW2), cross: [],
        pairs: [[7, 3], [-7, 3], [7, -3], [-7, -3], [6, 3], [-6, 3], [0.75, -0.5], [-0.75, 0.5], [5, 0.5], [NaN_, 2], [2, NaN_], [0, 3]],
        tol: op === 'mod' ? modulo : rounding,
      };
    default:
      throw new Error(`conformance: no float spec for ${op}`);
  }
}

function binaryCases(op: BinaryOp, dtype: DType, seed: number): KernelCase[] {
  const rng = Rng.derive(seed, `binary.${op}.${dtype}`);
  const spec = binarySpec(op, dtype);
  const shapes: [string, number[], number[]][] = [
    ['scalars', [], []],
    ['scalar ⊕ tensor', [], [7, 13]],
    ['tensor ⊕ scalar', [7, 13], []],
    ['same shape', [7, 13], [7, 13]],
    ['row broadcast', [7, 13], [1, 13]],
    ['outer broadcast', [7, 1], [1, 13]],
    ['rank-expanding broadcast', [3, 1, 4], [5, 1]],
    ['rank 5 broadcast', [2, 1, 3, 1, 5], [1, 4, 3, 6, 1]],
    ['empty', [0, 3], [1, 3]],
    ['1x1x1 ⊕ [1]', [1, 1, 1], [1]],
    randomBroadcastPair(rng),
    ['large', [257, 1023], [1023]],
  ];
  const cases = shapes.map(([label, sa, sb]) => {
    const a = tensorOf(rng, sa, dtype, spec.a);
    const b = tensorOf(rng, sb, dtype, spec.b);
    return binaryCase(op, `${dtype} ${shapeStr(sa)} ⊕ ${shapeStr(sb)} ${label}`, spec.tol, a, b);
  });
  if (spec.cross.length > 0) {
    const [a, b] = crossPairs(dtype, spec.cross);
    cases.push(binaryCase(op, `${dtype} special values, every pair`, spec.tol, a, b));
  }
  if (spec.pairs.length > 0) {
    const a = tensorFrom([spec.pairs.length], dtype, spec.pairs.map((p) => p[0]));
    const b = tensorFrom([spec.pairs.length], dtype, spec.pairs.map((p) => p[1]));
    cases.push(binaryCase(op, `${dtype} defined edge cases`, spec.tol, a, b));
  }
  return cases;
}

/** A random rank-3 shape and a broadcast partner: its trailing dims, some set to 1. */
function randomBroadcastPair(rng: Rng): [string, number[], number[]] {
  const a = randomShape(rng, 3, 1, 6);
  return ['random broadcast', a, a.slice(1).map((d) => (rng.bool() ? d : 1))];
}

function binaryCase(op: BinaryOp, label: string, tol: Tolerance, a: OTensor, b: OTensor): KernelCase {
  return kernelCase(`binary.${op}`, label, tol, [a, b], (bk, [x, y]) => bk.binary(op, x!, y!), () => exp(O.binary(op, a, b)));
}

function whereCases(seed: number): KernelCase[] {
  const rng = Rng.derive(seed, 'where');
  const triples: [string, number[], number[], number[]][] = [
    ['scalars', [], [], []],
    ['same shape', [7, 13], [7, 13], [7, 13]],
    ['broadcast all three', [7, 1], [1, 13], [7, 13]],
    ['scalar branch', [7, 13], [], [1, 13]],
    ['rank 5', [2, 1, 3, 1, 5], [1, 4, 3, 1, 1], [5]],
    ['empty', [0, 3], [1, 3], [3]],
    ['large', [257, 1], [257, 1023], [1023]],
  ];
  const out: KernelCase[] = [];
  for (const dtype of ['float32', 'int32', 'bool'] as const) {
    const draw: Draw = dtype === 'float32' ? normal(5) : dtype === 'int32' ? fullInt : coin();
    for (const [label, sc, sa, sb] of triples) {
      const c = tensorOf(rng, sc, 'bool', coin());
      // NaN in either branch must pass through where chosen and must not leak where not.
      const sp = dtype === 'float32' ? [NaN_, Inf, -Inf] : [];
      const a = tensorOf(rng, sa, dtype, draw, sp);
      const b = tensorOf(rng, sb, dtype, draw, sp);
      out.push(kernelCase('where', `${dtype} cond ${shapeStr(sc)} a ${shapeStr(sa)} b ${shapeStr(sb)} ${label}`, dtype === 'float32' ? rounding : exact,
        [c, a, b], (bk, [ci, ai, bi]) => bk.where(ci!, ai!, bi!), () => exp(O.where(c, a, b))));
    }
  }
  return out;
}

function fillCases(seed: number): KernelCase[] {
  const rng = Rng.derive(seed, 'fill');
  const shapes = [[], [0], [1, 1, 1], [7, 13], [2, 3, 1, 5, 3], [513, 1021]];
  const values: [DType, number][] = [
    ['float32', rng.normal() * 100], ['float32', NaN_], ['float32', -Inf], ['float32', -0], ['float32', Math.fround(0.1)],
    ['int32', rng.int(-1e6, 1e6)], ['int32', INT_MIN], ['bool', 1], ['bool', 0],
  ];
  const out: KernelCase[] = [];
  values.forEach(([dtype, value], i) => {
    const picks = i < 2 || i === 5 || i === 7 ? shapes : [shapes[3]!, shapes[0]!];
    for (const shape of picks) {
      out.push(kernelCase('fill', `${dtype} ${shapeStr(shape)} value ${value}`, exact, [],
        (b) => b.fill(shape, value, dtype), () => exp(O.fill(shape, value, dtype))));
    }
  });
  return out;
}

function castCases(seed: number): KernelCase[] {
  const rng = Rng.derive(seed, 'cast');
  const src: Record<DType, { draw: Draw; specials: number[] }> = {
    float32: { draw: normal(1000), specials: [NaN_, -0.5, 0.5, -1.7, 1.7, -0, 2147483520, -2147483648, 16777217] },
    int32: { draw: fullInt, specials: [INT_MAX, INT_MIN, 16777217, -16777217, 0, 1] },
    bool: { draw: coin(), specials: [0, 1] },
  };
  const out: KernelCase[] = [];
  const dtypes = ['float32', 'int32', 'bool'] as const;
  for (const from of dtypes) {
    for (const to of dtypes) {
      // float → bool: NaN and ±Inf are non-zero; denormals are left out (flush-to-zero hardware).
      const specials = from === 'float32' && to === 'bool' ? [NaN_, Inf, -Inf, 0, -0] : src[from].specials;
      for (const [label, shape] of [['scalar', []], ['empty', [0, 4]], ['special values', [7, 13]], ['large', [301, 517]]] as const) {
        const x = tensorOf(rng, shape, from, src[from].draw, label === 'special values' ? specials : []);
        out.push(kernelCase('cast', `${from}→${to} ${shapeStr(shape)} ${label}`, exact, [x],
          (b, [xi]) => b.cast(xi!, to), () => exp(O.cast(x, to))));
      }
    }
  }
  return out;
}

export function elementwiseCases(seed: number): KernelCase[] {
  const out: KernelCase[] = [...fillCases(seed), ...castCases(seed)];
  for (const op of Object.keys(UNARY_OPS) as UnaryOp[]) {
    for (const dtype of UNARY_OPS[op].inputs) out.push(...unaryCases(op, dtype, seed));
  }
  for (const op of Object.keys(BINARY_OPS) as BinaryOp[]) {
    for (const dtype of BINARY_OPS[op].inputs) out.push(...binaryCases(op, dtype, seed));
  }
  out.push(...whereCases(seed));
  return out;
}
