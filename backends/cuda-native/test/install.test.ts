// The npm install hook (scripts/install.mjs) in a scratch copy of the package: it exits 0 in every
// case (no addon and no nvcc, a broken addon, a failing build) and says what it did.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** A scratch package with the real install.mjs and the given build script and addon file. */
function scratchPackage(options: { addon?: string; buildScript?: string }): string {
  const root = mkdtempSync(join(tmpdir(), 'strata-cuda-install-'));
  mkdirSync(join(root, 'scripts'));
  copyFileSync(join(packageRoot, 'scripts', 'install.mjs'), join(root, 'scripts', 'install.mjs'));
  writeFileSync(join(root, 'scripts', 'build-addon.sh'), options.buildScript ?? 'exit 1\n');
  if (options.addon !== undefined) {
    mkdirSync(join(root, 'prebuilds', 'linux-x64'), { recursive: true });
    writeFileSync(join(root, 'prebuilds', 'linux-x64', 'strata_cuda.node'), options.addon);
  }
  return root;
}

/** A directory holding an executable `nvcc` under bin/, standing in for CUDA_HOME. */
function fakeCudaHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'strata-fake-cuda-'));
  mkdirSync(join(home, 'bin'));
  writeFileSync(join(home, 'bin', 'nvcc'), '#!/bin/sh\nexit 0\n');
  chmodSync(join(home, 'bin', 'nvcc'), 0o755);
  return home;
}

function install(root: string, env: Record<string, string>): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, [join(root, 'scripts', 'install.mjs')], {
    encoding: 'utf8',
    // A PATH with node's own directory only, so the machine's real nvcc is not found.
    env: { PATH: dirname(process.execPath), HOME: tmpdir(), ...env },
  });
  return { status: run.status, output: run.stdout + run.stderr };
}

describe('install script', () => {
  it('without an addon and without nvcc: explains and succeeds', () => {
    const r = install(scratchPackage({}), { CUDA_HOME: '/nonexistent' });
    expect(r.status).toBe(0);
    expect(r.output).toMatch(/the addon is missing and there is no nvcc to build it; the 'cuda' backend will report itself unavailable/);
  });

  it('with an addon that does not load and no nvcc: reports the load error and succeeds', () => {
    const r = install(scratchPackage({ addon: 'not an ELF file' }), { CUDA_HOME: '/nonexistent' });
    expect(r.status).toBe(0);
    expect(r.output).toMatch(/the addon is .*(invalid ELF header|too short).* and there is no nvcc/);
  });

  it('with nvcc but a failing build: reports the failure and succeeds', () => {
    const r = install(scratchPackage({ buildScript: 'echo compiling; exit 3\n' }), { CUDA_HOME: fakeCudaHome() });
    expect(r.status).toBe(0);
    expect(r.output).toMatch(/building the addon with .*\/bin\/nvcc/);
    expect(r.output).toMatch(/the build failed \(exit 3\); the 'cuda' backend will report itself unavailable/);
  });

  it('with nvcc and a working build: runs it with CUDA_HOME set', () => {
    const r = install(scratchPackage({ buildScript: 'echo "built with CUDA_HOME=$CUDA_HOME"\n' }), { CUDA_HOME: fakeCudaHome() });
    expect(r.status).toBe(0);
    expect(r.output).toMatch(/built with CUDA_HOME=.*strata-fake-cuda-/);
    expect(r.output).not.toMatch(/failed/);
  });

  const real = join(packageRoot, 'prebuilds', 'linux-x64', 'strata_cuda.node');
  it.skipIf(!existsSync(real))('keeps a prebuilt addon that loads, and STRATA_CUDA_SKIP_BUILD=1 skips everything', () => {
    const root = scratchPackage({});
    mkdirSync(join(root, 'prebuilds', 'linux-x64'), { recursive: true });
    copyFileSync(real, join(root, 'prebuilds', 'linux-x64', 'strata_cuda.node'));
    expect(install(root, { CUDA_HOME: '/nonexistent' }).output).toMatch(/using .*strata_cuda\.node/);
    expect(install(root, { STRATA_CUDA_SKIP_BUILD: '1' }).output).toMatch(/STRATA_CUDA_SKIP_BUILD=1: nothing built/);
  });
});

describe('gpu-check.sh', () => {
  it.skipIf(spawnSync('sh', ['-c', 'command -v nvidia-smi || test -e /dev/nvidia0']).status === 0)(
    'on a machine without an NVIDIA GPU it says so and exits 2 before anything else',
    () => {
      const r = spawnSync('bash', [join(packageRoot, 'scripts', 'gpu-check.sh')], { encoding: 'utf8' });
      expect(r.status).toBe(2);
      expect(r.stdout).toMatch(/^gpu-check: no NVIDIA GPU on this machine \(.+\): nothing to check/);
    },
  );
});
