/** Test helpers: seeded inputs, tensor construction and float64 comparisons. */
import type { DType, Shape, TensorInfo } from '@strata/core';
import { expect } from 'vitest';
import { CpuBackend } from '../src/backend.js';

/** A small deterministic generator (mulberry32), so failures reproduce. */
export function randomGenerator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function sizeOfShape(shape: Shape): number {
  return shape.reduce((n, d) => n * d, 1);
}

/** Uniform float32 values in [low, high), already rounded to float32. */
export function randomFloats(random: () => number, shape: Shape, low = -2, high = 2): Float32Array {
  return Float32Array.from({ length: sizeOfShape(shape) }, () => low + (high - low) * random());
}

export function tensor(backend: CpuBackend, values: ArrayLike<number>, shape: Shape, dtype: DType = 'float32'): TensorInfo {
  const array =
    dtype === 'float32' ? Float32Array.from(values) : dtype === 'int32' ? Int32Array.from(values) : Uint8Array.from(values);
  return { storage: backend.write(array, dtype), shape, dtype };
}

export function read(backend: CpuBackend, info: TensorInfo): number[] {
  return Array.from(backend.readSync(info.storage));
}

/**
 * Checks float32 results against float64 expectations: |got − want| ≤ atol + rtol·|want|,
 * with NaN matching NaN and infinities matching exactly.
 */
export function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, rtol = 1e-6, atol = 1e-6): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    if (Number.isNaN(w) || !Number.isFinite(w)) {
      expect(g, `element ${i}`).toBe(w);
      continue;
    }
    if (Math.abs(g - w) > atol + rtol * Math.abs(w)) {
      expect.fail(`element ${i}: got ${g}, want ${w}`);
    }
  }
}

/** Row-major index vector → flat index. */
export function flatIndex(shape: Shape, index: readonly number[]): number {
  let flat = 0;
  for (let d = 0; d < shape.length; d++) flat = flat * shape[d]! + index[d]!;
  return flat;
}

/** Every index vector of `shape`, in row-major order. */
export function* indices(shape: Shape): Generator<number[]> {
  const total = sizeOfShape(shape);
  for (let flat = 0; flat < total; flat++) {
    const index = new Array<number>(shape.length);
    let rest = flat;
    for (let d = shape.length - 1; d >= 0; d--) {
      index[d] = rest % shape[d]!;
      rest = Math.floor(rest / shape[d]!);
    }
    yield index;
  }
}
