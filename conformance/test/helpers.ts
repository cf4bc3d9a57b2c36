/** Test helpers: a working backend with one kernel deliberately broken. */
import type { Backend } from '@strata/core';

/** `backend` with some members replaced; everything else delegates to it (bound, so private fields work). */
export function withOverrides(backend: Backend, overrides: Partial<Record<keyof Backend, unknown>>): Backend {
  return new Proxy(backend, {
    get(target, key) {
      if (Object.hasOwn(overrides, key)) return overrides[key as keyof Backend];
      const v: unknown = Reflect.get(target, key, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
    has(target, key) {
      return Object.hasOwn(overrides, key) ? overrides[key as keyof Backend] !== undefined : Reflect.has(target, key);
    },
  });
}
