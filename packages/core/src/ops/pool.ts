/**
 * 2-D and 1-D max and average pooling (NHWC). Each uses the backend's optional kernels when it
 * has them; otherwise windows are gathered (im2col, see windows.ts) and reduced.
 */
import type { Pool2DAttrs } from '../backend/contract.js';
import { engine } from '../engine/engine.js';
import type { Tensor } from '../tensor/tensor.js';
import { shapeToString } from '../util/shape.js';
import type { TensorLike } from './convert.js';
import { div, mul } from './binary.js';
import { oneHot } from './creation.js';
import { broadcastTo, transpose } from './movement.js';
import { argMax, max, sum } from './reduction.js';
import { reshape } from './reshape.js';
import { compositeWithGradient, floatTensor, hasKernel } from './nn-util.js';
import { extractPatches, pair, resolvePadding, scatterPatches, windowCounts, windowGeometry, type PaddingMode, type Size2D, type WindowGeometry } from './windows.js';

function poolAttrs(g: WindowGeometry): Pool2DAttrs {
  return { filterSize: [g.kh, g.kw], strides: [g.strideH, g.strideW], pad: g.pad };
}

function outputShapeOf(g: WindowGeometry): number[] {
  return [g.batch, g.outH, g.outW, g.channels];
}

/**
 * float32 `[batch, outH*outW, taps, channels]`: 1 at the first maximum of each window (the
 * element the contract's maxPoolBackprop routes the gradient to), 0 elsewhere.
 */
function firstMaxMask(x: Tensor, g: WindowGeometry): Tensor {
  return engine().withoutTapes(() => {
    const first = argMax(extractPatches(x, g, -Infinity), 2); // [n, P, c]
    return transpose(oneHot(first, g.kh * g.kw), [0, 1, 3, 2]);
  });
}

function maxPoolForward(x: Tensor, g: WindowGeometry): Tensor {
  const gradient = (dys: readonly Tensor[], [xi]: readonly Tensor[]): Tensor[] => [maxPoolBackprop(dys[0]!, xi!, g)];
  if (hasKernel('maxPool')) {
    const attrs = poolAttrs(g);
    return engine().runKernel('maxPool', [x], (b, [xi]) => b.maxPool!(xi!, attrs), gradient)[0]!;
  }
  // Explicit gradient: autodiff of max would split ties, the contract routes to the first maximum.
  return compositeWithGradient('maxPool', [x], () => reshape(max(extractPatches(x, g, -Infinity), 2), outputShapeOf(g)), gradient);
}

function maxPoolBackprop(dy: Tensor, x: Tensor, g: WindowGeometry): Tensor {
  if (hasKernel('maxPoolBackprop')) {
    const attrs = poolAttrs(g);
    // Linear in dy: its adjoint picks, in each window, the value at x's first maximum.
    return engine().runKernel('maxPoolBackprop', [dy, x], (b, [d, xi]) => b.maxPoolBackprop!(d!, xi!, attrs), (dys, [, xi]) => [
      reshape(sum(mul(firstMaxMask(xi!, g), extractPatches(dys[0]!, g, 0)), 2), outputShapeOf(g)),
      null,
    ])[0]!;
  }
  const routed = mul(firstMaxMask(x, g), reshape(dy, [g.batch, g.outH * g.outW, 1, g.channels]));
  return scatterPatches(routed, g);
}

function avgPoolForward(x: Tensor, g: WindowGeometry): Tensor {
  if (hasKernel('avgPool')) {
    const attrs = poolAttrs(g);
    return engine().runKernel('avgPool', [x], (b, [xi]) => b.avgPool!(xi!, attrs), (dys) => [avgPoolBackprop(dys[0]!, g)])[0]!;
  }
  // Zero padding adds nothing to the sums; the cached counts hold each window's real size.
  return reshape(div(sum(extractPatches(x, g, 0), 2), windowCounts(g)), outputShapeOf(g));
}

function avgPoolBackprop(dy: Tensor, g: WindowGeometry): Tensor {
  if (hasKernel('avgPoolBackprop')) {
    const attrs = poolAttrs(g);
    const inputShape = [g.batch, g.inH, g.inW, g.channels];
    return engine().runKernel('avgPoolBackprop', [dy], (b, [d]) => b.avgPoolBackprop!(d!, inputShape, attrs), (dys) => [avgPoolForward(dys[0]!, g)])[0]!;
  }
  const perWindow = div(reshape(dy, [g.batch, g.outH * g.outW, 1, g.channels]), reshape(windowCounts(g), [g.outH * g.outW, 1, 1]));
  return scatterPatches(broadcastTo(perWindow, [g.batch, g.outH * g.outW, g.kh * g.kw, g.channels]), g);
}

