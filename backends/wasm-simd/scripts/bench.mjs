#!/usr/bin/env node
/**
 * `npm run bench`: Strata wasm-simd side by side with TensorFlow.js 4.22 `wasm` and `cpu` (and
 * Strata cpu where cheap), in ONE process. Suites (`--suite kernels|elementwise|chain|training|all`,
 * default kernels; `all` runs every one):
 *
 * - kernels: matMul 256³/512³/1024³ and conv2d (batch 8, 32×32×32 → 64 filters, 3×3, same)
 *   forward + both backprops, calling backend kernels directly;
 * - elementwise, chain, training: through the public APIs (see bench-suites.mjs).
 *
 * Options: --quick (fewer repeats), --json FILE (every figure), --train-limit N (images per timed
 * epoch on wasm backends, default 12800, scaled to 60,000), --cpu-train-limit N (same for the
 * plain-JS backends, default 1280; 0 skips them), --threads N (wasm-simd threads, through
 * STRATA_WASM_THREADS; TF.js wasm runs single-threaded in Node, so --threads 1 compares like with
 * like). Ratios are speed ratios against TF.js wasm:
 * TF.js time / wasm-simd time, so > 1 means wasm-simd is faster.
 *
 * Kernels: each figure is the median of timed repeats after warm-up calls. All four
 * backends compute synchronously, so a repeat times the kernel call and the release of its output,
 * not a read-back: copying a fresh result array out costs page faults (~0.5 ms per 256 KiB on this
 * VM) that would swamp the small cases for every backend alike. Ratios are to TF.js wasm.
 *
 * Needs `npm run build` first (it imports dist/). Options: --quick (fewer repeats).
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import * as st from '@strata/core';
import { WasmBackend } from '../dist/index.js'; // also registers 'wasm-simd' with @strata/core
import { chainSuite, elementwiseSuite, random, trainingSuite } from './bench-suites.mjs';

const { values: argv } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    suite: { type: 'string', default: 'kernels' },
    json: { type: 'string' },
    'train-limit': { type: 'string', default: '12800' },
    'cpu-train-limit': { type: 'string', default: '1280' },
    threads: { type: 'string' },
  },
});
const SUITES = ['kernels', 'elementwise', 'chain', 'training'];
const suites = argv.suite === 'all' ? SUITES : argv.suite.split(',');
for (const s of suites) if (!SUITES.includes(s)) throw new Error(`--suite must be one of ${SUITES.join(', ')} or all (comma-separated), got ${s}`);
const quick = argv.quick;
const MAX_REPEATS = quick ? 3 : 7;
const BUDGET_MS = quick ? 1500 : 4000;

/**
 * Median ms of `fn` after `warm` calls; repeats until MAX_REPEATS or the time budget is spent
 * (at least 1). A call slower than SLOW_MS (the plain-JS backends on big cases) is timed once,
 * cold, and marked as such, so the whole run stays within minutes.
 */
const SLOW_MS = 5000;
function time(fn, warm = 2) {
  for (let i = 0; i < warm; i++) {
    const t = performance.now();
    fn();
    const ms = performance.now() - t;
    if (ms > SLOW_MS) return { ms, repeats: 1, cold: true };
  }
  const times = [];
  const start = performance.now();
  while (times.length < MAX_REPEATS && (times.length === 0 || performance.now() - start < BUDGET_MS)) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], repeats: times.length, cold: false };
}

// ---- Strata backends (kernels called directly, as core would) ----

function strataRunner(backend) {
  const put = (values, shape) => ({ storage: backend.write(values, 'float32'), shape, dtype: 'float32' });
  const run = (make) => () => backend.free(make().storage);
  return {
    matMul(n) {
      const a = put(random(n * n, 1), [n, n]);
      const b = put(random(n * n, 2), [n, n]);
      return { fn: run(() => backend.matMul(a, b, false, false)), done: () => { backend.free(a.storage); backend.free(b.storage); } };
    },
    conv(kind, g) {
      const x = put(random(g.n * g.h * g.w * g.c, 3), [g.n, g.h, g.w, g.c]);
      const f = put(random(9 * g.c * g.f, 4), [3, 3, g.c, g.f]);
      const dy = put(random(g.n * g.h * g.w * g.f, 5), [g.n, g.h, g.w, g.f]);
      const attrs = { strides: [1, 1], dilations: [1, 1], pad: [1, 1, 1, 1] };
      const make = {
        forward: () => backend.conv2d(x, f, attrs),
        backpropInput: () => backend.conv2dBackpropInput(dy, f, x.shape, attrs),
        backpropFilter: () => backend.conv2dBackpropFilter(x, dy, f.shape, attrs),
      }[kind];
      return { fn: run(make), done: () => [x, f, dy].forEach((t) => backend.free(t.storage)) };
    },
  };
}

