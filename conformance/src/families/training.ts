/**
 * Family 4: a small MLP and a small CNN trained for N SGD steps from one seed on the backend
 * (forward and autodiff through core) and entirely in the float64 oracle (forward and a
 * hand-written backward pass); the two loss curves must agree step by step.
 */
import * as O from '../oracle/index.js';
import type { OTensor } from '../oracle/index.js';
import { CheckRecorder } from '../check.js';
import { Rng } from '../cases/prng.js';
import { normal, tensorOf } from '../cases/values.js';
import { TOLERANCES } from '../tolerances.js';
import type { CheckResult } from '../types.js';
import type { CheckDef, SuiteContext } from './context.js';
import { activate, st, toCore } from './core.js';
import type { Tensor } from './core.js';

/** A model both sides can train: data, initial parameters, a core loss and an oracle loss+gradient. */
export interface TrainingProblem {
  readonly name: string;
  readonly steps: number;
  readonly learningRate: number;
  readonly data: readonly OTensor[];
  readonly params: readonly OTensor[];
  coreLoss(data: readonly Tensor[], params: readonly Tensor[]): Tensor;
  oracleStep(data: readonly OTensor[], params: readonly OTensor[]): { loss: number; grads: OTensor[] };
}

const map = (t: OTensor, f: (v: number, i: number) => number): OTensor => ({ ...t, data: t.data.map(f) });
const zip = (a: OTensor, b: OTensor, f: (x: number, y: number) => number): OTensor => map(a, (v, i) => f(v, b.data[i]!));
const mm = (a: OTensor, b: OTensor, ta = false, tb = false): OTensor => O.matMul(a, b, ta, tb).value;
const addBias = (x: OTensor, b: OTensor): OTensor => O.binary('add', x, b);
const sumRows = (x: OTensor): OTensor => O.reduce('sum', x, [0]).value;

function oneHot(rng: Rng, n: number, classes: number): OTensor {
  const y = O.make([n, classes], 'float32');
  for (let i = 0; i < n; i++) y.data[i * classes + rng.int(0, classes - 1)] = 1;
  return y;
}

/** Mean softmax cross-entropy and its gradient with respect to the logits. */
function crossEntropy(logits: OTensor, y: OTensor): { loss: number; dlogits: OTensor } {
  const logp = O.logSoftmax(logits);
  const n = logits.shape[0]!;
  let loss = 0;
  for (let i = 0; i < logp.data.length; i++) loss -= y.data[i]! * logp.data[i]!;
  const p = O.softmax(logits);
  return { loss: loss / n, dlogits: zip(p, y, (pi, yi) => (pi - yi) / n) };
}

function coreCrossEntropy(logits: Tensor, y: Tensor): Tensor {
  return st.neg(st.mean(st.sum(st.mul(y, st.logSoftmax(logits)), 1)));
}

export function mlpProblem(seed: number): TrainingProblem {
  const rng = Rng.derive(seed, 'training.mlp');
  const x = tensorOf(rng, [16, 4], 'float32', normal(1));
  const y = oneHot(rng, 16, 3);
  const params = [
    tensorOf(rng, [4, 8], 'float32', normal(0.5)), tensorOf(rng, [8], 'float32', normal(0.1)),
    tensorOf(rng, [8, 3], 'float32', normal(0.5)), tensorOf(rng, [3], 'float32', normal(0.1)),
  ];
  return {
    name: 'mlp', steps: 25, learningRate: 0.5, data: [x, y], params,
    coreLoss: ([xt, yt], [w1, b1, w2, b2]) => coreCrossEntropy(st.add(st.matMul(st.relu(st.add(st.matMul(xt!, w1!), b1!)), w2!), b2!), yt!),
    oracleStep: ([xd, yd], [w1, b1, w2, b2]) => {
      const pre = addBias(mm(xd!, w1!), b1!);
      const h = O.unary('relu', pre);
      const { loss, dlogits } = crossEntropy(addBias(mm(h, w2!), b2!), yd!);
      const dh = mm(dlogits, w2!, false, true);
      const dpre = zip(dh, pre, (g, p) => (p > 0 ? g : 0));
      return { loss, grads: [mm(xd!, dpre, true), sumRows(dpre), mm(h, dlogits, true), sumRows(dlogits)] };
    },
  };
}

