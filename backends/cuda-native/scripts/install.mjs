// npm install hook: keeps a loadable addon where there is one, rebuilds it where nvcc exists and
// the shipped one does not load, and otherwise only explains. It never fails the install: without
// a GPU or an addon the package still imports and the backend reports itself unavailable.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const prebuilt = join(packageRoot, 'prebuilds', `${process.platform}-${process.arch}`, 'strata_cuda.node');
const say = (line) => console.log(`@strata/backend-cuda: ${line}`);

function loads(path) {
  if (!existsSync(path)) return 'missing';
  try {
    createRequire(import.meta.url)(path);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

function findNvcc() {
  const home = process.env.CUDA_HOME || '/usr/local/cuda';
  if (existsSync(join(home, 'bin', 'nvcc'))) return join(home, 'bin', 'nvcc');
  const which = spawnSync('sh', ['-c', 'command -v nvcc'], { encoding: 'utf8' });
  return which.status === 0 && which.stdout.trim() !== '' ? which.stdout.trim() : null;
}

function main() {
  if (process.env.STRATA_CUDA_SKIP_BUILD === '1') return say('STRATA_CUDA_SKIP_BUILD=1: nothing built');
  const problem = loads(prebuilt);
  if (problem === null && process.env.STRATA_CUDA_REBUILD !== '1') return say(`using ${prebuilt}`);
  const nvcc = findNvcc();
  if (nvcc === null) {
    return say(`the addon is ${problem ?? 'present'} and there is no nvcc to build it; the 'cuda' backend will report itself unavailable`);
  }
  say(`building the addon with ${nvcc} (about a minute)`);
  const build = spawnSync('bash', [join(packageRoot, 'scripts', 'build-addon.sh')], { cwd: packageRoot, stdio: 'inherit', env: { ...process.env, CUDA_HOME: dirname(dirname(nvcc)) } });
  if (build.status !== 0) say(`the build failed (exit ${build.status ?? build.signal}); the 'cuda' backend will report itself unavailable`);
}

try {
  main();
} catch (err) {
  say(`install step skipped: ${err instanceof Error ? err.message : String(err)}`);
}
process.exitCode = 0;
