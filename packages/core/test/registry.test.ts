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

  it('names the registered backends when asked for an unknown one', async () => {
    await expect(st.setBackend('nope')).rejects.toThrow(/no backend named 'nope' is registered \(registered: .*cpu/);
  });

  it('ready() returns the active backend', async () => {
    await useCpu();
    expect(await st.ready()).toBe('cpu');
  });
});
