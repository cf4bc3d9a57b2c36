import { describe, expect, it } from 'vitest';
import { arrayHoldsDType } from '../src/index.js';
import type { DType, TypedArray } from '../src/index.js';

describe('arrayHoldsDType', () => {
  it('accepts exactly the typed array of each dtype', () => {
    const arrays: Array<[TypedArray, DType]> = [[new Float32Array(2), 'float32'], [new Int32Array(2), 'int32'], [new Uint8Array(2), 'bool']];
    for (const [values, holds] of arrays) {
      for (const dtype of ['float32', 'int32', 'bool'] as const) expect(arrayHoldsDType(values, dtype), `${values.constructor.name} as ${dtype}`).toBe(dtype === holds);
    }
    // Arrays outside the TypedArray type (a JavaScript caller) are refused for every dtype.
    for (const other of [new Float64Array(2), new Uint8ClampedArray(2), new Int16Array(2)]) {
      for (const dtype of ['float32', 'int32', 'bool'] as const) expect(arrayHoldsDType(other as unknown as TypedArray, dtype)).toBe(false);
    }
  });
});
