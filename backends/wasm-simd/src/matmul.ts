/**
 * Batched matMul on the packed GEMM of csrc/gemm.c. Transposes are only strides for the
 * packing routines; broadcast batch dims pick which stored matrix each output matrix reads.
 */
import type { TensorInfo } from '@strata/core';
import { broadcastIndexMap, broadcastShapes, shapeToString, sizeOf } from '@strata/core';
import type { Runtime } from './runtime.js';

export interface MatMulPlan {
  readonly shape: number[];
  run(rt: Runtime, ap: number, bp: number, outPtr: number): void;
}

/** Shapes, strides and batch mapping of `op(a) · op(b)`. */
export function planMatMul(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): MatMulPlan {
  const aRank = a.shape.length;
  const bRank = b.shape.length;
  const aRows = a.shape[aRank - 2]!;
  const aCols = a.shape[aRank - 1]!;
  const bRows = b.shape[bRank - 2]!;
  const bCols = b.shape[bRank - 1]!;
  const m = transposeA ? aCols : aRows;
  const k = transposeA ? aRows : aCols;
  const n = transposeB ? bRows : bCols;
  const bk = transposeB ? bCols : bRows;
  if (bk !== k) {
    // Core rejects this before calling a kernel; checked here too so a bad call can never read
    // past the end of b into other tensors' memory.
    throw new Error(`wasm-simd backend: matMul inner dims differ: ${shapeToString(a.shape)}${transposeA ? 'ᵀ' : ''} × ${shapeToString(b.shape)}${transposeB ? 'ᵀ' : ''}`);
  }
  // op(A)(i, p) = A[i·rsA + p·csA]; op(B)(p, j) = B[p·rsB + j·csB].
  const rsA = transposeA ? 1 : aCols;
  const csA = transposeA ? aCols : 1;
  const rsB = transposeB ? 1 : bCols;
  const csB = transposeB ? bCols : 1;
  const aBatch = a.shape.slice(0, -2);
  const bBatch = b.shape.slice(0, -2);
  const batch = broadcastShapes(aBatch, bBatch);
  if (batch === null) {
    throw new Error(`wasm-simd backend: matMul batch dims ${shapeToString(aBatch)} and ${shapeToString(bBatch)} do not broadcast`);
  }
  const shape = [...batch, m, n];
  return {
    shape,
    run(rt, ap, bp, outPtr) {
      const count = sizeOf(batch);
      if (count === 0 || m === 0 || n === 0) return;
      const aMatrix = aRows * aCols; // in floats
      const bMatrix = bRows * bCols;
      if (count === 1) {
        rt.wasm.st_gemm(m, n, k, ap, rsA, csA, bp, rsB, csB, outPtr, n, 0);
        return;
      }
      // Several matrices: one call, so the module can spread small ones over the threads.
      const aOf = broadcastIndexMap(aBatch, batch);
      const bOf = broadcastIndexMap(bBatch, batch);
      const offsets = rt.scratch(count * 8, 'matMul');
      try {
        const at = offsets >>> 2;
        const i32 = rt.heap.i32;
        for (let t = 0; t < count; t++) {
          i32[at + 2 * t] = aOf[t]! * aMatrix;
          i32[at + 2 * t + 1] = bOf[t]! * bMatrix;
        }
        rt.wasm.st_gemm_batch(m, n, k, ap, rsA, csA, bp, rsB, csB, outPtr, count, offsets);
      } finally {
        rt.freeScratch(offsets);
      }
    },
  };
}

export function matMul(rt: Runtime, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): TensorInfo {
  const ap = rt.ptr(a, 'float32');
  const bp = rt.ptr(b, 'float32');
  const plan = planMatMul(a, b, transposeA, transposeB);
  const out = rt.output('matMul', plan.shape, 'float32');
  try {
    plan.run(rt, ap, bp, out.storage.ptr);
  } catch (err) {
    rt.fail([out], err);
  }
  rt.checkThreads('matMul', [out]);
  return out;
}
