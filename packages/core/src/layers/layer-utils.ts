/**
 * Argument handling shared by the layers: axis arguments, size tuples, padding and
 * data-format spellings (Keras and TensorFlow.js), output lengths of window layers, config
 * serialization of initializers/regularizers/constraints, and the activity regularizer.
 * @internal
 */
import type { Tensor } from '../tensor/tensor.js';
import { serializeObject, type ConfigDict, type ConfigValue, type Serializable } from '../serialization/registry.js';
import { Layer, type SymbolicShape } from './layer.js';
import type { Regularizer } from './regularizers.js';

/** `[a,null,b]` rendering of a shape with unknown dims. */
export function formatShape(shape: SymbolicShape): string {
  return `[${shape.map((d) => d ?? 'null').join(',')}]`;
}

/**
 * A size argument (`kernelSize`, `strides`, `poolSize`, `dilationRate`) as `n` positive
 * integers: one number for every dim, or a list of `n` (or one, as TensorFlow.js allows).
 */
export function normalizeTuple(value: unknown, n: number, arg: string, layer: string): number[] {
  const list = typeof value === 'number' ? [value] : Array.isArray(value) ? (value as unknown[]) : null;
  const ok = list !== null && (list.length === 1 || list.length === n) && list.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= 1);
  if (!ok) {
    throw new Error(`${layer}: ${arg} must be a positive integer or a list of ${n} positive integers, got ${JSON.stringify(value)}`);
  }
  const nums = list as number[];
  return nums.length === n ? [...nums] : Array.from({ length: n }, () => nums[0]!);
}

/** Checks an `axis` argument: an integer or a non-empty list of integers (range is checked at build). */
export function checkAxisArg(axis: unknown, layer: string): asserts axis is number | readonly number[] {
  const ok = (a: unknown) => Number.isInteger(a);
  if (!(ok(axis) || (Array.isArray(axis) && axis.length > 0 && axis.every(ok)))) {
    throw new Error(`${layer}: axis must be an integer or a non-empty list of integers, got ${JSON.stringify(axis)}`);
  }
}

/** The padding modes of window layers. */
export type PaddingName = 'valid' | 'same' | 'causal';

/** Validates a padding argument (any case); `'causal'` only where allowed (Conv1D). */
export function normalizePadding(value: unknown, layer: string, allowCausal = false): PaddingName {
  const v = value === undefined || value === null ? 'valid' : typeof value === 'string' ? value.toLowerCase() : value;
  if (v === 'valid' || v === 'same' || (allowCausal && v === 'causal')) return v;
  throw new Error(`${layer}: padding must be 'valid'${allowCausal ? ", 'same' or 'causal'" : " or 'same'"}, got ${JSON.stringify(value)}`);
}

/** Data formats a layer accepts: only channels-last (NHWC) is implemented. */
export type DataFormat = 'channelsLast' | 'channels_last';

/** Accepts `channelsLast` / `channels_last` (default); rejects channels-first with a clear error. */
export function checkDataFormat(value: unknown, layer: string): 'channelsLast' {
  if (value === undefined || value === null || value === 'channelsLast' || value === 'channels_last') return 'channelsLast';
  if (value === 'channelsFirst' || value === 'channels_first') {
    throw new Error(`${layer}: dataFormat '${value}' is not supported; Strata layers are channels-last (NHWC) only. Transpose the input to channels-last and use dataFormat 'channelsLast'`);
  }
  throw new Error(`${layer}: dataFormat must be 'channelsLast' (or 'channels_last'), got ${JSON.stringify(value)}`);
}

/**
 * Output length of one spatial dim of a convolution or pooling window, as Keras computes it
 * (`null` stays `null`); throws when the window does not fit.
 */
export function windowOutputLength(length: number | null, size: number, padding: PaddingName, stride: number, dilation: number, layer: string, inputShape: SymbolicShape): number | null {
  if (length === null) return null;
  const effective = (size - 1) * dilation + 1;
  const out = padding === 'valid' ? Math.floor((length - effective) / stride) + 1 : Math.ceil(length / stride);
  if (out < 1) {
    throw new Error(`${layer}: the window of size ${size}${dilation > 1 ? ` (dilation ${dilation})` : ''} does not fit input shape ${formatShape(inputShape)} with padding '${padding}'`);
  }
  return out;
}

/** `{className, config}` or null, for config fields. */
export function serializeOrNull(obj: Serializable | null): ConfigValue {
  return obj ? (serializeObject(obj) as unknown as ConfigDict) : null;
}

/** Adds `regularizer(output)` as an activity loss of `layer` (Keras 3: no division by batch size). */
export function addActivityLoss(layer: Layer, regularizer: Regularizer | null, output: Tensor): void {
  if (regularizer) layer.addLoss(regularizer.apply(output));
}

/**
 * A layer that remembers the input shape it was built for, so that a wrong input shape later
 * gives an error naming both shapes.
 */
export abstract class ShapedLayer extends Layer {
  /** The input shape `build` saw (null before build). */
  protected builtInputShape: SymbolicShape | null = null;

  /** @internal Adds the built-for shape to the base class's input-spec error. */
  override checkInputShape(shapes: SymbolicShape | SymbolicShape[]): void {
    try {
      super.checkInputShape(shapes);
    } catch (e) {
      if (this.builtInputShape && e instanceof Error) {
        throw new Error(`${e.message} (${this.name} was built for input shape ${formatShape(this.builtInputShape)})`);
      }
      throw e;
    }
  }
}
