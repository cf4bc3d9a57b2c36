/**
 * `strata info` (bin/strata.js) run as a user runs it, in a throwaway project whose node_modules
 * holds this core, the real cpu backend (both linked), and small backend packages written here:
 * one whose factory fails, one that throws on import, a third-party one found by its keyword, and
 * one bundled with a second copy of core. Needs `tsc -b` in core and cpu-reference first.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTempFolder } from './temp-folder.js';

const here = dirname(fileURLToPath(import.meta.url));
const bin = resolve(here, '../bin/strata.js');
const coreDir = resolve(here, '..');
const cpuDir = resolve(here, '../../../backends/cpu-reference');
const built = existsSync(join(coreDir, 'dist/index.js')) && existsSync(join(cpuDir, 'dist/index.js'));

interface Run { code: number; stdout: string; stderr: string }

function strata(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done) => {
    const environment = { ...process.env, ...env };
    if (!('STRATA_BACKEND' in env)) delete environment['STRATA_BACKEND'];
    execFile(process.execPath, [bin, ...args], { cwd, env: environment, timeout: 60_000 }, (err, stdout, stderr) => {
      done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

/** Writes a package (package.json + index.js) at `dir`. */
function writePackage(dir: string, pkg: Record<string, unknown>, code: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', version: '1.2.3', main: 'index.js', ...pkg }));
  writeFileSync(join(dir, 'index.js'), code);
}

interface InfoJson {
  core: { version: string; path: string };
  installed: { package: string; registered: string[]; error?: string; otherCore?: string }[];
  backends: { name: string; status: string; priority: number; reason?: string; package: string | null }[];
  chosen: string | null;
  why: string;
}

describe.skipIf(!built)('strata info', () => {
  const temp = useTempFolder('strata-bin-');
  let project = '';
  let empty = '';

  beforeAll(() => {
    project = join(temp.root, 'project');
    empty = join(temp.root, 'empty');
    mkdirSync(empty);
    const scope = join(project, 'node_modules', '@strata');
    mkdirSync(scope, { recursive: true });
    symlinkSync(coreDir, join(scope, 'core'), 'dir');
    symlinkSync(cpuDir, join(scope, 'backend-cpu'), 'dir');
    writePackage(join(scope, 'backend-nodevice'), { name: '@strata/backend-nodevice' },
      "import { registerBackend } from '@strata/core';\n" +
      "registerBackend({ name: 'nodevice', priority: 40, create: async () => { throw new Error('no device found (test fixture)'); } });\n");
    writePackage(join(scope, 'backend-broken'), { name: '@strata/backend-broken' }, "throw new Error('broken on import (test fixture)');\n");
    writePackage(join(project, 'node_modules', 'acme-strata'), { name: 'acme-strata', keywords: ['strata-backend'] },
      "import { registerBackend } from '@strata/core';\n" +
      "registerBackend({ name: 'acme', priority: 20, create: async () => { throw new Error('acme needs an accelerator (test fixture)'); } });\n");
    // A backend with its own copy of core registers there, where the project's core cannot see it.
    const bundled = join(scope, 'backend-bundled');
    writePackage(bundled, { name: '@strata/backend-bundled' },
      "import { registerBackend } from '@strata/core';\nregisterBackend({ name: 'bundled', priority: 10, create: async () => ({}) });\n");
    writePackage(join(bundled, 'node_modules', '@strata', 'core'), { name: '@strata/core', version: '9.9.9' },
      'export function registerBackend() {}\n');
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'p', private: true, dependencies: { 'acme-strata': '1.2.3' } }));
  });

  it('finds the installed backends, initialises each, and reports the choice and each reason (--json)', async () => {
    const r = await strata(['info', '--json'], project);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout) as InfoJson;
    expect(info.chosen).toBe('cpu');
    expect(info.why).toContain('highest-priority backend that initialises');
    expect(info.installed.map((p) => p.package)).toEqual([
      '@strata/backend-broken', '@strata/backend-bundled', '@strata/backend-cpu', '@strata/backend-nodevice', 'acme-strata',
    ]);
    const byPackage = Object.fromEntries(info.installed.map((p) => [p.package, p]));
    expect(byPackage['@strata/backend-broken']!.error).toContain('broken on import');
    expect(byPackage['@strata/backend-bundled']!.registered).toEqual([]);
    expect(byPackage['@strata/backend-bundled']!.otherCore).toContain(join('backend-bundled', 'node_modules', '@strata', 'core'));
    expect(info.backends.map((b) => [b.name, b.status, b.package])).toEqual([
      ['nodevice', 'unavailable', '@strata/backend-nodevice'],
      ['acme', 'unavailable', 'acme-strata'],
      ['cpu', 'active', '@strata/backend-cpu'],
    ]);
    expect(info.backends[0]!.reason).toBe('no device found (test fixture)');
    expect(info.backends[1]!.reason).toBe('acme needs an accelerator (test fixture)');
  }, 60_000);

  it('prints a table a person can read, with reasons and packages that did not register', async () => {
    const r = await strata(['info'], project);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^nodevice\s+@strata\/backend-nodevice\s+40\s+unavailable\s+no device found \(test fixture\)$/m);
    expect(r.stdout).toMatch(/^cpu\s+@strata\/backend-cpu\s+1\s+active$/m);
    expect(r.stdout).toMatch(/^-\s+@strata\/backend-broken\s+-\s+failed to load\s+broken on import/m);
    expect(r.stdout).toMatch(/^-\s+@strata\/backend-bundled\s+-\s+not registered\s+it uses another copy of @strata\/core/m);
    expect(r.stdout).toMatch(/^chosen: cpu, the highest-priority backend that initialises \(priority 1\)$/m);
  }, 60_000);

  it('honours STRATA_BACKEND, and exits 1 with the reason when that backend is unavailable', async () => {
    const r = await strata(['info'], project, { STRATA_BACKEND: 'nodevice' });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^chosen: none\. setBackend: backend 'nodevice' is unavailable: no device found \(test fixture\)$/m);
  }, 60_000);

  it('says how to install a backend when none is installed, exit 1', async () => {
    const r = await strata(['info'], empty);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('No Strata backend package is installed here');
    expect(r.stdout).toContain('npm install @strata/backend-wasm');
  }, 60_000);

  it('rejects an unknown command or option with usage, exit 2', async () => {
    const unknown = await strata(['infos'], empty);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("strata: unknown command 'infos'");
    expect(unknown.stderr).toContain('usage: strata info [--json]');
    expect((await strata(['info', '--jsn'], empty)).stderr).toContain("unknown option '--jsn'");
    expect((await strata([], empty)).code).toBe(2);
    expect((await strata(['--help'], empty)).code).toBe(0);
  }, 60_000);
});
