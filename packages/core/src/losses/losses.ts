/**
 * The Keras loss classes. Each wraps one loss function with its options, reduces with the base
 * class' `compute`, and is registered so it serializes by its Keras class name.
 */
import type { Tensor } from '../tensor/tensor.js';
import { registerClass, type ConfigDict } from '../serialization/registry.js';
import { shapeToString } from '../util/shape.js';
import { Loss, type LossArgs, type MaskedLosses } from './loss.js';
import {
  type BinaryCrossentropyOptions, binaryCrossentropy, binaryFocalCrossentropy, categoricalCrossentropy, categoricalFocalCrossentropy, categoricalHinge,
  checkBinaryFocalOptions, checkBinaryOptions, checkCategoricalFocalOptions, checkCategoricalOptions, checkSparseOptions, cosineSimilarity, dice, hinge, huber,
  klDivergence, logCosh, meanAbsoluteError, meanAbsolutePercentageError, meanSquaredError, meanSquaredLogarithmicError,
  poisson, sparseCategoricalCrossentropyMasked, squaredHinge,
} from './functions.js';
import { checkNumber } from './utils.js';

/** The base of the losses without options of their own: each applies one per-sample loss function. */
abstract class PerSampleLoss extends Loss {
  protected constructor(args: LossArgs, defaultName: string, private readonly perSample: (yTrue: Tensor, yPred: Tensor) => Tensor) {
    super(args, defaultName);
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return this.perSample(yTrue, yPred);
  }
}

/** Computes `mean((yTrue - yPred)²)` over the last axis. */
export class MeanSquaredError extends PerSampleLoss {
  static override readonly className = 'MeanSquaredError';
  constructor(args: LossArgs = {}) {
    super(args, 'mean_squared_error', meanSquaredError);
  }
}
registerClass('loss', MeanSquaredError);

/** Computes `mean(|yTrue - yPred|)` over the last axis. */
export class MeanAbsoluteError extends PerSampleLoss {
  static override readonly className = 'MeanAbsoluteError';
  constructor(args: LossArgs = {}) {
    super(args, 'mean_absolute_error', meanAbsoluteError);
  }
}
registerClass('loss', MeanAbsoluteError);

/** Computes `100 · mean(|(yTrue - yPred) / yTrue|)` over the last axis. */
export class MeanAbsolutePercentageError extends PerSampleLoss {
  static override readonly className = 'MeanAbsolutePercentageError';
  constructor(args: LossArgs = {}) {
    super(args, 'mean_absolute_percentage_error', meanAbsolutePercentageError);
  }
}
registerClass('loss', MeanAbsolutePercentageError);

/** Computes `mean((log(yPred + 1) - log(yTrue + 1))²)` over the last axis. */
export class MeanSquaredLogarithmicError extends PerSampleLoss {
  static override readonly className = 'MeanSquaredLogarithmicError';
  constructor(args: LossArgs = {}) {
    super(args, 'mean_squared_logarithmic_error', meanSquaredLogarithmicError);
  }
}
registerClass('loss', MeanSquaredLogarithmicError);

/** Arguments of {@link Huber}. */
export interface HuberArgs extends LossArgs {
  /** Where the loss turns from quadratic to linear. Default 1. */
  delta?: number;
}

/**
 * The Huber loss: quadratic for errors up to `delta`, linear beyond.
 *
 * @example
 * const huber = new st.losses.Huber({ delta: 1 });
 * huber.compute(st.tensor([[0], [0]]), st.tensor([[0.5], [3]]));   // (0.125 + 2.5) / 2 = 1.3125
 */
export class Huber extends Loss {
  static override readonly className = 'Huber';
  /** Where the loss turns from quadratic to linear. */
  readonly delta: number;
  constructor(args: HuberArgs = {}) {
    super(args, 'huber_loss');
    this.delta = checkNumber('Huber', 'delta', args.delta ?? 1, 0);
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return huber(yTrue, yPred, this.delta);
  }
  override getConfig(): ConfigDict {
    return { ...super.getConfig(), delta: this.delta };
  }
}
registerClass('loss', Huber);

/** The logarithm of the hyperbolic cosine of the prediction error. */
export class LogCosh extends PerSampleLoss {
  static override readonly className = 'LogCosh';
  constructor(args: LossArgs = {}) {
    super(args, 'log_cosh', logCosh);
  }
}
registerClass('loss', LogCosh);

