/**
 * Optimizers against float64 oracles written here from the Keras 3 update formulas: every
 * optimizer and variant over several steps on awkward shapes, every base option (clipping, weight
 * decay, EMA, schedules) for every optimizer, config and state round trips, the optional
 * adamUpdate/sgdUpdate kernels, errors, and memory.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as st from '@strata/core';
import { CpuBackend } from '@strata/backend-cpu';
import { expectClose, randomSource, randomValues, useCpu } from './setup.js';

const O = st.optimizers;

beforeAll(useCpu);

// ---- float64 oracles (one element array per variable, updated in place) -------------------------

type State = Record<string, Float64Array>;
interface Oracle {
  /** Slot names in creation order, with their initial value. */
  slots: readonly (readonly [string, number])[];
  /** One update; `t` = iterations + 1. */
  step(w: Float64Array, g: Float64Array, s: State, lr: number, t: number): void;
}

function sgdOracle(momentum: number, nesterov: boolean): Oracle {
  return {
    slots: momentum !== 0 ? [['momentum', 0]] : [],
    step(w, g, s, lr) {
      for (let i = 0; i < w.length; i++) {
        if (momentum === 0) { w[i]! -= lr * g[i]!; continue; }
        const v = (s.momentum![i] = momentum * s.momentum![i]! - lr * g[i]!);
        w[i]! += nesterov ? momentum * v - lr * g[i]! : v;
      }
    },
  };
}

function rmspropOracle(rho: number, momentum: number, eps: number, centered: boolean): Oracle {
  const slots: [string, number][] = [['velocity', 0]];
  if (momentum > 0) slots.push(['momentum', 0]);
  if (centered) slots.push(['averageGradient', 0]);
  return {
    slots,
    step(w, g, s, lr) {
      for (let i = 0; i < w.length; i++) {
        const vel = (s.velocity![i] = rho * s.velocity![i]! + (1 - rho) * g[i]! ** 2);
        let den = vel + eps;
        if (centered) {
          const avg = (s.averageGradient![i] = rho * s.averageGradient![i]! + (1 - rho) * g[i]!);
          den = vel - avg * avg + eps;
        }
        const inc = (lr * g[i]!) / Math.sqrt(den);
        if (momentum > 0) w[i]! -= s.momentum![i] = momentum * s.momentum![i]! + inc;
        else w[i]! -= inc;
      }
    },
  };
}

function adamOracle(b1: number, b2: number, eps: number, amsgrad: boolean): Oracle {
  const slots: [string, number][] = [['momentum', 0], ['velocity', 0]];
  if (amsgrad) slots.push(['velocityHat', 0]);
  return {
    slots,
    step(w, g, s, lr, t) {
      const alpha = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
      for (let i = 0; i < w.length; i++) {
        const m = (s.momentum![i] = b1 * s.momentum![i]! + (1 - b1) * g[i]!);
        let v = (s.velocity![i] = b2 * s.velocity![i]! + (1 - b2) * g[i]! ** 2);
        if (amsgrad) v = s.velocityHat![i] = Math.max(s.velocityHat![i]!, v);
        w[i]! -= (alpha * m) / (Math.sqrt(v) + eps);
      }
    },
  };
}

function adagradOracle(init: number, eps: number): Oracle {
  return {
    slots: [['accumulator', init]],
    step(w, g, s, lr) {
      for (let i = 0; i < w.length; i++) {
        const acc = (s.accumulator![i] += g[i]! ** 2);
        w[i]! -= (lr * g[i]!) / Math.sqrt(acc + eps);
      }
    },
  };
}

function adadeltaOracle(rho: number, eps: number): Oracle {
  return {
    slots: [['accumulatedGrad', 0], ['accumulatedDeltaVar', 0]],
    step(w, g, s, lr) {
      for (let i = 0; i < w.length; i++) {
        const eg = (s.accumulatedGrad![i] = rho * s.accumulatedGrad![i]! + (1 - rho) * g[i]! ** 2);
        const delta = (-Math.sqrt(s.accumulatedDeltaVar![i]! + eps) / Math.sqrt(eg + eps)) * g[i]!;
        s.accumulatedDeltaVar![i] = rho * s.accumulatedDeltaVar![i]! + (1 - rho) * delta * delta;
        w[i]! += lr * delta;
      }
    },
  };
}

function adamaxOracle(b1: number, b2: number, eps: number): Oracle {
  return {
    slots: [['momentum', 0], ['norm', 0]],
    step(w, g, s, lr, t) {
      for (let i = 0; i < w.length; i++) {
        const m = (s.momentum![i] = b1 * s.momentum![i]! + (1 - b1) * g[i]!);
        const u = (s.norm![i] = Math.max(b2 * s.norm![i]!, Math.abs(g[i]!)));
        w[i]! -= (lr * m) / ((1 - b1 ** t) * (u + eps));
      }
    },
  };
}

