/**
 * Weight constraints (MaxNorm, NonNeg, UnitNorm, MinMaxNorm) and regularizers (L1, L2, L1L2):
 * `apply` on random weights of awkward shapes against float64 oracles of the Keras formulas, configs
 * and names, and end to end: `fit` projects constrained weights after every step, and the loss that
 * `fit`/`evaluate` report (and the gradient step) includes the regularization penalty.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as st from '@strata/core';
import { expectClose, randomSource, randomValues, useCpu } from './setup.js';

beforeAll(useCpu);

const C = st.constraints;
const R = st.regularizers;
const EPS = 1e-7;
const silent = { verbose: 0 as const };

// ---- float64 oracle helpers ----------------------------------------------------------------

const prod = (xs: readonly number[]) => xs.reduce((a, b) => a * b, 1);

/**
 * The L2 norm of the slice each element belongs to, reducing over `axis` (Keras
 * `sqrt(sum(square(w), axis, keepdims=True))`, broadcast back to every element).
 */
function sliceNorms(w: readonly number[], shape: readonly number[], axis: number | number[]): number[] {
  const axes = new Set((Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + shape.length : a)));
  const key = (flat: number) => {
    let rest = flat;
    let k = 0;
    let mul = 1;
    for (let d = shape.length - 1; d >= 0; d--) {
      const c = rest % shape[d]!;
      rest = Math.floor(rest / shape[d]!);
      if (!axes.has(d)) k += c * mul;
      mul *= shape[d]!;
    }
    return k;
  };
  const sums = new Map<number, number>();
  w.forEach((x, i) => sums.set(key(i), (sums.get(key(i)) ?? 0) + x * x));
  return w.map((_, i) => Math.sqrt(sums.get(key(i))!));
}

function applyConstraint(c: st.constraints.Constraint, values: number[], shape: number[]): number[] {
  const w = st.tensor(values, shape);
  const out = c.apply(w);
  expect([...out.shape]).toEqual(shape);
  const result = Array.from(out.dataSync());
  st.dispose([w, out]);
  return result;
}

function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(q * (s.length - 1))]!;
}

const cases: { shape: number[]; axis: number | number[] }[] = [
  { shape: [7, 13], axis: 0 },
  { shape: [7, 13], axis: 1 },
  { shape: [7, 13], axis: -1 },
  { shape: [3, 3, 5, 4], axis: [0, 1, 2] },
  { shape: [3, 3, 5, 4], axis: 3 },
  { shape: [3, 3, 5, 4], axis: [1, 3] },
  { shape: [11], axis: 0 },
];

// ---- constraints ---------------------------------------------------------------------------

