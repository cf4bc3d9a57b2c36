/**
 * Custom objects by name: a Loss registered with `st.registerClass('loss', ...)` is found by
 * `getLoss` / `compile({loss: 'Name'})`, and compile settings TensorFlow.js cannot read (AdamW, a
 * learning-rate schedule, a custom loss, loss weights) survive `saveModel` / `loadModel` while the
 * saved model.json still loads in TensorFlow.js.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as st from '@strata/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { randomSource, randomValues, useCpu } from './setup.js';

beforeAll(async () => {
  await useCpu();
  await tf.setBackend('cpu');
});

interface WeightedSquaredErrorArgs extends st.LossArgs {
  /** Multiplies every per-sample loss. */
  weight?: number;
}

/** weight · mean((yTrue − yPred)², last axis): a custom loss with a constructor option. */
class WeightedSquaredError extends st.Loss {
  static override readonly className = 'WeightedSquaredError';
  readonly weight: number;
  constructor(args: WeightedSquaredErrorArgs = {}) {
    super(args, 'weighted_squared_error');
    this.weight = args.weight ?? 1;
  }
  call(yTrue: st.Tensor, yPred: st.Tensor): st.Tensor {
    return st.tidy(() => st.mul(st.mean(st.square(st.sub(yTrue, yPred)), -1), this.weight));
  }
  override getConfig(): st.ConfigDict {
    return { ...super.getConfig(), weight: this.weight };
  }
}
st.registerClass('loss', WeightedSquaredError);

/** A registered optimizer that is not built in: SGD under another class name. */
class MySGD extends st.optimizers.SGD {
  static override readonly className = 'MySGD';
}
st.registerClass('optimizer', MySGD);

function tensorOf(shape: number[], seed: number): { values: number[]; tensor: st.Tensor } {
  const values = randomValues(randomSource(seed), shape.reduce((a, b) => a * b, 1), -1, 1);
  return { values, tensor: st.tensor(values, shape) };
}

/** The float64 oracle: weight · mean over samples of mean over the last axis of the squared error. */
function weightedSquaredErrorOracle(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, rows: number, cols: number, weight: number): number {
  let total = 0;
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let c = 0; c < cols; c++) {
      const d = yTrue[r * cols + c]! - yPred[r * cols + c]!;
      s += d * d;
    }
    total += (weight * s) / cols;
  }
  return total / rows;
}

function denseModel(seed: number): st.Sequential {
  st.setSeed(seed);
  return st.sequential([st.layers.dense({ units: 4, activation: 'tanh', inputShape: [3] }), st.layers.dense({ units: 2 })]);
}

async function lossAndOracle(model: st.Sequential, x: st.Tensor, y: { values: number[]; tensor: st.Tensor }, weight: number): Promise<[number, number]> {
  const reported = await model.evaluate(x, y.tensor, { batchSize: 16 }) as number;
  const pred = await model.predict(x) as st.Tensor;
  const oracle = weightedSquaredErrorOracle(y.values, await pred.data(), 16, 2, weight);
  pred.dispose();
  return [reported, oracle];
}

