/**
 * The wasm-simd backend: storage in the module's heap plus a table of kernels compiled from C
 * to WebAssembly SIMD128. Create it with `WasmBackend.create()` (it has to fetch and compile the
 * module first), or pass already-instantiated exports to the constructor.
 */
import type {
  AdamAttrs, ArgReduceOp, Backend, BackendMemory, BinaryOp, Conv2DAttrs, DType, FusedActivation, Pool2DAttrs, ReduceOp,
  SgdAttrs, Shape, Storage, TensorInfo, TypedArray, UnaryOp,
} from '@strata/core';
import { arrayHoldsDType } from '@strata/core';
import { attention } from './attention.js';
import { conv2d, conv2dBackpropFilter, conv2dBackpropInput, depthwiseConv2d } from './conv.js';
import { binary, cast, fill, unary, where } from './elementwise.js';
import type { StrataExports } from './exports.js';
import { fusedMatMul } from './fused.js';
import { instantiateStrata, instantiateThreaded } from './loader.js';
import { matMul } from './matmul.js';
import { concat, gather, pad, scatterAdd, slice, transpose } from './movement.js';
import { batchNorm, layerNorm, logSoftmax, softmax } from './norm.js';
import { adamUpdate, sgdUpdate } from './optim.js';
import { avgPool, avgPoolBackprop, maxPool, maxPoolBackprop } from './pool.js';
import { argReduce, reduce } from './reduce.js';
import { Runtime } from './runtime.js';
import { asWasmStorage } from './storage.js';
import { WorkerPool, defaultThreadCount, threadsUnavailableReason } from './thread-pool.js';

/**
 * Below this many flops (2·m·n·k for a product) a kernel runs on the main thread alone: waking
 * the workers and handing out tasks costs more than it saves. Measured on 2 cores with
 * scripts/threads-check.mjs: at 128³ two threads are already ahead.
 */
export const DEFAULT_MIN_PARALLEL_WORK = 2 * 96 * 96 * 96;

/** Options of `WasmBackend.create`. */
export interface WasmBackendOptions {
  /** Threads, the main thread included. Default: `STRATA_WASM_THREADS` in Node, else the core count. 1: no workers. */
  readonly threads?: number;
  /** The smallest job, in flops, that is split over the threads (default DEFAULT_MIN_PARALLEL_WORK). */
  readonly minParallelWork?: number;
  /** Bytes of wasm/strata.wasm, instead of loading the shipped file. */
  readonly bytes?: ArrayBuffer | Uint8Array;
  /** Bytes of wasm/strata-threads.wasm, instead of loading the shipped file. */
  readonly threadsBytes?: ArrayBuffer | Uint8Array;
}

/** Threads asked for: the option, else STRATA_WASM_THREADS (Node), else the core count. */
async function requestedThreads(option: number | undefined): Promise<{ threads: number; source: string }> {
  if (option !== undefined) return { threads: option, source: 'option' };
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const value = env?.['STRATA_WASM_THREADS'];
  if (value !== undefined && value !== '') {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new Error(`wasm-simd backend: STRATA_WASM_THREADS must be a positive integer, got '${value}'`);
    return { threads: n, source: 'STRATA_WASM_THREADS' };
  }
  return { threads: await defaultThreadCount(), source: 'cores' };
}

function formatFlops(flops: number): string {
  return flops >= 1e6 ? `${(flops / 1e6).toFixed(1)} MFLOP` : `${Math.round(flops)} FLOP`;
}

export class WasmBackend implements Backend {
  readonly name = 'wasm-simd';
  readonly #rt: Runtime;
  readonly #pool: WorkerPool | null;
  readonly #note: string;