describe('constraints against the Keras formulas', () => {
  let seed = 1;
  for (const { shape, axis } of cases) {
    const label = `${JSON.stringify(shape)} axis ${JSON.stringify(axis)}`;

    it(`MaxNorm ${label}: w · clip(norm, 0, max) / (eps + norm)`, () => {
      const w = randomValues(randomSource(seed++), prod(shape));
      const norms = sliceNorms(w, shape, axis);
      // A max norm between the slice norms, so that some slices are scaled and some are not.
      const maxValue = (quantile(norms, 0.3) + quantile(norms, 0.7)) / 2;
      const expected = w.map((x, i) => (x * Math.min(Math.max(norms[i]!, 0), maxValue)) / (EPS + norms[i]!));
      if (shape.length > 1) {
        expect(norms.some((n) => n > maxValue) && norms.some((n) => n < maxValue)).toBe(true);
      }
      expectClose(applyConstraint(new C.MaxNorm({ maxValue, axis }), w, shape), expected, 1e-6);
    });

    it(`UnitNorm ${label}: w / (eps + norm)`, () => {
      const w = randomValues(randomSource(seed++), prod(shape));
      const norms = sliceNorms(w, shape, axis);
      const out = applyConstraint(new C.UnitNorm({ axis }), w, shape);
      expectClose(out, w.map((x, i) => x / (EPS + norms[i]!)), 1e-6);
      // Every slice now has norm 1.
      for (const n of sliceNorms(out, shape, axis)) expect(Math.abs(n - 1)).toBeLessThan(1e-5);
    });

    it(`MinMaxNorm ${label}: w · (rate·clip(norm, min, max) + (1 − rate)·norm) / (eps + norm)`, () => {
      const w = randomValues(randomSource(seed++), prod(shape));
      const norms = sliceNorms(w, shape, axis);
      const minValue = quantile(norms, 0.3);
      const maxValue = quantile(norms, 0.7);
      for (const rate of [1, 0.6]) {
        const expected = w.map((x, i) => {
          const n = norms[i]!;
          return (x * (rate * Math.min(Math.max(n, minValue), maxValue) + (1 - rate) * n)) / (EPS + n);
        });
        expectClose(applyConstraint(new C.MinMaxNorm({ minValue, maxValue, rate, axis }), w, shape), expected, 1e-6);
      }
    });

    it(`NonNeg ${label}: w · (w ≥ 0)`, () => {
      const w = randomValues(randomSource(seed++), prod(shape));
      expectClose(applyConstraint(new C.NonNeg(), w, shape), w.map((x) => (x >= 0 ? x : 0)), 0);
    });
  }

  it('defaults (MaxNorm 2 / axis 0, MinMaxNorm [0, 1] rate 1), configs, names, errors', () => {
    const shape = [6, 9];
    const w = randomValues(randomSource(99), prod(shape), -3, 3);
    const norms = sliceNorms(w, shape, 0);
    expectClose(applyConstraint(new C.MaxNorm(), w, shape), w.map((x, i) => (x * Math.min(norms[i]!, 2)) / (EPS + norms[i]!)), 1e-6);
    expectClose(applyConstraint(new C.MinMaxNorm(), w, shape), w.map((x, i) => (x * Math.min(norms[i]!, 1)) / (EPS + norms[i]!)), 1e-6);
    for (const c of [new C.MaxNorm({ maxValue: 0.7, axis: [0, 1] }), new C.UnitNorm({ axis: 1 }), new C.NonNeg(),
      new C.MinMaxNorm({ minValue: 0.2, maxValue: 0.9, rate: 0.3, axis: 1 })]) {
      const json = JSON.parse(JSON.stringify({ className: c.getClassName(), config: c.getConfig() })) as st.SerializedObject;
      const back = C.getConstraint(json)!;
      expect(back.constructor).toBe(c.constructor);
      expect(back.getConfig()).toEqual(c.getConfig());
      expect(applyConstraint(back, w, shape)).toEqual(applyConstraint(c, w, shape));
    }
    expect(C.getConstraint('max_norm' as 'maxNorm')).toBeInstanceOf(C.MaxNorm);
    expect(C.getConstraint('nonNeg')).toBeInstanceOf(C.NonNeg);
    expect(C.getConstraint('unit_norm' as 'unitNorm')).toBeInstanceOf(C.UnitNorm);
    expect(C.getConstraint('minMaxNorm')).toBeInstanceOf(C.MinMaxNorm);
    expect(C.getConstraint(null)).toBeNull();
    expect(() => C.getConstraint('maxnorm' as 'maxNorm', 'dense kernelConstraint')).toThrow(/dense kernelConstraint: unknown constraint "maxnorm"/);
    expect(() => new C.MinMaxNorm({ minValue: 2, maxValue: 1 })).toThrow(/MinMaxNorm: minValue 2 is greater than maxValue 1/);
  });
});

// ---- fit applies constraints ------------------------------------------------------------------

/** Column norms (axis 0) of a [in, out] kernel. */
function columnNorms(k: ArrayLike<number>, rows: number, cols: number): number[] {
  return Array.from({ length: cols }, (_, c) => {
    let s = 0;
    for (let r = 0; r < rows; r++) s += k[r * cols + c]! ** 2;
    return Math.sqrt(s);
  });
}

describe('fit applies a kernel constraint after every step', () => {
  it('Dense with MaxNorm(0.5): every column norm ≤ 0.5 after each batch; unconstrained, norms exceed it', async () => {
    const rand = randomSource(7);
    const [n, inDim, units] = [48, 9, 5];
    const x = st.tensor(randomValues(rand, n * inDim), [n, inDim]);
    const y = st.tensor(randomValues(rand, n * units, -5, 5), [n, units]);
    const worst: Record<string, number> = {};
    for (const constrained of [true, false]) {
      st.setSeed(11);
      const dense = st.layers.dense({ units, inputShape: [inDim], ...(constrained ? { kernelConstraint: new C.MaxNorm({ maxValue: 0.5 }) } : {}) });
      const model = st.sequential([dense]);
      model.compile({ optimizer: st.optimizers.sgd(0.5), loss: 'mse' });
      const norms: number[][] = [];
      class Probe extends st.Callback {
        override onTrainBatchEnd(): void {
          const k = dense.getWeights();
          norms.push(columnNorms(k[0]!.dataSync(), inDim, units));
          st.dispose(k);
        }
      }
      await model.fit(x, y, { epochs: 3, batchSize: 8, shuffle: false, callbacks: [new Probe()], ...silent });
      expect(norms.length).toBe(18);
      worst[String(constrained)] = Math.max(...norms.flat());
      if (constrained) for (const step of norms) for (const v of step) expect(v).toBeLessThanOrEqual(0.5 + 1e-6);
      model.dispose();
    }
    expect(worst['false']).toBeGreaterThan(0.5);
    expect(worst['true']).toBeGreaterThan(0.49); // the constraint is active, so norms sit at the bound
    st.dispose([x, y]);
  });
});