function nadamOracle(b1: number, b2: number, eps: number): Oracle {
  const u = (k: number): number => b1 * (1 - 0.5 * 0.96 ** k);
  return {
    slots: [['momentum', 0], ['velocity', 0]],
    step(w, g, s, lr, t) {
      let prod = 1;
      for (let k = 1; k <= t; k++) prod *= u(k);
      const prodNext = prod * u(t + 1);
      for (let i = 0; i < w.length; i++) {
        const m = (s.momentum![i] = b1 * s.momentum![i]! + (1 - b1) * g[i]!);
        const v = (s.velocity![i] = b2 * s.velocity![i]! + (1 - b2) * g[i]! ** 2);
        const mHat = (u(t + 1) * m) / (1 - prodNext) + ((1 - u(t)) * g[i]!) / (1 - prod);
        const vHat = v / (1 - b2 ** t);
        w[i]! -= (lr * mHat) / (Math.sqrt(vHat) + eps);
      }
    },
  };
}

function lionOracle(b1: number, b2: number): Oracle {
  return {
    slots: [['momentum', 0]],
    step(w, g, s, lr) {
      for (let i = 0; i < w.length; i++) {
        w[i]! -= lr * Math.sign(b1 * s.momentum![i]! + (1 - b1) * g[i]!);
        s.momentum![i] = b2 * s.momentum![i]! + (1 - b2) * g[i]!;
      }
    },
  };
}

function ftrlOracle(o: { lrPower: number; init: number; l1: number; l2: number; shrink: number; beta: number }): Oracle {
  return {
    slots: [['accumulator', o.init], ['linear', 0]],
    step(w, g, s, lr) {
      const p = -o.lrPower;
      const l2 = o.l2 + o.beta / (2 * lr);
      for (let i = 0; i < w.length; i++) {
        const n = s.accumulator![i]!;
        const n2 = n + g[i]! ** 2;
        const z = (s.linear![i] += g[i]! + 2 * o.shrink * w[i]! - ((n2 ** p - n ** p) / lr) * w[i]!);
        const zc = Math.min(Math.max(z, -o.l1), o.l1);
        w[i] = (zc - z) / (n2 ** p / lr + 2 * l2);
        s.accumulator![i] = n2;
      }
    },
  };
}

// ---- running the oracle with the base optimizer's options -----------------------------------

interface BaseOptions {
  lr: (iteration: number) => number;
  clipnorm?: number;
  clipvalue?: number;
  globalClipnorm?: number;
  weightDecay?: number;
  /** Variables (by index) weight decay skips. */
  noDecay?: ReadonlySet<number>;
  useEma?: boolean;
  emaMomentum?: number;
  emaOverwriteFrequency?: number;
}

interface Result {
  weights: Float64Array[];
  /** `[iterations, ...slots per variable..., ...EMA]`, as `getWeights` orders them. */
  state: Float64Array[];
}

function runOracle(oracle: Oracle, o: BaseOptions, w0: readonly Float64Array[], grads: readonly (readonly Float64Array[])[]): Result {
  const w = w0.map((x) => Float64Array.from(x));
  const slots: State[] = w.map((x) => Object.fromEntries(oracle.slots.map(([name, init]) => [name, new Float64Array(x.length).fill(init)])));
  const ema = w.map((x) => Float64Array.from(x));
  grads.forEach((stepGrads, it) => {
    const lr = o.lr(it);
    let g = stepGrads.map((x) => Float64Array.from(x));
    const norm = (xs: Float64Array[]): number => Math.sqrt(xs.reduce((a, x) => a + x.reduce((b, v) => b + v * v, 0), 0));
    if (o.clipnorm) g = g.map((x) => x.map((v) => (v * o.clipnorm!) / Math.max(norm([x]), o.clipnorm!)));
    if (o.globalClipnorm) {
      const scale = Math.min(1, o.globalClipnorm / norm(g));
      g = g.map((x) => x.map((v) => v * scale));
    }
    if (o.clipvalue) g = g.map((x) => x.map((v) => Math.min(Math.max(v, -o.clipvalue!), o.clipvalue!)));
    if (o.weightDecay) w.forEach((x, j) => { if (!o.noDecay?.has(j)) x.forEach((v, i) => (x[i] = v - v * o.weightDecay! * lr)); });
    w.forEach((x, j) => oracle.step(x, g[j]!, slots[j]!, lr, it + 1));
    if (o.useEma) {
      const m = it === 0 ? 0 : o.emaMomentum ?? 0.99;
      ema.forEach((e, j) => e.forEach((v, i) => (e[i] = m * v + (1 - m) * w[j]![i]!)));
      if (o.emaOverwriteFrequency && (it + 1) % o.emaOverwriteFrequency === 0) ema.forEach((e, j) => w[j]!.set(e));
    }
  });
  const state = [Float64Array.of(grads.length), ...slots.flatMap((s) => oracle.slots.map(([name]) => s[name]!))];
  if (o.useEma) state.push(...ema);
  return { weights: w, state };
}

// ---- running Strata ---------------------------------------------------------------------------

const SHAPES: readonly (readonly number[])[] = [[3, 5], [7], [2, 1, 3], [], [1, 4]];
const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

interface Problem {
  shapes: readonly (readonly number[])[];
  w0: Float64Array[];
  grads: Float64Array[][];
}

function problem(seed: number, steps = 7, shapes = SHAPES): Problem {
  const rand = randomSource(seed);
  const w0 = shapes.map((s) => Float64Array.from(randomValues(rand, size(s), -1, 1)));
  const grads = Array.from({ length: steps }, () => shapes.map((s) => Float64Array.from(randomValues(rand, size(s), -2, 2))));
  return { shapes, w0, grads };
}

