import * as st from '@strata/core';
import '@strata/backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { createModel, runMultiIo } from '../src/penguins.js';

beforeAll(async () => {
  await st.ready();
});

const quiet = { logEvery: 0, log: () => {} };

describe('functional-multi-io (penguins)', () => {
  it('has two named inputs and two named outputs', () => {
    const { model } = createModel();
    expect(model.inputNames).toEqual(['measurements', 'context']);
    expect(model.outputNames).toEqual(['species', 'mass']);
    expect(model.outputs.map((o) => o.shape)).toEqual([[null, 3], [null, 1]]);
    model.dispose();
  });

  it('learns both outputs, logs each one, and the total loss is the weighted sum', async () => {
    const r = await runMultiIo({ epochs: 40, ...quiet });
    expect(Object.keys(r.history).sort()).toEqual([
      'loss', 'mass_loss', 'mass_mae', 'species_accuracy', 'species_loss',
      'val_loss', 'val_mass_loss', 'val_mass_mae', 'val_species_accuracy', 'val_species_loss',
    ]);
    const t = r.test;
    expect(Math.abs(t['loss']! - (t['species_loss']! + 0.5 * t['mass_loss']!))).toBeLessThan(1e-4);
    // The most common species is 45% of the test set; the mean mass is off by about 700 g.
    expect(t['species_accuracy']!).toBeGreaterThan(0.9);
    expect(r.baselineAccuracy).toBeLessThan(0.5);
    expect(t['mass_mae']!).toBeLessThan(0.6 * r.baselineMae);
    expect(r.examples).toHaveLength(5);
    expect(r.tensorsLeft).toBe(0);
  }, 30_000);

  it('a loss weight of 0 leaves the mass output untrained while the species output still learns', async () => {
    const r = await runMultiIo({ epochs: 40, massLossWeight: 0, ...quiet });
    expect(r.test['species_accuracy']!).toBeGreaterThan(0.9);
    expect(r.test['mass_mae']!).toBeGreaterThan(r.baselineMae);
  }, 30_000);
});
