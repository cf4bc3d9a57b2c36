/**
 * Data movement: transpose, slicing, padding, joining, splitting, tiling, gathering.
 */
import { engine } from '../engine/engine.js';
import type { Tensor } from '../tensor/tensor.js';
import { broadcastShapes, shapeToString } from '../util/shape.js';
import { assertDType, normalizeAxis, tensor, toTensor, upcast, type TensorLike } from './convert.js';
import { add, logicalOr } from './binary.js';
import { cast, fill, range, zeros } from './creation.js';
import { expandDims, reshape, squeeze } from './reshape.js';

/**
 * Permutes dims (default: reverses them).
 * @example
 * const x = st.randomNormal([2, 3, 4]);
 * st.transpose(x).shape;              // [4, 3, 2]
 * st.transpose(x, [0, 2, 1]).shape;   // [2, 4, 3]
 */
export function transpose(x: TensorLike, perm?: readonly number[]): Tensor {
  const t = toTensor(x, 'x', 'transpose');
  const p = perm ?? t.shape.map((_, i) => t.rank - 1 - i);
  if (p.length !== t.rank || [...p].sort((a, b) => a - b).some((v, i) => v !== i)) {
    throw new Error(`transpose: perm [${p.join(',')}] is not a permutation of the ${t.rank} dims of x ${shapeToString(t.shape)}`);
  }
  if (p.every((v, i) => v === i)) return reshape(t, t.shape);
  const inverse = new Array<number>(p.length);
  p.forEach((v, i) => (inverse[v] = i));
  return engine().runKernel('transpose', [t], (b, [i]) => b.transpose(i!, p), (dys) => [transpose(dys[0]!, inverse)])[0]!;
}

/**
 * The block of `x` starting at `begin` with extent `size` (-1: to the end). A number for
 * `begin`/`size` applies to the first axis.
  * @example
  * const x = st.reshape(st.range(0, 12), [3, 4]);
  * const block = st.slice(x, [1, 0], [2, 3]);  // rows 1-2, columns 0-2: [[4, 5, 6], [8, 9, 10]]
  * const tail = st.slice(x, [0, 2], [-1, -1]);  // -1: to the end
 */
export function slice(x: TensorLike, begin: number | readonly number[], size?: number | readonly number[]): Tensor {
  const t = toTensor(x, 'x', 'slice');
  const b = typeof begin === 'number' ? [begin, ...new Array<number>(Math.max(t.rank - 1, 0)).fill(0)] : [...begin];
  while (b.length < t.rank) b.push(0);
  const rawSize = size === undefined ? [] : typeof size === 'number' ? [size] : [...size];
  if (b.length !== t.rank || rawSize.length > t.rank) {
    throw new Error(`slice: begin [${b.join(',')}] and size [${rawSize.join(',')}] must have at most one entry per dim of x ${shapeToString(t.shape)}`);
  }
  const s = t.shape.map((d, i) => (rawSize[i] === undefined || rawSize[i] === -1 ? d - b[i]! : rawSize[i]!));
  for (let i = 0; i < t.rank; i++) {
    if (!Number.isInteger(b[i]) || !Number.isInteger(s[i]) || b[i]! < 0 || s[i]! < 0 || b[i]! + s[i]! > t.shape[i]!) {
      throw new Error(`slice: begin [${b.join(',')}] with size [${s.join(',')}] is out of bounds for x of shape ${shapeToString(t.shape)} (dim ${i})`);
    }
  }
  if (s.every((d, i) => d === t.shape[i])) return reshape(t, t.shape);
  const inShape = t.shape;
  return engine().runKernel('slice', [t], (backend, [i]) => backend.slice(i!, b, s), (dys) => [
    pad(dys[0]!, inShape.map((d, i): [number, number] => [b[i]!, d - b[i]! - s[i]!]), 0),
  ])[0]!;
}

/**
 * NumPy-style `x[begin:end:stride, ...]` per axis, with masks as in TensorFlow: bit i of
 * `beginMask`/`endMask` ignores begin/end on axis i; bit i of `shrinkAxisMask` drops axis i.
 */
