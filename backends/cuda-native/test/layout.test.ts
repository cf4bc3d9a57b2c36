// The index layouts the JS layer hands to the kernels, checked without a GPU: each layout is
// walked exactly as its kernel walks it (csrc/launch.cuh unravelStrided, csrc/movement.cu
// copyKernel) and compared with the operation done directly on multi-indices of random shapes.
import { describe, expect, it } from 'vitest';
import { sizeOf, stridesOf } from '@strata/core';
import type { CopyLayout, StridedLayout } from '../src/layout.js';
import {
  MAX_KERNEL_RANK, broadcastLayout, convGeometry, matMulPlan, padLayout, poolGeometry, reducePlan, scalarBits,
  sliceLayout, transposeLayout,
} from '../src/layout.js';
import { random, randomShape } from './helpers.js';

/** What copyKernel computes: out[i] = x[offset] or fill. */
function runCopy(x: readonly number[], layout: CopyLayout, fill: number): number[] {
  const n = sizeOf(layout.dims);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    let rest = i;
    let offset = layout.base;
    let inside = true;
    for (let d = layout.dims.length - 1; d >= 0; d--) {
      const coord = (rest % layout.dims[d]!) - layout.lo[d]!;
      rest = Math.floor(rest / layout.dims[d]!);
      inside &&= coord >= 0 && coord < layout.extent[d]!;
      offset += coord * layout.inStrides[d]!;
    }
    out.push(inside ? x[offset]! : fill);
  }
  return out;
}

/** What unravelStrided computes: the offset of output element i in each input. */
function offsetsOf(layout: StridedLayout, i: number): number[] {
  const offsets = layout.strides.map(() => 0);
  let rest = i;
  for (let d = layout.dims.length - 1; d >= 0; d--) {
    const coord = rest % layout.dims[d]!;
    rest = Math.floor(rest / layout.dims[d]!);
    layout.strides.forEach((s, t) => { offsets[t]! += coord * s[d]!; });
  }
  return offsets;
}

function unravel(i: number, shape: readonly number[]): number[] {
  const index: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    index.unshift(i % shape[d]!);
    i = Math.floor(i / shape[d]!);
  }
  return index;
}

function ravel(index: readonly number[], shape: readonly number[]): number {
  return index.reduce((flat, v, d) => flat * shape[d]! + v, 0);
}

const iota = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('broadcastLayout', () => {
  it('maps every output element to the input elements NumPy broadcasting picks', () => {
    const next = random(1);
    for (let trial = 0; trial < 200; trial++) {
      const rank = Math.floor(next() * 6);
      const out = randomShape(next, rank, 4);
      // Each input drops leading dims and sets some dims to 1.
      const inputs = [0, 1].map(() => out.slice(Math.floor(next() * (rank + 1))).map((d) => (next() < 0.4 ? 1 : d)));
      const layout = broadcastLayout('test', inputs, out);
      expect(layout.dims.length).toBeLessThanOrEqual(rank);
      expect(sizeOf(layout.dims)).toBe(sizeOf(out));
      for (let i = 0; i < sizeOf(out); i++) {
        const index = unravel(i, out);
        const expected = inputs.map((shape) => ravel(index.slice(rank - shape.length).map((v, d) => (shape[d] === 1 ? 0 : v)), shape));
        expect(offsetsOf(layout, i), `out ${JSON.stringify(out)} inputs ${JSON.stringify(inputs)} i ${i}`).toEqual(expected);
      }
    }
  });

  it('merges dims so high ranks fit the kernels, and names the op when they cannot', () => {
    expect(broadcastLayout('add', [[2, 3, 4, 5, 6, 7, 8, 9, 10], [2, 3, 4, 5, 6, 7, 8, 9, 10]], [2, 3, 4, 5, 6, 7, 8, 9, 10]).dims).toEqual([3628800]);
    const alternating = Array.from({ length: 10 }, (_, d) => (d % 2 === 0 ? 2 : 1));
    const full = Array.from({ length: 10 }, () => 2);
    expect(() => broadcastLayout('binary(add)', [alternating, full], full)).toThrow(/binary\(add\).*10 independent dims; at most 8/);
    expect(MAX_KERNEL_RANK).toBe(8);
  });
});

