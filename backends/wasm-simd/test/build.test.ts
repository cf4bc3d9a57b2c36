// The committed wasm/strata.wasm and wasm/strata-threads.wasm must be exactly what
// scripts/build-wasm.sh builds from csrc/.
// Needs clang and lld; without them the test is skipped with a message.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

function hasClang(): boolean {
  try {
    execFileSync('clang', ['--version'], { stdio: 'ignore' });
    execFileSync('wasm-ld', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const clang = hasClang();
if (!clang) console.warn('build.test: clang/wasm-ld not found, skipping the rebuild-and-compare check (apt-get install clang lld)');

describe('wasm build', () => {
  it.skipIf(!clang)('a fresh build equals the committed wasm/strata.wasm and wasm/strata-threads.wasm', () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-wasm-'));
    try {
      const out = join(dir, 'strata.wasm');
      const outThreads = join(dir, 'strata-threads.wasm');
      execFileSync('bash', [join(root, 'scripts/build-wasm.sh')], { env: { ...process.env, OUT: out, OUT_THREADS: outThreads }, stdio: 'pipe' });
      expect(readFileSync(out).equals(readFileSync(join(root, 'wasm/strata.wasm')))).toBe(true);
      expect(readFileSync(outThreads).equals(readFileSync(join(root, 'wasm/strata-threads.wasm')))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
