/**
 * The Layer contract (Keras): weights created in `build`, computation in `call`, shape inference
 * in `computeOutputShape`, serialization through `getConfig`/`fromConfig`. `apply` runs a layer on
 * real tensors (eager) or on symbolic tensors (building a functional graph).
 */
import type { DType } from '../backend/contract.js';
import { Tensor, Variable } from '../tensor/tensor.js';
import { engine } from '../engine/engine.js';
import { variable } from '../ops/creation.js';
import { fill } from '../ops/creation.js';
import { add } from '../ops/binary.js';
import { shapeToString } from '../util/shape.js';
import { classNameOf, type ConfigDict, type ConfigValue, type Serializable } from '../serialization/registry.js';
import { getInitializer, type InitializerIdentifier } from '../initializers/initializers.js';
import { getRegularizer, type Regularizer, type RegularizerIdentifier } from './regularizers.js';
import { getConstraint, type Constraint, type ConstraintIdentifier } from './constraints.js';

/** A shape whose unknown dimensions (the batch, usually) are `null`. */
export type SymbolicShape = readonly (number | null)[];

let nextSymbolicId = 1;

/**
 * A placeholder in a functional model: it has a shape (batch dimension `null`) and a dtype but no
 * values. Made by `st.input()` and by calling layers on other symbolic tensors.
 */
export class SymbolicTensor {
  /** A unique number, for telling symbolic tensors apart. */
  readonly id = nextSymbolicId++;
  /** @internal */
  node: LayerNode | null = null;
  constructor(
    /** The shape; unknown dimensions (the batch, usually) are `null`. */
    readonly shape: SymbolicShape,
    /** The dtype of the values it stands for. */
    readonly dtype: DType,
    /** The producing layer's name (with `:i` for its i-th output when it has several). */
    readonly name: string,
    /** @internal Which output of the node's layer this is. */
    readonly outputIndex = 0,
  ) {}

  /** Number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  /** The layer that produced this tensor. */
  get sourceLayer(): Layer {
    if (!this.node) throw new Error(`SymbolicTensor '${this.name}' has no source layer`);
    return this.node.layer;
  }

  /** `dtype[shape]` with `null` for unknown dimensions, for messages. */
  describe(): string {
    return `${this.dtype}${shapeToString(this.shape.map((d) => d ?? -1)).replace(/-1/g, 'null')}`;
  }
}

/** One call of a layer on symbolic inputs: an edge of the functional graph. */
export class LayerNode {
  constructor(
    /** The layer called. */
    readonly layer: Layer,
    /** The symbolic tensors it was called on. */
    readonly inputs: readonly SymbolicTensor[],
    /** The symbolic tensors it produced. */
    readonly outputs: readonly SymbolicTensor[],
    /** Extra call arguments to replay (e.g. `training`), JSON only. */
    readonly callArgs: ConfigDict,
    /** Position in `layer.inboundNodes`. */
    readonly index: number,
  ) {}
}

/** Constraints on a layer's input, checked by `apply`. */
export interface InputSpec {
  /** Required rank. */
  ndim?: number;
  /** Smallest rank allowed. */
  minNdim?: number;
  /** Required sizes of some axes (negative axes count from the end). */
  axes?: Record<number, number>;
}

/** Arguments every layer constructor accepts (Keras / TensorFlow.js names). */
export interface LayerArgs {
  /** Unique within a model; default: the class name in snake_case plus a counter. */
  name?: string;
  /** Whether the optimizer may update the layer's weights (default true). */
  trainable?: boolean;
  /** Input shape without the batch dimension: makes `sequential` build this layer at once. */
  inputShape?: SymbolicShape;
  /** Input shape including the batch dimension. */
  batchInputShape?: SymbolicShape;
  /** Fixed batch size, used with `inputShape`. */
  batchSize?: number | null;
  /** The dtype of the layer's weights and outputs (float32). */
  dtype?: DType;
}

