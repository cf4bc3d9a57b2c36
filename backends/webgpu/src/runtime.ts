/**
 * The webgpu runtime: one device, its buffer pool, pipeline cache, params ring and the command
 * encoder that batches dispatches. Every kernel (required ones in src/kernels/, optional ones in
 * src/optional/) is written against this class alone.
 *
 * ## Writing a kernel
 *
 * ```ts
 * export function negate(rt: WebGPURuntime, x: TensorInfo): TensorInfo {
 *   const out = rt.output('neg', x.shape, x.dtype);        // 1. allocate the output (checks limits)
 *   const n = sizeOf(x.shape);
 *   rt.dispatch({                                           // 2. encode one dispatch
 *     kernel: 'neg',                                        //    named in every error
 *     key: `neg:${x.dtype}`,                                //    pipeline cache key: kernel + everything the WGSL depends on
 *     wgsl: () => `${bindings(['f32'], ['f32'])}            //    the WGSL source, built only on a cache miss (wgsl.ts helpers)
 *       ${entryPoint(256)} {
 *         let i = ${flatIndex(256)};                        //    thread index; the workgroup index is folded over 2-D/3-D dispatch
 *         if (i >= P[0]) { return; }                        //    params: P[k] (u32), bitcast<f32>(P[k]), bitcast<i32>(P[k])
 *         out0[i] = -in0[i];
 *       }`,
 *     inputs: [x],                                          //    bound read-only at bindings 1..n, named in0, in1, ...
 *     outputs: [out],                                       //    bound read_write after them, named out0, out1, ...
 *     params: new Params().u32(n),                          //    binding 0: `P: array<u32>`, from a reused params ring
 *     workgroups: Math.ceil(n / 256),                       //    total workgroups; 0 skips the dispatch (empty tensors)
 *   });
 *   return out;                                             // 3. return it; nothing runs until a flush (a read, or
 * }                                                         //    every MAX_DISPATCHES_PER_SUBMIT dispatches)
 * ```
 *
 * Rules: a kernel allocates all its outputs before dispatching and frees them (`rt.fail`) if it
 * throws; it never reads back; every dtype is 4 bytes per element on the device (`WGSL_TYPE`:
 * float32 f32, int32 i32, bool u32 0/1), so data movement can treat everything as `u32`.
 * Dispatches run in encoding order, so a kernel may chain several (e.g. a partial pass and a
 * final pass through a scratch buffer from `rt.scratch`, released with `rt.release`).
 * WGSL evaluates constant expressions that give NaN or ±Inf as errors: use `NAN`/`INF` from
 * wgsl.ts, which read module-scope variables instead.
 */
import type { DType, Shape, TensorInfo, TypedArray } from '@strata/core';
import { shapeToString, sizeOf } from '@strata/core';
import { BufferPool, sizeClass } from './buffer-pool.js';
import type { PoolStats } from './buffer-pool.js';
import type { AcquiredDevice, GpuLimits, Tuning } from './device.js';
import { DEVICE_BYTES_PER_ELEMENT, GpuStorage, checkInfo } from './storage.js';

/** A tensor whose storage is this backend's (what `output` and `scratch` return). */
export type GpuTensorInfo = TensorInfo & { readonly storage: GpuStorage };

/**
 * WebGPU's flag values (fixed by the spec), so the runtime works with a `GPU` object passed in by
 * the caller even where the `GPUBufferUsage`/`GPUShaderStage`/`GPUMapMode` globals are missing.
 */
const USAGE = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, STORAGE: 0x80 } as const;
const SHADER_STAGE_COMPUTE = 0x4;
const MAP_MODE_READ = 0x1;

