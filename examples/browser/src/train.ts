/**
 * The models the page can train and the training run itself, free of DOM code: `main.ts` passes
 * hooks that draw.
 */
import * as st from '@strata/core';
import type { MnistSplit } from './mnist.js';

export type ModelKind = 'cnn' | 'mlp';

/** Settings of one run; {@link DEFAULT_SETTINGS} is what the page and its test use. */
export interface TrainSettings {
  readonly model: ModelKind;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
}

export const DEFAULT_SETTINGS: TrainSettings = { model: 'cnn', epochs: 3, batchSize: 64, learningRate: 3e-3, seed: 42 };

/** A compiled model for `[n, 28, 28, 1]` images and 10 classes. */
export function createModel(kind: ModelKind, learningRate: number): st.Sequential {
  const layers = kind === 'cnn'
    ? [
      // conv 3×3 ×8 (relu) → max-pool 2×2 → dense 10: small enough for a software GPU.
      st.layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1], name: 'conv' }),
      st.layers.maxPooling2d({ poolSize: 2, name: 'pool' }),
      st.layers.flatten({ name: 'flatten' }),
      st.layers.dense({ units: 10, activation: 'softmax', name: 'digits' }),
    ]
    : [
      st.layers.flatten({ inputShape: [28, 28, 1], name: 'flatten' }),
      st.layers.dense({ units: 64, activation: 'relu', name: 'hidden' }),
      st.layers.dense({ units: 10, activation: 'softmax', name: 'digits' }),
    ];
  const model = st.sequential({ name: `mnist_${kind}`, layers });
  model.compile({ optimizer: st.optimizers.adam(learningRate), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

/** What the page shows while training. */
export interface TrainHooks {
  onEpochBegin(epoch: number): void;
  /**
   * After every batch: that batch's loss, and the loss `fit` reports (as in Keras, the mean over
   * the epoch so far, weighted by batch size).
   */
  onBatchEnd(batchLoss: number, epochMean: number): void;
}

export interface TrainResult {
  readonly testLoss: number;
  readonly testAccuracy: number;
  readonly trainSeconds: number;
  /** Predicted class of each of the first `previewCount` test images. */
  readonly predictions: readonly number[];
}

export async function train(trainSet: MnistSplit, testSet: MnistSplit, settings: TrainSettings, hooks: TrainHooks, previewCount: number): Promise<TrainResult> {
  st.setSeed(settings.seed);
  const model = createModel(settings.model, settings.learningRate);
  try {
    // fit reports running means; the batch's own loss is recovered from two consecutive means
    // and the sample counts behind them.
    let seen = 0;
    let previousMean = 0;
    let batchSize = 0;
    const started = performance.now();
    await model.fit(trainSet.x, trainSet.y, {
      epochs: settings.epochs,
      batchSize: settings.batchSize,
      seed: settings.seed,
      verbose: 0,
      callbacks: [new st.callbacks.LambdaCallback({
        onEpochBegin: (epoch) => {
          seen = 0;
          previousMean = 0;
          hooks.onEpochBegin(epoch);
        },
        onBatchBegin: (_batch, logs) => {
          batchSize = logs?.['size'] ?? settings.batchSize;
        },
        onBatchEnd: (_batch, logs) => {
          const mean = logs?.['loss'] ?? Number.NaN;
          const batchLoss = ((seen + batchSize) * mean - seen * previousMean) / batchSize;
          seen += batchSize;
          previousMean = mean;
          hooks.onBatchEnd(batchLoss, mean);
        },
      })],
    });
    const trainSeconds = (performance.now() - started) / 1000;
    const [testLoss, testAccuracy] = await model.evaluate(testSet.x, testSet.y, { batchSize: 250, verbose: 0 }) as number[];
    const preview = st.slice(testSet.x, [0, 0, 0, 0], [previewCount, 28, 28, 1]);
    const probs = await model.predict(preview, { verbose: 0 }) as st.Tensor;
    const classes = st.argMax(probs, -1);
    const predictions = Array.from(await classes.data());
    st.dispose([preview, probs, classes]);
    return { testLoss: testLoss!, testAccuracy: testAccuracy!, trainSeconds, predictions };
  } finally {
    model.dispose();
  }
}