const toTensor = (values: Float64Array, shape: readonly number[]): st.Tensor => st.tensor(Float32Array.from(values), shape);
const read = async (t: st.Tensor): Promise<Float64Array> => Float64Array.from(await t.data());

function makeVariables(p: Problem): st.Variable[] {
  return p.w0.map((w, i) => st.tidy(() => st.variable(toTensor(w, p.shapes[i]!))));
}

function applyStep(opt: st.Optimizer, vars: readonly st.Variable[], p: Problem, it: number): void {
  const g = p.grads[it]!.map((x, i) => toTensor(x, p.shapes[i]!));
  opt.applyGradients(g.map((x, i) => [x, vars[i]!] as const));
  st.dispose(g);
}

async function runStrata(opt: st.Optimizer, p: Problem, configure?: (opt: st.Optimizer, vars: st.Variable[]) => void): Promise<Result> {
  const vars = makeVariables(p);
  configure?.(opt, vars);
  for (let it = 0; it < p.grads.length; it++) applyStep(opt, vars, p, it);
  const weights = await Promise.all(vars.map(read));
  const stateTensors = opt.getWeights();
  const state = await Promise.all(stateTensors.map(read));
  st.dispose(stateTensors);
  st.dispose(vars);
  opt.dispose();
  return { weights, state };
}

function expectResult(actual: Result, expected: Result, tol: number): void {
  expect(actual.weights.length).toBe(expected.weights.length);
  actual.weights.forEach((w, i) => expectClose(w, expected.weights[i]!, tol));
  expect(actual.state.length, 'number of state tensors').toBe(expected.state.length);
  actual.state.forEach((s, i) => expectClose(s, expected.state[i]!, tol));
}

// ---- the optimizers under test -----------------------------------------------------------------

interface Case {
  name: string;
  lr: number;
  make: (args: st.OptimizerArgs) => st.Optimizer;
  oracle: Oracle;
  /** The optimizer's own default weight decay (AdamW). */
  weightDecay?: number;
}

const ftrlDefaults = { lrPower: -0.5, init: 0.1, l1: 0, l2: 0, shrink: 0, beta: 0 };
const ftrlCustom = { learningRatePower: -0.7, initialAccumulatorValue: 0.3, l1RegularizationStrength: 0.02, l2RegularizationStrength: 0.05, l2ShrinkageRegularizationStrength: 0.01, beta: 0.2 };

const CASES: Case[] = [
  { name: 'SGD', lr: 0.1, make: (a) => new O.SGD({ learningRate: 0.1, ...a }), oracle: sgdOracle(0, false) },
  { name: 'SGD momentum', lr: 0.1, make: (a) => new O.SGD({ learningRate: 0.1, momentum: 0.9, ...a }), oracle: sgdOracle(0.9, false) },
  { name: 'SGD nesterov', lr: 0.1, make: (a) => O.sgd({ learningRate: 0.1, momentum: 0.7, nesterov: true, ...a }), oracle: sgdOracle(0.7, true) },
  { name: 'RMSprop', lr: 0.01, make: (a) => new O.RMSprop({ learningRate: 0.01, ...a }), oracle: rmspropOracle(0.9, 0, 1e-7, false) },
  { name: 'RMSprop momentum', lr: 0.01, make: (a) => O.rmsprop({ learningRate: 0.01, rho: 0.8, momentum: 0.5, ...a }), oracle: rmspropOracle(0.8, 0.5, 1e-7, false) },
  { name: 'RMSprop centered', lr: 0.01, make: (a) => O.rmsprop({ learningRate: 0.01, centered: true, epsilon: 1e-3, ...a }), oracle: rmspropOracle(0.9, 0, 1e-3, true) },
  { name: 'RMSprop centered momentum', lr: 0.01, make: (a) => O.rmsprop({ learningRate: 0.01, centered: true, momentum: 0.3, ...a }), oracle: rmspropOracle(0.9, 0.3, 1e-7, true) },
  { name: 'Adam', lr: 0.01, make: (a) => new O.Adam({ learningRate: 0.01, ...a }), oracle: adamOracle(0.9, 0.999, 1e-7, false) },
  { name: 'Adam custom betas', lr: 0.02, make: (a) => O.adam({ learningRate: 0.02, beta1: 0.8, beta2: 0.95, epsilon: 0.05, ...a }), oracle: adamOracle(0.8, 0.95, 0.05, false) },
  { name: 'Adam amsgrad', lr: 0.01, make: (a) => O.adam({ learningRate: 0.01, amsgrad: true, beta2: 0.9, ...a }), oracle: adamOracle(0.9, 0.9, 1e-7, true) },
  { name: 'AdamW', lr: 0.01, make: (a) => new O.AdamW({ learningRate: 0.01, ...a }), oracle: adamOracle(0.9, 0.999, 1e-7, false), weightDecay: 0.004 },
  { name: 'AdamW amsgrad', lr: 0.01, make: (a) => O.adamw({ learningRate: 0.01, weightDecay: 0.1, amsgrad: true, ...a }), oracle: adamOracle(0.9, 0.999, 1e-7, true), weightDecay: 0.1 },
  { name: 'Adagrad', lr: 0.1, make: (a) => new O.Adagrad({ learningRate: 0.1, ...a }), oracle: adagradOracle(0.1, 1e-7) },
  { name: 'Adagrad custom', lr: 0.1, make: (a) => O.adagrad({ learningRate: 0.1, initialAccumulatorValue: 0.5, epsilon: 1e-3, ...a }), oracle: adagradOracle(0.5, 1e-3) },
  { name: 'Adadelta', lr: 1, make: (a) => new O.Adadelta({ learningRate: 1, ...a }), oracle: adadeltaOracle(0.95, 1e-7) },
  { name: 'Adadelta custom', lr: 0.5, make: (a) => O.adadelta({ learningRate: 0.5, rho: 0.8, epsilon: 1e-4, ...a }), oracle: adadeltaOracle(0.8, 1e-4) },
  { name: 'Adamax', lr: 0.01, make: (a) => new O.Adamax({ learningRate: 0.01, ...a }), oracle: adamaxOracle(0.9, 0.999, 1e-7) },
  { name: 'Adamax custom', lr: 0.01, make: (a) => O.adamax({ learningRate: 0.01, beta1: 0.8, beta2: 0.9, epsilon: 0.3, ...a }), oracle: adamaxOracle(0.8, 0.9, 0.3) },
  { name: 'Nadam', lr: 0.01, make: (a) => new O.Nadam({ learningRate: 0.01, ...a }), oracle: nadamOracle(0.9, 0.999, 1e-7) },
  { name: 'Nadam custom', lr: 0.01, make: (a) => O.nadam({ learningRate: 0.01, beta1: 0.7, beta2: 0.9, epsilon: 0.05, ...a }), oracle: nadamOracle(0.7, 0.9, 0.05) },
  { name: 'Lion', lr: 0.01, make: (a) => new O.Lion({ learningRate: 0.01, ...a }), oracle: lionOracle(0.9, 0.99) },
  { name: 'Lion custom', lr: 0.01, make: (a) => O.lion({ learningRate: 0.01, beta1: 0.5, beta2: 0.8, ...a }), oracle: lionOracle(0.5, 0.8) },
  { name: 'Ftrl', lr: 0.1, make: (a) => new O.Ftrl({ learningRate: 0.1, ...a }), oracle: ftrlOracle(ftrlDefaults) },
  {
    name: 'Ftrl regularized', lr: 0.1, make: (a) => O.ftrl({ learningRate: 0.1, ...ftrlCustom, ...a }),
    oracle: ftrlOracle({ lrPower: -0.7, init: 0.3, l1: 0.02, l2: 0.05, shrink: 0.01, beta: 0.2 }),
  },
];

