/**
 * One supervised run of an image classifier, as the MNIST examples do it: load the data, build the
 * model from a seed, `fit` while watching memory, evaluate on the test set, optionally save, and
 * free everything — reporting how many tensors were never disposed.
 */
import * as st from '@strata/core';
import { undisposedCount } from './engine.js';
import type { ClassifierRun } from './report.js';

/** Images and labels of one split; the caller disposes them. */
export interface LabelledData {
  readonly x: st.Tensor;
  readonly y: st.Tensor;
}

/** Settings shared by the MNIST examples (each example gives its own defaults). */
export interface ClassifierRunOptions {
  /** Epochs of training. */
  epochs?: number;
  /** Images per step. */
  batchSize?: number;
  /** Fraction of the training images held out for validation (0: none). */
  validationSplit?: number;
  /** Seed of the initial weights, dropout masks and shuffling (default 42). */
  seed?: number;
  /** Train on the first `limit` training images only (default: all). */
  limit?: number;
  /** Evaluate on the first `testLimit` test images only (default: all). */
  testLimit?: number;
  /** 0 silent, 1 progress bar (the default), 2 one line per epoch. */
  verbose?: 0 | 1 | 2;
  /** Where to save the trained model (`file://dir`), if anywhere. */
  save?: string;
  /** Where progress messages go (default `console.log`). */
  log?: (line: string) => void;
}

/** What a run reports. */
export interface ClassifierRunResult extends ClassifierRun {
  /** The backend that ran it. */
  readonly backend: string;
  /** The logs of each epoch (`loss`, `accuracy`, and `val_…` with a validation split). */
  readonly history: Record<string, number[]>;
  /** Seconds each epoch took. */
  readonly epochSeconds: number[];
  /** Seconds `fit` took. */
  readonly trainSeconds: number;
}

/** How to get the data and the compiled model of one example. */
export interface ClassifierRunSpec {
  load(split: 'train' | 'test', limit: number | undefined): LabelledData;
  /** Builds and compiles the model (called after the seed is set). */
  createModel(): st.Model;
  /** Images per evaluation step. */
  evaluateBatchSize: number;
}

/** Runs `spec` with `options` (whose defaults the caller has filled in). */
export async function runClassifier(spec: ClassifierRunSpec, options: ClassifierRunOptions): Promise<ClassifierRunResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const { epochs = 1, batchSize = 32, validationSplit = 0, seed = 42, verbose = 1 } = options;
  const backend = await st.ready();
  const tensorsBefore = undisposedCount();
  let result: Omit<ClassifierRunResult, 'tensorsLeft'>;
  let train: LabelledData | null = null;
  let test: LabelledData | null = null;
  let model: st.Model | null = null;
  try {
    let t0 = performance.now();
    train = spec.load('train', options.limit);
    test = spec.load('test', options.testLimit);
    log(`MNIST: ${train.x.shape[0]} training and ${test.x.shape[0]} test images (loaded in ${seconds(performance.now() - t0)})`);

    st.setSeed(seed);
    model = spec.createModel();
    if (verbose > 0) model.summary(undefined, log);

    // fit must not grow memory from epoch to epoch: record the live buffers after each one.
    const buffersPerEpoch: number[] = [];
    const epochSeconds: number[] = [];
    let epochStart = 0;
    const watch = st.callbacks.lambdaCallback({
      onEpochBegin: () => { epochStart = performance.now(); },
      onEpochEnd: () => {
        epochSeconds.push((performance.now() - epochStart) / 1000);
        buffersPerEpoch.push(st.memory().buffers);
      },
    });
    t0 = performance.now();
    const history = await model.fit(train.x, train.y, {
      epochs, batchSize, seed, verbose, callbacks: [watch], ...(validationSplit > 0 ? { validationSplit } : {}),
    });
    const trainSeconds = (performance.now() - t0) / 1000;

    const [testLoss, testAccuracy] = (await model.evaluate(test.x, test.y, { batchSize: spec.evaluateBatchSize })) as number[];
    if (options.save) {
      await model.save(options.save);
      log(`Saved the model to ${options.save}`);
    }
    result = {
      backend, testLoss: testLoss!, testAccuracy: testAccuracy!, testCount: test.x.shape[0]!,
      history: history.history, epochSeconds, buffersPerEpoch, trainSeconds,
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
