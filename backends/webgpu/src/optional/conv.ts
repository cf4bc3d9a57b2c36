/**
 * conv2d, its two backprops and depthwiseConv2d (NHWC, filter [kh, kw, c, f], explicit padding
 * [top, bottom, left, right], strides and dilations).
 *
 * The three dense convolutions are implicit GEMMs (gemm.ts): no im2col matrix is ever written;
 * the GEMM's A operand computes each window element's address (zero for padding) as it stages
 * a tile in workgroup memory.
 *   conv2d:               [n·oh·ow, kh·kw·c] × [kh·kw·c, f]     (the filter is already that matrix)
 *   conv2dBackpropInput:  [n·h·w, kh·kw·f]   × [kh·kw·f, c]     (dy gathered back through the stride)
 *   conv2dBackpropFilter: [kh·kw·c, n·oh·ow] × [n·oh·ow, f]     (long k: split-K)
 * depthwiseConv2d does kh·kw multiply-adds per output, so it is a direct kernel, one thread per output.
 * On software adapters the dense convolutions are direct loops too (conv-direct.ts says why).
 */
import type { Conv2DAttrs, Shape, TensorInfo } from '@strata/core';
import { shapeToString, sizeOf } from '@strata/core';
import type { GpuTensorInfo, WebGPURuntime } from '../runtime.js';
import { Params } from '../runtime.js';
import { ELEMENTWISE_WG, bindings, entryPoint, flatIndex } from '../wgsl.js';
import { checkFloatInputs, paramLets } from './common.js';
import { conv2dBackpropFilterDirect, conv2dBackpropInputDirect, conv2dDirect } from './conv-direct.js';
import { GEOMETRY, convGeometry, geometryParams, geometryShader } from './conv-geometry.js';
import type { ConvGeometry } from './conv-geometry.js';
import { gemm } from './gemm.js';
import type { GemmSpec } from './gemm.js';

const LETS = paramLets(GEOMETRY, 'EXTRA', true);

/** WGSL: x (in0) at the input pixel that output pixel (n, oy, ox) sees through tap (ky, kx), channel ci; 0 in the padding. */
const INPUT_TAP = `
  let iy = oy * SH + ky * DH - PT; let ix = ox * SW + kx * DW - PL;
  if (iy < 0 || iy >= H || ix < 0 || ix >= W) { return 0.0; }
  return in0[u32(((n * H + iy) * W + ix) * C + ci)];`;

/**
 * How the dense convolutions run: `implicit-gemm` (tiled, for hardware GPUs) or `direct` (one
 * thread per output, for software adapters; see conv-direct.ts). `auto` picks by adapter.
 */
export type ConvolutionMode = 'auto' | 'implicit-gemm' | 'direct';

function useDirect(rt: WebGPURuntime, mode: ConvolutionMode): boolean {
  return mode === 'direct' || (mode === 'auto' && rt.isFallback);
}

/** A backprop's dy must have the shape of the conv2d output that `g` describes. */
function checkDy(kernel: string, dy: TensorInfo, g: ConvGeometry, operands: string): void {
  const expected = [g.n, g.oh, g.ow, g.f];
  if (dy.shape.join() !== expected.join()) {
    throw new Error(`webgpu ${kernel}: dy ${shapeToString(dy.shape)} does not match the conv2d output ${shapeToString(expected)} of ${operands}`);
  }
}

/**
 * Runs one dense convolution into `out`: the direct kernel on software adapters (or when asked),
 * else the implicit GEMM `spec` (one product, C stored row-major). A failure releases `out`.
 */
function convolve(rt: WebGPURuntime, kernel: string, out: GpuTensorInfo, mode: ConvolutionMode, direct: () => void,
  spec: Pick<GemmSpec, 'm' | 'n' | 'k' | 'inputs' | 'extra' | 'loadA' | 'loadB'>): GpuTensorInfo {
  try {
    if (useDirect(rt, mode)) direct();
    else gemm(rt, { kernel, key: kernel, batch: 1, output: out, store: 'out0[row * P[1] + col] = acc;', ...spec });
  } catch (err) {
    rt.fail([out], err);
  }
  return out;
}

export function conv2d(rt: WebGPURuntime, x: TensorInfo, filter: TensorInfo, attrs: Conv2DAttrs, mode: ConvolutionMode = 'auto'): GpuTensorInfo {
  checkFloatInputs(rt, 'conv2d', { x, filter });
  const g = convGeometry('conv2d', x.shape, filter.shape, attrs);
  const out = rt.output('conv2d', [g.n, g.oh, g.ow, g.f], 'float32');
  return convolve(rt, 'conv2d', out, mode, () => conv2dDirect(rt, x, filter, out, sizeOf(out.shape), geometryParams(g, attrs)), {
    m: g.n * g.oh * g.ow, n: g.f, k: g.kh * g.kw * g.c,
    inputs: [x, filter],
    extra: geometryParams(g, attrs),
    // row = output pixel (n, oy, ox); kk = window tap (ky, kx, ci), ci fastest as in the filter.
    loadA: `${LETS}
  let r = i32(row); let q = i32(kk);
  let ox = r % OW; let oy = (r / OW) % OH; let n = r / (OW * OH);
  let ci = q % C; let kx = (q / C) % KW; let ky = q / (C * KW);
${INPUT_TAP}`,
    loadB: 'return in1[kk * P[1] + col];',
  });
}

