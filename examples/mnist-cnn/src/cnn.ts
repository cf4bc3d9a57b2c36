/**
 * The MNIST convolutional network of this example: two Conv2D/MaxPooling2D blocks, then Dense
 * layers, built with `st.sequential` and trained with `fit`.
 */
import * as st from '@strata/core';
import { runClassifier, type ClassifierRunOptions, type ClassifierRunResult } from '@strata/example-common';
import { mnistTensors } from '@strata/datasets';

/**
 * Settings of a run; the defaults (4 epochs, batch 64, no validation split, seed 42, and those
 * below) reach ≥ 98.5% test accuracy.
 */
export interface CnnOptions extends ClassifierRunOptions {
  /** Filters of the first and second convolution (default 8 and 16). */
  filters?: readonly [number, number];
  /** Units of the hidden dense layer (default 64). */
  dense?: number;
  /** Adam's learning rate (default 0.001). */
  learningRate?: number;
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
export async function runMnistCnn(options: CnnOptions = {}): Promise<ClassifierRunResult> {
  return runClassifier({ load: mnistImages, createModel: () => createCnn(options), evaluateBatchSize: 500 },
    { epochs: 4, batchSize: 64, validationSplit: 0, ...options });
}
