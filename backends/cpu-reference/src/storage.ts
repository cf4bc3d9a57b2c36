/**
 * Storage of the cpu backend: one typed array per block, plus checks that turn engine bugs
 * (use after free, double free, a storage whose dtype or size disagrees with its TensorInfo)
 * into clear errors instead of silently wrong numbers.
 */
import type { DType, DTypeArrayMap, Shape, Storage, TensorInfo, TypedArray } from '@strata/core';
import { bytesPerElement, shapeToString, sizeOf } from '@strata/core';

/** One block of cpu memory. Only the cpu backend looks inside. */
export class CpuStorage {
  readonly dtype: DType;
  readonly bytes: number;
  /** The backend that counts this storage in its `memory()`. */
  readonly owner: object;
  #values: TypedArray | null;

  constructor(values: TypedArray, dtype: DType, owner: object) {
    this.#values = values;
    this.dtype = dtype;
    this.bytes = values.length * bytesPerElement(dtype);
    this.owner = owner;
  }

  get isFreed(): boolean {
    return this.#values === null;
  }

  /** The live values; throws once the storage has been freed. */
  get values(): TypedArray {
    if (this.#values === null) throw new Error('cpu backend: storage used after it was freed');
    return this.#values;
  }

  /** Drops the values; throws on a second call so double frees surface at once. */
  release(): void {
    if (this.#values === null) throw new Error('cpu backend: storage freed twice');
    this.#values = null;
  }
}

/** What a kernel computes: a new typed array with its shape and dtype. The backend wraps it. */
export interface KernelOutput {
  readonly shape: Shape;
  readonly dtype: DType;
  readonly values: TypedArray;
}

/** Narrows an opaque storage handle to a live cpu storage, or throws saying why not. */
export function asCpuStorage(storage: Storage): CpuStorage {
  if (!(storage instanceof CpuStorage)) {
    throw new Error('cpu backend: storage was not made by the cpu backend');
  }
  return storage;
}

/** The values behind a TensorInfo, after checking they are live and agree with its dtype and shape. */
export function valuesOf(info: TensorInfo): TypedArray {
  const storage = asCpuStorage(info.storage);
  const values = storage.values;
  if (storage.dtype !== info.dtype) {
    throw new Error(`cpu backend: storage holds ${storage.dtype} but the tensor says ${info.dtype}`);
  }
  if (values.length !== sizeOf(info.shape)) {
    throw new Error(
      `cpu backend: storage holds ${values.length} elements but shape ${shapeToString(info.shape)} needs ${sizeOf(info.shape)}`,
    );
  }
  return values;
}

/** `valuesOf` for a tensor that must have dtype `dtype`, typed accordingly. */
export function typedValuesOf<D extends DType>(info: TensorInfo, dtype: D): DTypeArrayMap[D] {
  if (info.dtype !== dtype) {
    throw new Error(`cpu backend: expected a ${dtype} tensor, got ${info.dtype}`);
  }
  return valuesOf(info) as DTypeArrayMap[D];
}

