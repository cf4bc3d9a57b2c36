/**
 * Family 3: the gradient of every differentiable op, taken by core's autodiff on the backend,
 * against central finite differences of the oracle's forward function in float64 (never through
 * the backend). The loss is Σ op(x)·w with a random w, so every output element's gradient path
 * matters. Ops with optional kernels (whose backprops a backend may implement) run both with the
 * kernels and on the "required kernels only" twin.
 */
import type { OptionalKernelName } from '../contract.js';
import { CheckRecorder } from '../check.js';
import * as O from '../oracle/index.js';
import type { OTensor } from '../oracle/index.js';
import { Rng } from '../cases/prng.js';
import { normal, tensorFrom, tensorOf, uniform } from '../cases/values.js';
import type { Draw } from '../cases/values.js';
import { TOLERANCES } from '../tolerances.js';
import type { CheckResult } from '../types.js';
import type { CheckDef, SuiteContext } from './context.js';
import { activate, compareTensor, declares, st, toCore, withoutOptionalKernels } from './core.js';
import type { Tensor } from './core.js';

interface GradSpec {
  readonly name: string;
  readonly kernels: readonly OptionalKernelName[];
  inputs(rng: Rng): OTensor[];
  /** Which inputs to differentiate (default: all). */
  readonly wrt?: readonly number[];
  core(xs: readonly Tensor[]): Tensor;
  oracle(xs: readonly OTensor[]): OTensor;
}

const f32 = (rng: Rng, shape: number[], draw: Draw): OTensor => tensorOf(rng, shape, 'float32', draw);
const positive = uniform(0.5, 2);
/** Away from the kinks of abs/relu and from zero divisors. */
const awayFromZero: Draw = (r) => (r.bool() ? 1 : -1) * r.uniform(0.2, 2);

type UnaryName = 'neg' | 'abs' | 'exp' | 'log' | 'log1p' | 'expm1' | 'sqrt' | 'rsqrt' | 'square' | 'reciprocal' | 'sin' | 'cos' | 'tanh' | 'sigmoid' | 'relu' | 'erf';
const UNARY_DOMAIN: Record<UnaryName, Draw> = {
  neg: normal(1), abs: awayFromZero, exp: normal(1), log: positive, log1p: positive, expm1: normal(1), sqrt: positive,
  rsqrt: positive, square: normal(1), reciprocal: awayFromZero, sin: normal(1), cos: normal(1), tanh: normal(1),
  sigmoid: normal(1), relu: awayFromZero, erf: normal(1),
};

type BinaryName = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum' | 'atan2';
function binaryInputs(op: BinaryName, rng: Rng): OTensor[] {
  const b = f32(rng, [4], op === 'div' || op === 'atan2' ? awayFromZero : normal(1));
  if (op === 'pow') return [f32(rng, [3, 4], positive), b];
  if (op === 'maximum' || op === 'minimum') {
    // a differs from b by at least 0.2 everywhere, so no tie sits within the difference step
    const a = f32(rng, [3, 4], awayFromZero);
    return [{ ...a, data: a.data.map((v, i) => Math.fround(v + b.data[i % 4]!)) }, b];
  }
  return [f32(rng, [3, 4], normal(1)), b];
}

const conv = (s: number, p: [number, number, number, number]) => ({ strides: [s, s] as [number, number], dilations: [1, 1] as [number, number], pad: p });
const pads2 = (p: readonly number[]): [[number, number], [number, number]] => [[p[0]!, p[1]!], [p[2]!, p[3]!]];

