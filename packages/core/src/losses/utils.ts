/**
 * Shared helpers of losses and metrics: Keras' rank alignment of labels and predictions, input
 * checks with clear errors, and the fuzz factor.
 * @internal
 */
import type { Tensor } from '../tensor/tensor.js';
import { cast } from '../ops/creation.js';
import { toTensor, type TensorLike } from '../ops/convert.js';
import { expandDims, squeeze } from '../ops/reshape.js';
import { shapeToString } from '../util/shape.js';

/** Keras' `backend.epsilon()`: keeps logs and divisions finite. */
export const EPSILON = 1e-7;

/**
 * Keras' `squeeze_or_expand_to_same_rank`: when ranks differ by one and the longer shape ends in 1,
 * that 1 is dropped, except that a rank-1 partner is expanded instead (`[b]` vs `[b, 1]` gives
 * `[b, 1]` twice), so a per-sample vector lines up with a `[batch, 1]` output.
 */
export function squeezeOrExpandToSameRank(a: Tensor, b: Tensor, expandRank1 = true): [Tensor, Tensor] {
  if (a.rank === b.rank) return [a, b];
  if (a.rank === b.rank + 1 && a.shape[a.rank - 1] === 1) {
    return b.rank === 1 && expandRank1 ? [a, expandDims(b, -1)] : [squeeze(a, [-1]), b];
  }
  if (b.rank === a.rank + 1 && b.shape[b.rank - 1] === 1) {
    return a.rank === 1 && expandRank1 ? [expandDims(a, -1), b] : [a, squeeze(b, [-1])];
  }
  return [a, b];
}

/** Whether two shapes are equal. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Converts `yTrue`/`yPred` to float32 tensors, aligns their ranks like Keras and requires equal
 * shapes after that (a silent broadcast of labels against predictions hides real bugs).
 */
export function preparePair(where: string, yTrue: TensorLike, yPred: TensorLike, minRank = 1): [Tensor, Tensor] {
  let p = toFloat(toTensor(yPred, 'yPred', where));
  let t = toFloat(toTensor(yTrue, 'yTrue', where));
  [t, p] = squeezeOrExpandToSameRank(t, p);
  if (!sameShape(t.shape, p.shape)) {
    throw new Error(`${where}: yTrue ${shapeToString(t.shape)} and yPred ${shapeToString(p.shape)} must have the same shape ` +
      `(yTrue may also be [batch] when yPred is [batch, 1])`);
  }
  if (p.rank < minRank) {
    throw new Error(`${where}: yPred must have at least ${minRank} dimension${minRank === 1 ? '' : 's'}, got ${p.describe()}`);
  }
  return [t, p];
}

/** float32 view of a tensor (int32 and bool are cast, as Keras casts labels to the prediction dtype). */
export function toFloat(t: Tensor): Tensor {
  return t.dtype === 'float32' ? t : cast(t, 'float32');
}

/** Resolves a possibly negative axis, naming the function and the shape on error. */
export function resolveAxis(where: string, axis: number, shape: readonly number[], arg = 'axis'): number {
  const rank = shape.length;
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new Error(`${where}: ${arg} ${String(axis)} is out of range for yPred of shape ${shapeToString(shape)}`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** Throws unless `value` is a finite number in `[lo, hi]`. */
export function checkNumber(where: string, arg: string, value: unknown, lo = -Infinity, hi = Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < lo || value > hi) {
    const range = lo === -Infinity && hi === Infinity ? 'a finite number' : `a number in [${lo}, ${hi}]`;
    throw new Error(`${where}: ${arg} must be ${range}, got ${String(value)}`);
  }
  return value;
}

/** Throws unless `value` is a boolean. */
export function checkBoolean(where: string, arg: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new Error(`${where}: ${arg} must be true or false, got ${String(value)}`);
  return value;
}

/** Throws unless `value` is an integer (in `[lo, hi]`). */
export function checkInteger(where: string, arg: string, value: unknown, lo = -Infinity, hi = Infinity): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < lo || value > hi) {
    const range = hi === Infinity ? (lo === -Infinity ? 'an integer' : `an integer ≥ ${lo}`) : `an integer in [${lo}, ${hi}]`;
    throw new Error(`${where}: ${arg} must be ${range}, got ${String(value)}`);
  }
  return value;
}

/** The key names are looked up by: separators (`_`, `-`, spaces) removed, lowercased, so camelCase and snake_case match. */
export function lookupKey(name: string): string {
  return name.replace(/[_\-\s]/g, '').toLowerCase();
}

/** Converts snake_case config keys (from Keras files) to the camelCase the constructors take. */
export function camelCaseKeys<T extends Record<string, unknown>>(config: T): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) out[k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())] = v;
  return out;
}
