/**
 * Imports whichever Strata backend packages are installed, so that `st.ready()` can choose the
 * best one. The cpu reference is a dependency and always there; the others are optional.
 */
import '@strata/backend-cpu';

/** Backend packages the demo uses when installed (each registers itself when imported). */
export const OPTIONAL_BACKEND_PACKAGES: readonly string[] = ['@strata/backend-cuda', '@strata/backend-webgpu', '@strata/backend-wasm'];

/** What importing one optional package gave. */
export interface BackendImport {
  readonly name: string;
  readonly status: 'imported' | 'not installed' | 'failed';
  readonly reason?: string;
}

/**
 * Imports each package of `packages`. A package that is not installed is skipped quietly; one that
 * is installed but fails to load is reported, never fatal (the next backend is used instead).
 */
export async function importInstalledBackends(
  packages: readonly string[] = OPTIONAL_BACKEND_PACKAGES,
  load: (specifier: string) => Promise<unknown> = (specifier) => import(specifier),
): Promise<BackendImport[]> {
  const results: BackendImport[] = [];
  for (const name of packages) {
    try {
      await load(name);
      results.push({ name, status: 'imported' });
    } catch (err) {
      // Only the package itself missing counts as "not installed"; a missing dependency of it is a failure.
      const missing = (err as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND' && String((err as Error).message).includes(`'${name}'`);
      results.push(missing ? { name, status: 'not installed' } : { name, status: 'failed', reason: err instanceof Error ? err.message : String(err) });
    }
  }
  return results;
}

/** The cpu reference is correct but slow: only other backends train the CNN in reasonable time. */
export function isFastBackend(name: string): boolean {
  return name !== 'cpu';
}
