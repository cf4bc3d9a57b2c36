// Training on this backend: the wasm heap (the module's memory) and the live storage stay the same
// from epoch 2 to epoch 10 of fit, so a long training run cannot run the module out of memory.
import { describe, expect, it } from 'vitest';
import { fitMemoryTrace } from '@strata/conformance';
import { WasmBackend } from '@strata/backend-wasm';

describe('fit on wasm-simd', () => {
  it('neither the heap nor the live buffers grow across 10 epochs, and the loss falls', async () => {
    const backend = await WasmBackend.create({ threads: 1 });
    const trace = await fitMemoryTrace(backend, () => backend.heapSize());
    expect(trace.footprint).toHaveLength(10);
    // The first epoch sizes the heap (optimizer slots, metric state); after it nothing grows.
    expect(new Set(trace.footprint.slice(1)).size, `heap bytes per epoch: ${trace.footprint.join(', ')}`).toBe(1);
    expect(new Set(trace.liveBuffers).size, `live buffers per epoch: ${trace.liveBuffers.join(', ')}`).toBe(1);
    expect(trace.loss.at(-1)!).toBeLessThan(trace.loss[0]!);
    expect(trace.buffersAfterDispose).toBeLessThan(trace.buffersBeforeDispose);
  }, 60_000);
});
