/** Oracle versions of fill, cast, unary, binary and where. */
import { BINARY_OPS, UNARY_OPS } from '../contract.js';
import type { BinaryOp, DType, UnaryOp } from '../contract.js';
import { binaryScalar, castScalar, unaryScalar } from './scalar.js';
import { make, mapBroadcast, numel } from './tensor.js';
import type { OTensor } from './tensor.js';

/** A tensor of `shape` filled with `value` as `dtype` stores it. */
export function fill(shape: readonly number[], value: number, dtype: DType): OTensor {
  return make(shape, dtype, new Float64Array(numel(shape)).fill(castScalar(value, dtype)));
}

/** Converts dtype as the contract says (float→int32 truncates, NaN→0; →bool is `x != 0`). */
export function cast(x: OTensor, dtype: DType): OTensor {
  return make(x.shape, dtype, x.data.map((v) => castScalar(v, dtype)));
}

/** Applies a unary op elementwise in float64, rounded to the output dtype. */
export function unary(op: UnaryOp, x: OTensor): OTensor {
  const spec = UNARY_OPS[op].output;
  const outDtype = spec === 'same' ? x.dtype : spec;
  return make(x.shape, outDtype, x.data.map((v) => unaryScalar(op, x.dtype, v)));
}

/** Applies a binary op elementwise with NumPy broadcasting, rounded to the output dtype. */
export function binary(op: BinaryOp, a: OTensor, b: OTensor): OTensor {
  const spec = BINARY_OPS[op].output;
  const outDtype = spec === 'same' ? a.dtype : spec;
  return mapBroadcast([a, b], outDtype, ([x, y]) => binaryScalar(op, a.dtype, x!, y!));
}

/** `cond ? a : b` elementwise, all three broadcast together. */
export function where(cond: OTensor, a: OTensor, b: OTensor): OTensor {
  return mapBroadcast([cond, a, b], a.dtype, ([c, x, y]) => (c !== 0 ? x! : y!));
}
