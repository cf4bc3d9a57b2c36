/**
 * The op-level suites of `npm run bench` (see bench.mjs): elementwise bandwidth, a chain of small
 * ops, and one training epoch of the MNIST MLP and CNN, each on Strata (through @strata/core's
 * public API, as a user calls it) and TensorFlow.js 4.22 side by side in the same process.
 *
 * A "runner" is `{ name, kind: 'strata' | 'tfjs', backend, lib }`: `lib` is `@strata/core` or
 * `@tensorflow/tfjs-core`; `use()` makes its backend the active one before a case runs.
 */
import { performance } from 'node:perf_hooks';

/**
 * Median of `samples` timed calls of `fn` after `warm` untimed ones, and after at least `warmMs` of
 * untimed calls (JS-heavy paths need time in V8's optimizing tiers, not a fixed count); ms.
 */
export function medianMs(fn, { warm = 2, warmMs = 0, samples = 7, budgetMs = 3000 } = {}) {
  const warmStart = performance.now();
  for (let i = 0; i < warm || performance.now() - warmStart < warmMs; i++) fn();
  const times = [];
  const start = performance.now();
  while (times.length < samples && (times.length < 3 || performance.now() - start < budgetMs)) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], repeats: times.length };
}

export function random(n, seed) {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2 ** 32 - 0.5;
  }
  return a;
}

async function use(r) {
  await r.lib.setBackend(r.backend);
  if (r.kind === 'tfjs') await r.lib.ready();
}

// ---- elementwise bandwidth ----

const BW_N = 4 * 1024 * 1024;

/**
 * GB/s = (bytes read + bytes written) / time, for add (2 reads, 1 write), relu and exp (1 + 1) of
 * 4M float32, next to a plain memory copy (Float32Array.prototype.set, 1 read + 1 write) in the
 * same process: the goal is at least half the copy bandwidth. Outputs are released after each call,
 * so both libraries reuse freed blocks instead of faulting in fresh pages.
 */
export async function elementwiseSuite(runners, opts) {
  const a = random(BW_N, 11);
  const b = random(BW_N, 12);
  const copyDst = new Float32Array(BW_N);
  const copy = medianMs(() => copyDst.set(a), { warm: 3, samples: opts.repeats });
  const copyGBs = (8 * BW_N) / copy.ms / 1e6;
  const rows = [{ case: 'memory copy (Float32Array.set, 4M)', unit: 'GB/s', results: { js: { ms: copy.ms, value: copyGBs, repeats: copy.repeats } } }];

  const cases = [
    { label: 'add 4M + 4M', bytes: 12 * BW_N, run: (lib, x, y) => lib.add(x, y) },
    { label: 'relu 4M', bytes: 8 * BW_N, run: (lib, x) => lib.relu(x) },
    { label: 'exp 4M', bytes: 8 * BW_N, run: (lib, x) => lib.exp(x) },
  ];
  for (const c of cases) {
    const row = { case: c.label, unit: 'GB/s', results: {} };
    for (const r of runners) {
      await use(r);
      const x = r.lib.tensor(a, [BW_N]);
      const y = r.lib.tensor(b, [BW_N]);
      try {
        const t = medianMs(() => c.run(r.lib, x, y).dispose(), { warm: 3, samples: opts.repeats });
        row.results[r.name] = { ms: t.ms, repeats: t.repeats, value: c.bytes / t.ms / 1e6, ofCopy: c.bytes / t.ms / 1e6 / copyGBs };
      } catch (err) {
        row.results[r.name] = { error: String(err.message ?? err).split('\n')[0].slice(0, 60) };
      } finally {
        x.dispose();
        y.dispose();
      }
      process.stdout.write('.');
    }
    rows.push(row);
  }
  return { rows, copyGBs };
}

// ---- small-op chain ----

const CHAIN_OPS = 100;
const CHAIN_REPS = 50;

/**
 * 100 dependent ops on 16-element tensors (add, mul, relu, sub, neg in turn), inside one tidy,
 * repeated: measures per-op overhead (dispatch, allocation, bookkeeping), not arithmetic.
 */
