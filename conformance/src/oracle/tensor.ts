/**
 * The oracle's tensor: a shape, a dtype and float64 values. Integer and bool tensors hold exact
 * integers (bool as 0/1). Written independently of every backend and of core's shape helpers, so
 * that a bug shared by core and a backend cannot hide itself.
 */
import type { DType, TypedArray } from '../contract.js';

/** An oracle tensor: float64 values of any dtype, row-major. */
export interface OTensor {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly data: Float64Array;
}

/** Number of elements of a shape. */
export function numel(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

/** Row-major strides, in elements. */
export function rowStrides(shape: readonly number[]): number[] {
  const out: number[] = [];
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    out.unshift(acc);
    acc *= shape[i]!;
  }
  return out;
}

/** An oracle tensor of `shape` (zeros, or the given values). */
export function make(shape: readonly number[], dtype: DType, data?: Float64Array | readonly number[]): OTensor {
  const n = numel(shape);
  const d = data === undefined ? new Float64Array(n) : Float64Array.from(data);
  if (d.length !== n) throw new Error(`oracle: ${d.length} values for shape [${shape.join(',')}]`);
  return { shape: [...shape], dtype, data: d };
}

/** An oracle tensor holding a backend's typed array. */
export function fromTyped(values: TypedArray, shape: readonly number[], dtype: DType): OTensor {
  return make(shape, dtype, Float64Array.from(values as ArrayLike<number>));
}

/** The typed array a backend stores for the dtype (float32 values rounded, int32 wrapped). */
export function toTyped(t: OTensor): TypedArray {
  switch (t.dtype) {
    case 'float32': return Float32Array.from(t.data);
    case 'int32': return Int32Array.from(t.data);
    case 'bool': return Uint8Array.from(t.data, (v) => (v !== 0 ? 1 : 0));
  }
}

/** Multi-index of a flat row-major position. */
export function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  let rest = flat;
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i]!;
    idx[i] = d === 0 ? 0 : rest % d;
    rest = d === 0 ? 0 : Math.floor(rest / d);
  }
  return idx;
}

/** Flat row-major position of a multi-index. */
export function ravel(idx: readonly number[], shape: readonly number[]): number {
  let flat = 0;
  for (let i = 0; i < shape.length; i++) flat = flat * shape[i]! + idx[i]!;
  return flat;
}

/** NumPy broadcast of several shapes (aligned right; each dim equal or 1). Throws if they clash. */
export function broadcastAll(...shapes: (readonly number[])[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const o = rank - s.length + i;
      const d = s[i]!;
      if (d === 1) continue;
      if (out[o] === 1) out[o] = d;
      else if (out[o] !== d) throw new Error(`oracle: shapes do not broadcast: ${shapes.map((x) => `[${x.join(',')}]`).join(' ')}`);
    }
  }
  return out;
}

/** Reads the element of `t` that broadcasts to output multi-index `outIdx`. */
export function atBroadcast(t: OTensor, outIdx: readonly number[]): number {
  const off = outIdx.length - t.shape.length;
  let flat = 0;
  for (let i = 0; i < t.shape.length; i++) {
    const d = t.shape[i]!;
    flat = flat * d + (d === 1 ? 0 : outIdx[off + i]!);
  }
  return t.data[flat]!;
}

/** Applies `f` elementwise over the broadcast of `inputs`. */
export function mapBroadcast(inputs: readonly OTensor[], dtype: DType, f: (vals: number[]) => number): OTensor {
  const shape = broadcastAll(...inputs.map((t) => t.shape));
  const n = numel(shape);
  const out = new Float64Array(n);
  const idx = new Array<number>(shape.length).fill(0);
  const vals = new Array<number>(inputs.length).fill(0);
  for (let flat = 0; flat < n; flat++) {
    for (let k = 0; k < inputs.length; k++) vals[k] = atBroadcast(inputs[k]!, idx);
    out[flat] = f(vals);
    // advance the multi-index like an odometer
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
  return { shape, dtype, data: out };
}
