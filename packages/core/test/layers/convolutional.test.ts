/**
 * Convolution layers: the Keras-style layer test for Conv1D, Conv2D, Conv2DTranspose,
 * DepthwiseConv2D and SeparableConv2D against TensorFlow.js (odd sizes, strides, dilation,
 * 'same' and 'causal' padding), float64 oracles for what TensorFlow.js cannot do (strides with
 * dilation, dilated transposed convolution), configs against TensorFlow.js' getConfig(), shape
 * inference, errors and memory.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as st from '@strata/core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expectClose } from '../setup.js';
import { checkLayer } from './harness.js';
import { expectSameConfigAsTfjs, randomTensor, sizeOf, useCpuBackends } from './layer-test-utils.js';

beforeAll(useCpuBackends);

// ---- float64 oracles -------------------------------------------------------------------------

/** TensorFlow's 'same' padding before the data in one dim. */
function samePadBefore(inSize: number, k: number, stride: number, dilation: number): number {
  const effective = (k - 1) * dilation + 1;
  const out = Math.ceil(inSize / stride);
  return Math.floor(Math.max((out - 1) * stride + effective - inSize, 0) / 2);
}

interface Geometry {
  strides: [number, number];
  dilation: [number, number];
  padding: 'valid' | 'same';
}

function outSize(inSize: number, k: number, s: number, d: number, padding: 'valid' | 'same'): number {
  return padding === 'same' ? Math.ceil(inSize / s) : Math.floor((inSize - ((k - 1) * d + 1)) / s) + 1;
}

/**
 * NHWC convolution in float64; `depthwise` treats the kernel `[kh,kw,c,m]` per channel (output
 * channel `c*m + j`), otherwise the kernel is `[kh,kw,c,f]`.
 */
function convOracle(x: ArrayLike<number>, [n, h, w, c]: number[], k: ArrayLike<number>, [kh, kw, kc, f]: number[], g: Geometry, depthwise = false): { values: number[]; shape: number[] } {
  expect(kc).toBe(c);
  const [sh, sw] = g.strides;
  const [dh, dw] = g.dilation;
  const oh = outSize(h, kh, sh, dh, g.padding);
  const ow = outSize(w, kw, sw, dw, g.padding);
  const top = g.padding === 'same' ? samePadBefore(h, kh, sh, dh) : 0;
  const left = g.padding === 'same' ? samePadBefore(w, kw, sw, dw) : 0;
  const outC = depthwise ? c * f : f;
  const values = new Array<number>(n * oh * ow * outC).fill(0);
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh - top + ky * dh;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * sw - left + kx * dw;
            if (ix < 0 || ix >= w) continue;
            for (let ci = 0; ci < c; ci++) {
              const xv = x[((b * h + iy) * w + ix) * c + ci]!;
              for (let j = 0; j < f; j++) {
                const o = depthwise ? ci * f + j : j;
                values[((b * oh + oy) * ow + ox) * outC + o]! += xv * k[((ky * kw + kx) * c + ci) * f + j]!;
              }
            }
          }
        }
      }
    }
  }
  return { values, shape: [n, oh, ow, outC] };
}

/** Transposed NHWC convolution in float64 (kernel `[kh,kw,f,c]`), Keras' output size rule. */
function convTransposeOracle(x: ArrayLike<number>, [n, h, w, c]: number[], k: ArrayLike<number>, [kh, kw, f, kc]: number[], g: Geometry): { values: number[]; shape: number[] } {
  expect(kc).toBe(c);
  const [sh, sw] = g.strides;
  const [dh, dw] = g.dilation;
  const [eh, ew] = [(kh - 1) * dh + 1, (kw - 1) * dw + 1];
  const oh = g.padding === 'same' ? h * sh : h * sh + Math.max(eh - sh, 0);
  const ow = g.padding === 'same' ? w * sw : w * sw + Math.max(ew - sw, 0);
  // The padding of the forward convolution from the output back to x.
  const top = g.padding === 'same' ? samePadBefore(oh, kh, sh, dh) : 0;
  const left = g.padding === 'same' ? samePadBefore(ow, kw, sw, dw) : 0;
  const values = new Array<number>(n * oh * ow * f).fill(0);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < w; j++) {
        for (let ci = 0; ci < c; ci++) {
          const xv = x[((b * h + i) * w + j) * c + ci]!;
          for (let ky = 0; ky < kh; ky++) {
            const oy = i * sh - top + ky * dh;
            if (oy < 0 || oy >= oh) continue;
            for (let kx = 0; kx < kw; kx++) {
              const ox = j * sw - left + kx * dw;
              if (ox < 0 || ox >= ow) continue;
              for (let fo = 0; fo < f; fo++) values[((b * oh + oy) * ow + ox) * f + fo]! += xv * k[((ky * kw + kx) * f + fo) * c + ci]!;
            }
          }
        }
      }
    }
  }
  return { values, shape: [n, oh, ow, f] };
}

