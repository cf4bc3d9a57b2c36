/**
 * A backend's memory across a long `fit`: trains a small CNN (conv, pooling, batch normalization,
 * dropout, Adam, so most optional kernels run) for some epochs on the backend and records, at each
 * epoch's end, core's live buffers and a backend-specific footprint (a wasm heap's size, a GPU
 * buffer pool's count). Neither may grow after the first epoch, which sizes optimizer slots and
 * metric state: a backend test asserts that on the trace.
 */
import type { Backend } from './contract.js';
import { activate, st } from './families/core.js';

export interface FitMemoryTrace {
  /** `footprint()` at the end of each epoch. */
  readonly footprint: readonly number[];
  /** Core's live buffers at the end of each epoch. */
  readonly liveBuffers: readonly number[];
  /** Training loss per epoch (it should fall: the labels are learnable). */
  readonly loss: readonly number[];
  /** The backend's buffers before and after the model and data were disposed. */
  readonly buffersBeforeDispose: number;
  readonly buffersAfterDispose: number;
}

export async function fitMemoryTrace(backend: Backend, footprint: () => number, epochs = 10): Promise<FitMemoryTrace> {
  await activate(backend);
  st.setSeed(3);
  const model = st.sequential([
    st.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', inputShape: [8, 8, 1] }),
    st.layers.maxPooling2d({ poolSize: 2 }),
    st.layers.batchNormalization(),
    st.layers.flatten(),
    st.layers.dropout({ rate: 0.2 }),
    st.layers.dense({ units: 3, activation: 'softmax' }),
  ]);
  model.compile({ optimizer: st.optimizers.adam(0.01), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const n = 96;
  const x = st.randomUniform([n, 8, 8, 1], 0, 1, 'float32', 5);
  // Labels from which half of the image is brighter, so there is something to learn.
  const y = st.tidy(() => st.cast(st.mul(st.argMax(st.reshape(st.sum(st.reshape(x, [n, 2, 4, 8]), [2, 3]), [n, 2]), -1), 2), 'int32'));
  const sizes: number[] = [];
  const buffers: number[] = [];
  const watch = st.callbacks.lambdaCallback({ onEpochEnd: () => { sizes.push(footprint()); buffers.push(st.memory().buffers); } });
  let loss: readonly number[];
  let buffersBeforeDispose: number;
  try {
    const history = await model.fit(x, y, { epochs, batchSize: 16, validationSplit: 0.25, seed: 1, verbose: 0, callbacks: [watch] });
    loss = history.history['loss'] ?? [];
    buffersBeforeDispose = backend.memory().buffers;
  } finally {
    st.dispose([x, y]);
    model.dispose();
  }
  return { footprint: sizes, liveBuffers: buffers, loss, buffersBeforeDispose, buffersAfterDispose: backend.memory().buffers };
}
