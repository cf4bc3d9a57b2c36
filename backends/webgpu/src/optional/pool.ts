/**
 * maxPool, avgPool and their backprops (NHWC, explicit padding). Padding positions are not
 * elements: max ignores them, average divides by the number of in-image elements only.
 *
 * The backprops are gathers, not scatters (WebGPU has no float atomics): each input element
 * sums the dy of the windows that contain it. For max pooling a first pass records each window's
 * first maximum (an int32 scratch tensor), so the second pass only compares indices.
 */
import type { Pool2DAttrs, Shape, TensorInfo } from '@strata/core';
import { convOutputSize, shapeToString, sizeOf } from '@strata/core';
import type { GpuTensorInfo, WebGPURuntime } from '../runtime.js';
import { Params } from '../runtime.js';
import { ELEMENTWISE_WG, bindings, entryPoint, flatIndex } from '../wgsl.js';
import { checkFloatInputs } from './common.js';

/**
 * Geometry names, in the order of `poolGeometry`'s words. The geometry is baked into each shader
 * as constants (the pipeline key names it): divisions by constants are cheap everywhere, and
 * software adapters (SwiftShader) otherwise spend most of a pooling kernel dividing.
 */
const GEOMETRY = ['N', 'H', 'W', 'C', 'OH', 'OW', 'FH', 'FW', 'SH', 'SW', 'PT', 'PL'] as const;

interface PoolGeometry {
  /** [elements, ...geometry words]. */
  readonly params: Params;
  readonly outShape: number[];
}

function poolGeometry(kernel: string, xShape: Shape, attrs: Pool2DAttrs, elements: (outShape: number[]) => number): PoolGeometry {
  if (xShape.length !== 4) throw new Error(`webgpu ${kernel}: expected x [n,h,w,c], got ${shapeToString(xShape)}`);
  const [n, h, w, c] = xShape as [number, number, number, number];
  const [fh, fw] = attrs.filterSize;
  const oh = Math.max(0, convOutputSize(h, fh, attrs.strides[0], 1, attrs.pad[0], attrs.pad[1]));
  const ow = Math.max(0, convOutputSize(w, fw, attrs.strides[1], 1, attrs.pad[2], attrs.pad[3]));
  const outShape = [n, oh, ow, c];
  const params = new Params().u32(elements(outShape), n, h, w, c, oh, ow, fh, fw, attrs.strides[0], attrs.strides[1], attrs.pad[0], attrs.pad[2]);
  return { params, outShape };
}

/** WGSL: decode output element `i` into (n, oy, ox, ch) and its window's first row/column. */
const OUTPUT_COORDS = `let r = i32(i);
  let ch = r % C; let ox = (r / C) % OW; let oy = (r / (C * OW)) % OH; let n = r / (C * OW * OH);
  let y0 = oy * SH - PT; let x0 = ox * SW - PL;`;

/** WGSL: decode input element `i` into (n, iy, ix, ch) and the range of windows that contain it. */
const INPUT_COORDS = `let r = i32(i);
  let ch = r % C; let ix = (r / C) % W; let iy = (r / (C * W)) % H; let n = r / (C * W * H);
  // Window oy covers rows oy·SH − PT … oy·SH − PT + FH − 1.
  let oyFirst = max(0, ceil_div(iy + PT - FH + 1, SH)); let oyLast = min(OH - 1, (iy + PT) / SH);
  let oxFirst = max(0, ceil_div(ix + PL - FW + 1, SW)); let oxLast = min(OW - 1, (ix + PL) / SW);`;

/** Ceiling division of a possibly negative numerator by a positive divisor. */
const CEIL_DIV = 'fn ceil_div(a: i32, b: i32) -> i32 { if (a <= 0) { return -((-a) / b); } return (a + b - 1) / b; }';

/** In-image elements of window (oy, ox): what average pooling divides by. */
const WINDOW_COUNT = `fn window_count(oy: i32, ox: i32) -> i32 {
  let rows = min(H, oy * SH - PT + FH) - max(0, oy * SH - PT);
  let cols = min(W, ox * SW - PL + FW) - max(0, ox * SW - PL);
  return max(0, rows) * max(0, cols);
}`;

function run(rt: WebGPURuntime, kernel: string, key: string, body: string, helpers: string, inputs: readonly TensorInfo[], out: GpuTensorInfo, params: Params, outType = 'f32'): void {
  const [total, ...geometry] = params.words as [number, ...number[]];
  // The batch size N is not compiled in (the last batch of an epoch is often smaller); no body uses it.
  const constants = geometry.map((v, k) => ({ name: GEOMETRY[k]!, v })).filter((c) => c.name !== 'N');
  rt.dispatch({
    kernel,
    key: `${key}:${constants.map((c) => c.v).join(',')}`,
    wgsl: () => `${bindings(inputs.map((t) => (t.dtype === 'int32' ? 'i32' : 'f32')), [outType])}
${constants.map((c) => `const ${c.name}: i32 = ${c.v};`).join('\n')}
${helpers}
${entryPoint(ELEMENTWISE_WG)} {
  let i = ${flatIndex(ELEMENTWISE_WG)};
  if (i >= P[0]) { return; }
  ${body}
}`,
    inputs,
    outputs: [out],
    params: new Params().u32(total),
    workgroups: Math.ceil(total / ELEMENTWISE_WG),
  });
}

