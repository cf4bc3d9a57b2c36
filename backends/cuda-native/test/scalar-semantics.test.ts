// The elementwise kernels' own scalar code (csrc/elementwise.cu, which is __host__ __device__) and
// the reductions' identities, combining rules and argReduce code (csrc/reduce.cu), run on the CPU
// through the addon, against the cpu-reference backend on special values (NaN,
// ±Inf, ±0, denormals, int32 extremes, halves) and random ones. Only ops whose result is fully
// determined are compared bit for bit; transcendental functions differ between the host's libm
// and the GPU's and are judged by the conformance suite on a GPU.
import { describe, expect, it } from 'vitest';
import type { ArgReduceOp, BinaryOp, DType, ReduceOp, TypedArray, UnaryOp } from '@strata/core';
import { allocArray } from '@strata/core';
import { CpuBackend } from '@strata/backend-cpu';
import { binaryCode, dtypeCode, loadAddon, reduceCode, unaryCode } from '@strata/backend-cuda';
import { random } from './helpers.js';

const loaded = loadAddon();
const cpu = new CpuBackend();

const FLOAT_SPECIALS = [
  NaN, Infinity, -Infinity, 0, -0, 1, -1, 0.5, -0.5, 1.5, 2.5, -2.5, 3.5, 1e-45, -1e-45, 1.17e-38, 3.4e38, -3.4e38,
  7.25, -7.25, 2147483520, 2147483648, -2147483648, -2147483904, 16777217, 0.49999997, 1e10, -3,
];
const INT_SPECIALS = [-2147483648, 2147483647, -2147483647, -1, 0, 1, 2, -2, 3, -3, 7, -7, 65536, -65536, 46341];

function valuesOf(dtype: DType, count: number, seed: number): TypedArray {
  const next = random(seed);
  const specials = dtype === 'float32' ? FLOAT_SPECIALS : dtype === 'int32' ? INT_SPECIALS : [0, 1];
  const out = allocArray(dtype, specials.length + count);
  out.set(specials);
  for (let i = specials.length; i < out.length; i++) {
    const u = next();
    out[i] = dtype === 'float32' ? (u - 0.5) * 10 ** Math.floor(next() * 8 - 3) : dtype === 'int32' ? Math.floor((u - 0.5) * 2 ** (1 + Math.floor(next() * 32))) : u < 0.5 ? 0 : 1;
  }
  return out;
}

/** Every pair of the values (cartesian product), as two arrays. */
function pairs(values: TypedArray): [TypedArray, TypedArray] {
  const n = values.length;
  const a = allocArray(dtypeOf(values), n * n);
  const b = allocArray(dtypeOf(values), n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) { a[i * n + j] = values[i]!; b[i * n + j] = values[j]!; }
  return [a, b];
}

function dtypeOf(values: TypedArray): DType {
  return values instanceof Float32Array ? 'float32' : values instanceof Int32Array ? 'int32' : 'bool';
}

function onCpu(run: (w: (v: TypedArray) => { storage: object; shape: number[]; dtype: DType }) => { storage: object }): TypedArray {
  const write = (v: TypedArray) => ({ storage: cpu.write(v, dtypeOf(v)), shape: [v.length], dtype: dtypeOf(v) });
  return cpu.readSync(run(write).storage);
}

/** Equal, with NaN equal to NaN and +0 equal to −0; `ulps` allows that many float32 steps. */
function mismatches(actual: TypedArray, expected: TypedArray, inputs: readonly TypedArray[], ulps = 0): string[] {
  const bad: string[] = [];
  for (let i = 0; i < expected.length && bad.length < 5; i++) {
    const x = actual[i]!;
    const y = expected[i]!;
    if (x === y || (Number.isNaN(x) && Number.isNaN(y))) continue;
    if (ulps > 0 && Number.isFinite(y) && Math.abs(x - y) <= ulps * 2 ** (Math.floor(Math.log2(Math.abs(y) || 1e-45)) - 23)) continue;
    bad.push(`(${inputs.map((v) => v[i]).join(', ')}) → ${x}, reference ${y}`);
  }
  return bad;
}

const EXACT_FLOAT_UNARY: readonly UnaryOp[] = ['neg', 'abs', 'sign', 'sqrt', 'square', 'reciprocal', 'relu', 'floor', 'ceil', 'round', 'isNaN'];
const INT_UNARY: readonly UnaryOp[] = ['neg', 'abs', 'sign', 'square', 'relu'];
const EXACT_FLOAT_BINARY: readonly BinaryOp[] = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'mod', 'floorDiv', 'equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual'];
const INT_BINARY: readonly BinaryOp[] = ['add', 'sub', 'mul', 'maximum', 'minimum', 'mod', 'floorDiv', 'equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual'];
const BOOL_BINARY: readonly BinaryOp[] = ['and', 'or', 'equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual'];
const COMPARES = new Set<BinaryOp>(['equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual', 'and', 'or']);

