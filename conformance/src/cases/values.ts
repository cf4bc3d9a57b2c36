/** Random input tensors for cases: float32-exact values, int32 ranges, bools, and special values. */
import type { DType } from '../contract.js';
import { make, numel } from '../oracle/index.js';
import type { OTensor } from '../oracle/index.js';
import type { Rng } from './prng.js';

export const INT_MIN = -2147483648;
export const INT_MAX = 2147483647;
export const DENORMAL = Math.fround(1e-40);
export const HUGE = Math.fround(3e38);

/** How to draw one value. */
export type Draw = (rng: Rng) => number;

export const normal = (scale = 1): Draw => (r) => r.normal() * scale;
export const uniform = (lo: number, hi: number): Draw => (r) => r.uniform(lo, hi);
export const intIn = (lo: number, hi: number): Draw => (r) => r.int(lo, hi);
export const fullInt: Draw = (r) => r.nextU32() | 0;
export const coin = (pTrue = 0.5): Draw => (r) => (r.bool(pTrue) ? 1 : 0);
/** Mostly from a small set so that ties and equalities actually occur. */
export const tieProne = (set: readonly number[], other: Draw): Draw => (r) => (r.bool(0.6) ? r.pick(set) : other(r));

/** Rounds a value to what `dtype` stores. */
export function storeAs(v: number, dtype: DType): number {
  if (dtype === 'float32') return Math.fround(v);
  if (dtype === 'int32') return v | 0;
  return v !== 0 ? 1 : 0;
}

/** A tensor of `shape` drawn with `draw`; `specials` are placed at distinct random positions. */
export function tensorOf(rng: Rng, shape: readonly number[], dtype: DType, draw: Draw, specials: readonly number[] = []): OTensor {
  const n = numel(shape);
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = storeAs(draw(rng), dtype);
  if (specials.length > 0 && n > 0) {
    const slots = rng.permutation(n);
    specials.forEach((v, i) => { if (i < n) data[slots[i]!] = storeAs(v, dtype); });
  }
  return make(shape, dtype, data);
}

/** A tensor with exactly the given values. */
export function tensorFrom(shape: readonly number[], dtype: DType, values: readonly number[]): OTensor {
  return make(shape, dtype, values.map((v) => storeAs(v, dtype)));
}

/** Every ordered pair of `specials`, as two flat tensors: exercises each special against each other. */
export function crossPairs(dtype: DType, specials: readonly number[]): [OTensor, OTensor] {
  const a: number[] = [];
  const b: number[] = [];
  for (const x of specials) for (const y of specials) { a.push(x); b.push(y); }
  return [tensorFrom([a.length], dtype, a), tensorFrom([b.length], dtype, b)];
}

/** A random shape of `rank` with dims in [lo, hi]. */
export function randomShape(rng: Rng, rank: number, lo = 1, hi = 9): number[] {
  return Array.from({ length: rank }, () => rng.int(lo, hi));
}

export function shapeStr(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
