/**
 * `st.data`: input pipelines (`st.data.Dataset`) that `fit`, `evaluate` and `predict` accept.
 */
export { Dataset, type TensorContainer, type GeneratorSource, type ShuffleOptions, type FromGeneratorOptions } from './dataset.js';
