/**
 * Learning-rate schedules against their Keras 3 formulas (written again here in float64, the
 * restart schedule by walking the periods instead of the closed form) at many steps, with random
 * hyperparameters; config round trips; argument errors.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as st from '@strata/core';
import { randomSource, useCpu } from './setup.js';

const S = st.optimizers.schedules;

beforeAll(useCpu);

/** Steps 0..300 plus a few far ones. */
const STEPS = [...Array.from({ length: 301 }, (_, i) => i), 1000, 4321, 100000];

function expectSchedule(schedule: st.LearningRateSchedule, oracle: (step: number) => number, what: string): void {
  for (const step of STEPS) {
    const got = schedule.value(step);
    const want = oracle(step);
    if (!(Math.abs(got - want) <= 1e-12 * (1 + Math.abs(want)))) throw new Error(`${what}: step ${step}: got ${got}, expected ${want}`);
  }
}

function roundTrip(schedule: st.LearningRateSchedule): st.LearningRateSchedule {
  const serialized = JSON.parse(JSON.stringify(st.serializeObject(schedule))) as st.SerializedObject;
  const again = st.deserializeObject<st.LearningRateSchedule>('schedule', serialized, 'test');
  expect(again.constructor).toBe(schedule.constructor);
  expect(again.getConfig()).toEqual(schedule.getConfig());
  for (const step of STEPS) expect(again.value(step)).toBe(schedule.value(step));
  return again;
}

/** `n` references to one seeded source: loop over them to draw `n` random settings. */
function draws(seed: number, n: number): (() => number)[] {
  const rand = randomSource(seed);
  return Array.from({ length: n }, () => rand);
}

describe('ExponentialDecay', () => {
  it.each([false, true])('staircase %s: lr0 · rate^(step/decaySteps) at many steps, random settings', (staircase) => {
    for (const rand of draws(1 + Number(staircase), 6)) {
      const lr0 = 0.001 + rand();
      const decaySteps = 1 + Math.floor(rand() * 50);
      const decayRate = 0.1 + 0.85 * rand();
      const s = new S.ExponentialDecay({ initialLearningRate: lr0, decaySteps, decayRate, staircase });
      expectSchedule(s, (k) => lr0 * Math.pow(decayRate, staircase ? Math.floor(k / decaySteps) : k / decaySteps), `ExponentialDecay ${decaySteps}`);
      roundTrip(s);
    }
  });
});

describe('InverseTimeDecay', () => {
  it.each([false, true])('staircase %s: lr0 / (1 + rate·step/decaySteps)', (staircase) => {
    for (const rand of draws(3 + Number(staircase), 6)) {
      const lr0 = 0.001 + rand();
      const decaySteps = 1 + Math.floor(rand() * 50);
      const decayRate = 0.01 + 2 * rand();
      const s = new S.InverseTimeDecay({ initialLearningRate: lr0, decaySteps, decayRate, staircase });
      expectSchedule(s, (k) => lr0 / (1 + decayRate * (staircase ? Math.floor(k / decaySteps) : k / decaySteps)), 'InverseTimeDecay');
      roundTrip(s);
    }
  });
});

describe('PiecewiseConstantDecay', () => {
  it('picks values[i] for boundaries[i-1] < step ≤ boundaries[i]', () => {
    for (const rand of draws(5, 6)) {
      const n = 1 + Math.floor(rand() * 5);
      const boundaries: number[] = [];
      let b = 0;
      for (let i = 0; i < n; i++) boundaries.push((b += 1 + Math.floor(rand() * 60)));
      const values = Array.from({ length: n + 1 }, () => rand());
      const s = new S.PiecewiseConstantDecay({ boundaries, values });
      expectSchedule(s, (k) => {
        let v = values[0]!;
        for (let i = 0; i < boundaries.length; i++) if (k > boundaries[i]!) v = values[i + 1]!;
        return v;
      }, 'PiecewiseConstantDecay');
      roundTrip(s);
    }
    const s = new S.PiecewiseConstantDecay({ boundaries: [10, 20], values: [1, 0.5, 0.1] });
    expect([0, 10, 11, 20, 21].map((k) => s.value(k))).toEqual([1, 1, 0.5, 0.5, 0.1]);
  });

  it('rejects mismatched or unsorted boundaries', () => {
    expect(() => new S.PiecewiseConstantDecay({ boundaries: [1, 2], values: [1, 2] })).toThrow(/PiecewiseConstantDecay: boundaries must have one element fewer than values; got boundaries \[1,2\] \(length 2\) and values \[1,2\] \(length 2\)/);
    expect(() => new S.PiecewiseConstantDecay({ boundaries: [5, 2], values: [1, 2, 3] })).toThrow(/PiecewiseConstantDecay: boundaries must increase, got \[5,2\]/);
  });
});

