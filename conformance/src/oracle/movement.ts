/** Oracle data-movement kernels: transpose, slice, pad, concat, gather, scatterAdd. */
import { make, numel, ravel, unravel } from './tensor.js';
import type { OTensor } from './tensor.js';

/** Permutes dims: output dim i is input dim `perm[i]`. */
export function transpose(x: OTensor, perm: readonly number[]): OTensor {
  const shape = perm.map((p) => x.shape[p]!);
  const out = new Float64Array(numel(shape));
  const src = new Array<number>(x.shape.length).fill(0);
  for (let flat = 0; flat < out.length; flat++) {
    const idx = unravel(flat, shape);
    perm.forEach((p, i) => { src[p] = idx[i]!; });
    out[flat] = x.data[ravel(src, x.shape)]!;
  }
  return make(shape, x.dtype, out);
}

/** The block of extent `size` starting at `begin`. */
export function slice(x: OTensor, begin: readonly number[], size: readonly number[]): OTensor {
  const out = new Float64Array(numel(size));
  for (let flat = 0; flat < out.length; flat++) {
    const idx = unravel(flat, size).map((v, i) => v + begin[i]!);
    out[flat] = x.data[ravel(idx, x.shape)]!;
  }
  return make(size, x.dtype, out);
}

/** Pads each dim by `[before, after]` elements equal to `value`. */
export function pad(x: OTensor, paddings: readonly (readonly [number, number])[], value: number): OTensor {
  const shape = x.shape.map((d, i) => d + paddings[i]![0] + paddings[i]![1]);
  const fillValue = x.dtype === 'bool' ? (value !== 0 ? 1 : 0) : x.dtype === 'int32' ? Math.trunc(value) : value;
  const out = new Float64Array(numel(shape)).fill(fillValue);
  for (let flat = 0; flat < x.data.length; flat++) {
    const idx = unravel(flat, x.shape).map((v, i) => v + paddings[i]![0]);
    out[ravel(idx, shape)] = x.data[flat]!;
  }
  return make(shape, x.dtype, out);
}

/** Joins tensors along `axis`. */
export function concat(xs: readonly OTensor[], axis: number): OTensor {
  const first = xs[0]!;
  const shape = [...first.shape];
  shape[axis] = xs.reduce((s, t) => s + t.shape[axis]!, 0);
  const out = new Float64Array(numel(shape));
  let offset = 0;
  for (const t of xs) {
    for (let flat = 0; flat < t.data.length; flat++) {
      const idx = unravel(flat, t.shape);
      idx[axis]! += offset;
      out[ravel(idx, shape)] = t.data[flat]!;
    }
    offset += t.shape[axis]!;
  }
  return make(shape, first.dtype, out);
}

/** Slices of `x` along `axis` picked by `indices`; out-of-range indices give zeros. */
export function gather(x: OTensor, indices: OTensor, axis: number): OTensor {
  const before = x.shape.slice(0, axis);
  const after = x.shape.slice(axis + 1);
  const shape = [...before, ...indices.shape, ...after];
  const out = new Float64Array(numel(shape));
  const ir = indices.shape.length;
  for (let flat = 0; flat < out.length; flat++) {
    const idx = unravel(flat, shape);
    const iIdx = idx.slice(axis, axis + ir);
    const pos = indices.data[ravel(iIdx, indices.shape)]!;
    if (pos < 0 || pos >= x.shape[axis]!) continue; // out of range: zero
    const src = [...idx.slice(0, axis), pos, ...idx.slice(axis + ir)];
    out[flat] = x.data[ravel(src, x.shape)]!;
  }
  return make(shape, x.dtype, out);
}

/** The adjoint of gather: slices of `updates` added at their indices into zeros of extent `size`. */
export function scatterAdd(updates: OTensor, indices: OTensor, axis: number, size: number): OTensor {
  const ir = indices.shape.length;
  const shape = [...updates.shape.slice(0, axis), size, ...updates.shape.slice(axis + ir)];
  const out = new Float64Array(numel(shape));
  for (let flat = 0; flat < updates.data.length; flat++) {
    const idx = unravel(flat, updates.shape);
    const pos = indices.data[ravel(idx.slice(axis, axis + ir), indices.shape)]!;
    if (pos < 0 || pos >= size) continue; // out of range: skipped
    const dst = [...idx.slice(0, axis), pos, ...idx.slice(axis + ir)];
    out[ravel(dst, shape)]! += updates.data[flat]!;
  }
  if (updates.dtype === 'int32') for (let i = 0; i < out.length; i++) out[i] = Number(BigInt.asIntN(32, BigInt(out[i]!)));
  return make(shape, updates.dtype, out);
}
