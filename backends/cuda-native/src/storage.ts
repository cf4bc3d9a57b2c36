/**
 * Storage of the cuda backend: a handle to one device buffer of the addon, with the checks that
 * turn engine bugs (use after free, a storage from another backend, dtype or size disagreeing with
 * its TensorInfo) into clear errors instead of wrong numbers or a crash.
 */
import type { DType, Storage, TensorInfo } from '@strata/core';
import { bytesPerElement, shapeToString, sizeOf } from '@strata/core';

export class CudaStorage {
  readonly dtype: DType;
  readonly length: number;
  readonly bytes: number;
  readonly owner: object;
  #id: number | null;

  constructor(id: number, length: number, dtype: DType, owner: object) {
    this.#id = id;
    this.length = length;
    this.dtype = dtype;
    this.bytes = length * bytesPerElement(dtype);
    this.owner = owner;
  }

  get isFreed(): boolean {
    return this.#id === null;
  }

  /** The addon's buffer id; throws once freed. */
  get id(): number {
    if (this.#id === null) throw new Error('cuda backend: storage used after it was freed');
    return this.#id;
  }

  /** Forgets the id and returns it; throws on a second call. */
  release(): number {
    if (this.#id === null) throw new Error('cuda backend: storage freed twice');
    const id = this.#id;
    this.#id = null;
    return id;
  }
}

/**
 * Narrows an opaque storage handle to a storage of `owner` (a live one unless `mayBeFreed`), or
 * throws saying why not.
 */
export function asCudaStorage(storage: Storage, owner: object, what: string, mayBeFreed = false): CudaStorage {
  if (!(storage instanceof CudaStorage) || storage.owner !== owner) {
    throw new Error(`cuda backend: ${what}: storage was not made by this cuda backend`);
  }
  if (!mayBeFreed && storage.isFreed) throw new Error(`cuda backend: ${what}: storage used after it was freed`);
  return storage;
}

/** The buffer id behind a TensorInfo, after checking it is live and agrees with dtype and shape. */
export function idOf(info: TensorInfo, owner: object, what: string): number {
  const storage = asCudaStorage(info.storage, owner, what);
  if (storage.dtype !== info.dtype) {
    throw new Error(`cuda backend: ${what}: storage holds ${storage.dtype} but the tensor says ${info.dtype}`);
  }
  if (storage.length !== sizeOf(info.shape)) {
    throw new Error(`cuda backend: ${what}: storage holds ${storage.length} elements but shape ${shapeToString(info.shape)} needs ${sizeOf(info.shape)}`);
  }
  return storage.id;
}
