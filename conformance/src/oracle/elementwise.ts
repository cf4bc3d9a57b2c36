/** Oracle versions of fill, cast, unary, binary and where. */
import { BINARY_OPS, UNARY_OPS } from '../contract.js';
import type { BinaryOp, DType, UnaryOp } from '../contract.js';
import { binaryScalar, castScalar, unaryScalar } from './scalar.js';
import { make, mapBroadcast, numel } from './tensor.js';
import type { OTensor } from './tensor.js';

export function fill(shape: readonly number[], value: number, dtype: DType): OTensor {
  return make(shape, dtype, new Float64Array(numel(shape)).fill(castScalar(value, dtype)));
}

export function cast(x: OTensor, dtype: DType): OTensor {
  return make(x.shape, dtype, x.data.map((v) => castScalar(v, dtype)));
}

export function unary(op: UnaryOp, x: OTensor): OTensor {
  const spec = UNARY_OPS[op].output;
  const outDtype = spec === 'same' ? x.dtype : spec;
  return make(x.shape, outDtype, x.data.map((v) => unaryScalar(op, x.dtype, v)));
}

export function binary(op: BinaryOp, a: OTensor, b: OTensor): OTensor {
  const spec = BINARY_OPS[op].output;
  const outDtype = spec === 'same' ? a.dtype : spec;
  return mapBroadcast([a, b], outDtype, ([x, y]) => binaryScalar(op, a.dtype, x!, y!));
}

export function where(cond: OTensor, a: OTensor, b: OTensor): OTensor {
  return mapBroadcast([cond, a, b], a.dtype, ([c, x, y]) => (c !== 0 ? x! : y!));
}
