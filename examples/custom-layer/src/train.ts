/**
 * Trains the subclassed {@link RbfNetwork} on the wine table, saves it with `model.save`, loads it
 * back with `st.loadModel` and checks that the copy predicts exactly the same.
 */
import * as st from '@strata/core';
import { undisposedCount } from '@strata/example-common';
import { loadWine, tableTensors, trainTestSplit } from '@strata/datasets';
import { RbfNetwork } from './rbf.js';

/** Settings of a run. */
export interface CustomLayerOptions {
  /** Directory to save the model in (a `file://` URL is made from it). */
  saveDir: string;
  /** Radial units (default 12). */
  centers?: number;
  /** Epochs of training (default 60). */
  epochs?: number;
  /** Wines per step (default 16). */
  batchSize?: number;
  /** Adam's learning rate (default 0.03). */
  learningRate?: number;
  /** Seed of the split, the initial weights and the shuffling (default 42). */
  seed?: number;
  /** 0 silent (default 2: one line per epoch). */
  verbose?: 0 | 2;
  /** Where messages go (default `console.log`). */
  log?: (line: string) => void;
}

/** What a run reports. */
export interface CustomLayerResult {
  trainCount: number;
  testCount: number;
  history: Record<string, number[]>;
  testLoss: number;
  testAccuracy: number;
  /** Test accuracy of the model loaded back from disk. */
  loadedTestAccuracy: number;
  /** Largest difference between the original's and the loaded copy's predicted probabilities. */
  maxPredictionDifference: number;
  /** Class name and weight names of the loaded model. */
  loadedClassName: string;
  loadedWeightNames: string[];
  /** The loss of one more epoch of training of the loaded copy (it comes back compiled). */
  loadedFurtherLoss: number;
  /** Tensors the run made and never disposed (still alive, or freed by the GC safety net); 0: no leak. */
  tensorsLeft: number;
}

/** Trains, evaluates, saves and reloads the model; frees everything it made. */
export async function runCustomLayer(options: CustomLayerOptions): Promise<CustomLayerResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const { centers = 12, epochs = 60, batchSize = 16, learningRate = 0.03, seed = 42, verbose = 2 } = options;
  await st.ready();
  const tensorsBefore = undisposedCount();
  const owned: st.Tensor[] = [];
  const models: st.Model[] = [];
  let result: Omit<CustomLayerResult, 'tensorsLeft'>;
  try {
    const wine = loadWine();
    const all = tableTensors(wine);
    owned.push(all.x, all.y);
    const { xTrain, yTrain, xTest, yTest } = trainTestSplit(all.x, all.y, { testFraction: 0.25, seed });
    owned.push(xTrain, yTrain, xTest, yTest);
    log(`Wine: ${wine.numSamples} wines, ${wine.numFeatures} features, ${wine.targetNames.length} cultivars; ` +
      `${xTrain.shape[0]} for training, ${xTest.shape[0]} for testing`);

    st.setSeed(seed);
    const model = new RbfNetwork({ inputDim: wine.numFeatures, centers, classes: wine.targetNames.length, name: 'rbf_network' });
    models.push(model);
    await model.standardize.adapt(xTrain);
    model.compile({ optimizer: st.optimizers.adam(learningRate), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    if (verbose > 0) model.summary(undefined, log);

    const history = await model.fit(xTrain, yTrain, { epochs, batchSize, seed, verbose: 0, callbacks: verbose > 0 ? [every(10, log)] : [] });
    const [testLoss, testAccuracy] = (await model.evaluate(xTest, yTest, { batchSize: 64 })) as number[];
    log(`Test accuracy: ${(testAccuracy! * 100).toFixed(1)}% (loss ${testLoss!.toFixed(4)})`);

    // Save: model.json (the topology: class 'RbfNetwork' and its getConfig) + the weights.
    const url = `file://${options.saveDir}`;
    await model.save(url);
    log(`Saved to ${url}`);

    // Load: the registry maps 'RbfNetwork' (and 'RBF' inside it) back to the classes.
    const loaded = await st.loadModel(url);
    models.push(loaded);
    const before = (await model.predict(xTest)) as st.Tensor;
    const after = (await loaded.predict(xTest)) as st.Tensor;
    owned.push(before, after);
    const diff = st.tidy(() => st.max(st.abs(st.sub(before, after))));
    const maxPredictionDifference = (await diff.data())[0]!;
    diff.dispose();
    const [, loadedTestAccuracy] = (await loaded.evaluate(xTest, yTest, { batchSize: 64 })) as number[];
    log(`Loaded ${loaded.getClassName()} '${loaded.name}': test accuracy ${(loadedTestAccuracy! * 100).toFixed(1)}%, ` +
      `largest difference in predicted probabilities ${maxPredictionDifference}`);

    // The training configuration was saved too, so the copy comes back compiled and can train on.
    const further = await loaded.fit(xTrain, yTrain, { epochs: 1, batchSize, seed, verbose: 0 });
    const loadedFurtherLoss = further.history['loss']![0]!;
    log(`One more epoch on the loaded copy: loss ${loadedFurtherLoss.toFixed(4)}`);

    result = {
      trainCount: xTrain.shape[0]!, testCount: xTest.shape[0]!, history: history.history,
      testLoss: testLoss!, testAccuracy: testAccuracy!, loadedTestAccuracy: loadedTestAccuracy!, maxPredictionDifference,
      loadedClassName: loaded.getClassName(), loadedWeightNames: loaded.allWeightRecords().map((w) => w.path),
      loadedFurtherLoss,
    };
  } finally {
    st.dispose(owned);
    for (const m of models) m.dispose();
  }
  return { ...result, tensorsLeft: undisposedCount() - tensorsBefore };
}

/** A callback that prints the logs every `n` epochs. */
function every(n: number, log: (line: string) => void): st.Callback {
  return st.callbacks.lambdaCallback({
    onEpochEnd: (epoch, logs) => {
      if ((epoch + 1) % n === 0 || epoch === 0) {
        log(`epoch ${String(epoch + 1).padStart(3)}: ${Object.entries(logs ?? {}).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(' - ')}`);
      }
    },
  });
}
