/**
 * Resolving what users pass in `compile({metrics})`: a Metric, a per-sample function, a name
 * (camelCase or snake_case, Keras aliases), or a serialized `{className, config}`.
 */
import type { Tensor } from '../tensor/tensor.js';
import { deserializeObject, isSerializedObject, type ConfigDict } from '../serialization/registry.js';
import type { Loss } from '../losses/loss.js';
import {
  BinaryCrossentropy as BinaryCrossentropyLoss, BinaryFocalCrossentropy as BinaryFocalLoss, CategoricalCrossentropy as CategoricalCrossentropyLoss,
  CategoricalFocalCrossentropy as CategoricalFocalLoss, SparseCategoricalCrossentropy as SparseCategoricalCrossentropyLoss,
} from '../losses/losses.js';
import { builtinLossEntry } from '../losses/get.js';
import { lookupKey } from '../losses/utils.js';
import { Metric, type MetricArgs } from './metric.js';
import { MeanMetricWrapper, type MetricFunction } from './reduction.js';
import {
  BinaryAccuracy, BinaryCrossentropy, CategoricalAccuracy, CategoricalCrossentropy, CategoricalHinge, CosineSimilarity,
  Hinge, KLDivergence, LogCoshError, MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredError, MeanSquaredLogarithmicError,
  Poisson, SparseCategoricalAccuracy, SparseCategoricalCrossentropy, SparseTopKCategoricalAccuracy, SquaredHinge, TopKCategoricalAccuracy,
} from './wrappers.js';
import { AUC, FalseNegatives, FalsePositives, Precision, Recall, TrueNegatives, TruePositives } from './confusion.js';
import { F1Score } from './fscore.js';
import { R2Score, RootMeanSquaredError } from './regression.js';

/** What `getMetric` accepts. */
export type MetricIdentifier = Metric | MetricFunction | string | {
  /** The registered class name. */
  className: string;
  /** Its constructor arguments. */
  config: ConfigDict;
};

/** What the model tells `getMetric` about the output a metric watches. */
export interface MetricContext {
  /** The output's loss (decides what 'accuracy' and 'crossentropy' mean). */
  loss: Loss | null;
  /** The output's shape, batch first (null for unknown dims). */
  outputShape: readonly (number | null)[] | null;
}

type Factory = (args: MetricArgs) => Metric;

const NAMED: Record<string, Factory> = {
  binary_accuracy: (a) => new BinaryAccuracy(a),
  categorical_accuracy: (a) => new CategoricalAccuracy(a),
  sparse_categorical_accuracy: (a) => new SparseCategoricalAccuracy(a),
  top_k_categorical_accuracy: (a) => new TopKCategoricalAccuracy(a),
  sparse_top_k_categorical_accuracy: (a) => new SparseTopKCategoricalAccuracy(a),
  precision: (a) => new Precision(a),
  recall: (a) => new Recall(a),
  auc: (a) => new AUC(a),
  f1_score: (a) => new F1Score(a),
  true_positives: (a) => new TruePositives(a),
  true_negatives: (a) => new TrueNegatives(a),
  false_positives: (a) => new FalsePositives(a),
  false_negatives: (a) => new FalseNegatives(a),
  mean_squared_error: (a) => new MeanSquaredError(a),
  root_mean_squared_error: (a) => new RootMeanSquaredError(a),
  mean_absolute_error: (a) => new MeanAbsoluteError(a),
  mean_absolute_percentage_error: (a) => new MeanAbsolutePercentageError(a),
  mean_squared_logarithmic_error: (a) => new MeanSquaredLogarithmicError(a),
  r2_score: (a) => new R2Score(a),
  cosine_similarity: (a) => new CosineSimilarity(a),
  log_cosh_error: (a) => new LogCoshError(a),
  binary_crossentropy: (a) => new BinaryCrossentropy(a),
  categorical_crossentropy: (a) => new CategoricalCrossentropy(a),
  sparse_categorical_crossentropy: (a) => new SparseCategoricalCrossentropy(a),
  kl_divergence: (a) => new KLDivergence(a),
  poisson: (a) => new Poisson(a),
  hinge: (a) => new Hinge(a),
  squared_hinge: (a) => new SquaredHinge(a),
  categorical_hinge: (a) => new CategoricalHinge(a),
};