export function cnnProblem(seed: number): TrainingProblem {
  const rng = Rng.derive(seed, 'training.cnn');
  const x = tensorOf(rng, [4, 6, 6, 1], 'float32', normal(1));
  const y = oneHot(rng, 4, 3);
  const params = [tensorOf(rng, [3, 3, 1, 2], 'float32', normal(0.5)), tensorOf(rng, [8, 3], 'float32', normal(0.5)), tensorOf(rng, [3], 'float32', normal(0.1))];
  const convAttrs = { strides: [1, 1] as [number, number], dilations: [1, 1] as [number, number], pad: [0, 0, 0, 0] as [number, number, number, number] };
  const poolAttrs = { filterSize: [2, 2] as [number, number], strides: [2, 2] as [number, number], pad: [0, 0, 0, 0] as [number, number, number, number] };
  return {
    name: 'cnn', steps: 20, learningRate: 0.3, data: [x, y], params,
    coreLoss: ([xt, yt], [k, w, b]) => {
      const feat = st.reshape(st.avgPool(st.relu(st.conv2d(xt!, k!, 1, 'valid')), 2, 2, 'valid'), [4, 8]);
      return coreCrossEntropy(st.add(st.matMul(feat, w!), b!), yt!);
    },
    oracleStep: ([xd, yd], [k, w, b]) => {
      const conv = O.conv2d(xd!, k!, convAttrs).value;
      const act = O.unary('relu', conv);
      const pooled = O.avgPool(act, poolAttrs);
      const flat: OTensor = { ...pooled, shape: [4, 8] };
      const { loss, dlogits } = crossEntropy(addBias(mm(flat, w!), b!), yd!);
      const dflat = mm(dlogits, w!, false, true);
      const dact = O.avgPoolBackprop({ ...dflat, shape: pooled.shape }, act.shape, poolAttrs);
      const dconv = zip(dact, conv, (g, c) => (c > 0 ? g : 0));
      return { loss, grads: [O.conv2dBackpropFilter(xd!, dconv, k!.shape, convAttrs).value, mm(flat, dlogits, true), sumRows(dlogits)] };
    },
  };
}

/** The oracle's loss curve. */
export function oracleCurve(p: TrainingProblem): number[] {
  let params = p.params.map((t) => map(t, (v) => v));
  const losses: number[] = [];
  for (let s = 0; s < p.steps; s++) {
    const { loss, grads } = p.oracleStep(p.data, params);
    losses.push(loss);
    params = params.map((w, i) => zip(w, grads[i]!, (v, g) => v - p.learningRate * g));
  }
  return losses;
}

/**
 * Trains on the active backend through core and returns the loss curve. `afterStep` sees each
 * step's index (memory checks hook in there). Disposes everything it made.
 */
export async function coreCurve(p: TrainingProblem, afterStep?: (step: number) => void): Promise<number[]> {
  const data = p.data.map(toCore);
  let params = p.params.map(toCore);
  const losses: number[] = [];
  try {
    for (let s = 0; s < p.steps; s++) {
      const { value, grads } = st.valueAndGrads((...ws: Tensor[]) => p.coreLoss(data, ws))(params);
      const next = st.tidy(() => params.map((w, i) => st.sub(w, st.mul(grads[i]!, p.learningRate))));
      losses.push((await value.data())[0]!);
      st.dispose([value, ...grads, ...params]);
      params = next;
      afterStep?.(s);
    }
    return losses;
  } finally {
    st.dispose([...data, ...params]);
  }
}

async function runTraining(ctx: SuiteContext, make: (seed: number) => TrainingProblem): Promise<CheckResult> {
  const p = make(ctx.seed);
  const rec = new CheckRecorder('training', `training.${p.name}`, ctx.maxFailures);
  const tol = TOLERANCES.training;
  rec.useTolerance(tol.name);
  await activate(ctx.backend);
  const expected = oracleCurve(p);
  const actual = await coreCurve(p);
  expected.forEach((e, s) => {
    const a = actual[s]!;
    const err = Math.abs(a - e);
    const allowed = tol.atol + tol.rtol * Math.abs(e);
    const ok = Number.isFinite(a) && err <= allowed;
    rec.record({ ok, maxAbsError: err, worstRatio: Number.isFinite(a) ? err / allowed : Infinity,
      ...(ok ? {} : { failure: `training.${p.name} step ${s + 1} of ${p.steps}: oracle loss ${e.toPrecision(7)}, backend loss ${a.toPrecision(7)} (allowed ${allowed.toExponential(2)})` }) });
  });
  return rec.result();
}

export const TRAINING_CHECKS: readonly CheckDef[] = [
  { family: 'training', name: 'training.mlp', run: (ctx) => runTraining(ctx, mlpProblem) },
  { family: 'training', name: 'training.cnn', run: (ctx) => runTraining(ctx, cnnProblem) },
];