/** Adds a per-channel bias (last axis). */
const withBias = (values: number[], bias: ArrayLike<number>): number[] => values.map((v, i) => v + bias[i % bias.length]!);

/** A random bias initializer, so the bias matters in every comparison. */
const randomBias = { className: 'RandomUniform', config: { minval: -1, maxval: 1, seed: 9 } };

type ConvArgs = Parameters<typeof tfl.layers.conv2d>[0];

// ---- Conv1D ----------------------------------------------------------------------------------

describe('Conv1D', () => {
  const cases: { title: string; args: Record<string, unknown>; input: number[]; params: number }[] = [
    { title: "kernel 3, strides 2, 'same', odd length", args: { filters: 4, kernelSize: 3, strides: 2, padding: 'same' }, input: [2, 9, 3], params: 3 * 3 * 4 + 4 },
    { title: "dilation 2, 'valid', tanh", args: { filters: 3, kernelSize: 3, dilationRate: 2, activation: 'tanh' }, input: [2, 11, 2], params: 3 * 2 * 3 + 3 },
    { title: 'kernel 1, no bias', args: { filters: 5, kernelSize: 1, useBias: false }, input: [3, 4, 2], params: 10 },
  ];
  for (const c of cases) {
    it(c.title, () => checkLayer({
      make: () => st.layers.conv1d({ ...(c.args as unknown as st.layers.Conv1DArgs), biasInitializer: randomBias }),
      inputShapes: [c.input],
      weights: { trainable: c.args['useBias'] === false ? 1 : 2, nonTrainable: 0, params: c.params },
      tfjs: () => tfl.layers.conv1d(c.args as unknown as ConvArgs),
    }));
  }

  it("'causal' with dilation 2 and strides 2 (TensorFlow.js' layer cannot): layer test and float64 oracle", async () => {
    const make = () => st.layers.conv1d({ filters: 2, kernelSize: 3, dilationRate: 2, strides: 2, padding: 'causal', biasInitializer: randomBias });
    await checkLayer({ make, inputShapes: [[2, 7, 3]], weights: { trainable: 2, nonTrainable: 0, params: 3 * 3 * 2 + 2 } });
    const layer = make();
    const { t: x, v } = randomTensor([2, 7, 3], 56);
    const y = layer.apply(x);
    const [kernel, bias] = layer.weights.map((w) => Array.from(w.dataSync()));
    // Causal = (k-1)*d zeros on the left, then a 'valid' convolution.
    const padded: number[] = [];
    for (let b = 0; b < 2; b++) padded.push(...new Array<number>(4 * 3).fill(0), ...v.slice(b * 21, (b + 1) * 21));
    const { values, shape } = convOracle(padded, [2, 1, 11, 3], kernel!, [1, 3, 3, 2], { strides: [1, 2], dilation: [1, 2], padding: 'valid' });
    expect([...y.shape]).toEqual([2, shape[2], 2]);
    expectClose(y.dataSync(), withBias(values, bias!), 1e-5);
    st.dispose([x, y]);
    layer.dispose();
  });

  it('config matches TensorFlow.js (no dataFormat), both ways', async () => {
    const args = { filters: 3, kernelSize: 5, strides: 2, padding: 'causal', dilationRate: 1, activation: 'relu', kernelInitializer: 'ones', biasInitializer: 'zeros' } as const;
    expectSameConfigAsTfjs(st.layers.conv1d(args), tfl.layers.conv1d(args), (c) => tfl.layers.conv1d(c as unknown as ConvArgs));
    expect(st.layers.conv1d({ filters: 1, kernelSize: 2 }).getConfig()).not.toHaveProperty('dataFormat');
  });

  it('computeOutputShape: valid, same, causal, unknown length', async () => {
    expect(st.layers.conv1d({ filters: 4, kernelSize: 3, strides: 2 }).computeOutputShape([null, 10, 2])).toEqual([null, 4, 4]);
    expect(st.layers.conv1d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same' }).computeOutputShape([null, 10, 2])).toEqual([null, 5, 4]);
    expect(st.layers.conv1d({ filters: 4, kernelSize: 3, dilationRate: 3, padding: 'causal' }).computeOutputShape([null, 10, 2])).toEqual([null, 10, 4]);
    expect(st.layers.conv1d({ filters: 4, kernelSize: 3 }).computeOutputShape([null, null, 2])).toEqual([null, null, 4]);
  });
});

// ---- Conv2D ----------------------------------------------------------------------------------

describe('Conv2D', () => {
  const cases: { title: string; args: Record<string, unknown>; input: number[]; params: number }[] = [
    { title: "kernel [3,2], strides [2,3], 'same', tanh", args: { filters: 5, kernelSize: [3, 2], strides: [2, 3], padding: 'same', activation: 'tanh' }, input: [2, 7, 9, 3], params: 3 * 2 * 3 * 5 + 5 },
    { title: "dilation [2,1], 'valid', no bias", args: { filters: 3, kernelSize: 3, dilationRate: [2, 1], useBias: false }, input: [1, 8, 6, 2], params: 3 * 3 * 2 * 3 },
    { title: '1x1 kernel, sigmoid', args: { filters: 2, kernelSize: 1, activation: 'sigmoid' }, input: [3, 4, 5, 4], params: 4 * 2 + 2 },
    { title: "kernel 4, strides 3, 'same' on 5x5", args: { filters: 3, kernelSize: 4, strides: 3, padding: 'same' }, input: [2, 5, 5, 1], params: 16 * 3 + 3 },
  ];
  for (const c of cases) {
    it(c.title, () => checkLayer({
      make: () => st.layers.conv2d({ ...(c.args as unknown as st.layers.Conv2DArgs), biasInitializer: randomBias }),
      inputShapes: [c.input],
      weights: { trainable: c.args['useBias'] === false ? 1 : 2, nonTrainable: 0, params: c.params },
      tfjs: () => tfl.layers.conv2d(c.args as unknown as ConvArgs),
    }));
  }

  it("strides 2 with dilation 2, 'same' (TensorFlow.js cannot): layer test and float64 oracle", async () => {
    const make = () => st.layers.conv2d({ filters: 4, kernelSize: [3, 2], strides: 2, dilationRate: 2, padding: 'same', biasInitializer: randomBias });
    await checkLayer({ make, inputShapes: [[2, 9, 8, 3]], weights: { trainable: 2, nonTrainable: 0, params: 3 * 2 * 3 * 4 + 4 } });
    const layer = make();
    const { t: x, v } = randomTensor([2, 9, 8, 3], 51);
    const y = layer.apply(x);
    const [kernel, bias] = layer.weights.map((w) => Array.from(w.dataSync()));
    const { values, shape } = convOracle(v, [2, 9, 8, 3], kernel!, [3, 2, 3, 4], { strides: [2, 2], dilation: [2, 2], padding: 'same' });
    expect([...y.shape]).toEqual(shape);
    expectClose(y.dataSync(), withBias(values, bias!), 1e-5);
    st.dispose([x, y]);
    layer.dispose();
  });

  it('config matches TensorFlow.js, both ways (regularizers, constraints, channels_last spelling)', async () => {
    const ours = st.layers.conv2d({
      filters: 4, kernelSize: [3, 1], strides: [1, 2], padding: 'same', dataFormat: 'channels_last', dilationRate: 1, activation: 'tanh',
      kernelInitializer: 'zeros', kernelRegularizer: new st.regularizers.L1L2({ l1: 0.5, l2: 0 }), biasRegularizer: new st.regularizers.L1L2({ l1: 0, l2: 0.1 }),
      kernelConstraint: new st.constraints.UnitNorm({ axis: 0 }), biasConstraint: new st.constraints.MinMaxNorm({ minValue: 0.5, maxValue: 2, rate: 1, axis: 0 }),
    });
    const theirs = tfl.layers.conv2d({
      filters: 4, kernelSize: [3, 1], strides: [1, 2], padding: 'same', dataFormat: 'channelsLast', dilationRate: 1, activation: 'tanh',
      kernelInitializer: 'zeros', kernelRegularizer: tfl.regularizers.l1l2({ l1: 0.5, l2: 0 }), biasRegularizer: tfl.regularizers.l1l2({ l1: 0, l2: 0.1 }),
      kernelConstraint: tfl.constraints.unitNorm({ axis: 0 }), biasConstraint: tfl.constraints.minMaxNorm({ minValue: 0.5, maxValue: 2, rate: 1, axis: 0 }),
    });
    expectSameConfigAsTfjs(ours, theirs, (c) => tfl.layers.conv2d(c as unknown as ConvArgs));
  });

  it('computeOutputShape with unknown spatial dims', async () => {
    const layer = st.layers.conv2d({ filters: 6, kernelSize: 3, strides: [2, 1], padding: 'valid' });
    expect(layer.computeOutputShape([null, null, 7, 3])).toEqual([null, null, 5, 6]);
    expect(layer.computeOutputShape([null, 9, null, 3])).toEqual([null, 4, null, 6]);
  });

  it('rejects bad arguments and input shapes with clear errors', async () => {
    expect(() => st.layers.conv2d({ filters: 2, kernelSize: 3, dataFormat: 'channelsFirst' as never })).toThrow(/dataFormat 'channelsFirst' is not supported.*channels-last/);
    expect(() => st.layers.conv2d({ filters: 2, kernelSize: 3, dataFormat: 'channels_first' as never })).toThrow(/dataFormat 'channels_first' is not supported/);
    expect(() => st.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'causal' })).toThrow(/padding must be 'valid' or 'same', got "causal"/);
    expect(() => st.layers.conv2d({ filters: 2, kernelSize: [3, 3, 3] })).toThrow(/kernelSize must be a positive integer or a list of 2/);
    expect(() => st.layers.conv2d({ filters: 0, kernelSize: 3 })).toThrow(/filters must be a positive integer/);
    expect(() => st.layers.conv2d({ filters: 2, kernelSize: 3, groups: 2 })).toThrow(/groups=2 is not supported/);
    const layer = st.layers.conv2d({ filters: 2, kernelSize: 3, name: 'c2' });
    const rank3 = st.zeros([5, 5, 3]);
    expect(() => layer.apply(rank3)).toThrow(/c2: input must have rank 4, got shape \[5,5,3\]/);
    const ok = st.zeros([1, 5, 5, 3]);
    layer.apply(ok).dispose();
    const wrongChannels = st.zeros([1, 5, 5, 2]);
    expect(() => layer.apply(wrongChannels)).toThrow(/c2: input axis -1 must have size 3, got shape \[1,5,5,2\].*built for input shape \[null,5,5,3\]/);
    expect(() => st.layers.conv2d({ filters: 2, kernelSize: 4, name: 'c3' }).apply(st.input({ shape: [3, 9, 1] }))).toThrow(/c3 \(Conv2D\): the window of size 4 does not fit input shape \[null,3,9,1\]/);
    st.dispose([rank3, ok, wrongChannels]);
    layer.dispose();
  });

  it('adds the activity regularizer as a loss equal to l1 * sum(|y|)', async () => {
    const layer = st.layers.conv2d({ filters: 3, kernelSize: 2, strides: 2, activityRegularizer: new st.regularizers.L1({ l1: 0.02 }) });
    const { t: x } = randomTensor([2, 5, 4, 2], 57);
    const y = layer.apply(x);
    const losses = layer.takeLosses();
    expect(losses.length).toBe(1);
    expectClose(losses[0]!.dataSync(), [0.02 * Array.from(y.dataSync()).reduce((s, v) => s + Math.abs(v), 0)], 1e-5);
    st.dispose([x, y, ...losses]);
    layer.dispose();
  });

  it('a small CNN stack infers the same shapes symbolically and eagerly', async () => {
    const stack = [
      st.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }),
      st.layers.depthwiseConv2d({ kernelSize: 3, strides: 2 }),
      st.layers.separableConv2d({ filters: 6, kernelSize: 2, padding: 'same' }),
      st.layers.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2 }),
    ];
    let symbolic = st.input({ shape: [11, 9, 3] });
    for (const layer of stack) symbolic = layer.apply(symbolic);
    const { t: x } = randomTensor([2, 11, 9, 3], 58);
    const y = st.tidy(() => stack.reduce((h, layer) => layer.apply(h), x));
    expect(symbolic.shape).toEqual([null, ...y.shape.slice(1)]);
    expect([...y.shape]).toEqual([2, 11, 9, 2]);
    st.dispose([x, y]);
    for (const layer of stack) layer.dispose();
  });

  it('does not leak tensors in eager calls', async () => {
    const layer = st.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' });
    const { t: x } = randomTensor([2, 6, 5, 2], 52);
    layer.apply(x).dispose();
    const before = st.memory().tensors;
    for (let i = 0; i < 3; i++) layer.apply(x).dispose();
    expect(st.memory().tensors).toBe(before);
    x.dispose();
    layer.dispose();
  });
});

