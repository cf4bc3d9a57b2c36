/**
 * Elementwise ops of two inputs with NumPy broadcasting, each with its gradient.
 */
import { BINARY_OPS, type BinaryOp, type DType } from '../backend/contract.js';
import { engine } from '../engine/engine.js';
import { Tensor } from '../tensor/tensor.js';
import { broadcastShapes, shapeToString } from '../util/shape.js';
import { assertDType, toTensor, upcast, type TensorLike } from './convert.js';
import { cast, scalarLike, zerosLike } from './creation.js';
import { sumToShape } from './reduction.js';
import { floor, log, neg, square } from './unary.js';
import { where } from './selection.js';

type BinaryGradient = (dy: Tensor, a: Tensor, b: Tensor, y: Tensor) => [Tensor | null, Tensor | null];

/**
 * Converts both operands, checks that they broadcast, and promotes them to one dtype the kernel
 * accepts. A plain number takes the other operand's dtype (so `add(int32Tensor, 2)` stays int32).
 */
export function binaryOperands(op: string, a: TensorLike, b: TensorLike, allowed: readonly DType[]): [Tensor, Tensor] {
  const hintA = a instanceof Tensor ? a.dtype : undefined;
  const hintB = b instanceof Tensor ? b.dtype : undefined;
  const ta = toTensor(a, 'a', op, hintB);
  const tb = toTensor(b, 'b', op, hintA);
  if (!broadcastShapes(ta.shape, tb.shape)) {
    throw new Error(`${op}: shapes do not broadcast: a is ${shapeToString(ta.shape)}, b is ${shapeToString(tb.shape)}`);
  }
  let dtype = upcast(ta.dtype, tb.dtype);
  if (!allowed.includes(dtype)) {
    if (dtype === 'bool' && allowed.includes('int32')) dtype = 'int32';
    else if (allowed.includes('float32') && dtype !== 'bool') dtype = 'float32';
    else {
      const wrong = allowed.includes(ta.dtype) ? tb : ta;
      assertDType(wrong, allowed, wrong === ta ? 'a' : 'b', op);
    }
  }
  return [ta.dtype === dtype ? ta : cast(ta, dtype), tb.dtype === dtype ? tb : cast(tb, dtype)];
}

function binary(op: BinaryOp, a: TensorLike, b: TensorLike, gradient?: BinaryGradient): Tensor {
  const name = PUBLIC_NAME[op] ?? op;
  return engine().tidy(() => {
    const [ta, tb] = binaryOperands(name, a, b, BINARY_OPS[op].inputs);
    const grad = gradient && ((dys: readonly Tensor[], [ai, bi]: readonly Tensor[], [yi]: readonly Tensor[]) => {
      const [ga, gb] = gradient(dys[0]!, ai!, bi!, yi!);
      return [ga && sumToShape(ga, ai!.shape), gb && sumToShape(gb, bi!.shape)];
    });
    return engine().runKernel(name, [ta, tb], (backend, [ia, ib]) => backend.binary(op, ia!, ib!), grad)[0]!;
  });
}

const PUBLIC_NAME: Partial<Record<BinaryOp, string>> = { and: 'logicalAnd', or: 'logicalOr' };

/**
 * `a + b`.
 * @example
 * const y = st.add(st.tensor([[1, 2], [3, 4]]), st.tensor([10, 20]));  // broadcasts: [[11, 22], [13, 24]]
 */
export const add = (a: TensorLike, b: TensorLike): Tensor => binary('add', a, b, (dy) => [dy, dy]);
/** `a - b`. */
export const sub = (a: TensorLike, b: TensorLike): Tensor => binary('sub', a, b, (dy) => [dy, neg(dy)]);
/**
 * `a * b`.
 * @example
 * const y = st.mul(st.tensor([1, 2, 3]), 2);  // [2, 4, 6]
 */
export const mul = (a: TensorLike, b: TensorLike): Tensor => binary('mul', a, b, (dy, a, b) => [mul(dy, b), mul(dy, a)]);
/** `a / b` (true division: int32 operands give float32). */
export const div = (a: TensorLike, b: TensorLike): Tensor =>
  binary('div', a, b, (dy, a, b) => [div(dy, b), neg(div(mul(dy, a), square(b)))]);
/** `a ** b`. The gradient for b is taken as 0 where a ≤ 0 (where log a is undefined). */
export const pow = (a: TensorLike, b: TensorLike): Tensor =>
  binary('pow', a, b, (dy, a, b, y) => {
    const da = mul(dy, mul(b, pow(a, sub(b, scalarLike(1, b)))));
    const positive = greater(a, scalarLike(0, a));
    const safeLog = log(where(positive, a, scalarLike(1, a)));
    const db = where(positive, mul(dy, mul(y, safeLog)), zerosLike(y));
    return [da, db];
  });
/** Elementwise larger value (NaN propagates); the gradient goes to a on ties. */
export const maximum = (a: TensorLike, b: TensorLike): Tensor =>
  binary('maximum', a, b, (dy, a, b) => {
    const toA = cast(greaterEqual(a, b), dy.dtype);
    return [mul(dy, toA), mul(dy, sub(scalarLike(1, toA), toA))];
  });
/** Elementwise smaller value (NaN propagates); the gradient goes to a on ties. */
export const minimum = (a: TensorLike, b: TensorLike): Tensor =>
  binary('minimum', a, b, (dy, a, b) => {
    const toA = cast(lessEqual(a, b), dy.dtype);
    return [mul(dy, toA), mul(dy, sub(scalarLike(1, toA), toA))];
  });
/** Remainder with the divisor's sign (Python `%`). */
export const mod = (a: TensorLike, b: TensorLike): Tensor =>
  binary('mod', a, b, (dy, a, b) => [dy, mul(dy, neg(floor(div(a, b))))]);
/** `floor(a / b)`. */
export const floorDiv = (a: TensorLike, b: TensorLike): Tensor => binary('floorDiv', a, b, (dy, a, b) => [zerosLike(a), zerosLike(b)]);
/** Angle of the point (b, a): `atan(a / b)` in the right quadrant. */
export const atan2 = (a: TensorLike, b: TensorLike): Tensor =>
  binary('atan2', a, b, (dy, a, b) => {
    const denominator = add(square(a), square(b));
    return [div(mul(dy, b), denominator), div(mul(dy, neg(a)), denominator)];
  });
/** `(a - b)²`. */
export const squaredDifference = (a: TensorLike, b: TensorLike): Tensor => engine().tidy(() => square(sub(a, b)));

/** `a == b` (bool). */
export const equal = (a: TensorLike, b: TensorLike): Tensor => binary('equal', a, b);
/** `a != b` (bool). */
export const notEqual = (a: TensorLike, b: TensorLike): Tensor => binary('notEqual', a, b);
/** `a < b` (bool). */
export const less = (a: TensorLike, b: TensorLike): Tensor => binary('less', a, b);
/** `a <= b` (bool). */
export const lessEqual = (a: TensorLike, b: TensorLike): Tensor => binary('lessEqual', a, b);
/** `a > b` (bool). */
export const greater = (a: TensorLike, b: TensorLike): Tensor => binary('greater', a, b);
/** `a >= b` (bool). */
export const greaterEqual = (a: TensorLike, b: TensorLike): Tensor => binary('greaterEqual', a, b);
/** Logical and of bool tensors. */
export const logicalAnd = (a: TensorLike, b: TensorLike): Tensor => binary('and', a, b);
/** Logical or of bool tensors. */
export const logicalOr = (a: TensorLike, b: TensorLike): Tensor => binary('or', a, b);
