/**
 * `st.layers`: layer classes (`st.layers.Dense`) and factories (`st.layers.dense({...})`).
 */
export {
  Layer, SymbolicTensor, LayerNode, singleInput, singleShape, shapeList, snakeCase,
  type SymbolicShape, type LayerArgs, type CallArgs, type AddWeightOptions, type LayerWeight, type InputSpec,
} from './layer.js';
export { InputLayer, input, type InputLayerArgs, type InputArgs } from './input.js';
export { getActivation, activationName, type ActivationFn, type ActivationName } from './activations.js';
export * from './core.js';
export * from './convolutional.js';
export * from './pooling.js';
export * from './normalization.js';
export * from './regularization.js';
export * from './reshaping.js';
export * from './merging.js';
export * from './activation-layers.js';
export * from './preprocessing.js';