// ---- TensorFlow.js ----

async function tfjsRunner(tf, name) {
  await tf.setBackend(name);
  await tf.ready();
  return {
    matMul(n) {
      const a = tf.tensor2d(random(n * n, 1), [n, n]);
      const b = tf.tensor2d(random(n * n, 2), [n, n]);
      return { fn: () => tf.matMul(a, b).dispose(), done: () => { a.dispose(); b.dispose(); } };
    },
    conv(kind, g) {
      const x = tf.tensor4d(random(g.n * g.h * g.w * g.c, 3), [g.n, g.h, g.w, g.c]);
      const f = tf.tensor4d(random(9 * g.c * g.f, 4), [3, 3, g.c, g.f]);
      const dy = tf.tensor4d(random(g.n * g.h * g.w * g.f, 5), [g.n, g.h, g.w, g.f]);
      const make = {
        forward: () => tf.conv2d(x, f, 1, 'same'),
        backpropInput: () => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: f },
          { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', inputShape: x.shape }),
        backpropFilter: () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy },
          { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', filterShape: f.shape }),
      }[kind];
      return { fn: () => make().dispose(), done: () => tf.dispose([x, f, dy]) };
    },
  };
}

// ---- main ----

// Both the kernel-level instance and the one st.setBackend creates read this at creation.
if (argv.threads !== undefined) process.env.STRATA_WASM_THREADS = argv.threads;
const loadBefore = loadavg();
const startedAt = new Date().toISOString();
const strataWasm = await WasmBackend.create();
/** Kernel-level runners (backend objects) for the kernels suite. */
const runners = [];
runners.push(['strata wasm-simd', strataRunner(strataWasm)]);
let hasStrataCpu = false;
try {
  const { CpuBackend } = await import('@strata/backend-cpu'); // also registers 'cpu' with @strata/core
  runners.push(['strata cpu', strataRunner(new CpuBackend())]);
  hasStrataCpu = true;
} catch {
  console.log('(@strata/backend-cpu not found: its column is skipped)');
}
let tfVersion = 'not installed';
let tf;
let tfWasmThreads;
try {
  tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-cpu');
  const tfWasm = await import('@tensorflow/tfjs-backend-wasm');
  const require = createRequire(import.meta.url);
  tfWasm.setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'))}/`);
  tfVersion = tf.version_core;
  runners.push(['tfjs wasm', await tfjsRunner(tf, 'wasm'), tf]);
  runners.push(['tfjs cpu', await tfjsRunner(tf, 'cpu'), tf]);
  tfWasmThreads = tfWasm.getThreadsCount();
} catch (err) {
  tf = undefined;
  console.log(`(TensorFlow.js not usable: ${err.message})`);
}

/** Op-level runners (libraries with an active backend) for the other suites. */
const libRunners = [{ name: 'strata wasm-simd', kind: 'strata', backend: 'wasm-simd', lib: st }];
if (tf !== undefined) {
  libRunners.push({ name: 'tfjs wasm', kind: 'tfjs', backend: 'wasm', lib: tf });
  libRunners.push({ name: 'tfjs cpu', kind: 'tfjs', backend: 'cpu', lib: tf });
}
if (hasStrataCpu) libRunners.push({ name: 'strata cpu', kind: 'strata', backend: 'cpu', lib: st });

const kernelCases = [
  ...[256, 512, 1024].map((n) => ({ label: `matMul ${n}³`, flops: 2 * n ** 3, make: (r) => r.matMul(n) })),
  ...['forward', 'backpropInput', 'backpropFilter'].map((kind) => {
    const g = { n: 8, h: 32, w: 32, c: 32, f: 64 };
    return { label: `conv2d ${kind}`, flops: 2 * g.n * g.h * g.w * 9 * g.c * g.f, make: (r) => r.conv(kind, g) };
  }),
];

async function kernelSuite() {
  const rows = [];
  for (const c of kernelCases) {
    const row = { case: c.label, unit: 'GFLOP/s', results: {} };
    for (const [name, runner, lib] of runners) {
      if (lib !== undefined) await lib.setBackend(name.replace('tfjs ', ''));
      let job;
      try {
        job = c.make(runner);
        const warm = name === 'strata cpu' || name === 'tfjs cpu' ? 1 : 3;
        const t = time(job.fn, warm);
        row.results[name] = { ...t, value: c.flops / t.ms / 1e6 };
      } catch (err) {
        const message = String(err.message ?? err);
        row.results[name] = { error: message.includes('not registered') ? 'no such kernel' : message.split('\n')[0].slice(0, 40) };
      } finally {
        job?.done();
      }
      process.stdout.write('.');
    }
    rows.push(row);
  }
  return { rows };
}

