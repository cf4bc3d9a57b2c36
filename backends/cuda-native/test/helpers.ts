// Shared by the tests: whether this machine can run CUDA, and a seeded random source.
import { loadAddon } from '@strata/backend-cuda';

/** Why CUDA kernels cannot run here, or null when a device is usable. */
export function missingDevice(): string | null {
  const load = loadAddon();
  if ('error' in load) return load.error;
  const status = load.addon.status();
  return status.available ? null : `no CUDA device: ${status.reason ?? 'unknown reason'}`;
}

/** A small seeded generator (mulberry32), so failures reproduce. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomShape(next: () => number, rank: number, maxDim: number): number[] {
  return Array.from({ length: rank }, () => 1 + Math.floor(next() * maxDim));
}
