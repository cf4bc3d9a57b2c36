/**
 * The backend contract (DESIGN.md §4): what a backend package implements.
 *
 * Kernels see only {@link TensorInfo}s and plain attributes. Core validates shapes and dtypes,
 * resolves padding modes and negative axes, and promotes dtypes before a kernel is called, so a
 * kernel may assume its inputs are well formed. A kernel always returns newly allocated storage,
 * never one of its inputs' storage, so that core can reference-count storage alone.
 */

/** Element types a tensor can hold. `bool` is stored one byte per element (0 or 1). */
export type DType = 'float32' | 'int32' | 'bool';

/** A tensor's shape: one non-negative integer per dimension, `[]` for a scalar. */
export type Shape = readonly number[];

/** The typed array that holds values of each dtype. */
export interface DTypeArrayMap {
  /** 32-bit floats. */
  float32: Float32Array;
  /** 32-bit signed integers. */
  int32: Int32Array;
  /** One byte per element, 0 or 1. */
  bool: Uint8Array;
}

/** Any typed array that can hold tensor values. */
export type TypedArray = DTypeArrayMap[DType];

/**
 * An opaque handle to one block of backend memory. Only the backend that made it looks inside;
 * core only compares handles and counts references to them.
 */
export type Storage = object;

/** What a kernel sees of a tensor: its storage, shape and dtype. Storage is dense and row-major. */
export interface TensorInfo {
  /** The backend's handle to the values. */
  readonly storage: Storage;
  /** Dimensions; `[]` for a scalar. */
  readonly shape: Shape;
  /** Element type. */
  readonly dtype: DType;
}

/** Elementwise ops of one input. See {@link UNARY_OPS} for their dtypes. */
export type UnaryOp =
  | 'neg' | 'abs' | 'sign' | 'exp' | 'log' | 'log1p' | 'expm1' | 'sqrt' | 'rsqrt' | 'square'
  | 'reciprocal' | 'sin' | 'cos' | 'tanh' | 'sigmoid' | 'relu' | 'erf' | 'floor' | 'ceil'
  | 'round' | 'not' | 'isNaN';

/** Elementwise ops of two inputs, with broadcasting. See {@link BINARY_OPS} for their dtypes. */
export type BinaryOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum' | 'mod' | 'floorDiv' | 'atan2'
  | 'equal' | 'notEqual' | 'less' | 'lessEqual' | 'greater' | 'greaterEqual' | 'and' | 'or';

/** Reductions over a set of axes. */
export type ReduceOp = 'sum' | 'prod' | 'max' | 'min' | 'any' | 'all';

/** Reductions to an index along one axis. */
export type ArgReduceOp = 'argMax' | 'argMin';

/** Which input dtypes an op accepts and which dtype it returns (`'same'`: the input's). */
export interface OpDTypes {
  /** The dtypes the op accepts. */
  readonly inputs: readonly DType[];
  /** The dtype it returns; `'same'`: its input's. */
  readonly output: DType | 'same';
}

const FLOAT: OpDTypes = { inputs: ['float32'], output: 'same' };
const NUMERIC: OpDTypes = { inputs: ['float32', 'int32'], output: 'same' };
const COMPARE: OpDTypes = { inputs: ['float32', 'int32', 'bool'], output: 'bool' };
const LOGICAL: OpDTypes = { inputs: ['bool'], output: 'bool' };

/**
 * Dtypes of every unary op. Semantics follow IEEE float32 and NumPy: `round` rounds half to even,
 * `sign(NaN)` is NaN, `sign(±0)` is 0, `relu(NaN)` is NaN.
 */
export const UNARY_OPS: Readonly<Record<UnaryOp, OpDTypes>> = {
  neg: NUMERIC, abs: NUMERIC, sign: NUMERIC, square: NUMERIC, relu: NUMERIC,
  exp: FLOAT, log: FLOAT, log1p: FLOAT, expm1: FLOAT, sqrt: FLOAT, rsqrt: FLOAT,
  reciprocal: FLOAT, sin: FLOAT, cos: FLOAT, tanh: FLOAT, sigmoid: FLOAT, erf: FLOAT,
  floor: FLOAT, ceil: FLOAT, round: FLOAT,
  not: LOGICAL,
  isNaN: { inputs: ['float32'], output: 'bool' },
};

