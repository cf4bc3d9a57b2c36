/**
 * Core layers (Keras 3 names, TensorFlow.js config keys): Dense, EinsumDense, Activation, Lambda
 * and Identity.
 */
import type { FusedActivation } from '../backend/contract.js';
import { engine } from '../engine/engine.js';
import type { Tensor, Variable } from '../tensor/tensor.js';
import { add } from '../ops/binary.js';
import { clone } from '../ops/creation.js';
import { einsum } from '../ops/einsum.js';
import { fusedMatMul } from '../ops/fused.js';
import { reshape } from '../ops/reshape.js';
import { registerClass, type ConfigDict, type ConfigValue } from '../serialization/registry.js';
import { getInitializer, type Initializer, type InitializerIdentifier } from '../initializers/initializers.js';
import { activationName, getActivation, type ActivationName } from './activations.js';
import { getConstraint, type Constraint, type ConstraintIdentifier } from './constraints.js';
import { getRegularizer, type Regularizer, type RegularizerIdentifier } from './regularizers.js';
import { Layer, isShapeList, singleInput, singleShape, type LayerArgs, type SymbolicShape } from './layer.js';
import { addActivityLoss, formatShape, serializeOrNull, ShapedLayer } from './layer-utils.js';

/** Activations the fused matMul kernel applies itself. */
const FUSABLE: ReadonlySet<string> = new Set<FusedActivation>(['linear', 'relu', 'sigmoid', 'tanh']);

/** `activation(x)`, skipping the copy that `linear` would make. */
function activate(name: ActivationName, x: Tensor): Tensor {
  return name === 'linear' ? x : getActivation(name)(x);
}

// ---- Dense and EinsumDense: a kernel and a bias ----------------------------------------------

/** Arguments of the kernel, the bias and the output penalty of Dense and EinsumDense. */
interface KernelLayerArgs extends LayerArgs {
  /** Default `'glorotUniform'` (Keras). */
  kernelInitializer?: InitializerIdentifier;
  /** Default `'zeros'`. */
  biasInitializer?: InitializerIdentifier;
  /** Regularizer of the kernel. */
  kernelRegularizer?: RegularizerIdentifier | null;
  /** Regularizer of the bias. */
  biasRegularizer?: RegularizerIdentifier | null;
  /** Penalty on the layer's output, added with `addLoss` on every call. */
  activityRegularizer?: RegularizerIdentifier | null;
  /** Constraint applied to the kernel after each step. */
  kernelConstraint?: ConstraintIdentifier | null;
  /** Constraint applied to the bias after each step. */
  biasConstraint?: ConstraintIdentifier | null;
}

/**
 * The base of Dense and EinsumDense: the options of the `kernel` and `bias` weights and of the
 * output penalty, and their config entries.
 */
abstract class KernelLayer extends ShapedLayer {
  /** Initializer of the kernel. */
  readonly kernelInitializer: Initializer;
  /** Initializer of the bias. */
  readonly biasInitializer: Initializer;
  /** Regularizer of the kernel, or null. */
  readonly kernelRegularizer: Regularizer | null;
  /** Regularizer of the bias, or null. */
  readonly biasRegularizer: Regularizer | null;
  /** Regularizer of the output, or null. */
  readonly activityRegularizer: Regularizer | null;
  /** Constraint of the kernel, or null. */
  readonly kernelConstraint: Constraint | null;
  /** Constraint of the bias, or null. */
  readonly biasConstraint: Constraint | null;
  /** The kernel, created by `build`. */
  kernel: Variable | null = null;
  /** The bias, created by `build` (null without a bias). */
  bias: Variable | null = null;

