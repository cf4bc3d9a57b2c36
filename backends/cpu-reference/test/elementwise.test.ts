import type { UnaryOp } from '@strata/core';
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../src/backend.js';
import { expectClose, randomFloats, randomGenerator, read, tensor } from './helpers.js';

const backend = new CpuBackend();
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

describe('unary', () => {
  const x = randomFloats(randomGenerator(1), [50], -3, 3);
  const oracles: Partial<Record<UnaryOp, (v: number) => number>> = {
    neg: (v) => -v, abs: Math.abs, exp: Math.exp, expm1: Math.expm1, square: (v) => v * v,
    sin: Math.sin, cos: Math.cos, tanh: Math.tanh, sigmoid: (v) => 1 / (1 + Math.exp(-v)),
    relu: (v) => Math.max(v, 0), floor: Math.floor, ceil: Math.ceil, reciprocal: (v) => 1 / v,
  };
  for (const [op, oracle] of Object.entries(oracles)) {
    it(op, () => {
      expectClose(read(backend, backend.unary(op as UnaryOp, tensor(backend, x, [5, 10]))), Array.from(x, oracle!));
    });
  }

  it('log family, sqrt and rsqrt on positive inputs', () => {
    const positive = randomFloats(randomGenerator(2), [20], 0.01, 5);
    const input = tensor(backend, positive, [20]);
    expectClose(read(backend, backend.unary('log', input)), Array.from(positive, Math.log));
    expectClose(read(backend, backend.unary('log1p', input)), Array.from(positive, Math.log1p));
    expectClose(read(backend, backend.unary('sqrt', input)), Array.from(positive, Math.sqrt));
    expectClose(read(backend, backend.unary('rsqrt', input)), Array.from(positive, (v) => 1 / Math.sqrt(v)));
  });

  it('erf matches reference values to 1e-7', () => {
    // Reference values from Python's math.erf.
    const table: [number, number][] = [
      [-4.5, -0.9999999998033839], [-3.1, -0.9999883513426328], [-2.6, -0.9997639655834707],
      [-2.4, -0.999311486103355], [-1.7, -0.9837904585907745], [-0.9, -0.7969082124228322],
      [-0.3, -0.3286267594591274], [-0.001, -0.0011283787909692365], [0, 0],
      [0.2, 0.22270258921047847], [0.55, 0.563323366325109], [1, 0.8427007929497149],
      [1.49, 0.9648978648432042], [2, 0.9953222650189527], [2.5, 0.999593047982555],
      [3.3, 0.9999969422902035], [5.9, 0.9999999999999999], [7, 1],
    ];
    const got = read(backend, backend.unary('erf', tensor(backend, table.map(([v]) => v), [table.length])));
    expectClose(got, table.map(([, e]) => e), 0, 1e-7);
    expect(read(backend, backend.unary('erf', tensor(backend, [NaN, Infinity, -Infinity], [3])))).toEqual([NaN, 1, -1]);
  });

  it('round is half to even; sign and relu keep NaN', () => {
    const halves = [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5, 2.4, -2.6];
    expect(read(backend, backend.unary('round', tensor(backend, halves, [9])))).toEqual([-2, -2, -0, 0, 2, 2, 4, 2, -3]);
    expect(read(backend, backend.unary('sign', tensor(backend, [NaN, -3, 0, -0, 7], [5])))).toEqual([NaN, -1, 0, 0, 1]);
    expect(read(backend, backend.unary('relu', tensor(backend, [NaN, -1, 2], [3])))).toEqual([NaN, 0, 2]);
    expect(read(backend, backend.unary('isNaN', tensor(backend, [NaN, 1], [2])))).toEqual([1, 0]);
    expect(backend.unary('isNaN', tensor(backend, [NaN], [1])).dtype).toBe('bool');
    expect(read(backend, backend.unary('not', tensor(backend, [1, 0], [2], 'bool')))).toEqual([0, 1]);
  });

  it('int32 ops wrap', () => {
    const ints = tensor(backend, [INT32_MIN, -5, 0, 46341], [4], 'int32');
    expect(read(backend, backend.unary('neg', ints))).toEqual([INT32_MIN, 5, 0, -46341]);
    expect(read(backend, backend.unary('abs', ints))).toEqual([INT32_MIN, 5, 0, 46341]);
    expect(read(backend, backend.unary('square', ints))).toEqual([0, 25, 0, Math.imul(46341, 46341)]);
    expect(read(backend, backend.unary('sign', ints))).toEqual([-1, -1, 0, 1]);
  });
});

