/** maxPool, avgPool and their backprops (csrc/pool.c), NHWC float32. */
import type { Pool2DAttrs, Shape, TensorInfo } from '@strata/core';
import { convOutputSize } from '@strata/core';
import type { Runtime } from './runtime.js';

/** The geometry st_arg_area carries: see `PoolGeometry` in csrc/pool.c. */
function poolArgs(inputShape: Shape, attrs: Pool2DAttrs): { args: number[]; outShape: number[] } {
  const [batch, inH, inW, c] = inputShape as [number, number, number, number];
  const [fh, fw] = attrs.filterSize;
  const [sy, sx] = attrs.strides;
  const [padTop, padBottom, padLeft, padRight] = attrs.pad;
  const outH = convOutputSize(inH, fh, sy, 1, padTop, padBottom);
  const outW = convOutputSize(inW, fw, sx, 1, padLeft, padRight);
  return { args: [batch, inH, inW, c, outH, outW, fh, fw, sy, sx, padTop, padLeft], outShape: [batch, outH, outW, c] };
}

export function maxPool(rt: Runtime, x: TensorInfo, attrs: Pool2DAttrs): TensorInfo {
  const xp = rt.ptr(x, 'float32');
  const g = poolArgs(x.shape, attrs);
  const out = rt.output('maxPool', g.outShape, 'float32');
  rt.heap.setArgs(g.args);
  rt.wasm.st_max_pool(xp, out.storage.ptr);
  return out;
}

export function maxPoolBackprop(rt: Runtime, dy: TensorInfo, x: TensorInfo, attrs: Pool2DAttrs): TensorInfo {
  const dp = rt.ptr(dy, 'float32');
  const xp = rt.ptr(x, 'float32');
  const g = poolArgs(x.shape, attrs);
  const out = rt.output('maxPoolBackprop', x.shape, 'float32');
  rt.heap.setArgs(g.args);
  rt.wasm.st_max_pool_backprop(dp, xp, out.storage.ptr);
  return out;
}

export function avgPool(rt: Runtime, x: TensorInfo, attrs: Pool2DAttrs): TensorInfo {
  const xp = rt.ptr(x, 'float32');
  const g = poolArgs(x.shape, attrs);
  const out = rt.output('avgPool', g.outShape, 'float32');
  rt.heap.setArgs(g.args);
  rt.wasm.st_avg_pool(xp, out.storage.ptr);
  return out;
}

export function avgPoolBackprop(rt: Runtime, dy: TensorInfo, inputShape: Shape, attrs: Pool2DAttrs): TensorInfo {
  const dp = rt.ptr(dy, 'float32');
  const g = poolArgs(inputShape, attrs);
  const out = rt.output('avgPoolBackprop', inputShape, 'float32');
  rt.heap.setArgs(g.args);
  rt.wasm.st_avg_pool_backprop(dp, out.storage.ptr);
  return out;
}
