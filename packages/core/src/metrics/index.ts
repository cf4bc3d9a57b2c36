/**
 * `st.metrics`: stateful Keras metrics (`updateState`/`result`/`resetState`) as classes
 * (`new st.metrics.AUC({curve: 'PR'})`) and lowercase factories (`st.metrics.auc({curve: 'PR'})`),
 * and `getMetric` for names.
 */
import type { MetricArgs } from './metric.js';
import { Mean, MeanMetricWrapper, Sum, type MeanMetricWrapperArgs, type MetricFunction } from './reduction.js';
import {
  Accuracy, BinaryAccuracy, BinaryCrossentropy, CategoricalAccuracy, CategoricalCrossentropy, CategoricalHinge, CosineSimilarity,
  Hinge, KLDivergence, LogCoshError, MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredError, MeanSquaredLogarithmicError,
  Poisson, SparseCategoricalAccuracy, SparseCategoricalCrossentropy, SparseTopKCategoricalAccuracy, SquaredHinge, TopKCategoricalAccuracy,
  type BinaryAccuracyArgs, type BinaryCrossentropyMetricArgs, type CategoricalCrossentropyMetricArgs, type CosineSimilarityArgs,
  type SparseCategoricalCrossentropyMetricArgs, type TopKArgs,
} from './wrappers.js';
import {
  AUC, FalseNegatives, FalsePositives, Precision, Recall, TrueNegatives, TruePositives,
  type AUCArgs, type ConfusionCountArgs, type PrecisionRecallArgs,
} from './confusion.js';
import { F1Score, FBetaScore, type F1ScoreArgs, type FBetaScoreArgs } from './fscore.js';
import { R2Score, RootMeanSquaredError, type R2ScoreArgs } from './regression.js';
import { BinaryIoU, IoU, MeanIoU, type BinaryIoUArgs, type IoUArgs, type MeanIoUArgs } from './iou.js';

export { Metric, type MetricArgs } from './metric.js';
export { Mean, Sum, MeanMetricWrapper, type MeanMetricWrapperArgs, type MetricFunction } from './reduction.js';
export {
  Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy, TopKCategoricalAccuracy, SparseTopKCategoricalAccuracy,
  MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredLogarithmicError, LogCoshError, CosineSimilarity,
  BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy, KLDivergence, Poisson, Hinge, SquaredHinge, CategoricalHinge,
  type BinaryAccuracyArgs, type TopKArgs, type CosineSimilarityArgs, type BinaryCrossentropyMetricArgs,
  type CategoricalCrossentropyMetricArgs, type SparseCategoricalCrossentropyMetricArgs,
} from './wrappers.js';
export {
  TruePositives, TrueNegatives, FalsePositives, FalseNegatives, Precision, Recall, AUC, updateConfusionMatrixVariables,
  type ConfusionCountArgs, type PrecisionRecallArgs, type AUCArgs, type ConfusionVariables, type ConfusionOptions,
} from './confusion.js';
export { FBetaScore, F1Score, type FBetaScoreArgs, type F1ScoreArgs, type FScoreAverage } from './fscore.js';
export { RootMeanSquaredError, R2Score, type R2ScoreArgs, type R2ClassAggregation } from './regression.js';
export { IoU, MeanIoU, BinaryIoU, type IoUArgs, type MeanIoUArgs, type BinaryIoUArgs } from './iou.js';
export {
  accuracy as accuracyFn, binaryAccuracy as binaryAccuracyFn, categoricalAccuracy as categoricalAccuracyFn,
  sparseCategoricalAccuracy as sparseCategoricalAccuracyFn, topKCategoricalAccuracy as topKCategoricalAccuracyFn,
  sparseTopKCategoricalAccuracy as sparseTopKCategoricalAccuracyFn,
} from './functions.js';
export { getMetric, metricNames, type MetricContext, type MetricIdentifier } from './get.js';

