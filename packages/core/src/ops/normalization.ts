/**
 * Batch and layer normalisation. The optional kernels have no gradient of their own, so they run
 * only while no gradient tape is recording (inference); training uses the composites.
 */
import { engine } from '../engine/engine.js';
import type { Tensor } from '../tensor/tensor.js';
import { broadcastShapes, shapeToString } from '../util/shape.js';
import type { TensorLike } from './convert.js';
import { add, mul, sub } from './binary.js';
import { fill } from './creation.js';
import { moments } from './reduction.js';
import { reshape } from './reshape.js';
import { rsqrt } from './unary.js';
import { canUseForwardOnlyKernel, floatTensor } from './nn-util.js';

function checkEpsilon(epsilon: number, arg: string, op: string): void {
  if (typeof epsilon !== 'number' || !(epsilon >= 0) || !Number.isFinite(epsilon)) {
    throw new Error(`${op}: ${arg} must be a finite non-negative number, got ${String(epsilon)}`);
  }
}

/** Converts a per-channel parameter and checks that it broadcasts to x without growing x. */
function parameter(value: TensorLike, arg: string, op: string, x: Tensor): Tensor {
  const p = floatTensor(value, arg, op);
  const out = broadcastShapes(p.shape, x.shape);
  if (!out || out.length !== x.rank || out.some((d, i) => d !== x.shape[i])) {
    throw new Error(`${op}: ${arg} of shape ${shapeToString(p.shape)} does not broadcast to x ${shapeToString(x.shape)}`);
  }
  return p;
}

/** The parameter as a `[channels]` vector when it holds exactly one value per channel, else null. */
function asChannelVector(p: Tensor, channels: number): Tensor | null {
  const ok = p.size === channels && (p.rank === 0 ? channels === 1 : p.shape[p.rank - 1] === channels);
  return ok ? reshape(p, [channels]) : null;
}

/**
 * `(x - mean) / sqrt(variance + varianceEpsilon) * scale + offset`. The statistics and
 * parameters broadcast against x (typically vectors over its last axis); offset defaults to 0 and
 * scale to 1.
 */
export function batchNorm(x: TensorLike, mean: TensorLike, variance: TensorLike, offset?: TensorLike | null, scale?: TensorLike | null, varianceEpsilon = 1e-3): Tensor {
  const op = 'batchNorm';
  checkEpsilon(varianceEpsilon, 'varianceEpsilon', op);
  return engine().tidy(() => {
    const xt = floatTensor(x, 'x', op);
    const m = parameter(mean, 'mean', op, xt);
    const v = parameter(variance, 'variance', op, xt);
    const o = offset === undefined || offset === null ? null : parameter(offset, 'offset', op, xt);
    const s = scale === undefined || scale === null ? null : parameter(scale, 'scale', op, xt);
    if (xt.rank >= 1 && canUseForwardOnlyKernel('batchNorm')) {
      const channels = xt.shape[xt.rank - 1]!;
      const vectors = [m, v, o ?? fill([channels], 0), s ?? fill([channels], 1)].map((p) => asChannelVector(p, channels));
      if (vectors.every((p): p is Tensor => p !== null)) {
        return engine().runKernel(op, [xt, ...vectors], (b, [xi, mi, vi, oi, si]) => b.batchNorm!(xi!, mi!, vi!, oi!, si!, varianceEpsilon))[0]!;
      }
    }
    let y = mul(sub(xt, m), rsqrt(add(v, varianceEpsilon)));
    if (s) y = mul(y, s);
    return o ? add(y, o) : y;
  });
}

/**
 * Layer normalisation over the last axis: `(x - mean) / sqrt(var + epsilon) * gamma + beta`,
 * with gamma and beta of the last axis' size (default 1 and 0).
  * @example
  * const y = st.layerNorm(st.randomNormal([4, 16]), st.ones([16]), st.zeros([16]));  // each row: mean 0, variance 1
 */
export function layerNorm(x: TensorLike, gamma?: TensorLike | null, beta?: TensorLike | null, epsilon = 1e-5): Tensor {
  const op = 'layerNorm';
  checkEpsilon(epsilon, 'epsilon', op);
  return engine().tidy(() => {
    const xt = floatTensor(x, 'x', op);
    if (xt.rank === 0) throw new Error(`${op}: x must have at least one dimension, got a scalar`);
    const channels = xt.shape[xt.rank - 1]!;
    const vector = (value: TensorLike | null | undefined, arg: string, fallback: number): Tensor => {
      if (value === undefined || value === null) return fill([channels], fallback);
      const p = floatTensor(value, arg, op);
      if (p.rank !== 1 || p.shape[0] !== channels) {
        throw new Error(`${op}: ${arg} must have shape [${channels}] (the last axis of x ${shapeToString(xt.shape)}), got ${shapeToString(p.shape)}`);
      }
      return p;
    };
    const g = vector(gamma, 'gamma', 1);
    const b = vector(beta, 'beta', 0);
    if (canUseForwardOnlyKernel('layerNorm')) {
      return engine().runKernel(op, [xt, g, b], (backend, [xi, gi, bi]) => backend.layerNorm!(xi!, gi!, bi!, epsilon))[0]!;
    }
    const { mean, variance } = moments(xt, -1, true);
    return add(mul(mul(sub(xt, mean), rsqrt(add(variance, epsilon))), g), b);
  });
}
