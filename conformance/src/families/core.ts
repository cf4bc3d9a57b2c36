/**
 * Runs families 2–6 through `@strata/core`: makes the backend under test the active backend
 * (registered under a private name with a priority no automatic choice will pick), and builds the
 * "required kernels only" twin that makes core take its fallbacks.
 */
import * as st from '@strata/core';
import type { Backend, OptionalKernelName, TypedArray } from '../contract.js';
import { OPTIONAL_KERNEL_NAMES } from '../contract.js';
import { compare } from '../compare.js';
import type { Comparison, Expected } from '../compare.js';
import { toTyped } from '../oracle/index.js';
import type { OTensor } from '../oracle/index.js';
import type { Tolerance } from '../tolerances.js';

export type Tensor = st.Tensor;

const registered = new WeakMap<Backend, string>();
let counter = 0;

/** Makes `backend` core's active backend. Registered once per instance: re-registering would dispose it. */
export async function activate(backend: Backend): Promise<void> {
  let name = registered.get(backend);
  if (name === undefined) {
    name = `conformance-${backend.name}-${++counter}`;
    const instance = backend;
    st.registerBackend({ name, priority: -1e9, create: async () => instance });
    registered.set(backend, name);
  }
  await st.setBackend(name);
}

const requiredOnly = new WeakMap<Backend, Backend>();

/**
 * The same backend with every optional kernel hidden, so core runs its fallbacks. Storage is
 * shared, so tensors may move between the two without copies.
 */
export function withoutOptionalKernels(backend: Backend): Backend {
  let twin = requiredOnly.get(backend);
  if (twin === undefined) {
    const hidden = new Set<string | symbol>(OPTIONAL_KERNEL_NAMES);
    twin = new Proxy(backend, {
      get(target, key) {
        if (hidden.has(key)) return undefined;
        if (key === 'name') return `${target.name}-required-only`;
        if (key === 'dispose') return undefined; // the twin must never dispose the real backend
        const v: unknown = Reflect.get(target, key, target);
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
      has(target, key) {
        return !hidden.has(key) && Reflect.has(target, key);
      },
    });
    requiredOnly.set(backend, twin);
  }
  return twin;
}

export function declares(backend: Backend, kernel: OptionalKernelName): boolean {
  return typeof backend[kernel] === 'function';
}

/** A core tensor holding an oracle tensor's values. */
export function toCore(t: OTensor): Tensor {
  return st.tensor(toTyped(t), t.shape, t.dtype);
}

/** Reads a core tensor and compares it with the oracle's answer. */
export async function compareTensor(t: Tensor, expected: Expected, tol: Tolerance): Promise<Comparison> {
  const values: TypedArray = await t.data();
  return compare(expected, values, t.shape, t.dtype, tol);
}

export { st };
