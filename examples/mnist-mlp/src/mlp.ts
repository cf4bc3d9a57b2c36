/**
 * The MNIST MLP of this example, written with the Keras-style API: `st.sequential`, `compile`,
 * `fit` (with its progress bar and a validation split) and `evaluate`.
 */
import * as st from '@strata/core';
import { mnistTensors, type MnistTensors } from '@strata/datasets';

/** Settings of a run; every field has the default that reaches ≥ 97.5% test accuracy. */
export interface MlpOptions {
  /** Units of the hidden layer (default 256). */
  hidden?: number;
  /** Dropout rate after the hidden layer (default 0.2). */
  dropout?: number;
  /** Adam's learning rate (default 0.001). */
  learningRate?: number;
  /** Epochs of training (default 5). */
  epochs?: number;
  /** Images per step (default 128). */
  batchSize?: number;
  /** Fraction of the training images held out for validation (default 0.1). */
  validationSplit?: number;
  /** Seed of the initial weights, dropout masks and shuffling (default 42). */
  seed?: number;
  /** Train on the first `limit` training images only (default: all 60,000). */
  limit?: number;
  /** Evaluate on the first `testLimit` test images only (default: all 10,000). */
  testLimit?: number;
  /** 0 silent, 1 progress bar (the default), 2 one line per epoch. */
  verbose?: 0 | 1 | 2;
  /** Where to save the trained model (`file://dir`), if anywhere. */
  save?: string;
  /** Where progress messages go (default `console.log`). */
  log?: (line: string) => void;
}

/** What a run reports. */
export interface MlpResult {
  /** The backend that ran it. */
  backend: string;
  testLoss: number;
  testAccuracy: number;
  testCount: number;
  /** The logs of each epoch (`loss`, `accuracy`, `val_loss`, `val_accuracy`). */
  history: Record<string, number[]>;
  /** Live buffers at the end of each epoch: must not change from epoch to epoch. */
  buffersPerEpoch: number[];
  /** Seconds `fit` took. */
  trainSeconds: number;
  /** Tensors the run made and never disposed (still alive, or freed by the GC safety net); 0: no leak. */
  tensorsLeft: number;
}

/** A compiled 784 → hidden (relu) → dropout → 10 (softmax) classifier. */
export function createMlp(options: Pick<MlpOptions, 'hidden' | 'dropout' | 'learningRate'> = {}): st.Sequential {
  const { hidden = 256, dropout = 0.2, learningRate = 1e-3 } = options;
  const model = st.sequential({
    name: 'mnist_mlp',
    layers: [
      st.layers.dense({ units: hidden, activation: 'relu', inputShape: [784], name: 'hidden' }),
      st.layers.dropout({ rate: dropout, name: 'dropout' }),
      st.layers.dense({ units: 10, activation: 'softmax', name: 'digits' }),
    ],
  });
  model.compile({ optimizer: st.optimizers.adam(learningRate), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

/**
 * Loads MNIST, trains the MLP, evaluates it on the test set, frees everything it made and reports
 * how many tensors it made and never disposed (0: nothing leaked).
 */
export async function runMnistMlp(options: MlpOptions = {}): Promise<MlpResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const { epochs = 5, batchSize = 128, validationSplit = 0.1, seed = 42, verbose = 1 } = options;
  const backend = await st.ready();
  const tensorsBefore = undisposedCount();
  let result: Omit<MlpResult, 'tensorsLeft'>;
  let train: MnistTensors | null = null;
  let test: MnistTensors | null = null;
  let model: st.Sequential | null = null;
  try {
    let t0 = performance.now();
    train = mnistTensors({ split: 'train', ...(options.limit === undefined ? {} : { limit: options.limit }) });
    test = mnistTensors({ split: 'test', ...(options.testLimit === undefined ? {} : { limit: options.testLimit }) });
    log(`MNIST: ${train.x.shape[0]} training and ${test.x.shape[0]} test images (loaded in ${seconds(performance.now() - t0)})`);

    st.setSeed(seed);
    model = createMlp(options);
    if (verbose > 0) model.summary(undefined, log);

    // fit must not grow memory from epoch to epoch: record the live buffers after each one.
    const buffersPerEpoch: number[] = [];
    const watchMemory = st.callbacks.lambdaCallback({ onEpochEnd: () => { buffersPerEpoch.push(st.memory().buffers); } });
    t0 = performance.now();
    const history = await model.fit(train.x, train.y, { epochs, batchSize, validationSplit, seed, verbose, callbacks: [watchMemory] });
    const trainSeconds = (performance.now() - t0) / 1000;

    const [testLoss, testAccuracy] = (await model.evaluate(test.x, test.y, { batchSize: 1000 })) as number[];
    if (options.save) {
      await model.save(options.save);
      log(`Saved the model to ${options.save}`);
    }
    result = {
      backend, testLoss: testLoss!, testAccuracy: testAccuracy!, testCount: test.x.shape[0]!,
      history: history.history, buffersPerEpoch, trainSeconds,
    };
  } finally {
    if (train) st.dispose([train.x, train.y]);
    if (test) st.dispose([test.x, test.y]);
    model?.dispose();
  }
  return { ...result, tensorsLeft: undisposedCount() - tensorsBefore };
}

/** Milliseconds as `12.3s`. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/**
 * Live tensors plus those the garbage-collection safety net had to free because nobody disposed
 * them: a count that only a leak can raise.
 */
function undisposedCount(): number {
  const m = st.memory();
  return m.tensors + m.collected;
}
