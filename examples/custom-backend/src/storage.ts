/**
 * Storage: one block of memory per tensor. Core treats it as an opaque handle; this backend keeps
 * a plain typed array in it. A GPU backend would keep a device buffer here instead.
 */
import type { DType, Storage, TypedArray } from '@strata/core';

/** The storage handle this backend gives core. */
export class Block {
  constructor(readonly values: TypedArray) {}
}

/** The values inside a handle, refusing handles made by another backend. */
export function valuesOf(storage: Storage): TypedArray {
  if (!(storage instanceof Block)) throw new Error('my-backend: got storage that another backend made');
  return storage.values;
}

/** A zeroed typed array of the type that holds `dtype` (bool is one byte per element). */
export function allocate(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case 'float32': return new Float32Array(size);
    case 'int32': return new Int32Array(size);
    case 'bool': return new Uint8Array(size);
  }
}