/**
 * Dtypes of every binary op; both inputs always have the same dtype (core casts first).
 * `mod` and `floorDiv` round toward negative infinity (Python semantics: the remainder takes the
 * divisor's sign). For int32 a zero divisor gives 0 for both; int32 arithmetic wraps modulo 2^32.
 */
export const BINARY_OPS: Readonly<Record<BinaryOp, OpDTypes>> = {
  add: NUMERIC, sub: NUMERIC, mul: NUMERIC, maximum: NUMERIC, minimum: NUMERIC,
  mod: NUMERIC, floorDiv: NUMERIC,
  div: FLOAT, pow: FLOAT, atan2: FLOAT,
  equal: COMPARE, notEqual: COMPARE, less: COMPARE, lessEqual: COMPARE, greater: COMPARE,
  greaterEqual: COMPARE,
  and: LOGICAL, or: LOGICAL,
};

/**
 * Dtypes of every reduction. Over an empty set: sum 0, prod 1, max -Infinity (int32: -2^31),
 * min +Infinity (int32: 2^31-1), any false, all true. max and min propagate NaN.
 */
export const REDUCE_OPS: Readonly<Record<ReduceOp, OpDTypes>> = {
  sum: NUMERIC, prod: NUMERIC, max: NUMERIC, min: NUMERIC, any: LOGICAL, all: LOGICAL,
};

/** Explicit convolution / pooling padding in pixels: `[top, bottom, left, right]`. */
export type Padding2D = readonly [number, number, number, number];

/** Attributes of a 2-D convolution. Layout NHWC; filter `[kh, kw, inChannels, outChannels]`. */
export interface Conv2DAttrs {
  /** Step along height and width. */
  readonly strides: readonly [number, number];
  /** Spacing of filter taps along height and width (1: contiguous). */
  readonly dilations: readonly [number, number];
  /** Explicit padding (core resolves `same`/`valid`). */
  readonly pad: Padding2D;
}

/** Attributes of 2-D pooling. Layout NHWC. Average pooling counts only non-padding elements. */
export interface Pool2DAttrs {
  /** Window height and width. */
  readonly filterSize: readonly [number, number];
  /** Step along height and width. */
  readonly strides: readonly [number, number];
  /** Explicit padding (core resolves `same`/`valid`). */
  readonly pad: Padding2D;
}

/** Activations a fused matMul can apply. */
export type FusedActivation = 'linear' | 'relu' | 'sigmoid' | 'tanh';

/**
 * Attributes of an Adam step (bias correction uses `step`, counted from 1):
 * `m = β1·m + (1-β1)·g`, `v = β2·v + (1-β2)·g²`,
 * `param -= learningRate·√(1-β2^step)/(1-β1^step) · m / (√v + ε)`.
 */
export interface AdamAttrs {
  /** The step size. */
  readonly learningRate: number;
  /** Decay of the first moment `m`. */
  readonly beta1: number;
  /** Decay of the second moment `v`. */
  readonly beta2: number;
  /** Added to `√v`. */
  readonly epsilon: number;
  /** The step number, from 1 (bias correction). */
  readonly step: number;
}

/**
 * Attributes of an SGD step (Keras semantics): `velocity = momentum·velocity - learningRate·g`, then
 * `param += velocity`, or with Nesterov `param += momentum·velocity - learningRate·g`.
 * `momentum` 0 means plain SGD, `param -= learningRate·g` (velocity is then ignored).
 */
export interface SgdAttrs {
  /** The step size. */
  readonly learningRate: number;
  /** Momentum; 0 for plain SGD. */
  readonly momentum: number;
  /** Nesterov momentum. */
  readonly nesterov: boolean;
}

/** Storage statistics a backend reports about itself. */
export interface BackendMemory {
  /** Live storage blocks. */
  readonly buffers: number;
  /** Bytes held by live storage blocks. */
  readonly bytes: number;
}