/** Per-call arguments of `call`. */
export interface CallArgs {
  /** Training mode: dropout drops, batch norm uses batch statistics. Default false. */
  training?: boolean;
  /** A mask for sequence inputs (true = keep), one per input. */
  mask?: Tensor | null | (Tensor | null)[];
}

/** Options for `addWeight`. */
export interface AddWeightOptions {
  /** The weight's shape. */
  shape: readonly number[];
  /** Its dtype (default: the layer's). */
  dtype?: DType;
  /** How it is initialised (default `glorotUniform`). */
  initializer?: InitializerIdentifier;
  /** A penalty added to the training loss. */
  regularizer?: RegularizerIdentifier | Regularizer | null;
  /** A projection applied after each optimizer step. */
  constraint?: ConstraintIdentifier | Constraint | null;
  /** Whether the optimizer updates it (false for e.g. batch-norm moving statistics). */
  trainable?: boolean;
}

/** A weight of a layer: the variable plus what the layer needs to know about it. */
export interface LayerWeight {
  /** The name inside the layer (`kernel`, `bias`, ...). */
  readonly shortName: string;
  /** `<layer name>/<shortName>`: the name saved models use. */
  readonly path: string;
  /** The weight's value. */
  readonly variable: Variable;
  /** Its regularizer, or null. */
  readonly regularizer: Regularizer | null;
  /** Its constraint, or null. */
  readonly constraint: Constraint | null;
  /** Whether the optimizer updates it (false when the layer, or a parent, is frozen). */
  readonly trainable: boolean;
}

const nameCounters = new Map<string, number>();

