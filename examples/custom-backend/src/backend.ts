/**
 * MyBackend: the required kernels of the Strata backend contract. Each method unpacks its
 * TensorInfo inputs into typed arrays, calls a plain function that computes the result, and wraps
 * that result as new storage. Core has already checked shapes and dtypes, resolved negative axes
 * and promoted dtypes, so nothing here validates user input.
 *
 * No optional kernel (conv2d, softmax, adamUpdate, ...) is implemented: core builds those ops
 * from the required kernels. Add one by writing a method with its name from `OptionalKernels`.
 */
import type {
  ArgReduceOp, Backend, BackendMemory, BinaryOp, DType, ReduceOp, Shape, Storage, TensorInfo, TypedArray, UnaryOp,
} from '@strata/core';
import * as elementwise from './elementwise.js';
import { matMul } from './matmul.js';
import * as movement from './movement.js';
import { argReduce, reduce } from './reduce.js';
import { Block, valuesOf } from './storage.js';

export class MyBackend implements Backend {
  readonly name = 'my-backend';
  readonly description = 'plain TypeScript, one thread (the custom-backend template)';

  private buffers = 0;
  private bytes = 0;

  // ---- storage ----

  write(values: TypedArray, _dtype: DType): Storage {
    return this.keep(values.slice()); // copy: the caller may reuse its array
  }

  read(storage: Storage): Promise<TypedArray> {
    return Promise.resolve(this.readSync(storage));
  }

  readSync(storage: Storage): TypedArray {
    return valuesOf(storage).slice();
  }

  free(storage: Storage): void {
    this.buffers -= 1;
    this.bytes -= valuesOf(storage).byteLength;
  }

  memory(): BackendMemory {
    return { buffers: this.buffers, bytes: this.bytes };
  }

  /** Wraps a kernel's result as new storage and counts it. */
  private keep(values: TypedArray): Block {
    this.buffers += 1;
    this.bytes += values.byteLength;
    return new Block(values);
  }

  private result(values: TypedArray, shape: Shape, dtype: DType): TensorInfo {
    return { storage: this.keep(values), shape: [...shape], dtype };
  }

  // ---- required kernels ----

  fill(shape: Shape, value: number, dtype: DType): TensorInfo {
    return this.result(elementwise.fill(shape, value, dtype), shape, dtype);
  }

  cast(x: TensorInfo, dtype: DType): TensorInfo {
    return this.result(elementwise.cast(valuesOf(x.storage), dtype), x.shape, dtype);
  }

  unary(op: UnaryOp, x: TensorInfo): TensorInfo {
    const r = elementwise.unary(op, valuesOf(x.storage), x.dtype);
    return this.result(r.values, x.shape, r.dtype);
  }

  binary(op: BinaryOp, a: TensorInfo, b: TensorInfo): TensorInfo {
    const r = elementwise.binary(op, valuesOf(a.storage), a.shape, valuesOf(b.storage), b.shape, a.dtype);
    return this.result(r.values, r.shape, r.dtype);
  }

  where(cond: TensorInfo, a: TensorInfo, b: TensorInfo): TensorInfo {
    const r = elementwise.where(
      valuesOf(cond.storage), cond.shape, valuesOf(a.storage), a.shape, valuesOf(b.storage), b.shape, a.dtype,
    );
    return this.result(r.values, r.shape, a.dtype);
  }

  reduce(op: ReduceOp, x: TensorInfo, axes: readonly number[]): TensorInfo {
    const r = reduce(op, valuesOf(x.storage), x.shape, x.dtype, axes);
    return this.result(r.values, r.shape, x.dtype);
  }

  argReduce(op: ArgReduceOp, x: TensorInfo, axis: number): TensorInfo {
    const r = argReduce(op, valuesOf(x.storage), x.shape, axis);
    return this.result(r.values, r.shape, 'int32');
  }

  matMul(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): TensorInfo {
    // matMul is float32 only (core casts first), so the arrays are Float32Arrays.
    const r = matMul(
      valuesOf(a.storage) as Float32Array, a.shape, valuesOf(b.storage) as Float32Array, b.shape, transposeA, transposeB,
    );
    return this.result(r.values, r.shape, 'float32');
  }

  transpose(x: TensorInfo, perm: readonly number[]): TensorInfo {
    const r = movement.transpose(valuesOf(x.storage), x.shape, x.dtype, perm);
    return this.result(r.values, r.shape, x.dtype);
  }

  slice(x: TensorInfo, begin: readonly number[], size: readonly number[]): TensorInfo {
    return this.result(movement.slice(valuesOf(x.storage), x.shape, x.dtype, begin, size), size, x.dtype);
  }

  pad(x: TensorInfo, paddings: readonly (readonly [number, number])[], value: number): TensorInfo {
    const r = movement.pad(valuesOf(x.storage), x.shape, x.dtype, paddings, value);
    return this.result(r.values, r.shape, x.dtype);
  }

  concat(xs: readonly TensorInfo[], axis: number): TensorInfo {
    const dtype = xs[0]!.dtype;
    const r = movement.concat(xs.map((x) => ({ values: valuesOf(x.storage), shape: x.shape })), axis, dtype);
    return this.result(r.values, r.shape, dtype);
  }

  gather(x: TensorInfo, indices: TensorInfo, axis: number): TensorInfo {
    const r = movement.gather(valuesOf(x.storage), x.shape, x.dtype, valuesOf(indices.storage) as Int32Array, indices.shape, axis);
    return this.result(r.values, r.shape, x.dtype);
  }

  scatterAdd(updates: TensorInfo, indices: TensorInfo, axis: number, size: number): TensorInfo {
    const r = movement.scatterAdd(
      valuesOf(updates.storage), updates.shape, updates.dtype, valuesOf(indices.storage) as Int32Array, indices.shape.length, axis, size,
    );
    return this.result(r.values, r.shape, updates.dtype);
  }
}
