/**
 * Merge layers (Keras): combine a list of inputs into one tensor. Elementwise merges (Add,
 * Subtract, Multiply, Average, Maximum, Minimum) follow Keras' broadcasting rule: batch sizes must
 * be equal, the other dims broadcast NumPy-style aligned at the end (a lower-rank input gets size-1
 * axes inserted after the batch axis). Concatenate joins along an axis; Dot takes batched dot
 * products. Configs use the TensorFlow.js Layers keys.
 */
import type { Tensor } from '../tensor/tensor.js';
import { engine } from '../engine/engine.js';
import { registerClass, type ConfigDict } from '../serialization/registry.js';
import { add as addOp, div, maximum as maximumOp, minimum as minimumOp, mul, sub } from '../ops/binary.js';
import { sqrt, square } from '../ops/unary.js';
import { sum } from '../ops/reduction.js';
import { reshape } from '../ops/reshape.js';
import { concat, transpose } from '../ops/movement.js';
import { matMul } from '../ops/matmul.js';
import { Layer, isShapeList, type LayerArgs, type SymbolicShape } from './layer.js';
import { formatShape as fmt } from './layer-utils.js';

const fmtAll = (shapes: readonly SymbolicShape[]): string => shapes.map(fmt).join(', ');

/** Arguments of merge layers without options of their own. */
export type MergeArgs = LayerArgs;

/** The input shapes of a multi-input layer as a list of `min`..`max` shapes, or a clear error. */
function shapesList(inputShape: SymbolicShape | SymbolicShape[], layer: string, min: number, max: number): SymbolicShape[] {
  const expected = min === max ? `exactly ${min}` : `at least ${min}`;
  if (!isShapeList(inputShape)) throw new Error(`${layer}: expects a list of ${expected} inputs, got one input of shape ${fmt(inputShape)}`);
  if (inputShape.length < min || inputShape.length > max) {
    throw new Error(`${layer}: expects a list of ${expected} inputs, got ${inputShape.length} (shapes ${fmtAll(inputShape)})`);
  }
  return inputShape;
}

/** The inputs of a multi-input layer as a list, or a clear error. */
function inputList(inputs: Tensor | Tensor[], layer: string, min: number, max: number): Tensor[] {
  const list = Array.isArray(inputs) ? inputs : [inputs];
  if (list.length < min || list.length > max) {
    const expected = min === max ? `exactly ${min}` : `at least ${min}`;
    throw new Error(`${layer}: expects a list of ${expected} inputs, got ${list.length} (shapes ${fmtAll(list.map((t) => t.shape))})`);
  }
  return list;
}

/** The batch size the inputs agree on (null when unknown), or an error naming all shapes. */
function commonBatch(shapes: readonly SymbolicShape[], layer: string): number | null {
  shapes.forEach((s, i) => {
    if (s.length < 1) throw new Error(`${layer}: input ${i} has no batch dimension (input shapes ${fmtAll(shapes)})`);
  });
  const known = [...new Set(shapes.map((s) => s[0]).filter((d): d is number => d !== null && d !== undefined))];
  if (known.length > 1) throw new Error(`${layer}: inputs have different batch sizes (input shapes ${fmtAll(shapes)})`);
  return known[0] ?? null;
}

/**
 * The base of elementwise merge layers: checks shapes by the Keras rule and folds
 * `mergeFunction` over the inputs. Subclass it for a custom elementwise merge.
 */
export abstract class Merge extends Layer {
  /** Fewest and most inputs accepted. */
  protected readonly minInputs: number = 2;
  /** Most inputs accepted. */
  protected readonly maxInputs: number = Infinity;

  constructor(args: MergeArgs = {}) {
    super(args);
  }

  /** Combines inputs that already have equal ranks (they broadcast with NumPy rules). */
  protected abstract mergeFunction(inputs: Tensor[]): Tensor;