const SPECS: readonly GradSpec[] = [
  ...(Object.keys(UNARY_DOMAIN) as UnaryName[]).map((op): GradSpec => ({
    name: op, kernels: [], inputs: (rng) => [f32(rng, [3, 5], UNARY_DOMAIN[op])],
    core: ([x]) => st[op](x!), oracle: ([x]) => O.unary(op, x!),
  })),
  ...(['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'atan2'] as BinaryName[]).map((op): GradSpec => ({
    name: op, kernels: [], inputs: (rng) => binaryInputs(op, rng),
    core: ([a, b]) => st[op](a!, b!), oracle: ([a, b]) => O.binary(op, a!, b!),
  })),
  { name: 'sum', kernels: [], inputs: (rng) => [f32(rng, [3, 5], normal(1))], core: ([x]) => st.sum(x!, 1), oracle: ([x]) => O.reduce('sum', x!, [1]).value },
  {
    name: 'mean', kernels: [], inputs: (rng) => [f32(rng, [3, 5], normal(1))], core: ([x]) => st.mean(x!, 0),
    oracle: ([x]) => { const r = O.reduce('sum', x!, [0]).value; return { ...r, data: r.data.map((v) => v / 3) }; },
  },
  { name: 'max', kernels: [], inputs: (rng) => [f32(rng, [3, 5], normal(1))], core: ([x]) => st.max(x!, 1), oracle: ([x]) => O.reduce('max', x!, [1]).value },
  { name: 'prod', kernels: [], inputs: (rng) => [f32(rng, [3, 4], awayFromZero)], core: ([x]) => st.prod(x!, 1), oracle: ([x]) => O.reduce('prod', x!, [1]).value },
  { name: 'matMul', kernels: [], inputs: (rng) => [f32(rng, [3, 4], normal(1)), f32(rng, [4, 2], normal(1))], core: ([a, b]) => st.matMul(a!, b!), oracle: ([a, b]) => O.matMul(a!, b!, false, false).value },
  {
    name: 'matMul (both transposed)', kernels: [], inputs: (rng) => [f32(rng, [4, 3], normal(1)), f32(rng, [2, 4], normal(1))],
    core: ([a, b]) => st.matMul(a!, b!, true, true), oracle: ([a, b]) => O.matMul(a!, b!, true, true).value,
  },
  {
    name: 'matMul (batch broadcast)', kernels: [], inputs: (rng) => [f32(rng, [2, 3, 4], normal(1)), f32(rng, [4, 5], normal(1))],
    core: ([a, b]) => st.matMul(a!, b!), oracle: ([a, b]) => O.matMul(a!, b!, false, false).value,
  },
  { name: 'transpose', kernels: [], inputs: (rng) => [f32(rng, [2, 3, 4], normal(1))], core: ([x]) => st.transpose(x!, [2, 0, 1]), oracle: ([x]) => O.transpose(x!, [2, 0, 1]) },
  { name: 'slice', kernels: [], inputs: (rng) => [f32(rng, [5, 6], normal(1))], core: ([x]) => st.slice(x!, [1, 2], [3, 3]), oracle: ([x]) => O.slice(x!, [1, 2], [3, 3]) },
  { name: 'pad', kernels: [], inputs: (rng) => [f32(rng, [3, 4], normal(1))], core: ([x]) => st.pad(x!, [[1, 0], [2, 1]], 0.5), oracle: ([x]) => O.pad(x!, [[1, 0], [2, 1]], 0.5) },
  {
    name: 'concat', kernels: [], inputs: (rng) => [f32(rng, [2, 3], normal(1)), f32(rng, [4, 3], normal(1))],
    core: ([a, b]) => st.concat([a!, b!], 0), oracle: ([a, b]) => O.concat([a!, b!], 0),
  },
  {
    name: 'gather (repeated indices)', kernels: [], wrt: [0],
    inputs: (rng) => [f32(rng, [5, 3], normal(1)), tensorFrom([4], 'int32', [0, 2, 2, 4])],
    core: ([x, i]) => st.gather(x!, i!, 0), oracle: ([x, i]) => O.gather(x!, i!, 0),
  },
  { name: 'reshape', kernels: [], inputs: (rng) => [f32(rng, [3, 4], normal(1))], core: ([x]) => st.reshape(x!, [2, 6]), oracle: ([x]) => ({ ...x!, shape: [2, 6] }) },
  {
    name: 'where', kernels: [], wrt: [1, 2],
    inputs: (rng) => [tensorOf(rng, [3, 4], 'bool', (r) => (r.bool() ? 1 : 0)), f32(rng, [3, 4], normal(1)), f32(rng, [4], normal(1))],
    core: ([c, a, b]) => st.where(c!, a!, b!), oracle: ([c, a, b]) => O.where(c!, a!, b!),
  },
  { name: 'softmax', kernels: ['softmax'], inputs: (rng) => [f32(rng, [3, 5], normal(1))], core: ([x]) => st.softmax(x!), oracle: ([x]) => O.softmax(x!) },
  { name: 'logSoftmax', kernels: ['logSoftmax'], inputs: (rng) => [f32(rng, [3, 5], normal(1))], core: ([x]) => st.logSoftmax(x!), oracle: ([x]) => O.logSoftmax(x!) },
  {
    name: 'logSumExp', kernels: [], inputs: (rng) => [f32(rng, [3, 5], normal(1))], core: ([x]) => st.logSumExp(x!, 1),
    oracle: ([x]) => O.unary('log', O.reduce('sum', O.unary('exp', x!), [1]).value),
  },
  ...([['conv2d', 1, [1, 1, 1, 1]], ['conv2d (stride 2, asymmetric pad)', 2, [0, 1, 1, 0]]] as const).map(([name, s, p]): GradSpec => ({
    name, kernels: ['conv2d', 'conv2dBackpropInput', 'conv2dBackpropFilter'],
    inputs: (rng) => [f32(rng, [2, 5, 5, 2], normal(1)), f32(rng, [3, 3, 2, 3], normal(1))],
    core: ([x, f]) => st.conv2d(x!, f!, s, pads2(p)), oracle: ([x, f]) => O.conv2d(x!, f!, conv(s, [...p])).value,
  })),
  {
    name: 'depthwiseConv2d', kernels: ['depthwiseConv2d'],
    inputs: (rng) => [f32(rng, [1, 5, 5, 2], normal(1)), f32(rng, [3, 3, 2, 2], normal(1))],
    core: ([x, f]) => st.depthwiseConv2d(x!, f!, 1, pads2([1, 1, 1, 1])), oracle: ([x, f]) => O.depthwiseConv2d(x!, f!, conv(1, [1, 1, 1, 1])).value,
  },
  {
    name: 'maxPool', kernels: ['maxPool', 'maxPoolBackprop'], inputs: (rng) => [f32(rng, [1, 6, 6, 2], normal(1))],
    core: ([x]) => st.maxPool(x!, 2, 2, 'valid'), oracle: ([x]) => O.maxPool(x!, { filterSize: [2, 2], strides: [2, 2], pad: [0, 0, 0, 0] }),
  },
  {
    name: 'avgPool', kernels: ['avgPool', 'avgPoolBackprop'], inputs: (rng) => [f32(rng, [1, 5, 5, 2], normal(1))],
    core: ([x]) => st.avgPool(x!, 3, 2, pads2([1, 1, 1, 1])), oracle: ([x]) => O.avgPool(x!, { filterSize: [3, 3], strides: [2, 2], pad: [1, 1, 1, 1] }),
  },
  {
    name: 'layerNorm', kernels: ['layerNorm'], inputs: (rng) => [f32(rng, [3, 6], normal(1)), f32(rng, [6], uniform(0.5, 1.5)), f32(rng, [6], normal(1))],
    core: ([x, g, b]) => st.layerNorm(x!, g!, b!, 1e-5), oracle: ([x, g, b]) => O.layerNorm(x!, g!, b!, 1e-5),
  },
  {
    name: 'batchNorm', kernels: ['batchNorm'],
    inputs: (rng) => [f32(rng, [4, 3], normal(1)), f32(rng, [3], normal(1)), f32(rng, [3], uniform(0.5, 2)), f32(rng, [3], normal(1)), f32(rng, [3], uniform(0.5, 1.5))],
    core: ([x, m, v, o, s]) => st.batchNorm(x!, m!, v!, o!, s!, 1e-3), oracle: ([x, m, v, o, s]) => O.batchNorm(x!, m!, v!, o!, s!, 1e-3),
  },
  {
    name: 'fusedMatMul', kernels: ['fusedMatMul'], inputs: (rng) => [f32(rng, [3, 4], normal(1)), f32(rng, [4, 2], normal(1)), f32(rng, [2], normal(1))],
    core: ([a, b, c]) => st.fusedMatMul({ a: a!, b: b!, bias: c!, activation: 'tanh' }), oracle: ([a, b, c]) => O.fusedMatMul(a!, b!, c!, 'tanh', false, false).value,
  },
  {
    name: 'dotProductAttention', kernels: ['attention'],
    inputs: (rng) => [f32(rng, [2, 3, 4], normal(1)), f32(rng, [2, 5, 4], normal(1)), f32(rng, [2, 5, 3], normal(1))],
    core: ([q, k, v]) => st.dotProductAttention(q!, k!, v!, null, 0.5), oracle: ([q, k, v]) => O.attention(q!, k!, v!, null, 0.5),
  },
];

