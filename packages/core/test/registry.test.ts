import { describe, expect, it } from 'vitest';
import * as st from '@strata/core';
import { useCpu } from './setup.js';

describe('backend registry', () => {
  it('reports an unavailable backend with its reason, and keeps the working one', async () => {
    await useCpu();
    st.registerBackend({ name: 'test-no-gpu', priority: 100, create: async () => { throw new Error('no adapter found'); } });
    await expect(st.setBackend('test-no-gpu')).rejects.toThrow(/backend 'test-no-gpu' is unavailable: no adapter found/);
    const status = st.backends();
    expect(status[0]).toEqual({ name: 'test-no-gpu', priority: 100, status: 'unavailable', reason: 'no adapter found' });
    expect(status.find((b) => b.name === 'cpu')?.status).toBe('active');
    expect(st.getBackend()).toBe('cpu');
    st.removeBackend('test-no-gpu');
  });

  it("shows an initialised backend's description, active or ready", async () => {
    await useCpu();
    const cpu = st.backendInstance('cpu')!;
    const described = Object.create(cpu, { name: { value: 'test-described' }, description: { value: '3 threads (worker_threads)' } }) as st.Backend;
    st.registerBackend({ name: 'test-described', priority: 0, create: async () => described });
    await st.setBackend('test-described');
    expect(st.backends().find((b) => b.name === 'test-described')).toEqual({ name: 'test-described', priority: 0, status: 'active', description: '3 threads (worker_threads)' });
    await st.setBackend('cpu');
    expect(st.backends().find((b) => b.name === 'test-described')).toEqual({ name: 'test-described', priority: 0, status: 'ready', description: '3 threads (worker_threads)' });
    expect(st.backends().find((b) => b.name === 'cpu')).toEqual({ name: 'cpu', priority: 1, status: 'active' });
    st.removeBackend('test-described');
  });

  it('names the registered backends when asked for an unknown one', async () => {
    await expect(st.setBackend('nope')).rejects.toThrow(/no backend named 'nope' is registered \(registered: .*cpu/);
  });

  it('ready() returns the active backend', async () => {
    await useCpu();
    expect(await st.ready()).toBe('cpu');
  });
});
