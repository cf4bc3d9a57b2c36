import * as st from '@strata/core';
import '@strata/backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCnn, runMnistCnn } from '../src/cnn.js';

beforeAll(async () => {
  await st.ready();
});

describe('mnist-cnn', () => {
  it('builds the documented network: shapes after each layer and 27,562 parameters', () => {
    const model = createCnn();
    let shape: st.SymbolicShape = [null, 28, 28, 1];
    const shapes = model.layers.map((layer) => (shape = layer.computeOutputShape(shape) as st.SymbolicShape));
    expect(shapes).toEqual([[null, 26, 26, 8], [null, 13, 13, 8], [null, 11, 11, 16], [null, 5, 5, 16], [null, 400], [null, 64], [null, 10]]);
    // conv1 3·3·1·8 + 8, conv2 3·3·8·16 + 16, hidden 400·64 + 64, digits 64·10 + 10.
    expect(model.countParams()).toBe(80 + 1168 + 25664 + 650);
    model.dispose();
  });

  it('two short epochs on 1,500 images learn well above chance, with flat memory and no leaks', async () => {
    const result = await runMnistCnn({ limit: 1500, testLimit: 500, epochs: 2, batchSize: 32, verbose: 0, log: () => {} });
    const loss = result.history['loss']!;
    expect(loss).toHaveLength(2);
    expect(loss[1]!).toBeLessThan(loss[0]! * 0.7);
    // Chance is 10%; this short run reaches about 85%.
    expect(result.testAccuracy).toBeGreaterThan(0.6);
    expect(result.testCount).toBe(500);
    expect(new Set(result.buffersPerEpoch).size).toBe(1);
    expect(result.tensorsLeft).toBe(0);
  }, 90_000);
});
