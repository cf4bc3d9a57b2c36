import * as st from '@strata/core';
import '@strata/backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { createBase, runTransfer, withHead } from '../src/transfer.js';

beforeAll(async () => {
  await st.ready();
});

describe('transfer-learning', () => {
  it('freezing the shared base leaves only the new head trainable', () => {
    const base = createBase();
    const model = withHead(base, 'head');
    expect(countOf(model.trainableWeights)).toBe(27237);
    base.trainable = false;
    // The head: dense 400 → 64 and dense 64 → 5; the two convolutions (80 + 1,168) are frozen.
    expect(countOf(model.trainableWeights)).toBe(400 * 64 + 64 + 64 * 5 + 5);
    expect(countOf(model.nonTrainableWeights)).toBe(80 + 1168);
    model.dispose();
  });

  it('a short run: the base learns 0–4, stays frozen under the new head, then fine-tuning moves it', async () => {
    const r = await runTransfer({
      baseSamples: 1500, baseEpochs: 2, newSamples: 300, headEpochs: 5, fineTuneEpochs: 1, testSamples: 500,
      batchSize: 32, verbose: 0, log: () => {},
    });
    // Five classes: chance is 20%.
    expect(r.baseAccuracy).toBeGreaterThan(0.8);
    expect(r.frozenAccuracy).toBeGreaterThan(0.4);
    expect(r.fineTunedAccuracy).toBeGreaterThan(0.4);
    expect(r.frozenBaseUnchanged).toBe(true);
    expect(r.fineTuningChangedBase).toBe(true);
    expect([r.trainableWhileFrozen, r.trainableWhenUnfrozen]).toEqual([25989, 27237]);
    expect(r.tensorsLeft).toBe(0);
  }, 90_000);
});

function countOf(weights: readonly st.Tensor[]): number {
  return weights.reduce((n, w) => n + w.size, 0);
}