/**
 * Kernels every backend must implement. Shapes, axes and dtypes are validated by core.
 */
export interface RequiredKernels {
  /** A tensor of `shape` where every element is `value` (converted to `dtype`). */
  fill(shape: Shape, value: number, dtype: DType): TensorInfo;
  /** Converts dtype. float→int32 truncates toward zero (NaN→0); anything→bool is `x != 0`. */
  cast(x: TensorInfo, dtype: DType): TensorInfo;
  /** Applies `op` elementwise; the output dtype follows {@link UNARY_OPS}. */
  unary(op: UnaryOp, x: TensorInfo): TensorInfo;
  /** Broadcasts `a` and `b` NumPy-style; both have the same dtype. */
  binary(op: BinaryOp, a: TensorInfo, b: TensorInfo): TensorInfo;
  /** `cond ? a : b` elementwise; `cond` is bool; all three broadcast together. */
  where(cond: TensorInfo, a: TensorInfo, b: TensorInfo): TensorInfo;
  /** Reduces over `axes` (sorted, unique, non-negative); those axes are removed from the shape. */
  reduce(op: ReduceOp, x: TensorInfo, axes: readonly number[]): TensorInfo;
  /**
   * Index (int32) of the largest/smallest element along `axis` (which is removed from the shape;
   * its size is at least 1). Ties give the first index; a NaN counts as the extreme (first NaN wins).
   */
  argReduce(op: ArgReduceOp, x: TensorInfo, axis: number): TensorInfo;
  /**
   * Batched float32 matrix product of rank ≥ 2 inputs `[...batchA, m, k] × [...batchB, k, n]`
   * (after the optional transposes of the last two dims); batch dims broadcast.
   */
  matMul(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): TensorInfo;
  /** Permutes dims: output dim i is input dim `perm[i]`. */
  transpose(x: TensorInfo, perm: readonly number[]): TensorInfo;
  /** The block starting at `begin` with extent `size` (both in range, one entry per dim). */
  slice(x: TensorInfo, begin: readonly number[], size: readonly number[]): TensorInfo;
  /** Pads each dim by `[before, after]` (non-negative) elements equal to `value`. */
  pad(x: TensorInfo, paddings: readonly (readonly [number, number])[], value: number): TensorInfo;
  /** Joins tensors of one dtype along `axis`; all other dims are equal. */
  concat(xs: readonly TensorInfo[], axis: number): TensorInfo;
  /**
   * Picks slices of `x` along `axis` by int32 `indices` of any shape. Output shape is
   * `x.shape[:axis] + indices.shape + x.shape[axis+1:]`. An out-of-range index gives zeros.
   */
  gather(x: TensorInfo, indices: TensorInfo, axis: number): TensorInfo;
  /**
   * The adjoint of gather: a zero tensor of `updates.shape[:axis] + [size] +
   * updates.shape[axis+indices.rank:]` into which each slice of `updates` is added at the
   * position its index names. Out-of-range indices are skipped. Float32 or int32 updates.
   */
  scatterAdd(updates: TensorInfo, indices: TensorInfo, axis: number, size: number): TensorInfo;
}

/**
 * Faster versions of composite ops. A backend implements any subset; core falls back to required
 * kernels for the rest. All are float32.
 */
