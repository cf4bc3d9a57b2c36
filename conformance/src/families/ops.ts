/**
 * Family 2: ops through core. Every op that has an optional kernel runs twice — once on the
 * backend as it is (its kernel, when declared) and once on its "required kernels only" twin
 * (core's fallback) — and both answers are judged by the same oracle, so a kernel and the
 * fallback cannot drift apart. A few pure composites (mean, logSumExp) run once.
 */
import type { OptionalKernelName } from '../contract.js';
import type { Expected } from '../compare.js';
import { CheckRecorder } from '../check.js';
import * as O from '../oracle/index.js';
import type { OTensor } from '../oracle/index.js';
import { CONV_SPECS, POOL_SPECS } from '../cases/optional.js';
import { Rng } from '../cases/prng.js';
import { normal, shapeStr, tensorOf, uniform } from '../cases/values.js';
import { TOLERANCES } from '../tolerances.js';
import type { Tolerance } from '../tolerances.js';
import type { CheckResult } from '../types.js';
import type { CheckDef, SuiteContext } from './context.js';
import { activate, compareTensor, declares, st, toCore, withoutOptionalKernels } from './core.js';
import type { Tensor } from './core.js';

interface OpCase {
  readonly label: string;
  readonly inputs: readonly OTensor[];
  run(xs: readonly Tensor[]): Tensor | readonly Tensor[];
  expect(): Expected | readonly Expected[];
  readonly tol: Tolerance;
}

interface OpSpec {
  readonly name: string;
  /** Optional kernels that can serve this op; empty: a composite of required kernels only. */
  readonly kernels: readonly OptionalKernelName[];
  cases(rng: Rng): OpCase[];
}

const pads2 = (p: readonly number[]): [[number, number], [number, number]] => [[p[0]!, p[1]!], [p[2]!, p[3]!]];
const ex = (value: OTensor): Expected => ({ value });