function pool(op: string, x: TensorLike, filterSize: Size2D, strides: Size2D | undefined, pad: PaddingMode, forward: (x: Tensor, g: WindowGeometry) => Tensor): Tensor {
  return engine().tidy(() => {
    const xt = floatTensor(x, 'x', op);
    if (xt.rank !== 3 && xt.rank !== 4) {
      throw new Error(`${op}: x must be rank 4 [batch, height, width, channels] or rank 3 [height, width, channels], got ${shapeToString(xt.shape)}`);
    }
    const x4 = xt.rank === 4 ? xt : reshape(xt, [1, ...xt.shape]);
    const [kh, kw] = pair(filterSize, 'filterSize', op);
    const s = pair(strides ?? filterSize, 'strides', op);
    const padding = resolvePadding(pad, x4.shape[1]!, x4.shape[2]!, kh, kw, s, [1, 1], op);
    const g = windowGeometry(op, x4.shape, kh, kw, s, [1, 1], padding, 'pooling');
    const y = forward(x4, g);
    return xt.rank === 3 ? reshape(y, y.shape.slice(1)) : y;
  });
}

/**
 * Max pooling over `filterSize` windows of NHWC x (rank 3: a batch of one); padding counts as
 * -Infinity. `strides` defaults to `filterSize`. The gradient goes to the first maximum of each
 * window.
  * @example
  * const y = st.maxPool(st.randomNormal([1, 28, 28, 16]), 2);  // 2×2 windows, stride 2: [1, 14, 14, 16]
 */
export function maxPool(x: TensorLike, filterSize: Size2D, strides?: Size2D, pad: PaddingMode = 'valid'): Tensor {
  return pool('maxPool', x, filterSize, strides, pad, maxPoolForward);
}

/**
 * Average pooling over `filterSize` windows of NHWC x (rank 3: a batch of one); only elements
 * inside the image are averaged. `strides` defaults to `filterSize`.
 */
export function avgPool(x: TensorLike, filterSize: Size2D, strides?: Size2D, pad: PaddingMode = 'valid'): Tensor {
  return pool('avgPool', x, filterSize, strides, pad, avgPoolForward);
}

function pool1d(op: string, x: TensorLike, poolSize: number, stride: number | undefined, pad: 'valid' | 'same' | number | readonly [number, number], pool2d: typeof maxPool): Tensor {
  return engine().tidy(() => {
    const xt = floatTensor(x, 'x', op);
    if (xt.rank !== 2 && xt.rank !== 3) throw new Error(`${op}: x must be rank 3 [batch, width, channels] or rank 2 [width, channels], got ${shapeToString(xt.shape)}`);
    const x3 = xt.rank === 3 ? xt : reshape(xt, [1, ...xt.shape]);
    const [n, w, c] = x3.shape as [number, number, number];
    let pad2: PaddingMode;
    if (typeof pad === 'string') pad2 = pad;
    else if (typeof pad === 'number') pad2 = [[0, 0], [pad, pad]];
    else pad2 = [[0, 0], pad];
    if (!Number.isInteger(poolSize) || poolSize < 1) throw new Error(`${op}: poolSize must be a positive integer, got ${poolSize} (x is ${shapeToString(xt.shape)})`);
    const y = pool2d(reshape(x3, [n, 1, w, c]), [1, poolSize], [1, stride ?? poolSize], pad2);
    return reshape(y, xt.rank === 3 ? [n, y.shape[2]!, c] : [y.shape[2]!, c]);
  });
}

/** 1-D max pooling of x `[batch, width, channels]` (rank 2: a batch of one). */
export function maxPool1d(x: TensorLike, poolSize: number, stride?: number, pad: 'valid' | 'same' | number | readonly [number, number] = 'valid'): Tensor {
  return pool1d('maxPool1d', x, poolSize, stride, pad, maxPool);
}

/** 1-D average pooling of x `[batch, width, channels]` (rank 2: a batch of one). */
export function avgPool1d(x: TensorLike, poolSize: number, stride?: number, pad: 'valid' | 'same' | number | readonly [number, number] = 'valid'): Tensor {
  return pool1d('avgPool1d', x, poolSize, stride, pad, avgPool);
}