  /** The output shape by Keras' merge rule, or an error naming this layer and every input shape. */
  protected mergedShape(shapes: readonly SymbolicShape[]): (number | null)[] {
    const batch = commonBatch(shapes, this.name);
    let out: (number | null)[] = shapes[0]!.slice(1);
    for (const s of shapes.slice(1)) {
      const other = s.slice(1);
      const [long, short] = out.length >= other.length ? [out, other] : [other, out];
      const offset = long.length - short.length;
      const next = long.slice(0, offset);
      for (let k = 0; k < short.length; k++) {
        const i = long[offset + k]!;
        const j = short[k]!;
        if (i === null || j === null) {
          // An unknown size broadcasts to the known one unless that is 1.
          const known = i ?? j;
          next.push(known !== null && known !== 1 ? known : null);
        } else if (i === 1) next.push(j);
        else if (j === 1 || i === j) next.push(i);
        else {
          throw new Error(`${this.name}: input shapes ${fmtAll(shapes)} do not broadcast together ` +
            '(batch sizes must be equal; the other dims must be equal or 1, aligned at the end)');
        }
      }
      out = next;
    }
    return [batch, ...out];
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    return this.mergedShape(shapesList(inputShape, this.name, this.minInputs, this.maxInputs));
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const xs = inputList(inputs, this.name, this.minInputs, this.maxInputs);
    this.mergedShape(xs.map((x) => x.shape));
    return engine().tidy(() => {
      const rank = Math.max(...xs.map((x) => x.rank));
      // Keras inserts the missing axes right after the batch axis.
      const same = xs.map((x) => (x.rank === rank ? x : reshape(x, [x.shape[0]!, ...new Array<number>(rank - x.rank).fill(1), ...x.shape.slice(1)])));
      return this.mergeFunction(same);
    });
  }
}

/** `op(op(inputs[0], inputs[1]), inputs[2])...`: an elementwise binary op over every input. */
function foldInputs(inputs: Tensor[], op: (a: Tensor, b: Tensor) => Tensor): Tensor {
  return inputs.slice(1).reduce((acc, x) => op(acc, x), inputs[0]!);
}

/** Elementwise sum of the inputs. */
export class Add extends Merge {
  static override readonly className = 'Add';
  protected mergeFunction(inputs: Tensor[]): Tensor {
    return foldInputs(inputs, addOp);
  }
}

/** `inputs[0] - inputs[1]` (exactly two inputs). */
export class Subtract extends Merge {
  static override readonly className = 'Subtract';
  protected override readonly maxInputs: number = 2;
  protected mergeFunction(inputs: Tensor[]): Tensor {
    return sub(inputs[0]!, inputs[1]!);
  }
}

/** Elementwise product of the inputs. */
export class Multiply extends Merge {
  static override readonly className = 'Multiply';
  protected mergeFunction(inputs: Tensor[]): Tensor {
    return foldInputs(inputs, mul);
  }
}

/** Elementwise mean of the inputs. */
export class Average extends Merge {
  static override readonly className = 'Average';
  protected mergeFunction(inputs: Tensor[]): Tensor {
    return div(foldInputs(inputs, addOp), inputs.length);
  }
}

/** Elementwise maximum of the inputs. */
export class Maximum extends Merge {
  static override readonly className = 'Maximum';
  protected mergeFunction(inputs: Tensor[]): Tensor {
    return foldInputs(inputs, maximumOp);
  }
}

/** Elementwise minimum of the inputs. */
export class Minimum extends Merge {
  static override readonly className = 'Minimum';
  protected mergeFunction(inputs: Tensor[]): Tensor {
    return foldInputs(inputs, minimumOp);
  }
}

/** Arguments of {@link Concatenate}. */
export interface ConcatenateArgs extends LayerArgs {
  /** The axis to join along (negative counts from the end). Default -1. */
  axis?: number;
}

/** Joins the inputs along `axis`; all other dims must be equal. */
export class Concatenate extends Layer {
  static override readonly className = 'Concatenate';
  /** The axis the inputs are joined along. */
  readonly axis: number;

  constructor(args: ConcatenateArgs = {}) {
    super(args);
    const axis: unknown = args.axis ?? -1;
    if (typeof axis !== 'number' || !Number.isInteger(axis)) throw new Error(`${this.name}: axis must be an integer, got ${JSON.stringify(axis)}`);
    this.axis = axis;
  }