/** Arguments of {@link BinaryCrossentropy}. */
export interface BinaryCrossentropyArgs extends LossArgs {
  /** Whether `yPred` holds logits (no sigmoid applied). Default false. */
  fromLogits?: boolean;
  /** In [0, 1]: squeezes labels towards 0.5. Default 0. */
  labelSmoothing?: number;
  /** The axis averaged over. Default -1. */
  axis?: number;
}

/**
 * The base of the binary and categorical cross-entropies and their focal forms: the options they
 * share, as fields and config entries. `check` validates them after the name, as every loss does.
 */
abstract class CrossentropyLoss extends Loss {
  /** Whether predictions are logits rather than probabilities. */
  readonly fromLogits: boolean;
  /** Label smoothing `s`: targets become `y * (1 - s) + s / classes` (`classes` is 2 for binary losses). */
  readonly labelSmoothing: number;
  /** The class axis. */
  readonly axis: number;
  protected constructor(args: BinaryCrossentropyArgs, defaultName: string, where: string, check: (where: string, options: BinaryCrossentropyOptions) => Required<BinaryCrossentropyOptions>) {
    super(args, defaultName);
    const o = check(where, args);
    this.fromLogits = o.fromLogits;
    this.labelSmoothing = o.labelSmoothing;
    this.axis = o.axis;
  }
  override getConfig(): ConfigDict {
    return { ...super.getConfig(), fromLogits: this.fromLogits, labelSmoothing: this.labelSmoothing, axis: this.axis };
  }
}

/**
 * Binary cross-entropy for 0/1 labels (one or more independent binary outputs per sample).
 *
 * @example
 * // Logits straight from a dense layer without activation: more stable than a sigmoid first.
 * const bce = new st.losses.BinaryCrossentropy({ fromLogits: true });
 * bce.compute(st.tensor([[1], [0]]), st.tensor([[2], [-1]]));   // 0.2201
 */
export class BinaryCrossentropy extends CrossentropyLoss {
  static override readonly className = 'BinaryCrossentropy';
  constructor(args: BinaryCrossentropyArgs = {}) {
    super(args, 'binary_crossentropy', 'BinaryCrossentropy', checkBinaryOptions);
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return binaryCrossentropy(yTrue, yPred, { fromLogits: this.fromLogits, labelSmoothing: this.labelSmoothing, axis: this.axis });
  }
}
registerClass('loss', BinaryCrossentropy);

/** Arguments of {@link BinaryFocalCrossentropy}. */
export interface BinaryFocalCrossentropyArgs extends BinaryCrossentropyArgs {
  /** Weight class 1 by `alpha` and class 0 by `1 - alpha`. Default false. */
  applyClassBalancing?: boolean;
  /** Default 0.25. */
  alpha?: number;
  /** The focusing exponent. Default 2. */
  gamma?: number;
}

/** Binary cross-entropy with a focal factor that down-weights easy examples (Lin et al., 2018). */
export class BinaryFocalCrossentropy extends CrossentropyLoss {
  static override readonly className = 'BinaryFocalCrossentropy';
  /** Whether `alpha` weighs the positive and negative classes. */
  readonly applyClassBalancing: boolean;
  /** Weight of the positive class with `applyClassBalancing`. */
  readonly alpha: number;
  /** Focusing parameter: larger values down-weigh easy examples. */
  readonly gamma: number;
  constructor(args: BinaryFocalCrossentropyArgs = {}) {
    super(args, 'binary_focal_crossentropy', 'BinaryFocalCrossentropy', checkBinaryOptions);
    // The shared options pass again here (already valid); the focal ones are checked after them.
    const o = checkBinaryFocalOptions('BinaryFocalCrossentropy', args);
    this.applyClassBalancing = o.applyClassBalancing;
    this.alpha = o.alpha;
    this.gamma = o.gamma;
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return binaryFocalCrossentropy(yTrue, yPred, this);
  }
  /** The constructor arguments that rebuild this loss (JSON only). */
  override getConfig(): ConfigDict {
    return { ...super.getConfig(), applyClassBalancing: this.applyClassBalancing, alpha: this.alpha, gamma: this.gamma };
  }
}
registerClass('loss', BinaryFocalCrossentropy);