export interface OptionalKernels {
  /** x `[n,h,w,c]`, filter `[kh,kw,c,f]` → `[n,oh,ow,f]`. */
  conv2d(x: TensorInfo, filter: TensorInfo, attrs: Conv2DAttrs): TensorInfo;
  /** Gradient of conv2d with respect to x, whose shape is `inputShape`. */
  conv2dBackpropInput(dy: TensorInfo, filter: TensorInfo, inputShape: Shape, attrs: Conv2DAttrs): TensorInfo;
  /** Gradient of conv2d with respect to the filter, whose shape is `filterShape`. */
  conv2dBackpropFilter(x: TensorInfo, dy: TensorInfo, filterShape: Shape, attrs: Conv2DAttrs): TensorInfo;
  /** x `[n,h,w,c]`, filter `[kh,kw,c,m]` → `[n,oh,ow,c*m]` (output channel `c*m + j`). */
  depthwiseConv2d(x: TensorInfo, filter: TensorInfo, attrs: Conv2DAttrs): TensorInfo;
  /** Maximum over each window; x `[n,h,w,c]` → `[n,oh,ow,c]`. */
  maxPool(x: TensorInfo, attrs: Pool2DAttrs): TensorInfo;
  /** Routes each dy element to the first maximum of its window in x. */
  maxPoolBackprop(dy: TensorInfo, x: TensorInfo, attrs: Pool2DAttrs): TensorInfo;
  /** Mean over each window, counting only non-padding elements. */
  avgPool(x: TensorInfo, attrs: Pool2DAttrs): TensorInfo;
  /** Gradient of avgPool with respect to x, whose shape is `inputShape`: each dy element spread evenly over its window. */
  avgPoolBackprop(dy: TensorInfo, inputShape: Shape, attrs: Pool2DAttrs): TensorInfo;
  /** Softmax over the last axis. */
  softmax(x: TensorInfo): TensorInfo;
  /** Log-softmax over the last axis. */
  logSoftmax(x: TensorInfo): TensorInfo;
  /** Normalises over the last axis, then `* gamma + beta` (both of the last axis' size). */
  layerNorm(x: TensorInfo, gamma: TensorInfo, beta: TensorInfo, epsilon: number): TensorInfo;
  /** `(x - mean) / sqrt(variance + epsilon) * scale + offset`; the four vectors match the last axis. */
  batchNorm(x: TensorInfo, mean: TensorInfo, variance: TensorInfo, offset: TensorInfo, scale: TensorInfo, epsilon: number): TensorInfo;
  /** `activation(matMul(a, b) + bias)`; a and b as for matMul (rank ≥ 2); bias broadcasts against the product. */
  fusedMatMul(a: TensorInfo, b: TensorInfo, bias: TensorInfo | null, activation: FusedActivation, transposeA: boolean, transposeB: boolean): TensorInfo;
  /**
   * `softmax(q kᵀ · scale + mask) v` for q `[...b,m,d]`, k `[...b,n,d]`, v `[...b,n,e]` with
   * identical batch dims `b`; `mask` is null or float32 of the full score shape `[...b,m,n]`, added.
   */
  attention(q: TensorInfo, k: TensorInfo, v: TensorInfo, mask: TensorInfo | null, scale: number): TensorInfo;
  /** One Adam step; returns `[param, m, v]`. */
  adamUpdate(param: TensorInfo, grad: TensorInfo, m: TensorInfo, v: TensorInfo, attrs: AdamAttrs): [TensorInfo, TensorInfo, TensorInfo];
  /** One SGD step; returns `[param, velocity]` (velocity is returned unchanged when momentum is 0). */
  sgdUpdate(param: TensorInfo, grad: TensorInfo, velocity: TensorInfo, attrs: SgdAttrs): [TensorInfo, TensorInfo];
}

/** Names of the optional kernels. */
export type OptionalKernelName = keyof OptionalKernels;

/** Every optional kernel name, for reports and conformance. */
export const OPTIONAL_KERNEL_NAMES: readonly OptionalKernelName[] = [
  'conv2d', 'conv2dBackpropInput', 'conv2dBackpropFilter', 'depthwiseConv2d',
  'maxPool', 'maxPoolBackprop', 'avgPool', 'avgPoolBackprop', 'softmax', 'logSoftmax',
  'layerNorm', 'batchNorm', 'fusedMatMul', 'attention', 'adamUpdate', 'sgdUpdate',
];

/**
 * A backend: storage plus kernels. Register it with `registerBackend`.
 */