// ---- Conv2DTranspose -------------------------------------------------------------------------

describe('Conv2DTranspose', () => {
  const cases: { title: string; args: Record<string, unknown>; input: number[]; params: number }[] = [
    { title: "kernel 3, strides 2, 'same'", args: { filters: 4, kernelSize: 3, strides: 2, padding: 'same' }, input: [2, 3, 5, 3], params: 9 * 4 * 3 + 4 },
    { title: "kernel [2,4], strides [2,3], 'valid'", args: { filters: 3, kernelSize: [2, 4], strides: [2, 3], padding: 'valid' }, input: [2, 4, 3, 2], params: 8 * 3 * 2 + 3 },
    { title: "kernel 3, strides 1, 'valid', tanh", args: { filters: 2, kernelSize: 3, activation: 'tanh' }, input: [1, 5, 4, 3], params: 9 * 2 * 3 + 2 },
    { title: "kernel 2, strides 3 (gaps), 'valid', no bias", args: { filters: 2, kernelSize: 2, strides: 3, useBias: false }, input: [2, 3, 2, 2], params: 4 * 2 * 2 },
  ];
  for (const c of cases) {
    it(c.title, () => checkLayer({
      make: () => st.layers.conv2dTranspose({ ...(c.args as unknown as st.layers.Conv2DTransposeArgs), biasInitializer: randomBias }),
      inputShapes: [c.input],
      weights: { trainable: c.args['useBias'] === false ? 1 : 2, nonTrainable: 0, params: c.params },
      tfjs: () => tfl.layers.conv2dTranspose(c.args as unknown as ConvArgs),
    }));
  }

  for (const [padding, dilation, strides] of [['same', [2, 2], [2, 2]], ['valid', [2, 3], [1, 2]], ['same', [1, 1], [3, 2]]] as const) {
    it(`'${padding}', dilation ${dilation.join('x')}, strides ${strides.join('x')}: layer test and float64 oracle`, async () => {
      const make = () => st.layers.conv2dTranspose({ filters: 3, kernelSize: [3, 2], strides: [...strides], dilationRate: [...dilation], padding, biasInitializer: randomBias });
      await checkLayer({ make, inputShapes: [[2, 4, 3, 2]], weights: { trainable: 2, nonTrainable: 0, params: 3 * 2 * 3 * 2 + 3 } });
      const layer = make();
      const { t: x, v } = randomTensor([2, 4, 3, 2], 53);
      const y = layer.apply(x);
      const [kernel, bias] = layer.weights.map((w) => Array.from(w.dataSync()));
      const { values, shape } = convTransposeOracle(v, [2, 4, 3, 2], kernel!, [3, 2, 3, 2], { strides: [...strides], dilation: [...dilation], padding });
      expect([...y.shape]).toEqual(shape);
      expect(layer.computeOutputShape([null, 4, 3, 2])).toEqual([null, ...shape.slice(1)]);
      expectClose(y.dataSync(), withBias(values, bias!), 1e-5);
      st.dispose([x, y]);
      layer.dispose();
    });
  }

  it('config matches TensorFlow.js (no dilationRate unless dilated), both ways', async () => {
    const args = { filters: 2, kernelSize: [3, 2], strides: 2, padding: 'same', activation: 'sigmoid', kernelInitializer: 'ones', useBias: false } as const;
    expectSameConfigAsTfjs(st.layers.conv2dTranspose(args), tfl.layers.conv2dTranspose(args as unknown as ConvArgs), (c) => tfl.layers.conv2dTranspose(c as unknown as ConvArgs));
    expect(st.layers.conv2dTranspose({ filters: 2, kernelSize: 3, dilationRate: 2 }).getConfig()['dilationRate']).toEqual([2, 2]);
    expect(() => st.layers.conv2dTranspose({ filters: 2, kernelSize: 3, outputPadding: [1, 1] as never })).toThrow(/outputPadding \[1,1\] is not supported/);
    expect(st.layers.conv2dTranspose({ filters: 5, kernelSize: 3, strides: 2 }).computeOutputShape([null, null, 4, 3])).toEqual([null, null, 9, 5]);
  });
});

