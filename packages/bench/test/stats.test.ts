import { describe, expect, it } from 'vitest';
import { FIRST_CALL_GRACE, QUICK_PLAN, quantile, summarise, timeJob } from '../src/stats.js';
import { figure, ratiosOf, speedRatio } from '../src/runner.js';
import type { CaseResult, Target } from '../src/types.js';

describe('statistics', () => {
  it('quantiles interpolate linearly between sorted values (checked against a direct float64 formula)', () => {
    const values = Array.from({ length: 11 }, (_, i) => Math.sin(i * 1.7) * 10).sort((a, b) => a - b);
    for (const q of [0, 0.1, 0.25, 0.5, 0.75, 0.9, 1]) {
      const pos = q * (values.length - 1);
      const expected = values[Math.floor(pos)]! * (1 - (pos % 1)) + values[Math.ceil(pos)]! * (pos % 1);
      expect(quantile(values, q)).toBeCloseTo(expected, 12);
    }
    expect(() => quantile([], 0.5)).toThrow(/no values/);
  });

  it('summarises repeats into median, quartiles and range regardless of order', () => {
    const t = summarise([5, 1, 4, 2, 3], 2, false);
    expect(t).toMatchObject({ medianMs: 3, minMs: 1, maxMs: 5, q1Ms: 2, q3Ms: 4, repeats: 5, warmup: 2, single: false, callsPerRepeat: 1 });
  });

  it('batches calls far below the timer resolution and reports per-call times', async () => {
    let calls = 0;
    const t = await timeJob(() => { calls++; }, QUICK_PLAN);
    expect(t.callsPerRepeat).toBeGreaterThan(1);
    expect(calls).toBeGreaterThanOrEqual(t.warmup + t.repeats * t.callsPerRepeat);
    expect(t.medianMs).toBeGreaterThan(0);
  });

  it('gives a slow first call (shader compilation) a second try, and times a call that stays slow once', async () => {
    const plan = { ...QUICK_PLAN, slowMs: 30 };
    const busy = (ms: number) => { const end = performance.now() + ms; while (performance.now() < end) { /* spin */ } };
    // First call slow, later calls fast: timed normally from the later calls.
    let calls = 0;
    const compiled = await timeJob(() => { busy(calls++ === 0 ? 45 : 1); }, plan);
    expect(compiled.single).toBe(false);
    expect(compiled.maxMs).toBeLessThan(45);
    // Every call slow: the second call is the single figure.
    const times: number[] = [];
    const slow = await timeJob(() => { const t = performance.now(); busy(times.length === 0 ? 50 : 40); times.push(performance.now() - t); }, plan);
    expect(slow).toMatchObject({ single: true, repeats: 1, warmup: 2 });
    expect(slow.medianMs).toBeGreaterThanOrEqual(40);
    expect(slow.medianMs).toBeLessThan(50);
    // A first call far over the limit is not repeated.
    let once = 0;
    const huge = await timeJob(() => { once++; busy(plan.slowMs * FIRST_CALL_GRACE + 10); }, plan);
    expect(huge).toMatchObject({ single: true, warmup: 1 });
    expect(once).toBe(1);
  });
});

describe('figures and ratios', () => {
  it('turns a median time into the unit of the case', () => {
    expect(figure('GFLOP/s', { flops: 2e9 }, 1000)).toBeCloseTo(2, 12);
    expect(figure('GB/s', { bytes: 3e6 }, 1)).toBeCloseTo(3, 12);
    expect(figure('ops/s', { ops: 500 }, 250)).toBeCloseTo(2000, 9);
    expect(figure('ms/step', {}, 7.5)).toBe(7.5);
  });

  it('gives speed ratios > 1 when Strata is faster, for throughputs and times alike', () => {
    expect(speedRatio('GFLOP/s', 20, 10)).toBe(2);
    expect(speedRatio('ms/step', 5, 10)).toBe(2);
    const target = (id: string, library: Target['library'], environment: Target['environment'] = 'node'): Target =>
      ({ id, library, backend: id, environment, label: id, anchor: library === 'tfjs' || library === 'onnx' });
    const targets = [target('s', 'strata'), target('a', 'tfjs'), target('b', 'onnx'), target('c', 'tfjs', 'chromium')];
    const ok = (value: number): CaseResult => ({ ok: true, value, timing: summarise([1], 0, false) });
    const results: Record<string, CaseResult> = { s: ok(30), a: ok(10), b: { ok: false, error: 'x' }, c: ok(1) };
    // Only anchors of the same environment with a figure are compared.
    expect(ratiosOf('GB/s', results, targets)).toEqual({ s: { a: 3 } });
  });
});
