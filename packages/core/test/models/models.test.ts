/**
 * Models: Sequential, Functional and subclassed models; compile/fit/evaluate/predict against
 * TensorFlow.js (same weights, same data) as the independent reference; memory; errors.
 */
import * as st from '@strata/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { randomSource, randomValues, useCpu } from '../setup.js';

beforeAll(async () => {
  await useCpu();
  await tf.setBackend('cpu');
});

const silent = { verbose: 0 as const };

function data(seed: number, n: number, features: number, classes: number) {
  const rand = randomSource(seed);
  const xv = randomValues(rand, n * features);
  // Labels from a fixed random linear rule, so there is something to learn.
  const w = randomValues(rand, features * classes);
  const labels = Array.from({ length: n }, (_, i) => {
    let best = 0, bestScore = -Infinity;
    for (let c = 0; c < classes; c++) {
      let s = 0;
      for (let f = 0; f < features; f++) s += xv[i * features + f]! * w[f * classes + c]!;
      if (s > bestScore) [best, bestScore] = [c, s];
    }
    return best;
  });
  return { xv, labels };
}

function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
  return worst;
}

describe('Sequential fit matches TensorFlow.js', () => {
  it('an MLP trained 3 epochs with SGD (momentum) and Adam gives the same weights and losses', async () => {
    for (const opt of ['sgd', 'adam'] as const) {
      const { xv, labels } = data(3, 150, 7, 4);
      const x = st.tensor(xv, [150, 7]);
      const y = st.tensor(labels, [150], 'int32');
      const model = st.sequential([
        st.layers.dense({ units: 13, activation: 'relu', inputShape: [7] }),
        st.layers.dense({ units: 4, activation: 'softmax' }),
      ]);
      const tfModel = tfl.sequential({ layers: [
        tfl.layers.dense({ units: 13, activation: 'relu', inputShape: [7] }),
        tfl.layers.dense({ units: 4, activation: 'softmax' }),
      ] });
      tfModel.setWeights(model.getWeights().map((w) => tf.tensor(w.dataSync() as Float32Array, [...w.shape])));
      model.compile({ optimizer: opt === 'sgd' ? st.optimizers.sgd({ learningRate: 0.1, momentum: 0.9 }) : st.optimizers.adam({ learningRate: 0.01 }),
        loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
      tfModel.compile({ optimizer: opt === 'sgd' ? tf.train.momentum(0.1, 0.9) : tf.train.adam(0.01, 0.9, 0.999, 1e-7),
        loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
      const history = await model.fit(x, y, { epochs: 3, batchSize: 32, shuffle: false, ...silent });
      const tfHistory = await tfModel.fit(tf.tensor(xv, [150, 7]), tf.tensor(labels, [150], 'float32'), { epochs: 3, batchSize: 32, shuffle: false, verbose: 0 });
      expect(maxRelErr(history.history['loss']!, tfHistory.history['loss'] as number[])).toBeLessThan(1e-4);
      expect(maxRelErr(history.history['accuracy']!, tfHistory.history['acc'] as number[])).toBeLessThan(1e-6);
      const ours = model.getWeights();
      // Adam: Keras 3 adds epsilon to √v before bias correction, TF.js after it; the updates differ slightly.
      const tolerance = opt === 'sgd' ? 1e-4 : 5e-3;
      tfModel.getWeights().forEach((w, i) => expect(maxRelErr(ours[i]!.dataSync(), w.dataSync()), `${opt} weight ${i}`).toBeLessThan(tolerance));
      st.dispose([x, y, ...ours]);
      model.dispose();
    }
  });
});

describe('Functional models', () => {
  it('multi-input, multi-output: fit logs per output, predict, config round trip', async () => {
    const a = st.input({ shape: [5], name: 'features' });
    const b = st.input({ shape: [3], name: 'extra' });
    const shared = st.layers.dense({ units: 6, activation: 'tanh', name: 'shared' });
    const merged = st.layers.concatenate().apply([shared.apply(a), b]);
    const cls = st.layers.dense({ units: 3, activation: 'softmax', name: 'cls' }).apply(merged);
    const reg = st.layers.dense({ units: 1, name: 'reg' }).apply(merged);
    const model = st.model({ inputs: [a, b], outputs: [cls, reg] });
    expect(model.outputNames).toEqual(['cls', 'reg']);
    model.compile({ optimizer: 'adam', loss: { cls: 'sparseCategoricalCrossentropy', reg: 'mse' }, metrics: { cls: ['accuracy'] }, lossWeights: { cls: 1, reg: 0.5 } });
    const rand = randomSource(11);
    const xa = st.tensor(randomValues(rand, 64 * 5), [64, 5]);
    const xb = st.tensor(randomValues(rand, 64 * 3), [64, 3]);
    const yc = st.tensor(Array.from({ length: 64 }, (_, i) => i % 3), [64], 'int32');
    const yr = st.tensor(randomValues(rand, 64), [64, 1]);
    const h = await model.fit({ features: xa, extra: xb }, { cls: yc, reg: yr }, { epochs: 2, batchSize: 16, validationSplit: 0.25, ...silent });
    expect(Object.keys(h.history).sort()).toEqual(['cls_accuracy', 'cls_loss', 'loss', 'reg_loss', 'val_cls_accuracy', 'val_cls_loss', 'val_loss', 'val_reg_loss'].sort());
    // The total loss is the weighted sum of the output losses.
    const [l, lc, lr] = [h.history['loss']!.at(-1)!, h.history['cls_loss']!.at(-1)!, h.history['reg_loss']!.at(-1)!];
    expect(Math.abs(l - (lc + 0.5 * lr))).toBeLessThan(1e-5 * Math.max(1, l));
    const [pc, pr] = (await model.predict([xa, xb])) as st.Tensor[];
    expect([...pc!.shape, ...pr!.shape]).toEqual([64, 3, 64, 1]);
    const copy = st.Functional.fromConfig(JSON.parse(JSON.stringify(model.getConfig())) as st.ConfigDict) as st.Functional;
    // Fresh layers with new names would clash in the engine's variable names only, not here.
    copy.setWeights(model.getWeights());
    const [qc, qr] = (await copy.predict([xa, xb])) as st.Tensor[];
    expect(maxRelErr(qc!.dataSync(), pc!.dataSync())).toBe(0);
    expect(maxRelErr(qr!.dataSync(), pr!.dataSync())).toBe(0);
    st.dispose([xa, xb, yc, yr, pc, pr, qc, qr]);
    model.dispose();
    copy.dispose();
  });

  it('nested models and shared layers train', async () => {
    const inner = st.sequential([st.layers.dense({ units: 4, activation: 'relu', inputShape: [3] }), st.layers.dense({ units: 2 })]);
    const x1 = st.input({ shape: [3] });
    const x2 = st.input({ shape: [3] });
    const out = st.layers.add().apply([inner.apply(x1), inner.apply(x2)]);
    const model = st.model({ inputs: [x1, x2], outputs: out });
    expect(model.trainableWeights.length).toBe(4);
    model.compile({ optimizer: st.optimizers.sgd(0.05), loss: 'mse' });
    const rand = randomSource(4);
    const a = st.tensor(randomValues(rand, 40 * 3), [40, 3]);
    const b = st.tensor(randomValues(rand, 40 * 3), [40, 3]);
    const y = st.tensor(randomValues(rand, 40 * 2), [40, 2]);
    const h = await model.fit([a, b], y, { epochs: 8, batchSize: 40, ...silent });
    expect(h.history['loss']!.at(-1)!).toBeLessThan(h.history['loss']![0]!);
    const config = model.getConfig();
    const layers = config['layers'] as st.ConfigDict[];
    const innerEntry = layers.find((l) => l['className'] === 'Sequential')!;
    expect((innerEntry['inboundNodes'] as unknown[]).length).toBe(2);
    st.dispose([a, b, y]);
    model.dispose();
  });
});

describe('subclassed models', () => {
  class TwoLayer extends st.Model {
    static override readonly className = 'TwoLayer';
    readonly hidden = st.layers.dense({ units: 8, activation: 'relu' });
    readonly head = st.layers.dense({ units: 1 });
    override call(x: st.Tensor | st.Tensor[]): st.Tensor {
      return this.head.apply(this.hidden.apply(x as st.Tensor));
    }
  }

  it('tracks layers assigned as properties and trains with fit', async () => {
    const model = new TwoLayer();
    const rand = randomSource(8);
    const x = st.tensor(randomValues(rand, 64 * 2), [64, 2]);
    const y = st.tidy(() => st.sum(st.square(x), -1, true));
    model.compile({ optimizer: st.optimizers.adam(0.02), loss: 'mse' });
    const h = await model.fit(x, y, { epochs: 30, batchSize: 16, seed: 1, ...silent });
    expect(model.trainableWeights.length).toBe(4);
    expect(h.history['loss']!.at(-1)!).toBeLessThan(h.history['loss']![0]! * 0.5);
    st.dispose([x, y]);
    model.dispose();
  });
});

describe('training behaviour', () => {
  function mlp(dropout = true) {
    return st.sequential([
      st.layers.dense({ units: 8, activation: 'relu', inputShape: [4] }),
      ...(dropout ? [st.layers.dropout({ rate: 0.2 })] : []),
      st.layers.dense({ units: 3, activation: 'softmax' }),
    ]);
  }
  const { xv, labels } = data(21, 96, 4, 3);

  it('does not grow memory between epoch 1 and epoch 10, and dispose frees everything fit made', async () => {
    // Tensors freed by the GC safety net count too: only an undisposed tensor can end up there.
    const undisposed = () => st.memory().tensors + st.memory().collected;
    const start = undisposed();
    const x = st.tensor(xv, [96, 4]);
    const y = st.tensor(labels, [96], 'int32');
    const model = mlp();
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const buffers: number[] = [];
    const tensors: number[] = [];
    await model.fit(x, y, { epochs: 10, batchSize: 10, validationSplit: 0.2, ...silent, callbacks: [st.callbacks.lambdaCallback({ onEpochEnd: () => { buffers.push(st.memory().buffers); tensors.push(st.memory().tensors); } })] });
    expect(new Set(buffers).size, `buffers per epoch: ${buffers.join(',')}`).toBe(1);
    expect(new Set(tensors).size).toBe(1);
    st.dispose([x, y]);
    model.dispose();
    expect(undisposed()).toBe(start);
  });

  it('the same seed gives identical weights; freezing keeps weights unchanged', async () => {
    const x = st.tensor(xv, [96, 4]);
    const y = st.tensor(labels, [96], 'int32');
    const run = async (freezeFirst: boolean) => {
      st.setSeed(5);
      const model = mlp();
      if (freezeFirst) model.layers[0]!.trainable = false;
      model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
      const before = model.getWeights();
      await model.fit(x, y, { epochs: 2, batchSize: 16, seed: 9, ...silent });
      const after = model.getWeights();
      const out = { before: before.map((t) => Array.from(t.dataSync())), after: after.map((t) => Array.from(t.dataSync())), trainable: model.trainableWeights.length };
      st.dispose([...before, ...after]);
      model.dispose();
      return out;
    };
    const a = await run(false);
    const b = await run(false);
    expect(a.after).toEqual(b.after);
    const frozen = await run(true);
    expect(frozen.trainable).toBe(2);
    // Weights are ordered trainable first: the frozen kernel and bias come last.
    expect(frozen.after.slice(2)).toEqual(frozen.before.slice(2));
    expect(frozen.after[0]).not.toEqual(frozen.before[0]);
    st.dispose([x, y]);
  });

  it('sampleWeight and classWeight scale the loss as Keras does', async () => {
    const x = st.tensor(xv.slice(0, 8 * 4), [8, 4]);
    const y = st.tensor(labels.slice(0, 8), [8], 'int32');
    // No dropout: the training-mode loss must equal the inference-mode oracle.
    const model = mlp(false);
    model.compile({ optimizer: st.optimizers.sgd(0), loss: 'sparseCategoricalCrossentropy' });
    const perSample = st.tidy(() => st.losses.sparseCategoricalCrossentropy(y, model.predictOnBatch(x) as st.Tensor));
    const ps = Array.from(perSample.dataSync());
    const sw = [0.5, 2, 1, 0, 3, 1, 1, 0.25];
    const expected = ps.reduce((s, v, i) => s + v * sw[i]!, 0) / 8;
    const swT = st.tensor(sw, [8]);
    const withWeights = await model.evaluate(x, y, { sampleWeight: swT, batchSize: 8 });
    expect(Math.abs((withWeights as number) - expected)).toBeLessThan(1e-5);
    const classWeight = { 0: 2, 1: 0.5, 2: 1 };
    const h = await model.fit(x, y, { epochs: 1, batchSize: 8, classWeight, shuffle: false, ...silent });
    const expectedClass = ps.reduce((s, v, i) => s + v * classWeight[labels[i]! as 0 | 1 | 2], 0) / 8;
    expect(Math.abs(h.history['loss']![0]! - expectedClass)).toBeLessThan(1e-5);
    st.dispose([x, y, perSample, swT]);
    model.dispose();
  });

  it('classWeight weighs training batches only (validation too with a split), and works with a dataset', async () => {
    const x = st.tensor(xv.slice(0, 16 * 4), [16, 4]);
    const y = st.tensor(labels.slice(0, 16), [16], 'int32');
    const model = mlp(false);
    // Learning rate 0: every loss below is the oracle's loss of the same, unchanged weights.
    model.compile({ optimizer: st.optimizers.sgd(0), loss: 'sparseCategoricalCrossentropy' });
    const perSample = st.tidy(() => st.losses.sparseCategoricalCrossentropy(y, model.predictOnBatch(x) as st.Tensor));
    const ps = Array.from(perSample.dataSync());
    const classWeight = { 0: 3, 1: 0.25, 2: 1.5 };
    const weighted = (from: number, to: number) => {
      let sum = 0;
      for (let i = from; i < to; i++) sum += ps[i]! * classWeight[labels[i]! as 0 | 1 | 2];
      return sum / (to - from);
    };
    const mean = (from: number, to: number) => ps.slice(from, to).reduce((a, b) => a + b, 0) / (to - from);

    // validationSplit 0.25: the last 4 samples validate, unweighted.
    const h = await model.fit(x, y, { epochs: 1, batchSize: 12, classWeight, validationSplit: 0.25, shuffle: false, ...silent });
    expect(h.history['loss']![0]!).toBeCloseTo(weighted(0, 12), 5);
    expect(h.history['val_loss']![0]!).toBeCloseTo(mean(12, 16), 5);

    // A dataset (batches of 8, two steps): the logged loss is the mean over both weighted batches.
    const ds = st.data.Dataset.fromArrays(x, y).batch(8);
    const hd = await model.fit(ds, { epochs: 1, classWeight, ...silent });
    expect(hd.history['loss']![0]!).toBeCloseTo((weighted(0, 8) * 8 + weighted(8, 16) * 8) / 16, 5);

    // trainOnBatch: the same weights; both kinds of weights at once is refused, as in Keras.
    expect((await model.trainOnBatch(x, y, { classWeight })) as number).toBeCloseTo(weighted(0, 16), 5);
    const sw = st.onesLike(perSample);
    await expect(model.trainOnBatch(x, y, { classWeight, sampleWeight: sw })).rejects.toThrow(/classWeight or sample weights, not both/);
    await expect(model.fit(ds, { sampleWeight: sw, ...silent })).rejects.toThrow(/sampleWeight needs arrays/);
    st.dispose([x, y, perSample, sw]);
    model.dispose();
  });

  it('initialEpoch and stepsPerEpoch: arrays and datasets', async () => {
    const x = st.tensor(xv, [96, 4]);
    const y = st.tensor(labels, [96], 'int32');
    const model = mlp(false);
    model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    const seen: { epoch: number; steps: number }[] = [];
    let steps = 0;
    const counter = st.callbacks.lambdaCallback({
      onEpochBegin: () => { steps = 0; },
      onBatchEnd: () => { steps++; },
      onEpochEnd: (epoch) => { seen.push({ epoch, steps }); },
    });
    // initialEpoch 2 of 4: epochs 2 and 3 run (0-based, as Keras), each over all 96/16 = 6 batches.
    const h = await model.fit(x, y, { epochs: 4, initialEpoch: 2, batchSize: 16, callbacks: [counter], ...silent });
    expect(seen).toEqual([{ epoch: 2, steps: 6 }, { epoch: 3, steps: 6 }]);
    expect(h.epoch).toEqual([2, 3]);
    expect(h.history['loss']).toHaveLength(2);

    // stepsPerEpoch with arrays: each epoch stops after 4 of its 6 batches.
    seen.length = 0;
    await model.fit(x, y, { epochs: 2, stepsPerEpoch: 4, batchSize: 16, callbacks: [counter], ...silent });
    expect(seen).toEqual([{ epoch: 0, steps: 4 }, { epoch: 1, steps: 4 }]);

    // stepsPerEpoch with a dataset of 6 batches: read on across epochs and restarted when it ends
    // (epoch 1 takes batches 5, 6, then 1, 2).
    seen.length = 0;
    let served = 0;
    const ds = st.data.Dataset.fromArrays(x, y).batch(16).map((batch) => { served++; return batch; });
    await model.fit(ds, { epochs: 3, stepsPerEpoch: 4, callbacks: [counter], ...silent });
    expect(seen).toEqual([{ epoch: 0, steps: 4 }, { epoch: 1, steps: 4 }, { epoch: 2, steps: 4 }]);
    expect(served).toBe(12);
    st.dispose([x, y]);
    model.dispose();
  });

  it('evaluate, predict, trainOnBatch, testOnBatch, predictOnBatch agree', async () => {
    const x = st.tensor(xv, [96, 4]);
    const y = st.tensor(labels, [96], 'int32');
    const model = mlp(false);
    model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const [loss, acc] = (await model.evaluate(x, y, { batchSize: 96 })) as number[];
    const [tLoss, tAcc] = (await model.testOnBatch(x, y)) as number[];
    expect(Math.abs(loss! - tLoss!)).toBeLessThan(1e-6);
    expect(acc).toBe(tAcc);
    const p1 = (await model.predict(x, { batchSize: 7 })) as st.Tensor;
    const p2 = model.predictOnBatch(x) as st.Tensor;
    expect(maxRelErr(p1.dataSync(), p2.dataSync())).toBeLessThan(1e-6);
    const logs = await model.evaluate(x, y, { returnDict: true });
    expect(Object.keys(logs).sort()).toEqual(['accuracy', 'loss']);
    const [trainLoss] = (await model.trainOnBatch(x, y)) as number[];
    expect(Math.abs(trainLoss! - loss!)).toBeLessThan(1e-5);
    st.dispose([x, y, p1, p2]);
    model.dispose();
  });

  it('summary lists layers, shapes and parameter counts', () => {
    const model = mlp();
    const lines: string[] = [];
    model.summary(undefined, (l) => lines.push(l));
    const text = lines.join('\n');
    expect(text).toContain('(None, 8)');
    expect(text).toContain('(None, 3)');
    expect(text).toContain('Total params: 67');
    expect(text).toMatch(/dense\w* \(Dense\)/);
    model.dispose();
  });
});

describe('bad input', () => {
  it('names the layer and shapes for a wrong input shape, and the loss for bad labels', async () => {
    const model = st.sequential([st.layers.dense({ units: 3, inputShape: [4], name: 'first' }), st.layers.dense({ units: 2, activation: 'softmax' })]);
    model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    const bad = st.zeros([5, 6]);
    await expect(model.fit(bad, st.zeros([5], 'int32'), silent)).rejects.toThrow(/\[null,4\].*\[5,6\]/);
    const x = st.ones([5, 4]);
    await expect(model.fit(x, st.zeros([5, 3, 2]), silent)).rejects.toThrow(/sparseCategoricalCrossentropy|SparseCategoricalCrossentropy/i);
    await expect(model.fit(x, st.zeros([4], 'int32'), silent)).rejects.toThrow(/same number of samples/);
    model.dispose();
  });

  it('a NaN loss stops fit with a clear error and leaves the weights as they were', async () => {
    const model = st.sequential([st.layers.dense({ units: 1, inputShape: [2] })]);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = st.tensor([[1, 2], [3, NaN]]);
    const y = st.tensor([[1], [2]]);
    const before = model.getWeights().map((w) => Array.from(w.dataSync()));
    await expect(model.fit(x, y, { ...silent, batchSize: 2 })).rejects.toThrow(/loss became NaN at epoch 1, batch 1/);
    expect(model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);
    // With TerminateOnNaN the run stops quietly instead.
    const h = await model.fit(x, y, { ...silent, batchSize: 2, epochs: 3, callbacks: [st.callbacks.terminateOnNaN()] });
    expect(h.epoch.length).toBeLessThanOrEqual(1);
    expect(model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);
    model.dispose();
  });
});

describe('fit with st.data.Dataset', () => {
  it('trains from a shuffled, batched dataset with dataset validation data, and gives the same result as arrays', async () => {
    const { xv, labels } = data(31, 64, 4, 3);
    const x = st.tensor(xv, [64, 4]);
    const y = st.tensor(labels, [64], 'int32');
    const make = () => {
      st.setSeed(2);
      const m = st.sequential([st.layers.dense({ units: 6, activation: 'tanh', inputShape: [4] }), st.layers.dense({ units: 3, activation: 'softmax' })]);
      m.compile({ optimizer: st.optimizers.sgd(0.1), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
      return m;
    };
    const fromArrays = make();
    const h1 = await fromArrays.fit(x, y, { epochs: 3, batchSize: 16, shuffle: false, validationData: [x, y], ...silent });
    const fromDataset = make();
    const ds = st.data.Dataset.fromArrays(x, y).batch(16);
    const h2 = await fromDataset.fit(ds, { epochs: 3, validationData: st.data.Dataset.fromArrays(x, y).batch(16), ...silent });
    expect(h2.history['loss']).toEqual(h1.history['loss']);
    expect(h2.history['val_accuracy']).toEqual(h1.history['val_accuracy']);
    const shuffled = make();
    const shuffledDs = st.data.Dataset.fromArrays(x, y).shuffle(64, 7).batch(10);
    await shuffled.fit(shuffledDs, { epochs: 1, ...silent }); // warms the ops' constant caches
    const before = st.memory().tensors;
    const h3 = await shuffled.fit(shuffledDs, { epochs: 4, ...silent });
    expect(h3.history['loss']!.at(-1)!).toBeLessThan(h3.history['loss']![0]!);
    expect(st.memory().tensors).toBe(before);
    st.dispose([x, y]);
    for (const m of [fromArrays, fromDataset, shuffled]) m.dispose();
  });
});

describe('label checks before training', () => {
  it('rejects targets of the wrong rank, shape or dtype before any step, naming fit, the data and the output', async () => {
    const model = st.sequential({ name: 'clf', layers: [st.layers.dense({ units: 3, activation: 'softmax', inputShape: [4] })] });
    model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    const x = st.randomUniform([40, 4], -1, 1, 'float32', 5);
    const before = model.getWeights().map((w) => Array.from(w.dataSync()));
    const bad: [st.Tensor, RegExp][] = [
      [st.randomUniform([40, 3], 0, 1, 'float32', 6), /clf\.fit: the targets float32\[40,3\] do not fit output 'output' \(\[null,3\]\): sparseCategoricalCrossentropy: .*must have shape/],
      [st.zeros([40, 1, 1], 'int32'), /clf\.fit: the targets int32\[40,1,1\] do not fit output/],
      [st.zeros([40], 'bool'), /clf\.fit: the targets bool\[40\] do not fit .*integer class ids/],
    ];
    for (const [y, message] of bad) await expect(model.fit(x, y, silent)).rejects.toThrow(message);
    model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    const wrongWidth = st.randomUniform([40, 4], 0, 1, 'float32', 7);
    await expect(model.evaluate(x, wrongWidth)).rejects.toThrow(/clf\.evaluate: the targets float32\[40,4\] do not fit output 'output' \(\[null,3\]\)/);
    expect(model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);
    st.dispose([x, wrongWidth, ...bad.map(([y]) => y)]);
    model.dispose();
  });


  it('rejects NaN labels and out-of-range class ids before any step, naming the loss', async () => {
    const model = st.sequential([st.layers.dense({ units: 3, activation: 'softmax', inputShape: [2] })]);
    model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    const x = st.tensor([[1, 2], [3, 4]]);
    const before = model.getWeights().map((w) => Array.from(w.dataSync()));
    await expect(model.fit(x, st.tensor([0, NaN]), silent)).rejects.toThrow(/NaN/);
    await expect(model.fit(x, st.tensor([0, 3], [2], 'int32'), silent)).rejects.toThrow(/[Ss]parse.*3|3.*range/);
    expect(model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);
    model.dispose();
  });
});
