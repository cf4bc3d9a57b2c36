import * as st from '@strata/core';
import '@strata/backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { createMlp, runMnistMlp } from '../src/mlp.js';

beforeAll(async () => {
  await st.ready();
});

describe('mnist-mlp', () => {
  it('builds the documented model: 784 → 256 → 10 with 203,530 parameters', () => {
    const model = createMlp();
    expect(model.countParams()).toBe(784 * 256 + 256 + 256 * 10 + 10);
    expect(model.layers.map((l) => l.name)).toEqual(['hidden', 'dropout', 'digits']);
    const lines: string[] = [];
    model.summary(undefined, (line) => lines.push(line));
    expect(lines.join('\n')).toMatch(/Total params: 203,530/);
    model.dispose();
  });

  it('a short run on an MNIST subset learns well above chance, keeps memory flat and leaks nothing', async () => {
    const result = await runMnistMlp({ limit: 3000, testLimit: 1000, epochs: 3, batchSize: 64, verbose: 0, log: () => {} });
    const { loss, val_accuracy: valAccuracy } = result.history;
    expect(loss).toHaveLength(3);
    expect(loss![2]!).toBeLessThan(loss![0]! * 0.6);
    expect(valAccuracy![2]!).toBeGreaterThan(0.8);
    // Chance is 10%; 2,700 training images for 3 epochs already give about 90%.
    expect(result.testAccuracy).toBeGreaterThan(0.85);
    expect(result.testCount).toBe(1000);
    expect(new Set(result.buffersPerEpoch).size).toBe(1);
    expect(result.tensorsLeft).toBe(0);
  }, 60_000);
});
