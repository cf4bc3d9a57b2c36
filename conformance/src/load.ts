/**
 * Loads the backend a CLI user points at: a module file, a package directory (resolved through its
 * package.json `exports`/`main`), or an installed package name. The module may export a Backend,
 * a Backend class, or a BackendRegistration (as `default`, `backend` or `registration`), or may
 * simply register a backend with core on import.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as core from '@strata/core';
import type { Backend, BackendRegistration } from './contract.js';
import type { ConformanceTarget } from './types.js';

type ExportsField = string | { readonly [key: string]: ExportsField | undefined } | undefined;

/** The file a package's `exports['.']` names (conditions import > node > default), else `main`. */
function entryOfPackage(dir: string): string {
  const pkgPath = join(dir, 'package.json');
  if (!existsSync(pkgPath)) return join(dir, 'index.js');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { exports?: ExportsField; main?: string };
  const pick = (e: ExportsField): string | undefined => {
    if (e === undefined || typeof e === 'string') return e;
    if ('.' in e) return pick(e['.']);
    for (const cond of ['import', 'node', 'default']) if (cond in e) return pick(e[cond]);
    return undefined;
  };
  const entry = pick(pkg.exports) ?? pkg.main ?? 'index.js';
  return join(dir, entry);
}

/** A path on disk, or a package name looked up in node_modules from `cwd` upward. */
export function resolveModulePath(spec: string, cwd: string): string {
  const asPath = resolve(cwd, spec);
  if (existsSync(asPath)) return statSync(asPath).isDirectory() ? entryOfPackage(asPath) : asPath;
  for (let dir = cwd; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', spec);
    if (existsSync(candidate)) return entryOfPackage(candidate);
    if (dirname(dir) === dir) break;
  }
  throw new Error(`cannot find '${spec}' (not a file, a directory, or a package under node_modules)`);
}

function isBackend(v: unknown): v is Backend {
  return typeof v === 'object' && v !== null && typeof (v as Backend).write === 'function' && typeof (v as Backend).read === 'function';
}

function isRegistration(v: unknown): v is BackendRegistration {
  return typeof v === 'object' && v !== null && typeof (v as BackendRegistration).create === 'function' && typeof (v as BackendRegistration).name === 'string';
}

function isBackendClass(v: unknown): v is new () => Backend {
  return typeof v === 'function' && typeof (v as { prototype?: { write?: unknown } }).prototype?.write === 'function';
}

/** Core's accessor for a registered backend's instance, when this version of core exports one. */
function instanceOf(name: string): Backend | undefined {
  const lookup = (core as unknown as { backendInstance?: (n: string) => Backend | undefined }).backendInstance;
  return lookup?.(name);
}

/** A fresh instance of an exported Backend class whose instances carry `name`. */
function exportedClassInstance(mod: Record<string, unknown>, name: string): Backend | undefined {
  for (const v of Object.values(mod)) {
    if (!isBackendClass(v)) continue;
    const b = new v();
    if (b.name === name) return b;
    b.dispose?.();
  }
  return undefined;
}

export async function loadTarget(spec: string, cwd = process.cwd()): Promise<ConformanceTarget> {
  const file = resolveModulePath(spec, cwd);
  const before = new Set(core.registeredBackends());
  const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  for (const key of ['default', 'backend', 'registration']) {
    const v = mod[key];
    if (isBackend(v) || isRegistration(v)) return v;
    if (isBackendClass(v)) return new v();
  }
  const added = core.registeredBackends().filter((n) => !before.has(n));
  if (added.length === 0) {
    throw new Error(`${file} neither exports a Backend or BackendRegistration (as default, backend or registration) nor registers a backend on import`);
  }
  const name = added[0]!; // registeredBackends() lists the highest priority first
  await core.setBackend(name);
  const instance = instanceOf(name) ?? exportedClassInstance(mod, name);
  if (instance === undefined) {
    throw new Error(`${file} registered '${name}', but neither @strata/core (backendInstance) nor the module (an exported Backend class) gives access to its instance; export the backend or its registration`);
  }
  return instance;
}
