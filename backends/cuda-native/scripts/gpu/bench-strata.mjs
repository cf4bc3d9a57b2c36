// Strata's side of the GPU check (run by gpu-check.sh with the bundled node): fp32 matMul through
// cuBLAS and through the hand-written SGEMM, MNIST-shaped MLP and CNN training steps (trainOnBatch,
// which reads the loss back each step), and device memory across 10 epochs of fit.
// Usage: node bench-strata.mjs <spec.json> <out.json>
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import * as st from '@strata/core';
import '@strata/backend-cuda';

/** An n×n float32 matrix of values in [-1, 1) from a small xorshift generator. */
function randomMatrix(n, seed) {
  const values = new Float32Array(n * n);
  let state = (seed * 0x9e3779b9) >>> 0 || 1;
  for (let i = 0; i < values.length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    values[i] = (state >>> 0) / 2147483648 - 1;
  }
  return st.tensor(values, [n, n]);
}

/** Runs every measurement of `spec` on the active backend, which must be `backend` (a CudaBackend). */
export async function runStrataBench(backend, spec, log = console.log) {
  const result = { device: backend.description, matMul: {}, steps: {}, memory: null };
  function seconds(run, repeats) {
    run();
    backend.synchronize();
    const start = performance.now();
    for (let i = 0; i < repeats; i++) run();
    backend.synchronize();
    return (performance.now() - start) / 1000 / repeats;
  }

  // Inputs from a cheap generator (core's Philox takes tens of seconds for 8192² on a CPU); the
  // timing does not depend on the values. Both engines multiply the same matrices.
  const engines = ['cublas', 'hand'].filter((engine) => {
    const available = backend.setMatMulEngine(engine) === engine;
    if (!available) log(`matMul engine ${engine} unavailable (cuBLAS did not load): skipped`);
    else result.matMul[engine] = {};
    return available;
  });
  for (const n of spec.matMulSizes) {
    const a = randomMatrix(n, 1);
    const b = randomMatrix(n, 2);
    for (const engine of engines) {
      backend.setMatMulEngine(engine);
      const t = seconds(() => st.matMul(a, b).dispose(), spec.matMulRepeats[String(n)]);
      const gflops = (2 * n ** 3) / t / 1e9;
      result.matMul[engine][n] = gflops;
      log(`matMul ${engine} ${n}³: ${gflops.toFixed(0)} GFLOP/s`);
    }
    st.dispose([a, b]);
  }
  backend.setMatMulEngine('cublas');

  function mlp() {
    const m = st.sequential([
      st.layers.dense({ units: spec.mlp.hidden, activation: 'relu', inputShape: [784] }),
      st.layers.dense({ units: 10, activation: 'softmax' }),
    ]);
    m.compile({ optimizer: st.optimizers.adam(1e-3), loss: 'sparseCategoricalCrossentropy' });
    return m;
  }

  function cnn() {
    const [f1, f2] = spec.cnn.filters;
    const m = st.sequential([
      st.layers.conv2d({ filters: f1, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
      st.layers.maxPooling2d({ poolSize: 2 }),
      st.layers.conv2d({ filters: f2, kernelSize: 3, activation: 'relu' }),
      st.layers.maxPooling2d({ poolSize: 2 }),
      st.layers.flatten(),
      st.layers.dense({ units: spec.cnn.dense, activation: 'relu' }),
      st.layers.dense({ units: 10, activation: 'softmax' }),
    ]);
    m.compile({ optimizer: st.optimizers.adam(1e-3), loss: 'sparseCategoricalCrossentropy' });
    return m;
  }

  async function stepMs(name, model, inputShape, cfg) {
    const x = st.randomUniform([cfg.batch, ...inputShape], 0, 1, 'float32', 3);
    const y = st.cast(st.mul(st.randomUniform([cfg.batch], 0, 1, 'float32', 4), 9.99), 'int32');
    for (let i = 0; i < cfg.warmupSteps; i++) await model.trainOnBatch(x, y);
    const start = performance.now();
    for (let i = 0; i < cfg.steps; i++) await model.trainOnBatch(x, y);
    const ms = (performance.now() - start) / cfg.steps;
    log(`${name} training step (batch ${cfg.batch}): ${ms.toFixed(2)} ms`);
    st.dispose([x, y]);
    model.dispose();
    return ms;
  }

  st.setSeed(1);
  result.steps.mlp = await stepMs('MLP', mlp(), [784], spec.mlp);
  result.steps.cnn = await stepMs('CNN', cnn(), [28, 28, 1], spec.cnn);

  // Device memory across fit: live buffers and the allocator's reserved bytes (live + cached)
  // after each epoch; after the first epoch neither may change.
  {
    const { samples, batch, epochs } = spec.memory;
    const model = cnn();
    const x = st.randomUniform([samples, 28, 28, 1], 0, 1, 'float32', 5);
    const y = st.cast(st.mul(st.randomUniform([samples], 0, 1, 'float32', 6), 9.99), 'int32');
    const perEpoch = [];
    const watch = st.callbacks.lambdaCallback({
      onEpochEnd: () => {
        const cache = backend.cacheStats();
        perEpoch.push({ buffers: st.memory().buffers, reservedBytes: cache.liveBytes + cache.cachedBytes, cudaMallocs: cache.sourceAllocations });
      },
    });
    await model.fit(x, y, { epochs, batchSize: batch, validationSplit: 0.1, verbose: 0, callbacks: [watch] });
    const later = perEpoch.slice(1);
    const grew = later.some((e) => e.buffers !== later[0].buffers || e.reservedBytes !== later[0].reservedBytes);
    result.memory = { perEpoch, grew };
    log(`fit memory per epoch: ${perEpoch.map((e) => `${e.buffers} buffers/${(e.reservedBytes / 2 ** 20).toFixed(1)} MiB/${e.cudaMallocs} mallocs`).join(', ')}`);
    st.dispose([x, y]);
    model.dispose();
  }

  return result;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [specPath, outPath] = process.argv.slice(2);
  const spec = JSON.parse(readFileSync(specPath, 'utf8'));
  try {
    await st.setBackend('cuda');
  } catch (err) {
    console.error(`bench-strata: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
  const backend = st.backendInstance('cuda');
  console.log(`strata cuda: ${backend.description}`);
  writeFileSync(outPath, JSON.stringify(await runStrataBench(backend, spec), null, 2));
}
