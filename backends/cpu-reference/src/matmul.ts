/** Batched matrix product with optional transposes and broadcast batch dims. */
import type { TensorInfo } from '@strata/core';
import { broadcastIndexMap, broadcastShapes, shapeToString, sizeOf } from '@strata/core';
import type { KernelOutput } from './storage.js';
import { typedValuesOf } from './storage.js';

export function matMul(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): KernelOutput {
  const aValues = typedValuesOf(a, 'float32');
  const bValues = typedValuesOf(b, 'float32');
  const aRank = a.shape.length;
  const bRank = b.shape.length;
  const [aRows, aCols] = [a.shape[aRank - 2]!, a.shape[aRank - 1]!];
  const [bRows, bCols] = [b.shape[bRank - 2]!, b.shape[bRank - 1]!];
  const m = transposeA ? aCols : aRows;
  const k = transposeA ? aRows : aCols;
  const n = transposeB ? bRows : bCols;

  // Element (i, p) of op(A) sits at i * aRowStep + p * aInnerStep in one stored matrix of a;
  // element (p, j) of op(B) at p * bInnerStep + j * bColStep.
  const aRowStep = transposeA ? 1 : aCols;
  const aInnerStep = transposeA ? aCols : 1;
  const bInnerStep = transposeB ? 1 : bCols;
  const bColStep = transposeB ? bCols : 1;

  const aBatch = a.shape.slice(0, -2);
  const bBatch = b.shape.slice(0, -2);
  const batch = broadcastShapes(aBatch, bBatch);
  if (batch === null) {
    throw new Error(`cpu backend: matMul batch dims ${shapeToString(aBatch)} and ${shapeToString(bBatch)} do not broadcast`);
  }
  const aMatrixOf = broadcastIndexMap(aBatch, batch);
  const bMatrixOf = broadcastIndexMap(bBatch, batch);
  const batchCount = sizeOf(batch);

  const values = new Float32Array(batchCount * m * n);
  for (let t = 0; t < batchCount; t++) {
    const aBase = aMatrixOf[t]! * aRows * aCols;
    const bBase = bMatrixOf[t]! * bRows * bCols;
    const outBase = t * m * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0; // float64, rounded to float32 once on store
        let aIndex = aBase + i * aRowStep;
        let bIndex = bBase + j * bColStep;
        for (let p = 0; p < k; p++) {
          sum += aValues[aIndex]! * bValues[bIndex]!;
          aIndex += aInnerStep;
          bIndex += bInnerStep;
        }
        values[outBase + i * n + j] = sum;
      }
    }
  }
  return { shape: [...batch, m, n], dtype: 'float32', values };
}
