/**
 * A functional model with two inputs and two outputs on the Palmer penguins table: from a
 * penguin's bill and flipper measurements (one input) and its island and sex (another input), it
 * predicts the species (a class) and the body mass (a number) at once, with one loss per output,
 * per-output metrics and loss weights.
 */
import * as st from '@strata/core';
import { undisposedCount } from '@strata/example-common';
import { loadPenguins, tableTensors, trainTestSplit } from '@strata/datasets';

/** Settings of a run. */
export interface MultiIoOptions {
  /** Epochs of training (default 100). */
  epochs?: number;
  /** Penguins per step (default 32). */
  batchSize?: number;
  /** Adam's learning rate (default 0.01). */
  learningRate?: number;
  /** Weight of the mass loss in the total loss; the species loss has weight 1 (default 0.5). */
  massLossWeight?: number;
  /** Units of the shared hidden layers (default 16). */
  units?: number;
  /** Fraction of the penguins kept aside as the test set (default 0.2). */
  testFraction?: number;
  /** Seed of the split, the initial weights and the shuffling (default 42). */
  seed?: number;
  /** Print a line every `logEvery` epochs (default 25; 0: silent). */
  logEvery?: number;
  /** Where messages go (default `console.log`). */
  log?: (line: string) => void;
}

/** What a run reports. */
export interface MultiIoResult {
  trainCount: number;
  testCount: number;
  /** Test logs by name: `loss`, `species_loss`, `mass_loss`, `species_accuracy`, `mass_mae`. */
  test: st.Logs;
  /** Accuracy of always guessing the most common species of the training set. */
  baselineAccuracy: number;
  /** Mean absolute error (kg) of always guessing the training set's mean mass. */
  baselineMae: number;
  history: Record<string, number[]>;
  /** Predictions for the first test penguins: species probabilities and mass (kg), with the truth. */
  examples: { species: string; predictedSpecies: string; probability: number; massKg: number; predictedMassKg: number }[];
  /** Tensors the run made and never disposed (still alive, or freed by the GC safety net); 0: no leak. */
  tensorsLeft: number;
}

/** Columns of `loadPenguins()` (one-hot encoding): 0–2 measurements, 3 body mass, 4–8 island and sex. */
const MEASUREMENTS = [0, 3] as const; // begin, size
const MASS_COLUMN = 3;
const CONTEXT = [4, 5] as const;

/**
 * The two-input, two-output model. `measurements` is standardized by a Normalization layer that
 * must be adapted to the training data before fitting.
 */
export function createModel(units = 16): { model: st.Functional; normalizer: st.layers.Normalization } {
  const measurements = st.input({ shape: [3], name: 'measurements' });
  const context = st.input({ shape: [5], name: 'context' });
  const normalizer = st.layers.normalization({ name: 'standardize' });
  const body = st.layers.dense({ units, activation: 'relu', name: 'body' }).apply(normalizer.apply(measurements));
  const merged = st.layers.concatenate({ name: 'merge' }).apply([body, context]);
  const shared = st.layers.dense({ units, activation: 'relu', name: 'shared' }).apply(merged);
  const species = st.layers.dense({ units: 3, activation: 'softmax', name: 'species' }).apply(shared);
  const mass = st.layers.dense({ units: 1, name: 'mass' }).apply(shared);
  const model = st.model({ inputs: [measurements, context], outputs: [species, mass], name: 'penguins' });
  return { model, normalizer };
}

/** The inputs and targets of a set of penguins, split from the table's columns. */
interface Split {
  measurements: st.Tensor;
  context: st.Tensor;
  species: st.Tensor;
  /** Body mass in kg, `[n, 1]`. */
  mass: st.Tensor;
}

function columns(x: st.Tensor, y: st.Tensor): Split {
  return st.tidy(() => {
    const n = x.shape[0]!;
    return {
      measurements: st.slice(x, [0, MEASUREMENTS[0]], [n, MEASUREMENTS[1]]),
      context: st.slice(x, [0, CONTEXT[0]], [n, CONTEXT[1]]),
      species: y,
      mass: st.div(st.slice(x, [0, MASS_COLUMN], [n, 1]), 1000),
    };
  });
}

