#!/usr/bin/env node
// @ts-check
/**
 * `strata info [--json]`: which Strata backends are installed in the project at the current
 * directory, which of them initialise here, which one `st.ready()` chooses and why, and how each
 * runs. Core never imports a backend by name, so this finds backend packages on disk: every
 * `node_modules/@strata/backend-*` from the current directory upward, plus any package under
 * `node_modules/@strata/` or among the project's dependencies whose package.json lists the keyword
 * `strata-backend` (how a third-party backend makes itself known). Each is imported, which
 * registers it with core; then every registered backend is initialised once to learn whether it
 * is available.
 *
 * Exit code 0 when a backend is available, 1 when none is, 2 on a usage error.
 */
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const USAGE = `usage: strata info [--json]

  info     list the installed Strata backends: available or not (and why), the one chosen
           automatically (or by STRATA_BACKEND) and how each runs
  --json   print the same as JSON
  -h, --help`;

/** Keyword a third-party backend package puts in its package.json to be found by `strata info`. */
const BACKEND_KEYWORD = 'strata-backend';

/**
 * @typedef {{ name?: string, version?: string, keywords?: string[], main?: string, exports?: unknown,
 *   dependencies?: Record<string, string>, devDependencies?: Record<string, string> }} PackageJson
 * @typedef {{ package: string, version: string, path: string, registered: string[], error?: string,
 *   otherCore?: string }} InstalledPackage
 */

/** @param {string} file @returns {PackageJson | undefined} */
function readPackageJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * The file a package's `exports['.']` names for `import` (conditions import > node > default),
 * else `main`, else index.js.
 * @param {string} dir @param {PackageJson} pkg
 */
function entryFile(dir, pkg) {
  /** @param {unknown} e @returns {string | undefined} */
  const pick = (e) => {
    if (typeof e === 'string') return e;
    if (typeof e !== 'object' || e === null) return undefined;
    const map = /** @type {Record<string, unknown>} */ (e);
    if ('.' in map) return pick(map['.']);
    for (const condition of ['import', 'node', 'default']) if (condition in map) return pick(map[condition]);
    return undefined;
  };
  return join(dir, pick(pkg.exports) ?? pkg.main ?? 'index.js');
}

/** Directories `<dir>/node_modules` from `start` up to the filesystem root, nearest first. */
function nodeModulesDirs(start) {
  const dirs = [];
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules');
    if (existsSync(candidate)) dirs.push(candidate);
    if (dirname(dir) === dir) return dirs;
  }
}

/** The installed directory of package `name` as seen from `from` (Node's lookup, without exports). */
function findPackage(name, from) {
  for (const modules of nodeModulesDirs(from)) {
    const dir = join(modules, name);
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  return undefined;
}

/** @param {string} dir */
function hasBackendKeyword(dir) {
  return readPackageJson(join(dir, 'package.json'))?.keywords?.includes(BACKEND_KEYWORD) === true;
}

/** Backend package directories visible from `cwd`, one per package name (the nearest wins). */
function discoverBackendPackages(cwd) {
  /** @type {Map<string, string>} */
  const found = new Map();
  for (const modules of nodeModulesDirs(cwd)) {
    const scope = join(modules, '@strata');
    if (!existsSync(scope)) continue;
    for (const entry of readdirSync(scope)) {
      const name = `@strata/${entry}`;
      const dir = join(scope, entry);
      if (found.has(name) || !existsSync(join(dir, 'package.json'))) continue;
      if (entry.startsWith('backend-') || hasBackendKeyword(dir)) found.set(name, dir);
    }
  }
  const project = readPackageJson(join(cwd, 'package.json'));
  for (const name of Object.keys({ ...project?.dependencies, ...project?.devDependencies })) {
    if (found.has(name)) continue;
    const dir = findPackage(name, cwd);
    if (dir !== undefined && hasBackendKeyword(dir)) found.set(name, dir);
  }
  return [...found].sort(([a], [b]) => a.localeCompare(b));
}

/** @param {unknown} err */
function messageOf(err) {
  return err instanceof Error ? err.message : String(err);
}

/** Pads each column of `rows` to its widest cell. @param {string[][]} rows */
function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ').trimEnd()).join('\n');
}