describe('copy layouts', () => {
  it('transpose puts input dim perm[i] at output dim i', () => {
    const next = random(2);
    for (let trial = 0; trial < 100; trial++) {
      const shape = randomShape(next, 1 + Math.floor(next() * 5), 4);
      const perm = iota(shape.length).sort(() => next() - 0.5);
      const x = iota(sizeOf(shape));
      const outShape = perm.map((p) => shape[p]!);
      const expected = iota(sizeOf(outShape)).map((i) => {
        const o = unravel(i, outShape);
        const index: number[] = [];
        perm.forEach((p, d) => { index[p] = o[d]!; });
        return x[ravel(index, shape)]!;
      });
      expect(runCopy(x, transposeLayout(shape, perm), -1)).toEqual(expected);
    }
  });

  it('slice reads the block at begin', () => {
    const next = random(3);
    for (let trial = 0; trial < 100; trial++) {
      const shape = randomShape(next, 1 + Math.floor(next() * 4), 5);
      const begin = shape.map((d) => Math.floor(next() * d));
      const size = shape.map((d, i) => Math.floor(next() * (d - begin[i]! + 1)));
      const x = iota(sizeOf(shape));
      const expected = iota(sizeOf(size)).map((i) => x[ravel(unravel(i, size).map((v, d) => v + begin[d]!), shape)]!);
      expect(runCopy(x, sliceLayout(shape, begin, size), -1)).toEqual(expected);
    }
  });

  it('pad surrounds the input with the fill value', () => {
    const next = random(4);
    for (let trial = 0; trial < 100; trial++) {
      const shape = randomShape(next, Math.floor(next() * 4), 4);
      const paddings = shape.map(() => [Math.floor(next() * 3), Math.floor(next() * 3)] as const);
      const x = iota(sizeOf(shape));
      const layout = padLayout(shape, paddings);
      const expected = iota(sizeOf(layout.dims)).map((i) => {
        const index = unravel(i, layout.dims).map((v, d) => v - paddings[d]![0]);
        return index.every((v, d) => v >= 0 && v < shape[d]!) ? x[ravel(index, shape)]! : -7;
      });
      expect(runCopy(x, layout, -7)).toEqual(expected);
    }
  });
});

describe('reducePlan', () => {
  it('turns any set of axes into rows whose sums match a direct reduction', () => {
    const next = random(5);
    for (let trial = 0; trial < 150; trial++) {
      const shape = randomShape(next, 1 + Math.floor(next() * 4), 4);
      const axes = iota(shape.length).filter(() => next() < 0.5);
      const x = iota(sizeOf(shape)).map(() => Math.round(next() * 100));
      const plan = reducePlan(shape, axes);
      const moved = plan.perm === null ? x : runCopy(x, transposeLayout(shape, plan.perm), NaN);
      const rows = iota(plan.rows).map((r) => moved.slice(r * plan.length, (r + 1) * plan.length).reduce((a, b) => a + b, 0));
      const kept = iota(shape.length).filter((d) => !axes.includes(d));
      const expected = new Array<number>(plan.rows).fill(0);
      x.forEach((v, i) => { const index = unravel(i, shape); expected[ravel(kept.map((d) => index[d]!), plan.outShape)]! += v; });
      expect(plan.outShape).toEqual(kept.map((d) => shape[d]!));
      expect(rows, `shape ${JSON.stringify(shape)} axes ${JSON.stringify(axes)}`).toEqual(expected);
    }
  });
});

