/**
 * The webgpu backend: WGSL compute kernels on one GPU device. Create it with
 * `WebGPUBackend.create()`; the runtime (src/runtime.ts) holds the device, buffer pool, pipeline
 * cache and batched command encoder, and every kernel is a function of that runtime.
 */
import type {
  ArgReduceOp, Backend, BackendMemory, BinaryOp, DType, OptionalKernels, ReduceOp, Shape, Storage, TensorInfo,
  TypedArray, UnaryOp,
} from '@strata/core';
import { arrayHoldsDType } from '@strata/core';
import type { PoolStats } from './buffer-pool.js';
import { acquireDevice } from './device.js';
import type { DeviceOptions } from './device.js';
import { binary, cast, fill, unary, where } from './kernels/elementwise.js';
import { concat, gather, pad, scatterAdd, slice, transpose } from './kernels/movement.js';
import { matMul } from './kernels/matmul.js';
import { argReduce, reduce } from './kernels/reduce.js';
import { optionalKernels } from './optional/index.js';
import { WebGPURuntime } from './runtime.js';
import { GpuStorage, asGpuStorage } from './storage.js';

/** Options of `WebGPUBackend.create`. */
export type WebGPUBackendOptions = DeviceOptions;

export class WebGPUBackend implements Backend {
  readonly name = 'webgpu';
  readonly #options: WebGPUBackendOptions;
  #rt: WebGPURuntime;
  #optionalNames: string[] = [];

  /** Finds an adapter and device (see `DeviceOptions`) and returns a ready backend. */
  static async create(options: WebGPUBackendOptions = {}): Promise<WebGPUBackend> {
    return new WebGPUBackend(new WebGPURuntime(await acquireDevice(options)), options);
  }

  constructor(runtime: WebGPURuntime, options: WebGPUBackendOptions = {}) {
    this.#rt = runtime;
    this.#options = options;
    this.#installOptional();
  }

  /** The runtime kernels are written against (for optional kernels, tests and benchmarks). */
  get runtime(): WebGPURuntime { return this.#rt; }

  get description(): string {
    const l = this.#rt.limits;
    return `${this.#rt.adapterDescription}; max binding ${Math.round(l.maxStorageBufferBindingSize / 2 ** 20)} MiB, ${l.maxComputeInvocationsPerWorkgroup} invocations/workgroup`;
  }

  /** Whether the device is a software (fallback) adapter such as SwiftShader. */
  get isFallback(): boolean { return this.#rt.isFallback; }

  /**
   * Gets a new device after the old one was lost (or to start afresh). Storage made on the old
   * device is gone: using it throws, freeing it is a no-op.
   */
  async reinitialize(): Promise<void> {
    const old = this.#rt;
    this.#rt = new WebGPURuntime(await acquireDevice({ ...this.#options, allowFallback: this.#options.allowFallback === true || old.isFallback }));
    if (old.lostReason === null) old.dispose();
    this.#installOptional();
  }

  /** Optional kernels (src/optional/) become methods, bound to the current runtime. */
  #installOptional(): void {
    const self = this as unknown as Record<string, unknown>;
    for (const name of this.#optionalNames) delete self[name];
    const kernels = optionalKernels(this.#rt);
    this.#optionalNames = Object.keys(kernels);
    Object.assign(this, kernels as Partial<OptionalKernels>);
  }

  /** Buffer-pool statistics: stable `allocatedBuffers` across epochs means nothing leaks. */
  poolStats(): PoolStats { return this.#rt.poolStats(); }

  /** Submits pending work and waits for the GPU to finish it (for timing). */
  sync(): Promise<void> { return this.#rt.sync(); }

  write(values: TypedArray, dtype: DType): Storage {
    if (!arrayHoldsDType(values, dtype)) throw new Error(`webgpu write: a ${values.constructor.name} cannot hold ${dtype} values`);
    return this.#rt.write(values, dtype);
  }

  read(storage: Storage): Promise<TypedArray> {
    return this.#rt.read(asGpuStorage(storage, this.#rt, 'read'));
  }

  free(storage: Storage): void {
    // Storage of an earlier (lost) device has nothing left to free.
    if (storage instanceof GpuStorage && storage.owner !== this.#rt) return;
    this.#rt.release(asGpuStorage(storage, this.#rt, 'free'));
  }

  memory(): BackendMemory {
    return { buffers: this.#rt.buffers, bytes: this.#rt.bytes };
  }

  dispose(): void {
    this.#rt.dispose();
  }

  fill(shape: Shape, value: number, dtype: DType): TensorInfo { return fill(this.#rt, shape, value, dtype); }
  cast(x: TensorInfo, dtype: DType): TensorInfo { return cast(this.#rt, x, dtype); }
  unary(op: UnaryOp, x: TensorInfo): TensorInfo { return unary(this.#rt, op, x); }
  binary(op: BinaryOp, a: TensorInfo, b: TensorInfo): TensorInfo { return binary(this.#rt, op, a, b); }
  where(cond: TensorInfo, a: TensorInfo, b: TensorInfo): TensorInfo { return where(this.#rt, cond, a, b); }
  reduce(op: ReduceOp, x: TensorInfo, axes: readonly number[]): TensorInfo { return reduce(this.#rt, op, x, axes); }
  argReduce(op: ArgReduceOp, x: TensorInfo, axis: number): TensorInfo { return argReduce(this.#rt, op, x, axis); }
  matMul(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): TensorInfo { return matMul(this.#rt, a, b, transposeA, transposeB); }
  transpose(x: TensorInfo, perm: readonly number[]): TensorInfo { return transpose(this.#rt, x, perm); }
  slice(x: TensorInfo, begin: readonly number[], size: readonly number[]): TensorInfo { return slice(this.#rt, x, begin, size); }
  pad(x: TensorInfo, paddings: readonly (readonly [number, number])[], value: number): TensorInfo { return pad(this.#rt, x, paddings, value); }
  concat(xs: readonly TensorInfo[], axis: number): TensorInfo { return concat(this.#rt, xs, axis); }
  gather(x: TensorInfo, indices: TensorInfo, axis: number): TensorInfo { return gather(this.#rt, x, indices, axis); }
  scatterAdd(updates: TensorInfo, indices: TensorInfo, axis: number, size: number): TensorInfo { return scatterAdd(this.#rt, updates, indices, axis, size); }
}
