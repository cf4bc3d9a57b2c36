import { describe, expect, it } from 'vitest';
import { importInstalledBackends, isFastBackend } from '../src/backends.js';

describe('demo backend choice', () => {
  it('skips packages that are not installed and reports ones that fail to load', async () => {
    const results = await importInstalledBackends(['@strata/no-such-backend', 'broken', 'fine'], async (name) => {
      if (name === 'broken') throw new Error('addon failed to load: libcuda.so.1 missing');
      if (name === 'fine') return {};
      return import(name);
    });
    expect(results).toEqual([
      { name: '@strata/no-such-backend', status: 'not installed' },
      { name: 'broken', status: 'failed', reason: 'addon failed to load: libcuda.so.1 missing' },
      { name: 'fine', status: 'imported' },
    ]);
  });

  it('an installed package missing one of its own dependencies is a failure, not "not installed"', async () => {
    const results = await importInstalledBackends(['pkg'], async () => {
      throw Object.assign(new Error("Cannot find package 'webgpu' imported from /app/node_modules/pkg/index.js"), { code: 'ERR_MODULE_NOT_FOUND' });
    });
    expect(results[0]!.status).toBe('failed');
  });

  it('trains the CNN on every backend but the cpu reference', () => {
    expect(isFastBackend('cpu')).toBe(false);
    expect(['wasm-simd', 'webgpu', 'cuda'].every(isFastBackend)).toBe(true);
  });
});