  /** `layerClass` names the layer in errors (`name (Dense)`). */
  protected constructor(args: KernelLayerArgs, layerClass: string) {
    super(args);
    const where = `${this.name} (${layerClass})`;
    this.kernelInitializer = getInitializer(args.kernelInitializer ?? 'glorotUniform', `${where} kernelInitializer`);
    this.biasInitializer = getInitializer(args.biasInitializer ?? 'zeros', `${where} biasInitializer`);
    this.kernelRegularizer = getRegularizer(args.kernelRegularizer, `${where} kernelRegularizer`);
    this.biasRegularizer = getRegularizer(args.biasRegularizer, `${where} biasRegularizer`);
    this.activityRegularizer = getRegularizer(args.activityRegularizer, `${where} activityRegularizer`);
    this.kernelConstraint = getConstraint(args.kernelConstraint, `${where} kernelConstraint`);
    this.biasConstraint = getConstraint(args.biasConstraint, `${where} biasConstraint`);
  }

  /** The kernel, bias and activity-regularizer config entries, in TensorFlow.js' order. */
  protected kernelConfig(): ConfigDict {
    return {
      kernelInitializer: serializeOrNull(this.kernelInitializer),
      biasInitializer: serializeOrNull(this.biasInitializer),
      kernelRegularizer: serializeOrNull(this.kernelRegularizer),
      biasRegularizer: serializeOrNull(this.biasRegularizer),
      activityRegularizer: serializeOrNull(this.activityRegularizer),
      kernelConstraint: serializeOrNull(this.kernelConstraint),
      biasConstraint: serializeOrNull(this.biasConstraint),
    };
  }
}

// ---- Dense -----------------------------------------------------------------------------------

/** Arguments of {@link Dense} (Keras / TensorFlow.js names; the config form is accepted too). */
export interface DenseArgs extends KernelLayerArgs {
  /** Size of the output's last dimension. */
  units: number;
  /** Activation name (`'relu'`, `'softmax'`, ...); default linear. */
  activation?: ActivationName | string | null;
  /** Whether to add a bias vector (default true). */
  useBias?: boolean;
  /** TensorFlow.js shorthand for `inputShape: [inputDim]`. */
  inputDim?: number;
}

/**
 * `activation(dot(x, kernel) + bias)` over the last axis of x (any rank ≥ 2). Weights: `kernel`
 * `[inputDim, units]`, then `bias` `[units]`.
 * @example st.layers.dense({ units: 10, activation: 'softmax' })
 */
export class Dense extends KernelLayer {
  static override readonly className = 'Dense';
  /** Output features. */
  readonly units: number;
  /** The activation applied to the output. */
  readonly activation: ActivationName;
  /** Whether a bias is added. */
  readonly useBias: boolean;

  constructor(args: DenseArgs) {
    const withInputDim = args.inputDim !== undefined && args.inputDim !== null && !args.inputShape && !args.batchInputShape
      ? { ...args, inputShape: [args.inputDim] } : args;
    super(withInputDim, 'Dense');
    const where = `${this.name} (Dense)`;
    if (!Number.isInteger(args.units) || args.units < 1) throw new Error(`${where}: units must be a positive integer, got ${JSON.stringify(args.units)}`);
    this.units = args.units;
    this.activation = activationName(args.activation, where);
    this.useBias = args.useBias ?? true;
    this.inputSpec = { minNdim: 2 };
    this.supportsMasking = true;
  }

  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    const shape = singleShape(inputShape, this.name);
    const inputDim = shape[shape.length - 1];
    if (shape.length < 2 || inputDim === null || inputDim === undefined) {
      throw new Error(`${this.name}: Dense needs inputs of rank ≥ 2 with a known last dimension, got shape ${formatShape(shape)}`);
    }
    this.kernel = this.addWeight('kernel', { shape: [inputDim, this.units], initializer: this.kernelInitializer, regularizer: this.kernelRegularizer, constraint: this.kernelConstraint });
    if (this.useBias) {
      this.bias = this.addWeight('bias', { shape: [this.units], initializer: this.biasInitializer, regularizer: this.biasRegularizer, constraint: this.biasConstraint });
    }
    this.inputSpec = { minNdim: 2, axes: { [-1]: inputDim } };
    this.builtInputShape = [null, ...shape.slice(1)];
    this.built = true;
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = singleInput(inputs, this.name);
    const kernel = this.kernel!;
    const y = engine().tidy(() => {
      const inputDim = x.shape[x.rank - 1]!;
      // fusedMatMul is 2-D; leading dims are folded into rows and restored after.
      const rows = x.rank === 2 ? x : reshape(x, [x.size / inputDim, inputDim]);
      const fused = FUSABLE.has(this.activation);
      const product = fusedMatMul({ a: rows, b: kernel, bias: this.bias, activation: fused ? (this.activation as FusedActivation) : 'linear' });
      const out = x.rank === 2 ? product : reshape(product, [...x.shape.slice(0, -1), this.units]);
      return fused ? out : activate(this.activation, out);
    });
    addActivityLoss(this, this.activityRegularizer, y);
    return y;
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    const shape = singleShape(inputShape, this.name);
    if (shape.length < 2) throw new Error(`${this.name}: Dense needs inputs of rank ≥ 2, got shape ${formatShape(shape)}`);
    return [...shape.slice(0, -1), this.units];
  }

  override getConfig(): ConfigDict {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: this.activation,
      useBias: this.useBias,
      ...this.kernelConfig(),
    };
  }
}
registerClass('layer', Dense);

