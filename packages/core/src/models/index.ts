/** Models: the trainable Model base, Sequential and Functional. */
export { Model, type FitArgs, type EvaluateArgs, type PredictArgs } from './model.js';
export { Sequential, sequential, type SequentialArgs } from './sequential.js';
export { Functional, model, type FunctionalArgs } from './functional.js';
export type { CompileArgs, LossIdentifier, MetricIdentifier } from './compiled.js';
export type { ModelData, DatasetElement, BatchSource } from './data-adapter.js';