const ALIASES: Record<string, string> = {
  mse: 'mean_squared_error', mae: 'mean_absolute_error', mape: 'mean_absolute_percentage_error', msle: 'mean_squared_logarithmic_error',
  rmse: 'root_mean_squared_error', logcosh: 'log_cosh_error', log_cosh: 'log_cosh_error', kld: 'kl_divergence',
  kullback_leibler_divergence: 'kl_divergence', bce: 'binary_crossentropy', top_k_accuracy: 'top_k_categorical_accuracy',
  r2: 'r2_score', f1: 'f1_score',
};

const BY_KEY = new Map<string, Factory>();
for (const [name, make] of Object.entries(NAMED)) BY_KEY.set(lookupKey(name), make);
for (const [alias, name] of Object.entries(ALIASES)) BY_KEY.set(lookupKey(alias), NAMED[name]!);

/** Every metric name `getMetric` understands (besides 'accuracy'/'acc' and 'crossentropy'/'ce'). */
export function metricNames(): string[] {
  return ['accuracy', 'acc', 'crossentropy', 'ce', ...Object.keys(NAMED), ...Object.keys(ALIASES)];
}

type Kind = 'binary' | 'sparse' | 'categorical';

/** What kind of labels the output has, judged like Keras/TensorFlow.js from its loss, then its shape. */
function labelKind(context: MetricContext): Kind {
  const loss = context.loss;
  if (loss instanceof BinaryCrossentropyLoss || loss instanceof BinaryFocalLoss) return 'binary';
  if (loss instanceof SparseCategoricalCrossentropyLoss) return 'sparse';
  if (loss instanceof CategoricalCrossentropyLoss || loss instanceof CategoricalFocalLoss) return 'categorical';
  const shape = context.outputShape;
  if (shape && shape.length > 0 && shape[shape.length - 1] === 1) return 'binary';
  return 'categorical';
}

/**
 * The metric for `identifier`, for an output with the given loss and shape. A string becomes the
 * metric's name, so logs show what the user wrote. `'accuracy'`/`'acc'` become BinaryAccuracy
 * (binary cross-entropy loss, or one output unit), SparseCategoricalAccuracy (sparse categorical
 * cross-entropy) or CategoricalAccuracy; `'crossentropy'`/`'ce'` likewise. A function is wrapped
 * in a MeanMetricWrapper named after it.
 * @example st.metrics.getMetric('acc', { loss: new st.losses.SparseCategoricalCrossentropy(), outputShape: [null, 10] })
 */
export function getMetric(identifier: MetricIdentifier, context: MetricContext = { loss: null, outputShape: null }): Metric {
  if (identifier instanceof Metric) return identifier;
  if (typeof identifier === 'function') return new MeanMetricWrapper(identifier as (yTrue: Tensor, yPred: Tensor) => Tensor);
  if (typeof identifier === 'string') {
    const key = lookupKey(identifier);
    const args = { name: identifier };
    if (key === 'accuracy' || key === 'acc') {
      const kind = labelKind(context);
      return kind === 'binary' ? new BinaryAccuracy(args) : kind === 'sparse' ? new SparseCategoricalAccuracy(args) : new CategoricalAccuracy(args);
    }
    if (key === 'crossentropy' || key === 'ce') {
      const kind = labelKind(context);
      return kind === 'binary' ? new BinaryCrossentropy(args) : kind === 'sparse' ? new SparseCategoricalCrossentropy(args) : new CategoricalCrossentropy(args);
    }
    const make = BY_KEY.get(key);
    if (make) return make(args);
    // Any other built-in loss (huber, dice, focal cross-entropies, ...) as the mean of its values.
    const loss = builtinLossEntry(identifier);
    if (loss) return new MeanMetricWrapper(loss.fn, { name: identifier, fnName: loss.name });
    if (key === 'meaniou' || key === 'iou') {
      throw new Error(`getMetric: '${identifier}' needs numClasses; pass st.metrics.meanIoU({ numClasses }) instead of a name`);
    }
    throw new Error(`getMetric: unknown metric '${identifier}'. Known metrics: ${metricNames().join(', ')} ` +
      '(camelCase or snake_case); or pass a Metric instance or a function (yTrue, yPred) => Tensor');
  }
  if (isSerializedObject(identifier)) return deserializeObject<Metric>('metric', identifier, 'getMetric');
  throw new Error(`getMetric: expected a Metric, a function (yTrue, yPred) => Tensor, a metric name or {className, config}, got ${String(identifier)}`);
}