/**
 * A densely connected layer (see {@link Dense}).
 * @example
 * const layer = st.layers.dense({ units: 10, activation: 'relu' });
 * const y = layer.apply(st.ones([4, 3]));   // [4, 10]; weights created on the first call: kernel [3, 10], bias [10]
 */
export const dense = (args: DenseArgs): Dense => new Dense(args);

// ---- EinsumDense -----------------------------------------------------------------------------

/** Arguments of {@link EinsumDense} (Keras 3). */
export interface EinsumDenseArgs extends KernelLayerArgs {
  /**
   * `'<input>,<kernel>-><output>'`, e.g. `'ab,bc->ac'`; `...` may stand for leading
   * (`'...b,bc->...c'`) or trailing (`'ab...,bc->ac...'`) input dims that pass through.
   */
  equation: string;
  /**
   * The output shape without the batch dimension (without any elided dims); `null` entries are
   * taken from the input. A number means `[number]`.
   */
  outputShape: number | readonly (number | null)[];
  /** The activation applied to the output (default linear). */
  activation?: ActivationName | string | null;
  /** Output indices that get a bias, e.g. `'c'`; default none. */
  biasAxes?: string | null;
}

interface EinsumParts {
  readonly input: string;
  readonly kernel: string;
  readonly output: string;
  readonly elision: 'none' | 'left' | 'right';
}

