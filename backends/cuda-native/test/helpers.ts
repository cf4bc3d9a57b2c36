// Shared by the tests: whether this machine can run CUDA, and a seeded random source.
import { Rng } from '@strata/conformance';
import { loadAddon } from '@strata/backend-cuda';

/** Why CUDA kernels cannot run here, or null when a device is usable. */
export function missingDevice(): string | null {
  const load = loadAddon();
  if ('error' in load) return load.error;
  const status = load.addon.status();
  return status.available ? null : `no CUDA device: ${status.reason ?? 'unknown reason'}`;
}

/** Uniform [0, 1) values from a seed (the conformance suite's generator), so failures reproduce. */
export function random(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.next();
}

export function randomShape(next: () => number, rank: number, maxDim: number): number[] {
  return Array.from({ length: rank }, () => 1 + Math.floor(next() * maxDim));
}
