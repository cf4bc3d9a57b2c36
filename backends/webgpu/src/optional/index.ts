/**
 * Optional kernels (DESIGN.md §4) of the webgpu backend, written against the runtime's kernel API
 * (src/runtime.ts), one family per file. The backend assigns whatever this returns onto itself
 * as methods, bound to the runtime of its current device.
 */
import type { OptionalKernels } from '@strata/core';
import type { WebGPURuntime } from '../runtime.js';
import { attention } from './attention.js';
import { conv2d, conv2dBackpropFilter, conv2dBackpropInput, depthwiseConv2d } from './conv.js';
import type { ConvolutionMode } from './conv.js';
import { fusedMatMul } from './fused-matmul.js';
import { batchNorm, layerNorm } from './norm.js';
import { adamUpdate, sgdUpdate } from './optimizers.js';
import { avgPool, avgPoolBackprop, maxPool, maxPoolBackprop } from './pool.js';
import { logSoftmax, softmax } from './softmax.js';

export type { ConvolutionMode } from './conv.js';

/** Choices the backend leaves at their defaults; tests force them to cover every code path. */
export interface OptionalKernelOptions {
  /** Dense convolutions (default `auto`: direct loops on software adapters, implicit GEMM on GPUs). */
  readonly convolution?: ConvolutionMode;
}

/** Every optional kernel of the contract, bound to `rt`. */
export function optionalKernels(rt: WebGPURuntime, options: OptionalKernelOptions = {}): OptionalKernels {
  const conv = options.convolution ?? 'auto';
  return {
    conv2d: (x, filter, attrs) => conv2d(rt, x, filter, attrs, conv),
    conv2dBackpropInput: (dy, filter, inputShape, attrs) => conv2dBackpropInput(rt, dy, filter, inputShape, attrs, conv),
    conv2dBackpropFilter: (x, dy, filterShape, attrs) => conv2dBackpropFilter(rt, x, dy, filterShape, attrs, conv),
    depthwiseConv2d: (x, filter, attrs) => depthwiseConv2d(rt, x, filter, attrs),
    maxPool: (x, attrs) => maxPool(rt, x, attrs),
    maxPoolBackprop: (dy, x, attrs) => maxPoolBackprop(rt, dy, x, attrs),
    avgPool: (x, attrs) => avgPool(rt, x, attrs),
    avgPoolBackprop: (dy, inputShape, attrs) => avgPoolBackprop(rt, dy, inputShape, attrs),
    softmax: (x) => softmax(rt, x),
    logSoftmax: (x) => logSoftmax(rt, x),
    layerNorm: (x, gamma, beta, epsilon) => layerNorm(rt, x, gamma, beta, epsilon),
    batchNorm: (x, mean, variance, offset, scale, epsilon) => batchNorm(rt, x, mean, variance, offset, scale, epsilon),
    fusedMatMul: (a, b, bias, activation, transposeA, transposeB) => fusedMatMul(rt, a, b, bias, activation, transposeA, transposeB),
    attention: (q, k, v, mask, scale) => attention(rt, q, k, v, mask, scale),
    adamUpdate: (param, grad, m, v, attrs) => adamUpdate(rt, param, grad, m, v, attrs),
    sgdUpdate: (param, grad, velocity, attrs) => sgdUpdate(rt, param, grad, velocity, attrs),
  };
}