/**
 * float32 tolerance (relative, see setup's expectClose): a few roundings per element and step,
 * over 7 steps; the weights move by ~lr per step, so a formula error shows far above it.
 */
const TOL = 2e-5;

/** Keras-style schedule used to check that options see the scheduled rate. */
const schedule = (lr0: number): { schedule: st.LearningRateSchedule; lr: (it: number) => number } => ({
  schedule: new O.schedules.ExponentialDecay({ initialLearningRate: lr0, decaySteps: 2, decayRate: 0.7 }),
  lr: (it) => lr0 * 0.7 ** (it / 2),
});

interface OptionCase {
  name: string;
  args: (c: Case) => st.OptimizerArgs;
  /** The oracle's options; `lr` defaults to the case's constant rate. */
  oracle: (c: Case) => Partial<BaseOptions>;
}

const OPTIONS: OptionCase[] = [
  { name: 'clipnorm', args: () => ({ clipnorm: 1.5 }), oracle: () => ({ clipnorm: 1.5 }) },
  { name: 'clipvalue', args: () => ({ clipvalue: 0.7 }), oracle: () => ({ clipvalue: 0.7 }) },
  { name: 'globalClipnorm', args: () => ({ globalClipnorm: 2.5 }), oracle: () => ({ globalClipnorm: 2.5 }) },
  {
    name: 'weightDecay with a schedule',
    args: (c) => ({ weightDecay: 0.05, learningRate: schedule(c.lr).schedule }),
    oracle: (c) => ({ lr: schedule(c.lr).lr, weightDecay: 0.05 }),
  },
  {
    name: 'useEma with emaOverwriteFrequency',
    args: () => ({ useEma: true, emaMomentum: 0.8, emaOverwriteFrequency: 3 }),
    oracle: () => ({ useEma: true, emaMomentum: 0.8, emaOverwriteFrequency: 3 }),
  },
];

