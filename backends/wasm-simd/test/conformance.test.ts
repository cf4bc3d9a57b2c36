// The shared conformance suite (all six families) judges this backend.
import { describeConformance } from '@strata/conformance/vitest';
import { WasmBackend, instantiateStrata } from '@strata/backend-wasm';

describeConformance(new WasmBackend(await instantiateStrata()));
