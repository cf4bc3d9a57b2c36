// The shared conformance suite again, on two threads with no size threshold, so every kernel
// that can be split (matMul, fusedMatMul, attention, conv2d and its backprops) runs threaded
// even on the suite's small tensors.
import { afterAll, expect, it } from 'vitest';
import { describeConformance } from '@strata/conformance/vitest';
import { WasmBackend } from '@strata/backend-wasm';

const backend = await WasmBackend.create({ threads: 2, minParallelWork: 0 });

describeConformance(backend, { name: 'wasm-simd, 2 threads' });

it('ran on two threads', () => {
  expect(backend.threads).toBe(2);
  expect(backend.parallelDispatches).toBeGreaterThan(0);
});

afterAll(() => backend.dispose());
