/**
 * Transfer learning on MNIST: a CNN learns digits 0–4; its convolutional base is then
 * frozen (`trainable = false`) and reused under a new head for digits 5–9, trained on a few
 * labelled images; finally the base is unfrozen and everything is fine-tuned at a low learning
 * rate. A network trained from scratch on the same few images is the baseline.
 */
import * as st from '@strata/core';
import { undisposedCount } from '@strata/example-common';
import { loadMnist, MNIST_PIXELS } from '@strata/datasets';

/** Settings of a run. */
export interface TransferOptions {
  /** Training images of digits 0–4 for the base model (default: all 30,596). */
  baseSamples?: number;
  /** Epochs of the base model (default 2). */
  baseEpochs?: number;
  /** Labelled images of digits 5–9 for the new task (default 500). */
  newSamples?: number;
  /** Epochs of the new head on the frozen base, and of the from-scratch baseline (default 15). */
  headEpochs?: number;
  /** Epochs of fine-tuning the whole network (default 5). */
  fineTuneEpochs?: number;
  /** Learning rate of the base model and of the from-scratch baseline (default 0.001). */
  learningRate?: number;
  /** Learning rate of the new head on the frozen base: a fresh linear layer on fixed features learns faster with a higher one (default 0.01). */
  headLearningRate?: number;
  /** Learning rate of fine-tuning: low, so the pretrained features are adjusted, not destroyed (default 0.0001). */
  fineTuneLearningRate?: number;
  /** Images per step (default 64). */
  batchSize?: number;
  /** Test images used from each half (default: all, 5,139 of 0–4 and 4,861 of 5–9). */
  testSamples?: number;
  /** Seed of the weights and shuffling (default 42). */
  seed?: number;
  /** 0 silent; 1 progress bars (the default); 2 one line per epoch. */
  verbose?: 0 | 1 | 2;
  /** Where messages go (default `console.log`). */
  log?: (line: string) => void;
}

/** Accuracies at each stage, on the test images of the task concerned. */
export interface TransferResult {
  /** The base model on digits 0–4. */
  baseAccuracy: number;
  /** The new head on the frozen base, on digits 5–9. */
  frozenAccuracy: number;
  /** After unfreezing and fine-tuning, on digits 5–9. */
  fineTunedAccuracy: number;
  /** The same architecture trained from scratch on the same few images of 5–9. */
  scratchAccuracy: number;
  /** Whether the base's weights stayed exactly the same while it was frozen. */
  frozenBaseUnchanged: boolean;
  /** Whether fine-tuning changed the base's weights. */
  fineTuningChangedBase: boolean;
  /** Trainable parameters while frozen (the new head only) and when unfrozen (all). */
  trainableWhileFrozen: number;
  trainableWhenUnfrozen: number;
  seconds: { base: number; head: number; fineTune: number; scratch: number };
  /** Tensors the run made and never disposed (still alive, or freed by the GC safety net); 0: no leak. */
  tensorsLeft: number;
}

/** The convolutional base: 28×28×1 images → 400 features (5×5×16, flattened). */
export function createBase(name = 'base'): st.Sequential {
  return st.sequential({
    name,
    layers: [
      st.layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
      st.layers.maxPooling2d({ poolSize: 2 }),
      st.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu' }),
      st.layers.maxPooling2d({ poolSize: 2 }),
      st.layers.flatten({ name: `${name}_features` }),
    ],
  });
}

/** A classifier of five digits: `base` followed by a new head (dense 64 relu → dense 5 softmax). */
export function withHead(base: st.Sequential, headName: string): st.Functional {
  const image = st.input({ shape: [28, 28, 1], name: `${headName}_image` });
  const hidden = st.layers.dense({ units: 64, activation: 'relu', name: `${headName}_hidden` }).apply(base.apply(image));
  const probabilities = st.layers.dense({ units: 5, activation: 'softmax', name: headName }).apply(hidden);
  return st.model({ inputs: image, outputs: probabilities, name: `${headName}_model` });
}

