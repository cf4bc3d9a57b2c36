/**
 * The cpu reference backend: storage bookkeeping plus a table of plain TypeScript kernels.
 * Kernels are pure functions returning new typed arrays; this class wraps each result in counted
 * storage so `memory()` sees every live block.
 */
import type {
  ArgReduceOp, Backend, BackendMemory, BinaryOp, Conv2DAttrs, DType, Pool2DAttrs, ReduceOp, Shape,
  Storage, TensorInfo, TypedArray, UnaryOp,
} from '@strata/core';
import { arrayHoldsDType } from '@strata/core';
import { conv2d, conv2dBackpropFilter, conv2dBackpropInput, depthwiseConv2d } from './conv.js';
import { binary, cast, fill, unary, where } from './elementwise.js';
import { gather, scatterAdd } from './indexing.js';
import { matMul } from './matmul.js';
import { concat, pad, slice, transpose } from './movement.js';
import { avgPool, avgPoolBackprop, maxPool, maxPoolBackprop } from './pool.js';
import { argReduce, reduce } from './reduce.js';
import { logSoftmax, softmax } from './softmax.js';
import type { KernelOutput } from './storage.js';
import { CpuStorage, asCpuStorage } from './storage.js';

/** The reference backend ('cpu'): every required kernel plus the optional convolution, pooling and softmax kernels, as plain TypeScript loops over typed arrays written to be read (float64 accumulation, one rounding to float32). Reads are synchronous. */
export class CpuBackend implements Backend {
  readonly name = 'cpu';
  #buffers = 0;
  #bytes = 0;

  write(values: TypedArray, dtype: DType): Storage {
    if (!arrayHoldsDType(values, dtype)) {
      throw new Error(`cpu backend: write of ${values.constructor.name} as ${dtype}`);
    }
    return this.#adopt(values.slice(), dtype);
  }

  async read(storage: Storage): Promise<TypedArray> {
    return this.readSync(storage);
  }

  readSync(storage: Storage): TypedArray {
    return asCpuStorage(storage).values.slice();
  }

  free(storage: Storage): void {
    const cpuStorage = asCpuStorage(storage);
    if (cpuStorage.owner !== this) throw new Error('cpu backend: storage freed by a backend that did not make it');
    cpuStorage.release();
    this.#buffers--;
    this.#bytes -= cpuStorage.bytes;
  }

  memory(): BackendMemory {
    return { buffers: this.#buffers, bytes: this.#bytes };
  }

  // Required kernels.

  fill(shape: Shape, value: number, dtype: DType): TensorInfo {
    return this.#wrap(fill(shape, value, dtype));
  }

  cast(x: TensorInfo, dtype: DType): TensorInfo {
    return this.#wrap(cast(x, dtype));
  }

  unary(op: UnaryOp, x: TensorInfo): TensorInfo {
    return this.#wrap(unary(op, x));
  }

  binary(op: BinaryOp, a: TensorInfo, b: TensorInfo): TensorInfo {
    return this.#wrap(binary(op, a, b));
  }

  where(cond: TensorInfo, a: TensorInfo, b: TensorInfo): TensorInfo {
    return this.#wrap(where(cond, a, b));
  }

  reduce(op: ReduceOp, x: TensorInfo, axes: readonly number[]): TensorInfo {
    return this.#wrap(reduce(op, x, axes));
  }

  argReduce(op: ArgReduceOp, x: TensorInfo, axis: number): TensorInfo {
    return this.#wrap(argReduce(op, x, axis));
  }

  matMul(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): TensorInfo {
    return this.#wrap(matMul(a, b, transposeA, transposeB));
  }

  transpose(x: TensorInfo, perm: readonly number[]): TensorInfo {
    return this.#wrap(transpose(x, perm));
  }

  slice(x: TensorInfo, begin: readonly number[], size: readonly number[]): TensorInfo {
    return this.#wrap(slice(x, begin, size));
  }

  pad(x: TensorInfo, paddings: readonly (readonly [number, number])[], value: number): TensorInfo {
    return this.#wrap(pad(x, paddings, value));
  }

  concat(xs: readonly TensorInfo[], axis: number): TensorInfo {
    return this.#wrap(concat(xs, axis));
  }

  gather(x: TensorInfo, indices: TensorInfo, axis: number): TensorInfo {
    return this.#wrap(gather(x, indices, axis));
  }

  scatterAdd(updates: TensorInfo, indices: TensorInfo, axis: number, size: number): TensorInfo {
    return this.#wrap(scatterAdd(updates, indices, axis, size));
  }

  // Optional kernels.

  conv2d(x: TensorInfo, filter: TensorInfo, attrs: Conv2DAttrs): TensorInfo {
    return this.#wrap(conv2d(x, filter, attrs));
  }

  conv2dBackpropInput(dy: TensorInfo, filter: TensorInfo, inputShape: Shape, attrs: Conv2DAttrs): TensorInfo {
    return this.#wrap(conv2dBackpropInput(dy, filter, inputShape, attrs));
  }

  conv2dBackpropFilter(x: TensorInfo, dy: TensorInfo, filterShape: Shape, attrs: Conv2DAttrs): TensorInfo {
    return this.#wrap(conv2dBackpropFilter(x, dy, filterShape, attrs));
  }

  depthwiseConv2d(x: TensorInfo, filter: TensorInfo, attrs: Conv2DAttrs): TensorInfo {
    return this.#wrap(depthwiseConv2d(x, filter, attrs));
  }

  maxPool(x: TensorInfo, attrs: Pool2DAttrs): TensorInfo {
    return this.#wrap(maxPool(x, attrs));
  }

  maxPoolBackprop(dy: TensorInfo, x: TensorInfo, attrs: Pool2DAttrs): TensorInfo {
    return this.#wrap(maxPoolBackprop(dy, x, attrs));
  }

  avgPool(x: TensorInfo, attrs: Pool2DAttrs): TensorInfo {
    return this.#wrap(avgPool(x, attrs));
  }

  avgPoolBackprop(dy: TensorInfo, inputShape: Shape, attrs: Pool2DAttrs): TensorInfo {
    return this.#wrap(avgPoolBackprop(dy, inputShape, attrs));
  }

  softmax(x: TensorInfo): TensorInfo {
    return this.#wrap(softmax(x));
  }

  logSoftmax(x: TensorInfo): TensorInfo {
    return this.#wrap(logSoftmax(x));
  }

  /** Takes ownership of `values` (never an input's array) as new counted storage. */
  #adopt(values: TypedArray, dtype: DType): CpuStorage {
    const storage = new CpuStorage(values, dtype, this);
    this.#buffers++;
    this.#bytes += storage.bytes;
    return storage;
  }

  #wrap(output: KernelOutput): TensorInfo {
    return { storage: this.#adopt(output.values, output.dtype), shape: output.shape, dtype: output.dtype };
  }
}
