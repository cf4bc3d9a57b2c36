/**
 * Family 5: no storage leaks. After warm-up (core may cache constants such as im2col indices),
 * each scenario must bring both core's `memory()` and the backend's own `memory()` back to where
 * they were: kernels called directly, ops, tidy, gradients, and a training loop (which must also
 * not grow from step to step).
 */
import { executeCase } from '../cases/index.js';
import type { KernelCase } from '../cases/index.js';
import { CheckRecorder } from '../check.js';
import { Rng } from '../cases/prng.js';
import { normal, tensorOf } from '../cases/values.js';
import type { CheckResult } from '../types.js';
import type { CheckDef, SuiteContext } from './context.js';
import { activate, st, toCore } from './core.js';
import type { Tensor } from './core.js';
import { coreCurve, mlpProblem } from './training.js';

interface Snapshot {
  readonly tensors: number;
  readonly buffers: number;
  readonly backendBuffers: number;
  readonly backendBytes: number;
}

function snapshot(ctx: SuiteContext): Snapshot {
  const m = st.memory();
  const b = ctx.backend.memory();
  return { tensors: m.tensors, buffers: m.buffers, backendBuffers: b.buffers, backendBytes: b.bytes };
}

function diff(before: Snapshot, after: Snapshot): string | undefined {
  const parts = (Object.keys(before) as (keyof Snapshot)[])
    .filter((k) => before[k] !== after[k])
    .map((k) => `${k} ${before[k]} → ${after[k]}`);
  return parts.length === 0 ? undefined : parts.join(', ');
}

/** Runs `scenario` once to warm caches, then again between two snapshots that must agree. */
async function balanced(ctx: SuiteContext, rec: CheckRecorder, what: string, scenario: () => Promise<void>): Promise<void> {
  await scenario();
  const before = snapshot(ctx);
  await scenario();
  const d = diff(before, snapshot(ctx));
  rec.expect(d === undefined, `${rec.name}: ${what} leaked: ${d}`);
}

function inputs(seed: number): { x: Tensor; w: Tensor; img: Tensor; filt: Tensor; idx: Tensor } {
  const rng = Rng.derive(seed, 'memory');
  return {
    x: toCore(tensorOf(rng, [6, 8], 'float32', normal(1))),
    w: toCore(tensorOf(rng, [8, 5], 'float32', normal(1))),
    img: toCore(tensorOf(rng, [2, 6, 6, 3], 'float32', normal(1))),
    filt: toCore(tensorOf(rng, [3, 3, 3, 4], 'float32', normal(1))),
    idx: st.tensor(new Int32Array([0, 3, 3, 5]), [4], 'int32'),
  };
}

/** A spread of ops through core; returns every tensor it made. */
function someOps(t: ReturnType<typeof inputs>): Tensor[] {
  const y = st.matMul(t.x, t.w);
  return [
    y, st.softmax(y), st.sum(y, 1), st.add(t.x, 1), st.gather(t.x, t.idx, 0), st.concat([t.x, t.x], 0),
    st.conv2d(t.img, t.filt, 1, 'same'), st.maxPool(t.img, 2, 2, 'valid'), st.avgPool(t.img, 2, 2, 'valid'),
    st.transpose(t.x), st.reshape(t.x, [8, 6]), st.layerNorm(t.x),
  ];
}