describe('PolynomialDecay', () => {
  it.each([false, true])('cycle %s: (lr0 − end)(1 − step/D)^power + end', (cycle) => {
    for (const rand of draws(7 + Number(cycle), 6)) {
      const lr0 = 0.5 + rand();
      const end = 0.001 + 0.1 * rand();
      const power = 0.3 + 2.5 * rand();
      const decaySteps = 1 + Math.floor(rand() * 80);
      const s = new S.PolynomialDecay({ initialLearningRate: lr0, decaySteps, endLearningRate: end, power, cycle });
      expectSchedule(s, (k) => {
        let d = decaySteps;
        let step = k;
        if (cycle) {
          // The first multiple of decaySteps that is ≥ step (one period at step 0).
          let mult = 1;
          while (mult * decaySteps < step) mult++;
          d = mult * decaySteps;
        } else if (step > decaySteps) step = decaySteps;
        return (lr0 - end) * Math.pow(1 - step / d, power) + end;
      }, 'PolynomialDecay');
      roundTrip(s);
    }
  });

  it('defaults: endLearningRate 0.0001, power 1', () => {
    const s = new S.PolynomialDecay({ initialLearningRate: 0.1, decaySteps: 10 });
    expect(s.value(5)).toBeCloseTo(0.05 + 0.00005, 15);
    expect(s.value(50)).toBeCloseTo(0.0001, 15);
    expect(s.getConfig()).toEqual({ initialLearningRate: 0.1, decaySteps: 10, endLearningRate: 0.0001, power: 1, cycle: false, name: 'PolynomialDecay' });
  });
});

describe('CosineDecay', () => {
  it('without warmup: lr0·((1 − α)·½(1 + cos(π·min(step, D)/D)) + α)', () => {
    for (const rand of draws(9, 6)) {
      const lr0 = 0.01 + rand();
      const decaySteps = 1 + Math.floor(rand() * 200);
      const alpha = 0.5 * rand();
      const s = new S.CosineDecay({ initialLearningRate: lr0, decaySteps, alpha });
      expectSchedule(s, (k) => {
        const f = Math.min(k, decaySteps) / decaySteps;
        return lr0 * ((1 - alpha) * 0.5 * (1 + Math.cos(Math.PI * f)) + alpha);
      }, 'CosineDecay');
      roundTrip(s);
    }
  });

  it('with warmup: linear from lr0 to the target over warmupSteps, then cosine decay from the target', () => {
    for (const rand of draws(10, 6)) {
      const lr0 = 0.01 * rand();
      const target = 0.1 + rand();
      const warmupSteps = Math.floor(rand() * 60);
      const decaySteps = 1 + Math.floor(rand() * 150);
      const alpha = 0.3 * rand();
      const s = new S.CosineDecay({ initialLearningRate: lr0, decaySteps, alpha, warmupTarget: target, warmupSteps });
      expectSchedule(s, (k) => {
        if (k < warmupSteps) return lr0 + (target - lr0) * (k / warmupSteps);
        const f = Math.min(k - warmupSteps, decaySteps) / decaySteps;
        return target * ((1 - alpha) * 0.5 * (1 + Math.cos(Math.PI * f)) + alpha);
      }, `CosineDecay warmup ${warmupSteps}`);
      roundTrip(s);
    }
  });
});

