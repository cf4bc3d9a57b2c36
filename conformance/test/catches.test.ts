/**
 * The suite must catch broken kernels, and fail exactly where they are broken: a working backend
 * (the cpu reference) with one kernel deliberately wrong.
 */
import { describe, expect, it } from 'vitest';
import type { Backend, TensorInfo } from '@strata/core';
import { CpuBackend } from '@strata/backend-cpu';
import { runConformance } from '../src/runner.js';
import { withOverrides } from './helpers.js';

const failing = (r: Awaited<ReturnType<typeof runConformance>>): string[] => r.results.filter((x) => x.status === 'fail').map((x) => x.name);

describe('the suite catches broken kernels', () => {
  it('passes the cpu reference backend on every kernel', async () => {
    const report = await runConformance(new CpuBackend(), { families: ['kernels'] });
    expect(failing(report)).toEqual([]);
    expect(report.summary.cases).toBeGreaterThan(500);
  }, 120_000);

  it('an off-by-one slice fails slice and nothing else', async () => {
    const cpu = new CpuBackend();
    const broken = withOverrides(cpu, {
      slice: (x: TensorInfo, begin: readonly number[], size: readonly number[]) =>
        cpu.slice(x, begin.map((b, i) => (i === begin.length - 1 && b > 0 ? b - 1 : b)), size),
    });
    const report = await runConformance(broken, { families: ['kernels'] });
    expect(failing(report)).toEqual(['slice']);
    const row = report.results.find((r) => r.name === 'slice')!;
    expect(row.failed).toBeGreaterThan(0);
    expect(row.firstFailure).toMatch(/slice .*at \[.*\] of (float32|int32|bool) \[.*\] expected .* got /);
  }, 120_000);

  it('a wrong-sign conv2d input gradient fails that kernel and the conv2d gradients, not the fallback', async () => {
    const cpu = new CpuBackend();
    const broken = withOverrides(cpu, {
      conv2dBackpropInput: (...args: Parameters<NonNullable<Backend['conv2dBackpropInput']>>) => {
        const dx = cpu.conv2dBackpropInput(...args);
        const negated = cpu.unary('neg', dx);
        cpu.free(dx.storage);
        return negated;
      },
    });
    const report = await runConformance(broken, { families: ['kernels', 'gradients'], only: /conv2d/ });
    expect(failing(report)).toEqual(['conv2dBackpropInput', 'grad.conv2d', 'grad.conv2d (stride 2, asymmetric pad)']);
    const grad = report.results.find((r) => r.name === 'grad.conv2d')!;
    expect(grad.failures.every((f) => f.includes('(via kernels)') && f.includes('d/d(input 0)'))).toBe(true);
  }, 120_000);

  it('a kernel that throws is a failure, not a crash; a kernel that leaks fails the memory family', async () => {
    const cpu = new CpuBackend();
    const broken = withOverrides(cpu, {
      unary: (op: Parameters<Backend['unary']>[0], x: TensorInfo) => {
        if (op === 'erf') throw new Error('erf not implemented');
        return cpu.unary(op, x);
      },
      transpose: (x: TensorInfo, perm: readonly number[]) => {
        cpu.write(new Float32Array(1), 'float32'); // leaked
        return cpu.transpose(x, perm);
      },
    });
    const report = await runConformance(broken, { families: ['kernels', 'memory'], only: /erf|transpose|memory\.kernels/ });
    expect(failing(report)).toEqual(['unary.erf', 'memory.kernels']);
    expect(report.results.find((r) => r.name === 'unary.erf')!.firstFailure).toContain('threw erf not implemented');
    expect(report.results.find((r) => r.name === 'memory.kernels')!.firstFailure).toMatch(/transpose .* buffers \d+ → \d+/);
  }, 120_000);

  it('a fill that ignores its value fails fill; a sum that drops NaN fails reduce.sum', async () => {
    const cpu = new CpuBackend();
    const broken = withOverrides(cpu, {
      fill: (shape: readonly number[], _value: number, dtype: Parameters<Backend['fill']>[2]) => cpu.fill(shape, 0, dtype),
      reduce: (op: Parameters<Backend['reduce']>[0], x: TensorInfo, axes: readonly number[]) => {
        if (op !== 'sum' || x.dtype !== 'float32') return cpu.reduce(op, x, axes);
        const clean = cpu.where(cpu.unary('isNaN', x), cpu.fill([], 0, 'float32'), x); // leaks on purpose: not under test here
        return cpu.reduce(op, clean, axes);
      },
    });
    const report = await runConformance(broken, { families: ['kernels'], only: /^(fill|reduce\.sum)$/ });
    expect(failing(report)).toEqual(['fill', 'reduce.sum']);
  }, 120_000);
});
