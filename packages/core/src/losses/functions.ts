/**
 * Loss functions (Keras 3 formulas): each takes `yTrue` and `yPred` and returns one loss per
 * sample, i.e. the shape of `yPred` without the reduced axis. All are built from core ops, so they
 * run on every backend and differentiate through core autodiff.
 */
import type { Tensor } from '../tensor/tensor.js';
import { engine } from '../engine/engine.js';
import type { TensorLike } from '../ops/convert.js';
import { toTensor } from '../ops/convert.js';
import { add, div, equal, greaterEqual, less, lessEqual, logicalAnd, logicalOr, maximum, mul, notEqual, pow, sub } from '../ops/binary.js';
import { cast, oneHot } from '../ops/creation.js';
import { abs, exp, floor, log, neg, rsqrt, sigmoid, square } from '../ops/unary.js';
import { all, max, mean, sum } from '../ops/reduction.js';
import { clipByValue, where } from '../ops/selection.js';
import { logSoftmax, softplus } from '../ops/activations.js';
import { squeeze } from '../ops/reshape.js';
import { shapeToString } from '../util/shape.js';
import { checkBoolean, checkNumber, EPSILON, preparePair, resolveAxis, toFloat } from './utils.js';

const LOG2 = Math.log(2);
/** `1 - 1e-7` as float32 stores it: the upper clip Keras uses for probabilities. */
const ONE_MINUS_EPSILON = Math.fround(1 - EPSILON);

function run(fn: () => Tensor): Tensor {
  return engine().tidy(fn);
}

/**
 * `mean((yTrue - yPred)²)` over the last axis: one value per sample, not reduced over the batch.
 *
 * @example
 * st.losses.meanSquaredError(st.tensor([[0, 1], [1, 1]]), st.tensor([[1, 1], [1, 0]]));   // [0.5, 0.5]
 */
export function meanSquaredError(yTrue: TensorLike, yPred: TensorLike): Tensor {
  return run(() => {
    const [t, p] = preparePair('meanSquaredError', yTrue, yPred);
    return mean(square(sub(t, p)), -1);
  });
}

/** `mean(|yTrue - yPred|)` over the last axis. */
export function meanAbsoluteError(yTrue: TensorLike, yPred: TensorLike): Tensor {
  return run(() => {
    const [t, p] = preparePair('meanAbsoluteError', yTrue, yPred);
    return mean(abs(sub(t, p)), -1);
  });
}

/** `100 · mean(|(yTrue - yPred) / max(|yTrue|, ε)|)` over the last axis. */
export function meanAbsolutePercentageError(yTrue: TensorLike, yPred: TensorLike): Tensor {
  return run(() => {
    const [t, p] = preparePair('meanAbsolutePercentageError', yTrue, yPred);
    return mul(mean(abs(div(sub(t, p), maximum(abs(t), EPSILON))), -1), 100);
  });
}

/** `mean((log(max(yPred, ε) + 1) - log(max(yTrue, ε) + 1))²)` over the last axis. */
export function meanSquaredLogarithmicError(yTrue: TensorLike, yPred: TensorLike): Tensor {
  return run(() => {
    const [t, p] = preparePair('meanSquaredLogarithmicError', yTrue, yPred);
    const first = log(add(maximum(p, EPSILON), 1));
    const second = log(add(maximum(t, EPSILON), 1));
    return mean(square(sub(first, second)), -1);
  });
}

/** Huber loss: `½e²` where `|e| ≤ delta`, else `delta·|e| - ½delta²`, averaged over the last axis. */
export function huber(yTrue: TensorLike, yPred: TensorLike, delta = 1): Tensor {
  checkNumber('huber', 'delta', delta, 0);
  return run(() => {
    const [t, p] = preparePair('huber', yTrue, yPred);
    const error = sub(p, t);
    const absError = abs(error);
    return mean(where(lessEqual(absError, delta), mul(square(error), 0.5), sub(mul(absError, delta), 0.5 * delta * delta)), -1);
  });
}

/** `mean(log(cosh(yPred - yTrue)))` over the last axis, as `x + softplus(-2x) - log 2` (no overflow). */
export function logCosh(yTrue: TensorLike, yPred: TensorLike): Tensor {
  return run(() => {
    const [t, p] = preparePair('logCosh', yTrue, yPred);
    const x = sub(p, t);
    return mean(sub(add(x, softplus(mul(x, -2))), LOG2), -1);
  });
}

