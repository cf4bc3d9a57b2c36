/**
 * fusedMatMul: the GEMM, then bias and activation in one pass over the product when the bias is
 * a row vector (the dense-layer case); any other bias shape broadcasts through the binary kernel.
 */
import type { FusedActivation, TensorInfo } from '@strata/core';
import { sizeOf } from '@strata/core';
import { binaryAt, unaryAt } from './elementwise.js';
import { broadcastAll } from './layout.js';
import { planMatMul } from './matmul.js';
import type { Runtime } from './runtime.js';

const ACTIVATION_CODE: Readonly<Record<FusedActivation, number>> = { linear: 0, relu: 1, sigmoid: 2, tanh: 3 };

export function fusedMatMul(rt: Runtime, a: TensorInfo, b: TensorInfo, bias: TensorInfo | null, activation: FusedActivation,
  transposeA: boolean, transposeB: boolean): TensorInfo {
  const ap = rt.ptr(a, 'float32');
  const bp = rt.ptr(b, 'float32');
  const biasPtr = bias === null ? 0 : rt.ptr(bias, 'float32');
  const plan = planMatMul(a, b, transposeA, transposeB);
  const n = plan.shape[plan.shape.length - 1]!;
  const rowBias = bias === null || (bias.shape.length > 0 && bias.shape[bias.shape.length - 1] === n && sizeOf(bias.shape) === n &&
    bias.shape.length <= plan.shape.length);
  if (rowBias) {
    const out = rt.output('fusedMatMul', plan.shape, 'float32');
    try {
      plan.run(rt, ap, bp, out.storage.ptr);
    } catch (err) {
      rt.fail([out], err);
    }
    rt.checkThreads('fusedMatMul', [out]);
    const size = sizeOf(plan.shape);
    if (size > 0) rt.wasm.st_bias_act(out.storage.ptr, size / n, n, biasPtr, ACTIVATION_CODE[activation]);
    return out;
  }
  // General bias: the product in scratch, then a broadcasting add into the output.
  const product = rt.output('fusedMatMul', plan.shape, 'float32');
  const shape = broadcastAll([plan.shape, bias!.shape]);
  let out: TensorInfo | undefined;
  try {
    plan.run(rt, ap, bp, product.storage.ptr);
    rt.checkThreads('fusedMatMul', []);
    out = rt.output('fusedMatMul', shape, 'float32');
    const outPtr = rt.ptr(out);
    binaryAt(rt, 'add', 'float32', product, product.storage.ptr, bias!, biasPtr, shape, outPtr);
    if (activation !== 'linear') unaryAt(rt, activation, outPtr, outPtr, sizeOf(shape));
  } catch (err) {
    rt.fail(out === undefined ? [product] : [product, out], err);
  }
  rt.release(product.storage);
  return out!;
}
