/**
 * Metrics that are the running weighted mean of a per-sample function: accuracies, errors,
 * cross-entropies, divergences and hinges (Keras' MeanMetricWrapper subclasses).
 */
import { registerClass, type ConfigDict } from '../serialization/registry.js';
import * as lossFns from '../losses/functions.js';
import { checkBinaryOptions, checkCategoricalOptions } from '../losses/functions.js';
import { checkBoolean, checkInteger, checkNumber } from '../losses/utils.js';
import {
  accuracy, binaryAccuracy, categoricalAccuracy, cosineSimilarityMetric, sparseCategoricalAccuracy,
  sparseTopKCategoricalAccuracy, topKCategoricalAccuracy,
} from './functions.js';
import type { MetricArgs } from './metric.js';
import { MeanMetricWrapper, registerMetricFunction, type MetricFunction } from './reduction.js';

/** Wrapper arguments: the fixed function name, and the user's name or the Keras default. */
function named(args: MetricArgs, name: string): MetricArgs & { fnName: string } {
  return { ...args, fnName: name, name: args.name ?? name };
}

const accuracyFn: MetricFunction = (t, p) => accuracy(t, p);
registerMetricFunction('accuracy', accuracyFn);
/** How often predictions equal labels exactly. */
export class Accuracy extends MeanMetricWrapper {
  static override readonly className = 'Accuracy';
  constructor(args: MetricArgs = {}) {
    super(accuracyFn, named(args, 'accuracy'));
  }
}
registerClass('metric', Accuracy);

const categoricalAccuracyFn: MetricFunction = (t, p) => categoricalAccuracy(t, p);
registerMetricFunction('categorical_accuracy', categoricalAccuracyFn);
/** How often the arg-max of predictions matches the one-hot labels. */
export class CategoricalAccuracy extends MeanMetricWrapper {
  static override readonly className = 'CategoricalAccuracy';
  constructor(args: MetricArgs = {}) {
    super(categoricalAccuracyFn, named(args, 'categorical_accuracy'));
  }
}
registerClass('metric', CategoricalAccuracy);

const sparseCategoricalAccuracyFn: MetricFunction = (t, p) => sparseCategoricalAccuracy(t, p);
registerMetricFunction('sparse_categorical_accuracy', sparseCategoricalAccuracyFn);
/** How often the arg-max of predictions matches the integer labels. */
export class SparseCategoricalAccuracy extends MeanMetricWrapper {
  static override readonly className = 'SparseCategoricalAccuracy';
  constructor(args: MetricArgs = {}) {
    super(sparseCategoricalAccuracyFn, named(args, 'sparse_categorical_accuracy'));
  }
}
registerClass('metric', SparseCategoricalAccuracy);

const meanSquaredErrorFn: MetricFunction = lossFns.meanSquaredError;
registerMetricFunction('mean_squared_error', meanSquaredErrorFn);
/** The running mean of `mean((yTrue - yPred)²)` per sample. */
export class MeanSquaredError extends MeanMetricWrapper {
  static override readonly className = 'MeanSquaredError';
  constructor(args: MetricArgs = {}) {
    super(meanSquaredErrorFn, named(args, 'mean_squared_error'));
  }
}
registerClass('metric', MeanSquaredError);

const meanAbsoluteErrorFn: MetricFunction = lossFns.meanAbsoluteError;
registerMetricFunction('mean_absolute_error', meanAbsoluteErrorFn);
/** The running mean of `mean(|yTrue - yPred|)` per sample. */
export class MeanAbsoluteError extends MeanMetricWrapper {
  static override readonly className = 'MeanAbsoluteError';
  constructor(args: MetricArgs = {}) {
    super(meanAbsoluteErrorFn, named(args, 'mean_absolute_error'));
  }
}
registerClass('metric', MeanAbsoluteError);

const meanAbsolutePercentageErrorFn: MetricFunction = lossFns.meanAbsolutePercentageError;
registerMetricFunction('mean_absolute_percentage_error', meanAbsolutePercentageErrorFn);
/** The running mean absolute percentage error. */
export class MeanAbsolutePercentageError extends MeanMetricWrapper {
  static override readonly className = 'MeanAbsolutePercentageError';
  constructor(args: MetricArgs = {}) {
    super(meanAbsolutePercentageErrorFn, named(args, 'mean_absolute_percentage_error'));
  }
}
registerClass('metric', MeanAbsolutePercentageError);

