/**
 * Fused ops: matMul + bias + activation, and scaled dot-product attention. The optional kernels
 * have no gradient of their own, so they run only while no gradient tape is recording; training
 * uses the composites.
 */
import type { FusedActivation } from '../backend/contract.js';
import { engine } from '../engine/engine.js';
import type { Tensor } from '../tensor/tensor.js';
import { broadcastShapes, shapeToString } from '../util/shape.js';
import { toTensor, type TensorLike } from './convert.js';
import { add, mul } from './binary.js';
import { scalarLike } from './creation.js';
import { matMul } from './matmul.js';
import { broadcastTo } from './movement.js';
import { where } from './selection.js';
import { relu, sigmoid, tanh } from './unary.js';
import { softmax } from './activations.js';
import { canUseForwardOnlyKernel, floatTensor } from './nn-util.js';

/** Arguments of {@link fusedMatMul}. */
export interface FusedMatMulArgs {
  /** The left matrix (batched). */
  readonly a: TensorLike;
  /** The right matrix (batched). */
  readonly b: TensorLike;
  /** Use `a` transposed (last two axes). */
  readonly transposeA?: boolean;
  /** Use `b` transposed (last two axes). */
  readonly transposeB?: boolean;
  /** Added to the product (broadcasting, without growing it). */
  readonly bias?: TensorLike | null;
  /** Applied last; default 'linear'. */
  readonly activation?: FusedActivation;
}

const ACTIVATIONS: Readonly<Record<FusedActivation, (t: Tensor) => Tensor>> = {
  linear: (t) => t,
  relu,
  sigmoid,
  tanh,
};

/** `[...batch, m, n]` of a rank ≥ 2 product, or null when the operands do not fit. */
function productShape(a: Tensor, b: Tensor, transposeA: boolean, transposeB: boolean): number[] | null {
  if (a.rank < 2 || b.rank < 2) return null;
  const [m, kA] = transposeA ? [a.shape[a.rank - 1]!, a.shape[a.rank - 2]!] : [a.shape[a.rank - 2]!, a.shape[a.rank - 1]!];
  const [kB, n] = transposeB ? [b.shape[b.rank - 1]!, b.shape[b.rank - 2]!] : [b.shape[b.rank - 2]!, b.shape[b.rank - 1]!];
  const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2));
  return kA === kB && batch ? [...batch, m, n] : null;
}

/**
 * `activation(matMul(a, b) + bias)` in one call; uses the backend's fused kernel when it has one
 * (and no gradient is being recorded).
  * @example
  * const y = st.fusedMatMul({ a: st.randomNormal([32, 64]), b: st.randomNormal([64, 10]), bias: st.zeros([10]), activation: 'relu' });
 */
export function fusedMatMul(args: FusedMatMulArgs): Tensor {
  const op = 'fusedMatMul';
  if (args === null || typeof args !== 'object') throw new Error(`${op}: expects an object { a, b, transposeA?, transposeB?, bias?, activation? }`);
  const { transposeA = false, transposeB = false, activation = 'linear' } = args;
  if (!Object.hasOwn(ACTIVATIONS, activation)) {
    throw new Error(`${op}: unknown activation '${String(activation)}' (use ${Object.keys(ACTIVATIONS).join(', ')})`);
  }
  const apply = ACTIVATIONS[activation];
  return engine().tidy(() => {
    const a = floatTensor(args.a, 'a', op);
    const b = floatTensor(args.b, 'b', op);
    const bias = args.bias === undefined || args.bias === null ? null : floatTensor(args.bias, 'bias', op);
    const shape = productShape(a, b, transposeA, transposeB);
    if (bias && shape) {
      const out = broadcastShapes(shape, bias.shape);
      if (!out || out.length !== shape.length || out.some((d, i) => d !== shape[i])) {
        throw new Error(`${op}: bias ${shapeToString(bias.shape)} does not broadcast to the product ${shapeToString(shape)} (a is ${shapeToString(a.shape)}, b is ${shapeToString(b.shape)})`);
      }
    }
    if (shape && canUseForwardOnlyKernel('fusedMatMul')) {
      const inputs = bias ? [a, b, bias] : [a, b];
      return engine().runKernel(op, inputs, (backend, [ai, bi, biasInfo]) =>
        backend.fusedMatMul!(ai!, bi!, biasInfo ?? null, activation, transposeA, transposeB))[0]!;
    }
    const product = matMul(a, b, transposeA, transposeB);
    if (bias && !shape) {
      // Vector operands: matMul dropped a dim, so check the bias against what it produced.
      const out = broadcastShapes(product.shape, bias.shape);
      if (!out || out.length !== product.rank) {
        throw new Error(`${op}: bias ${shapeToString(bias.shape)} does not broadcast to the product ${shapeToString(product.shape)}`);
      }
    }
    return apply(bias ? add(product, bias) : product);
  });
}