/** WGSL: scan window (oy, ox) for its first maximum; leaves `best` and `at` (−1 if empty). */
const FIRST_MAX = `${OUTPUT_COORDS}
  var best = -inf_f32();
  var at = -1;
  for (var ky = 0; ky < FH; ky = ky + 1) {
    let iy = y0 + ky;
    if (iy < 0 || iy >= H) { continue; }
    for (var kx = 0; kx < FW; kx = kx + 1) {
      let ix = x0 + kx;
      if (ix < 0 || ix >= W) { continue; }
      let idx = ((n * H + iy) * W + ix) * C + ch;
      let v = in0[u32(idx)];
      // The first element is taken whatever it is (NaN too); later ones only when strictly greater.
      if (at < 0 || v > best) { best = v; at = idx; }
    }
  }`;

export function maxPool(rt: WebGPURuntime, x: TensorInfo, attrs: Pool2DAttrs): GpuTensorInfo {
  checkFloatInputs(rt, 'maxPool', { x });
  const g = poolGeometry('maxPool', x.shape, attrs, sizeOf);
  const out = rt.output('maxPool', g.outShape, 'float32');
  try {
    run(rt, 'maxPool', 'maxPool', `${FIRST_MAX}
  out0[i] = best;`, '', [x], out, g.params);
  } catch (err) {
    rt.fail([out], err);
  }
  return out;
}

export function maxPoolBackprop(rt: WebGPURuntime, dy: TensorInfo, x: TensorInfo, attrs: Pool2DAttrs): GpuTensorInfo {
  checkFloatInputs(rt, 'maxPoolBackprop', { dy, x });
  const windows = poolGeometry('maxPoolBackprop', x.shape, attrs, sizeOf);
  if (dy.shape.join() !== windows.outShape.join()) {
    throw new Error(`webgpu maxPoolBackprop: dy ${shapeToString(dy.shape)} does not match the pooled shape ${shapeToString(windows.outShape)} of x ${shapeToString(x.shape)}`);
  }
  const out = rt.output('maxPoolBackprop', x.shape, 'float32');
  try {
    // Pass 1: where each window's first maximum is (flat index into x, −1 for an empty window).
    const argmax = rt.scratch('maxPoolBackprop', windows.outShape, 'int32');
    try {
      run(rt, 'maxPoolBackprop', 'maxPoolArgmax', `${FIRST_MAX}
  out0[i] = at;`, '', [x], argmax, windows.params, 'i32');
      // Pass 2: each x element gathers dy from the windows whose maximum it is.
      const inputs = poolGeometry('maxPoolBackprop', x.shape, attrs, () => sizeOf(x.shape));
      run(rt, 'maxPoolBackprop', 'maxPoolBackprop', `${INPUT_COORDS}
  var acc = 0.0;
  for (var oy = oyFirst; oy <= oyLast; oy = oy + 1) {
    for (var ox = oxFirst; ox <= oxLast; ox = ox + 1) {
      let o = u32(((n * OH + oy) * OW + ox) * C + ch);
      if (in1[o] == r) { acc = acc + in0[o]; }
    }
  }
  out0[i] = acc;`, CEIL_DIV, [dy, argmax], out, inputs.params);
    } finally {
      rt.release(argmax.storage);
    }
  } catch (err) {
    rt.fail([out], err);
  }
  return out;
}

export function avgPool(rt: WebGPURuntime, x: TensorInfo, attrs: Pool2DAttrs): GpuTensorInfo {
  checkFloatInputs(rt, 'avgPool', { x });
  const g = poolGeometry('avgPool', x.shape, attrs, sizeOf);
  const out = rt.output('avgPool', g.outShape, 'float32');
  try {
    run(rt, 'avgPool', 'avgPool', `${OUTPUT_COORDS}
  var acc = 0.0;
  var count = 0;
  for (var ky = 0; ky < FH; ky = ky + 1) {
    let iy = y0 + ky;
    if (iy < 0 || iy >= H) { continue; }
    for (var kx = 0; kx < FW; kx = kx + 1) {
      let ix = x0 + kx;
      if (ix < 0 || ix >= W) { continue; }
      acc = acc + in0[u32(((n * H + iy) * W + ix) * C + ch)];
      count = count + 1;
    }
  }
  // A window entirely in the padding has no elements: 0/0.
  out0[i] = select(acc / f32(count), nan_f32(), count == 0);`, '', [x], out, g.params);
  } catch (err) {
    rt.fail([out], err);
  }
  return out;
}

export function avgPoolBackprop(rt: WebGPURuntime, dy: TensorInfo, inputShape: Shape, attrs: Pool2DAttrs): GpuTensorInfo {
  checkFloatInputs(rt, 'avgPoolBackprop', { dy });
  const g = poolGeometry('avgPoolBackprop', inputShape, attrs, () => sizeOf(inputShape));
  if (dy.shape.join() !== g.outShape.join()) {
    throw new Error(`webgpu avgPoolBackprop: dy ${shapeToString(dy.shape)} does not match the pooled shape ${shapeToString(g.outShape)} of input ${shapeToString(inputShape)}`);
  }
  const out = rt.output('avgPoolBackprop', inputShape, 'float32');
  try {
    run(rt, 'avgPoolBackprop', 'avgPoolBackprop', `${INPUT_COORDS}
  var acc = 0.0;
  for (var oy = oyFirst; oy <= oyLast; oy = oy + 1) {
    for (var ox = oxFirst; ox <= oxLast; ox = ox + 1) {
      acc = acc + in0[u32(((n * OH + oy) * OW + ox) * C + ch)] / f32(window_count(oy, ox));
    }
  }
  out0[i] = acc;`, `${CEIL_DIV}\n${WINDOW_COUNT}`, [dy], out, g.params);
  } catch (err) {
    rt.fail([out], err);
  }
  return out;
}
