/**
 * Storage of the wasm backend: one heap block per tensor, plus checks that turn engine bugs
 * (use after free, double free, a storage whose dtype or size disagrees with its TensorInfo)
 * into clear errors instead of reading someone else's memory.
 */
import type { DType, Storage, TensorInfo } from '@strata/core';
import { bytesPerElement, shapeToString, sizeOf } from '@strata/core';

/** One block of the module's heap. Only the wasm backend looks inside. */
export class WasmStorage {
  readonly dtype: DType;
  readonly length: number;
  /** Bytes the tensor's values take (what `memory().bytes` counts). */
  readonly bytes: number;
  /** The runtime whose heap holds the block. */
  readonly owner: object;
  #ptr: number;

  constructor(ptr: number, length: number, dtype: DType, owner: object) {
    this.#ptr = ptr;
    this.length = length;
    this.dtype = dtype;
    this.bytes = length * bytesPerElement(dtype);
    this.owner = owner;
  }

  get isFreed(): boolean {
    return this.#ptr === 0;
  }

  /** Byte offset of the values in the module's memory; throws once freed. */
  get ptr(): number {
    if (this.#ptr === 0) throw new Error('wasm-simd backend: storage used after it was freed');
    return this.#ptr;
  }

  /** Forgets the block (the caller returns it to the heap); throws on a second call. */
  release(): number {
    const ptr = this.#ptr;
    if (ptr === 0) throw new Error('wasm-simd backend: storage freed twice');
    this.#ptr = 0;
    return ptr;
  }
}

/** Narrows an opaque storage handle to a wasm storage, or throws saying why not. */
export function asWasmStorage(storage: Storage, owner: object): WasmStorage {
  if (!(storage instanceof WasmStorage)) throw new Error('wasm-simd backend: storage was not made by the wasm-simd backend');
  if (storage.owner !== owner) throw new Error('wasm-simd backend: storage belongs to another wasm-simd backend instance');
  return storage;
}

/** Checks that a TensorInfo's storage is live and agrees with its dtype and shape. */
export function checkInfo(info: TensorInfo, owner: object, dtype?: DType): WasmStorage {
  const storage = asWasmStorage(info.storage, owner);
  if (storage.isFreed) throw new Error('wasm-simd backend: storage used after it was freed');
  if (storage.dtype !== info.dtype) {
    throw new Error(`wasm-simd backend: storage holds ${storage.dtype} but the tensor says ${info.dtype}`);
  }
  if (dtype !== undefined && info.dtype !== dtype) {
    throw new Error(`wasm-simd backend: expected a ${dtype} tensor, got ${info.dtype}`);
  }
  if (storage.length !== sizeOf(info.shape)) {
    throw new Error(
      `wasm-simd backend: storage holds ${storage.length} elements but shape ${shapeToString(info.shape)} needs ${sizeOf(info.shape)}`,
    );
  }
  return storage;
}
