// Automatic backend choice never takes a software adapter, but naming the backend does; and
// st.backends() says which adapter was found and why it was not chosen.
import { describe, expect, it, vi } from 'vitest';
import { anyAdapter, missingGpu } from './gpu.js';

const missing = await missingGpu();
const probe = missing === null ? await anyAdapter() : null;
const fallback = probe?.isFallback === true;
probe?.dispose();

describe.skipIf(!fallback)(`automatic choice on a fallback adapter${missing !== null ? ` (skipped: ${missing})` : !fallback ? ' (skipped: this machine has a hardware adapter)' : ''}`, { timeout: 60_000 }, () => {
  it('ready() skips webgpu on SwiftShader and says why; setBackend("webgpu") takes it', async () => {
    vi.resetModules();
    const st = await import('@strata/core');
    await import('@strata/backend-cpu');
    await import('@strata/backend-webgpu');
    expect(await st.ready()).toBe('cpu');
    const webgpu = st.backends().find((b) => b.name === 'webgpu');
    expect(webgpu?.status).toBe('unavailable');
    expect(webgpu?.reason).toMatch(/only a fallback adapter \(google swiftshader.*\) was found.*st\.setBackend\('webgpu'\)/);
    await st.setBackend('webgpu');
    expect(st.getBackend()).toBe('webgpu');
    const active = st.backends().find((b) => b.name === 'webgpu');
    expect(active?.status).toBe('active');
    expect(active?.description).toMatch(/swiftshader.*fallback/);
    const t = st.add(st.tensor([1, 2, 3]), st.tensor([10, 20, 30]));
    expect(Array.from(await t.data())).toEqual([11, 22, 33]);
    st.backendInstance('webgpu')?.dispose?.();
  });
});