function parseEinsumDense(equation: unknown, where: string): EinsumParts {
  if (typeof equation !== 'string') throw new Error(`${where}: equation must be a string such as 'ab,bc->ac', got ${JSON.stringify(equation)}`);
  const eq = equation.replace(/\s+/g, '');
  let m = /^([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)$/.exec(eq);
  if (m) return { input: m[1]!, kernel: m[2]!, output: m[3]!, elision: 'none' };
  m = /^\.\.\.([a-zA-Z]+),([a-zA-Z]+)->\.\.\.([a-zA-Z]+)$/.exec(eq);
  if (m) return { input: m[1]!, kernel: m[2]!, output: m[3]!, elision: 'left' };
  m = /^([a-zA-Z]{2,})\.\.\.,([a-zA-Z]+)->([a-zA-Z]+)\.\.\.$/.exec(eq);
  if (m) return { input: m[1]!, kernel: m[2]!, output: m[3]!, elision: 'right' };
  throw new Error(`${where}: invalid equation '${equation}'. Expected '<input>,<kernel>-><output>' in letters, ` +
    `optionally with '...' at the start of the input and output ('...b,bc->...c') or at their end ('ab...,bc->ac...')`);
}

/** What an EinsumDense layer computes for one input shape. */
interface EinsumPlan {
  /** The full output shape (batch included). */
  readonly outputShape: (number | null)[];
  /** Size of every named index (null where unknown). */
  readonly sizes: ReadonlyMap<string, number | null>;
  /** The equation with `...` replaced by letters, for the einsum op. */
  readonly expanded: string;
}

/** Keras' `_analyze_einsum_string`: output shape and index sizes for an input shape. */
function planEinsum(parts: EinsumParts, partialOutput: readonly (number | null)[], inputShape: SymbolicShape, where: string, equation: string): EinsumPlan {
  const { input, kernel, output, elision } = parts;
  const elided = inputShape.length - input.length;
  const shapes = `input shape ${formatShape(inputShape)}, equation '${equation}'`;
  if (elided < 0 || (elision === 'none' && elided !== 0)) {
    throw new Error(`${where}: the input must have rank ${input.length}${elision === 'none' ? '' : ' or more'} to match '${input}' (${shapes})`);
  }
  if (elision === 'left' && elided < 1) {
    throw new Error(`${where}: '...' must stand for at least the batch dimension (${shapes})`);
  }
  const expectedPartial = elision === 'left' ? output.length : output.length - 1;
  if (partialOutput.length !== expectedPartial) {
    throw new Error(`${where}: outputShape ${formatShape(partialOutput)} must have ${expectedPartial} dim(s): one per output index of '${output}'` +
      `${elision === 'left' ? '' : ' after the first (batch) one'} (${shapes})`);
  }
  const elidedDims = elision === 'left' ? inputShape.slice(0, elided) : elision === 'right' ? inputShape.slice(input.length) : [];
  const spec: (number | null)[] = elision === 'left' ? [...partialOutput] : [inputShape[0]!, ...partialOutput];
  const sizes = new Map<string, number | null>();
  const inputOffset = elision === 'left' ? elided : 0;
  [...input].forEach((c, i) => sizes.set(c, inputShape[i + inputOffset]!));
  [...output].forEach((c, i) => {
    const fromOutput = spec[i]!;
    if (!sizes.has(c)) {
      if (!kernel.includes(c)) {
        throw new Error(`${where}: output index '${c}' of '${output}' appears in neither the input '${input}' nor the kernel '${kernel}' (${shapes})`);
      }
      sizes.set(c, fromOutput);
      return;
    }
    const fromInput = sizes.get(c)!;
    if (fromOutput !== null && fromInput !== null && fromOutput !== fromInput) {
      throw new Error(`${where}: index '${c}' has size ${fromInput} in the input but ${fromOutput} in outputShape ${formatShape(partialOutput)} (${shapes})`);
    }
    if (fromInput === null) sizes.set(c, fromOutput);
  });
  for (const c of kernel) {
    if (!sizes.has(c)) {
      throw new Error(`${where}: kernel index '${c}' of '${kernel}' appears in neither the input '${input}' nor the output '${output}'; the kernel must be fully specified (${shapes})`);
    }
  }
  const used = new Set([...input, ...kernel, ...output]);
  const fresh = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'].filter((c) => !used.has(c)).slice(0, elided).join('');
  if (fresh.length < elided) throw new Error(`${where}: too many elided dims (${shapes})`);
  const outDims = [...output].map((c) => sizes.get(c)!);
  let expanded: string;
  let outputShape: (number | null)[];
  if (elision === 'left') {
    expanded = `${fresh}${input},${kernel}->${fresh}${output}`;
    outputShape = [...elidedDims, ...outDims];
  } else if (elision === 'right') {
    expanded = `${input}${fresh},${kernel}->${output}${fresh}`;
    outputShape = [...outDims, ...elidedDims];
  } else {
    expanded = `${input},${kernel}->${output}`;
    outputShape = outDims;
  }
  return { outputShape, sizes, expanded };
}

/**
 * A dense layer written as an einsum of the input with a kernel (Keras 3 `EinsumDense`), e.g.
 * `'abc,cd->abd'` for a dense over the last axis of a sequence, or `'abc,cde->abde'` for
 * multi-head projections. Weights: `kernel` (shape from the kernel's indices), then `bias`
 * (over `biasAxes`).
 * @example st.layers.einsumDense({ equation: '...b,bc->...c', outputShape: 64, biasAxes: 'c' })
 */
export class EinsumDense extends KernelLayer {
  static override readonly className = 'EinsumDense';
  /** The einsum equation, as given. */
  readonly equation: string;
  /** The output shape without the batch dimension (`null`: from the input). */
  readonly partialOutputShape: (number | null)[];
  /** The activation applied to the output. */
  readonly activation: ActivationName;
  /** Output indices that get a bias, or null. */
  readonly biasAxes: string | null;
  private readonly parts: EinsumParts;
  private expanded = '';

  constructor(args: EinsumDenseArgs) {
    super(args, 'EinsumDense');
    const where = `${this.name} (EinsumDense)`;
    this.parts = parseEinsumDense(args.equation, where);
    this.equation = args.equation;
    const shape = typeof args.outputShape === 'number' ? [args.outputShape] : args.outputShape;
    if (!Array.isArray(shape) || shape.some((d) => d !== null && !(Number.isInteger(d) && d >= 1))) {
      throw new Error(`${where}: outputShape must be a positive integer or a list of positive integers / null, got ${JSON.stringify(args.outputShape)}`);
    }
    this.partialOutputShape = [...(shape as readonly (number | null)[])];
    this.activation = activationName(args.activation, where);
    this.biasAxes = args.biasAxes ?? null;
    if (this.biasAxes !== null) {
      if (typeof this.biasAxes !== 'string' || !/^[a-zA-Z]+$/.test(this.biasAxes)) throw new Error(`${where}: biasAxes must be a string of output indices, got ${JSON.stringify(args.biasAxes)}`);
      const missing = [...this.biasAxes].find((c) => !this.parts.output.includes(c));
      if (missing !== undefined) throw new Error(`${where}: bias index '${missing}' of biasAxes '${this.biasAxes}' is not in the output '${this.parts.output}' of '${this.equation}'`);
    }
  }

  private plan(shape: SymbolicShape): EinsumPlan {
    return planEinsum(this.parts, this.partialOutputShape, shape, `${this.name} (EinsumDense)`, this.equation);
  }

  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    const shape = singleShape(inputShape, this.name);
    const plan = this.plan(shape);
    const where = `${this.name} (EinsumDense)`;
    const known = (c: string, what: string): number => {
      const size = plan.sizes.get(c);
      if (size === null || size === undefined) {
        throw new Error(`${where}: the size of ${what} index '${c}' is unknown for input shape ${formatShape(shape)} and outputShape ${formatShape(this.partialOutputShape)}; give it in outputShape or the input shape`);
      }
      return size;
    };
    const kernelShape = [...this.parts.kernel].map((c) => known(c, 'kernel'));
    this.kernel = this.addWeight('kernel', { shape: kernelShape, initializer: this.kernelInitializer, regularizer: this.kernelRegularizer, constraint: this.kernelConstraint });
    if (this.biasAxes !== null) {
      const output = this.parts.output;
      const first = Math.min(...[...this.biasAxes].map((c) => output.indexOf(c)));
      const biasShape = [...output.slice(first)].map((c) => (this.biasAxes!.includes(c) ? known(c, 'bias') : 1));
      if (this.parts.elision === 'right') for (let i = 0; i < shape.length - this.parts.input.length; i++) biasShape.push(1);
      this.bias = this.addWeight('bias', { shape: biasShape, initializer: this.biasInitializer, regularizer: this.biasRegularizer, constraint: this.biasConstraint });
    }
    // The kernel fixes the input's rank and the sizes of the indices it shares with the input.
    const offset = this.parts.elision === 'left' ? shape.length - this.parts.input.length : 0;
    const axes: Record<number, number> = {};
    [...this.parts.input].forEach((c, i) => {
      const size = shape[i + offset];
      if (this.parts.kernel.includes(c) && size !== null && size !== undefined) axes[i + offset] = size;
    });
    this.inputSpec = { ndim: shape.length, axes };
    this.expanded = plan.expanded;
    this.builtInputShape = [null, ...shape.slice(1)];
    this.built = true;
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = singleInput(inputs, this.name);
    const y = engine().tidy(() => {
      const product = einsum(this.expanded, x, this.kernel!);
      return activate(this.activation, this.bias ? add(product, this.bias) : product);
    });
    addActivityLoss(this, this.activityRegularizer, y);
    return y;
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    return this.plan(singleShape(inputShape, this.name)).outputShape;
  }

  override getConfig(): ConfigDict {
    return {
      ...super.getConfig(),
      outputShape: this.partialOutputShape,
      equation: this.equation,
      activation: this.activation,
      biasAxes: this.biasAxes,
      ...this.kernelConfig(),
    };
  }
}
registerClass('layer', EinsumDense);

