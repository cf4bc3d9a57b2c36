import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as st from '@strata/core';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomSource, useCpu } from './setup.js';

beforeAll(useCpu);

type Logs = st.Logs;

/** A stand-in for the learning-rate part of an optimizer (all the callbacks touch). */
function fakeOptimizer(lr: number): st.Optimizer {
  let value = lr;
  return {
    get learningRate() { return value; },
    set learningRate(v: number) { value = v; },
  } as unknown as st.Optimizer;
}

/** A CallbackModel with one weight vector whose values the test sets each epoch. */
class FakeModel implements st.CallbackModel {
  stopTraining = false;
  resumeFromEpoch: number | null = null;
  optimizer: st.Optimizer | null;
  readonly vars: st.Variable[];
  saves: string[] = [];
  weightSaves: string[] = [];

  constructor(lr = 0.1) {
    this.optimizer = fakeOptimizer(lr);
    this.vars = [st.variable(st.zeros([3])), st.variable(st.zeros([2, 2]))];
  }
  get weights(): readonly st.Tensor[] {
    return this.vars;
  }
  getWeights(): st.Tensor[] {
    return this.vars.map((v) => st.clone(v));
  }
  setWeights(values: readonly st.Tensor[]): void {
    values.forEach((v, i) => this.vars[i]!.assign(v));
  }
  /** Makes every weight equal `value` (to recognise which epoch's weights are in place). */
  fill(value: number): void {
    for (const v of this.vars) {
      const t = st.fill(v.shape, value);
      v.assign(t);
      t.dispose();
    }
  }
  async save(url: string): Promise<unknown> {
    await Promise.resolve();
    this.saves.push(url);
    return null;
  }
  async saveWeights(url: string): Promise<unknown> {
    this.weightSaves.push(url);
    return null;
  }
  dispose(): void {
    for (const v of this.vars) v.dispose();
  }
}

/**
 * Drives callbacks like `fit`: epoch e sets the weights to e + 1, runs `steps` batches with
 * `batchLogs(e, b)` and ends with `epochLogs[e]`; stops when a callback sets stopTraining.
 * Returns the epochs that ran.
 */
async function drive(model: FakeModel, callbacks: st.Callback[], epochLogs: Logs[], opts: { steps?: number; batchLogs?: (e: number, b: number) => Logs; verbose?: 0 | 1 | 2 } = {}): Promise<number[]> {
  const steps = opts.steps ?? 2;
  const list = new st.callbacks.CallbackList(callbacks, { model, params: { epochs: epochLogs.length, steps, verbose: opts.verbose ?? 0, metrics: Object.keys(epochLogs[0] ?? {}), initialEpoch: 0 } });
  model.stopTraining = false;
  const ran: number[] = [];
  await list.onTrainBegin();
  for (let e = 0; e < epochLogs.length; e++) {
    await list.onEpochBegin(e);
    model.fill(e + 1);
    for (let b = 0; b < steps; b++) {
      await list.onTrainBatchBegin(b);
      await list.onTrainBatchEnd(b, opts.batchLogs?.(e, b) ?? { loss: 1 });
      if (model.stopTraining) break;
    }
    await list.onEpochEnd(e, { ...epochLogs[e]! });
    ran.push(e);
    if (model.stopTraining) break;
  }
  await list.onTrainEnd();
  return ran;
}

const seq = (key: string, values: number[]): Logs[] => values.map((v) => ({ [key]: v }));

/**
 * Keras 3's EarlyStopping written out plainly (the oracle): the epochs that run, the best epoch.
 */
function earlyStoppingOracle(values: number[], o: { patience: number; minDelta: number; mode: 'min' | 'max'; baseline: number | null; start: number }): { ran: number; bestEpoch: number | null } {
  const better = (a: number, b: number | null): boolean => b === null || (o.mode === 'min' ? a + Math.abs(o.minDelta) < b : a - Math.abs(o.minDelta) > b);
  let wait = 0;
  let best: number | null = null;
  let bestEpoch: number | null = null;
  for (let e = 0; e < values.length; e++) {
    if (e < o.start) continue;
    if (bestEpoch === null) bestEpoch = e;
    wait++;
    if (better(values[e]!, best)) {
      best = values[e]!;
      bestEpoch = e;
      if (o.baseline === null || better(values[e]!, o.baseline)) wait = 0;
      continue;
    }
    if (wait >= o.patience && e > 0) return { ran: e + 1, bestEpoch };
  }
  return { ran: values.length, bestEpoch };
}

