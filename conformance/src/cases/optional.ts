/**
 * Cases for the optional kernels. Generated only for kernels the backend declares
 * (`typeof backend[name] === 'function'`); the same oracle judges core's fallbacks in the ops family.
 */
import type { Backend, Conv2DAttrs, FusedActivation, OptionalKernelName, Pool2DAttrs } from '../contract.js';
import * as O from '../oracle/index.js';
import { TOLERANCES } from '../tolerances.js';
import type { KernelCase } from './case.js';
import { exp, kernelCase } from './build.js';
import { Rng } from './prng.js';
import { intIn, normal, shapeStr, tensorOf, uniform } from './values.js';

/** [label, x shape NHWC, filter [kh, kw, c, f], attrs] */
type ConvSpec = [string, number[], number[], Conv2DAttrs];

const conv = (s: [number, number], d: [number, number], pad: [number, number, number, number]): Conv2DAttrs => ({ strides: s, dilations: d, pad });

export const CONV_SPECS: ConvSpec[] = [
  ['1x1 filter', [1, 5, 5, 3], [1, 1, 3, 4], conv([1, 1], [1, 1], [0, 0, 0, 0])],
  ['3x3 valid', [2, 7, 7, 3], [3, 3, 3, 5], conv([1, 1], [1, 1], [0, 0, 0, 0])],
  ['3x3 same', [1, 6, 6, 2], [3, 3, 2, 3], conv([1, 1], [1, 1], [1, 1, 1, 1])],
  ['stride 2', [2, 9, 9, 3], [3, 3, 3, 4], conv([2, 2], [1, 1], [1, 1, 1, 1])],
  ['dilation 2', [1, 9, 8, 2], [3, 3, 2, 3], conv([1, 1], [2, 2], [0, 0, 0, 0])],
  ['asymmetric padding', [1, 7, 6, 3], [3, 3, 3, 2], conv([1, 1], [1, 1], [0, 1, 1, 2])],
  ['non-square everything', [2, 7, 5, 3], [3, 2, 3, 5], conv([2, 1], [1, 2], [1, 0, 2, 1])],
  ['filter as large as input', [1, 4, 4, 2], [4, 4, 2, 3], conv([1, 1], [1, 1], [0, 0, 0, 0])],
  ['stride 3 leftover pixels', [1, 11, 10, 1], [2, 2, 1, 2], conv([3, 3], [1, 1], [0, 0, 0, 0])],
  ['mnist-like', [2, 28, 28, 1], [5, 5, 1, 8], conv([1, 1], [1, 1], [2, 2, 2, 2])],
  ['wide channels', [1, 13, 17, 7], [3, 3, 7, 9], conv([1, 1], [1, 1], [1, 1, 1, 1])],
];

type PoolSpec = [string, number[], Pool2DAttrs];
const pool = (f: [number, number], s: [number, number], pad: [number, number, number, number]): Pool2DAttrs => ({ filterSize: f, strides: s, pad });

export const POOL_SPECS: PoolSpec[] = [
  ['2x2 stride 2', [2, 8, 8, 3], pool([2, 2], [2, 2], [0, 0, 0, 0])],
  ['3x3 stride 1 same', [1, 7, 7, 2], pool([3, 3], [1, 1], [1, 1, 1, 1])],
  ['3x3 stride 2 asymmetric pad', [1, 9, 8, 2], pool([3, 3], [2, 2], [0, 1, 1, 1])],
  ['non-square window', [2, 7, 9, 1], pool([2, 3], [1, 2], [0, 0, 1, 1])],
  ['odd leftover', [1, 11, 10, 3], pool([2, 2], [2, 2], [0, 0, 0, 0])],
  ['1x1 window', [1, 5, 4, 2], pool([1, 1], [1, 1], [0, 0, 0, 0])],
  ['large', [4, 32, 32, 8], pool([2, 2], [2, 2], [0, 0, 0, 0])],
];

function outHW(x: readonly number[], kh: number, kw: number, a: { strides: readonly [number, number]; pad: readonly number[] }, dil: readonly [number, number] = [1, 1]): [number, number] {
  return [O.outSize(x[1]!, kh, a.strides[0], dil[0], a.pad[0]!, a.pad[1]!), O.outSize(x[2]!, kw, a.strides[1], dil[1], a.pad[2]!, a.pad[3]!)];
}

