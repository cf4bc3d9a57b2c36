/**
 * @internal Argument handling shared by the optimizers: a bare number means a learning rate, and
 * hyperparameters are checked with errors that name the optimizer and the argument.
 */
import type { OptimizerArgs } from './optimizer.js';

/** An optimizer's own arguments, or just a learning rate. */
export function optimizerArgs<T extends OptimizerArgs>(args: number | T | undefined): T {
  if (typeof args === 'number') return { learningRate: args } as T;
  if (args !== undefined && (args === null || typeof args !== 'object')) {
    throw new Error(`optimizer: expected a learning rate or an arguments object, got ${String(args)}`);
  }
  return args ?? ({} as T);
}

/**
 * `value` (or `fallback` when undefined), checked to be a finite number inside the range
 * `[lo, hi]` (`loOpen`/`hiOpen` exclude the ends).
 */
export function hyper(
  className: string, name: string, value: number | undefined | null, fallback: number,
  range: { lo?: number; hi?: number; loOpen?: boolean; hiOpen?: boolean } = {},
): number {
  const v = value ?? fallback;
  const { lo = -Infinity, hi = Infinity, loOpen = false, hiOpen = false } = range;
  const ok = typeof v === 'number' && Number.isFinite(v) && (loOpen ? v > lo : v >= lo) && (hiOpen ? v < hi : v <= hi);
  if (!ok) {
    const bounds = `${loOpen ? '(' : '['}${lo}, ${hi}${hiOpen ? ')' : ']'}`;
    throw new Error(`${className}: ${name} must be a finite number in ${bounds}, got ${String(v)}`);
  }
  return v;
}
