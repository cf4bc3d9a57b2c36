/**
 * Weight regularizers: a penalty added to the training loss for each regularized weight.
 */
import type { Tensor } from '../tensor/tensor.js';
import { abs, square } from '../ops/unary.js';
import { add, mul } from '../ops/binary.js';
import { sum } from '../ops/reduction.js';
import { engine } from '../engine/engine.js';
import {
  classNameOf, deserializeObject, isSerializedObject, registerClass,
  type ConfigDict, type Serializable, type SerializedObject,
} from '../serialization/registry.js';

/** Maps a weight to a scalar penalty. */
export abstract class Regularizer implements Serializable {
  /** The registry name of the class (Keras' `class_name`); subclasses set their own. */
  static readonly className: string = '';
  /** The penalty for weight `x`: a new scalar tensor. */
  abstract apply(x: Tensor): Tensor;
  /** The constructor arguments that rebuild this regularizer (JSON only). */
  abstract getConfig(): ConfigDict;
  /** The name it is saved under (`className`, or its registered name). */
  getClassName(): string {
    return classNameOf(this, 'regularizer');
  }
}

/** `l1 * sum(|x|) + l2 * sum(x²)`. */
export class L1L2 extends Regularizer {
  static override readonly className: string = 'L1L2';
  /** Weight of `sum(|x|)`. */
  readonly l1: number;
  /** Weight of `sum(x²)`. */
  readonly l2: number;
  constructor(args: { l1?: number; l2?: number } = {}) {
    super();
    this.l1 = args.l1 ?? 0;
    this.l2 = args.l2 ?? 0;
    for (const [k, v] of [['l1', this.l1], ['l2', this.l2]] as const) {
      if (!(v >= 0) || !Number.isFinite(v)) throw new Error(`${classNameOf(this, 'regularizer')}: ${k} must be a finite number ≥ 0, got ${v}`);
    }
  }
  apply(x: Tensor): Tensor {
    return engine().tidy(() => {
      let penalty: Tensor | null = null;
      if (this.l1 > 0) penalty = mul(sum(abs(x)), this.l1);
      if (this.l2 > 0) {
        const l2 = mul(sum(square(x)), this.l2);
        penalty = penalty ? add(penalty, l2) : l2;
      }
      return penalty ?? mul(sum(x), 0);
    });
  }
  getConfig(): ConfigDict {
    return { l1: this.l1, l2: this.l2 };
  }
  /** Rebuilds the regularizer from `getConfig()`'s result. */
  static fromConfig(c: ConfigDict): L1L2 {
    return new L1L2(c as { l1?: number; l2?: number });
  }
}

/** `l1 * sum(|x|)`. */
export class L1 extends L1L2 {
  static override readonly className = 'L1';
  constructor(args: { l1?: number } = {}) {
    super({ l1: args.l1 ?? 0.01 });
  }
  override getConfig(): ConfigDict {
    return { l1: this.l1 };
  }
  /** Rebuilds the regularizer from `getConfig()`'s result. */
  static override fromConfig(c: ConfigDict): L1 {
    return new L1(c as { l1?: number });
  }
}

/** `l2 * sum(x²)`. */
export class L2 extends L1L2 {
  static override readonly className = 'L2';
  constructor(args: { l2?: number } = {}) {
    super({ l2: args.l2 ?? 0.01 });
  }
  override getConfig(): ConfigDict {
    return { l2: this.l2 };
  }
  /** Rebuilds the regularizer from `getConfig()`'s result. */
  static override fromConfig(c: ConfigDict): L2 {
    return new L2(c as { l2?: number });
  }
}

for (const cls of [L1L2, L1, L2]) registerClass('regularizer', cls);

/** What a layer argument may give for a regularizer. */
export type RegularizerIdentifier = Regularizer | 'l1' | 'l2' | 'l1l2' | SerializedObject;

/** The regularizer for an identifier (a name, a config or an instance); null for null/undefined. */
export function getRegularizer(id: RegularizerIdentifier | null | undefined, where = 'regularizer'): Regularizer | null {
  if (id === null || id === undefined) return null;
  if (id instanceof Regularizer) return id;
  if (id === 'l1') return new L1();
  if (id === 'l2') return new L2();
  if (id === 'l1l2') return new L1L2({ l1: 0.01, l2: 0.01 });
  if (isSerializedObject(id)) return deserializeObject<Regularizer>('regularizer', id, where);
  throw new Error(`${where}: expected a regularizer, 'l1', 'l2', 'l1l2' or {className, config}, got ${JSON.stringify(id)}`);
}