/** Arguments of {@link CategoricalCrossentropy}. */
export interface CategoricalCrossentropyArgs extends LossArgs {
  /** Whether `yPred` holds logits (no softmax applied). Default false. */
  fromLogits?: boolean;
  /** In [0, 1]: labels become `yTrue·(1 - s) + s / numClasses`. Default 0. */
  labelSmoothing?: number;
  /** The class axis. Default -1. */
  axis?: number;
}

/** Cross-entropy for one-hot (or soft) labels over a class axis. */
export class CategoricalCrossentropy extends CrossentropyLoss {
  static override readonly className = 'CategoricalCrossentropy';
  constructor(args: CategoricalCrossentropyArgs = {}) {
    super(args, 'categorical_crossentropy', 'CategoricalCrossentropy', checkCategoricalOptions);
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return categoricalCrossentropy(yTrue, yPred, this);
  }
}
registerClass('loss', CategoricalCrossentropy);

/** Arguments of {@link CategoricalFocalCrossentropy}. */
export interface CategoricalFocalCrossentropyArgs extends CategoricalCrossentropyArgs {
  /** The weighting factor. Default 0.25. */
  alpha?: number;
  /** The focusing exponent. Default 2. */
  gamma?: number;
}

/** Categorical cross-entropy with a focal factor `alpha · (1 - p)^gamma`. */
export class CategoricalFocalCrossentropy extends CrossentropyLoss {
  static override readonly className = 'CategoricalFocalCrossentropy';
  /** Weight of every class. */
  readonly alpha: number;
  /** Focusing parameter: larger values down-weigh easy examples. */
  readonly gamma: number;
  constructor(args: CategoricalFocalCrossentropyArgs = {}) {
    super(args, 'categorical_focal_crossentropy', 'CategoricalFocalCrossentropy', checkCategoricalOptions);
    // The shared options pass again here (already valid); the focal ones are checked after them.
    const o = checkCategoricalFocalOptions('CategoricalFocalCrossentropy', args);
    this.alpha = o.alpha;
    this.gamma = o.gamma;
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return categoricalFocalCrossentropy(yTrue, yPred, this);
  }
  /** The constructor arguments that rebuild this loss (JSON only). */
  override getConfig(): ConfigDict {
    return { ...super.getConfig(), alpha: this.alpha, gamma: this.gamma };
  }
}
registerClass('loss', CategoricalFocalCrossentropy);

/** Arguments of {@link SparseCategoricalCrossentropy}. */
export interface SparseCategoricalCrossentropyArgs extends LossArgs {
  /** Whether `yPred` holds logits (no softmax applied). Default false. */
  fromLogits?: boolean;
  /** A class id left out of the loss and of the mean (e.g. a segmentation "void" class). Default null. */
  ignoreClass?: number | null;
}

/** Cross-entropy for integer class ids (`yPred.shape[:-1]`, or with a trailing 1). */
export class SparseCategoricalCrossentropy extends Loss {
  static override readonly className = 'SparseCategoricalCrossentropy';
  /** Whether predictions are logits rather than probabilities. */
  readonly fromLogits: boolean;
  /** A class id whose samples do not count, or null. */
  readonly ignoreClass: number | null;
  constructor(args: SparseCategoricalCrossentropyArgs = {}) {
    super(args, 'sparse_categorical_crossentropy');
    const o = checkSparseOptions('SparseCategoricalCrossentropy', args);
    this.fromLogits = o.fromLogits;
    this.ignoreClass = o.ignoreClass;
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return this.callWithMask(yTrue, yPred).losses;
  }
  override callWithMask(yTrue: Tensor, yPred: Tensor): MaskedLosses {
    return sparseCategoricalCrossentropyMasked(yTrue, yPred, this);
  }
  /** Besides NaN, rejects labels that are not whole numbers in `[0, numClasses)` (except `ignoreClass`). */
  override validateTargetValues(values: ArrayLike<number>, yTrueShape: readonly number[], yPredShape: readonly (number | null)[]): void {
    super.validateTargetValues(values, yTrueShape, yPredShape);
    const classes = yPredShape[yPredShape.length - 1];
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v === this.ignoreClass) continue;
      if (!Number.isInteger(v) || v < 0 || (typeof classes === 'number' && v >= classes)) {
        const range = typeof classes === 'number' ? `[0, ${classes - 1}]` : 'non-negative integers';
        throw new Error(`${this.name}: yTrue ${shapeToString(yTrueShape)} holds ${v} at flat index ${i}; class ids must be integers in ${range} ` +
          `(yPred ${shapeToString(yPredShape.map((d) => d ?? -1))} has ${classes ?? 'an unknown number of'} classes)`);
      }
    }
  }
  override getConfig(): ConfigDict {
    return { ...super.getConfig(), fromLogits: this.fromLogits, ignoreClass: this.ignoreClass };
  }
}
registerClass('loss', SparseCategoricalCrossentropy);

