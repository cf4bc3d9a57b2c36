/**
 * One optimizer step for one parameter: Adam and SGD (with momentum / Nesterov). Used by the
 * optimizers; never differentiated. Uses the backend's optional kernels when present.
 */
import type { AdamAttrs, SgdAttrs } from '../backend/contract.js';
import { engine } from '../engine/engine.js';
import type { Tensor } from '../tensor/tensor.js';
import { shapeToString } from '../util/shape.js';
import { assertDType, toTensor, type TensorLike } from './convert.js';
import { add, div, mul, sub } from './binary.js';
import { clone } from './creation.js';
import { sqrt, square } from './unary.js';
import { hasKernel } from './nn-util.js';

function sameShapeFloat(op: string, named: readonly (readonly [TensorLike, string])[]): Tensor[] {
  const ts = named.map(([x, arg]) => {
    const t = toTensor(x, arg, op, 'float32');
    assertDType(t, ['float32'], arg, op);
    return t;
  });
  const first = ts[0]!;
  ts.forEach((t, i) => {
    if (t.shape.length !== first.shape.length || t.shape.some((d, j) => d !== first.shape[j])) {
      const all = named.map(([, arg], j) => `${arg} ${shapeToString(ts[j]!.shape)}`).join(', ');
      throw new Error(`${op}: ${named[i]![1]} must have the shape of ${named[0]![1]} (${all})`);
    }
  });
  return ts;
}

function checkNumbers(op: string, attrs: object, names: readonly string[]): void {
  if (attrs === null || typeof attrs !== 'object') throw new Error(`${op}: attrs must be an object with ${names.join(', ')}`);
  const record = attrs as Record<string, unknown>;
  for (const name of names) {
    const v = record[name];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${op}: attrs.${name} must be a finite number, got ${String(v)}`);
  }
}

/**
 * One Adam step (Kingma & Ba, with bias correction; `step` counts from 1):
 * `m = β1 m + (1-β1) g`, `v = β2 v + (1-β2) g²`,
 * `param -= lr · √(1-β2^t)/(1-β1^t) · m / (√v + ε)`. Returns new `[param, m, v]`.
 */
export function adamUpdate(param: TensorLike, grad: TensorLike, m: TensorLike, v: TensorLike, attrs: AdamAttrs): [Tensor, Tensor, Tensor] {
  const op = 'adamUpdate';
  checkNumbers(op, attrs, ['learningRate', 'beta1', 'beta2', 'epsilon', 'step']);
  if (!Number.isInteger(attrs.step) || attrs.step < 1) throw new Error(`${op}: attrs.step must be an integer ≥ 1 (it counts from 1), got ${attrs.step}`);
  const [p, g, mt, vt] = sameShapeFloat(op, [[param, 'param'], [grad, 'grad'], [m, 'm'], [v, 'v']]) as [Tensor, Tensor, Tensor, Tensor];
  const e = engine();
  return e.withoutTapes(() => e.tidy(() => {
    if (hasKernel('adamUpdate')) {
      const [p2, m2, v2] = e.runKernel(op, [p, g, mt, vt], (b, [pi, gi, mi, vi]) => b.adamUpdate!(pi!, gi!, mi!, vi!, attrs));
      return [p2!, m2!, v2!];
    }
    const { learningRate, beta1, beta2, epsilon, step } = attrs;
    const stepSize = (learningRate * Math.sqrt(1 - beta2 ** step)) / (1 - beta1 ** step);
    const m2 = add(mul(mt, beta1), mul(g, 1 - beta1));
    const v2 = add(mul(vt, beta2), mul(square(g), 1 - beta2));
    const p2 = sub(p, mul(div(m2, add(sqrt(v2), epsilon)), stepSize));
    return [p2, m2, v2];
  }));
}

/**
 * One SGD step. With momentum: `velocity = momentum·velocity - lr·g`, then
 * `param += velocity` (Nesterov: `param += momentum·velocity - lr·g`). Momentum 0: plain
 * `param -= lr·g`, velocity returned unchanged. Returns new `[param, velocity]`.
 */
export function sgdUpdate(param: TensorLike, grad: TensorLike, velocity: TensorLike, attrs: SgdAttrs): [Tensor, Tensor] {
  const op = 'sgdUpdate';
  checkNumbers(op, attrs, ['learningRate', 'momentum']);
  const [p, g, vel] = sameShapeFloat(op, [[param, 'param'], [grad, 'grad'], [velocity, 'velocity']]) as [Tensor, Tensor, Tensor];
  const e = engine();
  return e.withoutTapes(() => e.tidy(() => {
    if (hasKernel('sgdUpdate')) {
      const [p2, v2] = e.runKernel(op, [p, g, vel], (b, [pi, gi, vi]) => b.sgdUpdate!(pi!, gi!, vi!, attrs));
      return [p2!, v2!];
    }
    const { learningRate, momentum, nesterov } = attrs;
    const scaledGrad = mul(g, learningRate);
    if (momentum === 0) return [sub(p, scaledGrad), clone(vel)];
    const v2 = sub(mul(vel, momentum), scaledGrad);
    const p2 = nesterov ? add(p, sub(mul(v2, momentum), scaledGrad)) : add(p, v2);
    return [p2, v2];
  }));
}
