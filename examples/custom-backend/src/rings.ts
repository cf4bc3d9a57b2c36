/**
 * A small problem that a linear model cannot solve, for checking that a backend really trains:
 * points in the plane labelled by which of three rings around the origin they fall in.
 */
import * as st from '@strata/core';

/** Points `x` float32 `[count, 2]` and ring labels `y` int32 `[count]` (0: inner, 1: middle, 2: outer). */
export interface RingsData {
  readonly x: st.Tensor;
  readonly y: st.Tensor;
}

/** `count` points spread evenly over the disc of radius 3 (a third per ring), from `seed`. */
export function ringsData(count: number, seed: number): RingsData {
  // A linear congruential generator (Numerical Recipes constants): enough for test data, and it
  // makes the data independent of the backend under test.
  let state = seed >>> 0;
  const random = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const points = new Float32Array(count * 2);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const radius = 3 * random();
    const angle = 2 * Math.PI * random();
    points[2 * i] = radius * Math.cos(angle);
    points[2 * i + 1] = radius * Math.sin(angle);
    labels[i] = Math.min(2, Math.floor(radius));
  }
  return { x: st.tensor(points, [count, 2]), y: st.tensor(labels, [count], 'int32') };
}

/** Settings of a training run. */
export interface TrainOptions {
  readonly epochs?: number;
  readonly samples?: number;
  readonly seed?: number;
  /** 0: silent; 1: a Keras-style progress bar. */
  readonly verbose?: 0 | 1;
}

/** What a run reports: the loss per epoch, and the accuracy on points it never saw. */
export interface TrainResult {
  readonly backend: string;
  readonly losses: readonly number[];
  readonly testAccuracy: number;
}

/** Trains a small MLP on the rings with the active backend and evaluates it on fresh points. */
export async function trainOnRings(options: TrainOptions = {}): Promise<TrainResult> {
  const { epochs = 40, samples = 600, seed = 7, verbose = 0 } = options;
  const backend = await st.ready();
  st.setSeed(seed);
  const train = ringsData(samples, seed);
  const test = ringsData(300, seed + 1);
  const model = st.sequential([
    st.layers.dense({ units: 16, activation: 'relu', inputShape: [2] }),
    st.layers.dense({ units: 16, activation: 'relu' }),
    st.layers.dense({ units: 3, activation: 'softmax' }),
  ]);
  try {
    model.compile({ optimizer: st.optimizers.adam(0.02), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const history = await model.fit(train.x, train.y, { epochs, batchSize: 32, seed, verbose });
    const [, accuracy] = (await model.evaluate(test.x, test.y)) as number[];
    return { backend, losses: history.history['loss'] ?? [], testAccuracy: accuracy! };
  } finally {
    model.dispose();
    st.dispose([train.x, train.y, test.x, test.y]);
  }
}