// ---- DepthwiseConv2D -------------------------------------------------------------------------

describe('DepthwiseConv2D', () => {
  const cases: { title: string; args: Record<string, unknown>; input: number[]; params: number }[] = [
    { title: "kernel 3, multiplier 2, strides 2, 'same'", args: { kernelSize: 3, depthMultiplier: 2, strides: 2, padding: 'same' }, input: [2, 7, 6, 3], params: 9 * 3 * 2 + 6 },
    { title: 'multiplier 3, no bias, odd sizes', args: { kernelSize: [3, 1], depthMultiplier: 3, useBias: false }, input: [2, 5, 3, 1], params: 3 * 3 },
  ];
  type DwArgs = Parameters<typeof tfl.layers.depthwiseConv2d>[0];
  for (const c of cases) {
    it(c.title, () => checkLayer({
      make: () => st.layers.depthwiseConv2d({ ...(c.args as unknown as st.layers.DepthwiseConv2DArgs), biasInitializer: randomBias }),
      inputShapes: [c.input],
      weights: { trainable: c.args['useBias'] === false ? 1 : 2, nonTrainable: 0, params: c.params },
      tfjs: () => tfl.layers.depthwiseConv2d(c.args as unknown as DwArgs),
    }));
  }

  // TensorFlow.js' DepthwiseConv2D layer ignores dilationRate, so dilated cases use the oracle.
  const dilated: { title: string; args: st.layers.DepthwiseConv2DArgs; input: number[]; kernel: number[]; strides: [number, number]; dilation: [number, number] }[] = [
    { title: "kernel [2,3], dilation 2, 'valid', tanh", args: { kernelSize: [2, 3], dilationRate: 2, activation: 'tanh' }, input: [1, 8, 9, 2], kernel: [2, 3, 2, 1], strides: [1, 1], dilation: [2, 2] },
    { title: "strides 2 with dilation 2, 'same', multiplier 2", args: { kernelSize: 3, depthMultiplier: 2, strides: 2, dilationRate: 2, padding: 'same' }, input: [2, 9, 7, 3], kernel: [3, 3, 3, 2], strides: [2, 2], dilation: [2, 2] },
  ];
  for (const c of dilated) {
    it(`${c.title}: layer test and float64 oracle`, async () => {
      const make = () => st.layers.depthwiseConv2d({ ...c.args, biasInitializer: randomBias });
      const outChannels = c.kernel[2]! * c.kernel[3]!;
      await checkLayer({ make, inputShapes: [c.input], weights: { trainable: 2, nonTrainable: 0, params: sizeOf(c.kernel) + outChannels } });
      const layer = make();
      const { t: x, v } = randomTensor(c.input, 54);
      const y = layer.apply(x);
      const [kernel, bias] = layer.weights.map((w) => Array.from(w.dataSync()));
      let { values, shape } = convOracle(v, c.input, kernel!, c.kernel, { strides: c.strides, dilation: c.dilation, padding: c.args.padding === 'same' ? 'same' : 'valid' }, true);
      values = withBias(values, bias!);
      if (c.args.activation === 'tanh') values = values.map(Math.tanh);
      expect([...y.shape]).toEqual(shape);
      expectClose(y.dataSync(), values, 1e-5);
      st.dispose([x, y]);
      layer.dispose();
    });
  }

  it('config matches TensorFlow.js, both ways', async () => {
    const args = { kernelSize: [3, 2], depthMultiplier: 2, strides: [2, 1], padding: 'same', dilationRate: 1, activation: 'relu6', depthwiseInitializer: 'ones', biasInitializer: 'zeros' } as const;
    expectSameConfigAsTfjs(st.layers.depthwiseConv2d(args), tfl.layers.depthwiseConv2d(args as unknown as DwArgs), (c) => tfl.layers.depthwiseConv2d(c as unknown as DwArgs));
    expect(() => st.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 0 })).toThrow(/depthMultiplier must be a positive integer/);
  });
});

