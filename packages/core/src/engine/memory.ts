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

/**
 * Lets a tensor made inside `tidy` outlive it.
 * @example
 * let saved!: st.Tensor;
 * const out = st.tidy(() => {
 *   saved = st.keep(st.exp(st.ones([3])));   // survives the tidy without being returned
 *   return st.sum(saved);
 * });
 */
export function keep<T extends Tensor>(t: T): T {
  return engine().keep(t);
}

/**
 * Disposes every tensor found in `value` (a tensor, or arrays/objects of them).
 * @example
 * const parts = { a: st.ones([2]), list: [st.zeros([3]), st.zeros([4])] };
 * st.dispose(parts);   // all three tensors
 */
export function dispose(value: unknown): void {
  if (value instanceof Tensor) value.dispose();
  else if (Array.isArray(value)) for (const v of value) dispose(v);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) dispose(v);
}

/**
 * Live tensors, storage blocks and bytes, per backend and in total.
 * @example
 * const before = st.memory().buffers;
 * st.tidy(() => st.matMul(st.ones([64, 64]), st.ones([64, 64])));
 * st.memory().buffers === before + 1;   // only the returned product is still alive
 */
export function memory(): MemoryInfo {
  return engine().memory();
}
