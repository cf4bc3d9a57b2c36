/**
 * Forcing completion, the same way for every target: read back ONE element of the result (a
 * one-element slice, then a read). Synchronous backends have finished already and pay a few
 * microseconds; asynchronous ones (webgpu) must wait for the queue. Reading whole results is
 * avoided because copying a fresh multi-megabyte array out costs page faults that would swamp
 * the small cases for every library alike. TensorFlow.js' synchronous backends are the exception
 * (see settleTf).
 */
import type { Backend, Tensor, TensorInfo } from '@strata/core';
import type { Tensor as TfTensor } from '@tensorflow/tfjs-core';
import type { StrataLib, TfLib } from '../libraries.js';

/** Reads one element of a kernel's output, then frees the output. */
export async function settleKernel(backend: Backend, out: TensorInfo): Promise<void> {
  try {
    if (out.shape.length === 0 || out.shape.some((d) => d === 0)) {
      await backend.read(out.storage);
      return;
    }
    const one = backend.slice(out, out.shape.map(() => 0), out.shape.map(() => 1));
    try {
      await backend.read(one.storage);
    } finally {
      backend.free(one.storage);
    }
  } finally {
    backend.free(out.storage);
  }
}

/** What reading one element needs of a tensor, in either library. */
interface Readable {
  readonly rank: number;
  readonly shape: readonly number[];
  data(): Promise<unknown>;
  dispose(): void;
}

/** Reads one element of `t` (a one-element slice, then a read), then disposes both. */
async function readOneElement<T extends Readable>(t: T, slice: (t: T, begin: number[], size: number[]) => T): Promise<void> {
  try {
    if (t.rank === 0) {
      await t.data();
      return;
    }
    const one = slice(t, t.shape.map(() => 0), t.shape.map(() => 1));
    try {
      await one.data();
    } finally {
      one.dispose();
    }
  } finally {
    t.dispose();
  }
}

/** Reads one element of a Strata tensor through core, then disposes it. */
export function settleTensor(st: StrataLib, t: Tensor): Promise<void> {
  return readOneElement(t, (x, begin, size) => st.slice(x, begin, size));
}

/**
 * TensorFlow.js backends that finish an op before it returns. On these the output is only
 * disposed: a one-element `tf.slice` of a large tensor costs TF.js' wasm backend tens of ms
 * (measured: 4M floats, ~55 ms against ~2 ms for the add itself), which would not be its kernel's time.
 */
const SYNCHRONOUS_TFJS = new Set(['cpu', 'wasm']);

/** The same for a TensorFlow.js tensor (see SYNCHRONOUS_TFJS). */
export async function settleTf(tf: TfLib, t: TfTensor): Promise<void> {
  if (SYNCHRONOUS_TFJS.has(tf.getBackend())) {
    t.dispose();
    return;
  }
  return readOneElement(t, (x, begin, size) => tf.slice(x, begin, size));
}