describe('CallbackList', () => {
  it('calls every hook on each callback in order, awaiting async ones before the next', async () => {
    const events: string[] = [];
    const slow = st.callbacks.lambdaCallback({
      onEpochEnd: async (e) => {
        events.push(`slow start ${e}`);
        await new Promise((r) => setTimeout(r, 5));
        events.push(`slow end ${e}`);
      },
    });
    const fast = st.callbacks.lambdaCallback({ onEpochEnd: (e) => { events.push(`fast ${e}`); } });
    const list = new st.callbacks.CallbackList([slow, fast]);
    await list.onEpochEnd(0);
    await list.onEpochEnd(1);
    expect(events).toEqual(['slow start 0', 'slow end 0', 'fast 0', 'slow start 1', 'slow end 1', 'fast 1']);
  });

  it('forwards every hook with its arguments', async () => {
    const calls: string[] = [];
    const rec = (name: string) => (a?: unknown, b?: unknown) => { calls.push(`${name}(${JSON.stringify(a ?? null)},${JSON.stringify(b ?? null)})`); };
    const cb = st.callbacks.lambdaCallback({
      onTrainBegin: rec('trainBegin'), onTrainEnd: rec('trainEnd'), onEpochBegin: rec('epochBegin'), onEpochEnd: rec('epochEnd'),
      onTrainBatchBegin: rec('batchBegin'), onTrainBatchEnd: rec('batchEnd'), onTestBegin: rec('testBegin'), onTestEnd: rec('testEnd'),
      onTestBatchBegin: rec('testBatchBegin'), onTestBatchEnd: rec('testBatchEnd'), onPredictBegin: rec('predictBegin'), onPredictEnd: rec('predictEnd'),
      onPredictBatchBegin: rec('predictBatchBegin'), onPredictBatchEnd: rec('predictBatchEnd'),
    });
    const list = new st.callbacks.CallbackList([cb]);
    await list.onTrainBegin({ a: 1 });
    await list.onEpochBegin(3);
    await list.onTrainBatchBegin(0);
    await list.onTrainBatchEnd(0, { loss: 2 });
    await list.onEpochEnd(3, { loss: 2 });
    await list.onTestBegin();
    await list.onTestBatchBegin(1);
    await list.onTestBatchEnd(1, { loss: 3 });
    await list.onTestEnd({ loss: 3 });
    await list.onPredictBegin();
    await list.onPredictBatchBegin(4);
    await list.onPredictBatchEnd(4);
    await list.onPredictEnd();
    await list.onTrainEnd();
    expect(calls).toEqual([
      'trainBegin({"a":1},null)', 'epochBegin(3,null)', 'batchBegin(0,null)', 'batchEnd(0,{"loss":2})', 'epochEnd(3,{"loss":2})',
      'testBegin(null,null)', 'testBatchBegin(1,null)', 'testBatchEnd(1,{"loss":3})', 'testEnd({"loss":3},null)',
      'predictBegin(null,null)', 'predictBatchBegin(4,null)', 'predictBatchEnd(4,null)', 'predictEnd(null,null)', 'trainEnd(null,null)',
    ]);
  });

  it('sets model and params on every callback, adds History and ProgbarLogger once', () => {
    const model = new FakeModel();
    const a = new st.Callback();
    const list = new st.callbacks.CallbackList([a], { addHistory: true, addProgbar: true });
    const params: st.TrainingParams = { epochs: 2, steps: 5, verbose: 0, metrics: ['loss'], initialEpoch: 0 };
    list.setModel(model);
    list.setParams(params);
    expect(list.callbacks.length).toBe(3);
    expect(list.callbacks[0]).toBeInstanceOf(st.callbacks.ProgbarLogger);
    expect(list.callbacks[2]).toBeInstanceOf(st.callbacks.History);
    expect(list.history).toBe(list.callbacks[2]);
    for (const cb of list.callbacks) {
      expect(cb.model).toBe(model);
      expect(cb.params).toBe(params);
    }
    const late = new st.Callback();
    list.append(late);
    expect(late.model).toBe(model);
    const again = new st.callbacks.CallbackList([new st.callbacks.History()], { addHistory: true });
    expect(again.callbacks.length).toBe(1);
    model.dispose();
  });

  it('rejects things that are not callbacks', () => {
    expect(() => new st.callbacks.CallbackList([{} as st.Callback])).toThrow(/callbacks\[0\] is not a Callback/);
  });
});

