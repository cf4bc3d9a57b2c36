/**
 * Convolution geometry shared by the implicit-GEMM (conv.ts) and direct (conv-direct.ts) forms:
 * the output size from the attributes, and the geometry as words, either passed as params or
 * compiled into a shader as constants.
 */
import type { Conv2DAttrs, Shape } from '@strata/core';
import { convOutputSize, shapeToString } from '@strata/core';
import { Params } from '../runtime.js';

/** The words of {@link geometryParams}, in order, by the names the WGSL uses. */
export const GEOMETRY = ['N', 'H', 'W', 'C', 'OH', 'OW', 'F', 'KH', 'KW', 'SH', 'SW', 'DH', 'DW', 'PT', 'PL'] as const;

export interface ConvGeometry {
  readonly n: number; readonly h: number; readonly w: number; readonly c: number;
  readonly oh: number; readonly ow: number; readonly f: number; readonly kh: number; readonly kw: number;
}

/** Sizes of a convolution of x `[n,h,w,c]` by a filter `[kh,kw,c,f]` (f: the multiplier for depthwise). */
export function convGeometry(kernel: string, xShape: Shape, filterShape: Shape, attrs: Conv2DAttrs): ConvGeometry {
  if (xShape.length !== 4 || filterShape.length !== 4 || filterShape[2] !== xShape[3]) {
    throw new Error(`webgpu ${kernel}: expected x [n,h,w,c] and filter [kh,kw,c,f] with the same c, got ${shapeToString(xShape)} and ${shapeToString(filterShape)}`);
  }
  const [n, h, w, c] = xShape as [number, number, number, number];
  const [kh, kw, , f] = filterShape as [number, number, number, number];
  const oh = Math.max(0, convOutputSize(h, kh, attrs.strides[0], attrs.dilations[0], attrs.pad[0], attrs.pad[1]));
  const ow = Math.max(0, convOutputSize(w, kw, attrs.strides[1], attrs.dilations[1], attrs.pad[2], attrs.pad[3]));
  return { n, h, w, c, oh, ow, f, kh, kw };
}

/** The geometry as {@link GEOMETRY} words. */
export function geometryParams(g: ConvGeometry, attrs: Conv2DAttrs): Params {
  return new Params().u32(g.n, g.h, g.w, g.c, g.oh, g.ow, g.f, g.kh, g.kw, attrs.strides[0], attrs.strides[1],
    attrs.dilations[0], attrs.dilations[1], attrs.pad[0], attrs.pad[2]);
}

/**
 * The geometry compiled into a shader: WGSL `const` declarations of every word (then of any
 * further named words) except the batch size N, which varies between batches of one model (the
 * last one is often smaller) and so stays a param (kernels that need it pass it). `key` names
 * the constants for the pipeline cache.
 */
export function geometryShader(words: readonly number[], moreNames: readonly string[] = []): { readonly wgsl: string; readonly key: string } {
  const names = [...GEOMETRY, ...moreNames];
  const lines = words.map((v, i) => (names[i] === 'N' ? '' : `const ${names[i]!}: i32 = ${v};`)).filter((l) => l !== '');
  return {
    wgsl: lines.join('\n'),
    key: words.filter((_, i) => names[i] !== 'N').join(','),
  };
}
