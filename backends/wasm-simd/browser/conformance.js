// Browser side of test/browser.test.ts: runs @strata/conformance on the wasm-simd backend and
// returns a structured-clonable summary. Plain ESM (no build step) so the page serves it as is.
import { FAMILIES, OPTIONAL_KERNEL_ROWS, REQUIRED_KERNEL_ROWS, runConformance } from '@strata/conformance';
import { defaultWasmUrl, registration } from '@strata/backend-wasm';

/** `params`: optional `families` (comma-separated) and `only` (substring of check names). */
export async function run(params) {
  const families = params.get('families')?.split(',').filter((f) => FAMILIES.includes(f));
  const only = params.get('only') ?? undefined;
  // The registration's create() is what `st.setBackend('wasm-simd')` uses: it fetches
  // wasm/strata.wasm over HTTP, so the browser loading path is exercised too.
  const backend = await registration.create();
  const declaredOptional = OPTIONAL_KERNEL_ROWS.filter((k) => typeof backend[k] === 'function');
  const report = await runConformance(backend, {
    ...(families && families.length > 0 ? { families } : {}),
    ...(only ? { only } : {}),
    onResult: (r) => { if (r.status === 'fail') console.error(`conformance FAIL ${r.family}/${r.name}: ${r.firstFailure ?? ''}`); },
  });
  return {
    report,
    backendName: backend.name,
    // e.g. "2 threads (web workers, …)" or "1 thread: <why>"; absent on builds without threads.
    backendDescription: backend.description ?? '1 thread',
    wasmUrl: defaultWasmUrl(),
    requiredKernels: [...REQUIRED_KERNEL_ROWS],
    declaredOptional,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    userAgent: navigator.userAgent,
  };
}
