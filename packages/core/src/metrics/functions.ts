/**
 * Per-sample metric functions (Keras 3 formulas): accuracies, top-k accuracies and the positive
 * cosine similarity. Each returns one float32 value per sample.
 */
import type { Tensor } from '../tensor/tensor.js';
import { engine } from '../engine/engine.js';
import { toTensor, type TensorLike } from '../ops/convert.js';
import { equal, greater, greaterEqual, less, lessEqual, logicalAnd, maximum, mul } from '../ops/binary.js';
import { cast, oneHot } from '../ops/creation.js';
import { floor, isNaN, rsqrt, square } from '../ops/unary.js';
import { argMax, sum } from '../ops/reduction.js';
import { where } from '../ops/selection.js';
import { shapeToString } from '../util/shape.js';
import { checkInteger, checkNumber, EPSILON, preparePair, resolveAxis, sameShape, toFloat } from '../losses/utils.js';
import { sparseLabels } from '../losses/functions.js';

function run(fn: () => Tensor): Tensor {
  return engine().tidy(fn);
}

/** 1 where `yTrue` equals `yPred` exactly, else 0. */
export function accuracy(yTrue: TensorLike, yPred: TensorLike): Tensor {
  return run(() => {
    const [t, p] = preparePair('accuracy', yTrue, yPred, 0);
    return cast(equal(t, p), 'float32');
  });
}

/** 1 where `yPred > threshold` matches the 0/1 label, else 0 (elementwise). */
export function binaryAccuracy(yTrue: TensorLike, yPred: TensorLike, threshold = 0.5): Tensor {
  checkNumber('binaryAccuracy', 'threshold', threshold);
  return run(() => {
    const [t, p] = preparePair('binaryAccuracy', yTrue, yPred, 0);
    return cast(equal(t, cast(greater(p, threshold), 'float32')), 'float32');
  });
}

/** Checks one-hot labels against predictions: same shape, at least one axis. */
function checkDense(where_: string, yTrue: Tensor, yPred: Tensor): void {
  if (yPred.rank < 1 || !sameShape(yTrue.shape, yPred.shape)) {
    throw new Error(`${where_}: yTrue ${shapeToString(yTrue.shape)} must be one-hot with the shape of yPred ${shapeToString(yPred.shape)} ` +
      '(for integer class ids use the sparse variant)');
  }
}

/** 1 where the arg-max of `yPred` is the arg-max of the one-hot `yTrue`, per row. */
export function categoricalAccuracy(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const where_ = 'categoricalAccuracy';
  return run(() => {
    const p = toTensor(yPred, 'yPred', where_);
    const t = toTensor(yTrue, 'yTrue', where_);
    checkDense(where_, t, p);
    return cast(equal(argMax(toFloat(t), -1), argMax(toFloat(p), -1)), 'float32');
  });
}

/** 1 where the arg-max of `yPred` equals the integer label, per row (labels `yPred.shape[:-1]` or with a trailing 1). */
export function sparseCategoricalAccuracy(yTrue: TensorLike, yPred: TensorLike): Tensor {
  const where_ = 'sparseCategoricalAccuracy';
  return run(() => {
    const p = toFloat(toTensor(yPred, 'yPred', where_));
    const labels = sparseLabels(where_, toTensor(yTrue, 'yTrue', where_), p);
    return cast(equal(labels, cast(argMax(p, -1), 'float32')), 'float32');
  });
}

/**
 * Whether class `target` is among the `k` largest predictions of its row (Keras `in_top_k`: ties
 * at the boundary count as in; a NaN prediction at the target counts as the smallest).
 */
function inTopK(target: Tensor, valid: Tensor, p: Tensor, k: number): Tensor {
  const classes = p.shape[p.rank - 1]!;
  const hot = cast(oneHot(target, classes), 'bool');
  const atLabel = sum(where(hot, p, 0), -1, true);
  const safe = where(isNaN(atLabel), -Infinity, atLabel);
  const rank = sum(cast(greater(p, safe), 'float32'), -1);
  return cast(logicalAnd(valid, less(rank, k)), 'float32');
}

/** 1 where the one-hot label's class is among the top `k` predictions (default 5). */
export function topKCategoricalAccuracy(yTrue: TensorLike, yPred: TensorLike, k = 5): Tensor {
  const where_ = 'topKCategoricalAccuracy';
  checkInteger(where_, 'k', k, 1);
  return run(() => {
    const p = toFloat(toTensor(yPred, 'yPred', where_));
    const t = toTensor(yTrue, 'yTrue', where_);
    checkDense(where_, t, p);
    const target = argMax(toFloat(t), -1);
    return inTopK(target, equal(target, target), p, k);
  });
}

/** 1 where the integer label is among the top `k` predictions (default 5). */
export function sparseTopKCategoricalAccuracy(yTrue: TensorLike, yPred: TensorLike, k = 5): Tensor {
  const where_ = 'sparseTopKCategoricalAccuracy';
  checkInteger(where_, 'k', k, 1);
  return run(() => {
    const p = toFloat(toTensor(yPred, 'yPred', where_));
    const labels = sparseLabels(where_, toTensor(yTrue, 'yTrue', where_), p);
    const classes = p.shape[p.rank - 1]!;
    const valid = logicalAnd(logicalAnd(equal(floor(labels), labels), greaterEqual(labels, 0)), lessEqual(labels, classes - 1));
    return inTopK(cast(where(valid, labels, 0), 'int32'), valid, p, k);
  });
}

/** Cosine similarity `sum(l2norm(yTrue) · l2norm(yPred))` along `axis` (1 is best; the metric's sign). */
export function cosineSimilarityMetric(yTrue: TensorLike, yPred: TensorLike, axis = -1): Tensor {
  const where_ = 'cosineSimilarity';
  return run(() => {
    const [t, p] = preparePair(where_, yTrue, yPred);
    const a = resolveAxis(where_, axis, p.shape);
    const norm = (x: Tensor): Tensor => mul(x, rsqrt(maximum(sum(square(x), a, true), EPSILON * EPSILON)));
    return sum(mul(norm(t), norm(p)), a);
  });
}