describe.skipIf(!('addon' in loaded))('kernel scalar code (evaluated on the host) against cpu-reference', () => {
  const addon = 'addon' in loaded ? loaded.addon : undefined;

  const unaryCases: [UnaryOp, DType][] = [
    ...EXACT_FLOAT_UNARY.map((op) => [op, 'float32'] as [UnaryOp, DType]),
    ['rsqrt', 'float32'],
    ...INT_UNARY.map((op) => [op, 'int32'] as [UnaryOp, DType]),
    ['not', 'bool'],
  ];
  it.each(unaryCases)('unary %s on %s', (op, dtype) => {
    const x = valuesOf(dtype, 500, 11);
    const outDType: DType = op === 'isNaN' ? 'bool' : dtype;
    const actual = allocArray(outDType, x.length);
    addon!.hostUnary(unaryCode(op), dtypeCode(dtype), x, actual);
    const expected = onCpu((w) => cpu.unary(op, w(x)));
    // rsqrt is 1/sqrt(x) rounded twice on the GPU: one float32 step either way.
    expect(mismatches(actual, expected, [x], op === 'rsqrt' ? 1 : 0)).toEqual([]);
  });

  const binaryCases: [BinaryOp, DType][] = [
    ...EXACT_FLOAT_BINARY.map((op) => [op, 'float32'] as [BinaryOp, DType]),
    ...INT_BINARY.map((op) => [op, 'int32'] as [BinaryOp, DType]),
    ...BOOL_BINARY.map((op) => [op, 'bool'] as [BinaryOp, DType]),
  ];
  it.each(binaryCases)('binary %s on %s (all pairs of specials, and random pairs)', (op, dtype) => {
    const [a, b] = pairs(valuesOf(dtype, 60, 12));
    const actual = allocArray(COMPARES.has(op) ? 'bool' : dtype, a.length);
    addon!.hostBinary(binaryCode(op), dtypeCode(dtype), a, b, actual);
    const expected = onCpu((w) => cpu.binary(op, w(a), w(b)));
    expect(mismatches(actual, expected, [a, b])).toEqual([]);
  });

  it('pow keeps C\'s special cases: 1^y = 1 and (-1)^±Inf = 1, NaN included', () => {
    const a = new Float32Array([1, 1, 1, -1, -1, 2, NaN]);
    const b = new Float32Array([NaN, Infinity, -Infinity, Infinity, -Infinity, NaN, 0]);
    const actual = new Float32Array(a.length);
    addon!.hostBinary(binaryCode('pow'), dtypeCode('float32'), a, b, actual);
    expect(Array.from(actual)).toEqual([1, 1, 1, 1, 1, NaN, 1]);
  });

  const dtypes: DType[] = ['float32', 'int32', 'bool'];
  it.each(dtypes.flatMap((from) => dtypes.map((to) => [from, to] as [DType, DType])))('cast %s → %s', (from, to) => {
    const x = valuesOf(from, 300, 13);
    const actual = allocArray(to, x.length);
    addon!.hostCast(dtypeCode(from), dtypeCode(to), x, actual);
    const expected = onCpu((w) => cpu.cast(w(x), to));
    expect(mismatches(actual, expected, [x])).toEqual([]);
  });

  const reduceCases: [ReduceOp, DType][] = [
    ...(['sum', 'prod', 'max', 'min'] as const).flatMap((op) => [[op, 'float32'], [op, 'int32']] as [ReduceOp, DType][]),
    ['any', 'bool'], ['all', 'bool'],
  ];
  it.each(reduceCases)('reduce %s on %s (identities, NaN, wrapping; rows of 0 to 9)', (op, dtype) => {
    for (const length of [0, 1, 2, 3, 9]) {
      const values = valuesOf(dtype, 400, 14 + length);
      const rows = Math.floor(values.length / Math.max(1, length));
      const x = values.slice(0, rows * length);
      const actual = allocArray(dtype, rows);
      addon!.hostReduce(reduceCode(op), dtypeCode(dtype), x, actual, rows, length);
      const expected = onCpu((w) => cpu.reduce(op, { ...w(x), shape: [rows, length] }, [1]));
      expect(mismatches(actual, expected, [x]), `length ${length}`).toEqual([]);
    }
  });

  const argCases: [ArgReduceOp, DType][] = [['argMax', 'float32'], ['argMin', 'float32'], ['argMax', 'int32'], ['argMin', 'int32'], ['argMax', 'bool']];
  it.each(argCases)('%s on %s (ties keep the first, the first NaN wins)', (op, dtype) => {
    const next = random(15);
    for (const [outer, length, inner] of [[3, 5, 2], [1, 7, 1], [4, 1, 3], [2, 6, 5]] as const) {
      const x = allocArray(dtype, outer * length * inner);
      const pool = valuesOf(dtype, 50, 16);
      // Few distinct values, so ties are common.
      for (let i = 0; i < x.length; i++) x[i] = pool[Math.floor(next() * Math.min(pool.length, 12))]!;
      const actual = new Int32Array(outer * inner);
      addon!.hostArgReduce(op === 'argMax', dtypeCode(dtype), x, actual, outer, length, inner);
      const expected = onCpu((w) => cpu.argReduce(op, { ...w(x), shape: [outer, length, inner] }, 1));
      expect(mismatches(actual, expected, [x]), `[${outer}, ${length}, ${inner}]`).toEqual([]);
    }
  });

  it('rejects arrays of different lengths with a clear error', () => {
    expect(() => addon!.hostBinary(0, 0, new Float32Array(2), new Float32Array(3), new Float32Array(2))).toThrow(/hostBinary: arrays differ in length/);
  });
});
