/**
 * Public memory-management functions: tidy, keep, dispose, memory.
 */
import { Tensor } from '../tensor/tensor.js';
import { engine, type MemoryInfo } from './engine.js';

/**
 * Runs `fn` and frees every tensor it created except those it returns (found in arrays and plain
 * objects) and those passed to `keep`. `fn` must be synchronous.
 * @example const y = st.tidy(() => st.relu(st.matMul(x, w)));  // the matMul result is freed
 */
export function tidy<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new Error('tidy: expected a function');
  return engine().tidy(fn);
}

/** Lets a tensor made inside `tidy` outlive it. */
export function keep<T extends Tensor>(t: T): T {
  return engine().keep(t);
}

/** Disposes every tensor found in `value` (a tensor, or arrays/objects of them). */
export function dispose(value: unknown): void {
  if (value instanceof Tensor) value.dispose();
  else if (Array.isArray(value)) for (const v of value) dispose(v);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) dispose(v);
}

/** Live tensors, storage blocks and bytes, per backend and in total. */
export function memory(): MemoryInfo {
  return engine().memory();
}