const SPECS: readonly OpSpec[] = [
  {
    name: 'conv2d', kernels: ['conv2d'],
    cases: (rng) => CONV_SPECS.map(([label, xs, fs, a]) => {
      const x = tensorOf(rng, xs, 'float32', uniform(-1, 1));
      const f = tensorOf(rng, fs, 'float32', uniform(-1, 1));
      return { label: `x ${shapeStr(xs)} filter ${shapeStr(fs)} ${label}`, inputs: [x, f], tol: TOLERANCES.accumulation,
        run: ([xi, fi]) => st.conv2d(xi!, fi!, a.strides, pads2(a.pad), a.dilations), expect: () => O.conv2d(x, f, a) };
    }),
  },
  {
    name: 'depthwiseConv2d', kernels: ['depthwiseConv2d'],
    cases: (rng) => CONV_SPECS.map(([label, xs, fs, a]) => {
      const x = tensorOf(rng, xs, 'float32', uniform(-1, 1));
      const f = tensorOf(rng, [fs[0]!, fs[1]!, xs[3]!, 2], 'float32', uniform(-1, 1));
      return { label: `x ${shapeStr(xs)} filter ${shapeStr(f.shape)} ${label}`, inputs: [x, f], tol: TOLERANCES.accumulation,
        run: ([xi, fi]) => st.depthwiseConv2d(xi!, fi!, a.strides, pads2(a.pad), a.dilations), expect: () => O.depthwiseConv2d(x, f, a) };
    }),
  },
  {
    name: 'maxPool', kernels: ['maxPool'],
    cases: (rng) => POOL_SPECS.map(([label, xs, a]) => {
      const x = tensorOf(rng, xs, 'float32', normal(2));
      return { label: `x ${shapeStr(xs)} ${label}`, inputs: [x], tol: TOLERANCES.exact,
        run: ([xi]) => st.maxPool(xi!, a.filterSize, a.strides, pads2(a.pad)), expect: () => ex(O.maxPool(x, a)) };
    }),
  },
  {
    name: 'avgPool', kernels: ['avgPool'],
    cases: (rng) => POOL_SPECS.map(([label, xs, a]) => {
      const x = tensorOf(rng, xs, 'float32', normal(2));
      return { label: `x ${shapeStr(xs)} ${label}`, inputs: [x], tol: TOLERANCES.pooling,
        run: ([xi]) => st.avgPool(xi!, a.filterSize, a.strides, pads2(a.pad)), expect: () => ex(O.avgPool(x, a)) };
    }),
  },
  ...(['softmax', 'logSoftmax'] as const).map((name): OpSpec => ({
    name, kernels: [name],
    cases: (rng) => ([[5], [7, 13], [2, 3, 1], [2, 3, 4, 9], [64, 64]] as number[][]).map((shape) => {
      const x = tensorOf(rng, shape, 'float32', normal(3));
      return { label: shapeStr(shape), inputs: [x], tol: TOLERANCES.normalization,
        run: ([xi]) => st[name](xi!), expect: () => ex(O[name](x)) };
    }),
  })),
  {
    name: 'layerNorm', kernels: ['layerNorm'],
    cases: (rng) => ([[5], [7, 13], [2, 3, 32]] as number[][]).map((shape) => {
      const c = shape[shape.length - 1]!;
      const x = tensorOf(rng, shape, 'float32', normal(2));
      const g = tensorOf(rng, [c], 'float32', uniform(0.5, 1.5));
      const b = tensorOf(rng, [c], 'float32', normal(1));
      return { label: shapeStr(shape), inputs: [x, g, b], tol: TOLERANCES.normalization,
        run: ([xi, gi, bi]) => st.layerNorm(xi!, gi!, bi!, 1e-5), expect: () => ex(O.layerNorm(x, g, b, 1e-5)) };
    }),
  },
  {
    name: 'batchNorm', kernels: ['batchNorm'],
    cases: (rng) => ([[7, 13], [2, 5, 5, 3]] as number[][]).map((shape) => {
      const c = shape[shape.length - 1]!;
      const x = tensorOf(rng, shape, 'float32', normal(2));
      const vs = [normal(1), uniform(0.1, 3), normal(1), uniform(0.5, 1.5)].map((d) => tensorOf(rng, [c], 'float32', d));
      const [m, v, o, s] = vs as [OTensor, OTensor, OTensor, OTensor];
      return { label: shapeStr(shape), inputs: [x, m, v, o, s], tol: TOLERANCES.normalization,
        run: ([xi, mi, vi, oi, si]) => st.batchNorm(xi!, mi!, vi!, oi!, si!, 1e-3), expect: () => ex(O.batchNorm(x, m, v, o, s, 1e-3)) };
    }),
  },
  {
    name: 'fusedMatMul', kernels: ['fusedMatMul'],
    cases: (rng) => ([['relu', false, false], ['sigmoid', true, false], ['tanh', false, true], ['linear', true, true]] as const).map(([act, ta, tb]) => {
      const a = tensorOf(rng, ta ? [13, 7] : [7, 13], 'float32', uniform(-1, 1));
      const b = tensorOf(rng, tb ? [5, 13] : [13, 5], 'float32', uniform(-1, 1));
      const bias = tensorOf(rng, [5], 'float32', normal(1));
      return { label: `${act}${ta ? ' transposeA' : ''}${tb ? ' transposeB' : ''}`, inputs: [a, b, bias], tol: TOLERANCES.accumulation,
        run: ([ai, bi, ci]) => st.fusedMatMul({ a: ai!, b: bi!, bias: ci!, activation: act, transposeA: ta, transposeB: tb }),
        expect: () => O.fusedMatMul(a, b, bias, act, ta, tb) };
    }),
  },
  {
    name: 'dotProductAttention', kernels: ['attention'],
    cases: (rng) => ([[[2], 3, 7, 4, 4, true], [[], 4, 6, 8, 5, false]] as const).map(([batch, m, n, d, e, masked]) => {
      const q = tensorOf(rng, [...batch, m, d], 'float32', uniform(-1, 1));
      const k = tensorOf(rng, [...batch, n, d], 'float32', uniform(-1, 1));
      const v = tensorOf(rng, [...batch, n, e], 'float32', uniform(-1, 1));
      const mask = masked ? tensorOf(rng, [m, n], 'float32', (r) => (r.bool(0.2) ? -1e9 : 0)) : null;
      if (mask !== null) for (let i = 0; i < m; i++) mask.data[i * n] = 0;
      const scale = 1 / Math.sqrt(d);
      return { label: `q ${shapeStr(q.shape)} k ${shapeStr(k.shape)}${masked ? ' masked' : ''}`, inputs: mask ? [q, k, v, mask] : [q, k, v], tol: TOLERANCES.attention,
        run: ([qi, ki, vi, mi]) => st.dotProductAttention(qi!, ki!, vi!, mi ?? null, scale), expect: () => ex(O.attention(q, k, v, mask, scale)) };
    }),
  },
  {
    name: 'adamUpdate', kernels: ['adamUpdate'],
    cases: (rng) => [1, 7].map((step) => {
      const [p, g, m] = [normal(1), normal(0.5), normal(0.1)].map((d) => tensorOf(rng, [7, 13], 'float32', d)) as [OTensor, OTensor, OTensor];
      const v = tensorOf(rng, [7, 13], 'float32', uniform(0.01, 0.5));
      const attrs = { learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, step };
      return { label: `[7,13] step ${step}`, inputs: [p, g, m, v], tol: TOLERANCES.optimizer,
        run: ([pi, gi, mi, vi]) => st.adamUpdate(pi!, gi!, mi!, vi!, attrs), expect: () => O.adamUpdate(p, g, m, v, attrs).map(ex) };
    }),
  },
  {
    name: 'sgdUpdate', kernels: ['sgdUpdate'],
    cases: (rng) => ([[0, false], [0.9, false], [0.9, true]] as const).map(([momentum, nesterov]) => {
      const [p, g, vel] = [normal(1), normal(0.5), normal(0.1)].map((d) => tensorOf(rng, [7, 13], 'float32', d)) as [OTensor, OTensor, OTensor];
      const attrs = { learningRate: 0.05, momentum, nesterov };
      return { label: `momentum ${momentum}${nesterov ? ' nesterov' : ''}`, inputs: [p, g, vel], tol: TOLERANCES.optimizer,
        run: ([pi, gi, vi]) => st.sgdUpdate(pi!, gi!, vi!, attrs), expect: () => O.sgdUpdate(p, g, vel, attrs).map(ex) };
    }),
  },
  {
    name: 'mean', kernels: [],
    cases: (rng) => ([[[7, 13], [1]], [[2, 3, 4], [0, 2]], [[300, 301], [0, 1]]] as [number[], number[]][]).map(([shape, axes]) => {
      const x = tensorOf(rng, shape, 'float32', uniform(-1, 1));
      return { label: `${shapeStr(shape)} axes [${axes.join(',')}]`, inputs: [x], tol: TOLERANCES.accumulation,
        run: ([xi]) => st.mean(xi!, axes), expect: () => {
          const r = O.reduce('sum', x, axes);
          return { value: { ...r.value, data: r.value.data.map((v) => v / r.terms) }, magnitude: r.magnitude.map((v) => v / r.terms), terms: r.terms };
        } };
    }),
  },
  {
    name: 'logSumExp', kernels: [],
    cases: (rng) => ([[[7, 13], [1]], [[4, 10], [0]]] as [number[], number[]][]).map(([shape, axes]) => {
      const x = tensorOf(rng, shape, 'float32', normal(3));
      return { label: `${shapeStr(shape)} axes [${axes.join(',')}]`, inputs: [x], tol: TOLERANCES.normalization,
        run: ([xi]) => st.logSumExp(xi!, axes), expect: () => {
          const r = O.reduce('sum', O.unary('exp', x), axes);
          return ex(O.unary('log', r.value));
        } };
    }),
  },
];