export async function chainSuite(runners, opts) {
  const row = { case: `small-op chain (${CHAIN_OPS} ops on 16 floats)`, unit: 'ops/s', results: {} };
  for (const r of runners) {
    await use(r);
    const { lib } = r;
    const b = lib.tensor(random(16, 21), [16]);
    const c = lib.tensor(random(16, 22).map((v) => 1 + v / 8), [16]);
    const x0 = lib.tensor(random(16, 23), [16]);
    const steps = [(x) => lib.add(x, b), (x) => lib.mul(x, c), (x) => lib.relu(x), (x) => lib.sub(x, b), (x) => lib.neg(x)];
    const chain = () => {
      for (let rep = 0; rep < CHAIN_REPS; rep++) {
        lib.tidy(() => {
          let x = x0;
          for (let i = 0; i < CHAIN_OPS; i++) x = steps[i % steps.length](x);
          return undefined;
        });
      }
    };
    try {
      const t = medianMs(chain, { warm: 3, warmMs: 1000, samples: 2 * opts.repeats });
      row.results[r.name] = { ms: t.ms, repeats: t.repeats, value: (CHAIN_OPS * CHAIN_REPS) / (t.ms / 1000) };
    } catch (err) {
      row.results[r.name] = { error: String(err.message ?? err).split('\n')[0].slice(0, 60) };
    } finally {
      lib.dispose([b, c, x0]);
    }
    process.stdout.write('.');
  }
  return { rows: [row] };
}

// ---- training: one epoch of the MNIST MLP and CNN ----

const MNIST_TRAIN = 60000;

/** Same architecture, initial-weight scheme, optimizer and batch size in both libraries. */
const MODELS = {
  mlp: {
    label: 'MNIST MLP (784-256-10, dropout 0.2, Adam 0.002, batch 128)',
    batchSize: 128,
    image: false,
    strata: (st) => {
      const m = st.sequential({
        layers: [
          st.layers.dense({ units: 256, activation: 'relu', inputShape: [784] }),
          st.layers.dropout({ rate: 0.2 }),
          st.layers.dense({ units: 10, activation: 'softmax' }),
        ],
      });
      m.compile({ optimizer: st.optimizers.adam(0.002), loss: 'sparseCategoricalCrossentropy' });
      return m;
    },
    tfjs: (tf, tfl) => {
      const m = tfl.sequential({
        layers: [
          tfl.layers.dense({ units: 256, activation: 'relu', inputShape: [784] }),
          tfl.layers.dropout({ rate: 0.2 }),
          tfl.layers.dense({ units: 10, activation: 'softmax' }),
        ],
      });
      m.compile({ optimizer: tf.train.adam(0.002), loss: 'sparseCategoricalCrossentropy' });
      return m;
    },
  },
  cnn: {
    label: 'MNIST CNN (conv8-pool-conv16-pool-64-10, Adam 0.001, batch 64)',
    batchSize: 64,
    image: true,
    strata: (st) => {
      const m = st.sequential({
        layers: [
          st.layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
          st.layers.maxPooling2d({ poolSize: 2 }),
          st.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu' }),
          st.layers.maxPooling2d({ poolSize: 2 }),
          st.layers.flatten(),
          st.layers.dense({ units: 64, activation: 'relu' }),
          st.layers.dense({ units: 10, activation: 'softmax' }),
        ],
      });
      m.compile({ optimizer: st.optimizers.adam(0.001), loss: 'sparseCategoricalCrossentropy' });
      return m;
    },
    tfjs: (tf, tfl) => {
      const m = tfl.sequential({
        layers: [
          tfl.layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
          tfl.layers.maxPooling2d({ poolSize: 2 }),
          tfl.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu' }),
          tfl.layers.maxPooling2d({ poolSize: 2 }),
          tfl.layers.flatten(),
          tfl.layers.dense({ units: 64, activation: 'relu' }),
          tfl.layers.dense({ units: 10, activation: 'softmax' }),
        ],
      });
      m.compile({ optimizer: tf.train.adam(0.001), loss: 'sparseCategoricalCrossentropy' });
      return m;
    },
  },
};

