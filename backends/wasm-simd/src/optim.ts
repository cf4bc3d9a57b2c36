/** Optimizer update kernels (csrc/optim.c). Each returns new storage, never an input's. */
import type { AdamAttrs, SgdAttrs, TensorInfo } from '@strata/core';
import { sizeOf } from '@strata/core';
import type { Runtime } from './runtime.js';

export function adamUpdate(rt: Runtime, param: TensorInfo, grad: TensorInfo, m: TensorInfo, v: TensorInfo,
  attrs: AdamAttrs): [TensorInfo, TensorInfo, TensorInfo] {
  const [pp, gp, mp, vp] = [param, grad, m, v].map((t) => rt.ptr(t, 'float32')) as [number, number, number, number];
  const outs: TensorInfo[] = [];
  try {
    for (const t of [param, m, v]) outs.push(rt.output('adamUpdate', t.shape, 'float32'));
  } catch (err) {
    rt.fail(outs, err);
  }
  const [po, mo, vo] = outs as [TensorInfo, TensorInfo, TensorInfo];
  // Bias correction folded into the step size, computed once in double.
  const stepSize = (attrs.learningRate * Math.sqrt(1 - attrs.beta2 ** attrs.step)) / (1 - attrs.beta1 ** attrs.step);
  rt.wasm.st_adam(pp, gp, mp, vp, rt.ptr(po), rt.ptr(mo), rt.ptr(vo), sizeOf(param.shape), stepSize, attrs.beta1, attrs.beta2, attrs.epsilon);
  return [po, mo, vo];
}

export function sgdUpdate(rt: Runtime, param: TensorInfo, grad: TensorInfo, velocity: TensorInfo, attrs: SgdAttrs): [TensorInfo, TensorInfo] {
  const [pp, gp, vp] = [param, grad, velocity].map((t) => rt.ptr(t, 'float32')) as [number, number, number];
  const outs: TensorInfo[] = [];
  try {
    outs.push(rt.output('sgdUpdate', param.shape, 'float32'));
    outs.push(rt.output('sgdUpdate', velocity.shape, 'float32'));
  } catch (err) {
    rt.fail(outs, err);
  }
  const [po, vo] = outs as [TensorInfo, TensorInfo];
  rt.wasm.st_sgd(pp, gp, vp, rt.ptr(po), rt.ptr(vo), sizeOf(param.shape), attrs.learningRate, attrs.momentum, attrs.nesterov ? 1 : 0);
  return [po, vo];
}
