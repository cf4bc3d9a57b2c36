/**
 * Regression on the diabetes table: predict disease progression one year on from ten baseline
 * measurements. Normalization layers adapted to the training data standardize the inputs and
 * (inverted) put the output back in the target's units; EarlyStopping stops when the validation
 * loss stops improving and restores the best weights.
 */
import * as st from '@strata/core';
import { undisposedCount } from '@strata/example-common';
import { loadDiabetes, tableTensors, trainTestSplit } from '@strata/datasets';

/** Settings of a run. */
export interface RegressionOptions {
  /** Units of the hidden layer (default 8: the table is small). */
  hidden?: number;
  /** Most epochs to train; EarlyStopping usually ends sooner (default 500). */
  epochs?: number;
  /** EarlyStopping's patience in epochs (default 25). */
  patience?: number;
  /** Patients per step (default 32). */
  batchSize?: number;
  /** Adam's learning rate (default 0.003). */
  learningRate?: number;
  /** Fraction of patients kept aside as the test set (default 0.2). */
  testFraction?: number;
  /** Seed of the split, the weights and the shuffling (default 42). */
  seed?: number;
  /** Print a line every `logEvery` epochs (default 25; 0: silent). */
  logEvery?: number;
  /** Where messages go (default `console.log`). */
  log?: (line: string) => void;
}

/** What a run reports. */
export interface RegressionResult {
  trainCount: number;
  testCount: number;
  /** Test mean absolute error of the model, and of always predicting the training set's mean. */
  testMae: number;
  baselineMae: number;
  /** Test RMSE of the model and of the mean predictor. */
  testRmse: number;
  baselineRmse: number;
  /** Epochs run, and the (1-based) epoch whose weights were restored. */
  epochsRun: number;
  bestEpoch: number;
  /** The best validation loss, and the validation loss of the restored model (they match). */
  bestValLoss: number;
  restoredValLoss: number;
  history: Record<string, number[]>;
  /** Tensors the run made and never disposed (still alive, or freed by the GC safety net); 0: no leak. */
  tensorsLeft: number;
}

/** `normalize → dense (relu) → dense 1 → denormalize`; adapt both Normalization layers before training. */
export function createRegressor(features: number, hidden = 8): {
  model: st.Sequential; inputs: st.layers.Normalization; target: st.layers.Normalization;
} {
  const inputs = st.layers.normalization({ inputShape: [features], name: 'standardize_inputs' });
  // invert: maps the network's standardized output back to the target's units.
  const target = st.layers.normalization({ invert: true, name: 'target_units' });
  const model = st.sequential({
    name: 'diabetes_regressor',
    layers: [
      inputs,
      st.layers.dense({ units: hidden, activation: 'relu', name: 'hidden' }),
      st.layers.dense({ units: 1, name: 'standardized_output' }),
      target,
    ],
  });
  return { model, inputs, target };
}

/** Trains with early stopping and compares with the mean predictor; frees everything it made. */
export async function runRegression(options: RegressionOptions = {}): Promise<RegressionResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const {
    hidden = 8, epochs = 500, patience = 25, batchSize = 32, learningRate = 0.003, testFraction = 0.2, seed = 42, logEvery = 25,
  } = options;
  await st.ready();
  const before = undisposedCount();
  const owned: st.Tensor[] = [];
  let model: st.Sequential | null = null;
  let result: Omit<RegressionResult, 'tensorsLeft'>;
  try {
    // Raw units (age in years, sex 1/2, bmi, blood pressure, six serum measurements): the
    // Normalization layer learns the scaling from the training split only.
    const data = loadDiabetes({ scaled: false });
    const all = tableTensors(data);
    owned.push(all.x, all.y);
    const split = trainTestSplit(all.x, all.y, { testFraction, seed });
    owned.push(split.xTrain, split.yTrain, split.xTest, split.yTest);
    const yTrain = st.reshape(split.yTrain, [-1, 1]);
    const yTest = st.reshape(split.yTest, [-1, 1]);
    owned.push(yTrain, yTest);
    const trainCount = split.xTrain.shape[0]!;
    const testCount = split.xTest.shape[0]!;
    log(`Diabetes: ${data.numSamples} patients, features ${data.featureNames.join(', ')}; ${trainCount} for training, ${testCount} for testing`);

    st.setSeed(seed);
    const built = createRegressor(data.numFeatures, hidden);
    model = built.model;
    await built.inputs.adapt(split.xTrain);
    await built.target.adapt(yTrain);
    model.compile({ optimizer: st.optimizers.adam(learningRate), loss: 'meanSquaredError', metrics: ['mae'] });
    if (logEvery > 0) model.summary(undefined, log);

    const earlyStopping = st.callbacks.earlyStopping({ monitor: 'val_loss', patience, restoreBestWeights: true, verbose: logEvery > 0 ? 1 : 0 });
    const progress = st.callbacks.lambdaCallback({
      onEpochEnd: (epoch, logs) => {
        if (logEvery > 0 && ((epoch + 1) % logEvery === 0 || epoch === 0)) {
          const l = logs ?? {};
          log(`epoch ${String(epoch + 1).padStart(3)}: loss ${l['loss']!.toFixed(1)} - mae ${l['mae']!.toFixed(2)} - val_loss ${l['val_loss']!.toFixed(1)} - val_mae ${l['val_mae']!.toFixed(2)}`);
        }
      },
    });
    const history = await model.fit(split.xTrain, yTrain, {
      epochs, batchSize, seed, verbose: 0, validationSplit: 0.2, callbacks: [progress, earlyStopping],
    });
    const epochsRun = history.epoch.length;
    const bestEpoch = earlyStopping.bestEpoch + 1;
    const bestValLoss = earlyStopping.best!;

    // The restored weights give the best epoch's validation loss again (validationSplit holds
    // out the last 20% of the training rows, before shuffling).
    const nVal = Math.floor(trainCount * 0.2);
    const xVal = st.slice(split.xTrain, [trainCount - nVal, 0], [nVal, -1]);
    const yVal = st.slice(yTrain, [trainCount - nVal, 0], [nVal, 1]);
    owned.push(xVal, yVal);
    const restored = await model.evaluate(xVal, yVal, { batchSize: 128, returnDict: true });

    const test = await model.evaluate(split.xTest, yTest, { batchSize: 128, returnDict: true });
    // The mean predictor: always the mean target of the training set.
    const train = Array.from(await split.yTrain.data());
    const mean = train.reduce((a, b) => a + b, 0) / trainCount;
    const truth = Array.from(await split.yTest.data());
    const baselineMae = truth.reduce((a, y) => a + Math.abs(y - mean), 0) / testCount;
    const baselineRmse = Math.sqrt(truth.reduce((a, y) => a + (y - mean) ** 2, 0) / testCount);
    // RMSE from the predictions (as a check on predict; the test loss is the same MSE).
    const predicted = (await model.predict(split.xTest, { batchSize: 128 })) as st.Tensor;
    owned.push(predicted);
    const p = await predicted.data();
    const testRmse = Math.sqrt(truth.reduce((a, y, i) => a + (y - p[i]!) ** 2, 0) / testCount);

    result = {
      trainCount, testCount, testMae: test['mae']!, baselineMae, testRmse, baselineRmse,
      epochsRun, bestEpoch, bestValLoss, restoredValLoss: restored['loss']!, history: history.history,
    };
  } finally {
    st.dispose(owned);
    model?.dispose();
  }
  return { ...result, tensorsLeft: undisposedCount() - before };
}