describe('matMulPlan', () => {
  /** What launchSgemm computes for one plan, with expansions done as the backend does them. */
  function runPlan(a: number[], aShape: number[], b: number[], bShape: number[], ta: boolean, tb: boolean): number[] {
    const plan = matMulPlan(aShape, bShape, ta, tb);
    const expand = (x: number[], shape: number[], batch: number[] | null): number[] => {
      if (batch === null) return x;
      const full = [...batch, ...shape.slice(-2)];
      const strides = stridesOf(shape);
      return iota(sizeOf(full)).map((i) => {
        const index = unravel(i, full);
        const off = full.length - shape.length;
        return x[shape.reduce((o, d, k) => o + (d === 1 ? 0 : index[k + off]!) * strides[k]!, 0)]!;
      });
    };
    const ea = expand(a, aShape, plan.expandA);
    const eb = expand(b, bShape, plan.expandB);
    const out: number[] = [];
    for (let z = 0; z < plan.batch; z++) {
      for (let i = 0; i < plan.m; i++) {
        for (let j = 0; j < plan.n; j++) {
          let sum = 0;
          for (let p = 0; p < plan.k; p++) {
            const av = ta ? ea[z * plan.strideA + p * plan.m + i]! : ea[z * plan.strideA + i * plan.k + p]!;
            const bv = tb ? eb[z * plan.strideB + j * plan.k + p]! : eb[z * plan.strideB + p * plan.n + j]!;
            sum += av * bv;
          }
          out.push(sum);
        }
      }
    }
    return out;
  }

  it('batches, transposes and broadcasts like a direct product', () => {
    const next = random(6);
    for (let trial = 0; trial < 80; trial++) {
      const [m, n, k] = randomShape(next, 3, 4) as [number, number, number];
      const ta = next() < 0.5;
      const tb = next() < 0.5;
      const batchRank = Math.floor(next() * 3);
      const outBatch = randomShape(next, batchRank, 3);
      const batchOf = (): number[] => outBatch.slice(Math.floor(next() * (batchRank + 1))).map((d) => (next() < 0.4 ? 1 : d));
      const aBatch = batchOf();
      const bBatch = batchOf();
      const aShape = [...aBatch, ...(ta ? [k, m] : [m, k])];
      const bShape = [...bBatch, ...(tb ? [n, k] : [k, n])];
      const a = iota(sizeOf(aShape)).map(() => Math.round(next() * 10 - 5));
      const b = iota(sizeOf(bShape)).map(() => Math.round(next() * 10 - 5));
      const plan = matMulPlan(aShape, bShape, ta, tb);
      const batch = plan.outShape.slice(0, -2);
      const expected = iota(sizeOf(plan.outShape)).map((flat) => {
        const index = unravel(flat, plan.outShape);
        const [i, j] = index.slice(-2) as [number, number];
        const bIndex = index.slice(0, -2);
        const pick = (shape: number[], x: number[], r: number, c: number): number => {
          const own = shape.slice(0, -2);
          const at = own.map((d, q) => (d === 1 ? 0 : bIndex[q + batch.length - own.length]!));
          return x[ravel([...at, r, c], shape)]!;
        };
        let sum = 0;
        for (let p = 0; p < k; p++) sum += (ta ? pick(aShape, a, p, i) : pick(aShape, a, i, p)) * (tb ? pick(bShape, b, j, p) : pick(bShape, b, p, j));
        return sum;
      });
      expect(runPlan(a, aShape, b, bShape, ta, tb), `a ${JSON.stringify(aShape)}${ta ? 'ᵀ' : ''} b ${JSON.stringify(bShape)}${tb ? 'ᵀ' : ''}`).toEqual(expected);
    }
  });

  it('names both shapes when the inner dims differ', () => {
    expect(() => matMulPlan([2, 3], [4, 5], false, false)).toThrow(/matMul: inner dims differ: \[2,3\] × \[4,5\]/);
  });
});

describe('geometry and scalars', () => {
  it('convolution and pooling geometry follow convOutputSize', () => {
    const g = convGeometry([2, 9, 7, 3], [3, 2, 3, 5], { strides: [2, 1], dilations: [1, 2], pad: [1, 0, 2, 1] }, 5);
    // out h = floor((9 + 1 - 3) / 2) + 1 = 4; out w = floor((7 + 3 - (2-1)*2 - 1) / 1) + 1 = 8
    expect(g).toEqual([2, 9, 7, 3, 4, 8, 3, 2, 2, 1, 1, 2, 1, 2, 5]);
    expect(poolGeometry([1, 5, 5, 4], { filterSize: [2, 2], strides: [2, 2], pad: [0, 1, 0, 1] })).toEqual([1, 5, 5, 4, 3, 3, 2, 2, 2, 2, 1, 1, 0, 0, 4]);
  });

  it('scalar bit patterns follow cast rules', () => {
    const next = random(7);
    for (let trial = 0; trial < 100; trial++) {
      const v = (next() - 0.5) * 10 ** Math.floor(next() * 12);
      expect(new Float32Array(new Uint32Array([scalarBits(v, 'float32')]).buffer)[0]).toBe(Math.fround(v));
      expect(scalarBits(v, 'int32') | 0).toBe(Math.max(-2147483648, Math.min(2147483647, Math.trunc(v))) | 0);
    }
    expect(scalarBits(NaN, 'int32')).toBe(0);
    expect(scalarBits(Infinity, 'int32')).toBe(2147483647);
    expect(scalarBits(-Infinity, 'int32') | 0).toBe(-2147483648);
    expect(scalarBits(NaN, 'bool')).toBe(1);
    expect(scalarBits(-0, 'bool')).toBe(0);
  });
});
