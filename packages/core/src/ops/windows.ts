/**
 * Sliding-window geometry shared by convolution and pooling: padding resolution exactly as
 * TensorFlow does it, and the im2col fallback (patches gathered with cached index tensors, and
 * their adjoint, a scatter-add back into the image).
 * @internal
 */
import type { Padding2D } from '../backend/contract.js';
import type { Tensor } from '../tensor/tensor.js';
import { convOutputSize, shapeToString } from '../util/shape.js';
import { fromTypedArray } from './convert.js';
import { gather, pad, scatterAdd, slice } from './movement.js';
import { reshape } from './reshape.js';
import { cachedConstant } from './nn-util.js';

/**
 * How a 2-D window op pads its input: `'valid'` (none), `'same'` (output size `ceil(in/stride)`,
 * TensorFlow's split: the extra pixel goes after), a number of pixels on every side, or explicit
 * `[[top, bottom], [left, right]]` (or the NHWC form `[[0,0],[t,b],[l,r],[0,0]]`).
 */
export type PaddingMode = 'valid' | 'same' | number | readonly (readonly [number, number])[];

/** A window size, stride or dilation: one number for both dims, or `[height, width]`. */
export type Size2D = number | readonly [number, number];

/** Everything that determines where a 2-D window op reads: NHWC input and window placement. */
export interface WindowGeometry {
  readonly batch: number;
  readonly inH: number;
  readonly inW: number;
  readonly channels: number;
  readonly kh: number;
  readonly kw: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly dilationH: number;
  readonly dilationW: number;
  /** `[top, bottom, left, right]`. */
  readonly pad: Padding2D;
  readonly outH: number;
  readonly outW: number;
}

/** Resolves a size argument to a `[height, width]` pair of positive integers. */
export function pair(value: Size2D, arg: string, op: string): [number, number] {
  const p: readonly number[] = typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(p) || p.length !== 2 || p.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new Error(`${op}: ${arg} must be a positive integer or a pair of them, got ${JSON.stringify(value)}`);
  }
  return [p[0]!, p[1]!];
}