/** A dense layer defined by an einsum equation (see {@link EinsumDense}). */
export const einsumDense = (args: EinsumDenseArgs): EinsumDense => new EinsumDense(args);

// ---- Activation ------------------------------------------------------------------------------

/** Arguments of {@link Activation}. */
export interface ActivationArgs extends LayerArgs {
  /** Activation name, e.g. `'relu'` (snake_case spellings are accepted). */
  activation: ActivationName | string;
}

/** Applies an activation function elementwise (softmax: over the last axis). */
export class Activation extends Layer {
  static override readonly className = 'Activation';
  /** The activation applied. */
  readonly activation: ActivationName;

  constructor(args: ActivationArgs) {
    super(args);
    if (args.activation === undefined || args.activation === null) throw new Error(`${this.name} (Activation): activation is required, e.g. { activation: 'relu' }`);
    this.activation = activationName(args.activation, `${this.name} (Activation)`);
    this.supportsMasking = true;
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    return getActivation(this.activation)(singleInput(inputs, this.name));
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    return singleShape(inputShape, this.name);
  }

  override getConfig(): ConfigDict {
    return { ...super.getConfig(), activation: this.activation };
  }
}
registerClass('layer', Activation);

/** A layer that applies an activation (see {@link Activation}). */
export const activation = (args: ActivationArgs): Activation => new Activation(args);

