/**
 * The MNIST convolutional network of this example: two Conv2D/MaxPooling2D blocks, then Dense
 * layers, built with `st.sequential` and trained with `fit`.
 */
import * as st from '@strata/core';
import { mnistTensors } from '@strata/datasets';

/** Settings of a run; every field has the default that reaches ≥ 98.5% test accuracy. */
export interface CnnOptions {
  /** Filters of the first and second convolution (default 8 and 16). */
  filters?: readonly [number, number];
  /** Units of the hidden dense layer (default 64). */
  dense?: number;
  /** Adam's learning rate (default 0.001). */
  learningRate?: number;
  /** Epochs of training (default 4). */
  epochs?: number;
  /** Images per step (default 64). */
  batchSize?: number;
  /** Fraction of the training images held out for validation (default 0: train on all 60,000). */
  validationSplit?: number;
  /** Seed of the initial weights and shuffling (default 42). */
  seed?: number;
  /** Train on the first `limit` training images only (default: all 60,000). */
  limit?: number;
  /** Evaluate on the first `testLimit` test images only (default: all 10,000). */
  testLimit?: number;
  /** 0 silent, 1 progress bar (the default), 2 one line per epoch. */
  verbose?: 0 | 1 | 2;
  /** Where to save the trained model (`file://dir`), if anywhere. */
  save?: string;
  /** Where messages go (default `console.log`). */
  log?: (line: string) => void;
}

/** What a run reports. */
export interface CnnResult {
  backend: string;
  testLoss: number;
  testAccuracy: number;
  testCount: number;
  history: Record<string, number[]>;
  /** Seconds each epoch took. */
  epochSeconds: number[];
  /** Live buffers at the end of each epoch: must not change from epoch to epoch. */
  buffersPerEpoch: number[];
  trainSeconds: number;
  /** Tensors the run made and never disposed (still alive, or freed by the GC safety net); 0: no leak. */
  tensorsLeft: number;
}

/**
 * A compiled CNN for 28×28×1 images:
 * conv 3×3 (relu) → max-pool 2×2 → conv 3×3 (relu) → max-pool 2×2 → flatten → dense (relu) → dense 10 (softmax).
 */
export function createCnn(options: Pick<CnnOptions, 'filters' | 'dense' | 'learningRate'> = {}): st.Sequential {
  const { filters = [8, 16], dense = 64, learningRate = 1e-3 } = options;
  const model = st.sequential({
    name: 'mnist_cnn',
    layers: [
      st.layers.conv2d({ filters: filters[0], kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1], name: 'conv1' }),
      st.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }),
      st.layers.conv2d({ filters: filters[1], kernelSize: 3, activation: 'relu', name: 'conv2' }),
      st.layers.maxPooling2d({ poolSize: 2, name: 'pool2' }),
      st.layers.flatten({ name: 'flatten' }),
      st.layers.dense({ units: dense, activation: 'relu', name: 'hidden' }),
      st.layers.dense({ units: 10, activation: 'softmax', name: 'digits' }),
    ],
  });
  model.compile({ optimizer: st.optimizers.adam(learningRate), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

/** MNIST images as `[count, 28, 28, 1]` (channels last) and their labels; the caller disposes them. */
export function mnistImages(split: 'train' | 'test', limit?: number): { x: st.Tensor; y: st.Tensor } {
  const flat = mnistTensors({ split, ...(limit === undefined ? {} : { limit }) });
  const x = st.reshape(flat.x, [flat.x.shape[0]!, 28, 28, 1]);
  flat.x.dispose(); // reshape shares the storage, so the buffer lives on in x
  return { x, y: flat.y };
}

/**
 * Loads MNIST, trains the CNN, evaluates it on the test set, frees everything it made and
 * reports how many tensors it made and never disposed (0: nothing leaked).
 */
export async function runMnistCnn(options: CnnOptions = {}): Promise<CnnResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const { epochs = 4, batchSize = 64, validationSplit = 0, seed = 42, verbose = 1 } = options;
  const backend = await st.ready();
  const tensorsBefore = undisposedCount();
  let result: Omit<CnnResult, 'tensorsLeft'>;
  let train: { x: st.Tensor; y: st.Tensor } | null = null;
  let test: { x: st.Tensor; y: st.Tensor } | null = null;
  let model: st.Sequential | null = null;
  try {
    let t0 = performance.now();
    train = mnistImages('train', options.limit);
    test = mnistImages('test', options.testLimit);
    log(`MNIST: ${train.x.shape[0]} training and ${test.x.shape[0]} test images (loaded in ${((performance.now() - t0) / 1000).toFixed(1)}s)`);

    st.setSeed(seed);
    model = createCnn(options);
    if (verbose > 0) model.summary(undefined, log);

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
    const [testLoss, testAccuracy] = (await model.evaluate(test.x, test.y, { batchSize: 500 })) as number[];
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

/**
 * Live tensors plus those the garbage-collection safety net had to free because nobody disposed
 * them: a count that only a leak can raise.
 */
function undisposedCount(): number {
  const m = st.memory();
  return m.tensors + m.collected;
}