/** Options of the binary cross-entropy functions. */
export interface BinaryCrossentropyOptions {
  /** Whether `yPred` holds logits rather than probabilities. Default false. */
  fromLogits?: boolean;
  /** In [0, 1]: labels become `yTrue·(1 - s) + 0.5·s`. Default 0. */
  labelSmoothing?: number;
  /** The axis averaged over. Default -1. */
  axis?: number;
}

/** @internal Validates and completes binary cross-entropy options. */
export function checkBinaryOptions(where: string, o: BinaryCrossentropyOptions): Required<BinaryCrossentropyOptions> {
  return {
    fromLogits: checkBoolean(where, 'fromLogits', o.fromLogits ?? false),
    labelSmoothing: checkNumber(where, 'labelSmoothing', o.labelSmoothing ?? 0, 0, 1),
    axis: checkNumber(where, 'axis', o.axis ?? -1),
  };
}

/** Elementwise binary cross-entropy; the logits form `softplus(x) - t·x` is exact for any x. */
function elementwiseBinaryCrossentropy(target: Tensor, output: Tensor, fromLogits: boolean): Tensor {
  if (fromLogits) return sub(softplus(output), mul(target, output));
  const o = clipByValue(output, EPSILON, ONE_MINUS_EPSILON);
  return neg(add(mul(target, log(o)), mul(sub(1, target), log(sub(1, o)))));
}

/**
 * Binary cross-entropy averaged over `axis` (default the last). Probabilities are clipped to
 * `[1e-7, 1 - 1e-7]`; with `fromLogits` the loss is computed from the logits directly.
 */
export function binaryCrossentropy(yTrue: TensorLike, yPred: TensorLike, options: BinaryCrossentropyOptions = {}): Tensor {
  const where = 'binaryCrossentropy';
  const o = checkBinaryOptions(where, options);
  return run(() => {
    let [t, p] = preparePair(where, yTrue, yPred);
    const axis = resolveAxis(where, o.axis, p.shape);
    if (o.labelSmoothing) t = add(mul(t, 1 - o.labelSmoothing), 0.5 * o.labelSmoothing);
    return mean(elementwiseBinaryCrossentropy(t, p, o.fromLogits), axis);
  });
}

/** Options of the binary focal cross-entropy. */
export interface BinaryFocalCrossentropyOptions extends BinaryCrossentropyOptions {
  /** Weight positives by `alpha` and negatives by `1 - alpha`. Default false. */
  applyClassBalancing?: boolean;
  /** The class-balancing weight of class 1. Default 0.25. */
  alpha?: number;
  /** The focusing exponent. Default 2. */
  gamma?: number;
}

/** @internal Validates and completes focal options. */
export function checkBinaryFocalOptions(where: string, o: BinaryFocalCrossentropyOptions): Required<BinaryFocalCrossentropyOptions> {
  return {
    ...checkBinaryOptions(where, o),
    applyClassBalancing: checkBoolean(where, 'applyClassBalancing', o.applyClassBalancing ?? false),
    alpha: checkNumber(where, 'alpha', o.alpha ?? 0.25, 0, 1),
    gamma: checkNumber(where, 'gamma', o.gamma ?? 2, 0),
  };
}

/**
 * Binary focal cross-entropy (Lin et al., 2018): binary cross-entropy scaled by `(1 - p_t)^gamma`,
 * optionally class-balanced, averaged over `axis`.
 */
export function binaryFocalCrossentropy(yTrue: TensorLike, yPred: TensorLike, options: BinaryFocalCrossentropyOptions = {}): Tensor {
  const where = 'binaryFocalCrossentropy';
  const o = checkBinaryFocalOptions(where, options);
  return run(() => {
    let [t, p] = preparePair(where, yTrue, yPred);
    const axis = resolveAxis(where, o.axis, p.shape);
    if (o.labelSmoothing) t = add(mul(t, 1 - o.labelSmoothing), 0.5 * o.labelSmoothing);
    const bce = elementwiseBinaryCrossentropy(t, p, o.fromLogits);
    const prob = o.fromLogits ? sigmoid(p) : p;
    const pT = add(mul(t, prob), mul(sub(1, t), sub(1, prob)));
    let focal = mul(pow(sub(1, pT), o.gamma), bce);
    if (o.applyClassBalancing) focal = mul(add(mul(t, o.alpha), mul(sub(1, t), 1 - o.alpha)), focal);
    return mean(focal, axis);
  });
}

