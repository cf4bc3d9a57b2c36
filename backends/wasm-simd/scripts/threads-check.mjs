// Times matMul n³ on the wasm-simd backend with 1 and 2 (or THREADS) threads, in one process,
// and checks that both give the same numbers. Run after `npx tsc -b`:
//   node scripts/threads-check.mjs [--all] [sizes...]  e.g. node scripts/threads-check.mjs 128 256 512 1024
// --all adds conv2d (forward and both backprops, 16×32×32×32 ⊛ 3×3×32×64) and large elementwise ops.
// THREADS=n compares 1 with n threads (default 2); MIN_WORK=flops overrides the threaded
// backend's threshold (MIN_WORK=0 splits everything, to find where splitting starts to pay).
// Reports GFLOP/s (median of several runs) and the 1-minute load average, since other
// processes on the machine compete for the same cores.
import { loadavg, availableParallelism } from 'node:os';
import { WasmBackend } from '@strata/backend-wasm';

const all = process.argv.includes('--all');
const sizes = process.argv.slice(2).filter((a) => a !== '--all').map(Number);
if (sizes.length === 0) sizes.push(256, 512, 1024);
const counts = [1, Number(process.env.THREADS ?? 2)];

const backends = [];
const minParallelWork = process.env.MIN_WORK === undefined ? undefined : Number(process.env.MIN_WORK);
for (const threads of counts) backends.push(await WasmBackend.create({ threads, ...(minParallelWork === undefined ? {} : { minParallelWork }) }));
for (const b of backends) console.log(`threads=${b.threads}: ${b.description}`);

/** Sorted times (ms) of `reps` calls of `run`, which returns an output to free. */
function times(backend, run, reps) {
  const t = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    const out = run();
    t.push(performance.now() - t0);
    backend.free(out.storage);
  }
  return t.sort((p, q) => p - q);
}

/**
 * Calls `run` for at least `ms` milliseconds: V8 first runs wasm on its baseline compiler and
 * swaps in optimized code only after a function has used some time, so a few calls are not enough.
 */
function warm(backend, run, ms = 300) {
  const end = performance.now() + ms;
  do backend.free(run().storage); while (performance.now() < end);
}

function median(backend, run, reps) {
  const t = times(backend, run, reps);
  return t[t.length >> 1];
}

console.log(`cores: ${availableParallelism()}, load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
// Median and best: with other processes on the same cores the best run shows what the code can do.
console.log('n     ' + counts.map((c) => `${c} thread${c > 1 ? 's' : ''} GFLOP/s median/best`.padStart(32)).join('') + '   same result');
for (const n of sizes) {
  const values = Float32Array.from({ length: n * n }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
  const flops = 2 * n * n * n;
  const reps = Math.max(5, Math.min(50, Math.round(2e10 / flops)));
  const row = [];
  const results = [];
  for (const b of backends) {
    const x = { storage: b.write(values, 'float32'), shape: [n, n], dtype: 'float32' };
    const run = () => b.matMul(x, x, false, false);
    warm(b, run);
    const t = times(b, run, reps);
    row.push(`${(flops / t[t.length >> 1] / 1e6).toFixed(1)} / ${(flops / t[0] / 1e6).toFixed(1)}`);
    const out = b.matMul(x, x, false, false);
    results.push(b.readSync(out.storage));
    b.free(out.storage);
    b.free(x.storage);
  }
  const same = results.every((r) => r.every((v, i) => v === results[0][i]));
  console.log(String(n).padEnd(6) + row.map((g) => g.padStart(32)).join('') + `   ${same}`);
}
if (all) {
  const attrs = { strides: [1, 1], dilations: [1, 1], pad: [1, 1, 1, 1] };
  const X = [16, 32, 32, 32], F = [3, 3, 32, 64], DY = [16, 32, 32, 64];
  const convFlops = 2 * 16 * 32 * 32 * 64 * 9 * 32;
  const N = 4 * 1024 * 1024;
  const cases = [
    ['conv2d', convFlops, 'GFLOP/s', (b, t) => b.conv2d(t.x, t.f, attrs)],
    ['conv2dBackpropInput', convFlops, 'GFLOP/s', (b, t) => b.conv2dBackpropInput(t.dy, t.f, X, attrs)],
    ['conv2dBackpropFilter', convFlops, 'GFLOP/s', (b, t) => b.conv2dBackpropFilter(t.x, t.dy, F, attrs)],
    ['exp 4M', N, 'Gelem/s', (b, t) => b.unary('exp', t.v)],
    ['add 4M', N, 'Gelem/s', (b, t) => b.binary('add', t.v, t.v)],
  ];
  const sized = (s) => Float32Array.from({ length: s.reduce((p, q) => p * q, 1) }, (_, i) => Math.sin(i));
  const inputs = backends.map((b) => {
    const t = (s) => ({ storage: b.write(sized(s), 'float32'), shape: s, dtype: 'float32' });
    return { x: t(X), f: t(F), dy: t(DY), v: t([N]) };
  });
  for (const [name, amount, unit, run] of cases) {
    const row = backends.map((b, i) => {
      warm(b, () => run(b, inputs[i]));
      return amount / median(b, () => run(b, inputs[i]), 11) / 1e6;
    });
    console.log(name.padEnd(22) + row.map((g) => `${g.toFixed(1)} ${unit}`.padStart(18)).join(''));
  }
  backends.forEach((b, i) => { for (const t of Object.values(inputs[i])) b.free(t.storage); });
}
console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
for (const b of backends) b.dispose();
