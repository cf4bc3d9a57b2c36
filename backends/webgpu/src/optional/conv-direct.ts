/**
 * Direct convolution loops for software adapters (SwiftShader): one thread per output element,
 * window coordinates decoded once per thread, no workgroup memory. SwiftShader runs workgroup
 * barriers as coroutine switches and scalarises integer division, so there the implicit GEMM's
 * tiles and per-element address decoding cost more than they save; on hardware GPUs conv.ts
 * uses the tiled implicit GEMM instead.
 *
 * The geometry is baked into each shader as constants (the pipeline key names it), so divisions
 * by it compile to multiplications and the window loops can unroll; a model has few distinct
 * convolution shapes. Only the element count and the batch size are params.
 */
import type { TensorInfo } from '@strata/core';
import type { GpuTensorInfo, WebGPURuntime } from '../runtime.js';
import { Params } from '../runtime.js';
import { ELEMENTWISE_WG, bindings, entryPoint, flatIndex } from '../wgsl.js';
import { geometryShader } from './conv-geometry.js';

/** Names of backpropFilter's words after the geometry. */
const SPLIT_NAMES = ['SPLITS', 'PER_SPLIT'] as const;

/** Batch entries per backpropFilter split: enough threads to fill the device, not too many partials. */
const FILTER_SPLIT_TARGET_THREADS = 4096;

function dispatch(rt: WebGPURuntime, kernel: string, key: string, body: string, inputs: readonly TensorInfo[], out: GpuTensorInfo, total: number, geometry: Params): void {
  const shader = geometryShader(geometry.words, SPLIT_NAMES);
  rt.dispatch({
    kernel,
    key: `direct:${key}:${shader.key}`,
    wgsl: () => `${bindings(inputs.map(() => 'f32'), ['f32'])}
${shader.wgsl}
${entryPoint(ELEMENTWISE_WG)} {
  let i = ${flatIndex(ELEMENTWISE_WG)};
  if (i >= P[0]) { return; }
  let N = i32(P[1]);
  let r = i32(i);
  ${body}
}`,
    inputs,
    outputs: [out],
    params: new Params().u32(total, geometry.words[0]!),
    workgroups: Math.ceil(total / ELEMENTWISE_WG),
  });
}

/** Whether some window of the forward pass reaches into the padding (else bounds checks are dead). */
function windowsLeaveImage(words: readonly number[]): boolean {
  const [, h, w, , oh, ow, , kh, kw, sh, sw, dh, dw, pt, pl] = words as number[];
  return pt! > 0 || pl! > 0 || (oh! - 1) * sh! + (kh! - 1) * dh! - pt! >= h! || (ow! - 1) * sw! + (kw! - 1) * dw! - pl! >= w!;
}

export function conv2dDirect(rt: WebGPURuntime, x: TensorInfo, filter: TensorInfo, out: GpuTensorInfo, total: number, geometry: Params): void {
  // Without padding every tap is in the image: no per-tap branches (they dominate on SwiftShader).
  const checked = windowsLeaveImage(geometry.words);
  dispatch(rt, 'conv2d', `conv2d:${checked ? 'checked' : 'unchecked'}`, `
  let fo = r % F; let ox = (r / F) % OW; let oy = (r / (F * OW)) % OH; let n = r / (F * OW * OH);
  var acc = 0.0;
  for (var ky = 0; ky < KH; ky = ky + 1) {
    let iy = oy * SH + ky * DH - PT;
    ${checked ? 'if (iy < 0 || iy >= H) { continue; }' : ''}
    for (var kx = 0; kx < KW; kx = kx + 1) {
      let ix = ox * SW + kx * DW - PL;
      ${checked ? 'if (ix < 0 || ix >= W) { continue; }' : ''}
      let xb = ((n * H + iy) * W + ix) * C;
      let fb = (ky * KW + kx) * C * F + fo;
      for (var ci = 0; ci < C; ci = ci + 1) { acc = fma(in0[u32(xb + ci)], in1[u32(fb + ci * F)], acc); }
    }
  }
  out0[i] = acc;`, [x, filter], out, total, geometry);
}