const attrStr = (a: Conv2DAttrs): string => `strides ${a.strides.join('x')} dilations ${a.dilations.join('x')} pad [${a.pad.join(',')}]`;
const poolStr = (a: Pool2DAttrs): string => `window ${a.filterSize.join('x')} strides ${a.strides.join('x')} pad [${a.pad.join(',')}]`;

function convCases(seed: number, has: (k: OptionalKernelName) => boolean): KernelCase[] {
  const out: KernelCase[] = [];
  const acc = TOLERANCES.accumulation;
  for (const [label, xs, fs, attrs] of CONV_SPECS) {
    const rng = Rng.derive(seed, `conv2d.${label}`);
    const x = tensorOf(rng, xs, 'float32', uniform(-1, 1));
    const f = tensorOf(rng, fs, 'float32', uniform(-1, 1));
    const [oh, ow] = outHW(xs, fs[0]!, fs[1]!, attrs, attrs.dilations);
    const dy = tensorOf(rng, [xs[0]!, oh, ow, fs[3]!], 'float32', uniform(-1, 1));
    const name = `x ${shapeStr(xs)} filter ${shapeStr(fs)} ${attrStr(attrs)} ${label}`;
    if (has('conv2d')) out.push(kernelCase('conv2d', name, acc, [x, f], (b, [xi, fi]) => b.conv2d!(xi!, fi!, attrs), () => O.conv2d(x, f, attrs)));
    if (has('conv2dBackpropInput')) {
      out.push(kernelCase('conv2dBackpropInput', name, acc, [dy, f], (b, [d, fi]) => b.conv2dBackpropInput!(d!, fi!, xs, attrs), () => O.conv2dBackpropInput(dy, f, xs, attrs)));
    }
    if (has('conv2dBackpropFilter')) {
      out.push(kernelCase('conv2dBackpropFilter', name, acc, [x, dy], (b, [xi, d]) => b.conv2dBackpropFilter!(xi!, d!, fs, attrs), () => O.conv2dBackpropFilter(x, dy, fs, attrs)));
    }
    if (has('depthwiseConv2d')) {
      const mult = (fs[3]! % 2) + 1;
      const df = tensorOf(rng, [fs[0]!, fs[1]!, xs[3]!, mult], 'float32', uniform(-1, 1));
      out.push(kernelCase('depthwiseConv2d', `x ${shapeStr(xs)} filter ${shapeStr(df.shape)} ${attrStr(attrs)} ${label}`, acc, [x, df],
        (b, [xi, fi]) => b.depthwiseConv2d!(xi!, fi!, attrs), () => O.depthwiseConv2d(x, df, attrs)));
    }
  }
  return out;
}

function poolCases(seed: number, has: (k: OptionalKernelName) => boolean): KernelCase[] {
  const out: KernelCase[] = [];
  const specs: [string, number[], Pool2DAttrs, boolean][] = [...POOL_SPECS.map(([l, s, a]) => [l, s, a, false] as [string, number[], Pool2DAttrs, boolean]),
    ['ties (first maximum wins)', [1, 6, 6, 2], pool([2, 2], [2, 2], [0, 0, 0, 0]), true]];
  for (const [label, xs, attrs, ties] of specs) {
    const rng = Rng.derive(seed, `pool.${label}`);
    const x = tensorOf(rng, xs, 'float32', ties ? intIn(0, 2) : normal(2));
    const [oh, ow] = outHW(xs, attrs.filterSize[0], attrs.filterSize[1], attrs);
    const dy = tensorOf(rng, [xs[0]!, oh, ow, xs[3]!], 'float32', normal(1));
    const name = `x ${shapeStr(xs)} ${poolStr(attrs)} ${label}`;
    if (has('maxPool')) out.push(kernelCase('maxPool', name, TOLERANCES.exact, [x], (b, [xi]) => b.maxPool!(xi!, attrs), () => exp(O.maxPool(x, attrs))));
    if (has('maxPoolBackprop')) out.push(kernelCase('maxPoolBackprop', name, TOLERANCES.pooling, [dy, x], (b, [d, xi]) => b.maxPoolBackprop!(d!, xi!, attrs), () => exp(O.maxPoolBackprop(dy, x, attrs))));
    if (ties) continue;
    if (has('avgPool')) out.push(kernelCase('avgPool', name, TOLERANCES.pooling, [x], (b, [xi]) => b.avgPool!(xi!, attrs), () => exp(O.avgPool(x, attrs))));
    if (has('avgPoolBackprop')) out.push(kernelCase('avgPoolBackprop', name, TOLERANCES.pooling, [dy], (b, [d]) => b.avgPoolBackprop!(d!, xs, attrs), () => exp(O.avgPoolBackprop(dy, xs, attrs))));
  }
  return out;
}