describe('History', () => {
  it('records epochs and every log value', async () => {
    const model = new FakeModel();
    const h = st.callbacks.history();
    await drive(model, [h], [{ loss: 3, val_loss: 4 }, { loss: 2, val_loss: 3.5 }, { loss: 1, val_loss: 3.25 }]);
    expect(h.epoch).toEqual([0, 1, 2]);
    expect(h.history).toEqual({ loss: [3, 2, 1], val_loss: [4, 3.5, 3.25] });
    model.dispose();
  });
});

describe('EarlyStopping', () => {
  it('stops after `patience` epochs without improvement', async () => {
    const model = new FakeModel();
    const es = st.callbacks.earlyStopping({ monitor: 'val_loss', patience: 2 });
    // Best at epoch 1 (0.5); epochs 2 and 3 do not improve → stop after epoch 3.
    const ran = await drive(model, [es], seq('val_loss', [1, 0.5, 0.6, 0.55, 0.1, 0.1]));
    expect(ran).toEqual([0, 1, 2, 3]);
    expect(es.stoppedEpoch).toBe(3);
    expect(es.best).toBe(0.5);
    expect(es.bestEpoch).toBe(1);
    model.dispose();
  });

  it('minDelta: smaller changes are not improvements', async () => {
    const model = new FakeModel();
    const es = st.callbacks.earlyStopping({ monitor: 'loss', patience: 1, minDelta: 0.1 });
    // 1 → 0.95 improves by less than 0.1: no improvement, patience 1 → stop after epoch 1.
    expect(await drive(model, [es], seq('loss', [1, 0.95, 0.5]))).toEqual([0, 1]);
    const es2 = st.callbacks.earlyStopping({ monitor: 'loss', patience: 1, minDelta: 0.01 });
    expect(await drive(model, [es2], seq('loss', [1, 0.95, 0.5]))).toEqual([0, 1, 2]);
    model.dispose();
  });

  it('mode max and auto (accuracy goes up)', async () => {
    const model = new FakeModel();
    for (const mode of ['max', 'auto'] as const) {
      const es = st.callbacks.earlyStopping({ monitor: 'val_accuracy', patience: 1, mode });
      expect(es.mode).toBe('max');
      expect(await drive(model, [es], seq('val_accuracy', [0.5, 0.7, 0.6, 0.9]))).toEqual([0, 1, 2]);
    }
    const esMin = st.callbacks.earlyStopping({ monitor: 'val_accuracy', patience: 1, mode: 'min' });
    expect(await drive(model, [esMin], seq('val_accuracy', [0.5, 0.7, 0.6, 0.9]))).toEqual([0, 1]);
    expect(() => st.callbacks.earlyStopping({ monitor: 'weird_score' })).toThrow(/cannot tell whether 'weird_score'/);
    model.dispose();
  });

  it('baseline: keeps waiting until the value beats the baseline', async () => {
    const model = new FakeModel();
    const es = st.callbacks.earlyStopping({ monitor: 'val_loss', patience: 2, baseline: 0.3 });
    // Epochs 0 and 1 improve but do not beat 0.3, so the wait is not reset: stop at epoch 2.
    expect(await drive(model, [es], seq('val_loss', [1, 0.8, 0.9, 0.85, 0.82]))).toEqual([0, 1, 2]);
    const noBaseline = st.callbacks.earlyStopping({ monitor: 'val_loss', patience: 2 });
    expect(await drive(model, [noBaseline], seq('val_loss', [1, 0.8, 0.9, 0.85, 0.82]))).toEqual([0, 1, 2, 3]);
    const es2 = st.callbacks.earlyStopping({ monitor: 'val_loss', patience: 2, baseline: 0.7 });
    expect(await drive(model, [es2], seq('val_loss', [1, 0.8, 0.6, 0.65, 0.66, 0.67]))).toEqual([0, 1, 2, 3, 4]);
    model.dispose();
  });

  it('restoreBestWeights puts back the best epoch weights, and nothing leaks', async () => {
    const model = new FakeModel();
    const before = st.memory().tensors;
    const es = st.callbacks.earlyStopping({ monitor: 'val_loss', patience: 2, restoreBestWeights: true });
    const ran = await drive(model, [es], seq('val_loss', [0.9, 0.4, 0.7, 0.8, 0.1]));
    expect(ran).toEqual([0, 1, 2, 3]);
    // Epoch 1 set the weights to 2 and was the best.
    for (const v of model.vars) expect(Array.from(await v.data())).toEqual(new Array(v.size).fill(2));
    expect(st.memory().tensors).toBe(before);
    // Without stopping early the best weights are restored too (Keras 3).
    const es2 = st.callbacks.earlyStopping({ monitor: 'val_loss', patience: 5, restoreBestWeights: true });
    await drive(model, [es2], seq('val_loss', [0.9, 0.4, 0.2, 0.8]));
    for (const v of model.vars) expect(Array.from(await v.data())).toEqual(new Array(v.size).fill(3));
    expect(st.memory().tensors).toBe(before);
    model.dispose();
  });

  it('startFromEpoch ignores the warm-up epochs', async () => {
    const model = new FakeModel();
    const es = st.callbacks.earlyStopping({ monitor: 'loss', patience: 1, startFromEpoch: 2 });
    expect(await drive(model, [es], seq('loss', [1, 2, 3, 4, 5]))).toEqual([0, 1, 2, 3]);
    model.dispose();
  });

  it('matches the Keras algorithm on random sequences', async () => {
    const rand = randomSource(11);
    const model = new FakeModel();
    for (let trial = 0; trial < 60; trial++) {
      const n = 3 + Math.floor(rand() * 12);
      const values = Array.from({ length: n }, () => Math.round(rand() * 20) / 10);
      const o = {
        patience: Math.floor(rand() * 4),
        minDelta: rand() < 0.5 ? 0 : Math.round(rand() * 5) / 10,
        mode: (rand() < 0.5 ? 'min' : 'max') as 'min' | 'max',
        baseline: rand() < 0.3 ? Math.round(rand() * 20) / 10 : null,
        start: rand() < 0.3 ? Math.floor(rand() * 3) : 0,
      };
      const es = st.callbacks.earlyStopping({ monitor: 'val_metric', patience: o.patience, minDelta: o.minDelta, mode: o.mode, baseline: o.baseline, startFromEpoch: o.start, restoreBestWeights: true });
      const ran = await drive(model, [es], seq('val_metric', values));
      const expected = earlyStoppingOracle(values, o);
      expect(ran.length, JSON.stringify({ values, o })).toBe(expected.ran);
      const w = (await model.vars[0]!.data())[0];
      expect(w, JSON.stringify({ values, o })).toBe(expected.bestEpoch === null ? ran.length : expected.bestEpoch + 1);
    }
    model.dispose();
  });
});