/** Kullback-Leibler divergence `sum(yTrue · log(yTrue / yPred))` over the last axis. */
export class KLDivergence extends PerSampleLoss {
  static override readonly className = 'KLDivergence';
  constructor(args: LossArgs = {}) {
    super(args, 'kl_divergence', klDivergence);
  }
}
registerClass('loss', KLDivergence);

/** Poisson loss `mean(yPred - yTrue · log(yPred))` over the last axis. */
export class Poisson extends PerSampleLoss {
  static override readonly className = 'Poisson';
  constructor(args: LossArgs = {}) {
    super(args, 'poisson', poisson);
  }
}
registerClass('loss', Poisson);

/** Arguments of {@link CosineSimilarity}. */
export interface CosineSimilarityArgs extends LossArgs {
  /** The feature axis. Default -1. */
  axis?: number;
}

/** Negative cosine similarity (-1 is best), so minimising it aligns predictions with targets. */
export class CosineSimilarity extends Loss {
  static override readonly className = 'CosineSimilarity';
  /** The axis the similarity is taken over. */
  readonly axis: number;
  constructor(args: CosineSimilarityArgs = {}) {
    super(args, 'cosine_similarity');
    this.axis = checkNumber('CosineSimilarity', 'axis', args.axis ?? -1);
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return cosineSimilarity(yTrue, yPred, this.axis);
  }
  override getConfig(): ConfigDict {
    return { ...super.getConfig(), axis: this.axis };
  }
}
registerClass('loss', CosineSimilarity);

/** Hinge loss for ±1 labels (0/1 labels are converted). */
export class Hinge extends PerSampleLoss {
  static override readonly className = 'Hinge';
  constructor(args: LossArgs = {}) {
    super(args, 'hinge', hinge);
  }
}
registerClass('loss', Hinge);

/** Squared hinge loss for ±1 labels (0/1 labels are converted). */
export class SquaredHinge extends PerSampleLoss {
  static override readonly className = 'SquaredHinge';
  constructor(args: LossArgs = {}) {
    super(args, 'squared_hinge', squaredHinge);
  }
}
registerClass('loss', SquaredHinge);

/** Categorical hinge loss for one-hot labels. */
export class CategoricalHinge extends PerSampleLoss {
  static override readonly className = 'CategoricalHinge';
  constructor(args: LossArgs = {}) {
    super(args, 'categorical_hinge', categoricalHinge);
  }
}
registerClass('loss', CategoricalHinge);

/** Arguments of {@link Dice}. */
export interface DiceArgs extends LossArgs {
  /** Axes summed over; default null (all axes: one value for the whole batch). */
  axis?: number | readonly number[] | null;
}

/** Dice loss `1 - 2·|yTrue ∩ yPred| / (|yTrue| + |yPred|)` (segmentation overlap). */
export class Dice extends Loss {
  static override readonly className = 'Dice';
  /** The axes the overlap is summed over, or null for all but the batch. */
  readonly axis: number | readonly number[] | null;
  constructor(args: DiceArgs = {}) {
    super(args, 'dice');
    const axis = args.axis ?? null;
    const list = axis === null ? [] : typeof axis === 'number' ? [axis] : axis;
    if (!Array.isArray(list) || list.some((a) => !Number.isInteger(a))) {
      throw new Error(`Dice: axis must be null, an integer or a list of integers, got ${String(axis)}`);
    }
    this.axis = axis;
  }
  call(yTrue: Tensor, yPred: Tensor): Tensor {
    return dice(yTrue, yPred, this.axis);
  }
  override getConfig(): ConfigDict {
    return { ...super.getConfig(), axis: this.axis === null || typeof this.axis === 'number' ? this.axis : [...this.axis] };
  }
}
registerClass('loss', Dice);
