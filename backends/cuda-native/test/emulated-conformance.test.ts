// The JS layer of the cuda backend (shapes, index layouts, op codes, argument order, temporaries
// and memory bookkeeping) under the full conformance suite, over a plain-JS emulation of the
// addon's kernels (test/emulated-addon.ts). This runs everywhere; it does not exercise CUDA code,
// which conformance.test.ts and scripts/gpu-check.sh do on a GPU.
import { describe, expect, it } from 'vitest';
import { describeConformance } from '@strata/conformance/vitest';
import { CudaBackend } from '@strata/backend-cuda';
import { EmulatedAddon } from './emulated-addon.js';

const addon = new EmulatedAddon();
const backend = CudaBackend.fromAddon(addon, 'emulated addon');

describeConformance(backend, { name: 'cuda JS layer over an emulated addon' });

describe('cuda JS layer bookkeeping', () => {
  it('every buffer the addon holds is one the backend counts (temporaries are freed)', () => {
    expect(addon.liveBuffers()).toBe(backend.memory().buffers);
  });

  it('kernel errors name the kernel and the shapes, and free the output', () => {
    const before = addon.liveBuffers();
    const x = backend.fill([2, 3], 1, 'float32');
    const freed = { ...x };
    backend.free(x.storage);
    expect(() => backend.unary('exp', freed)).toThrow(/cuda backend: unary\(exp\) of float32 \[2,3\]: storage used after it was freed/);
    const live = backend.fill([2, 3], 1, 'float32');
    expect(() => backend.binary('add', { ...live, dtype: 'int32' }, live)).toThrow(/cuda backend: binary\(add\) of int32 \[2,3\] and float32 \[2,3\]: storage holds float32 but the tensor says int32/);
    expect(() => backend.matMul(live, live, false, false)).toThrow(/matMul: inner dims differ: \[2,3\] × \[2,3\]/);
    backend.free(live.storage);
    expect(addon.liveBuffers()).toBe(before);
  });
});