// ---- Lambda ----------------------------------------------------------------------------------

/**
 * The function a {@link Lambda} layer wraps: inputs (one tensor, or a list for several inputs)
 * and the layer's `arguments` to output(s). Intermediates are freed by the layer.
 */
export type LambdaFunction = (inputs: Tensor | Tensor[], args: ConfigDict) => Tensor | Tensor[];

const lambdaRegistry = new Map<string, LambdaFunction>();

/**
 * Registers `fn` under `name`, so Lambda layers using it can be saved (their config holds the
 * name) and loaded again (register the same name before loading). Re-registering a name replaces
 * its function.
 * @example
 * st.layers.registerLambda('double', (x) => st.mul(x as st.Tensor, 2));
 * const layer = st.layers.lambda({ functionName: 'double' });
 */
export function registerLambda(name: string, fn: LambdaFunction): void {
  if (typeof name !== 'string' || name === '') throw new Error(`registerLambda: name must be a non-empty string, got ${JSON.stringify(name)}`);
  if (typeof fn !== 'function') throw new Error(`registerLambda('${name}'): fn must be a function, got ${typeof fn}`);
  lambdaRegistry.set(name, fn);
}

/** The function registered as `name`, or undefined. */
export function getLambda(name: string): LambdaFunction | undefined {
  return lambdaRegistry.get(name);
}

/** Arguments of {@link Lambda}: give `fn`, or `functionName` of a registered function. */
export interface LambdaArgs extends LayerArgs {
  /** The function to wrap; the layer saves only if it is registered (see `registerLambda`). */
  fn?: LambdaFunction;
  /** Name of a function registered with `registerLambda` (what a saved config holds). */
  functionName?: string | null;
  /** Output shape without the batch dimension; default: found by running the function once. */
  outputShape?: SymbolicShape | null;
  /** Extra JSON arguments passed to the function as its second parameter (saved in the config). */
  arguments?: ConfigDict | null;
}