async function info(json) {
  const cwd = process.cwd();
  // Use the project's own @strata/core: backends register with the copy they import, so that is
  // the registry to ask. Fall back to the copy this script belongs to.
  const ownCore = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const coreDir = findPackage('@strata/core', cwd) ?? ownCore;
  const corePackage = readPackageJson(join(coreDir, 'package.json')) ?? {};
  const coreReal = realpathSync(coreDir);
  /** @type {typeof import('../dist/index.js')} */
  const st = await import(pathToFileURL(entryFile(coreDir, corePackage)).href);

  /** @type {InstalledPackage[]} */
  const installed = [];
  /** @type {Map<string, string>} */
  const packageOf = new Map();
  for (const [name, dir] of discoverBackendPackages(cwd)) {
    const pkg = readPackageJson(join(dir, 'package.json')) ?? {};
    /** @type {InstalledPackage} */
    const record = { package: name, version: pkg.version ?? '?', path: dir, registered: [] };
    const theirCore = findPackage('@strata/core', realpathSync(dir));
    if (theirCore !== undefined && realpathSync(theirCore) !== coreReal) record.otherCore = theirCore;
    const before = new Set(st.registeredBackends());
    try {
      await import(pathToFileURL(entryFile(dir, pkg)).href);
    } catch (err) {
      record.error = messageOf(err);
    }
    record.registered = st.registeredBackends().filter((n) => !before.has(n));
    for (const n of record.registered) packageOf.set(n, name);
    installed.push(record);
  }

  // st.ready() makes the automatic choice (or honours STRATA_BACKEND); then every other backend
  // is initialised once, so that each reports whether it is available here, and the chosen one
  // is made active again.
  const requested = process.env.STRATA_BACKEND;
  let chosen = null;
  let why = '';
  try {
    chosen = await st.ready();
    const priority = st.backends().find((b) => b.name === chosen)?.priority;
    why = requested ? `set by STRATA_BACKEND=${requested}` : `the highest-priority backend that initialises (priority ${priority})`;
  } catch (err) {
    why = messageOf(err);
  }
  for (const b of st.backends()) {
    if (b.status === 'untried') await st.setBackend(b.name).catch(() => undefined);
  }
  if (chosen !== null) await st.setBackend(chosen);
  const backends = st.backends().map((b) => ({ ...b, package: packageOf.get(b.name) ?? null }));

  if (json) {
    const report = { core: { version: corePackage.version ?? '?', path: coreDir }, installed, backends, chosen, why };
    return { text: JSON.stringify(report, null, 2), code: chosen === null ? 1 : 0 };
  }
  const lines = [`@strata/core ${corePackage.version ?? '?'} (${coreDir})`, ''];
  if (installed.length === 0) {
    lines.push(`No Strata backend package is installed here (looked in node_modules/@strata/backend-* from ${cwd} upward).`,
      'Install one, e.g. `npm install @strata/backend-wasm` (fast, any CPU) or `@strata/backend-cpu` (reference).');
  } else {
    const rows = [['backend', 'package', 'priority', 'status', 'how it runs / why unavailable']];
    for (const b of backends) rows.push([b.name, b.package ?? '-', String(b.priority), b.status, b.description ?? b.reason ?? '']);
    for (const p of installed) {
      if (p.error !== undefined) rows.push(['-', p.package, '-', 'failed to load', p.error]);
      else if (p.registered.length === 0) rows.push(['-', p.package, '-', 'not registered', p.otherCore !== undefined
        ? `it uses another copy of @strata/core (${p.otherCore}); install one copy of core`
        : 'importing it registered no backend']);
    }
    lines.push(table(rows), '');
    lines.push(chosen !== null ? `chosen: ${chosen}, ${why}` : `chosen: none. ${why}`);
  }
  return { text: lines.join('\n'), code: chosen === null ? 1 : 0 };
}

async function main() {
  const args = process.argv.slice(2);
  if (args.includes('-h') || args.includes('--help')) return { text: USAGE, code: 0 };
  const [command, ...rest] = args;
  const unknown = rest.filter((a) => a !== '--json');
  if (command !== 'info' || unknown.length > 0) {
    return { text: `strata: ${command === undefined ? 'no command given' : `unknown ${command !== 'info' ? 'command' : 'option'} '${command !== 'info' ? command : unknown[0]}'`}\n\n${USAGE}`, code: 2 };
  }
  return info(rest.includes('--json'));
}

main().then(
  ({ text, code }) => {
    // Exit explicitly: a backend may hold worker threads or a device that keep Node alive.
    (code === 2 ? process.stderr : process.stdout).write(`${text}\n`, () => process.exit(code));
  },
  (err) => {
    process.stderr.write(`strata: ${messageOf(err)}\n`, () => process.exit(2));
  },
);