/**
 * Tensors for `count` examples from the shared arrays: Strata takes int32 labels `[n]`; tfjs-layers'
 * sparse cross-entropy wants targets shaped like the output with last dim 1, as float32 (same values).
 */
function makeData(r, model, data, count) {
  const images = data.images.subarray(0, count * 784);
  const shape = model.image ? [count, 28, 28, 1] : [count, 784];
  if (r.kind === 'strata') {
    return { x: r.lib.tensor(images, shape, 'float32'), y: r.lib.tensor(data.labels.subarray(0, count), [count], 'int32') };
  }
  return { x: r.lib.tensor(images, shape, 'float32'), y: r.lib.tensor(Float32Array.from(data.labels.subarray(0, count)), [count, 1], 'float32') };
}

/**
 * Warm-up fit on 4 batches (compiles code paths, grows heaps), then one timed epoch over `count`
 * images with per-step timestamps from an onBatchEnd callback. Reported: the epoch's wall time
 * scaled to MNIST's 60,000 images, and the median ms per step (less sensitive to load spikes).
 */
async function trainEpoch(r, model, data, count, tfl) {
  await use(r);
  const lib = r.lib;
  const m = r.kind === 'strata' ? model.strata(lib) : model.tfjs(lib, tfl);
  const warm = makeData(r, model, data, model.batchSize * 4);
  const full = makeData(r, model, data, count);
  try {
    await m.fit(warm.x, warm.y, { epochs: 1, batchSize: model.batchSize, shuffle: false, verbose: 0 });
    const stamps = [];
    const onBatchEnd = () => { stamps.push(performance.now()); };
    const callbacks = r.kind === 'strata' ? [lib.callbacks.lambdaCallback({ onBatchEnd })] : [{ onBatchEnd }];
    const t0 = performance.now();
    stamps.push(t0);
    await m.fit(full.x, full.y, { epochs: 1, batchSize: model.batchSize, shuffle: true, verbose: 0, callbacks });
    const seconds = (performance.now() - t0) / 1000;
    const steps = stamps.slice(1).map((t, i) => t - stamps[i]).sort((p, q) => p - q);
    return {
      images: count,
      steps: steps.length,
      measuredS: seconds,
      value: (seconds * MNIST_TRAIN) / count,
      msPerStep: steps[Math.floor(steps.length / 2)],
    };
  } finally {
    lib.dispose([warm.x, warm.y, full.x, full.y]);
    m.dispose?.();
  }
}

export async function trainingSuite(runners, opts) {
  const { loadMnist } = await import('@strata/datasets');
  const limit = Math.max(opts.trainLimit, opts.cpuTrainLimit);
  const data = loadMnist({ split: 'train', limit });
  let tfl;
  try {
    tfl = await import('@tensorflow/tfjs-layers');
  } catch {
    console.log('(@tensorflow/tfjs-layers not installed: its training columns are skipped)');
  }
  const rows = [];
  for (const key of ['mlp', 'cnn']) {
    const model = MODELS[key];
    const row = { case: `1 epoch ${model.label}`, unit: 's/epoch', results: {} };
    for (const r of runners) {
      if (r.kind === 'tfjs' && tfl === undefined) continue;
      // The plain-JS backends are timed on a smaller subset so the run stays within minutes.
      const count = r.backend === 'cpu' ? opts.cpuTrainLimit : opts.trainLimit;
      if (count <= 0) continue;
      try {
        row.results[r.name] = await trainEpoch(r, model, data, Math.min(count, data.count), tfl);
      } catch (err) {
        row.results[r.name] = { error: String(err.message ?? err).split('\n')[0].slice(0, 80) };
      }
      process.stdout.write('.');
    }
    rows.push(row);
  }
  return { rows };
}