describe('custom losses by name', () => {
  it('getLoss finds a registered Loss by class name (any case/underscore spelling) and by {className, config}', () => {
    const byName = st.losses.getLoss('WeightedSquaredError');
    expect(byName).toBeInstanceOf(WeightedSquaredError);
    expect((byName as WeightedSquaredError).weight).toBe(1);
    expect(st.losses.getLoss('weighted_squared_error')).toBeInstanceOf(WeightedSquaredError);
    const byConfig = st.losses.getLoss({ className: 'WeightedSquaredError', config: { weight: 2.5, reduction: 'sum' } }) as WeightedSquaredError;
    expect(byConfig).toBeInstanceOf(WeightedSquaredError);
    expect(byConfig.weight).toBe(2.5);
    expect(byConfig.reduction).toBe('sum');
    // Built-in names still win and still work.
    expect(st.losses.getLoss('mse').getClassName()).toBe('MeanSquaredError');
  });

  it('an unknown loss name fails with the built-in and registered names', () => {
    let message = '';
    try {
      st.losses.getLoss('NoSuchLoss');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain("unknown loss 'NoSuchLoss'");
    expect(message).toContain('mean_squared_error');
    expect(message).toContain('WeightedSquaredError');
    expect(message).toContain("st.registerClass('loss'");
  });

  it('compile({loss: name}) trains with it, and evaluate matches a float64 oracle', async () => {
    const x = tensorOf([16, 3], 1).tensor;
    const y = tensorOf([16, 2], 2);
    const model = denseModel(3);
    model.compile({ optimizer: st.optimizers.sgd({ learningRate: 0.1 }), loss: 'WeightedSquaredError' });
    const [before, oracleBefore] = await lossAndOracle(model, x, y, 1);
    expect(before).toBeCloseTo(oracleBefore, 5);
    const history = await model.fit(x, y.tensor, { epochs: 8, batchSize: 16, verbose: 0, shuffle: false });
    const losses = history.history['loss']!;
    expect(losses.length).toBe(8);
    expect(losses[7]!).toBeLessThan(losses[0]!);
    const [after, oracleAfter] = await lossAndOracle(model, x, y, 1);
    expect(after).toBeLessThan(before);
    expect(Math.abs(after - oracleAfter)).toBeLessThan(1e-5 * (1 + oracleAfter));
    st.dispose([x, y.tensor]);
    model.dispose();
  });

  it('compile with {className, config} uses the configured option (per output, and as a built instance)', async () => {
    const x = tensorOf([16, 3], 4).tensor;
    const y = tensorOf([16, 2], 5);
    const id = { className: 'WeightedSquaredError', config: { weight: 3 } };
    const model = denseModel(6);
    model.compile({ optimizer: st.optimizers.sgd({ learningRate: 0.05 }), loss: id });
    const [before, oracleBefore] = await lossAndOracle(model, x, y, 3);
    expect(Math.abs(before - oracleBefore)).toBeLessThan(1e-5 * (1 + oracleBefore));
    const history = await model.fit(x, y.tensor, { epochs: 6, batchSize: 8, verbose: 0, shuffle: false });
    const losses = history.history['loss']!;
    expect(losses[5]!).toBeLessThan(losses[0]!);
    const [after, oracleAfter] = await lossAndOracle(model, x, y, 3);
    expect(after).toBeLessThan(before);
    expect(Math.abs(after - oracleAfter)).toBeLessThan(1e-5 * (1 + oracleAfter));
    // getLoss(id) gives the same loss as an instance.
    const twin = denseModel(6);
    twin.compile({ optimizer: st.optimizers.sgd({ learningRate: 0.05 }), loss: st.losses.getLoss(id) });
    const [twinLoss, twinOracle] = await lossAndOracle(twin, x, y, 3);
    expect(twinLoss).toBeCloseTo(twinOracle, 5);
    st.dispose([x, y.tensor]);
    model.dispose();
    twin.dispose();
  });
});

/** A two-output functional model of layers TensorFlow.js knows. */
function twoOutputs(seed: number): st.Functional {
  st.setSeed(seed);
  const a = st.input({ shape: [4], name: 'features' });
  const h = st.layers.dense({ units: 5, activation: 'tanh', name: 'hidden' }).apply(a);
  const o1 = st.layers.dense({ units: 2, name: 'reg' }).apply(h);
  const o2 = st.layers.dense({ units: 1, activation: 'sigmoid', name: 'cls' }).apply(h);
  return st.model({ inputs: a, outputs: [o1, o2] });
}

async function saveToMemory(model: st.Layer): Promise<st.io.ModelArtifacts> {
  let saved: st.io.ModelArtifacts | null = null;
  await st.io.saveModel(model, st.io.withSaveHandler(async (artifacts) => {
    saved = artifacts;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return saved!;
}

describe('training configuration of settings TensorFlow.js lacks', () => {
  const schedule = () => new st.optimizers.schedules.CosineDecay({ initialLearningRate: 0.05, decaySteps: 20, alpha: 0.1 });

  it('AdamW + CosineDecay + a custom loss + lossWeights on two outputs: saved, loaded compiled, trains', async () => {
    const model = twoOutputs(7);
    const optimizer = st.optimizers.adamw({ learningRate: schedule(), weightDecay: 0.01, beta1: 0.8 });
    model.compile({
      optimizer,
      loss: [new WeightedSquaredError({ weight: 2 }), 'binaryCrossentropy'],
      lossWeights: [0.7, 0.3],
      metrics: [['mae'], ['accuracy']],
    });
    const x = tensorOf([12, 4], 8).tensor;
    const y1 = tensorOf([12, 2], 9).tensor;
    const y2 = st.tensor(Array.from({ length: 12 }, (_, i) => i % 2), [12, 1]);
    await model.fit(x, [y1, y2], { epochs: 1, batchSize: 6, verbose: 0, shuffle: false });

    const artifacts = await saveToMemory(model);
    // Kept out of TensorFlow.js's trainingConfig (it would throw on AdamW and loss_weights) ...
    expect(artifacts.trainingConfig).toBeUndefined();
    // ... and stored as Strata's form in userDefinedMetadata, as plain JSON.
    const stored = JSON.parse(JSON.stringify(artifacts.userDefinedMetadata))[st.io.STRATA_TRAINING_CONFIG_KEY];
    expect(stored.optimizer_config.class_name).toBe('AdamW');
    expect(stored.optimizer_config.config.learningRate.className).toBe('CosineDecay');
    expect(stored.loss).toEqual([{ class_name: 'WeightedSquaredError', config: { name: 'weighted_squared_error', reduction: 'sumOverBatchSize', weight: 2 } }, 'binaryCrossentropy']);
    expect(stored.loss_weights).toEqual([0.7, 0.3]);
    expect(stored.metrics).toEqual([['mae'], ['accuracy']]);

    // Through JSON, as a model.json file would carry it.
    const loaded = await st.loadModel(st.io.fromMemory({ ...artifacts, userDefinedMetadata: JSON.parse(JSON.stringify(artifacts.userDefinedMetadata)) })) as st.Functional;
    const lo = loaded.optimizer!;
    expect(lo).not.toBeNull();
    expect(lo.getClassName()).toBe('AdamW');
    expect(lo.getConfig()).toEqual(optimizer.getConfig());
    expect(lo.schedule?.getClassName()).toBe('CosineDecay');
    expect(lo.schedule?.getConfig()).toEqual(optimizer.schedule!.getConfig());

    // Same losses and weights: the loaded model reports the same (weighted) total loss.
    const evalOriginal = await model.evaluate(x, [y1, y2], { batchSize: 12, returnDict: true });
    const evalLoaded = await loaded.evaluate(x, [y1, y2], { batchSize: 12, returnDict: true });
    expect(Object.keys(evalLoaded).sort()).toEqual(Object.keys(evalOriginal).sort());
    for (const k of Object.keys(evalOriginal)) expect(evalLoaded[k]!).toBeCloseTo(evalOriginal[k]!, 5);
    // And its saved settings are the same again.
    const again = await saveToMemory(loaded);
    expect(again.userDefinedMetadata).toEqual(artifacts.userDefinedMetadata);

    const history = await loaded.fit(x, [y1, y2], { epochs: 3, batchSize: 6, verbose: 0, shuffle: false });
    expect(history.history['loss']!.every(Number.isFinite)).toBe(true);
    expect(lo.iterations).toBe(6);

    // TensorFlow.js loads the same model.json (uncompiled: it lacks AdamW) without throwing.
    const tfModel = await tfl.loadLayersModel(tf.io.fromMemory(artifacts as tf.io.ModelArtifacts));
    expect(tfModel.outputNames).toEqual(['reg', 'cls']);
    expect(tfModel.getUserDefinedMetadata()).toEqual(artifacts.userDefinedMetadata);
    tfModel.dispose();

    st.dispose([x, y1, y2]);
    model.dispose();
    loaded.dispose();
  });

  it('each Strata optimizer (built-in or registered) round trips with its class and config', async () => {
    const optimizers: st.Optimizer[] = [
      st.optimizers.adamw({ learningRate: 0.003, weightDecay: 0.02 }),
      st.optimizers.nadam({ learningRate: 0.004 }),
      st.optimizers.lion({ learningRate: 0.0005, beta1: 0.85 }),
      st.optimizers.ftrl({ learningRate: 0.02 }),
      st.optimizers.adam({ learningRate: schedule() }),
      st.optimizers.sgd({ learningRate: 0.1, clipnorm: 1 }),
      new MySGD({ learningRate: 0.07, momentum: 0.5 }),
    ];
    for (const optimizer of optimizers) {
      const model = twoOutputs(11);
      model.compile({ optimizer, loss: { reg: 'WeightedSquaredError', cls: 'binary_crossentropy' }, lossWeights: { reg: 2, cls: 1 } });
      const artifacts = await saveToMemory(model);
      const loaded = await st.loadModel(st.io.fromMemory(artifacts)) as st.Functional;
      const name = optimizer.getClassName();
      expect(loaded.optimizer?.getClassName(), name).toBe(name);
      expect(loaded.optimizer!.getConfig(), name).toEqual(optimizer.getConfig());
      const stored = artifacts.userDefinedMetadata![st.io.STRATA_TRAINING_CONFIG_KEY] as { loss: unknown; loss_weights: unknown };
      expect(stored.loss).toEqual({ reg: 'WeightedSquaredError', cls: 'binary_crossentropy' });
      expect(stored.loss_weights).toEqual({ reg: 2, cls: 1 });
      // TensorFlow.js still loads it (uncompiled).
      const tfModel = await tfl.loadLayersModel(tf.io.fromMemory(artifacts as tf.io.ModelArtifacts));
      tfModel.dispose();
      model.dispose();
      loaded.dispose();
    }
  });

  it('settings TensorFlow.js knows are still written as trainingConfig, and TensorFlow.js compiles from them', async () => {
    const model = twoOutputs(12);
    model.compile({ optimizer: st.optimizers.adam({ learningRate: 0.01 }), loss: ['mse', 'binaryCrossentropy'], metrics: ['mae'] });
    const artifacts = await saveToMemory(model);
    expect(artifacts.userDefinedMetadata).toBeUndefined();
    expect(artifacts.trainingConfig!.loss).toEqual(['mean_squared_error', 'binary_crossentropy']);
    const tfModel = await tfl.loadLayersModel(tf.io.fromMemory(artifacts as tf.io.ModelArtifacts));
    expect(tfModel.optimizer.getClassName()).toBe('Adam');
    tfModel.dispose();
    const loaded = await st.loadModel(st.io.fromMemory(artifacts)) as st.Functional;
    expect(loaded.optimizer?.getClassName()).toBe('Adam');
    loaded.dispose();
    model.dispose();
  });

  it('a loss TensorFlow.js lacks (huber) or a custom loss name moves the settings to Strata\'s form', async () => {
    for (const loss of ['huber', 'WeightedSquaredError']) {
      const model = denseModel(13);
      model.compile({ optimizer: 'adam', loss });
      const artifacts = await saveToMemory(model);
      expect(artifacts.trainingConfig, loss).toBeUndefined();
      const tfModel = await tfl.loadLayersModel(tf.io.fromMemory(artifacts as tf.io.ModelArtifacts));
      tfModel.dispose();
      const loaded = await st.loadModel(st.io.fromMemory(artifacts)) as st.Sequential;
      expect(loaded.optimizer?.getClassName()).toBe('Adam');
      loaded.dispose();
      model.dispose();
    }
  });

  it('metrics per output (which TensorFlow.js cannot read) survive save and load in Strata\'s form', async () => {
    const input = st.input({ shape: [3] });
    const cls = st.layers.dense({ units: 2, activation: 'softmax', name: 'cls' }).apply(input);
    const reg = st.layers.dense({ units: 1, name: 'reg' }).apply(input);
    const model = st.model({ inputs: input, outputs: [cls, reg] });
    model.compile({ optimizer: 'adam', loss: ['sparseCategoricalCrossentropy', 'mse'], metrics: [['accuracy'], ['mae']] });
    const artifacts = await saveToMemory(model);
    expect(artifacts.trainingConfig).toBeUndefined();
    const loaded = await st.loadModel(st.io.fromMemory(artifacts));
    expect(loaded.compileArgs?.metrics).toEqual([['accuracy'], ['mae']]);
    expect(loaded.compileArgs?.loss).toEqual(['sparseCategoricalCrossentropy', 'mse']);
    loaded.dispose();
    model.dispose();
  });

  it('a loss given as a custom function cannot be stored: the model loads uncompiled', async () => {
    const model = denseModel(14);
    model.compile({ optimizer: 'adamw', loss: (a: st.Tensor, b: st.Tensor) => st.mean(st.abs(st.sub(a, b)), -1) });
    const artifacts = await saveToMemory(model);
    expect(artifacts.trainingConfig).toBeUndefined();
    expect(artifacts.userDefinedMetadata).toBeUndefined();
    const loaded = await st.loadModel(st.io.fromMemory(artifacts)) as st.Sequential;
    expect(loaded.optimizer).toBeNull();
    loaded.dispose();
    model.dispose();
  });
});
