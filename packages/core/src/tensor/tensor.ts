/**
 * Tensor and Variable: immutable handles to reference-counted backend storage.
 */
import type { Backend, DType, Shape, Storage, TypedArray } from '../backend/contract.js';
import { shapeToString, sizeOf } from '../util/shape.js';
import { engine } from '../engine/engine.js';

/** Nested arrays of numbers (or booleans), as returned by `array()`. */
export type NestedArray = number | boolean | NestedArray[];

/** One block of storage and how many tensor handles point at it. */
export interface StorageRecord {
  readonly storage: Storage;
  readonly backend: Backend;
  readonly bytes: number;
  refs: number;
}

/**
 * An n-dimensional array on one backend. Ops never change a tensor; they return new ones.
 * Free it with `dispose()`, `using`, or by creating it inside `tidy`.
  * @example
  * const t = st.tensor([[1, 2, 3], [4, 5, 6]]);
  * t.shape;                 // [2, 3]
  * t.dtype;                 // 'float32'
  * await t.data();          // Float32Array [1, 2, 3, 4, 5, 6]
  * await t.array();         // [[1, 2, 3], [4, 5, 6]]
  * t.dispose();
 */
export class Tensor implements Disposable {
  /** Identity of the value; aliases held by gradient tapes share it. */
  readonly id: number;
  /** Dimensions; `[]` for a scalar. */
  readonly shape: readonly number[];
  /** Element type: `float32`, `int32` or `bool`. */
  readonly dtype: DType;
  /** Number of elements. */
  readonly size: number;
  /** @internal */
  record: StorageRecord;
  /** @internal */
  disposedFlag = false;
  /** @internal kept tensors survive the tidy scope they were made in. */
  kept = false;

  /** @internal Use `st.tensor()` and ops to make tensors. */
  constructor(id: number, shape: Shape, dtype: DType, record: StorageRecord) {
    this.id = id;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.size = sizeOf(shape);
    this.record = record;
  }

  /** Number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  /** Whether `dispose()` was called (or the enclosing `tidy` freed it). */
  get isDisposed(): boolean {
    return this.disposedFlag;
  }

  /** Name of the backend that holds the storage. */
  get backendName(): string {
    return this.record.backend.name;
  }

  /** @internal */
  assertUsable(op: string, arg: string): void {
    if (this.disposedFlag) {
      throw new Error(`${op}: argument '${arg}' (${this.describe()}) was already disposed`);
    }
  }

  /** `float32[2,3]`: for error messages. */
  describe(): string {
    return `${this.dtype}${shapeToString(this.shape)}`;
  }

  /** Reads the values (a copy) from any backend. */
  async data(): Promise<TypedArray> {
    this.assertUsable('data', 'this');
    return this.record.backend.read(this.record.storage);
  }

  /** Reads the values synchronously; only on backends that offer `readSync` (cpu, wasm). */
  dataSync(): TypedArray {
    this.assertUsable('dataSync', 'this');
    const backend = this.record.backend;
    if (!backend.readSync) {
      throw new Error(`dataSync: backend '${backend.name}' cannot read synchronously; use await tensor.data()`);
    }
    return backend.readSync(this.record.storage);
  }

  /** The values as nested arrays (bool as 0/1). */
  async array(): Promise<NestedArray> {
    return toNested(await this.data(), this.shape);
  }

  /** Synchronous `array()`, where the backend allows. */
  arraySync(): NestedArray {
    return toNested(this.dataSync(), this.shape);
  }

  /** Frees this handle; the storage goes when its last handle does. Safe to call twice. */
  dispose(): void {
    engine().disposeTensor(this);
  }

  /** Disposes the tensor at the end of a `using` block. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  /** Short description plus values when they can be read synchronously. */
  toString(): string {
    if (this.disposedFlag) return `Tensor ${this.describe()} (disposed)`;
    if (!this.record.backend.readSync || this.size > 1000) return `Tensor ${this.describe()}`;
    return `Tensor ${this.describe()} ${JSON.stringify(this.arraySync())}`;
  }
}

/**
 * A mutable tensor: model weights and optimizer state. Not freed by `tidy`; `assign` replaces its
 * value in place (same shape and dtype).
  * @example
  * const v = st.variable(st.zeros([2]), true, 'counter');
  * v.assign(st.add(v, 1));    // v is now [1, 1]
  * v.dispose();
 */
export class Variable extends Tensor {
  /** A unique name (`<layer>/<weight>` for layer weights). */
  readonly name: string;
  /** Whether gradients flow to it (`variableGrads` collects trainable variables). */
  trainable: boolean;

  /** @internal Use `st.variable()`. */
  constructor(id: number, shape: Shape, dtype: DType, record: StorageRecord, name: string, trainable: boolean) {
    super(id, shape, dtype, record);
    this.name = name;
    this.trainable = trainable;
  }

  /** Replaces the value with `value`'s (which must have the same shape and dtype). */
  assign(value: Tensor): void {
    this.assertUsable('assign', 'this');
    value.assertUsable('assign', 'value');
    if (value.dtype !== this.dtype || value.shape.length !== this.shape.length || value.shape.some((d, i) => d !== this.shape[i])) {
      throw new Error(`assign: variable '${this.name}' is ${this.describe()} but value is ${value.describe()}`);
    }
    engine().reassign(this, value);
  }

  override dispose(): void {
    engine().disposeVariable(this);
  }
}

function toNested(values: TypedArray, shape: Shape): NestedArray {
  if (shape.length === 0) return values[0]!;
  const build = (offset: number, dim: number): NestedArray[] => {
    const n = shape[dim]!;
    const out: NestedArray[] = [];
    if (dim === shape.length - 1) {
      for (let i = 0; i < n; i++) out.push(values[offset + i]!);
      return out;
    }
    const stride = sizeOf(shape.slice(dim + 1));
    for (let i = 0; i < n; i++) out.push(build(offset + i * stride, dim + 1));
    return out;
  };
  return build(0, 0);
}