describe('constraints leave frozen weights alone', () => {
  it('a frozen Dense whose kernel breaks its MaxNorm keeps that kernel bit for bit while the rest trains', async () => {
    const rand = randomSource(9);
    const [n, inDim, units] = [24, 6, 4];
    const x = st.tensor(randomValues(rand, n * inDim), [n, inDim]);
    const y = st.tensor(randomValues(rand, n * 2), [n, 2]);
    const frozen = st.layers.dense({ units, inputShape: [inDim], kernelConstraint: new C.MaxNorm({ maxValue: 0.1 }) });
    const head = st.layers.dense({ units: 2 });
    const model = st.sequential([frozen, head]);
    // Every column norm of a Glorot kernel of this size is far above 0.1, so a projection would show.
    const kernelBefore = Array.from(frozen.getWeights()[0]!.dataSync());
    expect(Math.min(...columnNorms(kernelBefore, inDim, units))).toBeGreaterThan(0.1);
    frozen.trainable = false;
    model.compile({ optimizer: st.optimizers.sgd(0.1), loss: 'mse' });
    const headBefore = Array.from(head.getWeights()[0]!.dataSync());
    await model.fit(x, y, { epochs: 2, batchSize: 8, ...silent });
    expect(Array.from(frozen.getWeights()[0]!.dataSync())).toEqual(kernelBefore);
    expect(Array.from(head.getWeights()[0]!.dataSync())).not.toEqual(headBefore);
    st.dispose([x, y]);
    model.dispose();
  });
});

// ---- regularizers ------------------------------------------------------------------------------

function penalty(r: st.regularizers.Regularizer, values: number[], shape: number[]): number {
  const w = st.tensor(values, shape);
  const p = r.apply(w);
  expect(p.shape).toEqual([]);
  const v = p.dataSync()[0]!;
  st.dispose([w, p]);
  return v;
}

const sumAbs = (w: readonly number[]) => w.reduce((a, x) => a + Math.abs(x), 0);
const sumSq = (w: readonly number[]) => w.reduce((a, x) => a + x * x, 0);

describe('regularizers against the Keras formulas', () => {
  let seed = 40;
  for (const shape of [[7, 13], [3, 3, 5, 4], [17]]) {
    it(`L1, L2, L1L2 penalties on ${JSON.stringify(shape)}`, () => {
      const rand = randomSource(seed++);
      const w = randomValues(rand, prod(shape));
      const [l1, l2] = [Math.fround(0.001 + 0.1 * rand()), Math.fround(0.001 + 0.1 * rand())];
      const rel = (a: number, e: number) => Math.abs(a - e) / Math.abs(e);
      expect(rel(penalty(new R.L1({ l1 }), w, shape), l1 * sumAbs(w))).toBeLessThan(1e-6);
      expect(rel(penalty(new R.L2({ l2 }), w, shape), l2 * sumSq(w))).toBeLessThan(1e-6);
      expect(rel(penalty(new R.L1L2({ l1, l2 }), w, shape), l1 * sumAbs(w) + l2 * sumSq(w))).toBeLessThan(1e-6);
      expect(rel(penalty(new R.L1(), w, shape), 0.01 * sumAbs(w))).toBeLessThan(1e-6);
      expect(rel(penalty(new R.L2(), w, shape), 0.01 * sumSq(w))).toBeLessThan(1e-6);
      expect(Math.abs(penalty(new R.L1L2(), w, shape))).toBe(0); // no penalty (the sign of zero aside)
    });
  }

  it('configs, names and errors', () => {
    for (const r of [new R.L1({ l1: 0.25 }), new R.L2({ l2: 0.125 }), new R.L1L2({ l1: 0.5, l2: 0.75 })]) {
      const json = JSON.parse(JSON.stringify({ className: r.getClassName(), config: r.getConfig() })) as st.SerializedObject;
      const back = R.getRegularizer(json)!;
      expect(back.constructor).toBe(r.constructor);
      expect(back.getConfig()).toEqual(r.getConfig());
    }
    expect(R.getRegularizer('l1')!.getConfig()).toEqual({ l1: 0.01 });
    expect(R.getRegularizer('l2')!.getConfig()).toEqual({ l2: 0.01 });
    expect(R.getRegularizer('l1l2')!.getConfig()).toEqual({ l1: 0.01, l2: 0.01 });
    expect(R.getRegularizer(undefined)).toBeNull();
    expect(() => new R.L2({ l2: -0.1 })).toThrow(/L2: l2 must be a finite number ≥ 0, got -0.1/);
    expect(() => new R.L1({ l1: NaN })).toThrow(/L1: l1 must be/);
    expect(() => new R.L1L2({ l2: Infinity })).toThrow(/L1L2: l2 must be/);
    expect(() => R.getRegularizer('l3' as 'l1', 'dense kernelRegularizer')).toThrow(/dense kernelRegularizer: expected a regularizer.*"l3"/);
  });
});