/** TensorFlow's 'same' padding of one dim: `[before, after]`, the odd pixel after. */
function samePadding(inSize: number, k: number, stride: number, dilation: number): [number, number] {
  const effective = (k - 1) * dilation + 1;
  const out = Math.ceil(inSize / stride);
  const total = Math.max((out - 1) * stride + effective - inSize, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/** Resolves a padding mode to explicit `[top, bottom, left, right]` pixels. */
export function resolvePadding(mode: PaddingMode, inH: number, inW: number, kh: number, kw: number, strides: readonly [number, number], dilations: readonly [number, number], op: string): Padding2D {
  if (mode === 'valid') return [0, 0, 0, 0];
  if (mode === 'same') {
    const [top, bottom] = samePadding(inH, kh, strides[0], dilations[0]);
    const [left, right] = samePadding(inW, kw, strides[1], dilations[1]);
    return [top, bottom, left, right];
  }
  const bad = (): Error => new Error(`${op}: pad must be 'valid', 'same', a non-negative integer, [[top,bottom],[left,right]] or [[0,0],[top,bottom],[left,right],[0,0]]; got ${JSON.stringify(mode)}`);
  if (typeof mode === 'number') {
    if (!Number.isInteger(mode) || mode < 0) throw bad();
    return [mode, mode, mode, mode];
  }
  if (!Array.isArray(mode)) throw bad();
  const pairs = mode as readonly (readonly [number, number])[];
  if (pairs.some((p) => !Array.isArray(p) || p.length !== 2 || p.some((v) => !Number.isInteger(v) || v < 0))) throw bad();
  if (pairs.length === 2) return [pairs[0]![0], pairs[0]![1], pairs[1]![0], pairs[1]![1]];
  if (pairs.length === 4 && pairs[0]!.every((v) => v === 0) && pairs[3]!.every((v) => v === 0)) {
    return [pairs[1]![0], pairs[1]![1], pairs[2]![0], pairs[2]![1]];
  }
  throw bad();
}

/**
 * The geometry of a window op on an NHWC input of `xShape`; throws (naming the shapes) when the
 * window does not fit.
 */
export function windowGeometry(op: string, xShape: readonly number[], kh: number, kw: number, strides: readonly [number, number], dilations: readonly [number, number], padding: Padding2D, windowArg = 'filter'): WindowGeometry {
  const [batch, inH, inW, channels] = xShape as [number, number, number, number];
  const [top, bottom, left, right] = padding;
  const outH = convOutputSize(inH, kh, strides[0], dilations[0], top, bottom);
  const outW = convOutputSize(inW, kw, strides[1], dilations[1], left, right);
  if (outH < 1 || outW < 1) {
    throw new Error(`${op}: the ${windowArg} window ${kh}x${kw} (dilations ${dilations.join('x')}) does not fit the input ${shapeToString(xShape)} padded by [${padding.join(',')}]; the output would be ${outH}x${outW}`);
  }
  return { batch, inH, inW, channels, kh, kw, strideH: strides[0], strideW: strides[1], dilationH: dilations[0], dilationW: dilations[1], pad: padding, outH, outW };
}

function geometryKey(g: WindowGeometry): string {
  return [g.inH, g.inW, g.kh, g.kw, g.strideH, g.strideW, g.dilationH, g.dilationW, ...g.pad].join(',');
}

function paddedSize(g: WindowGeometry): [number, number] {
  return [g.inH + g.pad[0] + g.pad[1], g.inW + g.pad[2] + g.pad[3]];
}

/**
 * int32 `[outH*outW, kh*kw]`: for each output pixel and kernel tap, the flat position
 * `row * paddedWidth + column` it reads in the padded image.
 */
function patchIndices(g: WindowGeometry): Tensor {
  return cachedConstant(`patches:${geometryKey(g)}`, () => {
    const [, paddedW] = paddedSize(g);
    const taps = g.kh * g.kw;
    const values = new Int32Array(g.outH * g.outW * taps);
    let at = 0;
    for (let oy = 0; oy < g.outH; oy++) {
      for (let ox = 0; ox < g.outW; ox++) {
        for (let ky = 0; ky < g.kh; ky++) {
          const row = oy * g.strideH + ky * g.dilationH;
          for (let kx = 0; kx < g.kw; kx++) values[at++] = row * paddedW + ox * g.strideW + kx * g.dilationW;
        }
      }
    }
    return fromTypedArray(values, [g.outH * g.outW, taps], 'int32');
  });
}

/**
 * float32 `[outH*outW, 1]`: how many taps of each window fall inside the unpadded image (the
 * divisor of average pooling).
 */
export function windowCounts(g: WindowGeometry): Tensor {
  return cachedConstant(`counts:${geometryKey(g)}`, () => {
    const values = new Float32Array(g.outH * g.outW);
    const inside = (start: number, k: number, dilation: number, size: number): number => {
      let n = 0;
      for (let i = 0; i < k; i++) {
        const p = start + i * dilation;
        if (p >= 0 && p < size) n++;
      }
      return n;
    };
    for (let oy = 0; oy < g.outH; oy++) {
      const rows = inside(oy * g.strideH - g.pad[0], g.kh, g.dilationH, g.inH);
      for (let ox = 0; ox < g.outW; ox++) values[oy * g.outW + ox] = rows * inside(ox * g.strideW - g.pad[2], g.kw, g.dilationW, g.inW);
    }
    return fromTypedArray(values, [g.outH * g.outW, 1], 'float32');
  });
}

/**
 * im2col: `[batch, outH*outW, kh*kw, channels]` windows of NHWC `x`, padded with `padValue`.
 * Built from pad, reshape and gather, so autodiff gives its adjoint.
 */
export function extractPatches(x: Tensor, g: WindowGeometry, padValue: number): Tensor {
  const [paddedH, paddedW] = paddedSize(g);
  const [top, bottom, left, right] = g.pad;
  const padded = pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]], padValue);
  return gather(reshape(padded, [g.batch, paddedH * paddedW, g.channels]), patchIndices(g), 1);
}

/**
 * The adjoint of {@link extractPatches}: adds each window element of
 * `[batch, outH*outW, kh*kw, channels]` back at the pixel it came from, dropping the padding.
 */
export function scatterPatches(patches: Tensor, g: WindowGeometry): Tensor {
  const [paddedH, paddedW] = paddedSize(g);
  const image = reshape(scatterAdd(patches, patchIndices(g), 1, paddedH * paddedW), [g.batch, paddedH, paddedW, g.channels]);
  return slice(image, [0, g.pad[0], g.pad[2], 0], [g.batch, g.inH, g.inW, g.channels]);
}