function normCases(seed: number, has: (k: OptionalKernelName) => boolean): KernelCase[] {
  const out: KernelCase[] = [];
  const rng = Rng.derive(seed, 'norm');
  const tol = TOLERANCES.normalization;
  const shapes: [string, number[], number, number[]][] = [
    ['row', [5], 3, []], ['odd', [7, 13], 3, []], ['length-1 rows', [2, 3, 1], 3, []], ['empty', [0, 5], 3, []],
    ['rank 4', [2, 3, 4, 9], 3, []], ['large values (stability)', [4, 10], 0, [900, 1000]], ['-Inf entries', [6, 8], 3, [-Infinity, -Infinity]],
    ['wide', [64, 64], 5, []],
  ];
  for (const [label, shape, scale, specials] of shapes) {
    const x = label.startsWith('large')
      ? tensorOf(rng, shape, 'float32', uniform(900, 1000))
      : tensorOf(rng, shape, 'float32', normal(scale), specials);
    const name = `${shapeStr(shape)} ${label}`;
    if (has('softmax')) out.push(kernelCase('softmax', name, tol, [x], (b, [xi]) => b.softmax!(xi!), () => exp(O.softmax(x))));
    if (has('logSoftmax')) out.push(kernelCase('logSoftmax', name, tol, [x], (b, [xi]) => b.logSoftmax!(xi!), () => exp(O.logSoftmax(x))));
    if (specials.length > 0) continue;
    const c = shape[shape.length - 1]!;
    const vec = (draw: (r: Rng) => number): O.OTensor => tensorOf(rng, [c], 'float32', draw);
    if (has('layerNorm')) {
      const gamma = vec(uniform(0.5, 1.5));
      const beta = vec(normal(1));
      const eps = label === 'row' ? 1e-3 : 1e-5;
      out.push(kernelCase('layerNorm', `${name} epsilon ${eps}`, tol, [x, gamma, beta], (b, [xi, g, be]) => b.layerNorm!(xi!, g!, be!, eps), () => exp(O.layerNorm(x, gamma, beta, eps))));
    }
    if (has('batchNorm')) {
      const mean = vec(normal(1));
      const variance = vec(uniform(0.1, 3));
      const offset = vec(normal(1));
      const sc = vec(uniform(0.5, 1.5));
      out.push(kernelCase('batchNorm', `${name} epsilon 0.001`, tol, [x, mean, variance, offset, sc],
        (b, [xi, m, v, o, s]) => b.batchNorm!(xi!, m!, v!, o!, s!, 1e-3), () => exp(O.batchNorm(x, mean, variance, offset, sc, 1e-3))));
    }
  }
  return out;
}

function fusedCases(seed: number): KernelCase[] {
  const rng = Rng.derive(seed, 'fusedMatMul');
  const specs: [number[], number[], number[] | null, FusedActivation, boolean, boolean][] = [
    [[7, 13], [13, 5], [5], 'relu', false, false], [[7, 13], [13, 5], null, 'linear', false, false],
    [[13, 7], [5, 13], [7, 5], 'sigmoid', true, true], [[3, 4, 6], [3, 6, 5], [5], 'tanh', false, false],
    [[2, 1, 4, 6], [3, 6, 5], [1, 5], 'relu', false, false], [[33, 65], [17, 65], [17], 'linear', false, true],
    [[0, 4], [4, 3], [3], 'relu', false, false], [[64, 129], [129, 31], [31], 'tanh', false, false],
  ];
  return specs.map(([sa, sb, sbias, act, ta, tb]) => {
    const a = tensorOf(rng, sa, 'float32', uniform(-1, 1));
    const b = tensorOf(rng, sb, 'float32', uniform(-1, 1));
    const bias = sbias === null ? null : tensorOf(rng, sbias, 'float32', normal(1));
    const label = `${shapeStr(sa)}${ta ? 'ᵀ' : ''} × ${shapeStr(sb)}${tb ? 'ᵀ' : ''} bias ${bias === null ? 'none' : shapeStr(sbias!)} ${act}`;
    const inputs = bias === null ? [a, b] : [a, b, bias];
    return kernelCase('fusedMatMul', label, TOLERANCES.accumulation, inputs,
      (bk, [ai, bi, biasi]) => bk.fusedMatMul!(ai!, bi!, biasi ?? null, act, ta, tb), () => O.fusedMatMul(a, b, bias, act, ta, tb));
  });
}