describe('cast and fill', () => {
  it('float → int32 truncates, NaN → 0, saturates', () => {
    const x = tensor(backend, [2.7, -2.7, NaN, Infinity, -Infinity, 3e9, -3e9, -0.5], [8]);
    expect(read(backend, backend.cast(x, 'int32'))).toEqual([2, -2, 0, INT32_MAX, INT32_MIN, INT32_MAX, INT32_MIN, 0]);
  });

  it('anything → bool is x != 0', () => {
    expect(read(backend, backend.cast(tensor(backend, [0, -0, NaN, 0.1], [4]), 'bool'))).toEqual([0, 0, 1, 1]);
    expect(read(backend, backend.cast(tensor(backend, [0, -7], [2], 'int32'), 'bool'))).toEqual([0, 1]);
    expect(read(backend, backend.cast(tensor(backend, [1, 0], [2], 'bool'), 'float32'))).toEqual([1, 0]);
  });

  it('fill converts the value like cast', () => {
    expect(read(backend, backend.fill([2, 2], 1.5, 'float32'))).toEqual([1.5, 1.5, 1.5, 1.5]);
    expect(read(backend, backend.fill([3], -2.9, 'int32'))).toEqual([-2, -2, -2]);
    expect(read(backend, backend.fill([2], NaN, 'bool'))).toEqual([1, 1]);
    const scalar = backend.fill([], 4, 'float32');
    expect(scalar.shape).toEqual([]);
    expect(read(backend, scalar)).toEqual([4]);
  });
});

describe('binary', () => {
  it('broadcasts NumPy-style', () => {
    const random = randomGenerator(3);
    const a = randomFloats(random, [2, 1, 4]);
    const b = randomFloats(random, [3, 1]);
    const out = backend.binary('sub', tensor(backend, a, [2, 1, 4]), tensor(backend, b, [3, 1]));
    expect(out.shape).toEqual([2, 3, 4]);
    const want: number[] = [];
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) want.push(a[i * 4 + k]! - b[j]!);
    expectClose(read(backend, out), want);
  });

  it('float mod and floorDiv floor; mod by 0 is NaN', () => {
    const a = tensor(backend, [7, -7, 7, -7, 5, 1], [6]);
    const b = tensor(backend, [3, 3, -3, -3, 0, Infinity], [6]);
    expect(read(backend, backend.binary('mod', a, b))).toEqual([1, 2, -2, -1, NaN, 1]);
    expect(read(backend, backend.binary('floorDiv', a, b))).toEqual([2, -3, -3, 2, Infinity, 0]);
    expectClose(read(backend, backend.binary('mod', tensor(backend, [5.5], [1]), tensor(backend, [-2], [1]))), [-0.5]);
    // A zero remainder takes the divisor's sign too, as in Python.
    expect(read(backend, backend.binary('mod', tensor(backend, [-6, 6], [2]), tensor(backend, [3, -3], [2])))).toEqual([0, -0]);
  });

  it('int32 mod and floorDiv floor, give 0 for a zero divisor, and arithmetic wraps', () => {
    const a = tensor(backend, [7, -7, 7, -7, 5, INT32_MIN], [6], 'int32');
    const b = tensor(backend, [3, 3, -3, -3, 0, -1], [6], 'int32');
    expect(read(backend, backend.binary('mod', a, b))).toEqual([1, 2, -2, -1, 0, 0]);
    expect(read(backend, backend.binary('floorDiv', a, b))).toEqual([2, -3, -3, 2, 0, INT32_MIN]);
    const big = tensor(backend, [INT32_MAX, 65536], [2], 'int32');
    expect(read(backend, backend.binary('add', big, big))).toEqual([-2, 131072]);
    expect(read(backend, backend.binary('mul', big, big))).toEqual([1, 0]);
  });

  it('maximum/minimum propagate NaN; comparisons give bool', () => {
    const a = tensor(backend, [NaN, 1, 3], [3]);
    const b = tensor(backend, [0, NaN, 2], [3]);
    expect(read(backend, backend.binary('maximum', a, b))).toEqual([NaN, NaN, 3]);
    expect(read(backend, backend.binary('minimum', a, b))).toEqual([NaN, NaN, 2]);
    const less = backend.binary('less', a, b);
    expect(less.dtype).toBe('bool');
    expect(read(backend, less)).toEqual([0, 0, 0]);
    expect(read(backend, backend.binary('notEqual', a, b))).toEqual([1, 1, 1]);
    const p = tensor(backend, [1, 1, 0, 0], [4], 'bool');
    const q = tensor(backend, [1, 0, 1, 0], [4], 'bool');
    expect(read(backend, backend.binary('and', p, q))).toEqual([1, 0, 0, 0]);
    expect(read(backend, backend.binary('or', p, q))).toEqual([1, 1, 1, 0]);
  });

  it('pow and atan2 follow C semantics', () => {
    const a = tensor(backend, [2, 1, -1, 4, -8], [5]);
    const b = tensor(backend, [10, NaN, Infinity, 0.5, 1 / 3], [5]);
    const got = read(backend, backend.binary('pow', a, b));
    expect(got.slice(0, 4)).toEqual([1024, 1, 1, 2]);
    expect(got[4]).toBeNaN();
    expectClose(read(backend, backend.binary('atan2', tensor(backend, [1, -1], [2]), tensor(backend, [-1, -1], [2]))),
      [Math.atan2(1, -1), Math.atan2(-1, -1)]);
  });
});

describe('where', () => {
  it('selects with broadcasting of all three inputs', () => {
    const cond = tensor(backend, [1, 0, 1], [3], 'bool');
    const a = tensor(backend, [10, 20], [2, 1], 'int32');
    const b = tensor(backend, [-1], [], 'int32');
    const out = backend.where(cond, a, b);
    expect(out.shape).toEqual([2, 3]);
    expect(out.dtype).toBe('int32');
    expect(read(backend, out)).toEqual([10, -1, 10, 20, -1, 20]);
  });
});