describe('ModelCheckpoint', () => {
  it('saveBestOnly saves only on improvement, at the formatted path', async () => {
    const model = new FakeModel();
    const ckpt = st.callbacks.modelCheckpoint({ filepath: 'file://ckpt/model-{epoch:02d}-{val_loss:.4f}', saveBestOnly: true });
    await drive(model, [ckpt], [{ loss: 1, val_loss: 0.5 }, { loss: 1, val_loss: 0.41234 }, { loss: 1, val_loss: 0.45 }, { loss: 1, val_loss: 0.3 }]);
    expect(model.saves).toEqual(['file://ckpt/model-01-0.5000', 'file://ckpt/model-02-0.4123', 'file://ckpt/model-04-0.3000']);
    expect(model.weightSaves).toEqual([]);
    expect(ckpt.best).toBe(0.3);
    model.dispose();
  });

  it('saves every epoch, weights only, mode max, paths without a scheme', async () => {
    const model = new FakeModel();
    const ckpt = st.callbacks.modelCheckpoint({ filepath: 'out/w-{epoch}-{accuracy:.2f}', saveWeightsOnly: true });
    await drive(model, [ckpt], seq('accuracy', [0.5, 0.25, 0.75]));
    expect(model.weightSaves).toEqual(['file://out/w-1-0.50', 'file://out/w-2-0.25', 'file://out/w-3-0.75']);
    const best = st.callbacks.modelCheckpoint({ filepath: 'indexeddb://best', monitor: 'val_accuracy', saveBestOnly: true });
    expect(best.mode).toBe('max');
    await drive(model, [best], seq('val_accuracy', [0.5, 0.25, 0.75, 0.7]));
    expect(model.saves).toEqual(['indexeddb://best', 'indexeddb://best']);
    model.dispose();
  });

  it('saveFreq N saves every N batches with {batch}', async () => {
    const model = new FakeModel();
    const ckpt = st.callbacks.modelCheckpoint({ filepath: 'b/e{epoch}-b{batch}', saveFreq: 3 });
    await drive(model, [ckpt], seq('loss', [1, 1]), { steps: 4 });
    expect(model.saves).toEqual(['file://b/e1-b2', 'file://b/e2-b1']);
    model.dispose();
  });

  it('formats Python-style fields and reports unknown ones', () => {
    const ckpt = new st.callbacks.ModelCheckpoint('x/{epoch:03d}_{loss:.2e}_{acc:8.3f}_{{literal}}_{loss}');
    expect(ckpt.filepathFor(6, null, { loss: 0.000123456, acc: 0.5 })).toBe('file://x/007_1.23e-04_   0.500_{literal}_0.000123456');
    expect(() => ckpt.filepathFor(0, null, { loss: 1 })).toThrow(/'\{acc\}' is not a log name/);
    expect(() => new st.callbacks.ModelCheckpoint('a/{epoch:q}').filepathFor(0, null, {})).toThrow(/unsupported format spec 'q'/);
    expect(() => new st.callbacks.ModelCheckpoint({ filepath: '' })).toThrow(/filepath must be a non-empty string/);
  });
});