  private joinedShape(shapes: readonly SymbolicShape[]): (number | null)[] {
    const rank = shapes[0]!.length;
    const bad = () => new Error(`${this.name}: inputs must have equal ranks and equal sizes except along axis ${this.axis} (input shapes ${fmtAll(shapes)})`);
    if (shapes.some((s) => s.length !== rank)) throw bad();
    if (this.axis < -rank || this.axis >= rank) throw new Error(`${this.name}: axis ${this.axis} is out of range for inputs of rank ${rank} (input shapes ${fmtAll(shapes)})`);
    const axis = this.axis < 0 ? this.axis + rank : this.axis;
    const out: (number | null)[] = [];
    for (let d = 0; d < rank; d++) {
      const dims = shapes.map((s) => s[d]!);
      if (d === axis) {
        out.push(dims.some((v) => v === null) ? null : (dims as number[]).reduce((a, b) => a + b, 0));
        continue;
      }
      const known = [...new Set(dims.filter((v) => v !== null))];
      if (known.length > 1) throw bad();
      out.push(known[0] ?? null);
    }
    return out;
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    return this.joinedShape(shapesList(inputShape, this.name, 2, Infinity));
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const xs = inputList(inputs, this.name, 2, Infinity);
    this.joinedShape(xs.map((x) => x.shape));
    return concat(xs, this.axis);
  }

  override getConfig(): ConfigDict {
    return { axis: this.axis, ...super.getConfig() };
  }
}

/** Arguments of {@link Dot}. */
export interface DotArgs extends LayerArgs {
  /** The axis reduced in both inputs, or `[axisOfInput0, axisOfInput1]` (never 0, the batch axis; negative counts from the end). */
  axes: number | readonly [number, number];
  /** L2-normalise both inputs along the reduced axes first, giving cosine similarities. Default false. */
  normalize?: boolean;
}

const NORMALIZE_EPSILON = 1e-7;

/** `x / sqrt(max(sum(x²), ε))` along `axis`: TensorFlow.js' l2Normalize, so values match its Dot layer. */
function l2Normalize(x: Tensor, axis: number): Tensor {
  return div(x, sqrt(maximumOp(sum(square(x), axis, true), NORMALIZE_EPSILON)));
}

/**
 * Batched dot product of two inputs: for each example, sums `x0 * x1` over `axes` and keeps the
 * remaining axes of `x0` then those of `x1` (a `[batch]` result becomes `[batch, 1]`).
 * @example
 * // [batch, 5] · [batch, 5] → [batch, 1]; [batch, 3, 4] · [batch, 4, 6] with axes [2, 1] → [batch, 3, 6]
 */
export class Dot extends Layer {
  static override readonly className = 'Dot';
  /** The axis of each input summed over (one for both, or one each). */
  readonly axes: number | readonly [number, number];
  /** Whether the inputs are L2-normalized first (cosine similarity). */
  readonly normalize: boolean;

  constructor(args: DotArgs) {
    super(args);
    const axes: unknown = args?.axes;
    const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
    if (isInt(axes)) this.axes = axes;
    else if (Array.isArray(axes) && axes.length === 2 && isInt(axes[0]) && isInt(axes[1])) this.axes = [axes[0], axes[1]];
    else throw new Error(`${this.name}: axes must be an integer or a pair of integers, got ${JSON.stringify(axes)}`);
    this.normalize = args.normalize ?? false;
    if (typeof this.normalize !== 'boolean') throw new Error(`${this.name}: normalize must be a boolean, got ${JSON.stringify(this.normalize)}`);
  }

