/** Compares a backend's output with the oracle's, element by element, under one tolerance. */
import type { DType, TypedArray } from './contract.js';
import { unravel } from './oracle/index.js';
import type { OTensor } from './oracle/index.js';
import { allowedError } from './tolerances.js';
import type { Tolerance } from './tolerances.js';

/** The oracle's answer for one output. */
export interface Expected {
  readonly value: OTensor;
  /** Σ|term| per element, for accumulation tolerances. */
  readonly magnitude?: Float64Array;
  /** Terms per element, for accumulation tolerances. */
  readonly terms?: number;
}

/** The first element that failed, for the report. */
export interface Mismatch {
  readonly index: readonly number[];
  readonly expected: number;
  readonly actual: number;
  readonly allowed: number;
}

/** The verdict on one output: pass or not, the worst error and its ratio to the tolerance, the first mismatch. */
export interface Comparison {
  readonly ok: boolean;
  /** Largest |actual − expected| seen over finite pairs. */
  readonly maxAbsError: number;
  /** Largest error / allowed error (≤ 1 passes; Infinity for any exact or special-value mismatch). */
  readonly worstRatio: number;
  /** Why it failed, when it did. */
  readonly problem?: string;
  readonly mismatch?: Mismatch;
}

const F32_MAX = 3.4028234663852886e38;

function same(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Checks one element; returns the error ratio (0 = perfect, > 1 fails). */
function elementRatio(e64: number, a: number, allowed: number, dtype: DType): number {
  if (dtype !== 'float32') return a === e64 ? 0 : Infinity;
  const e = Math.fround(e64);
  if (Number.isNaN(e)) return Number.isNaN(a) ? 0 : Infinity;
  if (Number.isNaN(a)) return Infinity;
  if (!Number.isFinite(e) || !Number.isFinite(a)) {
    if (a === e) return 0;
    // An exact value just past float32's range may round either way.
    const nearOverflow = Number.isFinite(e64) && Math.abs(e64) >= F32_MAX * (1 - 1e-5);
    return nearOverflow && Math.sign(a) === Math.sign(e64) ? 0 : Infinity;
  }
  // The correctly rounded float32 value is always acceptable, even under an exact tolerance.
  const err = Math.min(Math.abs(a - e64), Math.abs(a - e));
  if (err === 0) return 0;
  const ratio = allowed === 0 ? Infinity : err / allowed;
  return Number.isNaN(ratio) ? Infinity : ratio;
}

/** Compares a backend's output with the oracle's, element by element, under `tol`. */
export function compare(expected: Expected, actual: TypedArray, actualShape: readonly number[], actualDtype: DType, tol: Tolerance): Comparison {
  const ev = expected.value;
  if (!same(ev.shape, actualShape)) {
    return { ok: false, maxAbsError: Infinity, worstRatio: Infinity, problem: `output shape [${actualShape.join(',')}], expected [${ev.shape.join(',')}]` };
  }
  if (ev.dtype !== actualDtype) {
    return { ok: false, maxAbsError: Infinity, worstRatio: Infinity, problem: `output dtype ${actualDtype}, expected ${ev.dtype}` };
  }
  if (actual.length !== ev.data.length) {
    return { ok: false, maxAbsError: Infinity, worstRatio: Infinity, problem: `read back ${actual.length} values, expected ${ev.data.length}` };
  }
  let worstRatio = 0;
  let maxAbsError = 0;
  let mismatch: Mismatch | undefined;
  for (let i = 0; i < ev.data.length; i++) {
    const e = ev.data[i]!;
    const a = actual[i]!;
    const allowed = ev.dtype === 'float32' ? allowedError(tol, e, expected.magnitude?.[i] ?? 0, expected.terms ?? 1) : 0;
    const ratio = elementRatio(e, a, allowed, ev.dtype);
    if (Number.isFinite(e) && Number.isFinite(a)) {
      const err = Math.abs(a - e);
      maxAbsError = Math.max(maxAbsError, ev.dtype === 'float32' ? Math.min(err, Math.abs(a - Math.fround(e))) : err);
    }
    if (ratio > worstRatio) worstRatio = ratio;
    if (ratio > 1 && mismatch === undefined) mismatch = { index: unravel(i, ev.shape), expected: e, actual: a, allowed };
  }
  return mismatch === undefined ? { ok: true, maxAbsError, worstRatio } : { ok: false, maxAbsError, worstRatio, mismatch };
}
