import { beforeAll, describe, expect, it } from 'vitest';
import * as st from '@strata/core';
import { useCpu } from './setup.js';

beforeAll(useCpu);

describe('errors name the op, the argument and the shapes', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['matMul inner dims', () => st.matMul(st.ones([2, 3]), st.ones([4, 5])), /^matMul: inner dimensions differ: a is \[2,3\], b is \[4,5\]/],
    ['broadcast', () => st.add(st.ones([2, 3]), st.ones([4])), /^add: shapes do not broadcast: a is \[2,3\], b is \[4\]/],
    ['reshape size', () => st.reshape(st.ones([2, 3]), [4]), /^reshape: x of shape \[2,3\] has 6 elements, shape \[4\] needs 4/],
    ['axis range', () => st.sum(st.ones([2, 3]), 2), /^sum: axis 2 is out of range for a tensor of rank 2/],
    ['logical dtype', () => st.logicalAnd(st.ones([2]), st.tensor([true, false])), /^logicalAnd: argument 'a' has dtype float32 \(shape \[2\]\); expected bool/],
    ['slice bounds', () => st.slice(st.ones([3, 4]), [1, 2], [3, 1]), /^slice: begin \[1,2\] with size \[3,1\] is out of bounds for x of shape \[3,4\]/],
    ['concat shapes', () => st.concat([st.ones([2, 3]), st.ones([2, 4])], 0), /^concat: tensors\[1\] has shape \[2,4\], which does not match tensors\[0\] \[2,3\] outside axis 0/],
    ['gather dtype', () => st.gather(st.ones([3]), st.tensor([0.5])), /^gather: argument 'indices' has dtype float32/],
    ['where condition', () => st.where(st.ones([2]), 1, 2), /^where: argument 'condition' has dtype float32/],
    ['transpose perm', () => st.transpose(st.ones([2, 3]), [0, 0]), /^transpose: perm \[0,0\] is not a permutation of the 2 dims of x \[2,3\]/],
    ['split sizes', () => st.split(st.ones([5]), 2), /^split: axis 0 of x \[5\] \(size 5\) cannot be split into 2 equal parts/],
    ['null input', () => st.exp(null as unknown as st.Tensor), /^exp: argument 'x' is null/],
    ['argMax empty', () => st.argMax(st.zeros([0, 3]), 0), /^argMax: axis 0 of x \[0,3\] is empty/],
  ];
  for (const [name, run, message] of cases) {
    it(name, () => {
      const before = st.memory().buffers;
      expect(() => st.tidy(run)).toThrow(message);
      expect(st.memory().buffers).toBe(before);
    });
  }
});
