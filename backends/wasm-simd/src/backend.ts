/**
 * The wasm-simd backend: storage in the module's heap plus a table of kernels compiled from C
 * to WebAssembly SIMD128. Create it with `WasmBackend.create()` (it has to fetch and compile the
 * module first), or pass already-instantiated exports to the constructor.
 */
import type {
  AdamAttrs, ArgReduceOp, Backend, BackendMemory, BinaryOp, Conv2DAttrs, DType, FusedActivation, Pool2DAttrs, ReduceOp,
  SgdAttrs, Shape, Storage, TensorInfo, TypedArray, UnaryOp,
} from '@strata/core';
import { attention } from './attention.js';
import { conv2d, conv2dBackpropFilter, conv2dBackpropInput, depthwiseConv2d } from './conv.js';
import { binary, cast, fill, unary, where } from './elementwise.js';
import type { StrataExports } from './exports.js';
import { fusedMatMul } from './fused.js';
import { instantiateStrata } from './loader.js';
import { matMul } from './matmul.js';
import { concat, gather, pad, scatterAdd, slice, transpose } from './movement.js';
import { batchNorm, layerNorm, logSoftmax, softmax } from './norm.js';
import { adamUpdate, sgdUpdate } from './optim.js';
import { avgPool, avgPoolBackprop, maxPool, maxPoolBackprop } from './pool.js';
import { argReduce, reduce } from './reduce.js';
import { Runtime } from './runtime.js';
import { asWasmStorage } from './storage.js';

function matchesDType(values: TypedArray, dtype: DType): boolean {
  switch (dtype) {
    case 'float32': return values instanceof Float32Array;
    case 'int32': return values instanceof Int32Array;
    case 'bool': return values instanceof Uint8Array;
  }
}

export class WasmBackend implements Backend {
  readonly name = 'wasm-simd';
  readonly #rt: Runtime;

  /** Instantiates the shipped module (or `bytes`), warms it up and returns a ready backend. */
  static async create(bytes?: ArrayBuffer | Uint8Array): Promise<WasmBackend> {
    const backend = new WasmBackend(await instantiateStrata(bytes));
    await backend.warmUp();
    return backend;
  }

  /** Wraps an instantiated module's exports; most callers want `WasmBackend.create()`. */
  constructor(exports: StrataExports) {
    this.#rt = new Runtime(exports);
  }

  /**
   * V8 first runs wasm with a baseline compiler and swaps in optimised code only between calls,
   * once a background compile has finished; a long first call would run unoptimised to the end
   * (measured: the first ~8 calls of a 256³ matMul took 3–30× longer). A few rounds of small
   * calls of the hot kernels, with a yield to the event loop between rounds, get them optimised
   * (about 20 ms) before real work arrives.
   */
  async warmUp(rounds = 12): Promise<void> {
    const sleep = (globalThis as { setTimeout?: (fn: () => void, ms: number) => unknown }).setTimeout;
    const a = this.write(new Float32Array(64 * 64).fill(0.5), 'float32');
    const info: TensorInfo = { storage: a, shape: [64, 64], dtype: 'float32' };
    const img: TensorInfo = { storage: a, shape: [1, 8, 8, 64], dtype: 'float32' };
    const filter: TensorInfo = { storage: a, shape: [1, 1, 64, 64], dtype: 'float32' };
    const attrs = { strides: [1, 1], dilations: [1, 1], pad: [0, 0, 0, 0] } as const;
    try {
      for (let round = 0; round < rounds; round++) {
        for (const r of [this.matMul(info, info, false, false), this.matMul(info, info, true, true), this.unary('exp', info),
          this.binary('add', info, info), this.reduce('sum', info, [1]), this.softmax(info), this.conv2d(img, filter, attrs)]) {
          this.free(r.storage);
        }
        if (sleep !== undefined) await new Promise<void>((resolve) => { sleep(resolve, 0); });
      }
    } finally {
      this.free(a);
    }
  }

  write(values: TypedArray, dtype: DType): Storage {
    if (!matchesDType(values, dtype)) throw new Error(`wasm-simd backend: write of ${values.constructor.name} as ${dtype}`);
    const storage = this.#rt.allocStorage('write', values.length, dtype);
    const heap = this.#rt.heap;
    const ptr = storage.ptr;
    switch (dtype) {
      case 'float32': heap.f32.set(values, ptr >>> 2); break;
      case 'int32': heap.i32.set(values, ptr >>> 2); break;
      case 'bool': heap.u8.set(values, ptr); break;
    }
    return storage;
  }

  async read(storage: Storage): Promise<TypedArray> {
    return this.readSync(storage);
  }