/** Dispatches encoded before a submit is forced (keeps quarantined buffers and the ring bounded). */
export const MAX_DISPATCHES_PER_SUBMIT = 128;
/** Bytes of params one dispatch may pass. */
export const MAX_PARAM_BYTES = 4096;
/** Bytes of the params ring: one submit's params, each dispatch's at an aligned offset. */
const PARAM_RING_BYTES = 1 << 18;
/** Pooled (free) bytes kept for reuse before freed buffers are destroyed instead. */
const MAX_POOLED_BYTES = 512 * 1024 * 1024;

/** Builds the u32 words of a dispatch's params (binding 0, `P: array<u32>` in WGSL). */
export class Params {
  readonly words: number[] = [];
  /** Appends unsigned 32-bit values (read as `P[k]`). */
  u32(...values: readonly number[]): this {
    for (const v of values) this.words.push(v >>> 0);
    return this;
  }
  /** Appends signed 32-bit values (read as `bitcast<i32>(P[k])`). */
  i32(...values: readonly number[]): this {
    for (const v of values) this.words.push((v | 0) >>> 0);
    return this;
  }
  /** Appends float32 values (read as `bitcast<f32>(P[k])`); NaN and ±Inf pass through exactly. */
  f32(...values: readonly number[]): this {
    const f = new Float32Array(1);
    const u = new Uint32Array(f.buffer);
    for (const v of values) { f[0] = v; this.words.push(u[0]!); }
    return this;
  }
}

/** One dispatch: see the module doc. */
export interface DispatchSpec {
  /** Kernel name for errors and debug labels, e.g. `'matMul'`. */
  readonly kernel: string;
  /** Pipeline cache key: the kernel name plus every specialisation the WGSL depends on. */
  readonly key: string;
  /** The WGSL source (entry point `main`), called only when `key` is not cached yet. */
  readonly wgsl: () => string;
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  readonly params?: Params;
  /** Total workgroups (folded into 2-D/3-D as needed), or an explicit `[x, y, z]`. 0 skips. */
  readonly workgroups: number | readonly [number, number, number];
}

/** A GPU error waiting to be reported, with the kernels it belongs to. */
interface PendingError { readonly message: string }

export class WebGPURuntime {
  readonly device: GPUDevice;
  readonly limits: GpuLimits;
  readonly isFallback: boolean;
  readonly adapterDescription: string;
  /** Overrides of adapter-driven kernel choices (see `Tuning`). */
  readonly tuning: Tuning;
  readonly #pool: BufferPool;
  readonly #stagingPool: BufferPool;
  readonly #pipelines = new Map<string, GPUComputePipeline>();
  readonly #layouts = new Map<string, { group: GPUBindGroupLayout; pipeline: GPUPipelineLayout }>();
  readonly #ring: GPUBuffer;
  readonly #ringWords: Uint32Array;
  #ringCursor = 0;
  #encoder: GPUCommandEncoder | null = null;
  #pass: GPUComputePassEncoder | null = null;
  #batchKernels: string[] = [];
  #errors: PendingError[] = [];
  readonly #pendingPops = new Set<Promise<void>>();
  #lost: string | null = null;
  #disposed = false;
  #buffers = 0;
  #bytes = 0;

