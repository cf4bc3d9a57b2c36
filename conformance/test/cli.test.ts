/** The CLI as a user runs it: exit codes, the table, and report files. Needs `tsc -b` first (dist/). */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const cli = resolve(here, '../dist/cli.js');
const cpuPackage = resolve(here, '../../backends/cpu-reference');

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [cli, ...args], { cwd: here, timeout: 120_000 }, (err, stdout, stderr) => {
      done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

describe.skipIf(!existsSync(cli))('strata-conformance CLI', () => {
  it('judges a package directory that registers its backend on import, exit 0, and writes reports', async () => {
    const out = mkdtempSync(join(tmpdir(), 'strata-conformance-'));
    const r = await run([cpuPackage, '--family', 'errors,training', '--json', join(out, 'r.json'), '--markdown', join(out, 'r.md')]);
    expect(r.stderr).not.toContain('strata-conformance:');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/training\.mlp\s+25\s+PASS/);
    expect(JSON.parse(readFileSync(join(out, 'r.json'), 'utf8')).backend).toBe('cpu');
    expect(readFileSync(join(out, 'r.md'), 'utf8')).toContain('## training');
  }, 120_000);

  it('exits 1 when a kernel is broken', async () => {
    const r = await run([resolve(here, 'fixtures/broken-backend.mjs'), '--family', 'kernels', '--only', 'slice']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/slice\s+\d+\s+FAIL/);
  }, 120_000);

  it('exits 2 on a usage error', async () => {
    expect((await run(['--family', 'nope', 'x'])).code).toBe(2);
    expect((await run([])).code).toBe(2);
  });
});
