/**
 * Matrix products: batched matMul with broadcast batch dims, and dot.
 */
import { engine } from '../engine/engine.js';
import type { Tensor } from '../tensor/tensor.js';
import { broadcastShapes, shapeToString } from '../util/shape.js';
import { assertDType, toTensor, type TensorLike } from './convert.js';
import { cast } from './creation.js';
import { sumToShape } from './reduction.js';
import { reshape } from './reshape.js';

/**
 * Matrix product of the last two dims, batched over the leading ones (which broadcast).
 * Rank-1 operands are treated as a row (a) or column (b) vector, and that dim is dropped again.
 * int32 operands are computed in float32.
  * @example
  * const a = st.randomNormal([2, 3, 4]);          // a batch of two 3×4 matrices
  * const b = st.randomNormal([4, 5]);             // broadcast over the batch
  * const c = st.matMul(a, b);                     // [2, 3, 5]
  * const d = st.matMul(a, a, false, true);        // a · aᵀ: [2, 3, 3]
 */
export function matMul(a: TensorLike, b: TensorLike, transposeA = false, transposeB = false): Tensor {
  const ta = toTensor(a, 'a', 'matMul');
  const tb = toTensor(b, 'b', 'matMul');
  for (const [t, name] of [[ta, 'a'], [tb, 'b']] as const) {
    assertDType(t, ['float32', 'int32'], name, 'matMul');
    if (t.rank === 0) throw new Error(`matMul: ${name} must have at least one dimension, got a scalar (a is ${shapeToString(ta.shape)}, b is ${shapeToString(tb.shape)})`);
  }
  return engine().tidy(() => {
    let a2 = ta.dtype === 'float32' ? ta : cast(ta, 'float32');
    let b2 = tb.dtype === 'float32' ? tb : cast(tb, 'float32');
    const vectorA = a2.rank === 1;
    const vectorB = b2.rank === 1;
    if (vectorA) a2 = reshape(a2, transposeA ? [a2.size, 1] : [1, a2.size]);
    if (vectorB) b2 = reshape(b2, transposeB ? [1, b2.size] : [b2.size, 1]);
    const [m, kA] = transposeA ? [a2.shape[a2.rank - 1]!, a2.shape[a2.rank - 2]!] : [a2.shape[a2.rank - 2]!, a2.shape[a2.rank - 1]!];
    const [kB, n] = transposeB ? [b2.shape[b2.rank - 1]!, b2.shape[b2.rank - 2]!] : [b2.shape[b2.rank - 2]!, b2.shape[b2.rank - 1]!];
    if (kA !== kB) {
      throw new Error(`matMul: inner dimensions differ: a is ${shapeToString(ta.shape)}${transposeA ? ' (transposed)' : ''}, b is ${shapeToString(tb.shape)}${transposeB ? ' (transposed)' : ''}`);
    }
    const batch = broadcastShapes(a2.shape.slice(0, -2), b2.shape.slice(0, -2));
    if (!batch) {
      throw new Error(`matMul: batch dimensions do not broadcast: a is ${shapeToString(ta.shape)}, b is ${shapeToString(tb.shape)}`);
    }
    const y = engine().runKernel('matMul', [a2, b2], (backend, [ia, ib]) => backend.matMul(ia!, ib!, transposeA, transposeB), (dys, [x, w], _outputs, needed) => {
      const dy = dys[0]!;
      // Each case is the product rule for y = op(a)·op(b), written without materialising transposes.
      const da = !needed[0] ? null
        : !transposeA && !transposeB ? matMul(dy, w!, false, true)
        : !transposeA ? matMul(dy, w!)
        : !transposeB ? matMul(w!, dy, false, true)
        : matMul(w!, dy, true, true);
      const db = !needed[1] ? null
        : !transposeA && !transposeB ? matMul(x!, dy, true, false)
        : !transposeA ? matMul(dy, x!, true, false)
        : !transposeB ? matMul(x!, dy)
        : matMul(dy, x!, true, true);
      return [da && sumToShape(da, x!.shape), db && sumToShape(db, w!.shape)];
    })[0]!;
    const outShape = [...batch, ...(vectorA ? [] : [m]), ...(vectorB ? [] : [n])];
    return vectorA || vectorB ? reshape(y, outShape) : y;
  });
}

/** Dot product of vectors, or matrix-vector / matrix-matrix product (ranks 1 and 2 only). */
export function dot(a: TensorLike, b: TensorLike): Tensor {
  const ta = toTensor(a, 'a', 'dot');
  const tb = toTensor(b, 'b', 'dot');
  if (ta.rank < 1 || ta.rank > 2 || tb.rank < 1 || tb.rank > 2) {
    throw new Error(`dot: both operands must be rank 1 or 2: a is ${shapeToString(ta.shape)}, b is ${shapeToString(tb.shape)}`);
  }
  return matMul(ta, tb);
}

/** Outer product of two vectors. */
export function outerProduct(a: TensorLike, b: TensorLike): Tensor {
  const ta = toTensor(a, 'a', 'outerProduct');
  const tb = toTensor(b, 'b', 'outerProduct');
  if (ta.rank !== 1 || tb.rank !== 1) throw new Error(`outerProduct: both operands must be vectors: a is ${shapeToString(ta.shape)}, b is ${shapeToString(tb.shape)}`);
  return engine().tidy(() => matMul(reshape(ta, [ta.size, 1]), reshape(tb, [1, tb.size])));
}
