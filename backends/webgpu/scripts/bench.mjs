#!/usr/bin/env node
/**
 * `npm run bench`: kernel and training-step timings of the webgpu backend on whatever adapter
 * this machine has (later absorbed by @strata/bench).
 *
 * On a software adapter (SwiftShader, what CI and GPU-less machines have) ONLY CORRECTNESS
 * COUNTS: these figures measure a CPU emulating a GPU and say nothing about real GPUs. Real-GPU
 * goals (matMul 4096³ ≥ 40% of cuBLAS SGEMM, an MNIST CNN step within 2× of PyTorch eager) are
 * checked on the GPU machine.
 *
 * Each figure: median of timed repeats after a warm-up (pipelines compiled), each repeat ending
 * with `backend.sync()` (submit + wait for the GPU), so it is GPU time plus encoding, with no
 * read-back. Options: --quick (smaller sizes, fewer repeats), --json FILE.
 * Needs `npm run build` first (it imports dist/).
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import * as st from '@strata/core';
import { WebGPUBackend } from '../dist/index.js';

const { values: argv } = parseArgs({ options: { quick: { type: 'boolean', default: false }, json: { type: 'string' } } });
const quick = argv.quick;
const REPEATS = quick ? 3 : 5;
const BUDGET_MS = quick ? 3000 : 10000;

const backend = await WebGPUBackend.create({ allowFallback: true });
const software = backend.isFallback;
console.log(`webgpu bench — adapter: ${backend.description}`);
console.log(`host: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
if (software) console.log('NOTE: software (fallback) adapter: only correctness counts here; these timings say nothing about a real GPU.\n');

/** Median ms of `fn` (which encodes work) + sync, after one warm-up call. */
async function time(fn) {
  await fn();
  await backend.sync();
  const times = [];
  const start = performance.now();
  while (times.length < REPEATS && (times.length === 0 || performance.now() - start < BUDGET_MS)) {
    const t = performance.now();
    await fn();
    await backend.sync();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], repeats: times.length };
}

let seed = 1;
function random(n) {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) { seed = (seed * 1103515245 + 12345) >>> 0; a[i] = seed / 2 ** 32 - 0.5; }
  return a;
}
const put = (shape) => ({ storage: backend.write(random(shape.reduce((x, y) => x * y, 1)), 'float32'), shape, dtype: 'float32' });

const rows = [];
function report(name, r, extra) {
  rows.push({ name, ms: r.ms, repeats: r.repeats, ...extra });
  const detail = Object.entries(extra).map(([k, v]) => `${k} ${typeof v === 'number' ? v.toFixed(2) : v}`).join(', ');
  console.log(`${name.padEnd(36)} ${r.ms.toFixed(2).padStart(10)} ms  (${r.repeats} repeats${detail ? `; ${detail}` : ''})`);
}

// ---- kernels ----
for (const n of quick ? [128, 256] : [128, 256, 512, 1024]) {
  const a = put([n, n]);
  const b = put([n, n]);
  const r = await time(() => backend.free(backend.matMul(a, b, false, false).storage));
  report(`matMul ${n}³`, r, { GFLOPs: (2 * n ** 3) / (r.ms * 1e6) });
  backend.free(a.storage); backend.free(b.storage);
}
{
  const a = put([8, 256, 64]);
  const b = put([8, 256, 64]);
  const r = await time(() => backend.free(backend.matMul(a, b, false, true).storage));
  report('matMul batched 8×256×64·(256×64)ᵀ', r, { GFLOPs: (2 * 8 * 256 * 256 * 64) / (r.ms * 1e6) });
  backend.free(a.storage); backend.free(b.storage);
}
{
  const n = quick ? 1 << 18 : 1 << 20;
  const a = put([n]);
  const b = put([n]);
  const r = await time(() => backend.free(backend.binary('add', a, b).storage));
  report(`add ${n} elements`, r, { 'GB/s': (3 * 4 * n) / (r.ms * 1e6) });
  const u = await time(() => backend.free(backend.unary('exp', a).storage));
  report(`exp ${n} elements`, u, { 'GB/s': (2 * 4 * n) / (u.ms * 1e6) });
  const s = await time(() => backend.free(backend.reduce('sum', a, [0]).storage));
  report(`sum ${n} elements`, s, { 'GB/s': (4 * n) / (s.ms * 1e6) });
  backend.free(a.storage); backend.free(b.storage);
}
if (typeof backend.conv2d === 'function') {
  const x = put([8, 32, 32, 16]);
  const f = put([3, 3, 16, 32]);
  const attrs = { strides: [1, 1], dilations: [1, 1], pad: [1, 1, 1, 1] };
  const r = await time(() => backend.free(backend.conv2d(x, f, attrs).storage));
  report('conv2d 8×32×32×16 → 32, 3×3', r, { GFLOPs: (2 * 8 * 32 * 32 * 32 * 9 * 16) / (r.ms * 1e6) });
  backend.free(x.storage); backend.free(f.storage);
} else {
  console.log('conv2d: not declared by this backend build (core runs it as im2col + matMul)');
}

// ---- training steps through the public API ----
st.registerBackend({ name: 'webgpu-bench', priority: 0, create: async () => backend });
await st.setBackend('webgpu-bench');
st.setSeed(1);
async function trainStep(name, model, xShape, classes, batch) {
  model.compile({ optimizer: st.optimizers.adam(1e-3), loss: 'sparseCategoricalCrossentropy' });
  const x = st.randomUniform([batch, ...xShape], 0, 1, 'float32', 2);
  const y = st.cast(st.mul(st.randomUniform([batch], 0, 1, 'float32', 3), classes - 0.001), 'int32');
  const step = async () => { await model.trainOnBatch(x, y); };
  const r = await time(step);
  report(name, r, { 'samples/s': batch / (r.ms / 1000) });
  st.dispose([x, y]);
  model.dispose();
}
await trainStep('MLP step 784-128-10, batch 64', st.sequential([
  st.layers.dense({ units: 128, activation: 'relu', inputShape: [784] }),
  st.layers.dense({ units: 10, activation: 'softmax' }),
]), [784], 10, 64);
await trainStep('CNN step 28×28 conv8-pool-dense, batch 32', st.sequential([
  st.layers.conv2d({ filters: 8, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
  st.layers.maxPooling2d({ poolSize: 2 }),
  st.layers.flatten(),
  st.layers.dense({ units: 10, activation: 'softmax' }),
]), [28, 28, 1], 10, 32);

const pool = backend.poolStats();
console.log(`\npool: ${pool.allocatedBuffers} device buffers (${(pool.allocatedBytes / 2 ** 20).toFixed(1)} MiB), ${pool.reused} reuses / ${pool.created} creations; ${backend.runtime.pipelineCount} pipelines cached`);
if (argv.json) writeFileSync(argv.json, JSON.stringify({ adapter: backend.description, software, rows }, null, 2));
backend.dispose();
