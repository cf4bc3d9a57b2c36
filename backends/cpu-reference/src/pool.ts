/**
 * 2-D pooling (NHWC) and its gradients.
 *
 * Window (oy, ox) covers input rows `oy·strideY − padTop + ky` and columns
 * `ox·strideX − padLeft + kx`. Max pooling treats padding as −Infinity (so padded taps never
 * win), and average pooling divides by the number of non-padding taps only.
 */
import type { Pool2DAttrs, Shape, TensorInfo } from '@strata/core';
import { convOutputSize, sizeOf } from '@strata/core';
import type { KernelOutput } from './storage.js';
import { typedValuesOf } from './storage.js';

interface PoolGeometry {
  readonly batch: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly channels: number;
  readonly outHeight: number;
  readonly outWidth: number;
}

function geometry(inputShape: Shape, attrs: Pool2DAttrs): PoolGeometry {
  const [batch, inHeight, inWidth, channels] = inputShape as [number, number, number, number];
  const [filterHeight, filterWidth] = attrs.filterSize;
  const [strideY, strideX] = attrs.strides;
  const [padTop, padBottom, padLeft, padRight] = attrs.pad;
  return {
    batch, inHeight, inWidth, channels,
    outHeight: convOutputSize(inHeight, filterHeight, strideY, 1, padTop, padBottom),
    outWidth: convOutputSize(inWidth, filterWidth, strideX, 1, padLeft, padRight),
  };
}

/**
 * Calls `visit` once per output pixel with the flat pixel offsets (in pixels, not channels) of
 * that output and of the in-bounds input pixels of its window, in row-major window order.
 */
function forEachWindow(
  g: PoolGeometry, attrs: Pool2DAttrs,
  visit: (outputPixel: number, inputPixels: readonly number[]) => void,
): void {
  const [filterHeight, filterWidth] = attrs.filterSize;
  const [strideY, strideX] = attrs.strides;
  const padTop = attrs.pad[0];
  const padLeft = attrs.pad[2];
  const inputPixels: number[] = []; // reused for every window
  for (let b = 0; b < g.batch; b++) {
    for (let oy = 0; oy < g.outHeight; oy++) {
      for (let ox = 0; ox < g.outWidth; ox++) {
        inputPixels.length = 0;
        for (let ky = 0; ky < filterHeight; ky++) {
          const iy = oy * strideY - padTop + ky;
          if (iy < 0 || iy >= g.inHeight) continue;
          for (let kx = 0; kx < filterWidth; kx++) {
            const ix = ox * strideX - padLeft + kx;
            if (ix < 0 || ix >= g.inWidth) continue;
            inputPixels.push((b * g.inHeight + iy) * g.inWidth + ix);
          }
        }
        visit((b * g.outHeight + oy) * g.outWidth + ox, inputPixels);
      }
    }
  }
}

/**
 * The input pixel holding the first maximum of channel `channel` over `inputPixels`, or -1 for a
 * window that is all padding. As in argMax, ties keep the first and the first NaN wins.
 */
function firstMaxPixel(input: Float32Array, channels: number, channel: number, inputPixels: readonly number[]): number {
  let best = -1;
  let bestValue = -Infinity;
  for (const pixel of inputPixels) {
    const value = input[pixel * channels + channel]!;
    if (Number.isNaN(value)) return pixel;
    if (best === -1 || value > bestValue) {
      best = pixel;
      bestValue = value;
    }
  }
  return best;
}

export function maxPool(x: TensorInfo, attrs: Pool2DAttrs): KernelOutput {
  const input = typedValuesOf(x, 'float32');
  const g = geometry(x.shape, attrs);
  const c = g.channels;
  const shape = [g.batch, g.outHeight, g.outWidth, c];
  const values = new Float32Array(sizeOf(shape));
  forEachWindow(g, attrs, (outputPixel, inputPixels) => {
    for (let ch = 0; ch < c; ch++) {
      const pixel = firstMaxPixel(input, c, ch, inputPixels);
      values[outputPixel * c + ch] = pixel === -1 ? -Infinity : input[pixel * c + ch]!;
    }
  });
  return { shape, dtype: 'float32', values };
}

/** Each dy element goes, whole, to the first maximum of its window (none for an all-padding window). */
export function maxPoolBackprop(dy: TensorInfo, x: TensorInfo, attrs: Pool2DAttrs): KernelOutput {
  const gradient = typedValuesOf(dy, 'float32');
  const input = typedValuesOf(x, 'float32');
  const g = geometry(x.shape, attrs);
  const c = g.channels;
  const sums = new Float64Array(input.length);
  forEachWindow(g, attrs, (outputPixel, inputPixels) => {
    for (let ch = 0; ch < c; ch++) {
      const pixel = firstMaxPixel(input, c, ch, inputPixels);
      if (pixel !== -1) sums[pixel * c + ch] += gradient[outputPixel * c + ch]!;
    }
  });
  return { shape: [...x.shape], dtype: 'float32', values: Float32Array.from(sums) };
}

/** Averages the non-padding taps; a window that is all padding gives 0 (not 0/0). */
export function avgPool(x: TensorInfo, attrs: Pool2DAttrs): KernelOutput {
  const input = typedValuesOf(x, 'float32');
  const g = geometry(x.shape, attrs);
  const c = g.channels;
  const shape = [g.batch, g.outHeight, g.outWidth, c];
  const values = new Float32Array(sizeOf(shape));
  forEachWindow(g, attrs, (outputPixel, inputPixels) => {
    if (inputPixels.length === 0) return;
    for (let ch = 0; ch < c; ch++) {
      let sum = 0;
      for (const pixel of inputPixels) sum += input[pixel * c + ch]!;
      values[outputPixel * c + ch] = sum / inputPixels.length;
    }
  });
  return { shape, dtype: 'float32', values };
}

/** Each dy element is shared equally among the non-padding taps of its window. */
export function avgPoolBackprop(dy: TensorInfo, inputShape: Shape, attrs: Pool2DAttrs): KernelOutput {
  const gradient = typedValuesOf(dy, 'float32');
  const g = geometry(inputShape, attrs);
  const c = g.channels;
  const sums = new Float64Array(sizeOf(inputShape));
  forEachWindow(g, attrs, (outputPixel, inputPixels) => {
    for (let ch = 0; ch < c; ch++) {
      const share = gradient[outputPixel * c + ch]! / inputPixels.length;
      for (const pixel of inputPixels) sums[pixel * c + ch] += share;
    }
  });
  return { shape: [...inputShape], dtype: 'float32', values: Float32Array.from(sums) };
}