async function runOpCase(c: OpCase): Promise<{ ok: boolean; maxAbsError: number; worstRatio: number; failure?: string }> {
  const inputs = c.inputs.map(toCore);
  let outputs: Tensor[] = [];
  try {
    const r = st.tidy(() => c.run(inputs));
    outputs = Array.isArray(r) ? [...(r as readonly Tensor[])] : [r as Tensor];
    const e = c.expect();
    const expected = Array.isArray(e) ? (e as readonly Expected[]) : [e as Expected];
    let maxAbsError = 0;
    let worstRatio = 0;
    let failure: string | undefined;
    for (let i = 0; i < expected.length; i++) {
      const cmp = await compareTensor(outputs[i]!, expected[i]!, c.tol);
      maxAbsError = Math.max(maxAbsError, cmp.maxAbsError);
      worstRatio = Math.max(worstRatio, cmp.worstRatio);
      if (!cmp.ok && failure === undefined) {
        const m = cmp.mismatch;
        failure = cmp.problem ?? `at [${m!.index.join(',')}] of [${expected[i]!.value.shape.join(',')}] expected ${m!.expected}, got ${m!.actual} (allowed ${m!.allowed.toExponential(2)})`;
      }
    }
    return failure === undefined ? { ok: true, maxAbsError, worstRatio } : { ok: false, maxAbsError, worstRatio, failure };
  } finally {
    st.dispose(inputs);
    st.dispose(outputs);
  }
}

async function runOpSpec(ctx: SuiteContext, spec: OpSpec): Promise<CheckResult> {
  const rec = new CheckRecorder('ops', `op.${spec.name}`, ctx.maxFailures);
  const cases = spec.cases(Rng.derive(ctx.seed, `op.${spec.name}`));
  const hasKernel = spec.kernels.some((k) => declares(ctx.backend, k));
  const variants: [string, typeof ctx.backend][] = hasKernel
    ? [['kernel', ctx.backend], ['fallback', withoutOptionalKernels(ctx.backend)]]
    : [[spec.kernels.length > 0 ? 'fallback' : 'composite', ctx.backend]];
  for (const [via, backend] of variants) {
    await activate(backend);
    for (const c of cases) {
      rec.useTolerance(c.tol.name);
      try {
        const r = await runOpCase(c);
        rec.record(r.ok ? r : { ...r, failure: `op.${spec.name} ${c.label} (via ${via}): ${r.failure}` });
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        rec.record({ ok: false, maxAbsError: Infinity, worstRatio: Infinity, failure: `op.${spec.name} ${c.label} (via ${via}): threw ${msg}` });
      }
    }
  }
  await activate(ctx.backend);
  return rec.result();
}

export const OP_CHECKS: readonly CheckDef[] = SPECS.map((spec) => ({
  family: 'ops' as const, name: `op.${spec.name}`, run: (ctx: SuiteContext) => runOpSpec(ctx, spec),
}));
