import type { Conv2DAttrs, Pool2DAttrs } from '@strata/core';
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../src/backend.js';
import { expectClose, flatIndex, indices, randomFloats, randomGenerator, read, tensor } from './helpers.js';

const backend = new CpuBackend();

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

describe('conv2d', () => {
  const xShape = [2, 5, 6, 3];
  const filterShape = [3, 2, 3, 4];
  // Output: h = floor((5 + 1 + 2 - 5) / 2) + 1 = 2, w = floor((6 + 0 + 1 - 3) / 1) + 1 = 5.
  const attrs: Conv2DAttrs = { strides: [2, 1], dilations: [2, 2], pad: [1, 2, 0, 1] };
  const outShape = [2, 2, 5, 4];
  const random = randomGenerator(7);
  const x = randomFloats(random, xShape);
  const w = randomFloats(random, filterShape);
  const dy = randomFloats(random, outShape);

  it('matches direct float64 loops with stride, dilation and asymmetric padding', () => {
    const out = backend.conv2d(tensor(backend, x, xShape), tensor(backend, w, filterShape), attrs);
    expect(out.shape).toEqual(outShape);
    const want = [...indices(outShape)].map(([b, oy, ox, f]) => {
      let sum = 0;
      for (const [ky, kx, c] of indices([3, 2, 3])) {
        const iy = oy! * 2 - 1 + ky! * 2;
        const ix = ox! - 0 + kx! * 2;
        if (iy < 0 || iy >= 5 || ix < 0 || ix >= 6) continue;
        sum += x[flatIndex(xShape, [b!, iy, ix, c!])]! * w[flatIndex(filterShape, [ky!, kx!, c!, f!])]!;
      }
      return sum;
    });
    expectClose(read(backend, out), want, 1e-6, 1e-6);
  });

  it('backprops are its adjoints: <conv(x, w), dy> = <x, dx> = <w, dw>', () => {
    const y = read(backend, backend.conv2d(tensor(backend, x, xShape), tensor(backend, w, filterShape), attrs));
    const dx = backend.conv2dBackpropInput(tensor(backend, dy, outShape), tensor(backend, w, filterShape), xShape, attrs);
    const dw = backend.conv2dBackpropFilter(tensor(backend, x, xShape), tensor(backend, dy, outShape), filterShape, attrs);
    expect(dx.shape).toEqual(xShape);
    expect(dw.shape).toEqual(filterShape);
    const reference = dot(y, dy);
    expectClose([dot(x, read(backend, dx)), dot(w, read(backend, dw))], [reference, reference], 1e-5, 1e-5);
  });
});

describe('depthwiseConv2d', () => {
  it('output channel c*m + j convolves input channel c with filter j', () => {
    const xShape = [1, 4, 4, 2];
    const filterShape = [2, 2, 2, 3];
    const random = randomGenerator(8);
    const x = randomFloats(random, xShape);
    const w = randomFloats(random, filterShape);
    const attrs: Conv2DAttrs = { strides: [1, 2], dilations: [1, 1], pad: [0, 1, 1, 0] };
    const out = backend.depthwiseConv2d(tensor(backend, x, xShape), tensor(backend, w, filterShape), attrs);
    // h = 4 + 1 - 2 + 1 = 4, w = floor((4 + 1 - 2) / 2) + 1 = 2.
    const outShape = [1, 4, 2, 6];
    expect(out.shape).toEqual(outShape);
    const want = [...indices(outShape)].map(([b, oy, ox, channel]) => {
      const c = Math.floor(channel! / 3);
      const j = channel! % 3;
      let sum = 0;
      for (const [ky, kx] of indices([2, 2])) {
        const iy = oy! + ky!;
        const ix = ox! * 2 - 1 + kx!;
        if (iy >= 4 || ix < 0 || ix >= 4) continue;
        sum += x[flatIndex(xShape, [b!, iy, ix, c])]! * w[flatIndex(filterShape, [ky!, kx!, c, j])]!;
      }
      return sum;
    });
    expectClose(read(backend, out), want);
  });
});

