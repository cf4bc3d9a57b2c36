/**
 * The contract types and tables this package judges against, re-exported from `@strata/core` in
 * one place so the rest of the package has a single import site for them.
 * Only the contract (types and the op dtype tables) comes from core; no kernel code does.
 */
export type {
  Backend, BackendRegistration, TensorInfo, DType, Shape, TypedArray, Storage,
  UnaryOp, BinaryOp, ReduceOp, ArgReduceOp, OptionalKernelName, Conv2DAttrs, Pool2DAttrs,
  FusedActivation, AdamAttrs, SgdAttrs, Padding2D, OpDTypes,
} from '@strata/core';
export { UNARY_OPS, BINARY_OPS, REDUCE_OPS, OPTIONAL_KERNEL_NAMES } from '@strata/core';