/** Images `[n, 28, 28, 1]` and labels − `offset` of the examples whose digit is in [offset, offset + 5). */
function digits(split: 'train' | 'test', offset: 0 | 5, limit: number | undefined): { x: st.Tensor; y: st.Tensor } {
  const { images, labels, count } = loadMnist({ split });
  const picked: number[] = [];
  for (let i = 0; i < count && (limit === undefined || picked.length < limit); i++) {
    if (labels[i]! >= offset && labels[i]! < offset + 5) picked.push(i);
  }
  const x = new Float32Array(picked.length * MNIST_PIXELS);
  const y = new Int32Array(picked.length);
  picked.forEach((src, i) => {
    x.set(images.subarray(src * MNIST_PIXELS, (src + 1) * MNIST_PIXELS), i * MNIST_PIXELS);
    y[i] = labels[src]! - offset;
  });
  return { x: st.tensor(x, [picked.length, 28, 28, 1]), y: st.tensor(y, [picked.length], 'int32') };
}

async function snapshot(model: st.Layer): Promise<Float32Array[]> {
  const copies = model.getWeights();
  const values = await Promise.all(copies.map(async (t) => Float32Array.from(await t.data())));
  st.dispose(copies);
  return values;
}

function same(a: Float32Array[], b: Float32Array[]): boolean {
  return a.length === b.length && a.every((w, i) => w.length === b[i]!.length && w.every((v, j) => v === b[i]![j]));
}

