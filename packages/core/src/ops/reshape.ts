/**
 * Ops that only change a tensor's shape; they share storage (DESIGN.md §3) and run no kernel.
 */
import { engine } from '../engine/engine.js';
import type { Tensor } from '../tensor/tensor.js';
import { shapeToString, sizeOf } from '../util/shape.js';
import { normalizeAxis, toTensor, type TensorLike } from './convert.js';

/**
 * Same values, new shape; one dim may be -1 (inferred).
 * @example
 * const x = st.reshape(st.range(0, 6), [2, 3]);   // [[0, 1, 2], [3, 4, 5]]
 * const y = st.reshape(x, [-1]);                  // back to [6]; one -1 is inferred
 */
export function reshape(x: TensorLike, shape: readonly number[]): Tensor {
  const t = toTensor(x, 'x', 'reshape');
  const inferredAt = shape.indexOf(-1);
  if (shape.some((d, i) => !Number.isInteger(d) || d < -1 || (d === -1 && i !== inferredAt))) {
    throw new Error(`reshape: shape ${shapeToString(shape)} must hold non-negative integers and at most one -1 (x is ${t.describe()})`);
  }
  const out = [...shape];
  if (inferredAt >= 0) {
    const known = sizeOf(out.filter((_, i) => i !== inferredAt));
    if (known === 0 || t.size % known !== 0) {
      throw new Error(`reshape: cannot infer the -1 in ${shapeToString(shape)} for x of shape ${shapeToString(t.shape)} (${t.size} elements)`);
    }
    out[inferredAt] = t.size / known;
  }
  if (sizeOf(out) !== t.size) {
    throw new Error(`reshape: x of shape ${shapeToString(t.shape)} has ${t.size} elements, shape ${shapeToString(shape)} needs ${sizeOf(out)}`);
  }
  const inShape = t.shape;
  return engine().shareStorage('reshape', t, out, (dys) => [reshape(dys[0]!, inShape)]);
}

/**
 * Inserts a dim of size 1 at `axis` (negative counts from the end of the result).
 * @example
 * const row = st.expandDims(st.tensor([1, 2, 3]), 0);  // [[1, 2, 3]], shape [1, 3]
 */
export function expandDims(x: TensorLike, axis = 0): Tensor {
  const t = toTensor(x, 'x', 'expandDims');
  const at = normalizeAxis(axis, t.rank + 1, 'expandDims');
  const shape = [...t.shape];
  shape.splice(at, 0, 1);
  return reshape(t, shape);
}

/** Removes dims of size 1 (all of them, or those in `axes`, which must have size 1). */
export function squeeze(x: TensorLike, axes?: readonly number[]): Tensor {
  const t = toTensor(x, 'x', 'squeeze');
  const drop = new Set((axes ?? t.shape.flatMap((d, i) => (d === 1 ? [i] : []))).map((a) => normalizeAxis(a, t.rank, 'squeeze')));
  for (const a of drop) {
    if (t.shape[a] !== 1) throw new Error(`squeeze: axis ${a} of x ${shapeToString(t.shape)} has size ${t.shape[a]}, not 1`);
  }
  return reshape(t, t.shape.filter((_, i) => !drop.has(i)));
}
