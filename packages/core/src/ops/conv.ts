/**
 * Convolutions (NHWC): conv2d, conv1d, conv2dTranspose and depthwiseConv2d. Each uses the
 * backend's optional kernel when it has one and otherwise an im2col fallback built from required
 * kernels (gather with cached indices, then matMul), which autodiff differentiates by itself.
 */
import type { Conv2DAttrs } from '../backend/contract.js';
import { engine } from '../engine/engine.js';
import type { Tensor } from '../tensor/tensor.js';
import { shapeToString } from '../util/shape.js';
import type { TensorLike } from './convert.js';
import { matMul } from './matmul.js';
import { transpose } from './movement.js';
import { reshape } from './reshape.js';
import { floatTensor, hasKernel } from './nn-util.js';
import { extractPatches, pair, resolvePadding, scatterPatches, windowGeometry, type PaddingMode, type Size2D, type WindowGeometry } from './windows.js';

export type { PaddingMode, Size2D } from './windows.js';

function convAttrs(g: WindowGeometry): Conv2DAttrs {
  return { strides: [g.strideH, g.strideW], dilations: [g.dilationH, g.dilationW], pad: g.pad };
}

function inputShapeOf(g: WindowGeometry): number[] {
  return [g.batch, g.inH, g.inW, g.channels];
}

/** Checks x (rank 3 or 4, rank 3 meaning a batch of one) and returns it as rank 4. */
function asBatch(x: Tensor, op: string, arg = 'x'): Tensor {
  if (x.rank !== 3 && x.rank !== 4) {
    throw new Error(`${op}: ${arg} must be rank 4 [batch, height, width, channels] or rank 3 [height, width, channels], got ${shapeToString(x.shape)}`);
  }
  return x.rank === 4 ? x : reshape(x, [1, ...x.shape]);
}

/** Validates a rank-4 filter whose input-channel dim (index `channelDim`) matches x's channels. */
function checkFilter(x: Tensor, filter: Tensor, op: string, channelDim: number): void {
  if (filter.rank !== 4) throw new Error(`${op}: filter must be rank 4, got ${shapeToString(filter.shape)} (x is ${shapeToString(x.shape)})`);
  if (filter.shape[channelDim] !== x.shape[3]) {
    throw new Error(`${op}: filter ${shapeToString(filter.shape)} expects ${filter.shape[channelDim]} input channels (dim ${channelDim}) but x ${shapeToString(x.shape)} has ${x.shape[3]}`);
  }
}

// ---- conv2d and its two backprops: kernel when present, im2col composite otherwise ----------

function conv2dForward(x: Tensor, filter: Tensor, g: WindowGeometry): Tensor {
  if (hasKernel('conv2d')) {
    const attrs = convAttrs(g);
    return engine().runKernel('conv2d', [x, filter], (b, [xi, fi]) => b.conv2d!(xi!, fi!, attrs), (dys, [xi, fi], _outputs, needed) => [
      needed[0] ? conv2dBackpropInput(dys[0]!, fi!, g) : null,
      needed[1] ? conv2dBackpropFilter(xi!, dys[0]!, g) : null,
    ])[0]!;
  }
  const [kh, kw, inC, outC] = filter.shape as [number, number, number, number];
  const columns = reshape(extractPatches(x, g, 0), [g.batch * g.outH * g.outW, kh * kw * inC]);
  return reshape(matMul(columns, reshape(filter, [kh * kw * inC, outC])), [g.batch, g.outH, g.outW, outC]);
}

/** Gradient of conv2d with respect to its input (whose geometry is `g`). Differentiable. */
function conv2dBackpropInput(dy: Tensor, filter: Tensor, g: WindowGeometry): Tensor {
  if (hasKernel('conv2dBackpropInput')) {
    const attrs = convAttrs(g);
    const inputShape = inputShapeOf(g);
    // Linear in dy and in the filter: its adjoints are conv2d and conv2dBackpropFilter.
    return engine().runKernel('conv2dBackpropInput', [dy, filter], (b, [d, f]) => b.conv2dBackpropInput!(d!, f!, inputShape, attrs), (dys, [d, f]) => [
      conv2dForward(dys[0]!, f!, g),
      conv2dBackpropFilter(dys[0]!, d!, g),
    ])[0]!;
  }
  const [kh, kw, inC, outC] = filter.shape as [number, number, number, number];
  const columns = matMul(reshape(dy, [g.batch * g.outH * g.outW, outC]), reshape(filter, [kh * kw * inC, outC]), false, true);
  return scatterPatches(reshape(columns, [g.batch, g.outH * g.outW, kh * kw, inC]), g);
}