export function conv2dBackpropInput(rt: WebGPURuntime, dy: TensorInfo, filter: TensorInfo, inputShape: Shape, attrs: Conv2DAttrs, mode: ConvolutionMode = 'auto'): GpuTensorInfo {
  checkFloatInputs(rt, 'conv2dBackpropInput', { dy, filter });
  const g = convGeometry('conv2dBackpropInput', inputShape, filter.shape, attrs);
  checkDy('conv2dBackpropInput', dy, g, `input ${shapeToString(inputShape)} and filter ${shapeToString(filter.shape)}`);
  const out = rt.output('conv2dBackpropInput', inputShape, 'float32');
  return convolve(rt, 'conv2dBackpropInput', out, mode, () => conv2dBackpropInputDirect(rt, dy, filter, out, sizeOf(inputShape), geometryParams(g, attrs)), {
    m: g.n * g.h * g.w, n: g.c, k: g.kh * g.kw * g.f,
    inputs: [dy, filter],
    extra: geometryParams(g, attrs),
    // row = input pixel (n, iy, ix); kk = (ky, kx, fo). The output pixel that tap (ky, kx)
    // connects to satisfies oy·SH = iy + PT − ky·DH; there is none unless it divides exactly.
    loadA: `${LETS}
  let r = i32(row); let q = i32(kk);
  let ix = r % W; let iy = (r / W) % H; let n = r / (W * H);
  let fo = q % F; let kx = (q / F) % KW; let ky = q / (F * KW);
  let ty = iy + PT - ky * DH; let tx = ix + PL - kx * DW;
  if (ty < 0 || tx < 0 || ty % SH != 0 || tx % SW != 0) { return 0.0; }
  let oy = ty / SH; let ox = tx / SW;
  if (oy >= OH || ox >= OW) { return 0.0; }
  return in0[u32(((n * OH + oy) * OW + ox) * F + fo)];`,
    loadB: `${LETS}
  let q = i32(kk);
  let fo = q % F; let tap = q / F;
  return in1[u32((tap * C + i32(col)) * F + fo)];`,
  });
}

export function conv2dBackpropFilter(rt: WebGPURuntime, x: TensorInfo, dy: TensorInfo, filterShape: Shape, attrs: Conv2DAttrs, mode: ConvolutionMode = 'auto'): GpuTensorInfo {
  checkFloatInputs(rt, 'conv2dBackpropFilter', { x, dy });
  const g = convGeometry('conv2dBackpropFilter', x.shape, filterShape, attrs);
  checkDy('conv2dBackpropFilter', dy, g, `x ${shapeToString(x.shape)} and filter ${shapeToString(filterShape)}`);
  const out = rt.output('conv2dBackpropFilter', filterShape, 'float32');
  return convolve(rt, 'conv2dBackpropFilter', out, mode, () => conv2dBackpropFilterDirect(rt, x, dy, out, g.n, geometryParams(g, attrs)), {
    m: g.kh * g.kw * g.c, n: g.f, k: g.n * g.oh * g.ow,
    inputs: [x, dy],
    extra: geometryParams(g, attrs),
    // row = filter tap (ky, kx, ci); kk = output pixel (n, oy, ox).
    loadA: `${LETS}
  let r = i32(row); let q = i32(kk);
  let ci = r % C; let kx = (r / C) % KW; let ky = r / (C * KW);
  let ox = q % OW; let oy = (q / OW) % OH; let n = q / (OW * OH);
${INPUT_TAP}`,
    loadB: 'return in1[kk * P[1] + col];',
  });
}

export function depthwiseConv2d(rt: WebGPURuntime, x: TensorInfo, filter: TensorInfo, attrs: Conv2DAttrs): GpuTensorInfo {
  checkFloatInputs(rt, 'depthwiseConv2d', { x, filter });
  const g = convGeometry('depthwiseConv2d', x.shape, filter.shape, attrs);
  const mult = g.f; // filter [kh, kw, c, multiplier]
  const out = rt.output('depthwiseConv2d', [g.n, g.oh, g.ow, g.c * mult], 'float32');
  try {
    const total = sizeOf(out.shape);
    const shader = geometryShader(geometryParams(g, attrs).words);
    rt.dispatch({
      kernel: 'depthwiseConv2d',
      key: `depthwiseConv2d:${shader.key}`,
      wgsl: () => `${bindings(['f32', 'f32'], ['f32'])}
${shader.wgsl}
${entryPoint(ELEMENTWISE_WG)} {
  let i = ${flatIndex(ELEMENTWISE_WG)};
  if (i >= P[0]) { return; }
  let OC = C * F;
  let r = i32(i);
  let oc = r % OC; let ox = (r / OC) % OW; let oy = (r / (OC * OW)) % OH; let n = r / (OC * OW * OH);
  let ci = oc / F; let j = oc % F;
  var acc = 0.0;
  for (var ky = 0; ky < KH; ky = ky + 1) {
    let iy = oy * SH + ky * DH - PT;
    if (iy < 0 || iy >= H) { continue; }
    for (var kx = 0; kx < KW; kx = kx + 1) {
      let ix = ox * SW + kx * DW - PL;
      if (ix < 0 || ix >= W) { continue; }
      acc = fma(in0[u32(((n * H + iy) * W + ix) * C + ci)], in1[u32(((ky * KW + kx) * C + ci) * F + j)], acc);
    }
  }
  out0[i] = acc;
}`,
      inputs: [x, filter],
      outputs: [out],
      params: new Params().u32(total),
      workgroups: Math.ceil(total / ELEMENTWISE_WG),
    });
  } catch (err) {
    rt.fail([out], err);
  }
  return out;
}