/** Keras 3's ReduceLROnPlateau written out plainly: the learning rate after each epoch. */
function reduceLrOracle(values: number[], lr0: number, o: { factor: number; patience: number; minDelta: number; cooldown: number; minLr: number; mode: 'min' | 'max' }): number[] {
  let lr = lr0;
  let best = o.mode === 'min' ? Infinity : -Infinity;
  let wait = 0;
  let cool = 0;
  const out: number[] = [];
  for (const v of values) {
    if (cool > 0) { cool--; wait = 0; }
    const improved = o.mode === 'min' ? v < best - o.minDelta : v > best + o.minDelta;
    if (improved) { best = v; wait = 0; } else if (cool === 0) {
      wait++;
      if (wait >= o.patience && lr > Math.fround(o.minLr)) { lr = Math.max(lr * o.factor, o.minLr); cool = o.cooldown; wait = 0; }
    }
    out.push(lr);
  }
  return out;
}

describe('ReduceLROnPlateau', () => {
  it('reduces after patience, waits out the cooldown, stops at minLr', async () => {
    const model = new FakeModel(1);
    const lrs: number[] = [];
    const cb = st.callbacks.reduceLROnPlateau({ monitor: 'val_loss', factor: 0.5, patience: 2, cooldown: 1, minLr: 0.2, minDelta: 0 });
    const h = st.callbacks.history();
    const probe = st.callbacks.lambdaCallback({ onEpochEnd: () => { lrs.push(model.optimizer!.learningRate); } });
    await drive(model, [cb, probe, h], seq('val_loss', [1, 1, 1, 1, 1, 1, 1, 1, 1]));
    expect(lrs).toEqual([1, 1, 0.5, 0.5, 0.25, 0.25, 0.2, 0.2, 0.2]);
    // The learning rate at each epoch's end, before any reduction, lands in the logs (Keras).
    expect(h.history.learning_rate).toEqual([1, 1, 1, 0.5, 0.5, 0.25, 0.25, 0.2, 0.2]);
    model.dispose();
  });

  it('an improvement resets the wait; matches the Keras algorithm on random sequences', async () => {
    const rand = randomSource(5);
    for (let trial = 0; trial < 60; trial++) {
      const model = new FakeModel(0.5);
      const values = Array.from({ length: 4 + Math.floor(rand() * 14) }, () => Math.round(rand() * 10) / 10);
      const o = { factor: 0.1 + Math.round(rand() * 8) / 10, patience: Math.floor(rand() * 4), minDelta: rand() < 0.5 ? 0 : 0.1, cooldown: Math.floor(rand() * 3), minLr: rand() < 0.5 ? 0 : 0.05, mode: (rand() < 0.5 ? 'min' : 'max') as 'min' | 'max' };
      const lrs: number[] = [];
      const cb = st.callbacks.reduceLROnPlateau({ monitor: 'score', ...o });
      await drive(model, [cb, st.callbacks.lambdaCallback({ onEpochEnd: () => { lrs.push(model.optimizer!.learningRate); } })], seq('score', values));
      expect(lrs, JSON.stringify({ values, o })).toEqual(reduceLrOracle(values, 0.5, o));
      model.dispose();
    }
  });

  it('checks its options', () => {
    expect(() => st.callbacks.reduceLROnPlateau({ factor: 1 })).toThrow(/factor must be in \[0, 1\)/);
    expect(() => st.callbacks.reduceLROnPlateau({ patience: -1 })).toThrow(/patience must be an integer ≥ 0/);
  });
});

