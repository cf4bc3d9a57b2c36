/**
 * The release:dry checker catches what it promises to catch: a package with each kind of problem
 * is packed and every problem must be reported; a well-formed one must pass.
 *   node --test scripts/release-dry.test.mjs
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { packAndCheck } from './release-dry.mjs';

/** A copy of the Apache License 2.0 text that a package of this repository ships. */
const APACHE_LICENSE = join(dirname(fileURLToPath(import.meta.url)), '../packages/core/LICENSE');

const work = mkdtempSync(join(tmpdir(), 'strata-release-dry-test-'));
after(() => rmSync(work, { recursive: true, force: true }));

const README = `# @strata/backend-x\n\n${'A backend used to test the release checks. '.repeat(8)}\n`;

/** Writes a package from a map of relative path → contents; returns its folder. */
function writePackage(name, files) {
  const dir = join(work, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), typeof text === 'string' ? text : JSON.stringify(text, null, 2));
  }
  return dir;
}

test('a well-formed backend package passes', () => {
  const dir = writePackage('good', {
    'package.json': {
      name: '@strata/backend-good', version: '1.0.0', license: 'Apache-2.0', type: 'module',
      main: './dist/index.js', types: './dist/index.d.ts',
      exports: { '.': { types: './dist/index.d.ts', import: './dist/index.js' }, './k.wasm': './wasm/k.wasm' },
      files: ['dist', 'wasm', 'bin', 'README.md'], bin: { good: './bin/good.js' },
      publishConfig: { access: 'public' }, peerDependencies: { '@strata/core': '^0.1.0' },
    },
    'dist/index.js': "import { registerBackend } from '@strata/core';\nimport './kernels.js';\nconst url = new URL('../wasm/k.wasm', import.meta.url);\n",
    'dist/kernels.js': 'export {};\n',
    'dist/index.d.ts': 'export {};\n',
    'wasm/k.wasm': 'wasm',
    'bin/good.js': '#!/usr/bin/env node\n',
    'README.md': README,
  });
  copyFileSync(APACHE_LICENSE, join(dir, 'LICENSE'));
  const r = packAndCheck(dir, join(work, 'out'), join(work, 'scratch-good'), '0.1.3');
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.warnings, []);
});

test('every kind of problem in a broken package is reported', () => {
  const dir = writePackage('bad', {
    'package.json': {
      name: '@strata/backend-bad', version: '1.0.0', license: 'Apache-2.0', type: 'module', main: './dist/index.js',
      exports: { '.': { import: './dist/index.js' }, './extra': './dist/missing.js' }, files: ['dist', 'bin', 'wasm'],
      bin: { bad: './bin/bad.js' }, dependencies: { '@strata/core': '*' },
    },
    'dist/index.js': "import x from 'lodash';\nimport { y } from './gone.js';\nconst u = new URL('../wasm/a.wasm', import.meta.url);\n// import z from 'commented-out';\n",
    'dist/a.test.js': 'x\n',
    'bin/bad.js': 'console.log(1);\n',
    'README.md': 'short\n',
    'LICENSE': 'MIT License\n',
  });
  const problems = packAndCheck(dir, join(work, 'out'), join(work, 'scratch-bad'), '0.1.0').problems.map((p) => `${p.check}: ${p.message}`);
  const expected = [
    /^readme: README\.md is a stub/, /^files: `files` names wasm, which is not in the tarball/, /^files: ships a test file: dist\/a\.test\.js/,
    /^files: bin bad .* has no #! line/, /^exports: exports \.\/extra → \.\/dist\/missing\.js is not in the tarball/, /^types: no `types` field/,
    /^types: exports\['\.'\] has no `types` condition/, /^exports: .*reaches \.\/gone\.js/, /^exports: .*reaches \.\.\/wasm\/a\.wasm/,
    /^deps: the code imports lodash, which is not a dependency/, /^deps: dependencies\.@strata\/core is '\*'/, /^deps: no peerDependencies on @strata\/core/,
    /^deps: @strata\/core is a plain dependency/, /^licence: LICENSE is not the Apache License 2\.0 text/,
  ];
  for (const pattern of expected) assert.ok(problems.some((p) => pattern.test(p)), `no problem matches ${pattern}:\n${problems.join('\n')}`);
  assert.equal(problems.length, expected.length, problems.join('\n'));
  assert.ok(!problems.some((p) => p.includes('commented-out')), 'an import in a comment was reported');
});

test('a peer range that does not accept core is reported', () => {
  const dir = writePackage('old-peer', {
    'package.json': {
      name: '@strata/backend-old', version: '1.0.0', license: 'Apache-2.0', type: 'module', main: './dist/index.js', types: './dist/index.d.ts',
      exports: { '.': { types: './dist/index.d.ts', import: './dist/index.js' } }, files: ['dist', 'README.md'],
      peerDependencies: { '@strata/core': '^0.1.0' },
    },
    'dist/index.js': 'export {};\n', 'dist/index.d.ts': 'export {};\n', 'README.md': README,
  });
  copyFileSync(APACHE_LICENSE, join(dir, 'LICENSE'));
  const { problems } = packAndCheck(dir, join(work, 'out'), join(work, 'scratch-old'), '0.2.0');
  assert.deepEqual(problems, [{ check: 'deps', message: "peerDependencies @strata/core '^0.1.0' does not accept core 0.2.0" }]);
});