  constructor(acquired: AcquiredDevice) {
    this.device = acquired.device;
    this.limits = acquired.limits;
    this.isFallback = acquired.isFallback;
    this.adapterDescription = acquired.adapterDescription;
    this.tuning = acquired.tuning;
    const maxBuffer = Math.min(this.limits.maxBufferSize, Number.MAX_SAFE_INTEGER);
    this.#pool = new BufferPool(this.device, USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST, MAX_POOLED_BYTES, maxBuffer);
    this.#stagingPool = new BufferPool(this.device, USAGE.MAP_READ | USAGE.COPY_DST, 64 * 1024 * 1024, maxBuffer);
    this.#ring = this.device.createBuffer({ size: PARAM_RING_BYTES, usage: USAGE.STORAGE | USAGE.COPY_DST, label: 'strata params ring' });
    this.#ringWords = new Uint32Array(PARAM_RING_BYTES / 4);
    this.device.addEventListener('uncapturederror', (event) => {
      const e = (event as GPUUncapturedErrorEvent).error;
      this.#errors.push({ message: `webgpu: GPU error outside any kernel's scope (kernels encoded lately: ${this.#batchKernels.join(', ') || 'none'}): ${e.message}` });
    });
    void this.device.lost.then((info) => {
      if (this.#disposed) return;
      this.#lost = `${info.reason}${info.message ? `: ${info.message}` : ''}`;
    });
  }

  // ---- storage ----

  /** Live tensors' buffers and bytes (what `memory()` reports). */
  get buffers(): number { return this.#buffers; }
  get bytes(): number { return this.#bytes; }

  /** Pool statistics: a training loop that does not leak keeps `allocatedBuffers` stable. */
  poolStats(): PoolStats { return this.#pool.stats(); }

  /** Throws if the device is gone or the runtime disposed. */
  assertAlive(kernel: string): void {
    if (this.#disposed) throw new Error(`webgpu ${kernel}: the backend was disposed`);
    if (this.#lost !== null) {
      throw new Error(`webgpu ${kernel}: the GPU device was lost (${this.#lost}); call reinitialize() on the webgpu backend (or setBackend again) to get a new device — tensors made before are gone`);
    }
  }

  /** Whether the device was lost (its reason), or null. */
  get lostReason(): string | null { return this.#lost; }

  /** Throws a clear error when `elements` 4-byte values cannot be one storage binding. */
  checkSize(kernel: string, shape: Shape, dtype: DType): number {
    const n = sizeOf(shape);
    const bytes = n * DEVICE_BYTES_PER_ELEMENT;
    const limit = Math.min(this.limits.maxStorageBufferBindingSize, this.limits.maxBufferSize);
    if (bytes > limit) {
      throw new Error(`webgpu ${kernel}: a ${dtype} tensor of shape ${shapeToString(shape)} needs ${bytes} bytes on the device, more than this adapter allows in one buffer binding (maxStorageBufferBindingSize/maxBufferSize ${limit} bytes); split it into smaller tensors`);
    }
    return n;
  }

  /** New counted storage of `shape` and `dtype` for a kernel's output (values undefined). */
  output(kernel: string, shape: Shape, dtype: DType): GpuTensorInfo {
    this.assertAlive(kernel);
    const n = this.checkSize(kernel, shape, dtype);
    const buffer = this.#pool.acquire(n * DEVICE_BYTES_PER_ELEMENT, 'strata tensor');
    const storage = new GpuStorage(buffer, n, dtype, this);
    this.#buffers++;
    this.#bytes += storage.bytes;
    return { storage, shape: [...shape], dtype };
  }

  /** Temporary storage for a multi-pass kernel; give it back with `release` after encoding. */
  scratch(kernel: string, shape: Shape, dtype: DType): GpuTensorInfo {
    return this.output(kernel, shape, dtype);
  }

  /** Returns a storage's buffer to the pool (quarantined while encoded commands may use it). */
  release(storage: GpuStorage): void {
    const buffer = storage.release();
    this.#buffers--;
    this.#bytes -= storage.bytes;
    this.#pool.release(buffer, this.#encoder !== null);
  }

  /** Frees outputs of a kernel that then failed, and rethrows. */
  fail(outputs: readonly TensorInfo[], err: unknown): never {
    for (const o of outputs) {
      const s = o.storage;
      if (s instanceof GpuStorage && s.owner === this && !s.isFreed) this.release(s);
    }
    throw err;
  }

  /** Checks an input belongs to this device and matches its TensorInfo; returns its storage. */
  input(info: TensorInfo, kernel: string): GpuStorage {
    return checkInfo(info, this, kernel);
  }

  /** Uploads values into new storage. bool arrives as bytes and is widened to u32. */
  write(values: TypedArray, dtype: DType): GpuStorage {
    this.assertAlive('write');
    this.#throwPendingError();
    const n = this.checkSize('write', [values.length], dtype);
    const buffer = this.#pool.acquire(n * DEVICE_BYTES_PER_ELEMENT, 'strata tensor');
    if (n > 0) {
      const words = dtype === 'bool' ? Uint32Array.from(values as Uint8Array, (v) => (v !== 0 ? 1 : 0)) : values;
      this.device.queue.writeBuffer(buffer, 0, words.buffer, words.byteOffset, n * DEVICE_BYTES_PER_ELEMENT);
    }
    const storage = new GpuStorage(buffer, n, dtype, this);
    this.#buffers++;
    this.#bytes += storage.bytes;
    return storage;
  }

  /** Copies storage back (flushing pending work first); surfaces GPU errors of earlier kernels. */
  async read(storage: GpuStorage): Promise<TypedArray> {
    this.assertAlive('read');
    const n = storage.length;
    const dtype = storage.dtype;
    if (n === 0) {
      this.flush();
      await this.#settleErrors();
      return dtype === 'float32' ? new Float32Array(0) : dtype === 'int32' ? new Int32Array(0) : new Uint8Array(0);
    }
    const bytes = n * DEVICE_BYTES_PER_ELEMENT;
    const staging = this.#stagingPool.acquire(bytes, 'read staging');
    this.#endPass();
    this.#ensureEncoder().copyBufferToBuffer(storage.buffer, 0, staging, 0, bytes);
    this.#batchKernels.push('read');
    this.flush();
    try {
      await staging.mapAsync(MAP_MODE_READ, 0, bytes);
    } catch (err) {
      await this.#settleErrors();
      this.assertAlive('read');
      throw new Error(`webgpu read: mapping the result failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    try {
      await this.#settleErrors();
      const copy = staging.getMappedRange(0, bytes).slice(0);
      if (dtype === 'float32') return new Float32Array(copy);
      if (dtype === 'int32') return new Int32Array(copy);
      return Uint8Array.from(new Uint32Array(copy), (v) => (v !== 0 ? 1 : 0));
    } finally {
      staging.unmap();
      this.#stagingPool.release(staging, false);
    }
  }

  // ---- dispatch ----

  /** Encodes one dispatch (see the module doc). Nothing runs until the batch is flushed. */
  dispatch(spec: DispatchSpec): void {
    this.assertAlive(spec.kernel);
    this.#throwPendingError();
    const wg = spec.workgroups;
    const groups = typeof wg === 'number' ? this.#fold(wg, spec.kernel) : wg;
    if (groups[0] === 0 || groups[1] === 0 || groups[2] === 0) return;
    const max = this.limits.maxComputeWorkgroupsPerDimension;
    if (groups.some((g) => g > max)) throw new Error(`webgpu ${spec.kernel}: dispatch of ${groups.join('×')} workgroups exceeds ${max} per dimension`);
    const words = spec.params?.words ?? [];
    if (words.length * 4 > MAX_PARAM_BYTES) throw new Error(`webgpu ${spec.kernel}: ${words.length * 4} bytes of params exceed ${MAX_PARAM_BYTES}`);
    const bound = spec.inputs.length + spec.outputs.length + 1;
    if (bound > this.limits.maxStorageBuffersPerShaderStage) {
      throw new Error(`webgpu ${spec.kernel}: binds ${bound} storage buffers, more than this adapter's maxStorageBuffersPerShaderStage (${this.limits.maxStorageBuffersPerShaderStage})`);
    }
    // WebGPU forbids a buffer written by a dispatch to be bound twice in it; the GPU would only say
    // so at the next submit, without naming the kernel, so check here.
    for (const o of spec.outputs) {
      const clash = [...spec.inputs, ...spec.outputs].filter((t) => t.storage === o.storage).length;
      if (clash > 1) throw new Error(`webgpu ${spec.kernel}: an output (shape ${shapeToString(o.shape)}) is also bound as another input or output of the same dispatch`);
    }
    const align = this.limits.minStorageBufferOffsetAlignment;
    const paramBytes = Math.max(16, words.length * 4);
    if (this.#ringCursor + paramBytes > PARAM_RING_BYTES) this.flush();

    // Open the batch (and its error scopes) before creating anything, so that errors of the
    // pipeline and bind group below are caught with this kernel's name.
    const pass = this.#ensurePass();
    this.#batchKernels.push(spec.kernel);
    const nIn = spec.inputs.length;
    const nOut = spec.outputs.length;
    const pipeline = this.#pipeline(spec, nIn, nOut);
    const layout = this.#layout(nIn, nOut);
    const offset = this.#ringCursor;
    this.#ringWords.set(words, offset / 4);
    this.#ringCursor = Math.ceil((offset + paramBytes) / align) * align;
    const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: this.#ring, offset, size: paramBytes } }];
    const bind = (info: TensorInfo, binding: number): void => {
      const s = this.input(info, spec.kernel);
      entries.push({ binding, resource: { buffer: s.buffer, offset: 0, size: Math.max(16, s.bytes) } });
    };
    spec.inputs.forEach((t, i) => bind(t, 1 + i));
    spec.outputs.forEach((t, i) => bind(t, 1 + nIn + i));
    const group = this.device.createBindGroup({ layout: layout.group, entries, label: spec.kernel });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(groups[0], groups[1], groups[2]);
    if (this.#batchKernels.length >= MAX_DISPATCHES_PER_SUBMIT) this.flush();
  }

  /** Submits everything encoded so far. Cheap when nothing is pending. */
  flush(): void {
    if (this.#encoder === null) return;
    this.#endPass();
    const encoder = this.#encoder;
    const kernels = this.#batchKernels;
    this.#encoder = null;
    this.#batchKernels = [];
    if (this.#ringCursor > 0) {
      this.device.queue.writeBuffer(this.#ring, 0, this.#ringWords.buffer, 0, this.#ringCursor);
      this.#ringCursor = 0;
    }
    this.device.queue.submit([encoder.finish()]);
    this.#pool.submitted();
    this.#watchScope(kernels);
  }

  /** Flushes and waits until the GPU has finished everything submitted (for benchmarks). */
  async sync(): Promise<void> {
    this.assertAlive('sync');
    this.flush();
    await this.device.queue.onSubmittedWorkDone();
    await this.#settleErrors();
  }

  /** Destroys the device; the runtime is unusable afterwards. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#pool.trim();
    this.#stagingPool.trim();
    this.device.destroy();
  }

  // ---- internals ----

  /** Splits a workgroup count over x/y/z so no dimension exceeds the adapter's limit. */
  #fold(total: number, kernel: string): [number, number, number] {
    const max = this.limits.maxComputeWorkgroupsPerDimension;
    if (total <= max) return [total, 1, 1];
    const y = Math.ceil(total / max);
    if (y <= max) return [max, y, 1];
    const z = Math.ceil(y / max);
    if (z > max) throw new Error(`webgpu ${kernel}: ${total} workgroups cannot be dispatched (limit ${max}³)`);
    return [max, max, z];
  }

  #ensureEncoder(): GPUCommandEncoder {
    if (this.#encoder === null) {
      // One error scope per submitted batch: validation errors of anything encoded in it are
      // reported with the batch's kernel names (labels in the message name the exact one).
      this.device.pushErrorScope('internal');
      this.device.pushErrorScope('out-of-memory');
      this.device.pushErrorScope('validation');
      this.#encoder = this.device.createCommandEncoder({ label: 'strata batch' });
    }
    return this.#encoder;
  }

  #ensurePass(): GPUComputePassEncoder {
    if (this.#pass === null) this.#pass = this.#ensureEncoder().beginComputePass();
    return this.#pass;
  }

  #endPass(): void {
    if (this.#pass !== null) {
      this.#pass.end();
      this.#pass = null;
    }
  }

  #watchScope(kernels: readonly string[]): void {
    const names = [...new Set(kernels)].join(', ');
    for (let i = 0; i < 3; i++) {
      const pop = this.device.popErrorScope().then(
        (error) => {
          if (error !== null) this.#errors.push({ message: `webgpu: a GPU ${error.constructor.name.replace(/^GPU/, '').replace(/Error$/, '').toLowerCase() || 'validation'} error in a batch of kernels (${names}): ${error.message}` });
        },
        () => { /* device lost: reported by assertAlive */ },
      ).finally(() => this.#pendingPops.delete(pop));
      this.#pendingPops.add(pop);
    }
  }

  async #settleErrors(): Promise<void> {
    while (this.#pendingPops.size > 0) await Promise.all([...this.#pendingPops]);
    this.#throwPendingError();
  }

  #throwPendingError(): void {
    if (this.#errors.length === 0) return;
    const first = this.#errors[0]!;
    const more = this.#errors.length - 1;
    this.#errors = [];
    throw new Error(`${first.message}${more > 0 ? ` (and ${more} more GPU error${more > 1 ? 's' : ''})` : ''}`);
  }

  #layout(nIn: number, nOut: number): { group: GPUBindGroupLayout; pipeline: GPUPipelineLayout } {
    const key = `${nIn}:${nOut}`;
    let l = this.#layouts.get(key);
    if (l === undefined) {
      const entries: GPUBindGroupLayoutEntry[] = [{ binding: 0, visibility: SHADER_STAGE_COMPUTE, buffer: { type: 'read-only-storage' } }];
      for (let i = 0; i < nIn; i++) entries.push({ binding: 1 + i, visibility: SHADER_STAGE_COMPUTE, buffer: { type: 'read-only-storage' } });
      for (let i = 0; i < nOut; i++) entries.push({ binding: 1 + nIn + i, visibility: SHADER_STAGE_COMPUTE, buffer: { type: 'storage' } });
      const group = this.device.createBindGroupLayout({ entries, label: `strata ${key}` });
      l = { group, pipeline: this.device.createPipelineLayout({ bindGroupLayouts: [group] }) };
      this.#layouts.set(key, l);
    }
    return l;
  }

  #pipeline(spec: DispatchSpec, nIn: number, nOut: number): GPUComputePipeline {
    const cached = this.#pipelines.get(spec.key);
    if (cached !== undefined) return cached;
    const layout = this.#layout(nIn, nOut);
    const code = spec.wgsl();
    this.device.pushErrorScope('validation');
    const module = this.device.createShaderModule({ code, label: spec.kernel });
    const pipeline = this.device.createComputePipeline({ layout: layout.pipeline, compute: { module, entryPoint: 'main' }, label: spec.kernel });
    const key = spec.key;
    const pop = this.device.popErrorScope().then(
      async (error) => {
        if (error === null) return;
        this.#pipelines.delete(key);
        let detail = error.message;
        try {
          const info = await module.getCompilationInfo();
          const lines = info.messages.filter((m) => m.type === 'error').map((m) => `line ${m.lineNum}: ${m.message}`);
          if (lines.length > 0) detail = `${lines.join('; ')} — ${detail}`;
        } catch { /* compilation info is a nicety */ }
        // First in line: the batch errors it causes only say the pipeline is invalid.
        this.#errors.unshift({ message: `webgpu kernel '${spec.kernel}' (pipeline ${key}) failed to compile: ${detail}` });
      },
      () => { /* device lost */ },
    ).finally(() => this.#pendingPops.delete(pop));
    this.#pendingPops.add(pop);
    this.#pipelines.set(key, pipeline);
    return pipeline;
  }

  /** Number of cached pipelines (for tests and reports). */
  get pipelineCount(): number { return this.#pipelines.size; }
}

export { sizeClass };
