/**
 * The functions csrc/*.c export, as JS sees them. Pointers are byte offsets into the module's
 * memory; wasm returns them as signed int32, so callers apply `>>> 0` before using one.
 */

/** The part of `WebAssembly.Memory` this package uses (no DOM typings needed). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}

/** A mutable wasm global as JS sees it. */
export interface WasmGlobal {
  value: number;
}

export interface StrataExports {
  /** The module's memory (exported by strata.wasm; the shared memory imported by strata-threads.wasm). */
  readonly memory: WasmMemory;
  /** Only strata-threads.wasm exports it: each worker's instance moves it to its own stack. */
  readonly __stack_pointer?: WasmGlobal;
  // heap.c
  st_malloc(bytes: number): number;
  st_free(ptr: number): void;
  st_block_bytes(ptr: number): number;
  st_failed_bytes(): number;
  st_heap_top(): number;
  st_args(): number;
  // elementwise.c
  st_fill32(out: number, n: number, bits: number): void;
  st_fill8(out: number, n: number, value: number): void;
  st_copy(dst: number, src: number, bytes: number): void;
  st_cast(src: number, dst: number, n: number, from: number, to: number): void;
  st_unary_f32(op: number, x: number, out: number, n: number): void;
  st_unary_i32(op: number, x: number, out: number, n: number): void;
  st_isnan(x: number, out: number, n: number): void;
  st_not(x: number, out: number, n: number): void;
  st_binary(op: number, dtype: number, a: number, b: number, out: number, rank: number): number;
  st_where(esize: number, cond: number, a: number, b: number, out: number, rank: number): void;
  // reduce.c
  st_reduce_rows(op: number, dtype: number, x: number, out: number, outer: number, len: number): void;
  st_reduce_cols(op: number, dtype: number, x: number, out: number, outer: number, len: number, inner: number): void;
  st_arg_reduce(isMax: number, dtype: number, x: number, out: number, outer: number, len: number, inner: number): void;
  // movement.c
  st_copy_strided(esize: number, src: number, dst: number, rank: number): void;
  st_transpose2d(esize: number, src: number, dst: number, batch: number, rows: number, cols: number): void;
  st_concat_part(src: number, dst: number, outer: number, chunk: number, row: number, offset: number): void;
  st_gather(esize: number, x: number, indices: number, out: number, outer: number, len: number, count: number, inner: number): void;
  st_scatter_add(dtype: number, updates: number, indices: number, out: number, outer: number, size: number, count: number, inner: number): void;
  // threads.c (the single-threaded build has them too: st_threads_init then answers 1)
  st_threads_init(threads: number, canBlock: number): number;
  st_threads_set(threads: number, minWork: number): number;
  st_threads_quit(): void;
  st_worker_loop(tid: number, seen: number): void;
  st_worker_failed(): void;
  st_job_seq(): number;
  st_thread_error(): number;
  st_par_dispatches(): number;
  // gemm.c
  st_gemm_batch(m: number, n: number, k: number, a: number, rsA: number, csA: number, b: number, rsB: number, csB: number,
    c: number, count: number, offsets: number): void;
  st_gemm(m: number, n: number, k: number, a: number, rsA: number, csA: number, b: number, rsB: number, csB: number,
    c: number, ldc: number, accumulate: number): void;
  // conv.c
  st_conv2d(x: number, filter: number, out: number): number;
  st_conv2d_backprop_input(dy: number, filter: number, dx: number): number;
  st_conv2d_backprop_filter(x: number, dy: number, dw: number): number;
  st_depthwise_conv2d(x: number, filter: number, out: number): void;
  // pool.c
  st_max_pool(x: number, out: number): void;
  st_max_pool_backprop(dy: number, x: number, dx: number): void;
  st_avg_pool(x: number, out: number): void;
  st_avg_pool_backprop(dy: number, dx: number): void;
  // norm.c
  st_softmax(x: number, out: number, rows: number, len: number, log: number): void;
  st_layer_norm(x: number, gamma: number, beta: number, out: number, rows: number, len: number, epsilon: number): void;
  st_batch_norm(x: number, mean: number, variance: number, offset: number, scale: number, out: number, rows: number, len: number, epsilon: number): void;
  st_scale_add(s: number, n: number, scale: number, add: number): void;
  st_bias_act(c: number, rows: number, n: number, bias: number, activation: number): void;
  // optim.c
  st_adam(p: number, g: number, m: number, v: number, po: number, mo: number, vo: number, n: number,
    stepSize: number, beta1: number, beta2: number, epsilon: number): void;
  st_sgd(p: number, g: number, v: number, po: number, vo: number, n: number, learningRate: number, momentum: number, nesterov: number): void;
}