async function kernelsBalance(ctx: SuiteContext): Promise<CheckResult> {
  const rec = new CheckRecorder('memory', 'memory.kernels', ctx.maxFailures);
  const b = ctx.backend;
  const start = b.memory();
  const s = b.write(new Float32Array([1, 2, 3]), 'float32');
  const during = b.memory();
  b.free(s);
  rec.expect(during.buffers === start.buffers + 1 && during.bytes >= start.bytes + 12,
    `memory.kernels: writing one float32[3] took buffers ${start.buffers} → ${during.buffers}, bytes ${start.bytes} → ${during.bytes}`);
  const end = b.memory();
  rec.expect(end.buffers === start.buffers && end.bytes === start.bytes, `memory.kernels: free did not release: buffers ${start.buffers} → ${end.buffers}, bytes ${start.bytes} → ${end.bytes}`);
  // the smallest case of every kernel row: whatever it allocates, it must free
  const smallest = new Map<string, KernelCase>();
  for (const c of ctx.kernelCases()) {
    const size = c.inputs.reduce((n, t) => n + t.data.length, 0);
    const prev = smallest.get(c.kernel);
    if (size > 0 && (prev === undefined || size < prev.inputs.reduce((n, t) => n + t.data.length, 0))) smallest.set(c.kernel, c);
  }
  for (const [kernel, c] of smallest) {
    const before = b.memory();
    await executeCase(b, c);
    const after = b.memory();
    rec.expect(after.buffers === before.buffers && after.bytes === before.bytes,
      `memory.kernels: ${kernel} ${c.label}: buffers ${before.buffers} → ${after.buffers}, bytes ${before.bytes} → ${after.bytes} after freeing its inputs and outputs`);
  }
  return rec.result();
}
/** Runs `body` with fresh random inputs on the active backend, and frees the inputs afterwards. */
async function withInputs(ctx: SuiteContext, name: string, body: (rec: CheckRecorder, t: ReturnType<typeof inputs>) => Promise<void>): Promise<CheckResult> {
  const rec = new CheckRecorder('memory', name, ctx.maxFailures);
  await activate(ctx.backend);
  const t = inputs(ctx.seed);
  try {
    await body(rec, t);
  } finally {
    st.dispose(Object.values(t));
  }
  return rec.result();
}

function opsBalance(ctx: SuiteContext): Promise<CheckResult> {
  return withInputs(ctx, 'memory.ops', async (rec, t) => {
    await balanced(ctx, rec, 'ops whose results were disposed', async () => {
      const outs = someOps(t);
      await outs[0]!.data();
      st.dispose(outs);
    });
  });
}

function tidyBalance(ctx: SuiteContext): Promise<CheckResult> {
  return withInputs(ctx, 'memory.tidy', async (rec, t) => {
    await balanced(ctx, rec, 'tidy (one result kept, then disposed)', async () => {
      const before = st.memory().tensors;
      const kept = st.tidy(() => st.sum(st.concat(someOps(t).map((o) => st.reshape(st.cast(o, 'float32'), [-1])), 0)));
      const after = st.memory().tensors;
      rec.expect(after === before + 1, `memory.tidy: tidy returning one tensor changed live tensors by ${after - before}, expected +1`);
      await kept.data();
      kept.dispose();
    });
    await balanced(ctx, rec, 'tidy whose function threw', async () => {
      try {
        st.tidy(() => {
          someOps(t);
          throw new Error('conformance: deliberate');
        });
      } catch {
        /* expected */
      }
    });
  });
}

function gradientsBalance(ctx: SuiteContext): Promise<CheckResult> {
  return withInputs(ctx, 'memory.gradients', async (rec, t) => {
    await balanced(ctx, rec, 'grads (results disposed)', async () => {
      const g = st.grads((x: Tensor, w: Tensor, img: Tensor, f: Tensor) =>
        st.add(st.sum(st.softmax(st.matMul(x, w))), st.sum(st.maxPool(st.conv2d(img, f, 1, 'same'), 2, 2, 'valid'))))([t.x, t.w, t.img, t.filt]);
      await g[0]!.data();
      st.dispose(g);
    });
  });
}

async function trainingBalance(ctx: SuiteContext): Promise<CheckResult> {
  const rec = new CheckRecorder('memory', 'memory.training', ctx.maxFailures);
  await activate(ctx.backend);
  const perStep: number[] = [];
  await balanced(ctx, rec, 'a training loop (after its tensors were disposed)', async () => {
    perStep.length = 0;
    await coreCurve(mlpProblem(ctx.seed), () => perStep.push(st.memory().buffers));
  });
  rec.expect(perStep.every((b) => b === perStep[0]), `memory.training: storage grew from step to step: buffers ${perStep.join(', ')}`);
  return rec.result();
}

export const MEMORY_CHECKS: readonly CheckDef[] = [
  { family: 'memory', name: 'memory.kernels', run: kernelsBalance },
  { family: 'memory', name: 'memory.ops', run: opsBalance },
  { family: 'memory', name: 'memory.tidy', run: tidyBalance },
  { family: 'memory', name: 'memory.gradients', run: gradientsBalance },
  { family: 'memory', name: 'memory.training', run: trainingBalance },
];
