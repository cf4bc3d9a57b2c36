/**
 * adamUpdate and sgdUpdate: one elementwise pass that writes every returned tensor (new storage
 * each, as the contract requires). Scalars that depend only on the attributes (Adam's
 * bias-corrected step size, 1 − β) are computed once here in float64.
 */
import type { AdamAttrs, SgdAttrs, TensorInfo } from '@strata/core';
import { shapeToString, sizeOf } from '@strata/core';
import type { GpuTensorInfo, WebGPURuntime } from '../runtime.js';
import { Params } from '../runtime.js';
import { ELEMENTWISE_WG, bindings, entryPoint, flatIndex } from '../wgsl.js';
import { checkFloatInputs } from './common.js';

function checkSameShape(kernel: string, param: TensorInfo, others: Readonly<Record<string, TensorInfo>>): void {
  for (const [name, t] of Object.entries(others)) {
    if (t.shape.join() !== param.shape.join()) {
      throw new Error(`webgpu ${kernel}: ${name} ${shapeToString(t.shape)} must have param's shape ${shapeToString(param.shape)}`);
    }
  }
}

function elementwise(rt: WebGPURuntime, kernel: string, key: string, body: string, inputs: readonly TensorInfo[], outputs: readonly GpuTensorInfo[], params: Params): void {
  const total = sizeOf(inputs[0]!.shape);
  rt.dispatch({
    kernel,
    key,
    wgsl: () => `${bindings(inputs.map(() => 'f32'), outputs.map(() => 'f32'))}
${entryPoint(ELEMENTWISE_WG)} {
  let i = ${flatIndex(ELEMENTWISE_WG)};
  if (i >= P[0]) { return; }
  ${body}
}`,
    inputs,
    outputs,
    params,
    workgroups: Math.ceil(total / ELEMENTWISE_WG),
  });
}

export function adamUpdate(rt: WebGPURuntime, param: TensorInfo, grad: TensorInfo, m: TensorInfo, v: TensorInfo, attrs: AdamAttrs): [GpuTensorInfo, GpuTensorInfo, GpuTensorInfo] {
  checkFloatInputs(rt, 'adamUpdate', { param, grad, m, v });
  checkSameShape('adamUpdate', param, { grad, m, v });
  const outs = [rt.output('adamUpdate', param.shape, 'float32')];
  try {
    outs.push(rt.output('adamUpdate', param.shape, 'float32'), rt.output('adamUpdate', param.shape, 'float32'));
    const { beta1, beta2, epsilon, learningRate, step } = attrs;
    const stepSize = (learningRate * Math.sqrt(1 - beta2 ** step)) / (1 - beta1 ** step);
    elementwise(rt, 'adamUpdate', 'adamUpdate', `
  let g = in1[i];
  let m = fma(p_f32(1u), in2[i], p_f32(2u) * g);
  let v = fma(p_f32(3u), in3[i], p_f32(4u) * g * g);
  out0[i] = in0[i] - p_f32(6u) * m / (sqrt(v) + p_f32(5u));
  out1[i] = m;
  out2[i] = v;`, [param, grad, m, v], outs, new Params().u32(sizeOf(param.shape)).f32(beta1, 1 - beta1, beta2, 1 - beta2, epsilon, stepSize));
  } catch (err) {
    rt.fail(outs, err);
  }
  return outs as [GpuTensorInfo, GpuTensorInfo, GpuTensorInfo];
}

export function sgdUpdate(rt: WebGPURuntime, param: TensorInfo, grad: TensorInfo, velocity: TensorInfo, attrs: SgdAttrs): [GpuTensorInfo, GpuTensorInfo] {
  checkFloatInputs(rt, 'sgdUpdate', { param, grad, velocity });
  checkSameShape('sgdUpdate', param, { grad, velocity });
  const outs = [rt.output('sgdUpdate', param.shape, 'float32')];
  try {
    outs.push(rt.output('sgdUpdate', param.shape, 'float32'));
    const { learningRate, momentum, nesterov } = attrs;
    // Momentum 0 is plain SGD and hands velocity back unchanged (copied: outputs are new storage).
    const variant = momentum === 0 ? 'plain' : nesterov ? 'nesterov' : 'momentum';
    const body = {
      plain: 'out0[i] = in0[i] - p_f32(1u) * in1[i]; out1[i] = in2[i];',
      momentum: 'let v = p_f32(2u) * in2[i] - p_f32(1u) * in1[i]; out0[i] = in0[i] + v; out1[i] = v;',
      nesterov: 'let g = in1[i]; let v = p_f32(2u) * in2[i] - p_f32(1u) * g; out0[i] = in0[i] + (p_f32(2u) * v - p_f32(1u) * g); out1[i] = v;',
    }[variant];
    elementwise(rt, 'sgdUpdate', `sgdUpdate:${variant}`, body, [param, grad, velocity], outs, new Params().u32(sizeOf(param.shape)).f32(learningRate, momentum));
  } catch (err) {
    rt.fail(outs, err);
  }
  return outs as [GpuTensorInfo, GpuTensorInfo];
}
