import * as st from '@strata/core';
import '@strata/backend-cpu';
import { loadDiabetes } from '@strata/datasets';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRegressor, runRegression } from '../src/diabetes.js';

beforeAll(async () => {
  await st.ready();
});

describe('tabular-regression (diabetes)', () => {
  it('the adapted Normalization layers standardize the inputs and restore the target units', async () => {
    const data = loadDiabetes({ scaled: false });
    const n = data.numSamples;
    const f = data.numFeatures;
    const x = st.tensor(data.features, [n, f]);
    const y = st.tensor(data.labels, [n, 1]);
    const { model, inputs, target } = createRegressor(f);
    await inputs.adapt(x);
    await target.adapt(y);
    // float64 reference: per-column mean and population standard deviation.
    const stats = (values: ArrayLike<number>, cols: number, col: number) => {
      let mean = 0;
      for (let i = 0; i < n; i++) mean += values[i * cols + col]! / n;
      let variance = 0;
      for (let i = 0; i < n; i++) variance += (values[i * cols + col]! - mean) ** 2 / n;
      return { mean, std: Math.sqrt(variance) };
    };
    const standardized = inputs.apply(x) as st.Tensor;
    const z = await standardized.data();
    for (const col of [0, 2, 9]) {
      const { mean, std } = stats(data.features, f, col);
      for (const i of [0, 17, 441]) expect(z[i * f + col]!).toBeCloseTo((data.features[i * f + col]! - mean) / std, 4);
    }
    const { mean, std } = stats(data.labels, 1, 0);
    const zeroOne = st.tensor([[0], [1]]);
    const restored = target.apply(zeroOne) as st.Tensor;
    const back = await restored.data();
    expect(back[0]!).toBeCloseTo(mean, 2);
    expect(back[1]!).toBeCloseTo(mean + std, 2);
    model.dispose();
    st.dispose([x, y, standardized, zeroOne, restored]);
  });

  it('early stopping ends training, restores the best weights, and beats the mean predictor', async () => {
    const r = await runRegression({ logEvery: 0, log: () => {} });
    expect(r.epochsRun).toBeLessThan(500);
    expect(r.epochsRun).toBe(r.bestEpoch + 25);
    expect(Math.min(...r.history['val_loss']!)).toBeCloseTo(r.bestValLoss, 6);
    // The restored model scores the best epoch's validation loss again.
    expect(Math.abs(r.restoredValLoss - r.bestValLoss) / r.bestValLoss).toBeLessThan(1e-4);
    expect(r.testMae).toBeLessThan(0.85 * r.baselineMae);
    expect(r.testRmse).toBeLessThan(r.baselineRmse);
    expect(r.tensorsLeft).toBe(0);
  }, 30_000);
});