/** Gradient of conv2d with respect to its filter. Differentiable. */
function conv2dBackpropFilter(x: Tensor, dy: Tensor, g: WindowGeometry): Tensor {
  const outC = dy.shape[3]!;
  const filterShape = [g.kh, g.kw, g.channels, outC];
  if (hasKernel('conv2dBackpropFilter')) {
    const attrs = convAttrs(g);
    return engine().runKernel('conv2dBackpropFilter', [x, dy], (b, [xi, d]) => b.conv2dBackpropFilter!(xi!, d!, filterShape, attrs), (dys, [xi, d]) => [
      conv2dBackpropInput(d!, dys[0]!, g),
      conv2dForward(xi!, dys[0]!, g),
    ])[0]!;
  }
  const rows = g.batch * g.outH * g.outW;
  const columns = reshape(extractPatches(x, g, 0), [rows, g.kh * g.kw * g.channels]);
  return reshape(matMul(columns, reshape(dy, [rows, outC]), true, false), filterShape);
}

/** Validation and padding shared by conv2d and depthwiseConv2d; `forward` does the arithmetic. */
function convolve(op: string, x: TensorLike, filter: TensorLike, strides: Size2D, pad: PaddingMode, dilations: Size2D,
  forward: (x4: Tensor, f: Tensor, g: WindowGeometry) => Tensor): Tensor {
  return engine().tidy(() => {
    const xt = floatTensor(x, 'x', op);
    const x4 = asBatch(xt, op);
    const f = floatTensor(filter, 'filter', op);
    checkFilter(x4, f, op, 2);
    const s = pair(strides, 'strides', op);
    const d = pair(dilations, 'dilations', op);
    const [kh, kw] = f.shape as [number, number];
    const g = windowGeometry(op, x4.shape, kh, kw, s, d, resolvePadding(pad, x4.shape[1]!, x4.shape[2]!, kh, kw, s, d, op));
    const y = forward(x4, f, g);
    return xt.rank === 3 ? reshape(y, y.shape.slice(1)) : y;
  });
}

/**
 * 2-D convolution. x `[batch, height, width, inChannels]` (rank 3: a batch of one), filter
 * `[kh, kw, inChannels, outChannels]`; returns `[batch, outH, outW, outChannels]`.
 * @example st.conv2d(images, kernel, 2, 'same')
 */
export function conv2d(x: TensorLike, filter: TensorLike, strides: Size2D = 1, pad: PaddingMode = 'valid', dilations: Size2D = 1): Tensor {
  return convolve('conv2d', x, filter, strides, pad, dilations, conv2dForward);
}

/**
 * 1-D convolution. x `[batch, width, inChannels]` (rank 2: a batch of one), filter
 * `[k, inChannels, outChannels]`; pad is 'valid', 'same', a number or `[left, right]`.
 */
export function conv1d(x: TensorLike, filter: TensorLike, stride = 1, pad: 'valid' | 'same' | number | readonly [number, number] = 'valid', dilation = 1): Tensor {
  const op = 'conv1d';
  return engine().tidy(() => {
    const xt = floatTensor(x, 'x', op);
    const f = floatTensor(filter, 'filter', op);
    if (xt.rank !== 2 && xt.rank !== 3) throw new Error(`${op}: x must be rank 3 [batch, width, channels] or rank 2 [width, channels], got ${shapeToString(xt.shape)}`);
    if (f.rank !== 3) throw new Error(`${op}: filter must be rank 3 [k, inChannels, outChannels], got ${shapeToString(f.shape)} (x is ${shapeToString(xt.shape)})`);
    const x3 = xt.rank === 3 ? xt : reshape(xt, [1, ...xt.shape]);
    if (f.shape[1] !== x3.shape[2]) {
      throw new Error(`${op}: filter ${shapeToString(f.shape)} expects ${f.shape[1]} input channels but x ${shapeToString(xt.shape)} has ${x3.shape[2]}`);
    }
    for (const [v, arg] of [[stride, 'stride'], [dilation, 'dilation']] as const) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`${op}: ${arg} must be a positive integer, got ${v}`);
    }
    let pad2: PaddingMode;
    if (typeof pad === 'string') pad2 = pad;
    else if (typeof pad === 'number') pad2 = [[0, 0], [pad, pad]];
    else pad2 = [[0, 0], pad];
    const [n, w, c] = x3.shape as [number, number, number];
    const y = conv2d(reshape(x3, [n, 1, w, c]), reshape(f, [1, ...f.shape]), [1, stride], pad2, [1, dilation]);
    return reshape(y, xt.rank === 3 ? [n, y.shape[2]!, y.shape[3]!] : [y.shape[2]!, y.shape[3]!]);
  });
}

/**
 * Transposed convolution (the gradient of conv2d with respect to its input). x
 * `[batch, h, w, inChannels]`, filter `[kh, kw, outChannels, inChannels]` as in TensorFlow.js,
 * `outputShape` `[batch, outH, outW, outChannels]` (or without batch); strides and pad describe
 * the forward convolution from the output back to x.
 */