describe('pooling', () => {
  const xShape = [1, 5, 4, 2];
  const x = randomFloats(randomGenerator(9), xShape);
  const attrs: Pool2DAttrs = { filterSize: [3, 2], strides: [2, 2], pad: [1, 1, 0, 1] };
  // h = floor((5 + 2 - 3) / 2) + 1 = 3, w = floor((4 + 1 - 2) / 2) + 1 = 2.
  const outShape = [1, 3, 2, 2];
  const windowOf = (oy: number, ox: number): [number, number][] => {
    const taps: [number, number][] = [];
    for (const [ky, kx] of indices([3, 2])) {
      const iy = oy * 2 - 1 + ky!;
      const ix = ox * 2 + kx!;
      if (iy >= 0 && iy < 5 && ix < 4) taps.push([iy, ix]);
    }
    return taps;
  };

  it('maxPool ignores padding; avgPool divides by the non-padding count', () => {
    const input = tensor(backend, x, xShape);
    const max = backend.maxPool(input, attrs);
    const avg = backend.avgPool(input, attrs);
    expect(max.shape).toEqual(outShape);
    const windows = [...indices(outShape)].map(([, oy, ox, c]) => windowOf(oy!, ox!).map(([iy, ix]) => x[flatIndex(xShape, [0, iy, ix, c!])]!));
    expectClose(read(backend, max), windows.map((values) => Math.max(...values)));
    expectClose(read(backend, avg), windows.map((values) => values.reduce((s, v) => s + v, 0) / values.length));
  });

  it('avgPoolBackprop is the adjoint of avgPool', () => {
    const dy = randomFloats(randomGenerator(10), outShape);
    const y = read(backend, backend.avgPool(tensor(backend, x, xShape), attrs));
    const dx = backend.avgPoolBackprop(tensor(backend, dy, outShape), xShape, attrs);
    expect(dx.shape).toEqual(xShape);
    expectClose([dot(x, read(backend, dx))], [dot(y, dy)], 1e-5, 1e-5);
  });

  it('maxPoolBackprop routes each gradient to the first maximum of its window', () => {
    // One channel, 2x3 input, 2x2 windows with stride 1: windows overlap and tie.
    const input = tensor(backend, [5, 5, 1, 2, 5, 7], [1, 2, 3, 1]);
    const poolAttrs: Pool2DAttrs = { filterSize: [2, 2], strides: [1, 1], pad: [0, 0, 0, 0] };
    expect(read(backend, backend.maxPool(input, poolAttrs))).toEqual([5, 7]);
    const dx = backend.maxPoolBackprop(tensor(backend, [10, 100], [1, 1, 2, 1]), input, poolAttrs);
    expect(read(backend, dx)).toEqual([10, 0, 0, 0, 0, 100]);
  });

  it('maxPool propagates NaN and pads with -Infinity', () => {
    const input = tensor(backend, [-3, NaN, -1, -2], [1, 2, 2, 1]);
    const poolAttrs: Pool2DAttrs = { filterSize: [2, 1], strides: [1, 1], pad: [1, 0, 0, 0] };
    expect(read(backend, backend.maxPool(input, poolAttrs))).toEqual([-3, NaN, -1, NaN]);
  });
});

describe('softmax', () => {
  it('softmax and logSoftmax over the last axis, stable for large inputs', () => {
    const values = [1, 2, 3, 1000, 1001, 1002, -5, 0.5, 2];
    const input = tensor(backend, values, [3, 3]);
    const want: number[] = [];
    const wantLog: number[] = [];
    for (let r = 0; r < 3; r++) {
      const row = values.slice(r * 3, r * 3 + 3);
      const max = Math.max(...row);
      const sum = row.reduce((s, v) => s + Math.exp(v - max), 0);
      for (const v of row) {
        want.push(Math.exp(v - max) / sum);
        wantLog.push(v - max - Math.log(sum));
      }
    }
    expectClose(read(backend, backend.softmax(input)), want);
    expectClose(read(backend, backend.logSoftmax(input)), wantLog);
  });
});
