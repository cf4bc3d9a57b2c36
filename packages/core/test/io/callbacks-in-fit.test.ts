/**
 * Callbacks inside a real `fit`: ModelCheckpoint with `saveBestOnly` writing `file://`
 * checkpoints, and EarlyStopping restoring the best weights. The saved and restored models are
 * judged by evaluating them again, against the validation loss `fit` logged for the best epoch.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import * as st from '@strata/core';
import { randomSource, randomValues, useCpu } from '../setup.js';
import { useTempFolder } from '../temp-folder.js';

const freshDir = useTempFolder('strata-callbacks-', 'c').fresh;
beforeAll(useCpu);

/** Noisy labels and a high learning rate: validation loss goes down, then up, so "best" is not "last". */
function setup(): { x: st.Tensor; y: st.Tensor; vx: st.Tensor; vy: st.Tensor; model: st.Sequential } {
  const rand = randomSource(17);
  const x = st.tensor(randomValues(rand, 48 * 6), [48, 6]);
  const y = st.tensor(Array.from({ length: 48 }, () => Math.floor(rand() * 3)), [48], 'int32');
  const vx = st.tensor(randomValues(rand, 24 * 6), [24, 6]);
  const vy = st.tensor(Array.from({ length: 24 }, () => Math.floor(rand() * 3)), [24], 'int32');
  st.setSeed(4);
  const model = st.sequential([
    st.layers.dense({ units: 32, inputShape: [6], activation: 'relu' }),
    st.layers.dense({ units: 3, activation: 'softmax' }),
  ]);
  model.compile({ optimizer: st.optimizers.adam(0.05), loss: 'sparseCategoricalCrossentropy' });
  return { x, y, vx, vy, model };
}

function argMin(values: readonly number[]): number {
  return values.reduce((best, v, i) => (v < values[best]! ? i : best), 0);
}

describe('callbacks inside fit', () => {
  it('ModelCheckpoint saveBestOnly keeps the best epoch on disk, written atomically', async () => {
    const { x, y, vx, vy, model } = setup();
    const dir = freshDir();
    const saves: number[] = [];
    const watch = st.callbacks.lambdaCallback({ onEpochEnd: async () => { saves.push((await fsp.stat(path.join(dir, 'model.json'))).ino); } });
    const checkpoint = st.callbacks.modelCheckpoint({ filepath: `file://${dir}`, monitor: 'val_loss', saveBestOnly: true });
    const h = await model.fit(x, y, { epochs: 12, batchSize: 8, seed: 1, validationData: [vx, vy], verbose: 0, callbacks: [checkpoint, watch] });
    const valLoss = h.history['val_loss']!;
    const best = argMin(valLoss);
    expect(best, 'the run should overfit, so the best epoch is not the last').toBeLessThan(valLoss.length - 1);
    // Each save replaces model.json by a rename (a new inode): saved at improvements, never after the best epoch.
    const writes = saves.filter((t, i) => i === 0 || t !== saves[i - 1]).length;
    expect(writes).toBeGreaterThan(1);
    expect(saves.slice(best)).toEqual(Array(saves.length - best).fill(saves[best]));
    // No temp files left beside the checkpoint.
    expect((await fsp.readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);
    const loaded = await st.loadModel(`file://${dir}`);
    loaded.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    const reloadedLoss = (await loaded.evaluate(vx, vy, { batchSize: 24 })) as number;
    expect(Math.abs(reloadedLoss - valLoss[best]!)).toBeLessThan(1e-5);
    st.dispose([x, y, vx, vy]);
    model.dispose();
    loaded.dispose();
  });

  it('EarlyStopping restoreBestWeights puts back the weights of the best epoch', async () => {
    const { x, y, vx, vy, model } = setup();
    const stopper = st.callbacks.earlyStopping({ monitor: 'val_loss', patience: 3, restoreBestWeights: true });
    const h = await model.fit(x, y, { epochs: 30, batchSize: 8, seed: 1, validationData: [vx, vy], verbose: 0, callbacks: [stopper] });
    const valLoss = h.history['val_loss']!;
    expect(valLoss.length, 'stopped early').toBeLessThan(30);
    expect(valLoss.length - 1 - argMin(valLoss)).toBe(3);
    const restored = (await model.evaluate(vx, vy, { batchSize: 24 })) as number;
    expect(Math.abs(restored - Math.min(...valLoss))).toBeLessThan(1e-5);
    st.dispose([x, y, vx, vy]);
    model.dispose();
  });
});