/** Options of the categorical cross-entropy functions. */
export interface CategoricalCrossentropyOptions {
  /** Whether `yPred` holds logits rather than probabilities. Default false. */
  fromLogits?: boolean;
  /** In [0, 1]: labels become `yTrue·(1 - s) + s / numClasses`. Default 0. */
  labelSmoothing?: number;
  /** The class axis. Default -1. */
  axis?: number;
}

/** @internal Validates and completes categorical cross-entropy options. */
export function checkCategoricalOptions(where: string, o: CategoricalCrossentropyOptions): Required<CategoricalCrossentropyOptions> {
  return {
    fromLogits: checkBoolean(where, 'fromLogits', o.fromLogits ?? false),
    labelSmoothing: checkNumber(where, 'labelSmoothing', o.labelSmoothing ?? 0, 0, 1),
    axis: checkNumber(where, 'axis', o.axis ?? -1),
  };
}

/**
 * Log-probabilities along `axis`: `logSoftmax` of logits, or the log of probabilities rescaled
 * to sum to 1 and clipped to `[1e-7, 1 - 1e-7]` (Keras).
 */
function logProbabilities(p: Tensor, axis: number, fromLogits: boolean): Tensor {
  if (fromLogits) return logSoftmax(p, axis);
  return log(clipByValue(div(p, sum(p, axis, true)), EPSILON, ONE_MINUS_EPSILON));
}

function smoothCategorical(t: Tensor, smoothing: number, classes: number): Tensor {
  return smoothing ? add(mul(t, 1 - smoothing), smoothing / classes) : t;
}

/** Categorical cross-entropy `-sum(yTrue · log p)` over the class axis; `yTrue` is one-hot (or soft). */
export function categoricalCrossentropy(yTrue: TensorLike, yPred: TensorLike, options: CategoricalCrossentropyOptions = {}): Tensor {
  const where = 'categoricalCrossentropy';
  const o = checkCategoricalOptions(where, options);
  return run(() => {
    const [t0, p] = preparePair(where, yTrue, yPred);
    const axis = resolveAxis(where, o.axis, p.shape);
    const t = smoothCategorical(t0, o.labelSmoothing, p.shape[axis]!);
    return neg(sum(mul(t, logProbabilities(p, axis, o.fromLogits)), axis));
  });
}

/** Options of the categorical focal cross-entropy. */
export interface CategoricalFocalCrossentropyOptions extends CategoricalCrossentropyOptions {
  /** The weighting factor. Default 0.25. */
  alpha?: number;
  /** The focusing exponent. Default 2. */
  gamma?: number;
}

/** @internal Validates and completes categorical focal options. */
export function checkCategoricalFocalOptions(where: string, o: CategoricalFocalCrossentropyOptions): Required<CategoricalFocalCrossentropyOptions> {
  return {
    ...checkCategoricalOptions(where, o),
    alpha: checkNumber(where, 'alpha', o.alpha ?? 0.25),
    gamma: checkNumber(where, 'gamma', o.gamma ?? 2, 0),
  };
}

/**
 * Categorical focal cross-entropy: `sum(alpha · (1 - p)^gamma · (-yTrue · log p))` over the class
 * axis, with p rescaled to sum to 1 and clipped to `[1e-7, 1 - 1e-7]`.
 */
export function categoricalFocalCrossentropy(yTrue: TensorLike, yPred: TensorLike, options: CategoricalFocalCrossentropyOptions = {}): Tensor {
  const where = 'categoricalFocalCrossentropy';
  const o = checkCategoricalFocalOptions(where, options);
  return run(() => {
    const [t0, p] = preparePair(where, yTrue, yPred);
    const axis = resolveAxis(where, o.axis, p.shape);
    const t = smoothCategorical(t0, o.labelSmoothing, p.shape[axis]!);
    // From logits, clip in log space: log(clip(softmax)) without forming tiny probabilities first.
    const logOut = o.fromLogits
      ? clipByValue(logSoftmax(p, axis), Math.log(EPSILON), Math.log(ONE_MINUS_EPSILON))
      : log(clipByValue(div(p, sum(p, axis, true)), EPSILON, ONE_MINUS_EPSILON));
    const out = exp(logOut);
    const cce = neg(mul(t, logOut));
    return sum(mul(mul(pow(sub(1, out), o.gamma), o.alpha), cce), axis);
  });
}

