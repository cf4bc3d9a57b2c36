#!/usr/bin/env node
/**
 * `npm run release:dry`: packs every public workspace package with `npm pack` (into a temporary
 * folder; nothing is published) and checks each tarball as a user would receive it:
 *
 *  - files:    package.json, README.md, LICENSE, the `files` it names; no tests, tsconfig or
 *              build info; every `bin` is in the tarball and starts with a `#!` line;
 *  - exports:  `main`, `types` and every target of `exports` are in the tarball, and so is every
 *              file the shipped JavaScript reaches by a relative import, `import()`, or
 *              `new URL('…', import.meta.url)` (wasm modules, worker scripts);
 *  - types:    `types` and each export's `types` condition name a `.d.ts` in the tarball;
 *  - deps:     every package the shipped JavaScript imports is a dependency, peer dependency or
 *              optional dependency (not only a dev dependency); no `*`, `file:`, `link:` or
 *              `workspace:` ranges; every package but core has `@strata/core` as a peer
 *              dependency whose range accepts core's version, and not as a plain dependency;
 *  - licence:  a `license` field and a LICENSE file; an Apache-2.0 package ships the exact Apache License 2.0 text;
 *  - readme:   README.md present and more than a stub.
 *
 * Prints one row per package (a column per family of checks) and exits 1 if any package has a
 * problem. Warnings (printed, not failing): source maps that name sources missing from the
 * tarball, compiled files without a source (stale build output), no `publishConfig.access`.
 *
 *   node scripts/release-dry.mjs [--keep <dir>]   (--keep: leave the tarballs in <dir>)
 *
 * Run `npm run build` first (the `release:dry` script does).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * SHA-256 of the Apache License 2.0 text as the ASF publishes it (LICENSE-2.0.txt, 11,358 bytes;
 * Debian ships the same bytes as /usr/share/common-licenses/Apache-2.0). Each package's LICENSE
 * is a copy of it, so a truncated or edited copy is caught.
 */
const APACHE_2_SHA256 = 'cfc7749b96f63bd31c3c42b5c471bf756814053e847c10f3eb003417bc523d30';

/** Public workspace packages (directories from the root package.json's `workspaces`), sorted. */
export function workspacePackages() {
  const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const dirs = [];
  for (const pattern of root.workspaces) {
    // The workspaces here are `folder` or `folder/*`; nothing deeper is needed.
    const base = pattern.endsWith('/*') ? pattern.slice(0, -2) : null;
    const candidates = base === null ? [pattern] : readdirSync(join(ROOT, base)).map((d) => `${base}/${d}`);
    for (const dir of candidates) if (existsSync(join(ROOT, dir, 'package.json'))) dirs.push(dir);
  }
  return dirs
    .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) }))
    .sort((a, b) => a.pkg.name.localeCompare(b.pkg.name));
}

/** Packs the package in `dir` (relative to the repository root, or absolute) into `destination`; returns the tarball's path. */
export function pack(dir, destination) {
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', destination], {
    cwd: resolve(ROOT, dir), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [info] = JSON.parse(out);
  return join(destination, info.filename);
}

/** Unpacks a tarball into `into`; returns the package folder and the list of its files. */
function unpack(tarball, into) {
  mkdirSync(into, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', into]);
  const packageDir = join(into, 'package');
  const files = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else files.push(relative(packageDir, p).split('\\').join('/'));
    }
  };
  walk(packageDir);
  return { packageDir, files: new Set(files) };
}

/** Every string target of an `exports` map, with the condition path that leads to it. */
function exportTargets(exports, path = []) {
  if (typeof exports === 'string') return [{ path, target: exports }];
  if (exports === null || typeof exports !== 'object') return [];
  return Object.entries(exports).flatMap(([k, v]) => exportTargets(v, [...path, k]));
}