describe('CosineDecayRestarts', () => {
  /** Walks the periods one by one (independent of the closed-form period index). */
  function restartsOracle(lr0: number, first: number, tMul: number, mMul: number, alpha: number) {
    return (k: number): number => {
      let start = 0;
      let len = first;
      let i = 0;
      while (k >= start + len) {
        start += len;
        len *= tMul;
        i++;
      }
      const f = (k - start) / len;
      return lr0 * ((1 - alpha) * 0.5 * mMul ** i * (1 + Math.cos(Math.PI * f)) + alpha);
    };
  }

  it('restarts at the end of each period, periods growing by tMul, peaks scaled by mMul', () => {
    const settings: [number, number, number, number, number][] = [
      [0.1, 10, 2, 1, 0], [0.5, 7, 1, 0.8, 0.1], [1, 13, 1.5, 0.9, 0.05], [0.3, 20, 3, 0.5, 0], [0.2, 1, 2, 1, 0],
    ];
    const rand = randomSource(12);
    for (let j = 0; j < 4; j++) settings.push([0.01 + rand(), 1 + Math.floor(rand() * 40), 1 + 2 * rand(), 0.5 + 0.5 * rand(), 0.2 * rand()]);
    for (const [lr0, first, tMul, mMul, alpha] of settings) {
      const s = new S.CosineDecayRestarts({ initialLearningRate: lr0, firstDecaySteps: first, tMul, mMul, alpha });
      const oracle = restartsOracle(lr0, first, tMul, mMul, alpha);
      for (const step of STEPS.slice(0, 301)) {
        const got = s.value(step);
        const want = oracle(step);
        if (!(Math.abs(got - want) <= 1e-9 * (1 + Math.abs(want)))) throw new Error(`restarts ${[lr0, first, tMul, mMul, alpha]}: step ${step}: got ${got}, expected ${want}`);
      }
      roundTrip(s);
    }
    // The exact restart points of the defaults: 10, 30, 70 (periods 10, 20, 40).
    const d = new S.CosineDecayRestarts({ initialLearningRate: 1, firstDecaySteps: 10 });
    expect([0, 10, 30, 70].map((k) => d.value(k))).toEqual([1, 1, 1, 1]);
    expect(d.value(20)).toBeCloseTo(0.5, 12);
    expect(d.getConfig()).toEqual({ initialLearningRate: 1, firstDecaySteps: 10, tMul: 2, mMul: 1, alpha: 0, name: 'CosineDecayRestarts' });
  });
});

describe('schedule arguments', () => {
  it('reject non-positive decay steps and non-numbers, naming the schedule', () => {
    expect(() => new S.ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 0, decayRate: 0.9 })).toThrow(/ExponentialDecay: decaySteps must be a finite number > 0, got 0/);
    expect(() => new S.InverseTimeDecay({ initialLearningRate: 0.1, decaySteps: -2, decayRate: 0.9 })).toThrow(/InverseTimeDecay: decaySteps must be a finite number > 0, got -2/);
    expect(() => new S.PolynomialDecay({ initialLearningRate: Number.NaN, decaySteps: 2 })).toThrow(/PolynomialDecay: initialLearningRate must be a finite number, got NaN/);
    expect(() => new S.CosineDecay({ initialLearningRate: 0.1, decaySteps: 10, warmupSteps: -1 })).toThrow(/CosineDecay: warmupSteps must be ≥ 0, got -1/);
    expect(() => new S.CosineDecayRestarts({ initialLearningRate: 0.1, firstDecaySteps: 0 })).toThrow(/CosineDecayRestarts: firstDecaySteps must be a finite number > 0, got 0/);
  });

  it('are registered under their Keras class names', () => {
    expect(st.registeredClassNames('schedule')).toEqual(expect.arrayContaining([
      'CosineDecay', 'CosineDecayRestarts', 'ExponentialDecay', 'InverseTimeDecay', 'PiecewiseConstantDecay', 'PolynomialDecay',
    ]));
    expect(new S.CosineDecay({ initialLearningRate: 1, decaySteps: 2 })).toBeInstanceOf(st.LearningRateSchedule);
  });
});