export function stridedSlice(x: TensorLike, begin: readonly number[], end: readonly number[], strides?: readonly number[], beginMask = 0, endMask = 0, shrinkAxisMask = 0): Tensor {
  const t = toTensor(x, 'x', 'stridedSlice');
  if (begin.length > t.rank || end.length > t.rank || (strides && strides.length > t.rank)) {
    throw new Error(`stridedSlice: begin/end/strides have more entries than x ${shapeToString(t.shape)} has dims`);
  }
  return engine().tidy(() => {
    let out = t;
    for (let axis = 0; axis < t.rank; axis++) {
      const n = t.shape[axis]!;
      const stride = strides?.[axis] ?? 1;
      if (!Number.isInteger(stride) || stride === 0) throw new Error(`stridedSlice: stride ${stride} on axis ${axis} must be a non-zero integer`);
      const shrink = (shrinkAxisMask >> axis) & 1;
      const clampStart = (v: number): number => {
        const r = v < 0 ? v + n : v;
        return stride > 0 ? Math.min(Math.max(r, 0), n) : Math.min(Math.max(r, -1), n - 1);
      };
      let start = (beginMask >> axis) & 1 || begin[axis] === undefined ? (stride > 0 ? 0 : n - 1) : clampStart(begin[axis]!);
      let stop = (endMask >> axis) & 1 || end[axis] === undefined ? (stride > 0 ? n : -1) : clampStart(end[axis]!);
      if (shrink) {
        const at = (begin[axis] ?? 0) < 0 ? (begin[axis] ?? 0) + n : begin[axis] ?? 0;
        if (at < 0 || at >= n) throw new Error(`stridedSlice: shrink index ${begin[axis]} is out of range for axis ${axis} of size ${n}`);
        start = at;
        stop = at + 1;
      }
      const indices: number[] = [];
      for (let i = start; stride > 0 ? i < stop : i > stop; i += stride) indices.push(i);
      if (indices.length === n && stride === 1) continue;
      out = stride === 1
        ? slice(out, out.shape.map((_, i) => (i === axis ? start : 0)), out.shape.map((d, i) => (i === axis ? indices.length : d)))
        : gather(out, tensor(indices, [indices.length], 'int32'), axis);
    }
    const shrinkAxes = t.shape.flatMap((_, i) => ((shrinkAxisMask >> i) & 1 ? [i] : []));
    return shrinkAxes.length ? squeeze(out, shrinkAxes) : reshape(out, out.shape);
  });
}

/**
 * Pads each dim by `[before, after]` elements of `constantValue`.
 * @example
 * const padded = st.pad(st.ones([2, 2]), [[1, 1], [0, 2]]);  // [4, 4], zeros around
 */
export function pad(x: TensorLike, paddings: readonly (readonly [number, number])[], constantValue = 0): Tensor {
  const t = toTensor(x, 'x', 'pad');
  if (paddings.length !== t.rank || paddings.some((p) => p.length !== 2 || p.some((v) => !Number.isInteger(v) || v < 0))) {
    throw new Error(`pad: paddings ${JSON.stringify(paddings)} must hold one [before, after] pair of non-negative integers per dim of x ${shapeToString(t.shape)}`);
  }
  if (paddings.every(([a, b]) => a === 0 && b === 0)) return reshape(t, t.shape);
  const inShape = t.shape;
  return engine().runKernel('pad', [t], (b, [i]) => b.pad(i!, paddings, constantValue), (dys) => [
    slice(dys[0]!, paddings.map(([before]) => before), inShape),
  ])[0]!;
}

/**
 * Joins tensors along `axis`; dtypes are promoted to a common one.
 * @example
 * const ab = st.concat([st.ones([2, 3]), st.zeros([2, 1])], 1);  // [2, 4]
 */
