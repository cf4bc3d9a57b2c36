/**
 * Index arithmetic the JS layer hands to the kernels: strides of broadcast inputs, copy maps for
 * transpose/slice/pad, the row layout of reductions, matMul batching and convolution geometry.
 * Pure functions of shapes, so they are tested without a GPU.
 */
import type { Conv2DAttrs, DType, Pool2DAttrs, Shape } from '@strata/core';
import { convOutputSize, shapeToString, sizeOf, stridesOf } from '@strata/core';

/** Most dims a kernel's index map takes (kMaxRank in csrc/kernels.h); more are merged first. */
export const MAX_KERNEL_RANK = 8;

/** Element strides of `inShape` seen as `outShape` under NumPy broadcasting (0 where it repeats). */
export function broadcastStrides(inShape: Shape, outShape: Shape): number[] {
  const strides = stridesOf(inShape);
  const offset = outShape.length - inShape.length;
  return outShape.map((_, d) => {
    const i = d - offset;
    return i < 0 || inShape[i] === 1 ? 0 : strides[i]!;
  });
}

/** Output dims with, per input, the element stride of each dim in that input. */
export interface StridedLayout {
  readonly dims: number[];
  readonly strides: number[][];
}

/**
 * Drops size-1 dims and merges neighbouring dims that every input walks contiguously, so the
 * kernels' per-element index loop is as short as it can be (and rank rarely exceeds 8).
 */
export function simplifyLayout(layout: StridedLayout): StridedLayout {
  const dims: number[] = [];
  const strides: number[][] = layout.strides.map(() => []);
  for (let d = 0; d < layout.dims.length; d++) {
    const size = layout.dims[d]!;
    if (size === 1) continue;
    const last = dims.length - 1;
    const mergeable = last >= 0 && layout.strides.every((s, t) => strides[t]![last] === s[d]! * size);
    if (mergeable) {
      dims[last] = dims[last]! * size;
      layout.strides.forEach((s, t) => { strides[t]![last] = s[d]!; });
    } else {
      dims.push(size);
      layout.strides.forEach((s, t) => strides[t]!.push(s[d]!));
    }
  }
  return { dims, strides };
}

/** The simplified broadcast layout of `inputs` read as `outShape`; throws past MAX_KERNEL_RANK. */
export function broadcastLayout(op: string, inputs: readonly Shape[], outShape: Shape): StridedLayout {
  const layout = simplifyLayout({ dims: [...outShape], strides: inputs.map((s) => broadcastStrides(s, outShape)) });
  if (layout.dims.length > MAX_KERNEL_RANK) {
    throw new Error(`${op}: shapes ${inputs.map(shapeToString).join(', ')} broadcast over ${layout.dims.length} independent dims; at most ${MAX_KERNEL_RANK} are supported`);
  }
  return layout;
}

/**
 * A strided copy: output element at coordinate o reads input coordinate o − lo when that lies in
 * [0, extent), else the fill value; `base` is the element offset of input coordinate 0.
 */
export interface CopyLayout {
  readonly dims: number[];
  readonly inStrides: number[];
  readonly lo: number[];
  readonly extent: number[];
  readonly base: number;
}

function unpaddedCopy(op: string, dims: number[], inStrides: number[], base: number): CopyLayout {
  const simple = simplifyLayout({ dims, strides: [inStrides] });
  if (simple.dims.length > MAX_KERNEL_RANK) throw new Error(`${op}: ${simple.dims.length} independent dims; at most ${MAX_KERNEL_RANK} are supported`);
  return { dims: simple.dims, inStrides: simple.strides[0]!, lo: simple.dims.map(() => 0), extent: simple.dims, base };
}

/** Output dim i is input dim perm[i]. */
export function transposeLayout(shape: Shape, perm: readonly number[]): CopyLayout {
  const strides = stridesOf(shape);
  return unpaddedCopy('transpose', perm.map((p) => shape[p]!), perm.map((p) => strides[p]!), 0);
}

export function sliceLayout(shape: Shape, begin: readonly number[], size: readonly number[]): CopyLayout {
  const strides = stridesOf(shape);
  const base = begin.reduce((sum, b, d) => sum + b * strides[d]!, 0);
  return unpaddedCopy('slice', [...size], strides, base);
}

/** `shape` repeated to `outShape` (NumPy broadcasting), as a contiguous copy. */
export function expandLayout(shape: Shape, outShape: Shape): CopyLayout {
  return unpaddedCopy('broadcast', [...outShape], broadcastStrides(shape, outShape), 0);
}

export function padLayout(shape: Shape, paddings: readonly (readonly [number, number])[]): CopyLayout {
  if (shape.length > MAX_KERNEL_RANK) throw new Error(`pad: rank ${shape.length} is above the supported ${MAX_KERNEL_RANK}`);
  return {
    dims: shape.map((d, i) => d + paddings[i]![0] + paddings[i]![1]),
    inStrides: stridesOf(shape),
    lo: paddings.map((p) => p[0]),
    extent: [...shape],
    base: 0,
  };
}

/**
 * How a reduction over `axes` runs as a row reduction: when the axes are the trailing ones each
 * output element is a contiguous row already; otherwise x is first transposed by `perm` (kept
 * axes, then reduced ones).
 */
export interface ReducePlan {
  readonly perm: number[] | null;
  readonly rows: number;
  readonly length: number;
  readonly outShape: number[];
}

