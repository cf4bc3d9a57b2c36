/**
 * 2-D convolutions (NHWC, filter `[kh, kw, inChannels, outChannels]`) as direct loops.
 *
 * Output pixel (oy, ox) reads input row `oy·strideY − padTop + ky·dilationY` and column
 * `ox·strideX − padLeft + kx·dilationX`; taps that fall into the padding read zeros. The two
 * backprops walk the same (pixel, tap) pairs and add in the other direction.
 * All sums are float64 and are rounded to float32 once.
 */
import type { Conv2DAttrs, Shape, TensorInfo } from '@strata/core';
import { convOutputSize } from '@strata/core';
import type { KernelOutput } from './storage.js';
import { typedValuesOf } from './storage.js';

/** Sizes of a convolution, named once so the loops below read plainly. */
interface ConvGeometry {
  readonly batch: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly inChannels: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly filterHeight: number;
  readonly filterWidth: number;
  readonly strideY: number;
  readonly strideX: number;
  readonly dilationY: number;
  readonly dilationX: number;
  readonly padTop: number;
  readonly padLeft: number;
}

function geometry(inputShape: Shape, filterShape: Shape, attrs: Conv2DAttrs): ConvGeometry {
  const [batch, inHeight, inWidth, inChannels] = inputShape as [number, number, number, number];
  const [filterHeight, filterWidth] = filterShape as [number, number];
  const [strideY, strideX] = attrs.strides;
  const [dilationY, dilationX] = attrs.dilations;
  const [padTop, padBottom, padLeft, padRight] = attrs.pad;
  return {
    batch, inHeight, inWidth, inChannels, filterHeight, filterWidth,
    strideY, strideX, dilationY, dilationX, padTop, padLeft,
    outHeight: convOutputSize(inHeight, filterHeight, strideY, dilationY, padTop, padBottom),
    outWidth: convOutputSize(inWidth, filterWidth, strideX, dilationX, padLeft, padRight),
  };
}

/**
 * Calls `visit` for every output pixel and in-bounds filter tap, with the flat pixel offsets
 * (in pixels, not channels) of the input pixel, the output pixel and the filter tap.
 */
function forEachTap(
  g: ConvGeometry,
  visit: (inputPixel: number, outputPixel: number, tap: number) => void,
): void {
  for (let b = 0; b < g.batch; b++) {
    for (let oy = 0; oy < g.outHeight; oy++) {
      for (let ox = 0; ox < g.outWidth; ox++) {
        const outputPixel = (b * g.outHeight + oy) * g.outWidth + ox;
        for (let ky = 0; ky < g.filterHeight; ky++) {
          const iy = oy * g.strideY - g.padTop + ky * g.dilationY;
          if (iy < 0 || iy >= g.inHeight) continue;
          for (let kx = 0; kx < g.filterWidth; kx++) {
            const ix = ox * g.strideX - g.padLeft + kx * g.dilationX;
            if (ix < 0 || ix >= g.inWidth) continue;
            visit((b * g.inHeight + iy) * g.inWidth + ix, outputPixel, ky * g.filterWidth + kx);
          }
        }
      }
    }
  }
}

/** x `[n,h,w,c]`, filter `[kh,kw,c,f]` → `[n,oh,ow,f]`. */
export function conv2d(x: TensorInfo, filter: TensorInfo, attrs: Conv2DAttrs): KernelOutput {
  const input = typedValuesOf(x, 'float32');
  const weights = typedValuesOf(filter, 'float32');
  const g = geometry(x.shape, filter.shape, attrs);
  const c = g.inChannels;
  const f = filter.shape[3]!;
  const sums = new Float64Array(g.batch * g.outHeight * g.outWidth * f);
  forEachTap(g, (inputPixel, outputPixel, tap) => {
    for (let ci = 0; ci < c; ci++) {
      const xValue = input[inputPixel * c + ci]!;
      const weightRow = (tap * c + ci) * f;
      const outRow = outputPixel * f;
      for (let fo = 0; fo < f; fo++) sums[outRow + fo] += xValue * weights[weightRow + fo]!;
    }
  });
  return { shape: [g.batch, g.outHeight, g.outWidth, f], dtype: 'float32', values: Float32Array.from(sums) };
}

/** dx `[n,h,w,c]` = Σ over the taps that read each input pixel of dy · filter. */
export function conv2dBackpropInput(dy: TensorInfo, filter: TensorInfo, inputShape: Shape, attrs: Conv2DAttrs): KernelOutput {
  const gradient = typedValuesOf(dy, 'float32');
  const weights = typedValuesOf(filter, 'float32');
  const g = geometry(inputShape, filter.shape, attrs);
  const c = g.inChannels;
  const f = filter.shape[3]!;
  const sums = new Float64Array(g.batch * g.inHeight * g.inWidth * c);
  forEachTap(g, (inputPixel, outputPixel, tap) => {
    for (let ci = 0; ci < c; ci++) {
      const weightRow = (tap * c + ci) * f;
      const dyRow = outputPixel * f;
      let sum = 0;
      for (let fo = 0; fo < f; fo++) sum += gradient[dyRow + fo]! * weights[weightRow + fo]!;
      sums[inputPixel * c + ci] += sum;
    }
  });
  return { shape: [...inputShape], dtype: 'float32', values: Float32Array.from(sums) };
}

/** dFilter `[kh,kw,c,f]` = Σ over batch and output pixels of x · dy. */
export function conv2dBackpropFilter(x: TensorInfo, dy: TensorInfo, filterShape: Shape, attrs: Conv2DAttrs): KernelOutput {
  const input = typedValuesOf(x, 'float32');
  const gradient = typedValuesOf(dy, 'float32');
  const g = geometry(x.shape, filterShape, attrs);
  const c = g.inChannels;
  const f = filterShape[3]!;
  const sums = new Float64Array(g.filterHeight * g.filterWidth * c * f);
  forEachTap(g, (inputPixel, outputPixel, tap) => {
    for (let ci = 0; ci < c; ci++) {
      const xValue = input[inputPixel * c + ci]!;
      const weightRow = (tap * c + ci) * f;
      const dyRow = outputPixel * f;
      for (let fo = 0; fo < f; fo++) sums[weightRow + fo] += xValue * gradient[dyRow + fo]!;
    }
  });
  return { shape: [...filterShape], dtype: 'float32', values: Float32Array.from(sums) };
}

/**
 * x `[n,h,w,c]`, filter `[kh,kw,c,m]` → `[n,oh,ow,c·m]`: each input channel c is convolved with
 * its own m filters, giving output channels `c·m + j` (which is also the filter's inner offset).
 */
export function depthwiseConv2d(x: TensorInfo, filter: TensorInfo, attrs: Conv2DAttrs): KernelOutput {
  const input = typedValuesOf(x, 'float32');
  const weights = typedValuesOf(filter, 'float32');
  const g = geometry(x.shape, filter.shape, attrs);
  const c = g.inChannels;
  const multiplier = filter.shape[3]!;
  const outChannels = c * multiplier;
  const sums = new Float64Array(g.batch * g.outHeight * g.outWidth * outChannels);
  forEachTap(g, (inputPixel, outputPixel, tap) => {
    for (let ci = 0; ci < c; ci++) {
      const xValue = input[inputPixel * c + ci]!;
      for (let j = 0; j < multiplier; j++) {
        const channel = ci * multiplier + j;
        sums[outputPixel * outChannels + channel] += xValue * weights[tap * outChannels + channel]!;
      }
    }
  });
  return { shape: [g.batch, g.outHeight, g.outWidth, outChannels], dtype: 'float32', values: Float32Array.from(sums) };
}