export function concat(xs: readonly TensorLike[], axis = 0): Tensor {
  if (!Array.isArray(xs) || xs.length === 0) throw new Error('concat: needs a non-empty list of tensors');
  const ts = xs.map((x, i) => toTensor(x, `tensors[${i}]`, 'concat'));
  const first = ts[0]!;
  const a = normalizeAxis(axis, first.rank, 'concat');
  ts.forEach((t, i) => {
    if (t.rank !== first.rank || t.shape.some((d, j) => j !== a && d !== first.shape[j])) {
      throw new Error(`concat: tensors[${i}] has shape ${shapeToString(t.shape)}, which does not match tensors[0] ${shapeToString(first.shape)} outside axis ${a}`);
    }
  });
  if (ts.length === 1) return reshape(first, first.shape);
  const dtype = ts.map((t) => t.dtype).reduce(upcast);
  return engine().tidy(() => {
    const same = ts.map((t) => (t.dtype === dtype ? t : cast(t, dtype)));
    return engine().runKernel('concat', same, (b, infos) => b.concat(infos, a), (dys) => {
      let offset = 0;
      return same.map((t) => {
        const begin = t.shape.map((_, j) => (j === a ? offset : 0));
        offset += t.shape[a]!;
        return slice(dys[0]!, begin, t.shape);
      });
    })[0]!;
  });
}

/**
 * Stacks equal-shaped tensors along a new axis.
 * @example
 * const s = st.stack([st.tensor([1, 2]), st.tensor([3, 4])]);  // [[1, 2], [3, 4]]
 */
export function stack(xs: readonly TensorLike[], axis = 0): Tensor {
  if (!Array.isArray(xs) || xs.length === 0) throw new Error('stack: needs a non-empty list of tensors');
  const ts = xs.map((x, i) => toTensor(x, `tensors[${i}]`, 'stack'));
  ts.forEach((t, i) => {
    if (t.rank !== ts[0]!.rank || t.shape.some((d, j) => d !== ts[0]!.shape[j])) {
      throw new Error(`stack: tensors[${i}] has shape ${shapeToString(t.shape)} but tensors[0] has ${shapeToString(ts[0]!.shape)}`);
    }
  });
  const a = normalizeAxis(axis, ts[0]!.rank + 1, 'stack');
  return engine().tidy(() => concat(ts.map((t) => expandDims(t, a)), a));
}

/** Splits along `axis` into tensors with that axis removed. */
export function unstack(x: TensorLike, axis = 0): Tensor[] {
  const t = toTensor(x, 'x', 'unstack');
  const a = normalizeAxis(axis, t.rank, 'unstack');
  return engine().tidy(() => split(t, t.shape[a]!, a).map((part) => squeeze(part, [a])));
}

/**
 * Splits along `axis` into `count` equal parts, or parts of the given sizes (one may be -1).
 * @example
 * const [a, b] = st.split(st.range(0, 10), [4, 6]);  // sizes 4 and 6
 * const parts = st.split(st.randomNormal([6, 2]), 3);  // three [2, 2] tensors
 */
export function split(x: TensorLike, countOrSizes: number | readonly number[], axis = 0): Tensor[] {
  const t = toTensor(x, 'x', 'split');
  const a = normalizeAxis(axis, t.rank, 'split');
  const n = t.shape[a]!;
  let sizes: number[];
  if (typeof countOrSizes === 'number') {
    if (!Number.isInteger(countOrSizes) || countOrSizes < 1 || n % countOrSizes !== 0) {
      throw new Error(`split: axis ${a} of x ${shapeToString(t.shape)} (size ${n}) cannot be split into ${countOrSizes} equal parts`);
    }
    sizes = new Array<number>(countOrSizes).fill(n / countOrSizes);
  } else {
    sizes = [...countOrSizes];
    const free = sizes.indexOf(-1);
    if (free >= 0) sizes[free] = n - sizes.reduce((s, v, i) => (i === free ? s : s + v), 0);
    if (sizes.some((s) => !Number.isInteger(s) || s < 0) || sizes.reduce((s, v) => s + v, 0) !== n) {
      throw new Error(`split: sizes [${countOrSizes.join(',')}] do not add up to axis ${a} of x ${shapeToString(t.shape)} (size ${n})`);
    }
  }
  let offset = 0;
  return sizes.map((s) => {
    const begin = t.shape.map((_, j) => (j === a ? offset : 0));
    offset += s;
    return slice(t, begin, t.shape.map((d, j) => (j === a ? s : d)));
  });
}

/**
 * Repeats `x` `reps[i]` times along each axis.
 * @example
 * const t = st.tile(st.tensor([[1, 2]]), [2, 3]);  // [2, 6]
 */