export function conv2dBackpropInputDirect(rt: WebGPURuntime, dy: TensorInfo, filter: TensorInfo, out: GpuTensorInfo, total: number, geometry: Params): void {
  dispatch(rt, 'conv2dBackpropInput', 'conv2dBackpropInput', `
  let ci = r % C; let ix = (r / C) % W; let iy = (r / (C * W)) % H; let n = r / (C * W * H);
  var acc = 0.0;
  for (var ky = 0; ky < KH; ky = ky + 1) {
    // The output row this tap connects to: oy·SH = iy + PT − ky·DH, if that divides exactly.
    let ty = iy + PT - ky * DH;
    if (ty < 0 || ty % SH != 0 || ty / SH >= OH) { continue; }
    let oy = ty / SH;
    for (var kx = 0; kx < KW; kx = kx + 1) {
      let tx = ix + PL - kx * DW;
      if (tx < 0 || tx % SW != 0 || tx / SW >= OW) { continue; }
      let ox = tx / SW;
      let db = ((n * OH + oy) * OW + ox) * F;
      let fb = ((ky * KW + kx) * C + ci) * F;
      for (var fo = 0; fo < F; fo = fo + 1) { acc = fma(in0[u32(db + fo)], in1[u32(fb + fo)], acc); }
    }
  }
  out0[i] = acc;`, [dy, filter], out, total, geometry);
}

export function conv2dBackpropFilterDirect(rt: WebGPURuntime, x: TensorInfo, dy: TensorInfo, out: GpuTensorInfo, n: number, geometry: Params): void {
  const filterElements = out.storage.length;
  // Split the sum over batch entries: thread (split, tap, fo) sums entries split·PER_SPLIT … .
  const splits = Math.max(1, Math.min(n, Math.ceil(FILTER_SPLIT_TARGET_THREADS / Math.max(1, filterElements))));
  const perSplit = Math.ceil(n / splits);
  const params = new Params().u32(...geometry.words, splits, perSplit);
  const body = (target: string): string => `
  let fo = r % F; let ci = (r / F) % C; let kx = (r / (F * C)) % KW; let ky = (r / (F * C * KW)) % KH; let split = r / (F * C * KW * KH);
  var acc = 0.0;
  let nEnd = min(N, (split + 1) * PER_SPLIT);
  for (var n = split * PER_SPLIT; n < nEnd; n = n + 1) {
    for (var oy = 0; oy < OH; oy = oy + 1) {
      let iy = oy * SH + ky * DH - PT;
      if (iy < 0 || iy >= H) { continue; }
      for (var ox = 0; ox < OW; ox = ox + 1) {
        let ix = ox * SW + kx * DW - PL;
        if (ix < 0 || ix >= W) { continue; }
        acc = fma(in0[u32(((n * H + iy) * W + ix) * C + ci)], in1[u32(((n * OH + oy) * OW + ox) * F + fo)], acc);
      }
    }
  }
  ${target}`;
  if (splits === 1) {
    dispatch(rt, 'conv2dBackpropFilter', 'conv2dBackpropFilter', body('out0[i] = acc;'), [x, dy], out, filterElements, params);
    return;
  }
  const partial = rt.scratch('conv2dBackpropFilter', [splits, filterElements], 'float32');
  try {
    dispatch(rt, 'conv2dBackpropFilter', 'conv2dBackpropFilter-partial', body('out0[i] = acc;'), [x, dy], partial, splits * filterElements, params);
    rt.dispatch({
      kernel: 'conv2dBackpropFilter',
      key: 'direct:split-sum',
      wgsl: () => `${bindings(['f32'], ['f32'])}
${entryPoint(ELEMENTWISE_WG)} {
  let i = ${flatIndex(ELEMENTWISE_WG)};
  if (i >= P[0]) { return; }
  var acc = 0.0;
  for (var s = 0u; s < P[1]; s = s + 1u) { acc = acc + in0[s * P[0] + i]; }
  out0[i] = acc;
}`,
      inputs: [partial],
      outputs: [out],
      params: new Params().u32(filterElements, splits),
      workgroups: Math.ceil(filterElements / ELEMENTWISE_WG),
    });
  } finally {
    rt.release(partial.storage);
  }
}