  /** Non-negative reduced axes for inputs of these shapes, with the checks shared by shape inference and call. */
  private resolve(shapes: readonly SymbolicShape[]): [number, number] {
    if (shapes.length !== 2) throw new Error(`${this.name}: expects a list of exactly 2 inputs, got ${shapes.length} (shapes ${fmtAll(shapes)})`);
    const [s0, s1] = shapes as [SymbolicShape, SymbolicShape];
    if (s0.length < 2 || s1.length < 2) throw new Error(`${this.name}: both inputs need rank ≥ 2 ([batch, ...]), got shapes ${fmtAll(shapes)}`);
    commonBatch(shapes, this.name);
    const pair = typeof this.axes === 'number' ? [this.axes, this.axes] : this.axes;
    const axes = pair.map((a, i) => {
      const rank = shapes[i]!.length;
      const r = a < 0 ? a + rank : a;
      if (r < 1 || r >= rank) {
        throw new Error(`${this.name}: axes ${JSON.stringify(this.axes)} give axis ${a} for input ${i} of shape ${fmt(shapes[i]!)}; ` +
          `it must name a non-batch axis (1..${rank - 1} or -1..-${rank - 1})`);
      }
      return r;
    }) as [number, number];
    const d0 = s0[axes[0]];
    const d1 = s1[axes[1]];
    if (d0 !== null && d1 !== null && d0 !== d1) {
      throw new Error(`${this.name}: reduced axes differ in size: axis ${axes[0]} of ${fmt(s0)} has ${d0}, axis ${axes[1]} of ${fmt(s1)} has ${d1}`);
    }
    return axes;
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    const shapes = shapesList(inputShape, this.name, 2, 2);
    const [a0, a1] = this.resolve(shapes);
    const [s0, s1] = shapes as [SymbolicShape, SymbolicShape];
    const batch = commonBatch(shapes, this.name);
    const out = [batch, ...s0.filter((_, i) => i !== 0 && i !== a0), ...s1.filter((_, i) => i !== 0 && i !== a1)];
    return out.length === 1 ? [batch, 1] : out;
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const [x0, x1] = inputList(inputs, this.name, 2, 2) as [Tensor, Tensor];
    const [a0, a1] = this.resolve([x0.shape, x1.shape]);
    return engine().tidy(() => {
      const batch = x0.shape[0]!;
      const rest0 = x0.shape.map((_, i) => i).filter((i) => i !== 0 && i !== a0);
      const rest1 = x1.shape.map((_, i) => i).filter((i) => i !== 0 && i !== a1);
      const dims0 = rest0.map((i) => x0.shape[i]!);
      const dims1 = rest1.map((i) => x1.shape[i]!);
      const k = x0.shape[a0]!;
      const prod = (ds: number[]) => ds.reduce((a, b) => a * b, 1);
      // [batch, M, K] · [batch, K, N]: one batched matMul whatever the ranks.
      let left = reshape(transpose(x0, [0, ...rest0, a0]), [batch, prod(dims0), k]);
      let right = reshape(transpose(x1, [0, a1, ...rest1]), [batch, k, prod(dims1)]);
      if (this.normalize) {
        left = l2Normalize(left, 2);
        right = l2Normalize(right, 1);
      }
      const out = [batch, ...dims0, ...dims1];
      return reshape(matMul(left, right), out.length === 1 ? [batch, 1] : out);
    });
  }

  override getConfig(): ConfigDict {
    return { axes: typeof this.axes === 'number' ? this.axes : [...this.axes], normalize: this.normalize, ...super.getConfig() };
  }
}

for (const cls of [Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot]) registerClass('layer', cls);

/** An {@link Add} layer. */
export const add = (args: MergeArgs = {}): Add => new Add(args);
/** A {@link Subtract} layer. */
export const subtract = (args: MergeArgs = {}): Subtract => new Subtract(args);
/** A {@link Multiply} layer. */
export const multiply = (args: MergeArgs = {}): Multiply => new Multiply(args);
/** An {@link Average} layer. */
export const average = (args: MergeArgs = {}): Average => new Average(args);
/** A {@link Maximum} layer. */
export const maximum = (args: MergeArgs = {}): Maximum => new Maximum(args);
/** A {@link Minimum} layer. */
export const minimum = (args: MergeArgs = {}): Minimum => new Minimum(args);
/**
 * A {@link Concatenate} layer.
 * @example
 * const a = st.input({ shape: [4] });
 * const b = st.input({ shape: [2] });
 * const ab = st.layers.concatenate().apply([a, b]);   // symbolic [null, 6]
 */
export const concatenate = (args: ConcatenateArgs = {}): Concatenate => new Concatenate(args);
/** A {@link Dot} layer. */
export const dot = (args: DotArgs): Dot => new Dot(args);
