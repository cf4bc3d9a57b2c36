/** The float64 oracle: one function per kernel of the contract, independent of every backend. */
export * from './tensor.js';
export { erf64, unaryScalar, binaryScalar, castScalar } from './scalar.js';
export { fill, cast, unary, binary, where } from './elementwise.js';
export { reduce, argReduce } from './reduce.js';
export type { Accumulated } from './reduce.js';
export { transpose, slice, pad, concat, gather, scatterAdd } from './movement.js';
export { matMul, fusedMatMul, attention, activate } from './linalg.js';
export { conv2d, conv2dBackpropInput, conv2dBackpropFilter, depthwiseConv2d, outSize } from './conv.js';
export { maxPool, maxPoolBackprop, avgPool, avgPoolBackprop } from './pool.js';
export { softmax, logSoftmax, layerNorm, batchNorm } from './norm.js';
export { adamUpdate, sgdUpdate } from './optim.js';