/** Trains and evaluates the model; frees everything it made. */
export async function runMultiIo(options: MultiIoOptions = {}): Promise<MultiIoResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const { epochs = 100, batchSize = 32, learningRate = 0.01, massLossWeight = 0.5, units = 16, testFraction = 0.2, seed = 42, logEvery = 25 } = options;
  await st.ready();
  const tensorsBefore = undisposedCount();
  const data = loadPenguins();
  const owned: st.Tensor[] = [];
  let model: st.Functional | null = null;
  let result: Omit<MultiIoResult, 'tensorsLeft'>;
  try {
    const all = tableTensors(data);
    owned.push(all.x, all.y);
    const split = trainTestSplit(all.x, all.y, { testFraction, seed });
    owned.push(split.xTrain, split.yTrain, split.xTest, split.yTest);
    const train = columns(split.xTrain, split.yTrain);
    const test = columns(split.xTest, split.yTest);
    owned.push(train.measurements, train.context, train.mass, test.measurements, test.context, test.mass);
    const trainCount = split.xTrain.shape[0]!;
    const testCount = split.xTest.shape[0]!;
    log(`Penguins: ${data.numSamples} complete rows (${data.droppedRows} dropped), ${trainCount} for training, ${testCount} for testing`);

    st.setSeed(seed);
    const built = createModel(units);
    model = built.model;
    await built.normalizer.adapt(train.measurements);
    model.compile({
      optimizer: st.optimizers.adam(learningRate),
      // One loss per output, by output name; the total is species_loss + massLossWeight × mass_loss.
      loss: { species: 'sparseCategoricalCrossentropy', mass: 'meanSquaredError' },
      metrics: { species: ['accuracy'], mass: ['mae'] },
      lossWeights: { species: 1, mass: massLossWeight },
    });
    if (logEvery > 0) {
      model.summary(undefined, log);
      log(`Inputs: ${model.inputNames.join(', ')}; outputs: ${model.outputNames.join(', ')}`);
    }

    const progress = st.callbacks.lambdaCallback({
      onEpochEnd: (epoch, logs) => {
        if (logEvery > 0 && ((epoch + 1) % logEvery === 0 || epoch === 0)) {
          const l = logs ?? {};
          log(`epoch ${String(epoch + 1).padStart(3)}: loss ${fmt(l['loss'])} (species ${fmt(l['species_loss'])}, mass ${fmt(l['mass_loss'])}) ` +
            `species_accuracy ${fmt(l['species_accuracy'])} mass_mae ${fmt(l['mass_mae'])} kg | ` +
            `val_species_accuracy ${fmt(l['val_species_accuracy'])} val_mass_mae ${fmt(l['val_mass_mae'])} kg`);
        }
      },
    });
    const history = await model.fit(
      { measurements: train.measurements, context: train.context },
      { species: train.species, mass: train.mass },
      { epochs, batchSize, seed, verbose: 0, validationSplit: 0.2, callbacks: [progress] },
    );
    const testLogs = await model.evaluate(
      { measurements: test.measurements, context: test.context },
      { species: test.species, mass: test.mass },
      { batchSize: 128, returnDict: true },
    );

    // Baselines that ignore the inputs: the most common species, the mean mass (from the training set).
    const trainSpecies = Array.from(await train.species.data());
    const counts = [0, 0, 0];
    for (const s of trainSpecies) counts[s]!++;
    const majority = counts.indexOf(Math.max(...counts));
    const testSpecies = Array.from(await test.species.data());
    const baselineAccuracy = testSpecies.filter((s) => s === majority).length / testCount;
    const trainMass = Array.from(await train.mass.data());
    const meanMass = trainMass.reduce((a, b) => a + b, 0) / trainCount;
    const testMass = Array.from(await test.mass.data());
    const baselineMae = testMass.reduce((a, m) => a + Math.abs(m - meanMass), 0) / testCount;

    // A few predictions, to show the two outputs.
    const shown = Math.min(5, testCount);
    const first = st.tidy(() => ({
      measurements: st.slice(test.measurements, [0, 0], [shown, -1]),
      context: st.slice(test.context, [0, 0], [shown, -1]),
    }));
    owned.push(first.measurements, first.context);
    const [probs, massPred] = (await model.predict(first)) as st.Tensor[];
    const p = await probs!.data();
    const m = await massPred!.data();
    st.dispose([probs!, massPred!]);
    const names = data.targetNames;
    const examples = Array.from({ length: shown }, (_, i) => {
      const row = Array.from(p.subarray(i * 3, i * 3 + 3));
      const best = row.indexOf(Math.max(...row));
      return { species: names[testSpecies[i]!]!, predictedSpecies: names[best]!, probability: row[best]!, massKg: testMass[i]!, predictedMassKg: m[i]! };
    });
    result = { trainCount, testCount, test: testLogs, baselineAccuracy, baselineMae, history: history.history, examples };
  } finally {
    st.dispose(owned);
    model?.dispose();
  }
  return { ...result, tensorsLeft: undisposedCount() - tensorsBefore };
}

function fmt(v: number | undefined): string {
  return v === undefined ? '-' : v.toFixed(4);
}