export interface Backend extends RequiredKernels, Partial<OptionalKernels> {
  /** {@inheritDoc @strata/core!OptionalKernels.conv2d} */
  conv2d?: OptionalKernels['conv2d'];
  /** {@inheritDoc @strata/core!OptionalKernels.conv2dBackpropInput} */
  conv2dBackpropInput?: OptionalKernels['conv2dBackpropInput'];
  /** {@inheritDoc @strata/core!OptionalKernels.conv2dBackpropFilter} */
  conv2dBackpropFilter?: OptionalKernels['conv2dBackpropFilter'];
  /** {@inheritDoc @strata/core!OptionalKernels.depthwiseConv2d} */
  depthwiseConv2d?: OptionalKernels['depthwiseConv2d'];
  /** {@inheritDoc @strata/core!OptionalKernels.maxPool} */
  maxPool?: OptionalKernels['maxPool'];
  /** {@inheritDoc @strata/core!OptionalKernels.maxPoolBackprop} */
  maxPoolBackprop?: OptionalKernels['maxPoolBackprop'];
  /** {@inheritDoc @strata/core!OptionalKernels.avgPool} */
  avgPool?: OptionalKernels['avgPool'];
  /** {@inheritDoc @strata/core!OptionalKernels.avgPoolBackprop} */
  avgPoolBackprop?: OptionalKernels['avgPoolBackprop'];
  /** {@inheritDoc @strata/core!OptionalKernels.softmax} */
  softmax?: OptionalKernels['softmax'];
  /** {@inheritDoc @strata/core!OptionalKernels.logSoftmax} */
  logSoftmax?: OptionalKernels['logSoftmax'];
  /** {@inheritDoc @strata/core!OptionalKernels.layerNorm} */
  layerNorm?: OptionalKernels['layerNorm'];
  /** {@inheritDoc @strata/core!OptionalKernels.batchNorm} */
  batchNorm?: OptionalKernels['batchNorm'];
  /** {@inheritDoc @strata/core!OptionalKernels.fusedMatMul} */
  fusedMatMul?: OptionalKernels['fusedMatMul'];
  /** {@inheritDoc @strata/core!OptionalKernels.attention} */
  attention?: OptionalKernels['attention'];
  /** {@inheritDoc @strata/core!OptionalKernels.adamUpdate} */
  adamUpdate?: OptionalKernels['adamUpdate'];
  /** {@inheritDoc @strata/core!OptionalKernels.sgdUpdate} */
  sgdUpdate?: OptionalKernels['sgdUpdate'];
  /** The name it registers under, e.g. `'cpu'`. */
  readonly name: string;
  /** How it runs, for people (e.g. `'2 threads (worker_threads)'`); `st.backends()` shows it. */
  readonly description?: string;
  /** Copies `values` into new storage of `dtype` (`values` has the matching typed array type). */
  write(values: TypedArray, dtype: DType): Storage;
  /** Copies storage out; the array type matches the dtype it was written or produced with. */
  read(storage: Storage): Promise<TypedArray>;
  /** Synchronous read, only where the backend can do it without blocking on a device. */
  readSync?(storage: Storage): TypedArray;
  /** Releases storage. Called exactly once per storage, when its last reference goes. */
  free(storage: Storage): void;
  /** What the backend holds now. */
  memory(): BackendMemory;
  /** Releases everything (e.g. a GPU device). The backend is unusable afterwards. */
  dispose?(): void;
}

/** How a backend package registers itself. */
export interface BackendRegistration {
  /** The name users select it by (`st.setBackend(name)`, `STRATA_BACKEND`). */
  readonly name: string;
  /** Higher is preferred by automatic choice. cpu-reference uses 1. */
  readonly priority: number;
  /**
   * Creates the backend; may reject (no GPU, addon missing) with an error saying why. `request`
   * says how it was asked for, so a factory can decline automatic choice yet accept being named
   * (e.g. a GPU backend that only finds a software adapter). Factories may ignore it.
   */
  create(request?: BackendRequest): Promise<Backend>;
}

/** How the registry asks a factory for its backend. */
export interface BackendRequest {
  /**
   * True when the user named the backend (`setBackend(name)` or `STRATA_BACKEND`); false when
   * `ready()` is trying registered backends by priority.
   */
  readonly byName: boolean;
}
