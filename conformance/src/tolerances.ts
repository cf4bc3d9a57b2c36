/**
 * Tolerances, per kernel family, identical for every backend (DESIGN.md §5).
 *
 * An element passes when `|actual − expected| ≤ atol + rtol·|expected| + accumulation`, where
 * `expected` is the float64 oracle value and `accumulation` is
 *   - `'sqrt'`:   accum · ε · √k · Σ|term|  (sums and dot products of k terms; rounding errors of
 *                 a float32 accumulation grow like √k for random data, and scale with the size of
 *                 the terms, not of the result, which may have cancelled to near zero), or
 *   - `'linear'`: accum · ε · k · |expected| (products of k factors: relative errors add up).
 * ε is float32's machine epsilon, 2⁻²³.
 *
 * NaN must meet NaN; an infinite expected value must be met by the same infinity (unless it only
 * overflowed by rounding); −0 and +0 are treated as equal (no kernel's contract pins the sign of
 * zero tightly enough to police it across hardware).
 */
export const EPS32 = 2 ** -23;

/** One tolerance family: an element passes when `|actual − expected| ≤ atol + rtol·|expected| + accumulation`. */
export interface Tolerance {
  /** Name shown in reports. */
  readonly name: string;
  readonly atol: number;
  readonly rtol: number;
  readonly accumulation?: 'sqrt' | 'linear';
  readonly accum?: number;
  /** Why this family gets this tolerance. */
  readonly reason: string;
}

/** The tolerance families, each with the reason for its size; the same for every backend. */
export const TOLERANCES = {
  exact: {
    name: 'exact', atol: 0, rtol: 0,
    reason: 'integer, bool, comparison, selection and data movement results are fully determined',
  },
  rounding: {
    name: 'rounding', atol: 1e-37, rtol: 4 * EPS32,
    reason: 'one correctly rounded float32 op (≤ 0.5 ulp; GPUs allow ~2.5 ulp for div/sqrt); ' +
      'atol absorbs flush-to-zero of denormal results',
  },
  transcendental: {
    name: 'transcendental', atol: 1e-6, rtol: 1e-5,
    reason: 'exp/log/trig/erf/pow are not correctly rounded in float32 (GPU exp is 3+2|x| ulp; ' +
      'polynomial erf approximations are ~1.5e-7 absolute)',
  },
  modulo: {
    name: 'modulo', atol: 1e-5, rtol: 1e-6,
    reason: 'float mod computed as a − floor(a/b)·b rounds at |a|·ε; inputs keep |a| ≤ 50',
  },
  accumulation: {
    name: 'accumulation', atol: 1e-30, rtol: 4 * EPS32, accumulation: 'sqrt', accum: 2,
    reason: 'float32 sums/dot products of k terms: error ≈ ε·√k·Σ|term| for random data, any summation order',
  },
  product: {
    name: 'product', atol: 1e-30, rtol: 4 * EPS32, accumulation: 'linear', accum: 2,
    reason: 'a product of k float32 factors accumulates up to k rounding errors of ε each',
  },
  pooling: {
    name: 'pooling', atol: 1e-5, rtol: 1e-5,
    reason: 'average pooling and pooling backprops sum at most a window (≤ 25 terms) of O(1) values',
  },
  normalization: {
    name: 'normalization', atol: 1e-5, rtol: 1e-5,
    reason: 'softmax/log-softmax/norms: a row reduction (exp-sum or mean/variance) then elementwise ' +
      'transcendental ops; rows are ≤ 64 long',
  },
  attention: {
    name: 'attention', atol: 1e-5, rtol: 1e-4,
    reason: 'two chained contractions with a softmax between them; the second one weights v by ' +
      'probabilities that each carry transcendental error',
  },
  optimizer: {
    name: 'optimizer', atol: 1e-6, rtol: 1e-5,
    reason: 'a few float32 ops per element including a sqrt and a division by √v̂+ε',
  },
  gradient: {
    name: 'gradient', atol: 1e-4, rtol: 1e-3,
    reason: 'analytic float32 gradients vs float64 central differences (h = 1e-5·max(1,|x|), so the ' +
      'difference quotient is good to ~1e-9): what remains is float32 rounding of the backward pass',
  },
  training: {
    name: 'training', atol: 1e-4, rtol: 1e-3,
    reason: 'N SGD steps of float32 forward+backward vs float64: per-step rounding (~1e-6) ' +
      'compounds through the weights; the loss curve must track within 0.1%',
  },
} as const satisfies Record<string, Tolerance>;

/** The name of a tolerance family. */
export type ToleranceName = keyof typeof TOLERANCES;

/** The allowed absolute error for one element. */
export function allowedError(tol: Tolerance, expected: number, magnitude: number, terms: number): number {
  let allowed = tol.atol + tol.rtol * Math.abs(expected);
  if (tol.accumulation === 'sqrt') allowed += (tol.accum ?? 1) * EPS32 * Math.sqrt(Math.max(1, terms)) * magnitude;
  if (tol.accumulation === 'linear') allowed += (tol.accum ?? 1) * EPS32 * Math.max(1, terms) * Math.abs(expected);
  return allowed;
}