/** `./dist/x.js` → `dist/x.js`, relative to the package root. */
const normal = (p) => posix.normalize(p.replace(/^\.\//, ''));

/** Relative and bare specifiers a compiled ES module imports (comments are not scanned). */
function importsOf(source) {
  const specifiers = [];
  // Statements: tsc emits each at the start of a line (a comment line starts with `*` or `//`):
  // `import 'x'`, and `import|export <names, braces, * as ns> from 'x'` (possibly over several lines).
  for (const m of source.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm)) specifiers.push(m[1]);
  for (const m of source.matchAll(/^\s*(?:import|export)\s+(?:type\s+)?[\w$*{},\s]+?\s+from\s*['"]([^'"]+)['"]/gm)) specifiers.push(m[1]);
  for (const m of source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) specifiers.push(m[1]);
  const urls = [...source.matchAll(/new URL\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*,\s*import\.meta\.url\s*\)/g)].map((m) => m[1]);
  return { specifiers, urls };
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
const packageName = (spec) => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');

/** Whether version `v` (x.y.z) satisfies `range` for the forms used here: exact, ^, ~, >=. */
function satisfies(v, range) {
  const parse = (s) => s.split('.').map(Number);
  const [M, m, p] = parse(v);
  const match = /^(\^|~|>=)?(\d+)\.(\d+)\.(\d+)$/.exec(range.trim());
  if (!match) return false;
  const [, op = '', a, b, c] = match;
  const [A, B, C] = [a, b, c].map(Number);
  const atLeast = M > A || (M === A && (m > B || (m === B && p >= C)));
  if (op === '') return M === A && m === B && p === C;
  if (op === '>=') return atLeast;
  if (op === '~') return atLeast && M === A && m === B;
  return atLeast && (A > 0 ? M === A : B > 0 ? M === 0 && m === B : M === 0 && m === 0 && p === C);
}

/** Checks one unpacked tarball; returns problems (fail) and warnings. */
function check(pkg, packageDir, files, coreVersion) {
  /** @type {{ check: string, message: string }[]} */
  const problems = [];
  const problem = (check, message) => problems.push({ check, message });
  const warnings = [];
  const has = (p) => files.has(normal(p));
  const packed = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));

  // files
  if (!has('README.md')) problem('readme', 'no README.md');
  else if (readFileSync(join(packageDir, 'README.md'), 'utf8').trim().length < 200) problem('readme', 'README.md is a stub (< 200 characters)');
  if (!packed.files) problem('files', 'no `files` field (everything would be published)');
  for (const f of packed.files ?? []) {
    if (![...files].some((x) => x === normal(f) || x.startsWith(`${normal(f)}/`))) problem('files', `\`files\` names ${f}, which is not in the tarball (not built?)`);
  }
  for (const f of files) {
    if (/(^|\/)(test|tests|__tests__)\//.test(f) || /\.test\.[cm]?[jt]s$/.test(f)) problem('files', `ships a test file: ${f}`);
    if (/(^|\/)tsconfig[^/]*\.json$|\.tsbuildinfo$|(^|\/)node_modules\//.test(f)) problem('files', `ships a build file: ${f}`);
  }
  const bins = typeof packed.bin === 'string' ? { [packed.name]: packed.bin } : packed.bin ?? {};
  for (const [name, file] of Object.entries(bins)) {
    if (!has(file)) problem('files', `bin ${name} → ${file} is not in the tarball`);
    else if (!readFileSync(join(packageDir, normal(file)), 'utf8').startsWith('#!')) problem('files', `bin ${name} (${file}) has no #! line`);
  }

  // exports, main and types resolve to files in the tarball
  const targets = exportTargets(packed.exports);
  if (packed.exports === undefined) problem('exports', 'no `exports` field');
  for (const { path, target } of targets) {
    if (target.includes('*')) continue;
    if (!has(target)) problem('exports', `exports ${path.join(' → ')} → ${target} is not in the tarball`);
    if (path.at(-1) === 'types' && !target.endsWith('.d.ts')) problem('types', `exports ${path.join(' → ')} → ${target} is not a .d.ts`);
  }
  if (packed.main !== undefined && !has(packed.main)) problem('exports', `main ${packed.main} is not in the tarball`);
  if (packed.types === undefined) problem('types', 'no `types` field');
  else if (!has(packed.types)) problem('types', `types ${packed.types} is not in the tarball`);
  const rootExport = packed.exports?.['.'] ?? packed.exports;
  if (rootExport && typeof rootExport === 'object' && !('types' in rootExport)) problem('types', "exports['.'] has no `types` condition");

  // what the shipped JavaScript reaches
  const declared = { ...packed.dependencies, ...packed.peerDependencies, ...packed.optionalDependencies };
  const undeclared = new Set();
  const missingSources = [];
  for (const f of files) {
    if (!/\.[cm]?js$/.test(f)) continue;
    const source = readFileSync(join(packageDir, f), 'utf8');
    const { specifiers, urls } = importsOf(source);
    for (const spec of [...specifiers.filter((s) => s.startsWith('.')), ...urls]) {
      const target = posix.join(posix.dirname(f), spec);
      // A URL ending in `/` names a folder (e.g. a data folder read at run time): it must not be empty.
      const present = spec.endsWith('/') ? [...files].some((x) => x.startsWith(target)) : files.has(target);
      if (!present) problem('exports', `${f} reaches ${spec}, which is not in the tarball`);
    }
    for (const spec of specifiers) {
      // Relative, absolute (a URL path served to a browser page), `node:`/`data:` URLs and `#imports` are not packages.
      if (/^(\.|\/|#|[a-z][a-z0-9+.-]*:)/.test(spec)) continue;
      const name = packageName(spec);
      if (name !== packed.name && !(name in declared)) undeclared.add(name);
    }
    if (f.endsWith('.map') || !existsSync(join(packageDir, `${f}.map`))) continue;
    const map = JSON.parse(readFileSync(join(packageDir, `${f}.map`), 'utf8'));
    for (const s of map.sources ?? []) {
      const target = posix.join(posix.dirname(f), map.sourceRoot ?? '', s);
      if (!files.has(target)) missingSources.push(target);
    }
  }
  // With the sources shipped, a compiled file without one is left over from a deleted source.
  if ([...files].some((f) => f.startsWith('src/'))) {
    const stale = [...files].filter((f) => /^dist\/.*\.js$/.test(f) && !files.has(f.replace(/^dist\//, 'src/').replace(/\.js$/, '.ts')));
    if (stale.length > 0) warnings.push(`${stale.length} compiled files have no source in src/ (stale build output? e.g. ${stale[0]}); clean dist/ and rebuild`);
  }
  if (missingSources.length > 0) {
    warnings.push(`source maps name ${missingSources.length} sources that are not shipped (e.g. ${missingSources[0]}); add them to \`files\``);
  }
  for (const name of undeclared) problem('deps', `the code imports ${name}, which is not a dependency, peer or optional dependency`);

  // dependency ranges
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [name, range] of Object.entries(packed[field] ?? {})) {
      if (/^(\*|file:|link:|workspace:)|^$/.test(range)) problem('deps', `${field}.${name} is '${range}', which users cannot install`);
    }
  }
  if (packed.name !== '@strata/core') {
    const peer = packed.peerDependencies?.['@strata/core'];
    if (peer === undefined) problem('deps', 'no peerDependencies on @strata/core');
    else if (!satisfies(coreVersion, peer)) problem('deps', `peerDependencies @strata/core '${peer}' does not accept core ${coreVersion}`);
    if (packed.dependencies?.['@strata/core'] !== undefined) problem('deps', '@strata/core is a plain dependency (two copies of core could be installed); make it a peer dependency');
  }

  // licence
  if (!packed.license) problem('licence', 'no `license` field');
  const licenceFile = [...files].find((f) => /^(LICENSE|LICENCE)(\.(md|txt))?$/i.test(f));
  if (licenceFile === undefined) problem('licence', 'no LICENSE file');
  else if (/\bApache-2\.0\b/.test(packed.license ?? '')) {
    const sha = createHash('sha256').update(readFileSync(join(packageDir, licenceFile))).digest('hex');
    if (sha !== APACHE_2_SHA256) problem('licence', `${licenceFile} is not the Apache License 2.0 text`);
  }
  if (!packed.publishConfig?.access && pkg.name.startsWith('@')) warnings.push('no publishConfig.access (changesets passes --access public anyway)');
  return { problems, warnings: [...new Set(warnings)] };
}

/**
 * Packs the package in `dir` into `tarballs`, unpacks it into `scratch` and checks it.
 * Returns the problems (`{ check, message }`, `check` one of {@link CHECKS}), the warnings,
 * the number of files and the tarball's size in bytes.
 */
export function packAndCheck(dir, tarballs, scratch, coreVersion) {
  try {
    const pkg = JSON.parse(readFileSync(join(resolve(ROOT, dir), 'package.json'), 'utf8'));
    mkdirSync(tarballs, { recursive: true });
    const tarball = pack(dir, tarballs);
    const { packageDir, files } = unpack(tarball, scratch);
    return { ...check(pkg, packageDir, files, coreVersion), files: files.size, size: readFileSync(tarball).length };
  } catch (err) {
    const message = `npm pack failed: ${(err.stderr?.toString() || err.message).trim().split('\n').slice(-3).join(' ')}`;
    return { problems: [{ check: 'files', message }], warnings: [], files: 0, size: 0 };
  }
}

/** The table's columns: one per family of checks (see the comment at the top). */
const CHECKS = ['files', 'exports', 'types', 'deps', 'licence', 'readme'];

/** Pads each column to its widest cell. */
function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  return rows.map((r) => r.map((cell, c) => String(cell).padEnd(c === r.length - 1 ? 0 : widths[c])).join('  ').trimEnd()).join('\n');
}

function main() {
  const args = process.argv.slice(2);
  const keepAt = args.indexOf('--keep');
  const keep = keepAt >= 0 ? resolve(args[keepAt + 1] ?? '') : null;
  const work = mkdtempSync(join(tmpdir(), 'strata-release-dry-'));
  const tarballs = keep ?? join(work, 'tarballs');
  mkdirSync(tarballs, { recursive: true });

  const all = workspacePackages();
  const publics = all.filter(({ pkg }) => pkg.private !== true);
  const coreVersion = all.find(({ pkg }) => pkg.name === '@strata/core')?.pkg.version;
  const rows = [['package', 'version', 'tarball', ...CHECKS, 'result']];
  const details = [];
  let failed = 0;
  try {
    for (const { dir, pkg } of publics) {
      const result = packAndCheck(dir, tarballs, join(work, 'unpacked', pkg.name), coreVersion);
      if (result.problems.length > 0) failed++;
      const column = (check) => (result.problems.some((p) => p.check === check) ? 'FAIL' : 'ok');
      rows.push([pkg.name, pkg.version, `${result.files} files, ${(result.size / 1024).toFixed(0)} KiB`, ...CHECKS.map(column),
        result.problems.length > 0 ? `FAIL (${result.problems.length})` : result.warnings.length > 0 ? 'ok (warnings)' : 'ok']);
      for (const p of result.problems) details.push(`  FAIL ${pkg.name} (${dir}) ${p.check}: ${p.message}`);
      for (const w of result.warnings) details.push(`  warn ${pkg.name} (${dir}): ${w}`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const skipped = all.filter(({ pkg }) => pkg.private === true).map(({ pkg }) => pkg.name);
  process.stdout.write(`${table(rows)}\n`);
  if (details.length > 0) process.stdout.write(`\n${details.join('\n')}\n`);
  process.stdout.write(`\n${publics.length} public packages packed, ${failed} with problems; ${skipped.length} private packages not published (${skipped.join(', ')})` +
    `${keep !== null ? `; tarballs in ${keep}` : ''}\n`);
  process.exitCode = failed > 0 ? 1 : 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