describe.each(CASES)('$name', (c) => {
  const base = (o: Partial<BaseOptions>): BaseOptions => ({ weightDecay: c.weightDecay, ...o, lr: o.lr ?? (() => c.lr) });

  it('matches the float64 oracle over 7 steps (weights and every state variable)', async () => {
    const p = problem(11);
    const expected = runOracle(c.oracle, base({}), p.w0, p.grads);
    expectResult(await runStrata(c.make({}), p), expected, TOL);
  });

  it.each(OPTIONS)('with $name', async (opt) => {
    const p = problem(23);
    const expected = runOracle(c.oracle, base(opt.oracle(c)), p.w0, p.grads);
    expectResult(await runStrata(c.make(opt.args(c)), p), expected, TOL);
  });

  it('restored from getWeights/fromConfig continues with identical results', async () => {
    const p = problem(37, 8);
    const args: st.OptimizerArgs = { useEma: true, emaMomentum: 0.9 };
    // Straight through: 8 steps.
    const straight = await runStrata(c.make(args), p);
    // 4 steps, save state and weights, rebuild a new optimizer from the config, restore, 4 more.
    const first = c.make(args);
    const vars = makeVariables(p);
    for (let it = 0; it < 4; it++) applyStep(first, vars, p, it);
    const saved = first.getWeights();
    const config = JSON.parse(JSON.stringify(first.getConfig())) as st.ConfigDict;
    first.dispose();
    const cls = first.constructor as unknown as st.SerializableClass<st.Optimizer>;
    const second = cls.fromConfig(config);
    expect(second.getConfig()).toEqual(first.getConfig());
    second.build(vars);
    second.setWeights(saved);
    st.dispose(saved);
    expect(second.iterations).toBe(4);
    for (let it = 4; it < 8; it++) applyStep(second, vars, p, it);
    const weights = await Promise.all(vars.map(read));
    const stateTensors = second.getWeights();
    const state = await Promise.all(stateTensors.map(read));
    st.dispose(stateTensors);
    st.dispose(vars);
    second.dispose();
    weights.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(straight.weights[i]!)));
    state.forEach((s, i) => expect(Array.from(s)).toEqual(Array.from(straight.state[i]!)));
  });

  it('does not leak tensors across steps', () => {
    const p = problem(41, 6);
    const before = st.memory().tensors;
    const vars = makeVariables(p);
    const opt = c.make({ useEma: true, clipnorm: 1 });
    applyStep(opt, vars, p, 0);
    const afterFirst = st.memory().tensors;
    for (let it = 1; it < 6; it++) applyStep(opt, vars, p, it);
    expect(st.memory().tensors).toBe(afterFirst);
    opt.dispose();
    st.dispose(vars);
    expect(st.memory().tensors).toBe(before);
  });
});

// ---- base optimizer behaviour ------------------------------------------------------------------

