/**
 * Oracle convolutions, NHWC, explicit padding [top, bottom, left, right]. The backprops are
 * written as the literal adjoints: every (output pixel, filter tap) pair of the forward pass
 * scatters its product back, so they are correct by construction rather than by index algebra.
 */
import type { Conv2DAttrs } from '../contract.js';
import type { Accumulated } from './reduce.js';
import { make } from './tensor.js';
import type { OTensor } from './tensor.js';

/** Output extent of one spatial dim. */
export function outSize(inSize: number, k: number, stride: number, dilation: number, before: number, after: number): number {
  return Math.floor((inSize + before + after - ((k - 1) * dilation + 1)) / stride) + 1;
}

interface Geometry {
  n: number; h: number; w: number; c: number; kh: number; kw: number; oh: number; ow: number;
}

/**
 * Visits every (batch, output pixel, filter tap) whose input pixel lies inside the image,
 * passing the input pixel's flat offset (without channel) and the tap's flat offset.
 */
function forEachTap(g: Geometry, attrs: Conv2DAttrs, visit: (b: number, oy: number, ox: number, iy: number, ix: number, ky: number, kx: number) => void): void {
  const [sh, sw] = attrs.strides;
  const [dh, dw] = attrs.dilations;
  const [pt, , pl] = attrs.pad;
  for (let b = 0; b < g.n; b++) {
    for (let oy = 0; oy < g.oh; oy++) {
      for (let ox = 0; ox < g.ow; ox++) {
        for (let ky = 0; ky < g.kh; ky++) {
          const iy = oy * sh + ky * dh - pt;
          if (iy < 0 || iy >= g.h) continue;
          for (let kx = 0; kx < g.kw; kx++) {
            const ix = ox * sw + kx * dw - pl;
            if (ix < 0 || ix >= g.w) continue;
            visit(b, oy, ox, iy, ix, ky, kx);
          }
        }
      }
    }
  }
}

function geometry(xShape: readonly number[], fShape: readonly number[], attrs: Conv2DAttrs): Geometry {
  const [n, h, w, c] = xShape as [number, number, number, number];
  const [kh, kw] = fShape as [number, number];
  const oh = outSize(h, kh, attrs.strides[0], attrs.dilations[0], attrs.pad[0], attrs.pad[1]);
  const ow = outSize(w, kw, attrs.strides[1], attrs.dilations[1], attrs.pad[2], attrs.pad[3]);
  return { n, h, w, c, kh, kw, oh, ow };
}

/** Float64 conv2d: x `[n,h,w,c]`, filter `[kh,kw,c,f]` → `[n,oh,ow,f]`, with the Σ|term| of each output. */
export function conv2d(x: OTensor, f: OTensor, attrs: Conv2DAttrs): Accumulated {
  const g = geometry(x.shape, f.shape, attrs);
  const fo = f.shape[3]!;
  const out = new Float64Array(g.n * g.oh * g.ow * fo);
  const mag = new Float64Array(out.length);
  forEachTap(g, attrs, (b, oy, ox, iy, ix, ky, kx) => {
    const o = ((b * g.oh + oy) * g.ow + ox) * fo;
    for (let ci = 0; ci < g.c; ci++) {
      const xv = x.data[((b * g.h + iy) * g.w + ix) * g.c + ci]!;
      for (let co = 0; co < fo; co++) {
        const t = xv * f.data[((ky * g.kw + kx) * g.c + ci) * fo + co]!;
        out[o + co]! += t;
        mag[o + co]! += Math.abs(t);
      }
    }
  });
  return { value: make([g.n, g.oh, g.ow, fo], 'float32', out), magnitude: mag, terms: g.kh * g.kw * g.c };
}

/** Float64 gradient of conv2d with respect to its input (shape `inputShape`). */
export function conv2dBackpropInput(dy: OTensor, f: OTensor, inputShape: readonly number[], attrs: Conv2DAttrs): Accumulated {
  const g = geometry(inputShape, f.shape, attrs);
  const fo = f.shape[3]!;
  const out = new Float64Array(g.n * g.h * g.w * g.c);
  const mag = new Float64Array(out.length);
  forEachTap(g, attrs, (b, oy, ox, iy, ix, ky, kx) => {
    const o = ((b * g.h + iy) * g.w + ix) * g.c;
    for (let ci = 0; ci < g.c; ci++) {
      for (let co = 0; co < fo; co++) {
        const t = dy.data[((b * g.oh + oy) * g.ow + ox) * fo + co]! * f.data[((ky * g.kw + kx) * g.c + ci) * fo + co]!;
        out[o + ci]! += t;
        mag[o + ci]! += Math.abs(t);
      }
    }
  });
  const terms = Math.ceil((g.kh * g.kw) / (attrs.strides[0] * attrs.strides[1])) * fo;
  return { value: make(inputShape, 'float32', out), magnitude: mag, terms };
}

/** Float64 gradient of conv2d with respect to its filter (shape `filterShape`). */
export function conv2dBackpropFilter(x: OTensor, dy: OTensor, filterShape: readonly number[], attrs: Conv2DAttrs): Accumulated {
  const g = geometry(x.shape, filterShape, attrs);
  const fo = filterShape[3]!;
  const out = new Float64Array(g.kh * g.kw * g.c * fo);
  const mag = new Float64Array(out.length);
  forEachTap(g, attrs, (b, oy, ox, iy, ix, ky, kx) => {
    for (let ci = 0; ci < g.c; ci++) {
      const xv = x.data[((b * g.h + iy) * g.w + ix) * g.c + ci]!;
      for (let co = 0; co < fo; co++) {
        const t = xv * dy.data[((b * g.oh + oy) * g.ow + ox) * fo + co]!;
        out[((ky * g.kw + kx) * g.c + ci) * fo + co]! += t;
        mag[((ky * g.kw + kx) * g.c + ci) * fo + co]! += Math.abs(t);
      }
    }
  });
  return { value: make(filterShape, 'float32', out), magnitude: mag, terms: g.n * g.oh * g.ow };
}

/** Float64 depthwise conv2d: filter `[kh,kw,c,m]` → output channel `c*m + j`. */
export function depthwiseConv2d(x: OTensor, f: OTensor, attrs: Conv2DAttrs): Accumulated {
  const g = geometry(x.shape, f.shape, attrs);
  const mult = f.shape[3]!;
  const oc = g.c * mult;
  const out = new Float64Array(g.n * g.oh * g.ow * oc);
  const mag = new Float64Array(out.length);
  forEachTap(g, attrs, (b, oy, ox, iy, ix, ky, kx) => {
    const o = ((b * g.oh + oy) * g.ow + ox) * oc;
    for (let ci = 0; ci < g.c; ci++) {
      const xv = x.data[((b * g.h + iy) * g.w + ix) * g.c + ci]!;
      for (let j = 0; j < mult; j++) {
        const t = xv * f.data[((ky * g.kw + kx) * g.c + ci) * mult + j]!;
        out[o + ci * mult + j]! += t;
        mag[o + ci * mult + j]! += Math.abs(t);
      }
    }
  });
  return { value: make([g.n, g.oh, g.ow, oc], 'float32', out), magnitude: mag, terms: g.kh * g.kw };
}
