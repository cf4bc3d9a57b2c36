/**
 * The JS side of the module's heap: allocation with clear errors, and typed-array views that
 * are re-created whenever the memory has grown. Growing a non-shared WebAssembly.Memory detaches
 * its old ArrayBuffer, so a view must never be cached across a call that may allocate: every
 * getter here checks the buffer first (one comparison).
 */
import type { StrataExports } from './exports.js';

/** wasm32 addresses at most 4 GiB; st_malloc takes a 32-bit size. */
const MAX_REQUEST = 2 ** 32 - 64;

export class WasmHeap {
  readonly exports: StrataExports;
  #buffer: ArrayBuffer;
  #f32: Float32Array;
  #i32: Int32Array;
  #u32: Uint32Array;
  #u8: Uint8Array;
  readonly #argsPtr: number;

  constructor(exports: StrataExports) {
    this.exports = exports;
    this.#buffer = exports.memory.buffer;
    this.#f32 = new Float32Array(this.#buffer);
    this.#i32 = new Int32Array(this.#buffer);
    this.#u32 = new Uint32Array(this.#buffer);
    this.#u8 = new Uint8Array(this.#buffer);
    this.#argsPtr = exports.st_args() >>> 0;
  }

  #refresh(): void {
    const buffer = this.exports.memory.buffer;
    if (buffer === this.#buffer) return;
    this.#buffer = buffer;
    this.#f32 = new Float32Array(buffer);
    this.#i32 = new Int32Array(buffer);
    this.#u32 = new Uint32Array(buffer);
    this.#u8 = new Uint8Array(buffer);
  }

  get f32(): Float32Array { this.#refresh(); return this.#f32; }
  get i32(): Int32Array { this.#refresh(); return this.#i32; }
  get u32(): Uint32Array { this.#refresh(); return this.#u32; }
  get u8(): Uint8Array { this.#refresh(); return this.#u8; }

  /** Bytes of linear memory the module has now (it only ever grows). */
  get size(): number { return this.exports.memory.buffer.byteLength; }

  /**
   * Allocates `bytes` (16-byte aligned) or throws an Error naming `kernel` and the request.
   * Never returns 0.
   */
  alloc(bytes: number, kernel: string): number {
    const ptr = bytes <= MAX_REQUEST ? this.exports.st_malloc(bytes) >>> 0 : 0;
    if (ptr === 0) {
      throw new Error(
        `wasm-simd backend: ${kernel} could not allocate ${bytes} bytes (WebAssembly memory is ${this.size} bytes and cannot grow further)`,
      );
    }
    return ptr;
  }

  free(ptr: number): void {
    this.exports.st_free(ptr);
  }

  /** Writes int32 arguments (shapes, strides, geometry) into the module's argument area. */
  setArgs(values: readonly number[]): void {
    if (values.length > 512) throw new Error(`wasm-simd backend: ${values.length} arguments exceed the argument area`);
    this.i32.set(values, this.#argsPtr >>> 2);
  }

  /** The bytes of scratch memory a kernel last failed to get. */
  failedScratchBytes(): number {
    return this.exports.st_failed_bytes() >>> 0;
  }
}
