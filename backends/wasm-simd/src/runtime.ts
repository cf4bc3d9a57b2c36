/**
 * What every kernel file works with: the heap, the module's exports, and counted allocation of
 * output storage. Kernels allocate all their outputs before calling into wasm, and free them
 * again if the call fails, so an error never leaks storage.
 */
import type { DType, Shape, TensorInfo } from '@strata/core';
import { bytesPerElement, sizeOf } from '@strata/core';
import type { StrataExports } from './exports.js';
import { WasmHeap } from './heap.js';
import { WasmStorage, checkInfo } from './storage.js';

/** dtype codes shared with csrc/common.h. */
export const DTYPE_CODE: Readonly<Record<DType, number>> = { float32: 0, int32: 1, bool: 2 };

export class Runtime {
  readonly heap: WasmHeap;
  readonly wasm: StrataExports;
  #buffers = 0;
  #bytes = 0;

  constructor(exports: StrataExports) {
    this.wasm = exports;
    this.heap = new WasmHeap(exports);
  }

  get buffers(): number { return this.#buffers; }
  get bytes(): number { return this.#bytes; }

  /** New counted storage for `size` elements of `dtype`. */
  allocStorage(kernel: string, size: number, dtype: DType): WasmStorage {
    const ptr = this.heap.alloc(size * bytesPerElement(dtype), kernel);
    const storage = new WasmStorage(ptr, size, dtype, this);
    this.#buffers++;
    this.#bytes += storage.bytes;
    return storage;
  }

  /** A new output tensor of `shape` and `dtype` (values uninitialised). */
  output(kernel: string, shape: Shape, dtype: DType): TensorInfo & { readonly storage: WasmStorage } {
    return { storage: this.allocStorage(kernel, sizeOf(shape), dtype), shape: [...shape], dtype };
  }

  /** Returns storage to the heap. */
  release(storage: WasmStorage): void {
    this.heap.free(storage.release());
    this.#buffers--;
    this.#bytes -= storage.bytes;
  }

  /** Frees outputs made by a kernel that then failed, and rethrows. */
  fail(outputs: readonly TensorInfo[], err: unknown): never {
    for (const o of outputs) {
      const s = o.storage as WasmStorage;
      if (!s.isFreed) this.release(s);
    }
    throw err;
  }

  /** Byte offset of a live input's values, after checking it agrees with its TensorInfo. */
  ptr(info: TensorInfo, dtype?: DType): number {
    return checkInfo(info, this, dtype).ptr;
  }

  /** Uncounted scratch memory for one kernel call; free it with `freeScratch`. */
  scratch(bytes: number, kernel: string): number {
    return this.heap.alloc(bytes, kernel);
  }

  freeScratch(ptr: number): void {
    this.heap.free(ptr);
  }

  /**
   * Throws if a worker thread trapped while running part of `kernel` (the job still completed,
   * so memory is consistent; the outputs are not). Call after any kernel that may run threaded.
   */
  checkThreads(kernel: string, outputs: readonly TensorInfo[]): void {
    if (this.wasm.st_thread_error() !== 0) {
      this.fail(outputs, new Error(`wasm-simd backend: ${kernel} failed in a worker thread`));
    }
  }

  /** Throws the clear out-of-memory error for a kernel whose wasm code could not get scratch. */
  scratchFailed(kernel: string): never {
    throw new Error(
      `wasm-simd backend: ${kernel} could not allocate ${this.heap.failedScratchBytes()} bytes of scratch memory ` +
      `(WebAssembly memory is ${this.heap.size} bytes and cannot grow further)`,
    );
  }
}
