// Training on this backend: the wasm heap (the module's memory) and the live storage stay the same
// from epoch 2 to epoch 10 of fit, so a long training run cannot run the module out of memory.
import { describe, expect, it } from 'vitest';
import * as st from '@strata/core';
import { WasmBackend } from '@strata/backend-wasm';

describe('fit on wasm-simd', () => {
  it('neither the heap nor the live buffers grow across 10 epochs, and the loss falls', async () => {
    const backend = await WasmBackend.create({ threads: 1 });
    st.registerBackend({ name: 'wasm-fit-test', priority: 0, create: async () => backend });
    await st.setBackend('wasm-fit-test');
    st.setSeed(3);
    // A small CNN with dropout and batch normalization: conv, pooling, norm and Adam kernels all run.
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
    // Labels from the image's brightest quadrant row, so there is something to learn.
    const y = st.tidy(() => st.cast(st.mul(st.argMax(st.reshape(st.sum(st.reshape(x, [n, 2, 4, 8]), [2, 3]), [n, 2]), -1), 2), 'int32'));
    const heap: number[] = [];
    const buffers: number[] = [];
    const watch = st.callbacks.lambdaCallback({ onEpochEnd: () => { heap.push(backend.heapSize()); buffers.push(st.memory().buffers); } });
    const h = await model.fit(x, y, { epochs: 10, batchSize: 16, validationSplit: 0.25, seed: 1, verbose: 0, callbacks: [watch] });
    // The first epoch sizes the heap (optimizer slots, metric state); after it nothing grows.
    expect(new Set(heap.slice(1)).size, `heap bytes per epoch: ${heap.join(', ')}`).toBe(1);
    expect(new Set(buffers).size, `live buffers per epoch: ${buffers.join(', ')}`).toBe(1);
    expect(h.history['loss']!.at(-1)!).toBeLessThan(h.history['loss']![0]!);
    const live = backend.memory().buffers;
    st.dispose([x, y]);
    model.dispose();
    expect(backend.memory().buffers).toBeLessThan(live);
  }, 60_000);
});
