// The convolution and pooling kernels' own per-element code (csrc/conv.cu: im2col, col2im,
// depthwise, pooling and both pooling backprops, all __host__ __device__), run on the CPU through
// the addon over random geometries (strides, dilations, asymmetric padding, windows hanging over
// the edge, ties and NaN in max pooling), against the cpu-reference backend. The GEMMs that the
// addon puts around im2col/col2im are done here in float64.
import { describe, expect, it } from 'vitest';
import type { Conv2DAttrs, Pool2DAttrs, Shape, TensorInfo } from '@strata/core';
import { sizeOf } from '@strata/core';
import { CpuBackend } from '@strata/backend-cpu';
import { loadAddon } from '@strata/backend-cuda';
import type { ConvGeometry } from '../src/layout.js';
import { convGeometry, poolGeometry } from '../src/layout.js';
import { random } from './helpers.js';

const loaded = loadAddon();
const cpu = new CpuBackend();
const KIND = { im2col: 0, col2im: 1, depthwise: 2, maxPool: 3, avgPool: 4, maxPoolBackprop: 5, avgPoolBackprop: 6 } as const;

function info(values: Float32Array, shape: Shape): TensorInfo {
  return { storage: cpu.write(values, 'float32'), shape, dtype: 'float32' };
}

function read(t: TensorInfo): Float32Array {
  return cpu.readSync(t.storage) as Float32Array;
}

function randomValues(next: () => number, n: number, ties = false): Float32Array {
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = ties ? (next() < 0.03 ? NaN : Math.floor(next() * 4)) : next() * 2 - 1;
  return v;
}

/** C = A·B (or with transposes) for row-major float32 matrices, in float64. */
function gemm(a: Float32Array, b: Float32Array, m: number, n: number, k: number, transA: boolean, transB: boolean): Float32Array {
  const c = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += (transA ? a[p * m + i]! : a[i * k + p]!) * (transB ? b[j * k + p]! : b[p * n + j]!);
      c[i * n + j] = sum;
    }
  }
  return c;
}

function close(actual: Float32Array, expected: Float32Array, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const [x, y] = [actual[i]!, expected[i]!];
    if (Number.isNaN(y) ? Number.isNaN(x) : x === y || Math.abs(x - y) <= 1e-5 * (1 + Math.abs(y))) continue;
    expect.fail(`${what}: element ${i} is ${x}, reference ${y}`);
  }
}

function randomConv(next: () => number): { xShape: number[]; fShape: number[]; attrs: Conv2DAttrs; g: ConvGeometry } | null {
  const int = (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1));
  const [kh, kw] = [int(1, 3), int(1, 3)];
  const attrs: Conv2DAttrs = {
    strides: [int(1, 3), int(1, 3)],
    dilations: [int(1, 2), int(1, 2)],
    pad: [int(0, 2), int(0, 2), int(0, 2), int(0, 2)],
  };
  const xShape = [int(1, 2), int(1, 7), int(1, 7), int(1, 3)];
  const fShape = [kh, kw, xShape[3]!, int(1, 3)];
  const g = convGeometry(xShape, fShape, attrs, fShape[3]!);
  return g[4] > 0 && g[5] > 0 ? { xShape, fShape, attrs, g } : null;
}