describe('Optimizer base', () => {
  it('useEma without overwrite keeps weights, finalizeVariableValues copies the average', async () => {
    const p = problem(53, 5);
    const expected = runOracle(adamOracle(0.9, 0.999, 1e-7, false), { lr: () => 0.01, useEma: true, emaMomentum: 0.7 }, p.w0, p.grads);
    const opt = O.adam({ learningRate: 0.01, useEma: true, emaMomentum: 0.7 });
    const vars = makeVariables(p);
    for (let it = 0; it < 5; it++) applyStep(opt, vars, p, it);
    (await Promise.all(vars.map(read))).forEach((w, i) => expectClose(w, expected.weights[i]!, TOL));
    opt.finalizeVariableValues(vars);
    const ema = expected.state.slice(-vars.length);
    (await Promise.all(vars.map(read))).forEach((w, i) => expectClose(w, ema[i]!, TOL));
    opt.dispose();
    st.dispose(vars);
  });

  it('weight decay skips excluded variables (by variable and by name)', async () => {
    const p = problem(59, 4);
    const expected = runOracle(sgdOracle(0, false), { lr: () => 0.1, weightDecay: 0.2, noDecay: new Set([1, 3]) }, p.w0, p.grads);
    const vars = p.w0.map((w, i) => st.tidy(() => st.variable(toTensor(w, p.shapes[i]!), true, i === 3 ? 'wdtest/bias' : `wdtest/kernel_${i}`)));
    const opt = O.sgd({ learningRate: 0.1, weightDecay: 0.2 });
    opt.excludeFromWeightDecay([vars[1]!], ['bias']);
    for (let it = 0; it < 4; it++) applyStep(opt, vars, p, it);
    (await Promise.all(vars.map(read))).forEach((w, i) => expectClose(w, expected.weights[i]!, TOL));
    opt.dispose();
    st.dispose(vars);
  });

  it('clipnorm and clipvalue of 0 mean no clipping (as Keras)', async () => {
    const p = problem(61, 3);
    const expected = runOracle(sgdOracle(0, false), { lr: () => 0.1 }, p.w0, p.grads);
    expectResult(await runStrata(O.sgd({ learningRate: 0.1, clipnorm: 0 }), p), expected, TOL);
    expectResult(await runStrata(O.sgd({ learningRate: 0.1, clipvalue: 0 }), p), expected, TOL);
  });

  it('a learning-rate schedule is evaluated at iterations (0-based) before each step', async () => {
    const p = problem(67, 6);
    const sched = new O.schedules.PiecewiseConstantDecay({ boundaries: [1, 3], values: [0.5, 0.1, 0.01] });
    const opt = O.sgd({ learningRate: sched });
    const lrs: number[] = [];
    const vars = makeVariables(p);
    for (let it = 0; it < 6; it++) {
      lrs.push(opt.learningRate);
      applyStep(opt, vars, p, it);
    }
    expect(lrs).toEqual([0.5, 0.5, 0.1, 0.1, 0.01, 0.01]);
    const expected = runOracle(sgdOracle(0, false), { lr: (it) => [0.5, 0.5, 0.1, 0.1, 0.01, 0.01][it]! }, p.w0, p.grads);
    (await Promise.all(vars.map(read))).forEach((w, i) => expectClose(w, expected.weights[i]!, TOL));
    expect(opt.schedule).toBe(sched);
    opt.dispose();
    st.dispose(vars);
  });

  it('learningRate can be set as a number, or to a schedule; a number cannot replace a schedule', () => {
    const opt = O.adam();
    expect(opt.learningRate).toBe(0.001);
    opt.learningRate = 0.05;
    expect(opt.learningRate).toBe(0.05);
    expect(() => { opt.learningRate = -1; }).toThrow(/adam: learningRate must be a finite number ≥ 0, got -1/);
    opt.learningRate = new O.schedules.InverseTimeDecay({ initialLearningRate: 0.2, decaySteps: 1, decayRate: 1 });
    expect(opt.learningRate).toBe(0.2);
    expect(() => { opt.learningRate = 0.1; }).toThrow(/created with a LearningRateSchedule \(InverseTimeDecay\)/);
  });

  it('null gradients skip their variable; all-null and mismatched gradients are clear errors', async () => {
    const opt = O.sgd(0.5);
    const a = st.variable(st.tensor([1, 2, 3]));
    const b = st.variable(st.tensor([[4, 5]]));
    const g = st.tensor([1, 1, 1]);
    opt.applyGradients([[g, a], [null, b]]);
    expect(Array.from(await a.data())).toEqual([0.5, 1.5, 2.5]);
    expect(Array.from(await b.data())).toEqual([4, 5]);
    const gb = st.tensor([[2, 2]]);
    opt.apply([null, gb], [a, b]);
    expect(Array.from(await b.data())).toEqual([3, 4]);
    expect(opt.iterations).toBe(2);
    expect(() => opt.applyGradients([[null, a]])).toThrow(/sgd.applyGradients: no gradients provided for any variable/);
    expect(() => opt.applyGradients([[g, b]])).toThrow(/sgd.applyGradients: gradient 0 is float32\[3\] but variable '.*' is float32\[1,2\]/);
    expect(() => opt.apply([g], [a, b])).toThrow(/sgd.apply: got 1 gradients for 2 variables/);
    opt.applyGradients([]);
    expect(opt.iterations).toBe(2);
    opt.dispose();
    st.dispose([a, b, g, gb]);
  });

  it('rejects bad arguments with clear errors', () => {
    expect(() => O.sgd({ momentum: 1.5 })).toThrow(/SGD: momentum must be a finite number in \[0, 1\], got 1.5/);
    expect(() => O.adam({ clipnorm: 1, clipvalue: 1 })).toThrow(/Adam: set at most one of clipnorm, clipvalue and globalClipnorm/);
    expect(() => O.adam({ clipnorm: -1 })).toThrow(/Adam: clipnorm must be a finite number ≥ 0 or null, got -1/);
    expect(() => O.adam({ learningRate: Number.NaN })).toThrow(/Adam: learningRate must be a finite number ≥ 0/);
    expect(() => O.adam({ beta1: 1 })).toThrow(/Adam: beta1 must be a finite number in \[0, 1\), got 1/);
    expect(() => O.adamw({ weightDecay: null })).toThrow(/AdamW: weightDecay must be a number/);
    expect(() => O.lion({ beta1: 0 })).toThrow(/Lion: beta1 must be a finite number in \(0, 1\]/);
    expect(() => O.ftrl({ learningRatePower: 0.5 })).toThrow(/Ftrl: learningRatePower must be a finite number in \[-Infinity, 0\], got 0.5/);
    expect(() => O.ftrl({ l1RegularizationStrength: -1 })).toThrow(/Ftrl: l1RegularizationStrength must be a finite number in \[0, Infinity\]/);
    expect(() => O.rmsprop({ useEma: true, emaMomentum: 2 })).toThrow(/RMSprop: emaMomentum must be in \[0, 1\], got 2/);
    expect(() => O.rmsprop({ emaOverwriteFrequency: 1.5 })).toThrow(/RMSprop: emaOverwriteFrequency must be an integer ≥ 1 or null, got 1.5/);
    expect(() => O.adam({ learningRate: { className: 'NoSuchSchedule', config: {} } })).toThrow(/Adam: unknown schedule class 'NoSuchSchedule'. Known: .*CosineDecay/);
  });

  it('setWeights checks the count, the iterations scalar and each state shape', () => {
    const v = st.variable(st.tensor([[1, 2, 3]]));
    const opt = O.adam();
    opt.build([v]);
    const w = opt.getWeights();
    expect(w.map((t) => [t.dtype, t.shape])).toEqual([['int32', []], ['float32', [1, 3]], ['float32', [1, 3]]]);
    expect(() => opt.setWeights(w.slice(0, 2))).toThrow(/adam.setWeights: expected 3 tensors \(iterations \+ 2 state variables\), got 2/);
    const bad = st.zeros([3]);
    expect(() => opt.setWeights([w[0]!, bad, w[2]!])).toThrow(/adam.setWeights: state 0 '.*momentum' is float32\[1,3\] but the value is float32\[3\]/);
    expect(() => opt.setWeights([bad, w[1]!, w[2]!])).toThrow(/adam.setWeights: iterations must be a scalar, got float32\[3\]/);
    st.dispose([...w, bad, v]);
    opt.dispose();
  });
});

// ---- config, names, getOptimizer ------------------------------------------------------------------

