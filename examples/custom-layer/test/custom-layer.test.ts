import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as st from '@strata/core';
import '@strata/backend-cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RBF, RbfNetwork } from '../src/rbf.js';
import { runCustomLayer } from '../src/train.js';

const dir = mkdtempSync(join(tmpdir(), 'strata-custom-layer-test-'));

beforeAll(async () => {
  await st.ready();
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('the RBF layer', () => {
  it('computes exp(-γ‖x − c‖²) like a float64 reference', async () => {
    st.setSeed(3);
    const layer = new RBF({ units: 5, gamma: 0.3 });
    const x = st.randomNormal([7, 4]);
    const y = layer.apply(x);
    expect(y.shape).toEqual([7, 5]);
    const [xv, cv, gv, yv] = await Promise.all([x.data(), layer.centers!.data(), layer.logGamma!.data(), y.data()]);
    for (let i = 0; i < 7; i++) {
      for (let j = 0; j < 5; j++) {
        let d2 = 0;
        for (let k = 0; k < 4; k++) d2 += (xv[i * 4 + k]! - cv[k * 5 + j]!) ** 2;
        expect(yv[i * 5 + j]!).toBeCloseTo(Math.exp(-Math.exp(gv[j]!) * d2), 5);
      }
    }
    expect(layer.weights.map((w) => w.shape)).toEqual([[4, 5], [5]]);
    st.dispose([x, y]);
    layer.dispose();
  });

  it('round-trips through getConfig/fromConfig and rejects bad arguments', () => {
    const layer = new RBF({ units: 6, gamma: 0.25, name: 'my_rbf' });
    const config = layer.getConfig();
    expect(config).toMatchObject({ name: 'my_rbf', units: 6, gamma: 0.25 });
    const copy = RBF.fromConfig(config);
    expect(copy).toBeInstanceOf(RBF);
    expect([copy.units, copy.gamma, copy.name]).toEqual([6, 0.25, 'my_rbf']);
    expect(st.getRegisteredClass('layer', 'RBF')).toBe(RBF);
    expect(() => new RBF({ units: 0 })).toThrow(/RBF: units must be a positive integer, got 0/);
  });

  it('a sequential model that uses it saves and loads with identical predictions', async () => {
    st.setSeed(5);
    const model = st.sequential([new RBF({ units: 4, inputShape: [3], name: 'rbf_seq' }), st.layers.dense({ units: 2, name: 'out' })]);
    const x = st.randomNormal([10, 3]);
    await model.save(`file://${join(dir, 'sequential')}`);
    const loaded = await st.loadModel(`file://${join(dir, 'sequential')}`);
    expect(loaded.layers.map((l) => l.getClassName())).toEqual(['RBF', 'Dense']);
    const [a, b] = [model.predictOnBatch(x) as st.Tensor, loaded.predictOnBatch(x) as st.Tensor];
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
    st.dispose([x, a, b]);
    model.dispose();
    loaded.dispose();
  });
});

describe('the subclassed RbfNetwork on wine', () => {
  it('trains with fit, saves, loads back as RbfNetwork with identical predictions, and keeps training', async () => {
    const r = await runCustomLayer({ saveDir: join(dir, 'rbf-network'), epochs: 15, verbose: 0, log: () => {} });
    const loss = r.history['loss']!;
    expect(loss.at(-1)!).toBeLessThan(loss[0]! * 0.5);
    // Three cultivars: chance is about 40%.
    expect(r.testAccuracy).toBeGreaterThan(0.85);
    expect(r.loadedClassName).toBe('RbfNetwork');
    expect(r.loadedWeightNames.sort()).toEqual(['classifier/bias', 'classifier/kernel', 'rbf/centers', 'rbf/log_gamma', 'standardize/mean', 'standardize/variance']);
    expect(r.maxPredictionDifference).toBe(0);
    expect(r.loadedTestAccuracy).toBe(r.testAccuracy);
    expect(Number.isFinite(r.loadedFurtherLoss)).toBe(true);
    expect(r.tensorsLeft).toBe(0);
  }, 30_000);

  it('builds its weights at construction, so it can be summarized before training', () => {
    const model = new RbfNetwork({ inputDim: 13, centers: 12, classes: 3 });
    // Normalization 13 + 13, RBF 13·12 + 12, Dense 12·3 + 3.
    expect(model.countParams()).toBe(26 + 168 + 39);
    model.dispose();
  });
});
