import { beforeAll, describe, expect, it } from 'vitest';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import * as st from '@strata/core';
import { BackupAndRestore } from '../../dist/callbacks/backup-and-restore.js';
import { randomSource, randomValues, useCpu } from '../setup.js';
import { useTempFolder } from '../temp-folder.js';

const freshDir = useTempFolder('strata-backup-', 'b').fresh;
beforeAll(useCpu);

/** A model with dropout (so the random state matters), Adam (so optimizer state matters). */
function makeModel(seed: number): st.Sequential {
  st.setSeed(seed);
  const m = st.sequential([
    st.layers.dense({ units: 8, inputShape: [5], activation: 'relu' }),
    st.layers.dropout({ rate: 0.3 }),
    st.layers.batchNormalization(),
    st.layers.dense({ units: 3, activation: 'softmax' }),
  ]);
  m.compile({ optimizer: st.optimizers.adam({ learningRate: 0.01 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return m;
}

function data(): { x: st.Tensor; y: st.Tensor } {
  const rand = randomSource(3);
  const n = 37;
  return {
    x: st.tensor(randomValues(rand, n * 5), [n, 5]),
    y: st.tensor(Array.from({ length: n }, () => Math.floor(rand() * 3)), [n], 'int32'),
  };
}

async function weightValues(m: st.Layer): Promise<number[][]> {
  return Promise.all(m.weights.map(async (w) => [...(await w.data())]));
}

const fitArgs = { epochs: 6, batchSize: 8, seed: 11, verbose: 0 as const };

describe('BackupAndRestore', () => {
  it('an interrupted fit, resumed by a second fit, ends with the same weights as an uninterrupted run', async () => {
    const { x, y } = data();
    const baseline = makeModel(42);
    const full = await baseline.fit(x, y, { ...fitArgs });
    const expected = await weightValues(baseline);

    const dir = freshDir();
    const interrupted = makeModel(42);
    const crash = new st.callbacks.LambdaCallback({
      onEpochBegin: (epoch: number) => {
        if (epoch === 3) throw new Error('simulated crash in epoch 4');
      },
    });
    await expect(interrupted.fit(x, y, { ...fitArgs, callbacks: [new BackupAndRestore({ backupDir: `file://${dir}` }), crash] })).rejects.toThrow(/simulated crash/);
    expect((await fsp.readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);

    // A new "process": other seed, other initial weights, fresh optimizer.
    const resumed = makeModel(7);
    expect(await weightValues(resumed)).not.toEqual(expected);
    const history = await resumed.fit(x, y, { ...fitArgs, callbacks: [new BackupAndRestore({ backupDir: `file://${dir}` })] });
    expect(history.epoch).toEqual([3, 4, 5]);
    expect(history.history['loss']).toEqual(full.history['loss']!.slice(3));
    expect(await weightValues(resumed)).toEqual(expected);
    expect(resumed.optimizer!.iterations).toBe(baseline.optimizer!.iterations);
    // The backup is deleted after the successful run.
    await expect(fsp.stat(dir)).rejects.toThrow();
    st.dispose([x, y]);
    baseline.dispose();
    interrupted.dispose();
    resumed.dispose();
  });

  it('keeps the backup with deleteCheckpoint: false; a finished backup resumes past the last epoch', async () => {
    const { x, y } = data();
    const dir = freshDir();
    const m = makeModel(1);
    await m.fit(x, y, { ...fitArgs, epochs: 2, callbacks: [new BackupAndRestore({ backupDir: dir, deleteCheckpoint: false })] });
    const json = JSON.parse(await fsp.readFile(path.join(dir, 'model.json'), 'utf8'));
    expect(json.userDefinedMetadata.strataBackupAndRestore.epoch).toBe(1);
    const again = makeModel(2);
    const history = await again.fit(x, y, { ...fitArgs, epochs: 2, callbacks: [new BackupAndRestore({ backupDir: dir, deleteCheckpoint: false })] });
    expect(history.epoch).toEqual([]);
    expect(await weightValues(again)).toEqual(await weightValues(m));
    st.dispose([x, y]);
    m.dispose();
    again.dispose();
  });

  it('refuses a backup of another model or a directory holding another model, changing nothing', async () => {
    const { x, y } = data();
    const dir = freshDir();
    const m = makeModel(3);
    await m.fit(x, y, { ...fitArgs, epochs: 1, callbacks: [new BackupAndRestore({ backupDir: dir, deleteCheckpoint: false })] });
    st.setSeed(4);
    const other = st.sequential([st.layers.dense({ units: 4, inputShape: [5] }), st.layers.dense({ units: 3 })]);
    other.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
    const before = await weightValues(other);
    await expect(other.fit(x, y, { ...fitArgs, callbacks: [new BackupAndRestore({ backupDir: dir })] })).rejects.toThrow(/BackupAndRestore: restoring the backup in .*: the backup does not fit this model/);
    expect(await weightValues(other)).toEqual(before);

    const modelDir = freshDir();
    await m.save(`file://${modelDir}`);
    await expect(m.fit(x, y, { ...fitArgs, callbacks: [new BackupAndRestore({ backupDir: modelDir })] })).rejects.toThrow(/not a BackupAndRestore backup; use another backupDir/);
    expect(() => new BackupAndRestore({ backupDir: '' })).toThrow(/backupDir must be a directory path/);
    expect(() => new BackupAndRestore({ backupDir: 'indexeddb://x' })).toThrow(/must be a local directory/);
    st.dispose([x, y]);
    m.dispose();
    other.dispose();
  });
});
