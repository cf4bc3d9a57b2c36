/** `st.initializers`: weight initializers by class and factory. */
export * from './initializers.js';