/** Σ f(xs)·w in float64. */
function loss(spec: GradSpec, xs: readonly OTensor[], w: OTensor): number {
  const y = spec.oracle(xs);
  let s = 0;
  for (let i = 0; i < y.data.length; i++) s += y.data[i]! * w.data[i]!;
  return s;
}

/** Central differences of the float64 loss with respect to input `j`. */
function finiteDifference(spec: GradSpec, xs: readonly OTensor[], w: OTensor, j: number): OTensor {
  const x = xs[j]!;
  const g = new Float64Array(x.data.length);
  for (let i = 0; i < x.data.length; i++) {
    const v = x.data[i]!;
    const h = 1e-5 * Math.max(1, Math.abs(v));
    const with_ = (d: number): OTensor[] => xs.map((t, k) => (k === j ? { ...t, data: t.data.map((u, e) => (e === i ? v + d : u)) } : t));
    g[i] = (loss(spec, with_(h), w) - loss(spec, with_(-h), w)) / (2 * h);
  }
  return { shape: x.shape, dtype: 'float32', data: g };
}

async function runGradSpec(ctx: SuiteContext, spec: GradSpec): Promise<CheckResult> {
  const name = `grad.${spec.name}`;
  const rec = new CheckRecorder('gradients', name, ctx.maxFailures);
  rec.useTolerance(TOLERANCES.gradient.name);
  const rng = Rng.derive(ctx.seed, name);
  const xs = spec.inputs(rng);
  const wrt = spec.wrt ?? xs.map((_, i) => i);
  const w = tensorOf(rng, [...spec.oracle(xs).shape], 'float32', normal(1));
  const expected = wrt.map((j) => finiteDifference(spec, xs, w, j));
  const hasKernel = spec.kernels.some((k) => declares(ctx.backend, k));
  const variants: [string, typeof ctx.backend][] = hasKernel
    ? [['kernels', ctx.backend], ['fallback', withoutOptionalKernels(ctx.backend)]]
    : [['', ctx.backend]];
  for (const [via, backend] of variants) {
    await activate(backend);
    const inputs = xs.map(toCore);
    const wT = toCore(w);
    let grads: Tensor[] = [];
    try {
      const f = (...d: Tensor[]): Tensor => {
        const all = inputs.map((t, k) => (wrt.includes(k) ? d[wrt.indexOf(k)]! : t));
        return st.sum(st.mul(spec.core(all), wT));
      };
      grads = st.grads(f)(wrt.map((k) => inputs[k]!));
      for (let i = 0; i < wrt.length; i++) {
        const cmp = await compareTensor(grads[i]!, { value: expected[i]! }, TOLERANCES.gradient);
        const where = `${name}${via ? ` (via ${via})` : ''} d/d(input ${wrt[i]}) of shape [${xs[wrt[i]!]!.shape.join(',')}]`;
        const m = cmp.mismatch;
        rec.record(cmp.ok ? cmp : { ...cmp, failure: `${where}: ${cmp.problem ?? `at [${m!.index.join(',')}] finite differences give ${m!.expected.toPrecision(6)}, autodiff gave ${m!.actual.toPrecision(6)}`}` });
      }
    } catch (err) {
      rec.record({ ok: false, maxAbsError: Infinity, worstRatio: Infinity, failure: `${name}${via ? ` (via ${via})` : ''}: threw ${err instanceof Error ? err.message : String(err)}` });
    } finally {
      st.dispose([...inputs, wT, ...grads]);
    }
  }
  await activate(ctx.backend);
  return rec.result();
}

export const GRADIENT_CHECKS: readonly CheckDef[] = SPECS.map((spec) => ({
  family: 'gradients' as const, name: `grad.${spec.name}`, run: (ctx: SuiteContext) => runGradSpec(ctx, spec),
}));