/**
 * Wraps an arbitrary function of tensors as a layer (no weights). Its config can be saved only
 * when the function is registered by name with `registerLambda`.
 * @example
 * st.layers.registerLambda('square', (x) => st.square(x as st.Tensor));
 * model.add(st.layers.lambda({ functionName: 'square' }));
 */
export class Lambda extends Layer {
  static override readonly className = 'Lambda';
  /** The wrapped function. */
  readonly fn: LambdaFunction;
  /** The output shape without the batch dimension, when given. */
  readonly outputShape: SymbolicShape | null;
  /** Extra arguments passed to the function. */
  readonly arguments: ConfigDict;
  private readonly functionName: string | null;

  constructor(args: LambdaArgs) {
    super(args);
    const where = `${this.name} (Lambda)`;
    const name = args.functionName ?? null;
    const registered = name === null ? undefined : lambdaRegistry.get(name);
    if (name !== null && !registered) {
      throw new Error(`${where}: no function is registered as '${name}'. Call st.layers.registerLambda('${name}', fn) before creating or loading this layer`);
    }
    if (args.fn !== undefined && typeof args.fn !== 'function') throw new Error(`${where}: fn must be a function, got ${typeof args.fn}`);
    if (args.fn && registered && args.fn !== registered) {
      throw new Error(`${where}: fn is not the function registered as '${name}'; give one of them`);
    }
    const fn = args.fn ?? registered;
    if (!fn) throw new Error(`${where}: give fn (a function) or functionName (registered with st.layers.registerLambda)`);
    this.fn = fn;
    this.functionName = name;
    const shape = args.outputShape ?? null;
    if (shape !== null && (!Array.isArray(shape) || shape.some((d) => d !== null && !(Number.isInteger(d) && d >= 0)))) {
      throw new Error(`${where}: outputShape must be a list of non-negative integers or null (without the batch dimension), got ${JSON.stringify(shape)}`);
    }
    this.outputShape = shape === null ? null : [...shape];
    this.arguments = { ...(args.arguments ?? {}) };
  }

  call(inputs: Tensor | Tensor[]): Tensor | Tensor[] {
    return engine().tidy(() => this.fn(inputs, this.arguments));
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape | SymbolicShape[] {
    if (this.outputShape === null) return super.computeOutputShape(inputShape);
    const first = isShapeList(inputShape) ? inputShape[0]! : inputShape;
    return [first[0] ?? null, ...this.outputShape];
  }

  /** The registered name of this layer's function, or null if it has none. */
  registeredName(): string | null {
    if (this.functionName !== null) return this.functionName;
    for (const [name, fn] of lambdaRegistry) if (fn === this.fn) return name;
    return null;
  }

  /** Throws unless the function is registered by name: a bare function cannot be saved. */
  override getConfig(): ConfigDict {
    const functionName = this.registeredName();
    if (functionName === null) {
      throw new Error(`${this.name} (Lambda): cannot save this layer's config because its function is not registered by name. ` +
        `Register it with st.layers.registerLambda('someName', fn) and create the layer with { functionName: 'someName' }`);
    }
    return {
      ...super.getConfig(),
      functionName,
      outputShape: this.outputShape as ConfigValue,
      arguments: this.arguments,
    };
  }
}
registerClass('layer', Lambda);

/** A layer wrapping a function (see {@link Lambda}). */
export const lambda = (args: LambdaArgs): Lambda => new Lambda(args);

// ---- Identity --------------------------------------------------------------------------------

/** Returns its input unchanged (a new handle to the same values); a placeholder layer. */
export class Identity extends Layer {
  static override readonly className = 'Identity';

  constructor(args: LayerArgs = {}) {
    super(args);
    this.supportsMasking = true;
  }

  call(inputs: Tensor | Tensor[]): Tensor | Tensor[] {
    return Array.isArray(inputs) ? inputs.map((x) => clone(x)) : clone(inputs);
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape | SymbolicShape[] {
    return inputShape;
  }
}
registerClass('layer', Identity);

/** A layer that passes its input through (see {@link Identity}). */
export const identity = (args: LayerArgs = {}): Identity => new Identity(args);