describe('the training loss includes the regularization penalty', () => {
  it('Dense with kernelRegularizer L2(0.1): fit/evaluate loss = mse + 0.1·Σkernel², and the SGD step uses its gradient', async () => {
    const rand = randomSource(21);
    const [n, inDim, units, lr] = [32, 6, 4, 0.05];
    const xv = randomValues(rand, n * inDim);
    const yv = randomValues(rand, n * units);
    const x = st.tensor(xv, [n, inDim]);
    const y = st.tensor(yv, [n, units]);
    const model = st.sequential([st.layers.dense({ units, inputShape: [inDim], kernelRegularizer: new R.L2({ l2: 0.1 }),
      biasInitializer: new st.initializers.RandomUniform({ minval: -1, maxval: 1, seed: 3 }) })]);
    model.compile({ optimizer: st.optimizers.sgd(lr), loss: 'mse' });

    const state = async () => {
      const ws = model.getWeights();
      const [k, b] = ws.map((w) => Array.from(w.dataSync()));
      const p = (await model.predict(x)) as st.Tensor;
      const pred = Array.from(p.dataSync());
      st.dispose([...ws, p]);
      // Float64: the mean squared error over all elements, plus 0.1·Σkernel² (the bias is not regularized).
      const data = pred.reduce((a, v, i) => a + (v - yv[i]!) ** 2, 0) / (n * units);
      return { k: k!, b: b!, pred, data, total: data + 0.1 * sumSq(k!) };
    };

    const before = await state();
    expect(0.1 * sumSq(before.k)).toBeGreaterThan(0.05 * before.data); // the penalty matters
    // One full batch: fit's loss is the loss at the weights before the step.
    const h = await model.fit(x, y, { epochs: 1, batchSize: n, shuffle: false, ...silent });
    const fitLoss = h.history['loss']![0]!;
    expect(Math.abs(fitLoss - before.total) / before.total).toBeLessThan(1e-5);

    // The SGD step: W ← W − lr·(∂mse/∂W + 0.2·W), b ← b − lr·∂mse/∂b (float64 oracle).
    const gk = new Array<number>(inDim * units).fill(0);
    const gb = new Array<number>(units).fill(0);
    for (let s = 0; s < n; s++) {
      for (let u = 0; u < units; u++) {
        const e = (2 / (n * units)) * (before.pred[s * units + u]! - yv[s * units + u]!);
        gb[u]! += e;
        for (let i = 0; i < inDim; i++) gk[i * units + u]! += xv[s * inDim + i]! * e;
      }
    }
    const after = await state();
    expectClose(after.k, before.k.map((w, i) => w - lr * (gk[i]! + 0.2 * w)), 1e-5);
    expectClose(after.b, before.b.map((w, i) => w - lr * gb[i]!), 1e-5);

    // evaluate at the new weights (bias now far from zero, still not penalized).
    const evalLoss = (await model.evaluate(x, y, { batchSize: 10 })) as number;
    expect(Math.abs(evalLoss - after.total) / after.total).toBeLessThan(1e-5);
    // Without the regularizer the loss would be the data loss alone: the two are well apart.
    expect(Math.abs(evalLoss - after.data) / after.total).toBeGreaterThan(0.04);
    st.dispose([x, y]);
    model.dispose();
  });
});
