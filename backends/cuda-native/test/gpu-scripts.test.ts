// The GPU check's own logic, run here: Strata's benchmark over the JS layer with the emulated
// addon (tiny sizes; the numbers mean nothing, the flow and the memory check do), and the report's
// table and exit status on given results.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as st from '@strata/core';
import { CudaBackend } from '@strata/backend-cuda';
// @ts-expect-error a plain .mjs script without types
import { runStrataBench } from '../scripts/gpu/bench-strata.mjs';
import { EmulatedAddon } from './emulated-addon.js';

const scripts = join(dirname(fileURLToPath(import.meta.url)), '..', 'scripts', 'gpu');

describe('bench-strata.mjs', () => {
  it('measures matMul, both training steps and memory over fit on the active backend', async () => {
    const backend = CudaBackend.fromAddon(new EmulatedAddon(), 'emulated addon');
    st.registerBackend({ name: 'cuda-emulated', priority: 0, create: async () => backend });
    await st.setBackend('cuda-emulated');
    const spec = {
      matMulSizes: [16], matMulRepeats: { 16: 2 },
      mlp: { batch: 4, hidden: 8, warmupSteps: 1, steps: 2 },
      cnn: { batch: 2, filters: [2, 2], dense: 4, warmupSteps: 1, steps: 1 },
      memory: { samples: 16, batch: 8, epochs: 3 },
    };
    const lines: string[] = [];
    const result = await runStrataBench(backend, spec, (line: string) => lines.push(line));
    expect(lines).toContain('matMul engine cublas unavailable (cuBLAS did not load): skipped');
    expect(result.matMul.hand[16]).toBeGreaterThan(0);
    expect(result.steps.mlp).toBeGreaterThan(0);
    expect(result.steps.cnn).toBeGreaterThan(0);
    expect(result.memory.perEpoch).toHaveLength(3);
    expect(result.memory.grew, JSON.stringify(result.memory.perEpoch)).toBe(false);
  }, 120_000);
});

describe('report.mjs', () => {
  function report(files: Record<string, unknown>): { status: number | null; output: string; markdown: string } {
    const dir = mkdtempSync(join(tmpdir(), 'strata-gpu-report-'));
    for (const [name, value] of Object.entries(files)) writeFileSync(join(dir, name), JSON.stringify(value));
    const run = spawnSync(process.execPath, [join(scripts, 'report.mjs'), dir], { encoding: 'utf8' });
    return { status: run.status, output: run.stdout, markdown: readFileSync(join(dir, 'report.md'), 'utf8') };
  }
  const conformance = { results: [{ status: 'pass' }, { status: 'pass' }, { status: 'skip' }] };
  const torch = { device: 'H100', torch: '2.9', matMul: { 1024: 40000 }, steps: { mlp: 1, cnn: 2 } };
  const strata = (cublas: number, hand: number, mlp: number, grew: boolean): unknown => ({
    device: 'H100 (sm_90)', matMul: { cublas: { 1024: cublas }, hand: { 1024: hand } }, steps: { mlp, cnn: 2.5 },
    memory: { perEpoch: [{ buffers: 10, reservedBytes: 2 ** 20 }], grew },
  });

  it('all goals met: exit 0 and one row per check with ratios', () => {
    const r = report({ 'conformance.json': conformance, 'torch.json': torch, 'strata.json': strata(38000, 24000, 1.2, false) });
    expect(r.status).toBe(0);
    expect(r.output).toMatch(/\| conformance suite +\| 2 pass, 0 fail, 1 skip/);
    expect(r.output).toMatch(/\| matMul 1024³ fp32 \(cublas\) +\| 38000 GFLOP\/s +\| 40000 GFLOP\/s +\| 0\.95× +\| ≥ 0\.9× +\| yes/);
    expect(r.output).toMatch(/\| MLP training step +\| 1\.20 ms +\| 1\.00 ms +\| 1\.20× the time/);
    expect(r.output).toMatch(/gpu-check: all goals met/);
    expect(r.markdown).toContain('| matMul 1024³ fp32 (hand)');
  });

  it('a missed speed goal exits 4; a correctness failure exits 1', () => {
    expect(report({ 'conformance.json': conformance, 'torch.json': torch, 'strata.json': strata(38000, 12000, 1.2, false) }).status).toBe(4);
    expect(report({ 'conformance.json': conformance, 'torch.json': torch, 'strata.json': strata(38000, 24000, 1.2, true) }).status).toBe(1);
    const failing = { results: [{ status: 'pass' }, { status: 'fail' }] };
    const r = report({ 'conformance.json': failing, 'torch.json': torch, 'strata.json': strata(38000, 24000, 1.2, false) });
    expect(r.status).toBe(1);
    expect(r.output).toMatch(/1 pass, 1 fail, 0 skip .* NO/);
  });
});