/**
 * Scaled dot-product attention `softmax(q kᵀ · scale + mask) v` for q `[...batch, m, d]`,
 * k `[...batch, n, d]`, v `[...batch, n, e]` → `[...batch, m, e]`. `scale` defaults to `1/√d`.
 * `mask` broadcasts to `[...batch, m, n]`: a float mask is added to the scores; a bool mask keeps
 * the positions that are true (the others get -1e9).
  * @example
  * const q = st.randomNormal([2, 5, 8]);   // [batch, queries, depth]
  * const k = st.randomNormal([2, 7, 8]);   // [batch, keys, depth]
  * const v = st.randomNormal([2, 7, 16]);  // [batch, keys, values]
  * const out = st.dotProductAttention(q, k, v);  // [2, 5, 16]; scale defaults to 1/√depth
 */
export function dotProductAttention(q: TensorLike, k: TensorLike, v: TensorLike, mask?: TensorLike | null, scale?: number): Tensor {
  const op = 'dotProductAttention';
  return engine().tidy(() => {
    const qt = floatTensor(q, 'q', op);
    const kt = floatTensor(k, 'k', op);
    const vt = floatTensor(v, 'v', op);
    const shapes = (): string => `q is ${shapeToString(qt.shape)}, k is ${shapeToString(kt.shape)}, v is ${shapeToString(vt.shape)}`;
    if (qt.rank < 2 || kt.rank < 2 || vt.rank < 2) throw new Error(`${op}: q, k and v must have rank at least 2 (${shapes()})`);
    const d = qt.shape[qt.rank - 1]!;
    const n = kt.shape[kt.rank - 2]!;
    if (kt.shape[kt.rank - 1] !== d) throw new Error(`${op}: q and k must have the same last dim (${shapes()})`);
    if (vt.shape[vt.rank - 2] !== n) throw new Error(`${op}: k and v must have the same number of positions (dim -2) (${shapes()})`);
    const batchQK = broadcastShapes(qt.shape.slice(0, -2), kt.shape.slice(0, -2));
    const batch = batchQK && broadcastShapes(batchQK, vt.shape.slice(0, -2));
    if (!batch) throw new Error(`${op}: batch dims do not broadcast (${shapes()})`);
    const s = scale ?? 1 / Math.sqrt(d);
    if (typeof s !== 'number' || !Number.isFinite(s)) throw new Error(`${op}: scale must be a finite number, got ${String(scale)}`);
    const scoreShape = [...batch, qt.shape[qt.rank - 2]!, n];
    let additive: Tensor | null = null;
    if (mask !== undefined && mask !== null) {
      const mt = toTensor(mask, 'mask', op);
      const out = broadcastShapes(mt.shape, scoreShape);
      if (!out || out.length !== scoreShape.length || out.some((dim, i) => dim !== scoreShape[i])) {
        throw new Error(`${op}: mask ${shapeToString(mt.shape)} does not broadcast to the scores ${shapeToString(scoreShape)} (${shapes()})`);
      }
      additive = mt.dtype === 'bool' ? where(mt, 0, -1e9) : floatTensor(mt, 'mask', op);
    }
    const sameBatch = [qt, kt, vt].every((t) => t.rank === batch.length + 2 && t.shape.slice(0, -2).every((dim, i) => dim === batch[i]));
    if (sameBatch && canUseForwardOnlyKernel('attention')) {
      const fullMask = additive && broadcastTo(additive, scoreShape);
      const inputs = fullMask ? [qt, kt, vt, fullMask] : [qt, kt, vt];
      return engine().runKernel('attention', inputs, (backend, [qi, ki, vi, mi]) => backend.attention!(qi!, ki!, vi!, mi ?? null, s))[0]!;
    }
    let scores = mul(matMul(qt, kt, false, true), scalarLike(s, qt));
    if (additive) scores = add(scores, additive);
    return matMul(softmax(scores, -1), vt);
  });
}