export function reducePlan(shape: Shape, axes: readonly number[]): ReducePlan {
  const reduced = new Set(axes);
  const kept = shape.map((_, i) => i).filter((i) => !reduced.has(i));
  const outShape = kept.map((i) => shape[i]!);
  const rows = sizeOf(outShape);
  const length = axes.reduce((p, a) => p * shape[a]!, 1);
  const trailing = axes.every((a, i) => a === shape.length - axes.length + i);
  const needsPerm = !trailing && length > 1 && rows > 1;
  return { perm: needsPerm ? [...kept, ...axes] : null, rows, length, outShape };
}

/** Sizes of one matMul call after transposes, with how each input's batch is walked. */
export interface MatMulPlan {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly batch: number;
  readonly outShape: number[];
  /** Element strides between batch matrices (0 when that input has one matrix for all). */
  readonly strideA: number;
  readonly strideB: number;
  /** Batch shapes an input must be expanded to first (general broadcasting), or null. */
  readonly expandA: number[] | null;
  readonly expandB: number[] | null;
}

function broadcastBatch(a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new Error(`matMul: batch dims ${shapeToString(a)} and ${shapeToString(b)} do not broadcast`);
    out.push(da === 1 ? db : da);
  }
  return out;
}

export function matMulPlan(aShape: Shape, bShape: Shape, transposeA: boolean, transposeB: boolean): MatMulPlan {
  const ra = aShape.length;
  const rb = bShape.length;
  if (ra < 2 || rb < 2) throw new Error(`matMul: inputs need rank ≥ 2, got ${shapeToString(aShape)} and ${shapeToString(bShape)}`);
  const m = transposeA ? aShape[ra - 1]! : aShape[ra - 2]!;
  const k = transposeA ? aShape[ra - 2]! : aShape[ra - 1]!;
  const kb = transposeB ? bShape[rb - 1]! : bShape[rb - 2]!;
  const n = transposeB ? bShape[rb - 2]! : bShape[rb - 1]!;
  if (k !== kb) throw new Error(`matMul: inner dims differ: ${shapeToString(aShape)}${transposeA ? 'ᵀ' : ''} × ${shapeToString(bShape)}${transposeB ? 'ᵀ' : ''}`);
  const aBatch = aShape.slice(0, -2);
  const bBatch = bShape.slice(0, -2);
  const outBatch = broadcastBatch(aBatch, bBatch);
  const batch = sizeOf(outBatch);
  const aCount = sizeOf(aBatch);
  const bCount = sizeOf(bBatch);
  // A batch that is whole or single walks with a plain stride; anything else is expanded first.
  const expandA = aCount === batch || aCount === 1 ? null : outBatch;
  const expandB = bCount === batch || bCount === 1 ? null : outBatch;
  return {
    m, n, k, batch,
    outShape: [...outBatch, m, n],
    strideA: aCount === 1 && batch > 1 ? 0 : m * k,
    strideB: bCount === 1 && batch > 1 ? 0 : k * n,
    expandA, expandB,
  };
}

/** The 15 integers of csrc's ConvGeometry, in its field order. */
export type ConvGeometry = readonly [
  batch: number, inH: number, inW: number, inC: number, outH: number, outW: number,
  filterH: number, filterW: number, strideY: number, strideX: number, dilationY: number,
  dilationX: number, padTop: number, padLeft: number, outC: number,
];

export function convGeometry(inputShape: Shape, filterShape: Shape, attrs: Conv2DAttrs, outChannels: number): ConvGeometry {
  const [batch, inH, inW, inC] = inputShape as [number, number, number, number];
  const [filterH, filterW] = filterShape as [number, number];
  const [strideY, strideX] = attrs.strides;
  const [dilationY, dilationX] = attrs.dilations;
  const [padTop, padBottom, padLeft, padRight] = attrs.pad;
  const outH = convOutputSize(inH, filterH, strideY, dilationY, padTop, padBottom);
  const outW = convOutputSize(inW, filterW, strideX, dilationX, padLeft, padRight);
  return [batch, inH, inW, inC, outH, outW, filterH, filterW, strideY, strideX, dilationY, dilationX, padTop, padLeft, outChannels];
}

export function poolGeometry(inputShape: Shape, attrs: Pool2DAttrs): ConvGeometry {
  const channels = inputShape[3]!;
  return convGeometry(inputShape, attrs.filterSize, { strides: attrs.strides, dilations: [1, 1], pad: attrs.pad }, channels);
}

/** The output shape `[n, outH, outW, outC]` of a geometry. */
export function convOutputShape(g: ConvGeometry): number[] {
  return [g[0], g[4], g[5], g[14]];
}

const FLOAT_BITS = new Float32Array(1);
const FLOAT_BITS_AS_UINT = new Uint32Array(FLOAT_BITS.buffer);

/**
 * The 32-bit pattern a kernel stores for `value` in `dtype`, converted by `cast`'s rules:
 * float→int32 truncates toward zero and saturates (NaN → 0); anything → bool is `value != 0`.
 */
export function scalarBits(value: number, dtype: DType): number {
  switch (dtype) {
    case 'float32':
      FLOAT_BITS[0] = value;
      return FLOAT_BITS_AS_UINT[0]!;
    case 'int32': {
      const int = Number.isNaN(value) ? 0 : value >= 2147483647 ? 2147483647 : value <= -2147483648 ? -2147483648 : Math.trunc(value);
      return int >>> 0;
    }
    case 'bool':
      return value !== 0 ? 1 : 0;
  }
}