const meanSquaredLogarithmicErrorFn: MetricFunction = lossFns.meanSquaredLogarithmicError;
registerMetricFunction('mean_squared_logarithmic_error', meanSquaredLogarithmicErrorFn);
/** The running mean squared logarithmic error. */
export class MeanSquaredLogarithmicError extends MeanMetricWrapper {
  static override readonly className = 'MeanSquaredLogarithmicError';
  constructor(args: MetricArgs = {}) {
    super(meanSquaredLogarithmicErrorFn, named(args, 'mean_squared_logarithmic_error'));
  }
}
registerClass('metric', MeanSquaredLogarithmicError);

const logCoshErrorFn: MetricFunction = lossFns.logCosh;
registerMetricFunction('logcosh', logCoshErrorFn);
/** The running mean log-cosh error. */
export class LogCoshError extends MeanMetricWrapper {
  static override readonly className = 'LogCoshError';
  constructor(args: MetricArgs = {}) {
    super(logCoshErrorFn, named(args, 'logcosh'));
  }
}
registerClass('metric', LogCoshError);

const kLDivergenceFn: MetricFunction = lossFns.klDivergence;
registerMetricFunction('kl_divergence', kLDivergenceFn);
/** The running mean Kullback-Leibler divergence. */
export class KLDivergence extends MeanMetricWrapper {
  static override readonly className = 'KLDivergence';
  constructor(args: MetricArgs = {}) {
    super(kLDivergenceFn, named(args, 'kl_divergence'));
  }
}
registerClass('metric', KLDivergence);

const poissonFn: MetricFunction = lossFns.poisson;
registerMetricFunction('poisson', poissonFn);
/** The running mean Poisson loss. */
export class Poisson extends MeanMetricWrapper {
  static override readonly className = 'Poisson';
  constructor(args: MetricArgs = {}) {
    super(poissonFn, named(args, 'poisson'));
  }
}
registerClass('metric', Poisson);

const hingeFn: MetricFunction = lossFns.hinge;
registerMetricFunction('hinge', hingeFn);
/** The running mean hinge loss. */
export class Hinge extends MeanMetricWrapper {
  static override readonly className = 'Hinge';
  constructor(args: MetricArgs = {}) {
    super(hingeFn, named(args, 'hinge'));
  }
}
registerClass('metric', Hinge);

const squaredHingeFn: MetricFunction = lossFns.squaredHinge;
registerMetricFunction('squared_hinge', squaredHingeFn);
/** The running mean squared hinge loss. */
export class SquaredHinge extends MeanMetricWrapper {
  static override readonly className = 'SquaredHinge';
  constructor(args: MetricArgs = {}) {
    super(squaredHingeFn, named(args, 'squared_hinge'));
  }
}
registerClass('metric', SquaredHinge);

const categoricalHingeFn: MetricFunction = lossFns.categoricalHinge;
registerMetricFunction('categorical_hinge', categoricalHingeFn);
/** The running mean categorical hinge loss. */
export class CategoricalHinge extends MeanMetricWrapper {
  static override readonly className = 'CategoricalHinge';
  constructor(args: MetricArgs = {}) {
    super(categoricalHingeFn, named(args, 'categorical_hinge'));
  }
}
registerClass('metric', CategoricalHinge);

registerMetricFunction('binary_accuracy', (t, p) => binaryAccuracy(t, p));
registerMetricFunction('top_k_categorical_accuracy', (t, p) => topKCategoricalAccuracy(t, p));
registerMetricFunction('sparse_top_k_categorical_accuracy', (t, p) => sparseTopKCategoricalAccuracy(t, p));
registerMetricFunction('cosine_similarity', (t, p) => cosineSimilarityMetric(t, p));
registerMetricFunction('binary_crossentropy', (t, p) => lossFns.binaryCrossentropy(t, p));
registerMetricFunction('categorical_crossentropy', (t, p) => lossFns.categoricalCrossentropy(t, p));
registerMetricFunction('sparse_categorical_crossentropy', (t, p) => lossFns.sparseCategoricalCrossentropy(t, p));
registerMetricFunction('binary_focal_crossentropy', (t, p) => lossFns.binaryFocalCrossentropy(t, p));
registerMetricFunction('categorical_focal_crossentropy', (t, p) => lossFns.categoricalFocalCrossentropy(t, p));
registerMetricFunction('huber', (t, p) => lossFns.huber(t, p));
registerMetricFunction('dice', (t, p) => lossFns.dice(t, p));