function compile(model: st.Model, learningRate: number): void {
  model.compile({ optimizer: st.optimizers.adam(learningRate), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
}

async function accuracy(model: st.Model, data: { x: st.Tensor; y: st.Tensor }): Promise<number> {
  const logs = await model.evaluate(data.x, data.y, { batchSize: 500, returnDict: true });
  return logs['accuracy']!;
}

/** Runs the three stages and the baseline; frees everything it made. */
export async function runTransfer(options: TransferOptions = {}): Promise<TransferResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const {
    baseEpochs = 2, newSamples = 500, headEpochs = 15, fineTuneEpochs = 5, learningRate = 1e-3, headLearningRate = 1e-2,
    fineTuneLearningRate = 1e-4, batchSize = 64, seed = 42, verbose = 1,
  } = options;
  await st.ready();
  const before = undisposedCount();
  const owned: st.Tensor[] = [];
  const models: st.Model[] = [];
  const track = <T extends { x: st.Tensor; y: st.Tensor }>(d: T): T => (owned.push(d.x, d.y), d);
  let result: Omit<TransferResult, 'tensorsLeft'>;
  try {
    const oldTrain = track(digits('train', 0, options.baseSamples));
    const oldTest = track(digits('test', 0, options.testSamples));
    const newTrain = track(digits('train', 5, newSamples));
    const newTest = track(digits('test', 5, options.testSamples));
    log(`Digits 0–4: ${oldTrain.x.shape[0]} training, ${oldTest.x.shape[0]} test images. ` +
      `Digits 5–9: ${newTrain.x.shape[0]} labelled training images, ${newTest.x.shape[0]} test images.`);
    // Progress bars for the long stage (the base); the short stages print their result only.
    const fitArgs = (epochs: number, progress = false) => ({ epochs, batchSize, seed, verbose: progress ? verbose : 0 });
    const lastLogs = (h: st.callbacks.History) => `final epoch: loss ${h.history['loss']!.at(-1)!.toFixed(4)}, accuracy ${pct(h.history['accuracy']!.at(-1)!)}`;
    const time = async (fn: () => Promise<st.callbacks.History>) => {
      const t0 = performance.now();
      const history = await fn();
      return { history, seconds: (performance.now() - t0) / 1000 };
    };

    // Stage 1: the base model learns digits 0–4.
    log('\n1. Train a CNN on digits 0–4');
    st.setSeed(seed);
    const base = createBase();
    const oldModel = withHead(base, 'digits_0_to_4');
    models.push(oldModel);
    compile(oldModel, learningRate);
    if (verbose > 0) oldModel.summary(undefined, log);
    const { seconds: baseSeconds } = await time(() => oldModel.fit(oldTrain.x, oldTrain.y, fitArgs(baseEpochs, true)));
    const baseAccuracy = await accuracy(oldModel, oldTest);
    log(`Digits 0–4 test accuracy: ${pct(baseAccuracy)}`);

    // Stage 2: freeze the base, put a new head on it, train the head on a few images of 5–9.
    log(`\n2. Freeze the base; train a new head on ${newTrain.x.shape[0]} images of digits 5–9`);
    base.trainable = false;
    const newModel = withHead(base, 'digits_5_to_9');
    models.push(newModel);
    compile(newModel, headLearningRate);
    const trainableWhileFrozen = countOf(newModel.trainableWeights);
    log(`Trainable parameters: ${trainableWhileFrozen} (the head) of ${newModel.countParams()}`);
    const baseBefore = await snapshot(base);
    const head = await time(() => newModel.fit(newTrain.x, newTrain.y, fitArgs(headEpochs)));
    log(`${headEpochs} epochs in ${head.seconds.toFixed(1)}s, ${lastLogs(head.history)}`);
    const frozenBaseUnchanged = same(baseBefore, await snapshot(base));
    const frozenAccuracy = await accuracy(newModel, newTest);
    log(`Digits 5–9 test accuracy with the frozen base: ${pct(frozenAccuracy)} (base weights unchanged: ${frozenBaseUnchanged ? 'yes' : 'NO'})`);

    // Stage 3: unfreeze and fine-tune everything at a low learning rate (recompile after changing trainable).
    log(`\n3. Unfreeze the base and fine-tune everything at learning rate ${fineTuneLearningRate}`);
    base.trainable = true;
    // compile makes a new optimizer; the old one's state (Adam's moments) is freed here.
    const headOptimizer = newModel.optimizer;
    compile(newModel, fineTuneLearningRate);
    headOptimizer?.dispose();
    const trainableWhenUnfrozen = countOf(newModel.trainableWeights);
    log(`Trainable parameters: ${trainableWhenUnfrozen}`);
    const fineTune = await time(() => newModel.fit(newTrain.x, newTrain.y, fitArgs(fineTuneEpochs)));
    log(`${fineTuneEpochs} epochs in ${fineTune.seconds.toFixed(1)}s, ${lastLogs(fineTune.history)}`);
    const fineTuningChangedBase = !same(baseBefore, await snapshot(base));
    const fineTunedAccuracy = await accuracy(newModel, newTest);
    log(`Digits 5–9 test accuracy after fine-tuning: ${pct(fineTunedAccuracy)}`);

    // Baseline: the same network from scratch on the same few images, for as many epochs as stages 2 and 3 together.
    log(`\nBaseline: the same network trained from scratch on the ${newTrain.x.shape[0]} images of 5–9`);
    const scratch = withHead(createBase('scratch_base'), 'scratch_5_to_9');
    models.push(scratch);
    compile(scratch, learningRate);
    const fromScratch = await time(() => scratch.fit(newTrain.x, newTrain.y, fitArgs(headEpochs + fineTuneEpochs)));
    log(`${headEpochs + fineTuneEpochs} epochs in ${fromScratch.seconds.toFixed(1)}s, ${lastLogs(fromScratch.history)}`);
    const scratchAccuracy = await accuracy(scratch, newTest);
    log(`Digits 5–9 test accuracy from scratch: ${pct(scratchAccuracy)}`);

    result = {
      baseAccuracy, frozenAccuracy, fineTunedAccuracy, scratchAccuracy, frozenBaseUnchanged, fineTuningChangedBase,
      trainableWhileFrozen, trainableWhenUnfrozen,
      seconds: { base: baseSeconds, head: head.seconds, fineTune: fineTune.seconds, scratch: fromScratch.seconds },
    };
  } finally {
    st.dispose(owned);
    // Disposing a model frees its weights, its sub-models' and its optimizer state; the shared
    // base is freed by the first model and skipped by the second (disposing twice is harmless).
    for (const m of models) m.dispose();
  }
  return { ...result, tensorsLeft: undisposedCount() - before };
}

function countOf(weights: readonly st.Tensor[]): number {
  return weights.reduce((n, w) => n + w.size, 0);
}

function pct(v: number): string {
  return `${(v * 100).toFixed(2)}%`;
}
