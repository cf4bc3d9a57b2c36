import { beforeAll, describe, expect, it } from 'vitest';
import * as st from '@strata/core';
import { useCpu } from './setup.js';

beforeAll(useCpu);

describe('seeded random', () => {
  it('Philox4x32-10 reproduces the published known-answer vectors', () => {
    const out = new Uint32Array(4);
    const hex = (): string[] => [...out].map((w) => w.toString(16).padStart(8, '0'));
    st.philox4x32([0, 0, 0, 0], [0, 0], out);
    expect(hex()).toEqual(['6627e8d5', 'e169c58d', 'bc57ac4c', '9b00dbd8']);
    st.philox4x32([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], out);
    expect(hex()).toEqual(['408f276d', '41c83b0e', 'a20bc7c6', '6d5451fd']);
    st.philox4x32([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0], out);
    expect(hex()).toEqual(['d16cfe09', '94fdcceb', '5001e420', '24126ea1']);
  });

  it('the same seed gives the same values; the next draw differs', () => {
    st.setSeed(1234);
    const a = Array.from(st.randomNormal([100]).dataSync());
    const b = Array.from(st.randomNormal([100]).dataSync());
    st.setSeed(1234);
    expect(Array.from(st.randomNormal([100]).dataSync())).toEqual(a);
    expect(b).not.toEqual(a);
    expect(Array.from(st.randomUniform([10], 0, 1, 'float32', 9).dataSync())).toEqual(Array.from(st.randomUniform([10], 0, 1, 'float32', 9).dataSync()));
  });

  it('distributions have the right moments and ranges', () => {
    const n = 20000;
    const normal = Array.from(st.randomNormal([n], 2, 3, 5).dataSync());
    const mean = normal.reduce((s, v) => s + v, 0) / n;
    const sd = Math.sqrt(normal.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
    expect(Math.abs(mean - 2)).toBeLessThan(0.1);
    expect(Math.abs(sd - 3)).toBeLessThan(0.1);
    const truncated = Array.from(st.truncatedNormal([n], 0, 1, 6).dataSync());
    expect(Math.max(...truncated.map(Math.abs))).toBeLessThanOrEqual(2);
    const uniform = Array.from(st.randomUniform([n], -1, 3, 'float32', 7).dataSync());
    expect(Math.min(...uniform)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...uniform)).toBeLessThan(3);
    expect(Math.abs(uniform.reduce((s, v) => s + v, 0) / n - 1)).toBeLessThan(0.05);
    const ints = Array.from(st.randomUniform([n], 0, 10, 'int32', 8).dataSync());
    expect(new Set(ints).size).toBe(10);
  });
});

describe('shuffledIndices', () => {
  it('is a permutation, repeatable from a seed, and different between draws', () => {
    const a = st.shuffledIndices(1000, 3);
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(Array.from(st.shuffledIndices(1000, 3))).toEqual(Array.from(a));
    st.setSeed(9);
    const first = Array.from(st.shuffledIndices(50));
    const second = Array.from(st.shuffledIndices(50));
    expect(second).not.toEqual(first);
    st.setSeed(9);
    expect(Array.from(st.shuffledIndices(50))).toEqual(first);
    // Every position is reached: a crude check that the shuffle is not biased to the identity.
    expect(a.filter((v, i) => v === i).length).toBeLessThan(10);
  });
});
