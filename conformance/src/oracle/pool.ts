/** Oracle pooling, NHWC. Padding positions are not elements: max ignores them, avg does not count them. */
import type { Pool2DAttrs } from '../contract.js';
import { outSize } from './conv.js';
import { make } from './tensor.js';
import type { OTensor } from './tensor.js';

/** Calls `visit` with each output pixel's flat offset and the flat offsets (without channel) of its window's in-image pixels, in row-major window order. */
function forEachWindow(xShape: readonly number[], attrs: Pool2DAttrs, visit: (outPixel: number, inPixels: number[]) => void): [number, number] {
  const [n, h, w] = xShape as [number, number, number];
  const [fh, fw] = attrs.filterSize;
  const [sh, sw] = attrs.strides;
  const [pt, pb, pl, pr] = attrs.pad;
  const oh = outSize(h, fh, sh, 1, pt, pb);
  const ow = outSize(w, fw, sw, 1, pl, pr);
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const pixels: number[] = [];
        for (let ky = 0; ky < fh; ky++) {
          const iy = oy * sh + ky - pt;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < fw; kx++) {
            const ix = ox * sw + kx - pl;
            if (ix >= 0 && ix < w) pixels.push((b * h + iy) * w + ix);
          }
        }
        visit((b * oh + oy) * ow + ox, pixels);
      }
    }
  }
  return [oh, ow];
}

/** For each output pixel and channel, the flat input index of the first maximum of its window. */
function argMaxWindows(x: OTensor, attrs: Pool2DAttrs): { oh: number; ow: number; at: Int32Array } {
  const c = x.shape[3]!;
  const at: number[] = [];
  const [oh, ow] = forEachWindow(x.shape, attrs, (op, pixels) => {
    for (let ch = 0; ch < c; ch++) {
      let best = -1;
      for (const p of pixels) if (best < 0 || x.data[p * c + ch]! > x.data[best]!) best = p * c + ch;
      at[op * c + ch] = best;
    }
  });
  return { oh, ow, at: Int32Array.from(at) };
}

/** Maximum over each window (NHWC). */
export function maxPool(x: OTensor, attrs: Pool2DAttrs): OTensor {
  const { oh, ow, at } = argMaxWindows(x, attrs);
  return make([x.shape[0]!, oh, ow, x.shape[3]!], 'float32', Array.from(at, (i) => (i < 0 ? -Infinity : x.data[i]!)));
}

/** Routes each dy element to the first maximum of its window in x. */
export function maxPoolBackprop(dy: OTensor, x: OTensor, attrs: Pool2DAttrs): OTensor {
  const { at } = argMaxWindows(x, attrs);
  const out = new Float64Array(x.data.length);
  at.forEach((src, o) => { if (src >= 0) out[src]! += dy.data[o]!; });
  return make(x.shape, 'float32', out);
}

/** Mean over each window, counting only non-padding elements. */
export function avgPool(x: OTensor, attrs: Pool2DAttrs): OTensor {
  const c = x.shape[3]!;
  const out: number[] = [];
  const [oh, ow] = forEachWindow(x.shape, attrs, (op, pixels) => {
    for (let ch = 0; ch < c; ch++) {
      let s = 0;
      for (const p of pixels) s += x.data[p * c + ch]!;
      out[op * c + ch] = s / pixels.length;
    }
  });
  return make([x.shape[0]!, oh, ow, c], 'float32', out);
}

/** Spreads each dy element evenly over the non-padding elements of its window. */
export function avgPoolBackprop(dy: OTensor, inputShape: readonly number[], attrs: Pool2DAttrs): OTensor {
  const c = inputShape[3]!;
  const out = new Float64Array(inputShape.reduce((p, d) => p * d, 1));
  forEachWindow(inputShape, attrs, (op, pixels) => {
    for (let ch = 0; ch < c; ch++) {
      const share = dy.data[op * c + ch]! / pixels.length;
      for (const p of pixels) out[p * c + ch]! += share;
    }
  });
  return make(inputShape, 'float32', out);
}
