/**
 * Helpers shared by the neural-network ops: float inputs, optional-kernel checks, composite ops
 * with an explicit gradient, and a bounded cache of constant tensors (gather indices, counts).
 * @internal
 */
import type { OptionalKernelName } from '../backend/contract.js';
import { activeBackend } from '../backend/registry.js';
import { engine, type GradientFn } from '../engine/engine.js';
import type { Tensor } from '../tensor/tensor.js';
import { shapeToString } from '../util/shape.js';
import { toTensor, type TensorLike } from './convert.js';
import { cast } from './creation.js';

/**
 * Converts an op argument to float32: int32 is cast (call inside a tidy), bool is rejected.
 */
export function floatTensor(x: TensorLike, arg: string, op: string): Tensor {
  const t = toTensor(x, arg, op, 'float32');
  if (t.dtype === 'float32') return t;
  if (t.dtype === 'bool') {
    throw new Error(`${op}: argument '${arg}' has dtype bool (shape ${shapeToString(t.shape)}); expected float32 (or int32, which is cast)`);
  }
  return cast(t, 'float32');
}

/** Whether the active backend implements the optional kernel `name`. */
export function hasKernel(name: OptionalKernelName): boolean {
  return typeof activeBackend()[name] === 'function';
}

/**
 * Whether an optional kernel that core gives no gradient of its own may run: only when the
 * backend has it and no gradient tape is recording (otherwise the composite, which
 * differentiates itself, runs instead).
 */
export function canUseForwardOnlyKernel(name: OptionalKernelName): boolean {
  return engine().tapes.length === 0 && hasKernel(name);
}

/**
 * Runs a composite forward pass without recording its internals, and records it on the tapes as
 * one op with `gradient` (used where autodiff of the composite would give the wrong gradient,
 * e.g. tie handling, or a needlessly expensive one).
 */
export function compositeWithGradient(name: string, inputs: readonly Tensor[], forward: () => Tensor, gradient: GradientFn): Tensor {
  const y = engine().withoutTapes(forward);
  if (engine().tapes.length > 0) engine().recordOnTapes(name, inputs, [y], gradient);
  return y;
}

/** Most constant tensors kept at once; the least recently used is disposed beyond this. */
const MAX_CACHED_CONSTANTS = 64;
const constantCache = new Map<string, Tensor>();

/**
 * A constant tensor (index map, divisor) that depends only on `key`, made once per active backend
 * with `make` and kept across tidy scopes. The cache is bounded (least recently used goes first);
 * a tape that recorded an op holds its own handle, so eviction never frees a tensor in use.
 */
export function cachedConstant(key: string, make: () => Tensor): Tensor {
  const backend = activeBackend();
  const hit = constantCache.get(key);
  constantCache.delete(key);
  if (hit && !hit.isDisposed && hit.record.backend === backend) {
    constantCache.set(key, hit);
    return hit;
  }
  hit?.dispose();
  const made = engine().keep(engine().withoutTapes(make));
  constantCache.set(key, made);
  while (constantCache.size > MAX_CACHED_CONSTANTS) {
    const [oldestKey, oldest] = constantCache.entries().next().value as [string, Tensor];
    constantCache.delete(oldestKey);
    oldest.dispose();
  }
  return made;
}

/**
 * Frees the constant tensors (gather indices, window counts) that convolution and pooling
 * fallbacks cache, e.g. before checking `st.memory()` for leaks. They are rebuilt on demand.
 */
export function clearOpCaches(): void {
  for (const t of constantCache.values()) t.dispose();
  constantCache.clear();
}
