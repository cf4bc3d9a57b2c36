// Training on this backend: the live buffers and the buffer pool stay the same from epoch 2 to
// epoch 10 of fit, so a long training run cannot exhaust the GPU's memory.
import { describe, expect, it } from 'vitest';
import { fitMemoryTrace } from '@strata/conformance';
import { anyAdapter, missingGpu } from './gpu.js';

const missing = await missingGpu();

describe.skipIf(missing !== null)(`fit on webgpu${missing !== null ? ` (skipped: ${missing})` : ''}`, () => {
  it('neither the pool nor the live buffers grow across 10 epochs, and the loss falls', async () => {
    const backend = await anyAdapter();
    // conv runs through the optional kernel, pooling, norm and Adam through theirs.
    const trace = await fitMemoryTrace(backend, () => backend.poolStats().allocatedBuffers);
    expect(trace.footprint).toHaveLength(10);
    // The first epoch fills the pool (optimizer slots, metric state); after it nothing grows.
    expect(new Set(trace.footprint.slice(1)).size, `device buffers per epoch: ${trace.footprint.join(', ')}`).toBe(1);
    expect(new Set(trace.liveBuffers).size, `live buffers per epoch: ${trace.liveBuffers.join(', ')}`).toBe(1);
    expect(trace.loss.at(-1)!).toBeLessThan(trace.loss[0]!);
    expect(trace.buffersAfterDispose).toBeLessThan(trace.buffersBeforeDispose);
  }, 300_000);
});