describe('LearningRateScheduler', () => {
  it('sets schedule(epoch, lr) at each epoch start and logs it', async () => {
    const model = new FakeModel(0.1);
    const seen: [number, number][] = [];
    const h = st.callbacks.history();
    const cb = st.callbacks.learningRateScheduler((epoch, lr) => {
      seen.push([epoch, lr]);
      return epoch < 2 ? lr : lr * 0.5;
    });
    await drive(model, [cb, h], seq('loss', [1, 1, 1, 1]));
    expect(seen).toEqual([[0, 0.1], [1, 0.1], [2, 0.1], [3, 0.05]]);
    expect(h.history.learning_rate).toEqual([0.1, 0.1, 0.05, 0.025]);
    const bad = st.callbacks.learningRateScheduler({ schedule: () => Number.NaN });
    await expect(drive(model, [bad], seq('loss', [1]))).rejects.toThrow(/must return a finite number/);
    model.dispose();
  });

  it('accepts an async schedule', async () => {
    const model = new FakeModel(1);
    const cb = new st.callbacks.LearningRateScheduler({ schedule: async (epoch) => 1 / (epoch + 1) });
    const lrs: number[] = [];
    await drive(model, [cb, st.callbacks.lambdaCallback({ onEpochBegin: () => { lrs.push(model.optimizer!.learningRate); } })], seq('loss', [1, 1, 1]));
    expect(lrs).toEqual([1, 0.5, 1 / 3]);
    model.dispose();
  });
});

