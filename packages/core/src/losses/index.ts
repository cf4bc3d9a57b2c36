/**
 * `st.losses`: the Keras losses as classes (`new st.losses.BinaryCrossentropy({fromLogits: true})`),
 * as per-sample functions (`st.losses.meanSquaredError(yTrue, yPred)`), and `getLoss` for names.
 */
export { Loss, reduceWeightedLoss, type LossArgs, type MaskedLosses, type Reduction } from './loss.js';
export {
  meanSquaredError, meanAbsoluteError, meanAbsolutePercentageError, meanSquaredLogarithmicError, huber, logCosh,
  binaryCrossentropy, binaryFocalCrossentropy, categoricalCrossentropy, categoricalFocalCrossentropy,
  sparseCategoricalCrossentropy, klDivergence, poisson, cosineSimilarity, hinge, squaredHinge, categoricalHinge, dice,
  type BinaryCrossentropyOptions, type BinaryFocalCrossentropyOptions, type CategoricalCrossentropyOptions,
  type CategoricalFocalCrossentropyOptions, type SparseCategoricalCrossentropyOptions,
} from './functions.js';
export {
  MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredLogarithmicError, Huber, LogCosh,
  BinaryCrossentropy, BinaryFocalCrossentropy, CategoricalCrossentropy, CategoricalFocalCrossentropy,
  SparseCategoricalCrossentropy, KLDivergence, Poisson, CosineSimilarity, Hinge, SquaredHinge, CategoricalHinge, Dice,
  type HuberArgs, type BinaryCrossentropyArgs, type BinaryFocalCrossentropyArgs, type CategoricalCrossentropyArgs,
  type CategoricalFocalCrossentropyArgs, type SparseCategoricalCrossentropyArgs, type CosineSimilarityArgs, type DiceArgs,
} from './losses.js';
export { getLoss, lossNames, LossFunctionWrapper, type LossFunction, type LossIdentifier, type LossFunctionWrapperArgs } from './get.js';

import {
  meanSquaredError, meanAbsoluteError, meanAbsolutePercentageError, meanSquaredLogarithmicError, klDivergence, logCosh,
} from './functions.js';

/** Alias of {@link meanSquaredError} (Keras `mse`). */
export const mse = meanSquaredError;
/** Alias of {@link meanAbsoluteError} (Keras `mae`). */
export const mae = meanAbsoluteError;
/** Alias of {@link meanAbsolutePercentageError} (Keras `mape`). */
export const mape = meanAbsolutePercentageError;
/** Alias of {@link meanSquaredLogarithmicError} (Keras `msle`). */
export const msle = meanSquaredLogarithmicError;
/** Alias of {@link klDivergence} (Keras `kld`). */
export const kld = klDivergence;
/** Alias of {@link logCosh} (Keras legacy `logcosh`). */
export const logcosh = logCosh;
