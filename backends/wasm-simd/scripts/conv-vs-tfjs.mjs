#!/usr/bin/env node
// Strata wasm-simd vs TensorFlow.js wasm on ONE thread, conv2d (batch 8, 32×32×32 → 64, 3×3, same)
// forward and matMul 512³, in one process with the two libraries' calls INTERLEAVED (A, B, A, B…),
// so that load from other processes hits both alike; prints the median of ROUNDS (default 15)
// per library and the median of the per-round speed ratios.   node scripts/conv-vs-tfjs.mjs
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { loadavg } from 'node:os';
import { WasmBackend } from '../dist/index.js';
const ROUNDS = Number(process.env.ROUNDS ?? 15);
const tf = await import('@tensorflow/tfjs-core');
const tfWasm = await import('@tensorflow/tfjs-backend-wasm');
const require = createRequire(import.meta.url);
tfWasm.setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'))}/`);
await tf.setBackend('wasm');
await tf.ready();
const be = await WasmBackend.create({ threads: 1 });
const rnd = (n, seed) => { const a = new Float32Array(n); let s = seed >>> 0; for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; a[i] = s / 2 ** 32 - 0.5; } return a; };
const put = (a, shape) => ({ storage: be.write(a, 'float32'), shape, dtype: 'float32' });
const g = { n: 8, h: 32, w: 32, c: 32, f: 64 };
const X = rnd(g.n * g.h * g.w * g.c, 3), F = rnd(9 * g.c * g.f, 4), M = rnd(512 * 512, 1);
const sx = put(X, [g.n, g.h, g.w, g.c]), sf = put(F, [3, 3, g.c, g.f]), sm = put(M, [512, 512]);
const tx = tf.tensor4d(X, [g.n, g.h, g.w, g.c]), tfl = tf.tensor4d(F, [3, 3, g.c, g.f]), tm = tf.tensor2d(M, [512, 512]);
const attrs = { strides: [1, 1], dilations: [1, 1], pad: [1, 1, 1, 1] };
const cases = [
  ['conv2d forward', 2 * g.n * g.h * g.w * 9 * g.c * g.f, () => be.free(be.conv2d(sx, sf, attrs).storage), () => tf.conv2d(tx, tfl, 1, 'same').dispose()],
  ['matMul 512³', 2 * 512 ** 3, () => be.free(be.matMul(sm, sm, false, false).storage), () => tf.matMul(tm, tm).dispose()],
];
const med = (a) => [...a].sort((p, q) => p - q)[a.length >> 1];
console.log(`load before ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
for (const [name, flops, a, b] of cases) {
  for (let i = 0; i < 5; i++) { a(); b(); }
  const ta = [], tb = [], ratio = [];
  for (let r = 0; r < ROUNDS; r++) {
    let t0 = performance.now(); a(); const da = performance.now() - t0;
    t0 = performance.now(); b(); const db = performance.now() - t0;
    ta.push(da); tb.push(db); ratio.push(db / da);
  }
  console.log(`${name.padEnd(16)} strata ${(flops / med(ta) / 1e6).toFixed(1)} GFLOP/s, tfjs wasm ${(flops / med(tb) / 1e6).toFixed(1)} GFLOP/s, ratio (median of rounds) ${med(ratio).toFixed(2)}×`);
}
console.log(`load after ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
be.dispose();
