/**
 * @strata/core: tensors, the engine, autodiff, ops and the backend contract.
 * @packageDocumentation
 */
export * from './backend/contract.js';
export { registerBackend, removeBackend, registeredBackends, setBackend, ready, backends, getBackend, backendInstance, type BackendStatus } from './backend/registry.js';
export { sizeOf, stridesOf, broadcastShapes, broadcastIndexMap, allocArray, bytesPerElement, dtypeOfArray, arrayHoldsDType, shapeToString, convOutputSize } from './util/shape.js';
export { Tensor, Variable, type NestedArray } from './tensor/tensor.js';
export type { MemoryInfo, GradientFn } from './engine/engine.js';
export { tidy, keep, dispose, memory } from './engine/memory.js';
export { tensor, scalar, type TensorLike, type TensorLikeArray } from './ops/convert.js';
export { fill, zeros, ones, zerosLike, onesLike, cast, clone, range, linspace, eye, oneHot, variable } from './ops/creation.js';
export { setSeed, randomUniform, randomNormal, truncatedNormal, shuffledIndices } from './ops/random.js';
export { philox4x32 } from './util/philox.js';
export * from './ops/unary.js';
export * from './ops/binary.js';
export { where, clipByValue } from './ops/selection.js';
export { sum, prod, max, min, any, all, mean, argMax, argMin, logSumExp, moments, variance, cumsum } from './ops/reduction.js';
export { reshape, expandDims, squeeze } from './ops/reshape.js';
export { transpose, slice, stridedSlice, pad, concat, stack, unstack, split, tile, reverse, gather, broadcastTo } from './ops/movement.js';
export { matMul, dot, outerProduct } from './ops/matmul.js';
export { grad, grads, valueAndGrad, valueAndGrads, variableGrads, customGrad, type CustomGradResult, type SaveFn } from './autodiff/gradients.js';
export { relu6, elu, selu, gelu, silu, swish, leakyRelu, softplus, softsign, hardSigmoid, mish, softmax, logSoftmax } from './ops/activations.js';
export { conv2d, conv1d, conv2dTranspose, depthwiseConv2d, type PaddingMode, type Size2D } from './ops/conv.js';
export { maxPool, avgPool, maxPool1d, avgPool1d } from './ops/pool.js';
export { batchNorm, layerNorm } from './ops/normalization.js';
export { fusedMatMul, dotProductAttention, type FusedMatMulArgs } from './ops/fused.js';
export { einsum } from './ops/einsum.js';
export { adamUpdate, sgdUpdate } from './ops/optimizer-updates.js';
export { clearOpCaches } from './ops/nn-util.js';
export { registerClass, getRegisteredClass, registeredClassNames, serializeObject, deserializeObject, type ConfigDict, type ConfigValue, type SerializedObject, type SerializableKind, type SerializableClass, type Serializable } from './serialization/registry.js';
export { Layer, SymbolicTensor, type SymbolicShape, type LayerArgs, type CallArgs, type InputSpec } from './layers/layer.js';
export { input, type InputArgs } from './layers/input.js';
export { Optimizer, LearningRateSchedule, type OptimizerArgs } from './optimizers/optimizer.js';
export { Loss, type Reduction, type LossArgs } from './losses/loss.js';
export { Metric, type MetricArgs } from './metrics/metric.js';
export { Callback, type Logs, type TrainingParams, type CallbackModel } from './callbacks/callback.js';
/** Layer classes (`st.layers.Dense`) and factories (`st.layers.dense({...})`), Keras names. */
export * as layers from './layers/index.js';
/** Weight initializers (`'glorotUniform'`, `new st.initializers.HeNormal()`, ...), seeded by `st.setSeed`. */
export * as initializers from './initializers/index.js';
/** Weight and activity regularizers: L1, L2, L1L2. */
export * as regularizers from './layers/regularizers.js';
/** Weight constraints applied after each optimizer step: MaxNorm, NonNeg, UnitNorm, MinMaxNorm. */
export * as constraints from './layers/constraints.js';
/** Loss classes and per-sample loss functions (`'sparseCategoricalCrossentropy'`, `st.losses.huber(...)`). */
export * as losses from './losses/index.js';
/** Metric classes (stateful, for `compile`) and per-sample metric functions. */
export * as metrics from './metrics/index.js';
/** Optimizers (`st.optimizers.adam(1e-3)`, SGD, RMSprop, ...) and learning-rate schedules. */
export * as optimizers from './optimizers/index.js';
/** Training callbacks: EarlyStopping, ModelCheckpoint, ReduceLROnPlateau, BackupAndRestore, ... */
export * as callbacks from './callbacks/index.js';
/** Input pipelines: `st.data.Dataset` (batching, shuffling, mapping, prefetching) for `fit`, `evaluate` and `predict`. */
export * as data from './data/index.js';
export * from './models/index.js';
/** Saving and loading in the TensorFlow.js Layers format: IO handlers, routers and the artifact helpers. */
export * as io from './io/index.js';
export { loadModel } from './io/index.js';
