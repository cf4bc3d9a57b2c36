import { describe, expect, it } from 'vitest';
import * as O from '../src/oracle/index.js';

const t = (shape: number[], data: number[], dtype: 'float32' | 'int32' | 'bool' = 'float32') => O.make(shape, dtype, data);
const vals = (x: O.OTensor) => Array.from(x.data);

describe('oracle on hand-derivable facts', () => {
  it('rounds half to even and keeps NumPy sign/relu rules', () => {
    expect(vals(O.unary('round', t([6], [0.5, 1.5, 2.5, -0.5, -1.5, 2.4])))).toEqual([0, 2, 2, -0, -2, 2]);
    expect(vals(O.unary('sign', t([4], [NaN, -0, 3, -2])))).toEqual([NaN, 0, 1, -1]);
    expect(vals(O.unary('relu', t([3], [NaN, -1, 2])))).toEqual([NaN, 0, 2]);
  });

  it('computes erf to float64 accuracy', () => {
    expect(O.erf64(1)).toBeCloseTo(0.8427007929497149, 14);
    expect(O.erf64(-0.5)).toBeCloseTo(-0.5204998778130465, 14);
    expect(O.erf64(3.5)).toBeCloseTo(0.9999992569016276, 14);
  });

  it('uses Python mod/floorDiv, int32 wraparound and zero divisors giving 0', () => {
    const a = t([4], [7, -7, 7, -7], 'int32');
    const b = t([4], [2, 2, -2, 0], 'int32');
    expect(vals(O.binary('mod', a, b))).toEqual([1, 1, -1, 0]);
    expect(vals(O.binary('floorDiv', a, b))).toEqual([3, -4, -4, 0]);
    expect(vals(O.binary('add', t([1], [2147483647], 'int32'), t([1], [1], 'int32')))).toEqual([-2147483648]);
    expect(vals(O.binary('floorDiv', t([1], [-2147483648], 'int32'), t([1], [-1], 'int32')))).toEqual([-2147483648]);
    expect(vals(O.binary('mod', t([2], [-7.5, 7.5]), t([2], [2, -2])))).toEqual([0.5, -0.5]);
  });

  it('reduces empty sets to their identities and propagates NaN through max', () => {
    const empty = t([0, 2], []);
    expect(vals(O.reduce('sum', empty, [0]).value)).toEqual([0, 0]);
    expect(vals(O.reduce('prod', empty, [0]).value)).toEqual([1, 1]);
    expect(vals(O.reduce('max', empty, [0]).value)).toEqual([-Infinity, -Infinity]);
    expect(vals(O.reduce('max', t([0, 1], [], 'int32'), [0]).value)).toEqual([-2147483648]);
    expect(vals(O.reduce('max', t([3], [1, NaN, 2]), [0]).value)).toEqual([NaN]);
  });

  it('argMax takes the first tie and the first NaN', () => {
    expect(vals(O.argReduce('argMax', t([5], [1, 3, 3, 0, 2]), 0))).toEqual([1]);
    expect(vals(O.argReduce('argMax', t([4], [1, NaN, 9, NaN]), 0))).toEqual([1]);
    expect(vals(O.argReduce('argMin', t([2, 2], [4, 1, 2, 3]), 1))).toEqual([1, 0]);
  });

  it('multiplies, transposes and broadcasts batches', () => {
    const a = t([2, 2], [1, 2, 3, 4]);
    const b = t([2, 2], [5, 6, 7, 8]);
    expect(vals(O.matMul(a, b, false, false).value)).toEqual([19, 22, 43, 50]);
    expect(vals(O.matMul(a, b, true, false).value)).toEqual([26, 30, 38, 44]);
    expect(O.matMul(t([2, 1, 2, 3], new Array(12).fill(1)), t([4, 3, 5], new Array(60).fill(1)), false, false).value.shape).toEqual([2, 4, 2, 5]);
  });

  it('gathers zeros out of range and scatterAdd sums repeats and skips out of range', () => {
    const x = t([3, 2], [1, 2, 3, 4, 5, 6]);
    expect(vals(O.gather(x, t([3], [2, -1, 0], 'int32'), 0))).toEqual([5, 6, 0, 0, 1, 2]);
    expect(vals(O.scatterAdd(t([3], [1, 10, 100]), t([3], [1, 1, 5], 'int32'), 0, 3))).toEqual([0, 11, 0]);
  });

  it('convolves: a 1x1 identity filter returns the input; padding counts nothing in avgPool', () => {
    const x = t([1, 2, 2, 1], [1, 2, 3, 4]);
    const id = t([1, 1, 1, 1], [1]);
    const attrs = { strides: [1, 1] as [number, number], dilations: [1, 1] as [number, number], pad: [0, 0, 0, 0] as [number, number, number, number] };
    expect(vals(O.conv2d(x, id, attrs).value)).toEqual([1, 2, 3, 4]);
    const avg = O.avgPool(x, { filterSize: [2, 2], strides: [1, 1], pad: [1, 0, 1, 0] });
    expect(vals(avg)).toEqual([1, 1.5, 2, 2.5]);
    expect(vals(O.maxPoolBackprop(t([1, 1, 1, 1], [7]), t([1, 2, 2, 1], [5, 9, 9, 1]), { filterSize: [2, 2], strides: [2, 2], pad: [0, 0, 0, 0] }))).toEqual([0, 7, 0, 0]);
  });

  it('softmax rows sum to one, even for huge logits', () => {
    const s = O.softmax(t([2, 3], [1000, 1001, 1002, -1, 0, 1]));
    expect(s.data[0]! + s.data[1]! + s.data[2]!).toBeCloseTo(1, 14);
    expect(s.data.every((v) => Number.isFinite(v))).toBe(true);
  });
});
