// Browser side of test/browser.test.ts: runs @strata/conformance on the webgpu backend through
// navigator.gpu and returns a structured-clonable summary. Plain ESM (no build step) so the page
// serves it as is.
import { FAMILIES, OPTIONAL_KERNEL_ROWS, REQUIRED_KERNEL_ROWS, runConformance } from '@strata/conformance';
import { registration } from '@strata/backend-webgpu';
import { optionalKernels } from '@strata/backend-webgpu';

/**
 * The backend with its dense convolutions forced to the implicit GEMM. On a software adapter
 * the backend picks direct loops for them, so without this the GEMM form would go unchecked here.
 * A Proxy, not a copy: the backend's methods use private fields and must run on the backend itself.
 */
function withImplicitGemmConvolutions(backend) {
  const overrides = optionalKernels(backend.runtime, { convolution: 'implicit-gemm' });
  return new Proxy(backend, {
    get(target, prop) {
      if (Object.hasOwn(overrides, prop)) return overrides[prop];
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

const onResult = (r) => { if (r.status === 'fail') console.error(`conformance FAIL ${r.family}/${r.name}: ${r.firstFailure ?? ''}`); };

/** `params`: optional `families` (comma-separated) and `only` (substring of check names). */
export async function run(params) {
  const families = params.get('families')?.split(',').filter((f) => FAMILIES.includes(f));
  const only = params.get('only') ?? undefined;
  // Automatic choice must refuse a software adapter; asked for by name, it is used.
  let autoChoice;
  try {
    const auto = await registration.create({ byName: false });
    autoChoice = { accepted: true, description: auto.description };
    auto.dispose();
  } catch (err) {
    autoChoice = { accepted: false, reason: String(err && err.message ? err.message : err) };
  }
  const backend = await registration.create({ byName: true });
  const declaredOptional = OPTIONAL_KERNEL_ROWS.filter((k) => typeof backend[k] === 'function');
  const report = await runConformance(backend, {
    ...(families && families.length > 0 ? { families } : {}),
    ...(only ? { only } : {}),
    onResult,
  });
  // The implicit-GEMM convolutions, through kernels, ops and gradients.
  const implicitGemm = await runConformance(withImplicitGemmConvolutions(backend), { families: ['kernels', 'ops', 'gradients'], only: 'onv2d', onResult });
  const result = {
    report,
    implicitGemm,
    backendName: backend.name,
    backendDescription: backend.description,
    isFallback: backend.isFallback,
    autoChoice,
    requiredKernels: [...REQUIRED_KERNEL_ROWS],
    declaredOptional,
    userAgent: navigator.userAgent,
  };
  backend.dispose();
  return result;
}
