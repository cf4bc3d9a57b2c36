/** Batched matrix product `[...batch, m, k] × [...batch, k, n]` with optional transposes. */
import type { Shape } from '@strata/core';
import { broadcastIndex, broadcastShapes, sizeOf } from './layout.js';

export function matMul(
  a: Float32Array, aShape: Shape, b: Float32Array, bShape: Shape, transposeA: boolean, transposeB: boolean,
): { values: Float32Array; shape: number[] } {
  const [ar, ac] = aShape.slice(-2) as [number, number];
  const [br, bc] = bShape.slice(-2) as [number, number];
  const m = transposeA ? ac : ar;
  const k = transposeA ? ar : ac;
  const n = transposeB ? br : bc;

  // Batch dims broadcast like elementwise ops: map each output matrix to its a and b matrices.
  const aBatch = aShape.slice(0, -2);
  const bBatch = bShape.slice(0, -2);
  const batch = broadcastShapes(aBatch, bBatch);
  const aMatrix = broadcastIndex(aBatch, batch);
  const bMatrix = broadcastIndex(bBatch, batch);

  // Element (row, col) of the (possibly transposed) operand, as an offset inside its matrix.
  const aAt = transposeA ? (i: number, p: number) => p * m + i : (i: number, p: number) => i * k + p;
  const bAt = transposeB ? (p: number, j: number) => j * k + p : (p: number, j: number) => p * n + j;

  const out = new Float32Array(sizeOf(batch) * m * n);
  for (let t = 0; t < aMatrix.length; t++) {
    const aBase = aMatrix[t]! * m * k;
    const bBase = bMatrix[t]! * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0; // float64 accumulator: one rounding at the end
        for (let p = 0; p < k; p++) sum += a[aBase + aAt(i, p)]! * b[bBase + bAt(p, j)]!;
        out[(t * m + i) * n + j] = sum;
      }
    }
  }
  return { values: out, shape: [...batch, m, n] };
}