export function tile(x: TensorLike, reps: readonly number[]): Tensor {
  const t = toTensor(x, 'x', 'tile');
  if (reps.length !== t.rank || reps.some((r) => !Number.isInteger(r) || r < 0)) {
    throw new Error(`tile: reps [${reps.join(',')}] must hold one non-negative integer per dim of x ${shapeToString(t.shape)}`);
  }
  return engine().tidy(() => {
    let out = t;
    reps.forEach((r, axis) => {
      if (r === 1) return;
      const n = t.shape[axis]!;
      const indices = Int32Array.from({ length: n * r }, (_, i) => i % n);
      out = gather(out, tensor(indices, [indices.length], 'int32'), axis);
    });
    return reshape(out, out.shape);
  });
}

/** Reverses the order of elements along `axes` (default: all). */
export function reverse(x: TensorLike, axes?: number | readonly number[]): Tensor {
  const t = toTensor(x, 'x', 'reverse');
  const list = axes === undefined ? t.shape.map((_, i) => i) : typeof axes === 'number' ? [axes] : axes;
  return engine().tidy(() => {
    let out = t;
    for (const axis of list) {
      const a = normalizeAxis(axis, t.rank, 'reverse');
      out = gather(out, range(t.shape[a]! - 1, -1, -1, 'int32'), a);
    }
    return reshape(out, out.shape);
  });
}

/**
 * Slices of `x` along `axis` picked by int32 `indices` (any shape). Out-of-range indices give
 * zeros on every backend (they cannot be checked without reading the indices back).
  * @example
  * const table = st.randomNormal([10, 4]);                     // 10 embeddings of size 4
  * const rows = st.gather(table, st.tensor([3, 3, 7], [3], 'int32'));  // [3, 4]
 */
export function gather(x: TensorLike, indices: TensorLike, axis = 0): Tensor {
  const t = toTensor(x, 'x', 'gather');
  const idx = toTensor(indices, 'indices', 'gather', 'int32');
  assertDType(idx, ['int32'], 'indices', 'gather');
  if (t.rank === 0) throw new Error('gather: x must have at least one dimension, got a scalar');
  const a = normalizeAxis(axis, t.rank, 'gather');
  const size = t.shape[a]!;
  return engine().runKernel('gather', [t, idx], (b, [xi, ii]) => b.gather(xi!, ii!, a), (dys, [, ii]) => [
    scatterAdd(dys[0]!, ii!, a, size),
    null,
  ])[0]!;
}

/**
 * The adjoint of gather: zeros with `size` rows along `axis`, into which each slice of `updates`
 * is added at its index. @internal (used by gather's gradient and embedding layers)
 */
export function scatterAdd(updates: Tensor, indices: Tensor, axis: number, size: number): Tensor {
  assertDType(updates, ['float32', 'int32'], 'updates', 'scatterAdd');
  assertDType(indices, ['int32'], 'indices', 'scatterAdd');
  const expected = indices.shape;
  if (updates.shape.slice(axis, axis + expected.length).some((d, i) => d !== expected[i])) {
    throw new Error(`scatterAdd: updates ${shapeToString(updates.shape)} do not have indices' shape ${shapeToString(expected)} at axis ${axis}`);
  }
  return engine().runKernel('scatterAdd', [updates, indices], (b, [u, i]) => b.scatterAdd(u!, i!, axis, size), (dys, [, ii]) => [
    gather(dys[0]!, ii!, axis),
    null,
  ])[0]!;
}

/** Broadcasts `x` to `shape` (NumPy rules). */
export function broadcastTo(x: TensorLike, shape: readonly number[]): Tensor {
  const t = toTensor(x, 'x', 'broadcastTo');
  const out = broadcastShapes(t.shape, shape);
  if (!out || out.length !== shape.length || out.some((d, i) => d !== shape[i])) {
    throw new Error(`broadcastTo: x of shape ${shapeToString(t.shape)} cannot be broadcast to ${shapeToString(shape)}`);
  }
  if (t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i])) return reshape(t, shape);
  return engine().tidy(() => (t.dtype === 'bool' ? logicalOr(t, fill(shape, false, 'bool')) : add(t, zeros(shape, t.dtype))));
}
