// Importing the package registers 'cuda' above the other backends; without a usable GPU the
// registry reports it unavailable with the driver's reason and picks the next backend.
import { describe, expect, it } from 'vitest';
import * as st from '@strata/core';
import { CUDA_PRIORITY, CudaBackend, registration } from '@strata/backend-cuda';
import '@strata/backend-cpu'; // registers 'cpu' (priority 1) to fall back to
import { missingDevice } from './helpers.js';

const missing = missingDevice();

describe('registration', () => {
  it('registers as cuda with a priority above webgpu (50) and wasm-simd (30)', () => {
    expect(registration.name).toBe('cuda');
    expect(CUDA_PRIORITY).toBe(60);
    expect(st.registeredBackends()[0]).toBe('cuda');
  });

  it.skipIf(missing === null)('without a GPU, backends() says why and ready() falls back', async () => {
    await expect(CudaBackend.create()).rejects.toThrow(/^no CUDA device: /);
    expect(await st.ready()).toBe('cpu');
    const cuda = st.backends().find((b) => b.name === 'cuda');
    expect(cuda?.status).toBe('unavailable');
    expect(cuda?.reason).toBe(missing);
    // On this kind of machine (CUDA 13 runtime, no NVIDIA driver) the reason is the driver's error 35.
    expect(cuda?.reason).toMatch(/^no CUDA device: (cudaErrorInsufficientDriver \(35\)|cudaErrorNoDevice \(100\)|the cuda addon is not loadable|.+)/);
    await expect(st.setBackend('cuda')).rejects.toThrow(/setBackend: backend 'cuda' is unavailable: no CUDA device: /);
  });
});
