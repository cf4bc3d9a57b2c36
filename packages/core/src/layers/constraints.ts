/**
 * Weight constraints: projections applied to a weight after each optimizer step.
 */
import type { Tensor } from '../tensor/tensor.js';
import { relu, sqrt, square } from '../ops/unary.js';
import { add, div, maximum, minimum, mul } from '../ops/binary.js';
import { sum } from '../ops/reduction.js';
import { clipByValue } from '../ops/selection.js';
import { engine } from '../engine/engine.js';
import {
  classNameOf, deserializeObject, isSerializedObject, registerClass,
  type ConfigDict, type Serializable, type SerializedObject,
} from '../serialization/registry.js';

const EPSILON = 1e-7;

/** Maps a weight to its projection onto the allowed set. */
export abstract class Constraint implements Serializable {
  /** The registry name of the class (Keras' `class_name`); subclasses set their own. */
  static readonly className: string = '';
  /** The projection of `w` (a new tensor; `w` is unchanged). */
  abstract apply(w: Tensor): Tensor;
  /** The constructor arguments that rebuild this constraint (JSON only). */
  getConfig(): ConfigDict {
    return {};
  }
  /** The name it is saved under (`className`, or its registered name). */
  getClassName(): string {
    return classNameOf(this, 'constraint');
  }
}

function norms(w: Tensor, axis: number | number[]): Tensor {
  return sqrt(sum(square(w), axis, true));
}

/** Scales slices along `axis` whose L2 norm exceeds `maxValue` back to `maxValue`. */
export class MaxNorm extends Constraint {
  static override readonly className = 'MaxNorm';
  /** The largest norm allowed. */
  readonly maxValue: number;
  /** The axis or axes the norm is taken over. */
  readonly axis: number | number[];
  constructor(args: { maxValue?: number; axis?: number | number[] } = {}) {
    super();
    this.maxValue = args.maxValue ?? 2;
    this.axis = args.axis ?? 0;
  }
  apply(w: Tensor): Tensor {
    return engine().tidy(() => {
      const n = norms(w, this.axis);
      return mul(w, div(clipByValue(n, 0, this.maxValue), add(n, EPSILON)));
    });
  }
  override getConfig(): ConfigDict {
    return { maxValue: this.maxValue, axis: this.axis };
  }
  /** Rebuilds the constraint from `getConfig()`'s result. */
  static fromConfig(c: ConfigDict): MaxNorm {
    return new MaxNorm(c as { maxValue?: number; axis?: number | number[] });
  }
}

/** Sets negative weights to zero. */
export class NonNeg extends Constraint {
  static override readonly className = 'NonNeg';
  apply(w: Tensor): Tensor {
    return relu(w);
  }
  /** Rebuilds the constraint from `getConfig()`'s result. */
  static fromConfig(): NonNeg {
    return new NonNeg();
  }
}

/** Scales slices along `axis` to unit L2 norm. */
export class UnitNorm extends Constraint {
  static override readonly className = 'UnitNorm';
  /** The axis or axes the norm is taken over. */
  readonly axis: number | number[];
  constructor(args: { axis?: number | number[] } = {}) {
    super();
    this.axis = args.axis ?? 0;
  }
  apply(w: Tensor): Tensor {
    return engine().tidy(() => div(w, add(norms(w, this.axis), EPSILON)));
  }
  override getConfig(): ConfigDict {
    return { axis: this.axis };
  }
  /** Rebuilds the constraint from `getConfig()`'s result. */
  static fromConfig(c: ConfigDict): UnitNorm {
    return new UnitNorm(c as { axis?: number | number[] });
  }
}

/**
 * Moves slice norms into `[minValue, maxValue]`; `rate` < 1 moves them only that fraction of the
 * way per step.
 */
export class MinMaxNorm extends Constraint {
  static override readonly className = 'MinMaxNorm';
  /** The smallest norm allowed. */
  readonly minValue: number;
  /** The largest norm allowed. */
  readonly maxValue: number;
  /** How far each step moves the norm into range (1: all the way). */
  readonly rate: number;
  /** The axis or axes the norm is taken over. */
  readonly axis: number | number[];
  constructor(args: { minValue?: number; maxValue?: number; rate?: number; axis?: number | number[] } = {}) {
    super();
    this.minValue = args.minValue ?? 0;
    this.maxValue = args.maxValue ?? 1;
    this.rate = args.rate ?? 1;
    this.axis = args.axis ?? 0;
    if (this.minValue > this.maxValue) throw new Error(`MinMaxNorm: minValue ${this.minValue} is greater than maxValue ${this.maxValue}`);
  }
  apply(w: Tensor): Tensor {
    return engine().tidy(() => {
      const n = norms(w, this.axis);
      const clipped = minimum(maximum(n, this.minValue), this.maxValue);
      const target = add(mul(clipped, this.rate), mul(n, 1 - this.rate));
      return mul(w, div(target, add(n, EPSILON)));
    });
  }
  override getConfig(): ConfigDict {
    return { minValue: this.minValue, maxValue: this.maxValue, rate: this.rate, axis: this.axis };
  }
  /** Rebuilds the constraint from `getConfig()`'s result. */
  static fromConfig(c: ConfigDict): MinMaxNorm {
    return new MinMaxNorm(c as { minValue?: number; maxValue?: number; rate?: number; axis?: number | number[] });
  }
}

for (const cls of [MaxNorm, NonNeg, UnitNorm, MinMaxNorm]) registerClass('constraint', cls);

/** What a layer argument may give for a constraint. */
export type ConstraintIdentifier = Constraint | 'maxNorm' | 'nonNeg' | 'unitNorm' | 'minMaxNorm' | SerializedObject;

/** The constraint for an identifier (a name, a config or an instance); null for null/undefined. */
export function getConstraint(id: ConstraintIdentifier | null | undefined, where = 'constraint'): Constraint | null {
  if (id === null || id === undefined) return null;
  if (id instanceof Constraint) return id;
  const byName: Record<string, () => Constraint> = {
    maxNorm: () => new MaxNorm(), nonNeg: () => new NonNeg(), unitNorm: () => new UnitNorm(), minMaxNorm: () => new MinMaxNorm(),
  };
  if (typeof id === 'string') {
    const make = byName[id.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())];
    if (make) return make();
  }
  if (isSerializedObject(id)) return deserializeObject<Constraint>('constraint', id, where);
  throw new Error(`${where}: unknown constraint ${JSON.stringify(id)}. Known: ${Object.keys(byName).join(', ')}`);
}
