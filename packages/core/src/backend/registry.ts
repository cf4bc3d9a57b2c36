/**
 * Backend registry: packages register factories; core picks the best one that initialises.
 */
import type { Backend, BackendRegistration } from './contract.js';

/** What `backends()` reports for each registered backend. */
export interface BackendStatus {
  /** The registered name. */
  readonly name: string;
  /** Its registration priority (higher is preferred by automatic choice). */
  readonly priority: number;
  /** `active`: in use; `ready`: initialised; `unavailable`: its factory failed; `untried`. */
  readonly status: 'active' | 'ready' | 'unavailable' | 'untried';
  /** Why it is unavailable (the factory's error message). */
  readonly reason?: string;
  /** How an initialised backend runs, in its own words (e.g. its thread count, or why it runs on one thread). */
  readonly description?: string;
}

interface Entry {
  registration: BackendRegistration;
  instance?: Backend;
  failure?: string;
  /** Whether `failure` came from a by-name request (final) or from automatic choice (a by-name request tries again). */
  failedByName?: boolean;
  pending?: Promise<Backend | null>;
}

const entries = new Map<string, Entry>();
let active: Backend | null = null;
let activeName: string | null = null;

/** Registers a backend factory; re-registering a name replaces it (and disposes its instance). */
export function registerBackend(registration: BackendRegistration): void {
  if (typeof registration.name !== 'string' || registration.name === '') {
    throw new Error('registerBackend: name must be a non-empty string');
  }
  if (typeof registration.create !== 'function') {
    throw new Error(`registerBackend: backend '${registration.name}' has no create() function`);
  }
  const old = entries.get(registration.name);
  if (old?.instance && old.instance !== active) old.instance.dispose?.();
  entries.set(registration.name, { registration });
}

/** Removes a registered backend. The active backend cannot be removed. */
export function removeBackend(name: string): void {
  if (name === activeName) throw new Error(`removeBackend: '${name}' is the active backend; switch first with setBackend`);
  entries.get(name)?.instance?.dispose?.();
  entries.delete(name);
}

/** Names of all registered backends, highest priority first. */
export function registeredBackends(): string[] {
  return [...entries.values()]
    .sort((a, b) => b.registration.priority - a.registration.priority)
    .map((e) => e.registration.name);
}

/**
 * Creates an entry's backend once. A failure is remembered, except that a backend which failed
 * under automatic choice is tried again when named: its factory may accept only being named.
 */
async function initialise(entry: Entry, byName: boolean): Promise<Backend | null> {
  if (entry.instance) return entry.instance;
  if (entry.pending) {
    const result = await entry.pending;
    if (result !== null || !byName || entry.failedByName === true) return result;
  }
  if (entry.failure !== undefined && (!byName || entry.failedByName === true)) return null;
  const pending = entry.registration.create({ byName }).then(
    (backend) => {
      entry.instance = backend;
      entry.failure = undefined;
      return backend;
    },
    (err: unknown) => {
      entry.failure = err instanceof Error ? err.message : String(err);
      entry.failedByName = byName;
      return null;
    },
  );
  entry.pending = pending;
  return pending;
}

function activate(entry: Entry, backend: Backend): void {
  active = backend;
  activeName = entry.registration.name;
}

function requestedByEnvironment(): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const value = env?.['STRATA_BACKEND'];
  return value === undefined || value === '' ? undefined : value;
}

/**
 * Initialises and activates the named backend. Rejects with the backend's own reason when its
 * factory fails, or when the name is not registered.
 */
export async function setBackend(name: string): Promise<void> {
  const entry = entries.get(name);
  if (!entry) {
    const known = registeredBackends();
    throw new Error(`setBackend: no backend named '${name}' is registered (registered: ${known.length ? known.join(', ') : 'none — import a backend package, e.g. @strata/backend-cpu'})`);
  }
  const backend = await initialise(entry, true);
  if (!backend) throw new Error(`setBackend: backend '${name}' is unavailable: ${entry.failure}`);
  activate(entry, backend);
}

/**
 * Makes sure a backend is active and returns its name: the one named by `STRATA_BACKEND` if set,
 * else the highest-priority registered backend that initialises.
 */
export async function ready(): Promise<string> {
  if (active && activeName) return activeName;
  const requested = requestedByEnvironment();
  if (requested !== undefined) {
    await setBackend(requested);
    return requested;
  }
  for (const name of registeredBackends()) {
    const entry = entries.get(name)!;
    const backend = await initialise(entry, false);
    if (backend) {
      activate(entry, backend);
      return name;
    }
  }
  const tried = [...entries.values()].map((e) => `${e.registration.name}: ${e.failure}`);
  throw new Error(tried.length
    ? `ready: no registered backend could initialise (${tried.join('; ')})`
    : 'ready: no backend is registered; import one, e.g. `import \'@strata/backend-cpu\'`');
}

/** Status of every registered backend, highest priority first. */
export function backends(): BackendStatus[] {
  return registeredBackends().map((name) => {
    const e = entries.get(name)!;
    const { priority } = e.registration;
    const described = e.instance?.description !== undefined ? { description: e.instance.description } : {};
    if (name === activeName) return { name, priority, status: 'active', ...described };
    if (e.instance) return { name, priority, status: 'ready', ...described };
    if (e.failure !== undefined) return { name, priority, status: 'unavailable', reason: e.failure };
    return { name, priority, status: 'untried' };
  });
}

/** Name of the active backend, or null before `ready()`/`setBackend()`. */
export function getBackend(): string | null {
  return activeName;
}

/** The active backend; throws a clear error when none has been initialised. */
export function activeBackend(): Backend {
  if (!active) {
    throw new Error('no backend is active: call `await st.ready()` (or `await st.setBackend(name)`) before running ops');
  }
  return active;
}

/** The initialised instance of a registered backend, if any. */
export function backendInstance(name: string): Backend | undefined {
  return entries.get(name)?.instance;
}
