/**
 * Reductions (csrc/reduce.c). Reduced and kept axes are merged into runs; the common layouts go
 * straight to wasm ([kept, reduced] as rows, [kept, reduced, kept] as columns), anything else is
 * first transposed so that the reduced axes come last.
 */
import type { ArgReduceOp, ReduceOp, TensorInfo } from '@strata/core';
import { bytesPerElement, sizeOf } from '@strata/core';
import { fillAt } from './elementwise.js';
import { transposeAt } from './movement.js';
import type { Runtime } from './runtime.js';
import { DTYPE_CODE } from './runtime.js';

const REDUCE_CODE: Readonly<Record<ReduceOp, number>> = { sum: 0, prod: 1, max: 2, min: 3, any: 4, all: 5 };

function identity(op: ReduceOp, dtype: string): number {
  switch (op) {
    case 'sum': return 0;
    case 'prod': return 1;
    case 'max': return dtype === 'int32' ? -2147483648 : -Infinity;
    case 'min': return dtype === 'int32' ? 2147483647 : Infinity;
    case 'any': return 0;
    case 'all': return 1;
  }
}

export function reduce(rt: Runtime, op: ReduceOp, x: TensorInfo, axes: readonly number[]): TensorInfo {
  const xp = rt.ptr(x);
  const reduced = new Set(axes);
  const outShape = x.shape.filter((_, d) => !reduced.has(d));
  const out = rt.output(`reduce.${op}`, outShape, x.dtype);
  const outSize = sizeOf(outShape);
  if (outSize === 0) return out;
  const op32 = REDUCE_CODE[op];
  const dt = DTYPE_CODE[x.dtype];
  if (sizeOf(x.shape) === 0) {
    fillAt(rt, out.storage.ptr, outSize, identity(op, x.dtype), x.dtype);
    return out;
  }
  // Runs of kept (false) and reduced (true) dims, size-1 dims dropped.
  const runs: { reduced: boolean; size: number }[] = [];
  x.shape.forEach((n, d) => {
    if (n === 1) return;
    const r = reduced.has(d);
    const last = runs[runs.length - 1];
    if (last !== undefined && last.reduced === r) last.size *= n;
    else runs.push({ reduced: r, size: n });
  });
  const pattern = runs.map((r) => (r.reduced ? 'R' : 'K')).join('');
  const size = (i: number): number => runs[i]!.size;
  const o = out.storage.ptr;
  switch (pattern) {
    case '':
    case 'K':
      rt.wasm.st_copy(o, xp, outSize * bytesPerElement(x.dtype));
      return out;
    case 'R':
      rt.wasm.st_reduce_rows(op32, dt, xp, o, 1, size(0));
      return out;
    case 'KR':
      rt.wasm.st_reduce_rows(op32, dt, xp, o, size(0), size(1));
      return out;
    case 'RK':
      rt.wasm.st_reduce_cols(op32, dt, xp, o, 1, size(0), size(1));
      return out;
    case 'KRK':
      rt.wasm.st_reduce_cols(op32, dt, xp, o, size(0), size(1), size(2));
      return out;
    default: {
      // Move the reduced axes last, then reduce rows.
      const keptAxes = x.shape.map((_, d) => d).filter((d) => !reduced.has(d));
      const perm = [...keptAxes, ...axes];
      const total = sizeOf(x.shape);
      let tmp = 0;
      try {
        tmp = rt.scratch(total * bytesPerElement(x.dtype), `reduce.${op}`);
        transposeAt(rt, x.dtype, xp, x.shape, perm, tmp);
        rt.wasm.st_reduce_rows(op32, dt, tmp, o, outSize, total / outSize);
      } catch (err) {
        rt.fail([out], err);
      } finally {
        if (tmp !== 0) rt.freeScratch(tmp);
      }
      return out;
    }
  }
}

export function argReduce(rt: Runtime, op: ArgReduceOp, x: TensorInfo, axis: number): TensorInfo {
  const xp = rt.ptr(x);
  const outShape = [...x.shape.slice(0, axis), ...x.shape.slice(axis + 1)];
  const out = rt.output(op, outShape, 'int32');
  if (sizeOf(outShape) === 0) return out;
  rt.wasm.st_arg_reduce(op === 'argMax' ? 1 : 0, DTYPE_CODE[x.dtype], xp, out.storage.ptr, sizeOf(x.shape.slice(0, axis)),
    x.shape[axis]!, sizeOf(x.shape.slice(axis + 1)));
  return out;
}