const opts = {
  repeats: quick ? 3 : 7,
  trainLimit: Number(argv['train-limit']),
  cpuTrainLimit: Number(argv['cpu-train-limit']),
};
const results = {};
for (const s of suites) {
  process.stdout.write(`${s} `);
  if (s === 'kernels') results[s] = await kernelSuite();
  if (s === 'elementwise') results[s] = await elementwiseSuite(libRunners, opts);
  if (s === 'chain') results[s] = await chainSuite(libRunners, opts);
  if (s === 'training') results[s] = await trainingSuite(libRunners.filter((r) => r.name !== 'strata cpu'), opts);
  process.stdout.write('\n');
}
const loadAfter = loadavg();

// ---- report ----

const names = ['strata wasm-simd', 'tfjs wasm', 'tfjs cpu', 'strata cpu'];
/** Higher is better for every unit but s/epoch. */
const lowerIsBetter = (unit) => unit === 's/epoch';

function cell(r, unit) {
  if (r === undefined) return '—';
  if (r.error) return `n/a (${r.error})`;
  if (unit === 'GFLOP/s') return `${r.ms.toFixed(2)} ms (${r.value.toFixed(1)}) [${r.cold ? '1 cold' : r.repeats}]`;
  if (unit === 'GB/s') return `${r.value.toFixed(2)} GB/s${r.ofCopy === undefined ? '' : ` (${(100 * r.ofCopy).toFixed(0)}% of copy)`}`;
  if (unit === 'ops/s') return `${Math.round(r.value).toLocaleString('en-US')} ops/s`;
  return `${r.value.toFixed(1)} s (${r.msPerStep.toFixed(1)} ms/step; ${r.images} imgs, ${r.measuredS.toFixed(1)} s)`;
}

/** Speed ratio of wasm-simd over `other` (> 1: wasm-simd faster), from times or throughputs. */
function ratio(row, other) {
  const ours = row.results['strata wasm-simd'];
  const theirs = row.results[other];
  if (!ours || !theirs || ours.error || theirs.error) return 'n/a';
  const x = row.unit === 's/epoch' ? theirs.value / ours.value : row.unit === 'GFLOP/s' ? theirs.ms / ours.ms : ours.value / theirs.value;
  return `${x.toFixed(2)}×`;
}

function printTable(rows) {
  const header = ['case', 'unit', ...names, 'vs tfjs wasm', 'vs tfjs cpu'];
  const table = rows.map((row) => {
    if (row.results.js) return [row.case, row.unit, cell(row.results.js, row.unit), '', '', '', '', ''];
    return [row.case, row.unit, ...names.map((n) => cell(row.results[n], row.unit)), ratio(row, 'tfjs wasm'), ratio(row, 'tfjs cpu')];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of table) console.log(line(r));
}

console.log(`node ${process.version}, TensorFlow.js ${tfVersion} (wasm threads: ${tfWasmThreads ?? 'n/a'}), ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'})`);
console.log(`strata wasm-simd: ${strataWasm.description ?? '1 thread'}`);
console.log(`load average before ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, after ${loadAfter.map((l) => l.toFixed(2)).join(' ')}`);
console.log('ratios are speed ratios: TF.js time / wasm-simd time (or wasm-simd throughput / TF.js throughput); > 1 means wasm-simd is faster');
if (results.kernels) console.log('kernels: median ms (GFLOP/s) [repeats]');
if (results.training) {
  console.log(`training: one epoch timed on ${opts.trainLimit} images (plain-JS backends: ${opts.cpuTrainLimit}) after a 4-batch warm-up fit, ` +
    'wall time scaled to 60,000 images (s/epoch), with the median ms per step');
}
printTable(suites.flatMap((s) => results[s].rows));

if (argv.json !== undefined) {
  const meta = { startedAt, wasmSimd: strataWasm.description ?? '1 thread', node: process.version, tfjs: tfVersion, tfWasmThreads, cpus: cpus().length, cpuModel: cpus()[0]?.model, loadBefore, loadAfter, args: process.argv.slice(2), opts };
  writeFileSync(argv.json, `${JSON.stringify({ meta, suites: results }, null, 2)}\n`);
  console.log(`wrote ${argv.json}`);
}