  readSync(storage: Storage): TypedArray {
    const s = asWasmStorage(storage, this.#rt);
    const ptr = s.ptr;
    const heap = this.#rt.heap;
    switch (s.dtype) {
      case 'float32': return heap.f32.slice(ptr >>> 2, (ptr >>> 2) + s.length);
      case 'int32': return heap.i32.slice(ptr >>> 2, (ptr >>> 2) + s.length);
      case 'bool': return heap.u8.slice(ptr, ptr + s.length);
    }
  }

  free(storage: Storage): void {
    this.#rt.release(asWasmStorage(storage, this.#rt));
  }

  memory(): BackendMemory {
    return { buffers: this.#rt.buffers, bytes: this.#rt.bytes };
  }

  /** Bytes of WebAssembly memory the module holds (it grows, never shrinks; freed blocks are reused). */
  heapSize(): number {
    return this.#rt.heap.size;
  }

  // Required kernels.

  fill(shape: Shape, value: number, dtype: DType): TensorInfo {
    return fill(this.#rt, shape, value, dtype);
  }

  cast(x: TensorInfo, dtype: DType): TensorInfo {
    return cast(this.#rt, x, dtype);
  }

  unary(op: UnaryOp, x: TensorInfo): TensorInfo {
    return unary(this.#rt, op, x);
  }

  binary(op: BinaryOp, a: TensorInfo, b: TensorInfo): TensorInfo {
    return binary(this.#rt, op, a, b);
  }

  where(cond: TensorInfo, a: TensorInfo, b: TensorInfo): TensorInfo {
    return where(this.#rt, cond, a, b);
  }

  reduce(op: ReduceOp, x: TensorInfo, axes: readonly number[]): TensorInfo {
    return reduce(this.#rt, op, x, axes);
  }

  argReduce(op: ArgReduceOp, x: TensorInfo, axis: number): TensorInfo {
    return argReduce(this.#rt, op, x, axis);
  }

  matMul(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): TensorInfo {
    return matMul(this.#rt, a, b, transposeA, transposeB);
  }

  transpose(x: TensorInfo, perm: readonly number[]): TensorInfo {
    return transpose(this.#rt, x, perm);
  }

  slice(x: TensorInfo, begin: readonly number[], size: readonly number[]): TensorInfo {
    return slice(this.#rt, x, begin, size);
  }

  pad(x: TensorInfo, paddings: readonly (readonly [number, number])[], value: number): TensorInfo {
    return pad(this.#rt, x, paddings, value);
  }

  concat(xs: readonly TensorInfo[], axis: number): TensorInfo {
    return concat(this.#rt, xs, axis);
  }

  gather(x: TensorInfo, indices: TensorInfo, axis: number): TensorInfo {
    return gather(this.#rt, x, indices, axis);
  }

  scatterAdd(updates: TensorInfo, indices: TensorInfo, axis: number, size: number): TensorInfo {
    return scatterAdd(this.#rt, updates, indices, axis, size);
  }

  // Optional kernels.

  conv2d(x: TensorInfo, filter: TensorInfo, attrs: Conv2DAttrs): TensorInfo {
    return conv2d(this.#rt, x, filter, attrs);
  }

  conv2dBackpropInput(dy: TensorInfo, filter: TensorInfo, inputShape: Shape, attrs: Conv2DAttrs): TensorInfo {
    return conv2dBackpropInput(this.#rt, dy, filter, inputShape, attrs);
  }

  conv2dBackpropFilter(x: TensorInfo, dy: TensorInfo, filterShape: Shape, attrs: Conv2DAttrs): TensorInfo {
    return conv2dBackpropFilter(this.#rt, x, dy, filterShape, attrs);
  }

  depthwiseConv2d(x: TensorInfo, filter: TensorInfo, attrs: Conv2DAttrs): TensorInfo {
    return depthwiseConv2d(this.#rt, x, filter, attrs);
  }

  maxPool(x: TensorInfo, attrs: Pool2DAttrs): TensorInfo {
    return maxPool(this.#rt, x, attrs);
  }

  maxPoolBackprop(dy: TensorInfo, x: TensorInfo, attrs: Pool2DAttrs): TensorInfo {
    return maxPoolBackprop(this.#rt, dy, x, attrs);
  }

  avgPool(x: TensorInfo, attrs: Pool2DAttrs): TensorInfo {
    return avgPool(this.#rt, x, attrs);
  }

  avgPoolBackprop(dy: TensorInfo, inputShape: Shape, attrs: Pool2DAttrs): TensorInfo {
    return avgPoolBackprop(this.#rt, dy, inputShape, attrs);
  }

  softmax(x: TensorInfo): TensorInfo {
    return softmax(this.#rt, x);
  }

  logSoftmax(x: TensorInfo): TensorInfo {
    return logSoftmax(this.#rt, x);
  }

  layerNorm(x: TensorInfo, gamma: TensorInfo, beta: TensorInfo, epsilon: number): TensorInfo {
    return layerNorm(this.#rt, x, gamma, beta, epsilon);
  }

  batchNorm(x: TensorInfo, mean: TensorInfo, variance: TensorInfo, offset: TensorInfo, scale: TensorInfo, epsilon: number): TensorInfo {
    return batchNorm(this.#rt, x, mean, variance, offset, scale, epsilon);
  }

  fusedMatMul(a: TensorInfo, b: TensorInfo, bias: TensorInfo | null, activation: FusedActivation, transposeA: boolean,
    transposeB: boolean): TensorInfo {
    return fusedMatMul(this.#rt, a, b, bias, activation, transposeA, transposeB);
  }

  attention(q: TensorInfo, k: TensorInfo, v: TensorInfo, mask: TensorInfo | null, scale: number): TensorInfo {
    return attention(this.#rt, q, k, v, mask, scale);
  }

  adamUpdate(param: TensorInfo, grad: TensorInfo, m: TensorInfo, v: TensorInfo, attrs: AdamAttrs): [TensorInfo, TensorInfo, TensorInfo] {
    return adamUpdate(this.#rt, param, grad, m, v, attrs);
  }

  sgdUpdate(param: TensorInfo, grad: TensorInfo, velocity: TensorInfo, attrs: SgdAttrs): [TensorInfo, TensorInfo] {
    return sgdUpdate(this.#rt, param, grad, velocity, attrs);
  }
}