/** Arguments of {@link BinaryAccuracy}. */
export interface BinaryAccuracyArgs extends MetricArgs {
  /** Predictions above it count as 1. Default 0.5. */
  threshold?: number;
}

/** How often `yPred > threshold` matches 0/1 labels. */
export class BinaryAccuracy extends MeanMetricWrapper {
  static override readonly className = 'BinaryAccuracy';
  /** Predictions above it count as 1. */
  readonly threshold: number;
  constructor(args: BinaryAccuracyArgs = {}) {
    const threshold = checkNumber('BinaryAccuracy', 'threshold', args.threshold ?? 0.5);
    super((t, p) => binaryAccuracy(t, p, threshold), { ...args, fnName: 'binary_accuracy', name: args.name ?? 'binary_accuracy' });
    this.threshold = threshold;
  }
  /** The constructor arguments that rebuild this metric (JSON only). */
  override getConfig(): ConfigDict {
    return { ...super.getConfig(), threshold: this.threshold };
  }
}
registerClass('metric', BinaryAccuracy);

/** Arguments of the top-k accuracies. */
export interface TopKArgs extends MetricArgs {
  /** How many of the largest predictions count. Default 5. */
  k?: number;
}

/** How often the one-hot label's class is among the `k` largest predictions. */
export class TopKCategoricalAccuracy extends MeanMetricWrapper {
  static override readonly className = 'TopKCategoricalAccuracy';
  /** How many top predictions count. */
  readonly k: number;
  constructor(args: TopKArgs = {}) {
    const k = checkInteger('TopKCategoricalAccuracy', 'k', args.k ?? 5, 1);
    super((t, p) => topKCategoricalAccuracy(t, p, k), { ...args, fnName: 'top_k_categorical_accuracy', name: args.name ?? 'top_k_categorical_accuracy' });
    this.k = k;
  }
  /** The constructor arguments that rebuild this metric (JSON only). */
  override getConfig(): ConfigDict {
    return { ...super.getConfig(), k: this.k };
  }
}
registerClass('metric', TopKCategoricalAccuracy);

/** How often the integer label is among the `k` largest predictions. */
export class SparseTopKCategoricalAccuracy extends MeanMetricWrapper {
  static override readonly className = 'SparseTopKCategoricalAccuracy';
  /** How many top predictions count. */
  readonly k: number;
  constructor(args: TopKArgs = {}) {
    const k = checkInteger('SparseTopKCategoricalAccuracy', 'k', args.k ?? 5, 1);
    super((t, p) => sparseTopKCategoricalAccuracy(t, p, k), { ...args, fnName: 'sparse_top_k_categorical_accuracy', name: args.name ?? 'sparse_top_k_categorical_accuracy' });
    this.k = k;
  }
  /** The constructor arguments that rebuild this metric (JSON only). */
  override getConfig(): ConfigDict {
    return { ...super.getConfig(), k: this.k };
  }
}
registerClass('metric', SparseTopKCategoricalAccuracy);

/** Arguments of {@link CosineSimilarity}. */
export interface CosineSimilarityArgs extends MetricArgs {
  /** The feature axis. Default -1. */
  axis?: number;
}

/** The mean cosine similarity between labels and predictions (1 is best; unlike the loss, not negated). */
export class CosineSimilarity extends MeanMetricWrapper {
  static override readonly className = 'CosineSimilarity';
  /** The axis the similarity is taken over. */
  readonly axis: number;
  constructor(args: CosineSimilarityArgs = {}) {
    const axis = checkInteger('CosineSimilarity', 'axis', args.axis ?? -1);
    super((t, p) => cosineSimilarityMetric(t, p, axis), { ...args, fnName: 'cosine_similarity', name: args.name ?? 'cosine_similarity' });
    this.axis = axis;
  }
  /** The constructor arguments that rebuild this metric (JSON only). */
  override getConfig(): ConfigDict {
    return { ...super.getConfig(), axis: this.axis };
  }
}
registerClass('metric', CosineSimilarity);