describe('config and getOptimizer', () => {
  const DEFAULT_LR: Record<string, [string, number]> = {
    sgd: ['SGD', 0.01], adam: ['Adam', 0.001], adamw: ['AdamW', 0.001], rmsprop: ['RMSprop', 0.001], adagrad: ['Adagrad', 0.001],
    adadelta: ['Adadelta', 0.001], adamax: ['Adamax', 0.001], nadam: ['Nadam', 0.001], lion: ['Lion', 0.001], ftrl: ['Ftrl', 0.001],
  };

  it.each(Object.entries(DEFAULT_LR))('getOptimizer(%s) gives the Keras class with its defaults', (name, [className, lr]) => {
    for (const spelling of [name, name.toUpperCase(), className]) {
      const opt = O.getOptimizer(spelling);
      expect(opt.getClassName()).toBe(className);
      expect(opt.learningRate).toBe(lr);
      expect(opt.iterations).toBe(0);
    }
  });

  it('keeps Keras defaults of every hyperparameter', () => {
    expect(O.sgd().getConfig()).toMatchObject({ learningRate: 0.01, momentum: 0, nesterov: false, weightDecay: null });
    expect(O.adam().getConfig()).toMatchObject({ beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false });
    expect(O.adamw().getConfig()).toMatchObject({ weightDecay: 0.004, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
    expect(O.rmsprop().getConfig()).toMatchObject({ rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false });
    expect(O.adagrad().getConfig()).toMatchObject({ initialAccumulatorValue: 0.1, epsilon: 1e-7 });
    expect(O.adadelta().getConfig()).toMatchObject({ rho: 0.95, epsilon: 1e-7 });
    expect(O.adamax().getConfig()).toMatchObject({ beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
    expect(O.nadam().getConfig()).toMatchObject({ beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
    expect(O.lion().getConfig()).toMatchObject({ beta1: 0.9, beta2: 0.99 });
    expect(O.ftrl().getConfig()).toMatchObject({
      learningRatePower: -0.5, initialAccumulatorValue: 0.1, l1RegularizationStrength: 0,
      l2RegularizationStrength: 0, l2ShrinkageRegularizationStrength: 0, beta: 0,
    });
    expect(O.adam().getConfig()).toMatchObject({ clipnorm: null, clipvalue: null, globalClipnorm: null, useEma: false, emaMomentum: 0.99, emaOverwriteFrequency: null, name: 'adam' });
  });

  it('getOptimizer passes instances through, reads {className, config}, and names unknown ones', () => {
    const a = O.adam(0.3);
    expect(O.getOptimizer(a)).toBe(a);
    const b = O.getOptimizer({ className: 'RMSprop', config: { learningRate: 0.02, centered: true } });
    expect(b).toBeInstanceOf(O.RMSprop);
    expect((b as InstanceType<typeof O.RMSprop>).centered).toBe(true);
    expect(() => O.getOptimizer('adamm')).toThrow(/getOptimizer: unknown optimizer 'adamm'. Known: sgd, adam, adamw, rmsprop, adagrad, adadelta, adamax, nadam, lion, ftrl/);
    expect(() => O.getOptimizer({ className: 'Nope', config: {} })).toThrow(/unknown optimizer class 'Nope'/);
  });

  it('reads TensorFlow.js RMSProp and Momentum configs (training_config of TensorFlow.js models)', async () => {
    const tfjs = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-cpu');
    await tfjs.setBackend('cpu');
    const rms = O.getOptimizer({ className: 'RMSProp', config: tfjs.train.rmsprop(0.02, 0.8, 0.1, 1e-6, true).getConfig() as st.ConfigDict });
    expect(rms.getConfig()).toMatchObject({ learningRate: 0.02, rho: 0.8, momentum: 0.1, epsilon: 1e-6, centered: true });
    const mom = O.getOptimizer({ className: 'Momentum', config: tfjs.train.momentum(0.05, 0.9, true).getConfig() as st.ConfigDict });
    expect(mom).toBeInstanceOf(O.SGD);
    expect(mom.getConfig()).toMatchObject({ learningRate: 0.05, momentum: 0.9, nesterov: true });
    const adam = O.getOptimizer({ className: 'Adam', config: tfjs.train.adam(0.003, 0.8, 0.99, 1e-5).getConfig() as st.ConfigDict });
    expect(adam.getConfig()).toMatchObject({ learningRate: 0.003, beta1: 0.8, beta2: 0.99, epsilon: 1e-5 });
  });

  it('finds custom optimizers registered by class name', () => {
    class HalfStep extends O.SGD {
      static override readonly className = 'HalfStep';
    }
    st.registerClass('optimizer', HalfStep);
    expect(O.getOptimizer('halfstep')).toBeInstanceOf(HalfStep);
  });

  it.each(CASES)('$name: getConfig → JSON → fromConfig / getOptimizer round trip (schedule included)', (c) => {
    const opt = c.make({
      clipnorm: 0.5, useEma: true, emaMomentum: 0.95, emaOverwriteFrequency: 4, name: 'custom',
      learningRate: new O.schedules.CosineDecay({ initialLearningRate: 0.1, decaySteps: 100, alpha: 0.1, warmupTarget: 0.2, warmupSteps: 10 }),
    });
    const config = JSON.parse(JSON.stringify(opt.getConfig())) as st.ConfigDict;
    expect(config.learningRate).toEqual({ className: 'CosineDecay', config: { initialLearningRate: 0.1, decaySteps: 100, alpha: 0.1, name: 'CosineDecay', warmupTarget: 0.2, warmupSteps: 10 } });
    const again = O.getOptimizer(JSON.parse(JSON.stringify(O.serializeOptimizer(opt))) as st.SerializedObject);
    expect(again.constructor).toBe(opt.constructor);
    expect(again.getConfig()).toEqual(opt.getConfig());
    expect(again.schedule).toBeInstanceOf(O.schedules.CosineDecay);
    again.iterations = 5;
    expect(again.learningRate).toBeCloseTo(0.15, 12);
  });
});

// ---- optional kernels ------------------------------------------------------------------------------

type Methods = Record<string, unknown>;
const kernelCalls = { adamUpdate: 0, sgdUpdate: 0 };

/** The cpu backend plus counting float64 adamUpdate/sgdUpdate kernels from the contract's formulas. */
function cpuWithOptimizerKernels(): st.Backend {
  const base = new CpuBackend();
  const wrapper = Object.create(base) as Methods;
  for (const key of Object.getOwnPropertyNames(Object.getPrototypeOf(base))) {
    const method = (base as unknown as Methods)[key];
    if (key !== 'constructor' && typeof method === 'function') wrapper[key] = (method as (...args: unknown[]) => unknown).bind(base);
  }
  Object.defineProperty(wrapper, 'name', { value: 'cpu-optimizer-kernels' });
  const rd = (t: st.TensorInfo): Float64Array => Float64Array.from(base.readSync(t.storage) as Float32Array);
  const out = (v: Float64Array, shape: readonly number[]): st.TensorInfo => ({ storage: base.write(Float32Array.from(v), 'float32'), shape, dtype: 'float32' });
  const kernels: Partial<st.OptionalKernels> = {
    adamUpdate: (param, grad, m, v, a) => {
      kernelCalls.adamUpdate++;
      const [p, g, mm, vv] = [param, grad, m, v].map(rd) as [Float64Array, Float64Array, Float64Array, Float64Array];
      const stepSize = (a.learningRate * Math.sqrt(1 - a.beta2 ** a.step)) / (1 - a.beta1 ** a.step);
      for (let i = 0; i < p.length; i++) {
        mm[i] = a.beta1 * mm[i]! + (1 - a.beta1) * g[i]!;
        vv[i] = a.beta2 * vv[i]! + (1 - a.beta2) * g[i]! ** 2;
        p[i]! -= (stepSize * mm[i]!) / (Math.sqrt(vv[i]!) + a.epsilon);
      }
      return [out(p, param.shape), out(mm, param.shape), out(vv, param.shape)];
    },
    sgdUpdate: (param, grad, velocity, a) => {
      kernelCalls.sgdUpdate++;
      const [p, g, v] = [param, grad, velocity].map(rd) as [Float64Array, Float64Array, Float64Array];
      for (let i = 0; i < p.length; i++) {
        if (a.momentum === 0) { p[i]! -= a.learningRate * g[i]!; continue; }
        v[i] = a.momentum * v[i]! - a.learningRate * g[i]!;
        p[i]! += a.nesterov ? a.momentum * v[i]! - a.learningRate * g[i]! : v[i]!;
      }
      return [out(p, param.shape), out(v, param.shape)];
    },
  };
  Object.assign(wrapper, kernels);
  return wrapper as unknown as st.Backend;
}

describe('optional adamUpdate / sgdUpdate kernels', () => {
  beforeAll(() => {
    st.registerBackend({ name: 'cpu-optimizer-kernels', priority: 0, create: async () => cpuWithOptimizerKernels() });
  });
  afterAll(useCpu);

  const kernelCases: [string, () => st.Optimizer, 'adamUpdate' | 'sgdUpdate' | null][] = [
    ['Adam', () => O.adam({ learningRate: 0.01, useEma: true, clipvalue: 1 }), 'adamUpdate'],
    ['AdamW', () => O.adamw({ learningRate: 0.01, weightDecay: 0.1 }), 'adamUpdate'],
    ['SGD', () => O.sgd({ learningRate: 0.1, globalClipnorm: 3 }), 'sgdUpdate'],
    ['SGD momentum', () => O.sgd({ learningRate: 0.1, momentum: 0.9 }), 'sgdUpdate'],
    ['SGD nesterov', () => O.sgd({ learningRate: 0.1, momentum: 0.8, nesterov: true }), 'sgdUpdate'],
    ['Adam amsgrad (no kernel: the kernel has no AMSGrad)', () => O.adam({ learningRate: 0.01, amsgrad: true }), null],
  ];

  it.each(kernelCases)('%s: the kernel runs once per variable and step and agrees with the fallback', async (_name, make, kernel) => {
    const p = problem(71, 5);
    await st.setBackend('cpu');
    const fallback = await runStrata(make(), p);
    await st.setBackend('cpu-optimizer-kernels');
    kernelCalls.adamUpdate = 0;
    kernelCalls.sgdUpdate = 0;
    const withKernel = await runStrata(make(), p);
    await st.setBackend('cpu');
    if (kernel) expect(kernelCalls[kernel]).toBe(5 * p.shapes.length);
    else expect(kernelCalls.adamUpdate + kernelCalls.sgdUpdate).toBe(0);
    expectResult(withKernel, fallback, 1e-6);
  });
});