/** `Conv2D` → `conv2d`, `BatchNormalization` → `batch_normalization`. */
export function snakeCase(name: string): string {
  // Keras' rule: split before a capitalised word, then between a lower-case letter and a capital.
  return name.replace(/(.)([A-Z][a-z]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

/** A fresh name for a layer of this prefix: `dense`, `dense_1`, `dense_2`, ... */
export function uniqueLayerName(prefix: string): string {
  const n = nameCounters.get(prefix) ?? 0;
  nameCounters.set(prefix, n + 1);
  return n === 0 ? prefix : `${prefix}_${n}`;
}

function isShapeList(s: SymbolicShape | SymbolicShape[]): s is SymbolicShape[] {
  return s.length > 0 && Array.isArray(s[0]);
}

/** Input shapes of concrete or symbolic tensors; one shape for one input. */
function shapesOf(xs: readonly (Tensor | SymbolicTensor)[]): SymbolicShape | SymbolicShape[] {
  return xs.length === 1 ? xs[0]!.shape : xs.map((x) => x.shape);
}

/**
 * The base of every layer. Subclasses override `build` (create weights with `addWeight`), `call`
 * and `computeOutputShape`, and `getConfig` when they have constructor arguments; built-in and
 * registered layers are rebuilt from their config by `fromConfig` (`new Cls(config)`).
 * @example
 * class Scale extends st.Layer {
 *   static override readonly className = 'Scale';
 *   private w!: st.Variable;
 *   override build(shape: st.SymbolicShape) { this.w = this.addWeight('w', { shape: [shape.at(-1)!], initializer: 'ones' }); }
 *   override call(x: st.Tensor) { return st.mul(x, this.w); }
 * }
 */
export abstract class Layer implements Serializable {
  /** The registry name of the class; subclasses set their own. */
  static readonly className: string = 'Layer';
  /** The layer's name, unique within a model. */
  readonly name: string;
  /** The dtype of the layer's weights and outputs. */
  readonly dtype: DType;
  /** Batch input shape given at construction (first layer of a sequential model, Input). */
  readonly batchInputShape: SymbolicShape | null;
  /** Whether `build` has run. */
  built = false;
  /** Whether `call` handles masks itself; if false, masks are passed through unchanged. */
  supportsMasking = false;
  /** @internal Calls of this layer on symbolic inputs, in order. */
  readonly inboundNodes: LayerNode[] = [];
  private trainableFlag: boolean;
  private readonly ownWeights: LayerWeight[] = [];
  /** Activity losses added during the current forward pass (see `addLoss`). */
  private pendingLosses: Tensor[] = [];

  constructor(args: LayerArgs = {}) {
    const className = (this.constructor as typeof Layer).className;
    this.name = args.name ?? uniqueLayerName(snakeCase(className === 'Layer' ? this.constructor.name || 'layer' : className));
    this.trainableFlag = args.trainable ?? true;
    this.dtype = args.dtype ?? 'float32';
    if (args.batchInputShape) this.batchInputShape = [...args.batchInputShape];
    else if (args.inputShape) this.batchInputShape = [args.batchSize ?? null, ...args.inputShape];
    else this.batchInputShape = null;
  }

  /** Whether the optimizer may update this layer's weights (set false to freeze it). */
  get trainable(): boolean {
    return this.trainableFlag;
  }
  /** Freezes (false) or unfreezes (true) this layer; the weights of its sub-layers follow it. */
  set trainable(value: boolean) {
    this.trainableFlag = value;
  }

  /** Creates the weights for inputs of `inputShape` (called once, by `apply`). */
  build(_inputShape: SymbolicShape | SymbolicShape[]): void {
    this.built = true;
  }

  /** The computation, on real tensors. */
  abstract call(inputs: Tensor | Tensor[], args: CallArgs): Tensor | Tensor[];

  /**
   * Output shape(s) for input shape(s). The default runs `call` once on zeros with unknown
   * dimensions set to 1; layers override it with the exact rule.
   */
  computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape | SymbolicShape[] {
    const shapes = isShapeList(inputShape) ? inputShape : [inputShape];
    const outputs = engine().tidy(() => {
      const xs = shapes.map((s) => fill(s.map((d) => d ?? 1), 0, this.dtype));
      const y = this.call(xs.length === 1 ? xs[0]! : xs, { training: false });
      return (Array.isArray(y) ? y : [y]).map((t) => [...t.shape]);
    });
    const batchUnknown = shapes[0]![0] === null;
    const withBatch = outputs.map((s) => (batchUnknown && s.length > 0 ? [null, ...s.slice(1)] : s));
    return withBatch.length === 1 ? withBatch[0]! : withBatch;
  }

  /** The output mask for inputs and their mask; default: pass the mask through when supported. */
  computeMask(_inputs: Tensor | Tensor[], mask: Tensor | null | (Tensor | null)[] | undefined): Tensor | null | (Tensor | null)[] {
    if (!this.supportsMasking || mask === undefined) return null;
    return mask;
  }

  /**
   * Runs the layer. On symbolic tensors it records a graph node and returns symbolic outputs; on
   * real tensors it builds the layer if needed and returns `call`'s result. Single-output layers
   * return one tensor; use `applyMulti` for layers and models with several outputs.
   */
  apply(inputs: SymbolicTensor | readonly SymbolicTensor[], args?: CallArgs): SymbolicTensor;
  apply(inputs: Tensor | readonly Tensor[], args?: CallArgs): Tensor;
  apply(inputs: Tensor | SymbolicTensor | readonly (Tensor | SymbolicTensor)[], args: CallArgs = {}): Tensor | SymbolicTensor {
    const outputs = this.applyAny(inputs, args);
    if (outputs.length !== 1) {
      throw new Error(`${this.name}: apply() returns one tensor but this layer has ${outputs.length} outputs; use applyMulti()`);
    }
    return outputs[0]!;
  }

  /** `apply` for layers and models with several outputs: always an array. */
  applyMulti(inputs: SymbolicTensor | readonly SymbolicTensor[], args?: CallArgs): SymbolicTensor[];
  applyMulti(inputs: Tensor | readonly Tensor[], args?: CallArgs): Tensor[];
  applyMulti(inputs: Tensor | SymbolicTensor | readonly (Tensor | SymbolicTensor)[], args: CallArgs = {}): (Tensor | SymbolicTensor)[] {
    return this.applyAny(inputs, args);
  }

  private applyAny(inputs: Tensor | SymbolicTensor | readonly (Tensor | SymbolicTensor)[], args: CallArgs): (Tensor | SymbolicTensor)[] {
    const list = Array.isArray(inputs) ? [...(inputs as readonly (Tensor | SymbolicTensor)[])] : [inputs as Tensor | SymbolicTensor];
    if (list.length === 0) throw new Error(`${this.name}: apply() needs at least one input`);
    const symbolic = list.filter((x) => x instanceof SymbolicTensor).length;
    if (symbolic > 0 && symbolic < list.length) {
      throw new Error(`${this.name}: inputs mix symbolic tensors (from st.input) and real tensors`);
    }
    if (symbolic > 0) return this.applySymbolic(list as SymbolicTensor[], args);
    list.forEach((x, i) => {
      if (!(x instanceof Tensor)) throw new Error(`${this.name}: input ${i} is not a Tensor (got ${typeof x})`);
      x.assertUsable(this.name, `inputs[${i}]`);
    });
    const tensors = list as Tensor[];
    const shapes = shapesOf(tensors);
    this.checkInputShape(shapes);
    this.ensureBuilt(shapes);
    const out = this.call(tensors.length === 1 ? tensors[0]! : tensors, args);
    return Array.isArray(out) ? out : [out];
  }

  private applySymbolic(inputs: SymbolicTensor[], args: CallArgs): SymbolicTensor[] {
    const shapes = shapesOf(inputs);
    this.checkInputShape(shapes);
    this.ensureBuilt(shapes);
    const outShape = this.computeOutputShape(shapes);
    const outShapes = isShapeList(outShape) ? outShape : [outShape];
    const outputs = outShapes.map((s, i) => new SymbolicTensor(s, this.outputDType(inputs), outShapes.length === 1 ? this.name : `${this.name}:${i}`, i));
    const callArgs: ConfigDict = {};
    if (args.training !== undefined) callArgs['training'] = args.training;
    const node = new LayerNode(this, inputs, outputs, callArgs, this.inboundNodes.length);
    this.inboundNodes.push(node);
    for (const o of outputs) o.node = node;
    return outputs;
  }

  /** The dtype of symbolic outputs: the layer's dtype by default. */
  protected outputDType(_inputs: readonly SymbolicTensor[]): DType {
    return this.dtype;
  }

  /** @internal Builds once, with the first inputs' shapes. */
  ensureBuilt(shapes: SymbolicShape | SymbolicShape[]): void {
    if (this.built) return;
    // Weights must outlive any tidy the first call happens in.
    engine().tidy(() => this.build(shapes));
    this.built = true;
  }

  /**
   * What inputs this layer accepts (set in the constructor or `build`); `apply` checks every input
   * against it, and against `batchInputShape`, and throws an error naming the layer and shapes.
   */
  inputSpec: InputSpec | InputSpec[] | null = null;

  /** @internal */
  checkInputShape(shapes: SymbolicShape | SymbolicShape[]): void {
    const list = isShapeList(shapes) ? shapes : [shapes];
    const fmt = (s: SymbolicShape) => `[${s.map((d) => d ?? 'null').join(',')}]`;
    const expected = this.batchInputShape;
    if (expected && list.length === 1) {
      const got = list[0]!;
      const ok = got.length === expected.length && expected.every((d, i) => i === 0 || d === null || got[i] === null || d === got[i]);
      if (!ok) throw new Error(`${this.name}: expected input of shape ${fmt(expected)} but got ${fmt(got)}`);
    }
    if (!this.inputSpec) return;
    const specs = Array.isArray(this.inputSpec) ? this.inputSpec : list.map(() => this.inputSpec as InputSpec);
    if (specs.length !== list.length) {
      throw new Error(`${this.name}: expects ${specs.length} input(s) but got ${list.length}`);
    }
    specs.forEach((spec, i) => {
      const got = list[i]!;
      const which = list.length > 1 ? `input ${i}` : 'input';
      if (spec.ndim !== undefined && got.length !== spec.ndim) {
        throw new Error(`${this.name}: ${which} must have rank ${spec.ndim}, got shape ${fmt(got)}`);
      }
      if (spec.minNdim !== undefined && got.length < spec.minNdim) {
        throw new Error(`${this.name}: ${which} must have rank ≥ ${spec.minNdim}, got shape ${fmt(got)}`);
      }
      for (const [axisText, size] of Object.entries(spec.axes ?? {})) {
        const axis = Number(axisText) < 0 ? got.length + Number(axisText) : Number(axisText);
        const d = got[axis];
        if (d !== null && d !== undefined && d !== size) {
          throw new Error(`${this.name}: ${which} axis ${axisText} must have size ${size}, got shape ${fmt(got)}`);
        }
      }
    });
  }

  /**
   * Creates a weight (a `Variable`) owned by this layer. Call it from `build`.
   * The variable's name is `<layer name>/<name>`, made unique if taken.
   */
  addWeight(name: string, options: AddWeightOptions): Variable {
    const where = `${this.name}.addWeight('${name}')`;
    const initializer = getInitializer(options.initializer ?? 'glorotUniform', where);
    const regularizer = options.regularizer === undefined ? null : getRegularizer(options.regularizer, where);
    const constraint = options.constraint === undefined ? null : getConstraint(options.constraint, where);
    const trainable = options.trainable ?? true;
    const dtype = options.dtype ?? this.dtype;
    const v = engine().tidy(() => variable(initializer.apply(options.shape, dtype), trainable, engine().uniqueVariableName(`${this.name}/${name}`), dtype));
    this.ownWeights.push({ shortName: name, path: `${this.name}/${name}`, variable: v, regularizer, constraint, trainable });
    return v;
  }

  /** Adds an activity loss for this forward pass (collected by the model's training step). */
  addLoss(loss: Tensor): void {
    if (loss.rank !== 0) throw new Error(`${this.name}.addLoss: the loss must be a scalar, got ${loss.describe()}`);
    this.pendingLosses.push(loss);
  }

  /** Layers this layer is made of: properties holding layers or arrays of layers (auto-tracked). */
  get layers(): Layer[] {
    const found: Layer[] = [];
    for (const [key, value] of Object.entries(this)) {
      if (key === 'inboundNodes') continue;
      if (value instanceof Layer && value !== this) found.push(value);
      else if (Array.isArray(value)) for (const v of value) if (v instanceof Layer && v !== this) found.push(v);
    }
    return [...new Set(found)];
  }

  /** This layer's own weights with their metadata (not those of sub-layers). */
  get weightRecords(): readonly LayerWeight[] {
    return this.ownWeights;
  }

  /** @internal Every weight record of this layer and its sub-layers, each once, in creation order. */
  allWeightRecords(): LayerWeight[] {
    const seen = new Set<Variable>();
    const out: LayerWeight[] = [];
    const visit = (layer: Layer, parentTrainable: boolean) => {
      const trainable = parentTrainable && layer.trainable;
      for (const w of layer.ownWeights) {
        if (seen.has(w.variable)) continue;
        seen.add(w.variable);
        out.push(trainable ? w : { ...w, trainable: false });
      }
      for (const sub of layer.layers) visit(sub, trainable);
    };
    visit(this, true);
    return out;
  }

  /** Weights the optimizer updates (none when `trainable` is false). */
  get trainableWeights(): Variable[] {
    return this.allWeightRecords().filter((w) => w.trainable).map((w) => w.variable);
  }

  /** Weights not updated by the optimizer (frozen ones, moving statistics). */
  get nonTrainableWeights(): Variable[] {
    return this.allWeightRecords().filter((w) => !w.trainable).map((w) => w.variable);
  }

  /** All weights: trainable first, then non-trainable (Keras order). */
  get weights(): Variable[] {
    return [...this.trainableWeights, ...this.nonTrainableWeights];
  }

  /** Number of scalars in all weights. */
  countParams(): number {
    return this.weights.reduce((n, w) => n + w.size, 0);
  }

  /** Copies of the weight values, in `weights` order (the caller disposes them). */
  getWeights(): Tensor[] {
    return this.weights.map((w) => engine().tidy(() => add(w, 0)));
  }

  /** Sets weight values in `weights` order; shapes must match. Nothing changes if any mismatches. */
  setWeights(values: readonly Tensor[]): void {
    const ws = this.weights;
    if (values.length !== ws.length) {
      throw new Error(`${this.name}.setWeights: expected ${ws.length} tensors (${ws.map((w) => w.describe()).join(', ')}), got ${values.length}`);
    }
    ws.forEach((w, i) => {
      const v = values[i]!;
      if (v.dtype !== w.dtype || v.shape.length !== w.shape.length || v.shape.some((d, j) => d !== w.shape[j])) {
        throw new Error(`${this.name}.setWeights: weight ${i} '${w.name}' is ${w.describe()} but the value is ${v.describe()}`);
      }
    });
    ws.forEach((w, i) => w.assign(values[i]!));
  }

  /** @internal Takes the activity losses of the last forward pass (this layer and sub-layers). */
  takeLosses(): Tensor[] {
    const out = this.pendingLosses;
    this.pendingLosses = [];
    for (const sub of this.layers) out.push(...sub.takeLosses());
    return out;
  }

  /** Regularization penalties of all regularized weights (new tensors, for the current step). */
  regularizationLosses(): Tensor[] {
    return this.allWeightRecords().filter((w) => w.regularizer && w.trainable).map((w) => w.regularizer!.apply(w.variable));
  }

  /** Applies weight constraints (after an optimizer step). */
  applyConstraints(): void {
    for (const w of this.allWeightRecords()) {
      // As in Keras, only weights the optimizer updates are projected; frozen ones stay as they are.
      if (!w.constraint || !w.trainable) continue;
      const projected = w.constraint.apply(w.variable);
      w.variable.assign(projected);
      projected.dispose();
    }
  }

  /** The constructor arguments that rebuild this layer (camelCase, JSON only). */
  getConfig(): ConfigDict {
    const config: ConfigDict = { name: this.name, trainable: this.trainable, dtype: this.dtype };
    if (this.batchInputShape) config['batchInputShape'] = this.batchInputShape as readonly ConfigValue[];
    return config;
  }

  /** The name it is saved under (`className`, or its registered name). */
  getClassName(): string {
    return classNameOf(this, 'layer');
  }

  /** Rebuilds a layer from `getConfig()`'s result. */
  static fromConfig<T extends Layer>(this: new (args: never) => T, config: ConfigDict): T {
    return new this(config as never);
  }

  /** Frees this layer's weights (and sub-layers'). The layer is unusable afterwards. */
  dispose(): void {
    for (const w of this.allWeightRecords()) w.variable.dispose();
  }
}

/** The single input of a one-input layer, or a clear error. */
export function singleInput(inputs: Tensor | Tensor[], layer: string): Tensor {
  if (Array.isArray(inputs)) {
    if (inputs.length !== 1) throw new Error(`${layer}: expects one input, got ${inputs.length}`);
    return inputs[0]!;
  }
  return inputs;
}

/** The single shape of a one-input layer, or a clear error. */
export function singleShape(shape: SymbolicShape | SymbolicShape[], layer: string): SymbolicShape {
  if (isShapeList(shape)) {
    if (shape.length !== 1) throw new Error(`${layer}: expects one input, got ${shape.length}`);
    return shape[0]!;
  }
  return shape;
}

/** The list of shapes of a multi-input layer, or a clear error. */
export function shapeList(shape: SymbolicShape | SymbolicShape[], layer: string, min = 2): SymbolicShape[] {
  if (!isShapeList(shape) || shape.length < min) {
    throw new Error(`${layer}: expects a list of at least ${min} inputs`);
  }
  return shape;
}

export { isShapeList };