/** Arguments of {@link BinaryCrossentropy} (the metric). */
export interface BinaryCrossentropyMetricArgs extends MetricArgs {
  /** Whether `yPred` holds logits. Default false. */
  fromLogits?: boolean;
  /** In [0, 1]. Default 0. */
  labelSmoothing?: number;
}

/** The mean binary cross-entropy. */
export class BinaryCrossentropy extends MeanMetricWrapper {
  static override readonly className = 'BinaryCrossentropy';
  /** Whether predictions are logits rather than probabilities. */
  readonly fromLogits: boolean;
  /** Label smoothing amount (0: none). */
  readonly labelSmoothing: number;
  constructor(args: BinaryCrossentropyMetricArgs = {}) {
    const o = checkBinaryOptions('BinaryCrossentropy', args);
    super((t, p) => lossFns.binaryCrossentropy(t, p, o), { ...args, fnName: 'binary_crossentropy', name: args.name ?? 'binary_crossentropy' });
    this.fromLogits = o.fromLogits;
    this.labelSmoothing = o.labelSmoothing;
  }
  /** The constructor arguments that rebuild this metric (JSON only). */
  override getConfig(): ConfigDict {
    return { ...super.getConfig(), fromLogits: this.fromLogits, labelSmoothing: this.labelSmoothing };
  }
}
registerClass('metric', BinaryCrossentropy);

/** Arguments of {@link CategoricalCrossentropy} (the metric). */
export interface CategoricalCrossentropyMetricArgs extends MetricArgs {
  /** Whether `yPred` holds logits. Default false. */
  fromLogits?: boolean;
  /** In [0, 1]. Default 0. */
  labelSmoothing?: number;
  /** The class axis. Default -1. */
  axis?: number;
}

/** The mean categorical cross-entropy. */
export class CategoricalCrossentropy extends MeanMetricWrapper {
  static override readonly className = 'CategoricalCrossentropy';
  /** Whether predictions are logits rather than probabilities. */
  readonly fromLogits: boolean;
  /** Label smoothing amount (0: none). */
  readonly labelSmoothing: number;
  /** The class axis. */
  readonly axis: number;
  constructor(args: CategoricalCrossentropyMetricArgs = {}) {
    const o = checkCategoricalOptions('CategoricalCrossentropy', args);
    super((t, p) => lossFns.categoricalCrossentropy(t, p, o), { ...args, fnName: 'categorical_crossentropy', name: args.name ?? 'categorical_crossentropy' });
    this.fromLogits = o.fromLogits;
    this.labelSmoothing = o.labelSmoothing;
    this.axis = o.axis;
  }
  /** The constructor arguments that rebuild this metric (JSON only). */
  override getConfig(): ConfigDict {
    return { ...super.getConfig(), fromLogits: this.fromLogits, labelSmoothing: this.labelSmoothing, axis: this.axis };
  }
}
registerClass('metric', CategoricalCrossentropy);

/** Arguments of {@link SparseCategoricalCrossentropy} (the metric). */
export interface SparseCategoricalCrossentropyMetricArgs extends MetricArgs {
  /** Whether `yPred` holds logits. Default false. */
  fromLogits?: boolean;
}

/** The mean sparse categorical cross-entropy. */
export class SparseCategoricalCrossentropy extends MeanMetricWrapper {
  static override readonly className = 'SparseCategoricalCrossentropy';
  /** Whether predictions are logits rather than probabilities. */
  readonly fromLogits: boolean;
  constructor(args: SparseCategoricalCrossentropyMetricArgs = {}) {
    const fromLogits = checkBoolean('SparseCategoricalCrossentropy', 'fromLogits', args.fromLogits ?? false);
    super((t, p) => lossFns.sparseCategoricalCrossentropy(t, p, { fromLogits }),
      { ...args, fnName: 'sparse_categorical_crossentropy', name: args.name ?? 'sparse_categorical_crossentropy' });
    this.fromLogits = fromLogits;
  }
  /** The constructor arguments that rebuild this metric (JSON only). */
  override getConfig(): ConfigDict {
    return { ...super.getConfig(), fromLogits: this.fromLogits };
  }
}
registerClass('metric', SparseCategoricalCrossentropy);