/** Options of the sparse categorical cross-entropy. */
export interface SparseCategoricalCrossentropyOptions {
  /** Whether `yPred` holds logits rather than probabilities. Default false. */
  fromLogits?: boolean;
  /** A class id whose entries are left out (loss 0, not counted in the mean). Default null. */
  ignoreClass?: number | null;
}

/** @internal Validates and completes sparse options. */
export function checkSparseOptions(where: string, o: SparseCategoricalCrossentropyOptions): { fromLogits: boolean; ignoreClass: number | null } {
  const ignoreClass = o.ignoreClass ?? null;
  if (ignoreClass !== null && !Number.isInteger(ignoreClass)) {
    throw new Error(`${where}: ignoreClass must be an integer or null, got ${String(ignoreClass)}`);
  }
  return { fromLogits: checkBoolean(where, 'fromLogits', o.fromLogits ?? false), ignoreClass };
}

/**
 * Checks sparse label/prediction shapes: labels are `yPred.shape[:-1]`, or that with a trailing 1.
 * Returns the labels as float32 of shape `yPred.shape[:-1]`.
 * @internal
 */
export function sparseLabels(where: string, yTrue: Tensor, yPred: Tensor): Tensor {
  if (yPred.rank < 1) throw new Error(`${where}: yPred must have a class axis, got ${yPred.describe()}`);
  if (yTrue.dtype === 'bool') throw new Error(`${where}: yTrue must hold integer class ids (int32 or float32), got ${yTrue.describe()}`);
  const batch = yPred.shape.slice(0, -1);
  let t = yTrue;
  if (t.rank === yPred.rank && t.shape[t.rank - 1] === 1) t = squeeze(t, [-1]);
  if (t.rank !== batch.length || t.shape.some((d, i) => d !== batch[i])) {
    throw new Error(`${where}: yTrue ${shapeToString(yTrue.shape)} must have shape ${shapeToString(batch)} or ` +
      `${shapeToString([...batch, 1])} (one class id per row of yPred ${shapeToString(yPred.shape)})`);
  }
  return toFloat(t);
}

/** Per-entry sparse losses and the mask of entries that count (null without ignoreClass). @internal */
export function sparseCategoricalCrossentropyMasked(yTrue: TensorLike, yPred: TensorLike, options: SparseCategoricalCrossentropyOptions = {}): { losses: Tensor; mask: Tensor | null } {
  const where = 'sparseCategoricalCrossentropy';
  const o = checkSparseOptions(where, options);
  return engine().tidy(() => {
    const p = toFloat(toTensor(yPred, 'yPred', where));
    const labels = sparseLabels(where, toTensor(yTrue, 'yTrue', where), p);
    const classes = p.shape[p.rank - 1]!;
    // Class ids must be whole numbers in [0, classes); anything else (NaN included) gives NaN.
    const valid = logicalAnd(logicalAnd(equal(floor(labels), labels), greaterEqual(labels, 0)), less(labels, classes));
    const ignored = o.ignoreClass === null ? null : equal(labels, o.ignoreClass);
    const index = cast(where_(valid, labels, 0), 'int32');
    const picked = sum(mul(oneHot(index, classes), logProbabilities(p, -1, o.fromLogits)), -1);
    let losses = where_(valid, neg(picked), NaN);
    if (ignored) losses = where_(ignored, 0, losses);
    return { losses, mask: ignored ? notEqual(labels, o.ignoreClass!) : null };
  });
}

function where_(condition: Tensor, a: Tensor | number, b: Tensor | number): Tensor {
  return where(condition, a, b);
}

/**
 * Sparse categorical cross-entropy: `-log p[yTrue]` per row, with integer class ids as labels
 * (shape `yPred.shape[:-1]` or with a trailing 1). Invalid ids give NaN; entries equal to
 * `ignoreClass` give 0.
 */
export function sparseCategoricalCrossentropy(yTrue: TensorLike, yPred: TensorLike, options: SparseCategoricalCrossentropyOptions = {}): Tensor {
  return run(() => sparseCategoricalCrossentropyMasked(yTrue, yPred, options).losses);
}

