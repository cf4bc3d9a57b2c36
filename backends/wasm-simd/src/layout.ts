/**
 * Shape bookkeeping done in JS before a wasm call: collapsing broadcasts and strided copies to
 * the fewest dims, so the wasm loops run long contiguous inner rows.
 */
import type { Shape } from '@strata/core';
import { broadcastShapes, shapeToString, stridesOf } from '@strata/core';

/** The wasm odometers index at most this many dims. */
export const MAX_RANK = 16;

export interface Collapsed {
  /** Output shape, at least one dim. */
  readonly shape: number[];
  /** One stride list per input (elements; 0 on broadcast dims). */
  readonly strides: number[][];
}

/** The broadcast shape of several inputs (core has already checked they broadcast). */
export function broadcastAll(shapes: readonly Shape[]): number[] {
  let out: number[] = [];
  for (const shape of shapes) {
    const next = broadcastShapes(out, shape);
    if (next === null) throw new Error(`wasm-simd backend: shapes ${shapes.map(shapeToString).join(', ')} do not broadcast`);
    out = next;
  }
  return out;
}

/**
 * Merges dims of `shape` where every stride list continues contiguously (stride[d] =
 * stride[d+1]·shape[d+1], which includes 0 = 0·n for broadcast runs), after dropping size-1 dims.
 */
export function collapse(shape: readonly number[], strides: readonly (readonly number[])[]): Collapsed {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d]!;
    if (n === 1) continue;
    const last = outShape.length - 1;
    if (last >= 0 && strides.every((s, i) => outStrides[i]![last] === s[d]! * n)) {
      outShape[last] = outShape[last]! * n;
      strides.forEach((s, i) => { outStrides[i]![last] = s[d]!; });
      continue;
    }
    outShape.push(n);
    strides.forEach((s, i) => outStrides[i]!.push(s[d]!));
  }
  if (outShape.length === 0) {
    outShape.push(1);
    outStrides.forEach((s) => s.push(0));
  }
  if (outShape.length > MAX_RANK) throw new Error(`wasm-simd backend: rank ${outShape.length} exceeds ${MAX_RANK}`);
  return { shape: outShape, strides: outStrides };
}

/** Strides of `shape` read as broadcast into `outShape` (right-aligned; 0 where broadcast). */
export function broadcastStrides(shape: Shape, outShape: readonly number[]): number[] {
  const own = stridesOf(shape);
  const offset = outShape.length - shape.length;
  return outShape.map((_, d) => {
    const i = d - offset;
    return i < 0 || shape[i] === 1 ? 0 : own[i]!;
  });
}

/** Collapses inputs broadcast to `outShape`. */
export function collapseBroadcast(outShape: readonly number[], inputs: readonly Shape[]): Collapsed {
  return collapse(outShape, inputs.map((s) => broadcastStrides(s, outShape)));
}
