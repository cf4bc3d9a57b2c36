/**
 * Activation functions. Most are composites of elementwise ops (autodiff composes their
 * gradients); softmax and logSoftmax use the backend's optional kernels when present.
 */
import { engine } from '../engine/engine.js';
import type { Tensor } from '../tensor/tensor.js';
import { shapeToString } from '../util/shape.js';
import { normalizeAxis, type TensorLike } from './convert.js';
import { add, equal, greater, minimum, mul, sub, div } from './binary.js';
import { abs, erf, exp, expm1, log, log1p, neg, relu, sigmoid, tanh } from './unary.js';
import { max, sum } from './reduction.js';
import { where } from './selection.js';
import { transpose } from './movement.js';
import { scalarLike } from './creation.js';
import { compositeWithGradient, floatTensor, hasKernel } from './nn-util.js';

/** Runs `fn` on x as float32 inside a tidy. */
function activation(op: string, x: TensorLike, fn: (t: Tensor) => Tensor): Tensor {
  return engine().tidy(() => fn(floatTensor(x, 'x', op)));
}

function checkFinite(value: number, arg: string, op: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${op}: ${arg} must be a finite number, got ${String(value)}`);
}

/** `min(max(x, 0), 6)`. */
export const relu6 = (x: TensorLike): Tensor => activation('relu6', x, (t) => minimum(relu(t), 6));

/** `x` for x > 0, else `alpha * (e^x - 1)`. */
export function elu(x: TensorLike, alpha = 1): Tensor {
  checkFinite(alpha, 'alpha', 'elu');
  // expm1 of min(x, 0): the unused branch must not overflow to Infinity, or 0 * Infinity = NaN
  // would leak into the gradient.
  return activation('elu', x, (t) => where(greater(t, 0), t, mul(expm1(minimum(t, 0)), alpha)));
}

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/** Scaled ELU with the self-normalising constants of Klambauer et al. (2017). */
export const selu = (x: TensorLike): Tensor => activation('selu', x, (t) => mul(elu(t, SELU_ALPHA), SELU_SCALE));

/**
 * Gaussian error linear unit. Exact: `0.5 x (1 + erf(x / √2))`; `approximate`: the tanh form
 * `0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³)))`.
 */
export function gelu(x: TensorLike, approximate = false): Tensor {
  return activation('gelu', x, (t) => {
    const inner = approximate
      ? tanh(mul(add(t, mul(mul(mul(t, t), t), 0.044715)), Math.sqrt(2 / Math.PI)))
      : erf(mul(t, Math.SQRT1_2));
    return mul(mul(t, 0.5), add(inner, 1));
  });
}

/** `x * sigmoid(x)` (also called swish). */
export const silu = (x: TensorLike): Tensor => activation('silu', x, (t) => mul(t, sigmoid(t)));
/** Alias of {@link silu}. */
export const swish = silu;

/** `x` for x > 0, else `alpha * x`. */
export function leakyRelu(x: TensorLike, alpha = 0.2): Tensor {
  checkFinite(alpha, 'alpha', 'leakyRelu');
  return activation('leakyRelu', x, (t) => where(greater(t, 0), t, mul(t, alpha)));
}

/**
 * `log(1 + e^x)`, computed as `max(x, 0) + log1p(e^-|x|)` so it neither overflows nor loses small
 * values. The gradient is `sigmoid(x)` (given explicitly: the stable form has kinks at 0).
 */
export function softplus(x: TensorLike): Tensor {
  return activation('softplus', x, (t) =>
    compositeWithGradient('softplus', [t], () => add(relu(t), log1p(exp(neg(abs(t))))), (dys, [xi]) => [mul(dys[0]!, sigmoid(xi!))]));
}

/** `x / (1 + |x|)`. */
export const softsign = (x: TensorLike): Tensor => activation('softsign', x, (t) => div(t, add(abs(t), 1)));

/** Piecewise-linear sigmoid `relu6(x + 3) / 6` (the Keras 3 definition). */
export const hardSigmoid = (x: TensorLike): Tensor => activation('hardSigmoid', x, (t) => div(relu6(add(t, 3)), 6));

/** `x * tanh(softplus(x))` (Misra, 2019). */
export const mish = (x: TensorLike): Tensor => activation('mish', x, (t) => mul(t, tanh(softplus(t))));

/**
 * Moves `axis` to the end, applies `fn` to the last axis, and moves it back (the optional
 * kernels only work on the last axis).
 */
function onLastAxis(t: Tensor, axis: number, fn: (t: Tensor) => Tensor): Tensor {
  const last = t.rank - 1;
  if (axis === last) return fn(t);
  const perm = t.shape.map((_, i) => i);
  perm[axis] = last;
  perm[last] = axis;
  return transpose(fn(transpose(t, perm)), perm);
}

/** A max-shift that is constant for autodiff and 0 for rows that are not finite (IEEE results). */
function stableShift(t: Tensor, axis: number): Tensor {
  return engine().withoutTapes(() => {
    const m = max(t, axis, true);
    return where(equal(sub(m, m), scalarLike(0, m)), m, scalarLike(0, m));
  });
}

function checkSoftmaxInput(op: string, t: Tensor, axis: number): number {
  if (t.rank === 0) throw new Error(`${op}: x must have at least one dimension, got a scalar`);
  const a = normalizeAxis(axis, t.rank, op);
  if (t.shape[a] === 0) throw new Error(`${op}: axis ${a} of x ${shapeToString(t.shape)} is empty`);
  return a;
}

/**
 * `e^x / sum(e^x)` along `axis` (default: the last).
 * @example
 * const p = st.softmax(st.tensor([[1, 2, 3]]));  // each row sums to 1
 */
export function softmax(x: TensorLike, axis = -1): Tensor {
  const op = 'softmax';
  return activation(op, x, (t) => {
    const a = checkSoftmaxInput(op, t, axis);
    if (hasKernel('softmax')) {
      return onLastAxis(t, a, (u) => engine().runKernel('softmax', [u], (b, [i]) => b.softmax!(i!), (dys, _inputs, [y]) => {
        const dy = dys[0]!;
        return [mul(y!, sub(dy, sum(mul(dy, y!), -1, true)))];
      })[0]!);
    }
    const e = exp(sub(t, stableShift(t, a)));
    return div(e, sum(e, a, true));
  });
}

/** `x - log(sum(e^x))` along `axis` (default: the last), computed stably. */
export function logSoftmax(x: TensorLike, axis = -1): Tensor {
  const op = 'logSoftmax';
  return activation(op, x, (t) => {
    const a = checkSoftmaxInput(op, t, axis);
    if (hasKernel('logSoftmax')) {
      return onLastAxis(t, a, (u) => engine().runKernel('logSoftmax', [u], (b, [i]) => b.logSoftmax!(i!), (dys, _inputs, [y]) => {
        const dy = dys[0]!;
        return [sub(dy, mul(exp(y!), sum(dy, -1, true)))];
      })[0]!);
    }
    const shifted = sub(t, stableShift(t, a));
    return sub(shifted, log(sum(exp(shifted), a, true)));
  });
}