// ---- SeparableConv2D -------------------------------------------------------------------------

describe('SeparableConv2D', () => {
  const cases: { title: string; args: Record<string, unknown>; input: number[]; params: number }[] = [
    { title: "kernel 3, multiplier 2, strides 2, 'same'", args: { filters: 5, kernelSize: 3, depthMultiplier: 2, strides: 2, padding: 'same' }, input: [2, 8, 7, 3], params: 9 * 3 * 2 + 6 * 5 + 5 },
    { title: "kernel 2, dilation 2, 'valid', no bias, tanh", args: { filters: 4, kernelSize: 2, dilationRate: 2, useBias: false, activation: 'tanh' }, input: [1, 7, 6, 3], params: 4 * 3 + 3 * 4 },
  ];
  type SepArgs = Parameters<typeof tfl.layers.separableConv2d>[0];
  for (const c of cases) {
    it(c.title, () => checkLayer({
      make: () => st.layers.separableConv2d({ ...(c.args as unknown as st.layers.SeparableConv2DArgs), biasInitializer: randomBias }),
      inputShapes: [c.input],
      weights: { trainable: c.args['useBias'] === false ? 2 : 3, nonTrainable: 0, params: c.params },
      tfjs: () => tfl.layers.separableConv2d(c.args as unknown as SepArgs),
    }));
  }

  it('equals a depthwise oracle followed by a pointwise (1x1) oracle', async () => {
    const layer = st.layers.separableConv2d({ filters: 3, kernelSize: [2, 3], depthMultiplier: 2, strides: [1, 2], padding: 'same', biasInitializer: randomBias });
    const { t: x, v } = randomTensor([2, 5, 7, 2], 55);
    const y = layer.apply(x);
    expect(layer.weights.map((w) => [...w.shape])).toEqual([[2, 3, 2, 2], [1, 1, 4, 3], [3]]);
    const [dk, pk, bias] = layer.weights.map((w) => Array.from(w.dataSync()));
    const depth = convOracle(v, [2, 5, 7, 2], dk!, [2, 3, 2, 2], { strides: [1, 2], dilation: [1, 1], padding: 'same' }, true);
    const point = convOracle(depth.values, depth.shape, pk!, [1, 1, 4, 3], { strides: [1, 1], dilation: [1, 1], padding: 'valid' });
    expect([...y.shape]).toEqual(point.shape);
    expectClose(y.dataSync(), withBias(point.values, bias!), 1e-5);
    st.dispose([x, y]);
    layer.dispose();
  });

  // TensorFlow.js builds pointwiseInitializer from depthwiseInitializer (a bug), so both are the same here.
  it('config matches TensorFlow.js plus depthMultiplier (which TensorFlow.js does not write), both ways', async () => {
    const args = { filters: 4, kernelSize: 3, depthMultiplier: 3, strides: 1, padding: 'valid', dilationRate: 2, activation: 'elu', depthwiseInitializer: 'ones', pointwiseInitializer: 'ones' } as const;
    const ours = st.layers.separableConv2d(args);
    expect(ours.getConfig()['depthMultiplier']).toBe(3);
    expectSameConfigAsTfjs(ours, tfl.layers.separableConv2d(args as unknown as SepArgs), (c) => tfl.layers.separableConv2d(c as unknown as SepArgs), ['depthMultiplier']);
    expect(() => st.layers.separableConv2d({ filters: 2, kernelSize: 3, kernelInitializer: 'ones' } as never)).toThrow(/kernelInitializer.*do not apply/);
  });
});
