/** Splitting examples into training and test sets. */
import * as st from '@strata/core';

/** Options of {@link trainTestSplit}. */
export interface TrainTestSplitOptions {
  /** Fraction of the examples that go to the test set, in (0, 1). Default 0.25 (as scikit-learn). */
  testFraction?: number;
  /**
   * Seed of the shuffle: the same seed gives the same split on every backend. Without one the
   * global generator is used (repeatable after `st.setSeed`).
   */
  seed?: number;
}

/** The four tensors {@link trainTestSplit} returns; the caller disposes them. */
export interface TrainTestSplit {
  readonly xTrain: st.Tensor;
  readonly yTrain: st.Tensor;
  readonly xTest: st.Tensor;
  readonly yTest: st.Tensor;
}

/**
 * Shuffles examples with a seeded permutation (`st.shuffledIndices`) and splits them along the first
 * axis: the first `ceil(testFraction × n)` shuffled examples are the test set, the rest the training
 * set (scikit-learn's rule). `x` and `y` keep their pairing. The inputs are not disposed.
 * @example const { xTrain, yTrain, xTest, yTest } = trainTestSplit(x, y, { testFraction: 0.2, seed: 42 });
 */
export function trainTestSplit(x: st.Tensor, y: st.Tensor, options: TrainTestSplitOptions = {}): TrainTestSplit {
  const fn = 'trainTestSplit';
  if (!(x instanceof st.Tensor) || !(y instanceof st.Tensor)) throw new Error(`${fn}: x and y must be tensors`);
  if (x.rank === 0 || y.rank === 0) {
    throw new Error(`${fn}: x and y need a first (example) axis, got shapes [${x.shape.join(', ')}] and [${y.shape.join(', ')}]`);
  }
  const n = x.shape[0]!;
  if (y.shape[0] !== n) {
    throw new Error(`${fn}: x and y must hold the same number of examples, got x shape [${x.shape.join(', ')}] and y shape [${y.shape.join(', ')}]`);
  }
  const testFraction = options.testFraction ?? 0.25;
  if (typeof testFraction !== 'number' || !(testFraction > 0 && testFraction < 1)) {
    throw new Error(`${fn}: testFraction must be a number strictly between 0 and 1, got ${testFraction}`);
  }
  const nTest = Math.ceil(testFraction * n);
  if (nTest >= n) {
    throw new Error(`${fn}: testFraction ${testFraction} of ${n} examples leaves ${n - nTest} for training; use more examples or a smaller testFraction`);
  }
  const { seed } = options;
  if (seed !== undefined && !Number.isInteger(seed)) throw new Error(`${fn}: seed must be an integer, got ${seed}`);
  const order = st.shuffledIndices(n, seed);
  return st.tidy(() => {
    const testIdx = st.tensor(order.slice(0, nTest), [nTest], 'int32');
    const trainIdx = st.tensor(order.slice(nTest), [n - nTest], 'int32');
    return {
      xTrain: st.gather(x, trainIdx, 0),
      yTrain: st.gather(y, trainIdx, 0),
      xTest: st.gather(x, testIdx, 0),
      yTest: st.gather(y, testIdx, 0),
    };
  });
}