/** Kullback-Leibler divergence `sum(yTrue · log(yTrue / yPred))` over the last axis, both clipped to [1e-7, 1]. */
export function klDivergence(yTrue: TensorLike, yPred: TensorLike): Tensor {
  return run(() => {
    let [t, p] = preparePair('klDivergence', yTrue, yPred);
    t = clipByValue(t, EPSILON, 1);
    p = clipByValue(p, EPSILON, 1);
    return sum(mul(t, log(div(t, p))), -1);
  });
}

/** Poisson loss `mean(yPred - yTrue · log(yPred + 1e-7))` over the last axis. */
export function poisson(yTrue: TensorLike, yPred: TensorLike): Tensor {
  return run(() => {
    const [t, p] = preparePair('poisson', yTrue, yPred);
    return mean(sub(p, mul(t, log(add(p, EPSILON)))), -1);
  });
}

/** `x / ‖x‖` along `axis`, with the inverse norm capped at 1/ε (a zero vector stays zero). */
function l2Normalize(x: Tensor, axis: number): Tensor {
  return mul(x, rsqrt(maximum(sum(square(x), axis, true), EPSILON * EPSILON)));
}

/**
 * Negative cosine similarity `-sum(l2norm(yTrue) · l2norm(yPred))` along `axis`: -1 for the same
 * direction, 0 for orthogonal vectors (or a zero vector), 1 for opposite ones. Minimising it
 * maximises the similarity (Keras' sign convention).
 */
export function cosineSimilarity(yTrue: TensorLike, yPred: TensorLike, axis = -1): Tensor {
  const where = 'cosineSimilarity';
  return run(() => {
    const [t, p] = preparePair(where, yTrue, yPred);
    const a = resolveAxis(where, axis, p.shape);
    return neg(sum(mul(l2Normalize(t, a), l2Normalize(p, a)), a));
  });
}

/** Labels of 0/1 (all of them) become -1/1 for the hinge losses; other labels are kept. */
function hingeLabels(t: Tensor): Tensor {
  const isBinary = all(logicalOr(equal(t, 0), equal(t, 1)));
  return where(isBinary, sub(mul(t, 2), 1), t);
}

/** Hinge loss `mean(max(1 - yTrue · yPred, 0))` over the last axis; labels are ±1 (0/1 are converted). */
export function hinge(yTrue: TensorLike, yPred: TensorLike): Tensor {
  return run(() => {
    const [t, p] = preparePair('hinge', yTrue, yPred);
    return mean(maximum(sub(1, mul(hingeLabels(t), p)), 0), -1);
  });
}

/** Squared hinge loss `mean(max(1 - yTrue · yPred, 0)²)` over the last axis. */
export function squaredHinge(yTrue: TensorLike, yPred: TensorLike): Tensor {
  return run(() => {
    const [t, p] = preparePair('squaredHinge', yTrue, yPred);
    return mean(square(maximum(sub(1, mul(hingeLabels(t), p)), 0)), -1);
  });
}

/** Categorical hinge `max(max((1 - yTrue) · yPred) - sum(yTrue · yPred) + 1, 0)` over the last axis. */
export function categoricalHinge(yTrue: TensorLike, yPred: TensorLike): Tensor {
  return run(() => {
    const [t, p] = preparePair('categoricalHinge', yTrue, yPred);
    const pos = sum(mul(t, p), -1);
    const negative = max(mul(sub(1, t), p), -1);
    return maximum(add(sub(negative, pos), 1), 0);
  });
}

/**
 * Dice loss `1 - 2·sum(yTrue · yPred) / (sum(yTrue) + sum(yPred) + 1e-7)` over `axis` (default:
 * every axis, giving one scalar for the batch; e.g. `[1, 2, 3]` gives one value per image).
 */
export function dice(yTrue: TensorLike, yPred: TensorLike, axis: number | readonly number[] | null = null): Tensor {
  const where = 'dice';
  return run(() => {
    const [t, p] = preparePair(where, yTrue, yPred, 0);
    const axes = axis === null ? undefined : (typeof axis === 'number' ? [axis] : axis).map((a) => resolveAxis(where, a, p.shape));
    const intersection = sum(mul(t, p), axes);
    return sub(1, div(mul(intersection, 2), add(add(sum(t, axes), sum(p, axes)), EPSILON)));
  });
}
