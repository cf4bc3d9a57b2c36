/**
 * Storage of the webgpu backend: one pooled GPU buffer per tensor. Every dtype takes 4 bytes per
 * element on the device (WGSL has no 8-bit storage): float32 as f32, int32 as i32, bool as u32
 * holding 0 or 1. `read` converts bool back to one byte per element.
 */
import type { DType, Storage, TensorInfo } from '@strata/core';
import { shapeToString, sizeOf } from '@strata/core';

/** Bytes one element takes on the device, for every dtype. */
export const DEVICE_BYTES_PER_ELEMENT = 4;

/** WGSL element type of each dtype's storage array. */
export const WGSL_TYPE: Readonly<Record<DType, 'f32' | 'i32' | 'u32'>> = { float32: 'f32', int32: 'i32', bool: 'u32' };

/** One tensor's device buffer. Only the webgpu backend looks inside. */
export class GpuStorage {
  readonly dtype: DType;
  readonly length: number;
  /** Bytes the values take on the device (what `memory().bytes` counts). */
  readonly bytes: number;
  /** The runtime (device) whose pool the buffer belongs to. */
  readonly owner: object;
  #buffer: GPUBuffer | null;

  constructor(buffer: GPUBuffer, length: number, dtype: DType, owner: object) {
    this.#buffer = buffer;
    this.length = length;
    this.dtype = dtype;
    this.bytes = length * DEVICE_BYTES_PER_ELEMENT;
    this.owner = owner;
  }

  get isFreed(): boolean {
    return this.#buffer === null;
  }

  /** The device buffer (possibly larger than `bytes`: pool size classes); throws once freed. */
  get buffer(): GPUBuffer {
    if (this.#buffer === null) throw new Error('webgpu backend: storage used after it was freed');
    return this.#buffer;
  }

  /** Forgets the buffer (the caller returns it to the pool); throws on a second call. */
  release(): GPUBuffer {
    const b = this.#buffer;
    if (b === null) throw new Error('webgpu backend: storage freed twice');
    this.#buffer = null;
    return b;
  }
}

/** Narrows an opaque storage handle to this backend's storage, or throws saying why not. */
export function asGpuStorage(storage: Storage, owner: object, kernel: string): GpuStorage {
  if (!(storage instanceof GpuStorage)) throw new Error(`webgpu ${kernel}: storage was not made by the webgpu backend`);
  if (storage.owner !== owner) {
    throw new Error(`webgpu ${kernel}: storage belongs to an earlier webgpu device (lost or re-initialised); its values are gone`);
  }
  return storage;
}

/** Checks that an input agrees with its TensorInfo (catches engine bugs before they read garbage). */
export function checkInfo(info: TensorInfo, owner: object, kernel: string): GpuStorage {
  const s = asGpuStorage(info.storage, owner, kernel);
  if (s.isFreed) throw new Error(`webgpu ${kernel}: input of shape ${shapeToString(info.shape)} was already freed`);
  if (s.dtype !== info.dtype) throw new Error(`webgpu ${kernel}: input storage holds ${s.dtype} but the tensor says ${info.dtype}`);
  if (s.length !== sizeOf(info.shape)) {
    throw new Error(`webgpu ${kernel}: input storage holds ${s.length} elements but shape ${shapeToString(info.shape)} needs ${sizeOf(info.shape)}`);
  }
  return s;
}
