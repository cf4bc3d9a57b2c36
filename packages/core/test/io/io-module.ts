/**
 * The `st.io` namespace for these tests. It is read from the built package (dist), the same
 * module instance `@strata/core` uses, so tensors and the engine are shared.
 */
export * as io from '../../dist/io/index.js';
