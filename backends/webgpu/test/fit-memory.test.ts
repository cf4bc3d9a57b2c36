// Training on this backend: the live buffers and the buffer pool stay the same from epoch 2 to
// epoch 10 of fit, so a long training run cannot exhaust the GPU's memory.
import { describe, expect, it } from 'vitest';
import * as st from '@strata/core';
import { anyAdapter, missingGpu } from './gpu.js';

const missing = await missingGpu();

describe.skipIf(missing !== null)(`fit on webgpu${missing !== null ? ` (skipped: ${missing})` : ''}`, () => {
  it('neither the pool nor the live buffers grow across 10 epochs, and the loss falls', async () => {
    const backend = await anyAdapter();
    st.registerBackend({ name: 'webgpu-fit-test', priority: 0, create: async () => backend });
    await st.setBackend('webgpu-fit-test');
    st.setSeed(3);
    // A small CNN with dropout and batch normalization: conv (through the fallback or the optional
    // kernel), pooling, norm and Adam all run.
    const model = st.sequential([
      st.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [8, 8, 1] }),
      st.layers.maxPooling2d({ poolSize: 2 }),
      st.layers.batchNormalization(),
      st.layers.flatten(),
      st.layers.dropout({ rate: 0.2 }),
      st.layers.dense({ units: 3, activation: 'softmax' }),
    ]);
    model.compile({ optimizer: st.optimizers.adam(0.01), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const n = 96;
    const x = st.randomUniform([n, 8, 8, 1], 0, 1, 'float32', 5);
    const y = st.tidy(() => st.cast(st.mul(st.argMax(st.reshape(st.sum(st.reshape(x, [n, 2, 4, 8]), [2, 3]), [n, 2]), -1), 2), 'int32'));
    const pool: number[] = [];
    const buffers: number[] = [];
    const watch = st.callbacks.lambdaCallback({ onEpochEnd: () => { pool.push(backend.poolStats().allocatedBuffers); buffers.push(st.memory().buffers); } });
    const h = await model.fit(x, y, { epochs: 10, batchSize: 16, validationSplit: 0.25, seed: 1, verbose: 0, callbacks: [watch] });
    // The first epoch fills the pool (optimizer slots, metric state); after it nothing grows.
    expect(new Set(pool.slice(1)).size, `device buffers per epoch: ${pool.join(', ')}`).toBe(1);
    expect(new Set(buffers).size, `live buffers per epoch: ${buffers.join(', ')}`).toBe(1);
    expect(h.history['loss']!.at(-1)!).toBeLessThan(h.history['loss']![0]!);
    const live = backend.memory().buffers;
    st.dispose([x, y]);
    model.dispose();
    expect(backend.memory().buffers).toBeLessThan(live);
  }, 300_000);
});
