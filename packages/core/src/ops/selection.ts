/**
 * Elementwise selection: where and clipByValue.
 */
import { engine } from '../engine/engine.js';
import type { Tensor } from '../tensor/tensor.js';
import { broadcastShapes, shapeToString } from '../util/shape.js';
import { assertDType, toTensor, type TensorLike } from './convert.js';
import { binaryOperands, maximum, minimum } from './binary.js';
import { zerosLike } from './creation.js';
import { sumToShape } from './reduction.js';

/**
 * `condition ? a : b` elementwise, with broadcasting of all three.
 * @example
 * const x = st.tensor([-1, 2, -3]);
 * const y = st.where(st.greater(x, 0), x, st.zerosLike(x));  // [0, 2, 0]
 */
export function where(condition: TensorLike, a: TensorLike, b: TensorLike): Tensor {
  const cond = toTensor(condition, 'condition', 'where');
  assertDType(cond, ['bool'], 'condition', 'where');
  return engine().tidy(() => {
    const [ta, tb] = binaryOperands('where', a, b, ['float32', 'int32', 'bool']);
    const outShape = broadcastShapes(ta.shape, tb.shape);
    if (!outShape || !broadcastShapes(cond.shape, outShape)) {
      throw new Error(`where: shapes do not broadcast: condition is ${shapeToString(cond.shape)}, a is ${shapeToString(ta.shape)}, b is ${shapeToString(tb.shape)}`);
    }
    return engine().runKernel('where', [cond, ta, tb], (backend, [c, x, y]) => backend.where(c!, x!, y!), (dys, [c, x, y]) => {
      const dy = dys[0]!;
      const zero = zerosLike(dy);
      return [null, sumToShape(where(c!, dy, zero), x!.shape), sumToShape(where(c!, zero, dy), y!.shape)];
    })[0]!;
  });
}

/** Limits values to `[min, max]`; the gradient passes where x is inside the range. */
export function clipByValue(x: TensorLike, min: number, max: number): Tensor {
  const t = toTensor(x, 'x', 'clipByValue');
  if (!(min <= max)) throw new Error(`clipByValue: min ${min} must not exceed max ${max} (x is ${t.describe()})`);
  return engine().tidy(() => minimum(maximum(t, min), max));
}
