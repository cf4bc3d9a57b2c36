/**
 * The e2e suite: one MNIST training epoch through `fit` (MLP and CNN, same architecture, batch
 * size and optimizer in Strata and tfjs-layers), on the real MNIST images of @strata/datasets.
 * An epoch is timed on a subset of the 60,000 images (smaller where the warm-up fit predicts a
 * slow epoch) and scaled to the full epoch, after a 4-batch warm-up fit.
 */
import type { Job } from '../libraries.js';
import type { CaseDef, PrepareContext } from '../runner.js';
import { summarise } from '../stats.js';
import type { MeasuredResult } from '../types.js';
import { CNN, MLP, strataCnn, strataMlp, tfjsCnn, tfjsMlp } from './models.js';
import type { Trainable } from './models.js';

export const MNIST_TRAIN_IMAGES = 60000;

export const E2E_METHOD =
  'One epoch of fit (shuffled, verbose 0) after a 4-batch warm-up fit, on the first N real MNIST training images ' +
  '(N = 12,800, or fewer where the warm-up predicts more than 30 s), ' +
  'wall time scaled to 60,000 images (s/epoch); per-step times (ms, from an onBatchEnd callback) are in the JSON. ' +
  'Lower is better; ratios are anchor s / Strata s.';

/**
 * Images per timed epoch: at most `images`, and fewer when the warm-up fit predicts that the timed
 * epoch would take longer than `budgetS` (plain-JS or software-GPU backends), but at least one batch.
 */
export interface E2eLimits { readonly images: number; readonly budgetS: number }
export const FULL_LIMITS: E2eLimits = { images: 12800, budgetS: 30 };
export const QUICK_LIMITS: E2eLimits = { images: 64, budgetS: 1 };

/** The first images of MNIST's training split, as @strata/datasets' loadMnist returns them (pixels in [0, 1]). */
export interface MnistArrays { readonly images: Float32Array; readonly labels: Int32Array; readonly count: number }

/**
 * Loads the first `count` MNIST training images. Node reads the IDX files through
 * @strata/datasets; the browser page fetches the same files from the local server.
 */
export type MnistLoader = (count: number) => Promise<MnistArrays>;

interface FitModel extends Trainable {
  fit(x: unknown, y: unknown, args: Record<string, unknown>): Promise<unknown>;
}

async function loadImages(count: number): Promise<MnistArrays> {
  const { loadMnist } = await import('@strata/datasets');
  return loadMnist({ split: 'train', limit: count });
}

/** One library's side of an epoch case: its model and its tensors for the first `n` images. */
interface Side {
  readonly model: FitModel;
  data(n: number): { x: unknown; y: unknown; free: () => void };
  callbacks(onBatchEnd: () => void): unknown[];
}

function side(ctx: PrepareContext, key: 'mlp' | 'cnn', image: boolean, mnist: MnistArrays): Side {
  const shape = (n: number) => (image ? [n, 28, 28, 1] : [n, 784]);
  if (ctx.target.library === 'strata') {
    const { st } = ctx.libs;
    return {
      model: (key === 'mlp' ? strataMlp(st) : strataCnn(st)) as FitModel,
      data: (n) => {
        const x = st.tensor(mnist.images.subarray(0, n * 784), shape(n));
        const y = st.tensor(mnist.labels.subarray(0, n), [n], 'int32');
        return { x, y, free: () => st.dispose([x, y]) };
      },
      callbacks: (onBatchEnd) => [st.callbacks.lambdaCallback({ onBatchEnd })],
    };
  }
  const { tf, tfl } = ctx.libs;
  if (tf === undefined || tfl === undefined) throw new Error('TensorFlow.js layers are not loaded');
  return {
    model: (key === 'mlp' ? tfjsMlp(tf, tfl) : tfjsCnn(tf, tfl)) as FitModel,
    data: (n) => {
      const x = tf.tensor(mnist.images.subarray(0, n * 784), shape(n));
      // tfjs-layers' sparse cross-entropy wants float targets shaped [n, 1].
      const y = tf.tensor(Float32Array.from(mnist.labels.subarray(0, n)), [n, 1]);
      return { x, y, free: () => tf.dispose([x, y]) };
    },
    callbacks: (onBatchEnd) => [{ onBatchEnd }],
  };
}

function epochCase(key: 'mlp' | 'cnn', limits: E2eLimits, data: () => Promise<MnistArrays>): CaseDef {
  const model = key === 'mlp' ? { ...MLP, batch: 128, image: false } : { ...CNN, batch: 64, image: true };
  const measure = async (ctx: PrepareContext): Promise<MeasuredResult> => {
    const mnist = await data();
    const available = Math.min(mnist.count, limits.images);
    const s = side(ctx, key, model.image, mnist);
    try {
      // Warm-up fit (compiles code paths, grows heaps); its time per image sizes the timed epoch.
      const warmCount = Math.min(available, model.batch * 4);
      const warm = s.data(warmCount);
      const tw = performance.now();
      try {
        await s.model.fit(warm.x, warm.y, { epochs: 1, batchSize: model.batch, shuffle: false, verbose: 0 });
      } finally {
        warm.free();
      }
      const secondsPerImage = (performance.now() - tw) / 1000 / warmCount;
      const affordable = Math.floor(limits.budgetS / secondsPerImage / model.batch) * model.batch;
      const count = Math.max(Math.min(model.batch, available), Math.min(available, affordable));
      const full = s.data(count);
      try {
        const stamps: number[] = [];
        const t0 = performance.now();
        stamps.push(t0);
        await s.model.fit(full.x, full.y, { epochs: 1, batchSize: model.batch, shuffle: true, verbose: 0, callbacks: s.callbacks(() => { stamps.push(performance.now()); }) });
        const seconds = (performance.now() - t0) / 1000;
        const steps = stamps.slice(1).map((t, i) => t - stamps[i]!);
        return {
          ok: true,
          timing: summarise(steps.length > 0 ? steps : [seconds * 1000], 1, false),
          value: (seconds * MNIST_TRAIN_IMAGES) / count,
          note: `timed on ${count} images (${seconds.toFixed(2)} s), scaled to ${MNIST_TRAIN_IMAGES}`,
        };
      } finally {
        full.free();
      }
    } finally {
      s.model.dispose?.();
    }
  };
  const unused = (): Job => { throw new Error('e2e cases measure themselves'); };
  return {
    name: `1 epoch MNIST ${key === 'mlp' ? MLP.label : CNN.label}, batch ${model.batch}`,
    unit: 's/epoch',
    work: { images: MNIST_TRAIN_IMAGES },
    prepare: { strata: unused, tfjs: unused },
    measure: { strata: measure, tfjs: measure },
  };
}

export function e2eCases(quick: boolean, load: MnistLoader = loadImages): CaseDef[] {
  const limits = quick ? QUICK_LIMITS : FULL_LIMITS;
  let cached: Promise<MnistArrays> | undefined;
  const data = () => (cached ??= load(limits.images));
  return [epochCase('mlp', limits, data), epochCase('cnn', limits, data)];
}