function attentionCases(seed: number): KernelCase[] {
  const rng = Rng.derive(seed, 'attention');
  // [batch dims, m, n, d, e, mask shape]
  const specs: [number[], number, number, number, number, number[] | null][] = [
    [[], 4, 6, 8, 5, null], [[2], 3, 7, 4, 4, [3, 7]], [[2, 3], 5, 5, 8, 8, [2, 3, 5, 5]],
    [[1], 1, 1, 3, 2, null], [[2], 9, 17, 16, 11, [1, 17]],
  ];
  return specs.map(([batch, m, n, d, e, maskShape]) => {
    const q = tensorOf(rng, [...batch, m, d], 'float32', uniform(-1, 1));
    const k = tensorOf(rng, [...batch, n, d], 'float32', uniform(-1, 1));
    const v = tensorOf(rng, [...batch, n, e], 'float32', uniform(-1, 1));
    // a causal-style mask: large negative entries, never a whole row
    const mask = maskShape === null ? null : tensorOf(rng, maskShape, 'float32', (r) => (r.bool(0.25) ? -1e9 : r.normal()));
    if (mask !== null) for (let i = 0; i < mask.data.length; i += maskShape![maskShape!.length - 1]!) mask.data[i] = 0;
    const scale = 1 / Math.sqrt(d);
    const inputs = mask === null ? [q, k, v] : [q, k, v, mask];
    return kernelCase('attention', `q ${shapeStr(q.shape)} k ${shapeStr(k.shape)} v ${shapeStr(v.shape)} mask ${mask === null ? 'none' : shapeStr(mask.shape)}`,
      TOLERANCES.attention, inputs, (b, [qi, ki, vi, mi]) => b.attention!(qi!, ki!, vi!, mi ?? null, scale), () => exp(O.attention(q, k, v, mask, scale)));
  });
}

function optimizerCases(seed: number, has: (k: OptionalKernelName) => boolean): KernelCase[] {
  const rng = Rng.derive(seed, 'optimizers');
  const out: KernelCase[] = [];
  for (const [label, shape, step] of [['first step', [7, 13], 1], ['later step', [301, 17], 10], ['single', [1], 3], ['empty', [0], 1]] as const) {
    const p = tensorOf(rng, shape, 'float32', normal(1));
    const g = tensorOf(rng, shape, 'float32', normal(0.5));
    const m = tensorOf(rng, shape, 'float32', normal(step > 1 ? 0.1 : 0));
    const v = tensorOf(rng, shape, 'float32', (r) => (step > 1 ? r.uniform(0.01, 0.5) : 0));
    if (has('adamUpdate')) {
      const attrs = { learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, step };
      out.push(kernelCase('adamUpdate', `${shapeStr(shape)} ${label} step ${step}`, TOLERANCES.optimizer, [p, g, m, v],
        (b, [pi, gi, mi, vi]) => b.adamUpdate!(pi!, gi!, mi!, vi!, attrs), () => O.adamUpdate(p, g, m, v, attrs).map(exp)));
    }
    if (has('sgdUpdate')) {
      for (const [momentum, nesterov] of [[0, false], [0.9, false], [0.9, true]] as const) {
        const attrs = { learningRate: 0.05, momentum, nesterov };
        out.push(kernelCase('sgdUpdate', `${shapeStr(shape)} ${label} momentum ${momentum}${nesterov ? ' nesterov' : ''}`, TOLERANCES.optimizer, [p, g, m],
          (b, [pi, gi, vi]) => b.sgdUpdate!(pi!, gi!, vi!, attrs), () => O.sgdUpdate(p, g, m, attrs).map(exp)));
      }
    }
  }
  return out;
}

export function optionalCases(seed: number, backend: Backend): KernelCase[] {
  const has = (k: OptionalKernelName): boolean => typeof backend[k] === 'function';
  return [
    ...convCases(seed, has),
    ...poolCases(seed, has),
    ...normCases(seed, has),
    ...(has('fusedMatMul') ? fusedCases(seed) : []),
    ...(has('attention') ? attentionCases(seed) : []),
    ...optimizerCases(seed, has),
  ];
}