export function conv2dTranspose(x: TensorLike, filter: TensorLike, outputShape: readonly number[], strides: Size2D = 1, pad: PaddingMode = 'valid'): Tensor {
  const op = 'conv2dTranspose';
  return engine().tidy(() => {
    const xt = floatTensor(x, 'x', op);
    const x4 = asBatch(xt, op);
    const f = floatTensor(filter, 'filter', op);
    checkFilter(x4, f, op, 3);
    const out4 = outputShape.length === 3 ? [x4.shape[0]!, ...outputShape] : [...outputShape];
    if (out4.length !== 4 || out4.some((v) => !Number.isInteger(v) || v < 1)) {
      throw new Error(`${op}: outputShape ${shapeToString(outputShape)} must be [batch, height, width, channels] or [height, width, channels] of positive integers`);
    }
    if (out4[0] !== x4.shape[0] || out4[3] !== f.shape[2]) {
      throw new Error(`${op}: outputShape ${shapeToString(outputShape)} must have x's batch ${x4.shape[0]} and the filter's output channels ${f.shape[2]} (x is ${shapeToString(xt.shape)}, filter is ${shapeToString(f.shape)})`);
    }
    const s = pair(strides, 'strides', op);
    const [kh, kw] = f.shape as [number, number];
    const g = windowGeometry(op, out4, kh, kw, s, [1, 1], resolvePadding(pad, out4[1]!, out4[2]!, kh, kw, s, [1, 1], op));
    if (g.outH !== x4.shape[1] || g.outW !== x4.shape[2]) {
      throw new Error(`${op}: a convolution of outputShape ${shapeToString(outputShape)} with filter ${shapeToString(f.shape)}, strides ${s.join('x')} and pad ${JSON.stringify(pad)} gives ${g.outH}x${g.outW}, but x ${shapeToString(xt.shape)} is ${x4.shape[1]}x${x4.shape[2]}`);
    }
    const y = conv2dBackpropInput(x4, f, g);
    return xt.rank === 3 ? reshape(y, y.shape.slice(1)) : y;
  });
}

// ---- depthwise: kernel forward when present; backprops are composites ----------------------

/** im2col patches arranged per channel: `[channels, batch*outH*outW, kh*kw]`. */
function channelPatches(x: Tensor, g: WindowGeometry): Tensor {
  const rows = g.batch * g.outH * g.outW;
  return transpose(reshape(extractPatches(x, g, 0), [rows, g.kh * g.kw, g.channels]), [2, 0, 1]);
}

/** The filter `[kh,kw,c,m]` per channel: `[c, kh*kw, m]`. */
function channelFilter(filter: Tensor, g: WindowGeometry): Tensor {
  return transpose(reshape(filter, [g.kh * g.kw, g.channels, filter.shape[3]!]), [1, 0, 2]);
}

/** dy `[n,oh,ow,c*m]` per channel: `[c, n*oh*ow, m]`. */
function channelGradient(dy: Tensor, g: WindowGeometry, multiplier: number): Tensor {
  return transpose(reshape(dy, [g.batch * g.outH * g.outW, g.channels, multiplier]), [1, 0, 2]);
}

function depthwiseForward(x: Tensor, filter: Tensor, g: WindowGeometry): Tensor {
  const multiplier = filter.shape[3]!;
  if (hasKernel('depthwiseConv2d')) {
    const attrs = convAttrs(g);
    return engine().runKernel('depthwiseConv2d', [x, filter], (b, [xi, fi]) => b.depthwiseConv2d!(xi!, fi!, attrs), (dys, [xi, fi]) => [
      depthwiseBackpropInput(dys[0]!, fi!, g),
      depthwiseBackpropFilter(xi!, dys[0]!, g),
    ])[0]!;
  }
  const perChannel = matMul(channelPatches(x, g), channelFilter(filter, g)); // [c, rows, m]
  return reshape(transpose(perChannel, [1, 0, 2]), [g.batch, g.outH, g.outW, g.channels * multiplier]);
}

function depthwiseBackpropInput(dy: Tensor, filter: Tensor, g: WindowGeometry): Tensor {
  const columns = matMul(channelGradient(dy, g, filter.shape[3]!), channelFilter(filter, g), false, true); // [c, rows, taps]
  return scatterPatches(reshape(transpose(columns, [1, 2, 0]), [g.batch, g.outH * g.outW, g.kh * g.kw, g.channels]), g);
}

function depthwiseBackpropFilter(x: Tensor, dy: Tensor, g: WindowGeometry): Tensor {
  const multiplier = dy.shape[3]! / g.channels;
  const perChannel = matMul(channelPatches(x, g), channelGradient(dy, g, multiplier), true, false); // [c, taps, m]
  return reshape(transpose(perChannel, [1, 0, 2]), [g.kh, g.kw, g.channels, multiplier]);
}

/**
 * Depthwise 2-D convolution: each input channel is convolved with its own `multiplier` filters.
 * x `[batch, h, w, c]` (rank 3: a batch of one), filter `[kh, kw, c, multiplier]`; returns
 * `[batch, outH, outW, c * multiplier]` where output channel `ci * multiplier + j` comes from
 * input channel ci.
 */
export function depthwiseConv2d(x: TensorLike, filter: TensorLike, strides: Size2D = 1, pad: PaddingMode = 'valid', dilations: Size2D = 1): Tensor {
  return convolve('depthwiseConv2d', x, filter, strides, pad, dilations, depthwiseForward);
}