/** Exact-match accuracy. */
export const accuracy = (args?: MetricArgs): Accuracy => new Accuracy(args);
/** Thresholded binary accuracy. */
export const binaryAccuracy = (args?: BinaryAccuracyArgs): BinaryAccuracy => new BinaryAccuracy(args);
/** Arg-max accuracy for one-hot labels. */
export const categoricalAccuracy = (args?: MetricArgs): CategoricalAccuracy => new CategoricalAccuracy(args);
/** Arg-max accuracy for integer labels. */
export const sparseCategoricalAccuracy = (args?: MetricArgs): SparseCategoricalAccuracy => new SparseCategoricalAccuracy(args);
/** Top-k accuracy for one-hot labels. */
export const topKCategoricalAccuracy = (args?: TopKArgs): TopKCategoricalAccuracy => new TopKCategoricalAccuracy(args);
/** Top-k accuracy for integer labels. */
export const sparseTopKCategoricalAccuracy = (args?: TopKArgs): SparseTopKCategoricalAccuracy => new SparseTopKCategoricalAccuracy(args);
/** Precision at thresholds (or top-k). */
export const precision = (args?: PrecisionRecallArgs): Precision => new Precision(args);
/** Recall at thresholds (or top-k). */
export const recall = (args?: PrecisionRecallArgs): Recall => new Recall(args);
/** Area under the ROC or PR curve. */
export const auc = (args?: AUCArgs): AUC => new AUC(args);
/** F1 score. */
export const f1Score = (args?: F1ScoreArgs): F1Score => new F1Score(args);
/** F-beta score. */
export const fBetaScore = (args?: FBetaScoreArgs): FBetaScore => new FBetaScore(args);
/** Weighted count of true positives. */
export const truePositives = (args?: ConfusionCountArgs): TruePositives => new TruePositives(args);
/** Weighted count of true negatives. */
export const trueNegatives = (args?: ConfusionCountArgs): TrueNegatives => new TrueNegatives(args);
/** Weighted count of false positives. */
export const falsePositives = (args?: ConfusionCountArgs): FalsePositives => new FalsePositives(args);
/** Weighted count of false negatives. */
export const falseNegatives = (args?: ConfusionCountArgs): FalseNegatives => new FalseNegatives(args);
/** Running mean squared error. */
export const meanSquaredError = (args?: MetricArgs): MeanSquaredError => new MeanSquaredError(args);
/** Running root mean squared error. */
export const rootMeanSquaredError = (args?: MetricArgs): RootMeanSquaredError => new RootMeanSquaredError(args);
/** Running mean absolute error. */
export const meanAbsoluteError = (args?: MetricArgs): MeanAbsoluteError => new MeanAbsoluteError(args);
/** Running mean absolute percentage error. */
export const meanAbsolutePercentageError = (args?: MetricArgs): MeanAbsolutePercentageError => new MeanAbsolutePercentageError(args);
/** Running mean squared logarithmic error. */
export const meanSquaredLogarithmicError = (args?: MetricArgs): MeanSquaredLogarithmicError => new MeanSquaredLogarithmicError(args);
/** Coefficient of determination. */
export const r2Score = (args?: R2ScoreArgs): R2Score => new R2Score(args);
/** Running cosine similarity. */
export const cosineSimilarity = (args?: CosineSimilarityArgs): CosineSimilarity => new CosineSimilarity(args);
/** Running log-cosh error. */
export const logCoshError = (args?: MetricArgs): LogCoshError => new LogCoshError(args);
/** Running binary cross-entropy. */
export const binaryCrossentropy = (args?: BinaryCrossentropyMetricArgs): BinaryCrossentropy => new BinaryCrossentropy(args);
/** Running categorical cross-entropy. */
export const categoricalCrossentropy = (args?: CategoricalCrossentropyMetricArgs): CategoricalCrossentropy => new CategoricalCrossentropy(args);
/** Running sparse categorical cross-entropy. */
export const sparseCategoricalCrossentropy = (args?: SparseCategoricalCrossentropyMetricArgs): SparseCategoricalCrossentropy => new SparseCategoricalCrossentropy(args);
/** Running Kullback-Leibler divergence. */
export const klDivergence = (args?: MetricArgs): KLDivergence => new KLDivergence(args);
/** Running Poisson loss. */
export const poisson = (args?: MetricArgs): Poisson => new Poisson(args);
/** Running hinge loss. */
export const hinge = (args?: MetricArgs): Hinge => new Hinge(args);
/** Running squared hinge loss. */
export const squaredHinge = (args?: MetricArgs): SquaredHinge => new SquaredHinge(args);
/** Running categorical hinge loss. */
export const categoricalHinge = (args?: MetricArgs): CategoricalHinge => new CategoricalHinge(args);
/** Weighted mean of values. */
export const mean = (args?: MetricArgs): Mean => new Mean(args);
/** Weighted sum of values. */
export const sum = (args?: MetricArgs): Sum => new Sum(args);
/** IoU averaged over chosen classes. */
export const iou = (args: IoUArgs): IoU => new IoU(args);
/** Mean IoU over all classes. */
export const meanIoU = (args: MeanIoUArgs): MeanIoU => new MeanIoU(args);
/** IoU of thresholded binary predictions. */
export const binaryIoU = (args?: BinaryIoUArgs): BinaryIoU => new BinaryIoU(args);
/** The running mean of a per-sample function. */
export const meanMetricWrapper = (fn: MetricFunction, args?: MeanMetricWrapperArgs): MeanMetricWrapper => new MeanMetricWrapper(fn, args);
