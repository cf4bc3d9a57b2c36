/** Shared test setup: the cpu backend, and a seeded float64 random source independent of core. */
import * as st from '@strata/core';
import '@strata/backend-cpu';

export async function useCpu(): Promise<void> {
  await st.setBackend('cpu');
}

/** Mulberry32: a tiny deterministic PRNG for test inputs (independent of core's Philox). */
export function randomSource(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` random values in [lo, hi), rounded to float32 so the oracle sees exactly the stored inputs. */
export function randomValues(rand: () => number, n: number, lo = -2, hi = 2): number[] {
  return Array.from({ length: n }, () => Math.fround(lo + (hi - lo) * rand()));
}

export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 1e-5): void {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != expected ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    if (!(Math.abs(a - e) <= tolerance * (1 + Math.abs(e)))) {
      throw new Error(`element ${i}: got ${a}, expected ${e} (tolerance ${tolerance})`);
    }
  }
}
