/**
 * Elementwise ops of one input, each with its gradient.
 */
import { UNARY_OPS, type DType, type UnaryOp } from '../backend/contract.js';
import { engine } from '../engine/engine.js';
import type { Tensor } from '../tensor/tensor.js';
import { assertDType, toTensor, type TensorLike } from './convert.js';
import { add, div, greater, mul, sub } from './binary.js';
import { cast, scalarLike, zerosLike } from './creation.js';

type UnaryGradient = (dy: Tensor, x: Tensor, y: Tensor) => Tensor;

/** Runs a unary kernel; float-only ops promote int32/bool inputs to float32 first. */
function unary(op: UnaryOp, x: TensorLike, gradient?: UnaryGradient): Tensor {
  const input = toTensor(x, 'x', op);
  const allowed = UNARY_OPS[op].inputs;
  if (allowed.includes(input.dtype)) return runUnary(op, input, gradient);
  if (!allowed.includes('float32') || op === 'isNaN') {
    assertDType(input, allowed, 'x', op);
  }
  // int32/bool into a float-only op is computed in float32; bool into a numeric op in int32.
  return engine().tidy(() => runUnary(op, cast(input, promotionOf(allowed)), gradient));
}

function promotionOf(allowed: readonly DType[]): DType {
  return allowed.includes('int32') ? 'int32' : 'float32';
}

function runUnary(op: UnaryOp, x: Tensor, gradient?: UnaryGradient): Tensor {
  const grad = gradient && ((dys: readonly Tensor[], [xi]: readonly Tensor[], [yi]: readonly Tensor[]) => [gradient(dys[0]!, xi!, yi!)]);
  return engine().runKernel(op, [x], (b, [info]) => b.unary(op, info!), grad)[0]!;
}

const noGradient: UnaryGradient = (_dy, x) => zerosLike(x);

/** `-x`. */
export const neg = (x: TensorLike): Tensor => unary('neg', x, (dy) => neg(dy));
/** `|x|`. */
export const abs = (x: TensorLike): Tensor => unary('abs', x, (dy, x) => mul(dy, sign(x)));
/** -1, 0 or 1 by the sign of x (NaN stays NaN). */
export const sign = (x: TensorLike): Tensor => unary('sign', x, noGradient);
/** `e^x`. */
export const exp = (x: TensorLike): Tensor => unary('exp', x, (dy, _x, y) => mul(dy, y));
/** Natural logarithm. */
export const log = (x: TensorLike): Tensor => unary('log', x, (dy, x) => div(dy, x));
/** `log(1 + x)`, accurate for small x. */
export const log1p = (x: TensorLike): Tensor => unary('log1p', x, (dy, x) => div(dy, add(x, scalarLike(1, x))));
/** `e^x - 1`, accurate for small x. */
export const expm1 = (x: TensorLike): Tensor => unary('expm1', x, (dy, _x, y) => mul(dy, add(y, scalarLike(1, y))));
/** Square root. */
export const sqrt = (x: TensorLike): Tensor => unary('sqrt', x, (dy, _x, y) => div(dy, mul(y, scalarLike(2, y))));
/** `1 / sqrt(x)`. */
export const rsqrt = (x: TensorLike): Tensor => unary('rsqrt', x, (dy, x, y) => mul(dy, mul(div(y, x), scalarLike(-0.5, y))));
/** `x * x`. */
export const square = (x: TensorLike): Tensor => unary('square', x, (dy, x) => mul(dy, mul(x, scalarLike(2, x))));
/** `1 / x`. */
export const reciprocal = (x: TensorLike): Tensor => unary('reciprocal', x, (dy, _x, y) => neg(mul(dy, square(y))));
/** Sine. */
export const sin = (x: TensorLike): Tensor => unary('sin', x, (dy, x) => mul(dy, cos(x)));
/** Cosine. */
export const cos = (x: TensorLike): Tensor => unary('cos', x, (dy, x) => neg(mul(dy, sin(x))));
/** Hyperbolic tangent. */
export const tanh = (x: TensorLike): Tensor => unary('tanh', x, (dy, _x, y) => mul(dy, sub(scalarLike(1, y), square(y))));
/** Logistic function `1 / (1 + e^-x)`. */
export const sigmoid = (x: TensorLike): Tensor => unary('sigmoid', x, (dy, _x, y) => mul(dy, mul(y, sub(scalarLike(1, y), y))));
/** `max(x, 0)`. */
export const relu = (x: TensorLike): Tensor => unary('relu', x, (dy, x) => mul(dy, cast(greater(x, scalarLike(0, x)), dy.dtype)));
/** Gauss error function. */
export const erf = (x: TensorLike): Tensor =>
  unary('erf', x, (dy, x) => mul(dy, mul(exp(neg(square(x))), scalarLike(2 / Math.sqrt(Math.PI), x))));
/** Round toward -Infinity. */
export const floor = (x: TensorLike): Tensor => unary('floor', x, noGradient);
/** Round toward +Infinity. */
export const ceil = (x: TensorLike): Tensor => unary('ceil', x, noGradient);
/** Round to nearest, halves to even. */
export const round = (x: TensorLike): Tensor => unary('round', x, noGradient);
/** Logical not of a bool tensor. */
export const logicalNot = (x: TensorLike): Tensor => unary('not', x);
/** True where x is NaN. */
export const isNaN = (x: TensorLike): Tensor => {
  const t = toTensor(x, 'x', 'isNaN');
  if (t.dtype !== 'float32') return engine().tidy(() => cast(zerosLike(t), 'bool'));
  return unary('isNaN', t);
};
/** Tangent (sin / cos). */
export const tan = (x: TensorLike): Tensor => engine().tidy(() => {
  const t = toTensor(x, 'x', 'tan');
  return div(sin(t), cos(t));
});
