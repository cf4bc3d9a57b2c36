/** conv2d, its two backprops, and depthwiseConv2d (csrc/conv.c), all NHWC float32. */
import type { Conv2DAttrs, Shape, TensorInfo } from '@strata/core';
import { convOutputSize } from '@strata/core';
import type { Runtime } from './runtime.js';

/** The geometry st_arg_area carries: see `Geometry` in csrc/conv.c. */
function geometryArgs(inputShape: Shape, filterShape: Shape, outChannels: number, attrs: Conv2DAttrs): { args: number[]; outH: number; outW: number } {
  const [batch, inH, inW, inC] = inputShape as [number, number, number, number];
  const [kh, kw] = filterShape as [number, number];
  const [sy, sx] = attrs.strides;
  const [dy, dx] = attrs.dilations;
  const [padTop, padBottom, padLeft, padRight] = attrs.pad;
  const outH = convOutputSize(inH, kh, sy, dy, padTop, padBottom);
  const outW = convOutputSize(inW, kw, sx, dx, padLeft, padRight);
  return { args: [batch, inH, inW, inC, outH, outW, kh, kw, sy, sx, dy, dx, padTop, padLeft, outChannels], outH, outW };
}

/** Runs a conv driver that may need scratch memory, freeing `out` if it cannot get it. */
function runWithScratch(rt: Runtime, kernel: string, out: TensorInfo, call: () => number): TensorInfo {
  if (call() !== 0) {
    try {
      rt.scratchFailed(kernel);
    } catch (err) {
      rt.fail([out], err);
    }
  }
  rt.checkThreads(kernel, [out]);
  return out;
}

export function conv2d(rt: Runtime, x: TensorInfo, filter: TensorInfo, attrs: Conv2DAttrs): TensorInfo {
  const xp = rt.ptr(x, 'float32');
  const fp = rt.ptr(filter, 'float32');
  const f = filter.shape[3]!;
  const g = geometryArgs(x.shape, filter.shape, f, attrs);
  const out = rt.output('conv2d', [x.shape[0]!, g.outH, g.outW, f], 'float32');
  rt.heap.setArgs(g.args);
  return runWithScratch(rt, 'conv2d', out, () => rt.wasm.st_conv2d(xp, fp, out.storage.ptr));
}

export function conv2dBackpropInput(rt: Runtime, dy: TensorInfo, filter: TensorInfo, inputShape: Shape, attrs: Conv2DAttrs): TensorInfo {
  const dp = rt.ptr(dy, 'float32');
  const fp = rt.ptr(filter, 'float32');
  const g = geometryArgs(inputShape, filter.shape, filter.shape[3]!, attrs);
  const out = rt.output('conv2dBackpropInput', inputShape, 'float32');
  rt.heap.setArgs(g.args);
  return runWithScratch(rt, 'conv2dBackpropInput', out, () => rt.wasm.st_conv2d_backprop_input(dp, fp, out.storage.ptr));
}

export function conv2dBackpropFilter(rt: Runtime, x: TensorInfo, dy: TensorInfo, filterShape: Shape, attrs: Conv2DAttrs): TensorInfo {
  const xp = rt.ptr(x, 'float32');
  const dp = rt.ptr(dy, 'float32');
  const g = geometryArgs(x.shape, filterShape, filterShape[3]!, attrs);
  const out = rt.output('conv2dBackpropFilter', filterShape, 'float32');
  rt.heap.setArgs(g.args);
  return runWithScratch(rt, 'conv2dBackpropFilter', out, () => rt.wasm.st_conv2d_backprop_filter(xp, dp, out.storage.ptr));
}

export function depthwiseConv2d(rt: Runtime, x: TensorInfo, filter: TensorInfo, attrs: Conv2DAttrs): TensorInfo {
  const xp = rt.ptr(x, 'float32');
  const fp = rt.ptr(filter, 'float32');
  const outC = x.shape[3]! * filter.shape[3]!;
  const g = geometryArgs(x.shape, filter.shape, outC, attrs);
  const out = rt.output('depthwiseConv2d', [x.shape[0]!, g.outH, g.outW, outC], 'float32');
  rt.heap.setArgs(g.args);
  rt.wasm.st_depthwise_conv2d(xp, fp, out.storage.ptr);
  return out;
}