describe('CSVLogger', () => {
  let dir = '';
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'strata-csv-')); });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it('writes a header once and a row per epoch as it ends', async () => {
    const model = new FakeModel();
    const file = join(dir, 'log.csv');
    await writeFile(file, 'old contents\n');
    const rows: string[] = [];
    const logger = st.callbacks.csvLogger(file);
    // Read the file from the next callback: each epoch's row is already there.
    const probe = st.callbacks.lambdaCallback({ onEpochEnd: async () => { rows.push(await readFile(file, 'utf8')); } });
    await drive(model, [logger, probe], [{ loss: 0.5, accuracy: 0.25, val_loss: 0.75, val_accuracy: 0.125 }, { loss: 0.25, accuracy: 0.5, val_loss: 0.5, val_accuracy: 0.375 }]);
    const header = 'epoch,accuracy,loss,val_accuracy,val_loss\n';
    expect(rows[0]).toBe(`${header}0,0.25,0.5,0.125,0.75\n`);
    expect(await readFile(file, 'utf8')).toBe(`${header}0,0.25,0.5,0.125,0.75\n1,0.5,0.25,0.375,0.5\n`);
    model.dispose();
  });

  it('appends without a second header, keeping the existing columns; NA for missing values', async () => {
    const model = new FakeModel();
    const file = join(dir, 'append.csv');
    await drive(model, [st.callbacks.csvLogger({ filename: file, separator: ';' })], [{ loss: 2, val_loss: 3 }]);
    await drive(model, [st.callbacks.csvLogger({ filename: file, separator: ';', append: true })], [{ loss: 1.5 }, { loss: 1, val_loss: 2.5 }]);
    expect(await readFile(file, 'utf8')).toBe('epoch;loss;val_loss\n0;2;3\n0;1.5;NA\n1;1;2.5\n');
    // Appending to a file that does not exist yet writes the header; val_ columns are made up front.
    const fresh = join(dir, 'fresh.csv');
    await drive(model, [st.callbacks.csvLogger({ filename: `file://${fresh}`, append: true })], [{ loss: 1 }, { loss: 0.5, val_loss: 0.25 }]);
    expect(await readFile(fresh, 'utf8')).toBe('epoch,loss,val_loss\n0,1,NA\n1,0.5,0.25\n');
    model.dispose();
  });
});

describe('TerminateOnNaN', () => {
  it('stops on a NaN or infinite batch loss only', async () => {
    for (const [bad, stops] of [[Number.NaN, true], [Infinity, true], [-Infinity, true], [1e30, false]] as const) {
      const model = new FakeModel();
      const batches: string[] = [];
      const probe = st.callbacks.lambdaCallback({ onBatchEnd: (b) => { batches.push(`${b}`); } });
      const ran = await drive(model, [new st.callbacks.TerminateOnNaN(), probe], seq('loss', [1, 1, 1]), { steps: 3, batchLogs: (e, b) => ({ loss: e === 1 && b === 1 ? bad : 0.5 }) });
      expect(ran).toEqual(stops ? [0, 1] : [0, 1, 2]);
      expect(batches.length).toBe(stops ? 5 : 9);
      model.dispose();
    }
  });
});

describe('LambdaCallback', () => {
  it('calls the given functions, onBatchBegin/End as the training batch hooks', async () => {
    const model = new FakeModel();
    const events: string[] = [];
    const cb = st.callbacks.lambdaCallback({
      onTrainBegin: () => { events.push('train begin'); },
      onEpochBegin: (e) => { events.push(`epoch ${e} begin`); },
      onBatchBegin: (b) => { events.push(`batch ${b} begin`); },
      onBatchEnd: async (b, logs) => { await Promise.resolve(); events.push(`batch ${b} end ${logs?.loss}`); },
      onEpochEnd: (e, logs) => { events.push(`epoch ${e} end ${logs?.loss}`); },
      onTrainEnd: () => { events.push('train end'); },
    });
    await drive(model, [cb], seq('loss', [7]), { steps: 2, batchLogs: (_e, b) => ({ loss: b }) });
    expect(events).toEqual(['train begin', 'epoch 0 begin', 'batch 0 begin', 'batch 0 end 0', 'batch 1 begin', 'batch 1 end 1', 'epoch 0 end 7', 'train end']);
    expect(() => st.callbacks.lambdaCallback({ onEpochEnd: 3 as unknown as () => void })).toThrow(/onEpochEnd must be a function/);
    model.dispose();
  });
});
