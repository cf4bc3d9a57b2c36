import { describe, expect, it, vi } from 'vitest';

// Each case loads a fresh copy of core so that nothing is active yet.
async function freshCore(): Promise<typeof import('@strata/core')> {
  vi.resetModules();
  const st = await import('@strata/core');
  await import('@strata/backend-cpu');
  return st;
}

describe('automatic backend choice', () => {
  it('skips a higher-priority backend whose factory fails and says why', async () => {
    const st = await freshCore();
    st.registerBackend({ name: 'fake-gpu', priority: 50, create: async () => { throw new Error('no CUDA device'); } });
    expect(await st.ready()).toBe('cpu');
    expect(st.backends().map((b) => [b.name, b.status, b.reason])).toEqual([
      ['fake-gpu', 'unavailable', 'no CUDA device'],
      ['cpu', 'active', undefined],
    ]);
  });

  it('ops before ready() fail with advice', async () => {
    const st = await freshCore();
    expect(() => st.ones([2])).toThrow(/no backend is active: call `await st.ready\(\)`/);
  });

  it('STRATA_BACKEND picks the backend by name', async () => {
    const st = await freshCore();
    st.registerBackend({ name: 'preferred', priority: 99, create: async () => { throw new Error('never tried'); } });
    process.env['STRATA_BACKEND'] = 'cpu';
    try {
      expect(await st.ready()).toBe('cpu');
      expect(st.backends().find((b) => b.name === 'preferred')?.status).toBe('untried');
    } finally {
      delete process.env['STRATA_BACKEND'];
    }
  });
});