describe.skipIf(!('addon' in loaded))('conv and pooling kernel code (evaluated on the host) against cpu-reference', () => {
  const addon = 'addon' in loaded ? loaded.addon : undefined;
  const host = (kind: number, g: ConvGeometry, multiplier: number, a: Float32Array, b: Float32Array | null, length: number): Float32Array => {
    const out = new Float32Array(length);
    addon!.hostConv(kind, g, multiplier, a, b, out);
    return out;
  };

  it('conv2d and both backprops through im2col / col2im', () => {
    const next = random(21);
    let tried = 0;
    while (tried < 60) {
      const c = randomConv(next);
      if (c === null) continue;
      tried++;
      const { xShape, fShape, attrs, g } = c;
      const pixels = g[0] * g[4] * g[5];
      const columns = g[6] * g[7] * g[3];
      const filters = g[14];
      const label = `x ${JSON.stringify(xShape)} filter ${JSON.stringify(fShape)} ${JSON.stringify(attrs)}`;
      const x = randomValues(next, sizeOf(xShape));
      const w = randomValues(next, sizeOf(fShape));
      const dy = randomValues(next, pixels * filters);
      const col = host(KIND.im2col, g, 1, x, null, pixels * columns);
      close(gemm(col, w, pixels, filters, columns, false, false), read(cpu.conv2d(info(x, xShape), info(w, fShape), attrs)), `conv2d ${label}`);
      const dcol = gemm(dy, w, pixels, columns, filters, false, true);
      const dyShape = [g[0], g[4], g[5], filters];
      close(host(KIND.col2im, g, 1, dcol, null, sizeOf(xShape)), read(cpu.conv2dBackpropInput(info(dy, dyShape), info(w, fShape), xShape, attrs)), `conv2dBackpropInput ${label}`);
      close(gemm(col, dy, columns, filters, pixels, true, false), read(cpu.conv2dBackpropFilter(info(x, xShape), info(dy, dyShape), fShape, attrs)), `conv2dBackpropFilter ${label}`);
    }
  });

  it('depthwiseConv2d', () => {
    const next = random(22);
    let tried = 0;
    while (tried < 60) {
      const c = randomConv(next);
      if (c === null) continue;
      tried++;
      const multiplier = c.fShape[3]!;
      const g = convGeometry(c.xShape, c.fShape, c.attrs, c.xShape[3]! * multiplier);
      const x = randomValues(next, sizeOf(c.xShape));
      const w = randomValues(next, sizeOf(c.fShape));
      const expected = read(cpu.depthwiseConv2d(info(x, c.xShape), info(w, c.fShape), c.attrs));
      close(host(KIND.depthwise, g, multiplier, x, w, expected.length), expected, `depthwise x ${JSON.stringify(c.xShape)} filter ${JSON.stringify(c.fShape)} ${JSON.stringify(c.attrs)}`);
    }
  });

  it('max and average pooling and their backprops, with ties, NaN and windows over the edge', () => {
    const next = random(23);
    const int = (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1));
    let tried = 0;
    while (tried < 80) {
      const filterSize: [number, number] = [int(1, 3), int(1, 3)];
      const attrs: Pool2DAttrs = { filterSize, strides: [int(1, 3), int(1, 3)], pad: [int(0, filterSize[0] - 1), int(0, 2), int(0, filterSize[1] - 1), int(0, 2)] };
      const xShape = [int(1, 2), int(1, 6), int(1, 6), int(1, 3)];
      const g = poolGeometry(xShape, attrs);
      if (g[4] <= 0 || g[5] <= 0) continue;
      tried++;
      const label = `x ${JSON.stringify(xShape)} ${JSON.stringify(attrs)}`;
      const x = randomValues(next, sizeOf(xShape), true);
      const outShape = [g[0], g[4], g[5], g[3]];
      const dy = randomValues(next, sizeOf(outShape));
      const n = sizeOf(outShape);
      close(host(KIND.maxPool, g, 1, x, null, n), read(cpu.maxPool(info(x, xShape), attrs)), `maxPool ${label}`);
      close(host(KIND.avgPool, g, 1, x, null, n), read(cpu.avgPool(info(x, xShape), attrs)), `avgPool ${label}`);
      close(host(KIND.maxPoolBackprop, g, 1, dy, x, x.length), read(cpu.maxPoolBackprop(info(dy, outShape), info(x, xShape), attrs)), `maxPoolBackprop ${label}`);
      close(host(KIND.avgPoolBackprop, g, 1, dy, null, x.length), read(cpu.avgPoolBackprop(info(dy, outShape), xShape, attrs)), `avgPoolBackprop ${label}`);
    }
  });

  it('checks array lengths against the geometry before touching memory', () => {
    const g = convGeometry([1, 4, 4, 1], [3, 3, 1, 1], { strides: [1, 1], dilations: [1, 1], pad: [0, 0, 0, 0] }, 1);
    expect(() => addon!.hostConv(KIND.im2col, g, 1, new Float32Array(15), null, new Float32Array(36))).toThrow(/hostConv: a has 15 elements, the geometry needs 16/);
    expect(() => addon!.hostConv(9, g, 1, new Float32Array(16), null, new Float32Array(36))).toThrow(/hostConv: unknown kind 9/);
  });
});
