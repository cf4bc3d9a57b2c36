#!/usr/bin/env node
/**
 * `npm run bench`: matMul 256³/512³/1024³ and conv2d (batch 8, 32×32×32 → 64 filters, 3×3, same)
 * forward + both backprops, in ONE process, on Strata wasm-simd, Strata cpu, and TensorFlow.js
 * 4.22 `wasm` and `cpu`. Each figure is the median of timed repeats after warm-up calls. All four
 * backends compute synchronously, so a repeat times the kernel call and the release of its output,
 * not a read-back: copying a fresh result array out costs page faults (~0.5 ms per 256 KiB on this
 * VM) that would swamp the small cases for every backend alike. Ratios are to TF.js wasm.
 *
 * Needs `npm run build` first (it imports dist/). Options: --quick (fewer repeats).
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { WasmBackend } from '../dist/index.js';

const quick = process.argv.includes('--quick');
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

function random(n, seed) {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2 ** 32 - 0.5;
  }
  return a;
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

const rows = [];
const runners = [];

runners.push(['strata wasm-simd', strataRunner(await WasmBackend.create())]);
try {
  const { CpuBackend } = await import('@strata/backend-cpu');
  runners.push(['strata cpu', strataRunner(new CpuBackend())]);
} catch {
  console.log('(@strata/backend-cpu not found: its column is skipped)');
}
let tfVersion = 'not installed';
try {
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-cpu');
  const tfWasm = await import('@tensorflow/tfjs-backend-wasm');
  const require = createRequire(import.meta.url);
  tfWasm.setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'))}/`);
  tfVersion = tf.version_core;
  runners.push(['tfjs wasm', await tfjsRunner(tf, 'wasm')]);
  runners.push(['tfjs cpu', await tfjsRunner(tf, 'cpu')]);
  // switching backends later re-runs setBackend, so keep a handle on tf
  for (const r of runners) if (r[0].startsWith('tfjs')) r.push(tf);
  runners.find((r) => r[0] === 'tfjs wasm').push({ threads: tfWasm.getThreadsCount() });
} catch (err) {
  console.log(`(TensorFlow.js not usable: ${err.message})`);
}

const cases = [
  ...[256, 512, 1024].map((n) => ({ label: `matMul ${n}³`, flops: 2 * n ** 3, make: (r) => r.matMul(n) })),
  ...['forward', 'backpropInput', 'backpropFilter'].map((kind) => {
    const g = { n: 8, h: 32, w: 32, c: 32, f: 64 };
    return { label: `conv2d ${kind}`, flops: 2 * g.n * g.h * g.w * 9 * g.c * g.f, make: (r) => r.conv(kind, g) };
  }),
];

for (const c of cases) {
  const row = { case: c.label, results: {} };
  for (const [name, runner, tf] of runners) {
    if (tf !== undefined) await tf.setBackend(name.replace('tfjs ', ''));
    let job;
    try {
      job = c.make(runner);
      const warm = name === 'strata cpu' || name === 'tfjs cpu' ? 1 : 3;
      const t = time(job.fn, warm);
      row.results[name] = { ...t, gflops: c.flops / t.ms / 1e6 };
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
process.stdout.write('\n');

const names = runners.map((r) => r[0]);
console.log(`node ${process.version}, TensorFlow.js ${tfVersion}; median ms (GFLOP/s) [repeats]; ratio = TF.js wasm time / wasm-simd time`);
const wasmInfo = runners.find((r) => r[0] === 'tfjs wasm')?.[3];
if (wasmInfo) console.log(`tfjs wasm threads: ${wasmInfo.threads}`);
const header = ['case', ...names.map((n) => n), 'wasm-simd vs tfjs wasm'];
const table = rows.map((row) => {
  const cells = names.map((n) => {
    const r = row.results[n];
    return r.error ? `n/a (${r.error})` : `${r.ms.toFixed(2)} ms (${r.gflops.toFixed(1)}) [${r.cold ? '1 cold' : r.repeats}]`;
  });
  const ours = row.results['strata wasm-simd'];
  const theirs = row.results['tfjs wasm'];
  const ratio = ours && theirs && !ours.error && !theirs.error ? `${(theirs.ms / ours.ms).toFixed(2)}×` : 'n/a';
  return [row.case, ...cells, ratio];
});
const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
console.log(line(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of table) console.log(line(r));