  /**
   * Instantiates the module, starts the worker pool when more than one thread is asked for and
   * possible (else runs single-threaded and says why in `description`), warms it up and returns
   * a ready backend. Passing bytes alone is the same as `{ bytes }`, which runs single-threaded
   * unless `threads` (and then `threadsBytes`, else the shipped file) is given too.
   */
  static async create(options: WasmBackendOptions | ArrayBuffer | Uint8Array = {}): Promise<WasmBackend> {
    const opts: WasmBackendOptions = options instanceof ArrayBuffer || options instanceof Uint8Array ? { bytes: options } : options;
    // Bytes of only the single-threaded module mean "use these": no threads unless asked for,
    // so no second module is fetched behind the caller's back.
    const onlyBytes = opts.bytes !== undefined && opts.threadsBytes === undefined && opts.threads === undefined;
    const { threads, source } = onlyBytes ? { threads: 1, source: 'passing only `bytes`' } : await requestedThreads(opts.threads);
    if (!Number.isInteger(threads) || threads < 1) throw new Error(`wasm-simd backend: threads must be a positive integer, got ${threads}`);
    const minWork = opts.minParallelWork ?? DEFAULT_MIN_PARALLEL_WORK;
    let note: string;
    if (threads === 1) {
      note = source === 'cores' ? '1 thread (one core)' : onlyBytes ? `1 thread (${source})` : `1 thread (${source} asks for 1)`;
    } else {
      const unavailable = threadsUnavailableReason();
      if (unavailable === null) {
        let pool: WorkerPool | null = null;
        try {
          const mod = await instantiateThreaded(opts.threadsBytes);
          pool = await WorkerPool.start(mod, threads, minWork);
          const backend = new WasmBackend(mod.exports, pool);
          await backend.warmUp();
          return backend;
        } catch (err) {
          pool?.dispose();
          note = `1 thread: the worker pool failed to start (${err instanceof Error ? err.message : String(err)})`;
        }
      } else {
        note = `1 thread: ${unavailable}`;
      }
    }
    const backend = new WasmBackend(await instantiateStrata(opts.bytes), null, note);
    await backend.warmUp();
    return backend;
  }

  /**
   * Wraps an instantiated module's exports; most callers want `WasmBackend.create()`. `pool` is
   * the worker pool running over those exports' shared memory, if any.
   */
  constructor(exports: StrataExports, pool: WorkerPool | null = null, note?: string) {
    this.#rt = new Runtime(exports);
    this.#pool = pool;
    this.#note = note ?? '1 thread';
  }

  /**
   * How it runs, for people: e.g. "2 threads (worker_threads), kernels of at least 1.8 MFLOP
   * split", or "1 thread: SharedArrayBuffer is not available (...)".
   */
  get description(): string {
    const pool = this.#pool;
    if (pool === null) return this.#note;
    if (pool.disposed) return '1 thread (the worker pool was disposed)';
    const problem = pool.problem === null ? '' : `; ${pool.problem}`;
    return `${pool.threads} threads (${pool.kind}${pool.mainThreadSpins ? ', main thread spins' : ''}), kernels of at least ` +
      `${formatFlops(pool.minWork)} split${problem}`;
  }

  /** Threads a large kernel runs on, the main thread included. */
  get threads(): number {
    return this.#pool === null || this.#pool.disposed ? 1 : this.#pool.threads;
  }

  /** Kernel jobs that really ran on several threads so far (tests check the threaded path ran). */
  get parallelDispatches(): number {
    return this.#pool?.dispatches ?? 0;
  }

  /** The smallest job, in flops, split over the threads; changeable at any time. */
  get minParallelWork(): number {
    return this.#pool?.minWork ?? Infinity;
  }

  set minParallelWork(flops: number) {
    this.#pool?.setMinWork(flops);
  }

  /** A worker that failed after the pool started (its share then runs on the other threads), or null. */
  get threadProblem(): string | null {
    return this.#pool?.problem ?? null;
  }

  /** Ends the worker threads; kernels keep working on the main thread. */
  dispose(): void {
    this.#pool?.dispose();
  }

  /**
   * V8 first runs wasm with a baseline compiler and swaps in optimised code only between calls,
   * once a background compile has finished; a long first call would run unoptimised to the end
   * (measured: the first ~8 calls of a 256³ matMul took 3–30× longer). A few rounds of small
   * calls of the hot kernels, with a yield to the event loop between rounds, get them optimised
   * (about 20 ms) before real work arrives. Workers share the compiled code.
   */
  async warmUp(rounds = 12): Promise<void> {
    const sleep = (globalThis as { setTimeout?: (fn: () => void, ms: number) => unknown }).setTimeout;
    // The threaded path has functions of its own (task bodies): warm them too, by splitting
    // even these small calls for the duration.
    const minWork = this.#pool?.minWork;
    this.#pool?.setMinWork(0);
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
      if (minWork !== undefined) this.#pool?.setMinWork(minWork);
    }
  }

  write(values: TypedArray, dtype: DType): Storage {
    if (!arrayHoldsDType(values, dtype)) throw new Error(`wasm-simd backend: write of ${values.constructor.name} as ${dtype}`);
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
