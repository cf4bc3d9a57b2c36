import { describe, expect, it, vi } from 'vitest';
import type { BackendRequest } from '@strata/core';

// Each case loads a fresh copy of core so that nothing is active yet.
async function freshCore(): Promise<typeof import('@strata/core')> {
  vi.resetModules();
  const st = await import('@strata/core');
  await import('@strata/backend-cpu');
  return st;
}

describe('factories learn whether they were named', { timeout: 30_000 }, () => {
  it('automatic choice asks with byName false; a backend that declines it still works when named', async () => {
    const st = await freshCore();
    const requests: BackendRequest[] = [];
    const cpu = async (): Promise<st.Backend> => {
      await st.setBackend('cpu');
      return st.backendInstance('cpu')!;
    };
    st.registerBackend({
      name: 'software-gpu',
      priority: 50,
      create: async (request) => {
        requests.push(request!);
        if (!request!.byName) throw new Error('only a fallback adapter was found; ask for it by name');
        const base = await cpu();
        return Object.create(base, { name: { value: 'software-gpu' } }) as st.Backend;
      },
    });
    expect(await st.ready()).toBe('cpu');
    expect(st.backends().find((b) => b.name === 'software-gpu')).toMatchObject({ status: 'unavailable', reason: 'only a fallback adapter was found; ask for it by name' });
    // Named, the factory is tried again (an automatic refusal is not final) and accepts.
    await st.setBackend('software-gpu');
    expect(st.getBackend()).toBe('software-gpu');
    expect(requests).toEqual([{ byName: false }, { byName: true }]);
    // Once created, the instance is reused.
    await st.setBackend('software-gpu');
    expect(requests).toHaveLength(2);
  });

  it('a failure when named is final', async () => {
    const st = await freshCore();
    let calls = 0;
    st.registerBackend({ name: 'broken', priority: 0, create: async () => { calls++; throw new Error('addon missing'); } });
    await expect(st.setBackend('broken')).rejects.toThrow(/backend 'broken' is unavailable: addon missing/);
    await expect(st.setBackend('broken')).rejects.toThrow(/addon missing/);
    expect(calls).toBe(1);
  });

  it('STRATA_BACKEND names the backend', async () => {
    const st = await freshCore();
    const requests: BackendRequest[] = [];
    st.registerBackend({ name: 'env-named', priority: 0, create: async (r) => { requests.push(r!); throw new Error('nope'); } });
    process.env['STRATA_BACKEND'] = 'env-named';
    try {
      await expect(st.ready()).rejects.toThrow(/nope/);
      expect(requests).toEqual([{ byName: true }]);
    } finally {
      delete process.env['STRATA_BACKEND'];
    }
  });
});
