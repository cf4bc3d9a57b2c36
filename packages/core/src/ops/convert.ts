/**
 * Turning user values (numbers, nested arrays, typed arrays) into tensors, and the dtype rules ops
 * share.
 */
import type { DType, TypedArray } from '../backend/contract.js';
import { activeBackend } from '../backend/registry.js';
import { engine } from '../engine/engine.js';
import { Tensor } from '../tensor/tensor.js';
import { allocArray, dtypeOfArray, shapeToString, sizeOf } from '../util/shape.js';

/** Anything an op accepts where a tensor is expected. */
export type TensorLike = Tensor | number | boolean | TypedArray | readonly TensorLikeArray[];
/** Nested arrays of numbers or booleans. */
export type TensorLikeArray = number | boolean | readonly TensorLikeArray[];

/** Creates a tensor from flat values already in the right typed array. */
export function fromTypedArray(values: TypedArray, shape: readonly number[], dtype: DType): Tensor {
  const backend = activeBackend();
  const storage = backend.write(values, dtype);
  return engine().makeTensor({ storage, shape, dtype }, backend);
}

function inferShape(value: TensorLikeArray, op: string): number[] {
  const shape: number[] = [];
  let level: TensorLikeArray = value;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0] as TensorLikeArray;
  }
  // Every row must match the first one: ragged input is an error, not a silent reshape.
  const check = (v: TensorLikeArray, dim: number, path: string): void => {
    if (dim === shape.length) {
      if (Array.isArray(v)) throw new Error(`${op}: ragged nested array: element ${path} has more dimensions than element [0...]`);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[dim]) {
      throw new Error(`${op}: ragged nested array: element ${path || '(top)'} should have length ${shape[dim]} (shape ${shapeToString(shape)})`);
    }
    v.forEach((child: TensorLikeArray, i: number) => check(child, dim + 1, `${path}[${i}]`));
  };
  check(value, 0, '');
  return shape;
}

function flatten(value: TensorLikeArray, out: (number | boolean)[]): void {
  if (Array.isArray(value)) for (const v of value) flatten(v as TensorLikeArray, out);
  else out.push(value as number | boolean);
}

function inferDType(values: readonly (number | boolean)[] | TypedArray): DType {
  if (!Array.isArray(values)) return dtypeOfArray(values as TypedArray);
  return values.length > 0 && values.every((v) => typeof v === 'boolean') ? 'bool' : 'float32';
}

/**
 * Creates a tensor. `values` may be a number, a boolean, nested arrays or a typed array; `shape`
 * defaults to the nesting; `dtype` defaults to bool for booleans, the typed array's type, else float32.
 * @example st.tensor([[1, 2], [3, 4]])  // float32 [2,2]
 */
export function tensor(values: Exclude<TensorLike, Tensor>, shape?: readonly number[], dtype?: DType): Tensor {
  const op = 'tensor';
  let flat: readonly (number | boolean)[] | TypedArray;
  let inferred: number[];
  if (ArrayBuffer.isView(values)) {
    flat = values;
    inferred = [values.length];
  } else if (Array.isArray(values)) {
    inferred = inferShape(values as TensorLikeArray, op);
    const out: (number | boolean)[] = [];
    flatten(values as TensorLikeArray, out);
    flat = out;
  } else if (typeof values === 'number' || typeof values === 'boolean') {
    flat = [values];
    inferred = [];
  } else {
    throw new Error(`${op}: values must be a number, boolean, nested array or typed array, got ${typeof values}`);
  }
  const finalShape = shape ? [...shape] : inferred;
  for (const d of finalShape) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`${op}: shape ${shapeToString(finalShape)} has an invalid dimension ${d}`);
  }
  const size = sizeOf(finalShape);
  const finalDType = dtype ?? inferDType(flat);
  if (finalDType !== 'float32' && finalDType !== 'int32' && finalDType !== 'bool') {
    throw new Error(`${op}: unknown dtype '${String(finalDType)}' (use float32, int32 or bool)`);
  }
  // A single value fills any shape, as in tf.tensor(5, [2, 2]).
  if (flat.length !== size && !(flat.length === 1 && shape)) {
    throw new Error(`${op}: ${flat.length} values do not fit shape ${shapeToString(finalShape)} (${size} elements)`);
  }
  const data = allocArray(finalDType, size);
  for (let i = 0; i < size; i++) {
    const v = flat.length === 1 ? flat[0]! : flat[i]!;
    data[i] = finalDType === 'bool' ? (v ? 1 : 0) : Number(v);
  }
  return fromTypedArray(data, finalShape, finalDType);
}

/**
 * A rank-0 tensor.
 * @example
 * const lr = st.scalar(0.01);
 * const flag = st.scalar(true);   // bool
 */
export function scalar(value: number | boolean, dtype?: DType): Tensor {
  return tensor(value, [], dtype);
}

/**
 * Converts an op's argument to a tensor; a tensor passes through after a disposed check.
 * `dtypeHint` is used for plain numbers so that `add(intTensor, 2)` stays int32.
 */
export function toTensor(x: TensorLike, arg: string, op: string, dtypeHint?: DType): Tensor {
  if (x instanceof Tensor) {
    x.assertUsable(op, arg);
    return x;
  }
  if (x === null || x === undefined) throw new Error(`${op}: argument '${arg}' is ${String(x)}; expected a tensor`);
  let dtype: DType | undefined;
  if (typeof x === 'number' && dtypeHint === 'int32' && !Number.isInteger(x)) dtype = 'float32';
  else if (typeof x === 'number' && dtypeHint !== undefined && dtypeHint !== 'bool') dtype = dtypeHint;
  try {
    return tensor(x, undefined, dtype);
  } catch (err) {
    throw new Error(`${op}: argument '${arg}': ${(err as Error).message}`);
  }
}

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2 };

/** The dtype two operands promote to: bool < int32 < float32. */
export function upcast(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/** Throws unless `t` has one of `allowed` dtypes. */
export function assertDType(t: Tensor, allowed: readonly DType[], arg: string, op: string): void {
  if (!allowed.includes(t.dtype)) {
    throw new Error(`${op}: argument '${arg}' has dtype ${t.dtype} (shape ${shapeToString(t.shape)}); expected ${allowed.join(' or ')}`);
  }
}

/** Resolves a possibly negative axis against `rank`, with a clear error when out of range. */
export function normalizeAxis(axis: number, rank: number, op: string, arg = 'axis'): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new Error(`${op}: ${arg} ${axis} is out of range for a tensor of rank ${rank}`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** Resolves a list of axes (default: all), sorted and unique. */
export function normalizeAxes(axes: number | readonly number[] | undefined, rank: number, op: string): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : axes;
  const out = list.map((a) => normalizeAxis(a, rank, op));
  if (new Set(out).size !== out.length) throw new Error(`${op}: axes [${list.join(',')}] contain a duplicate`);
  return out.sort((a, b) => a - b);
}
