/**
 * The worker pool: N−1 workers (worker_threads in Node, module Web Workers in browsers), each
 * running its own instance of strata-threads.wasm over the main thread's shared memory; the main
 * thread is the N-th thread. Jobs are handed out and awaited inside the module (csrc/threads.c),
 * so kernels stay synchronous: no message passing happens per kernel, only at start and stop.
 */
import type { StrataExports } from './exports.js';
import type { ThreadedModule } from './loader.js';

/** Each worker's C stack, carved from the heap (kernels keep little on the stack). */
const WORKER_STACK_BYTES = 256 * 1024;
/** How long workers may take to start before the pool gives up and runs single-threaded. */
const START_TIMEOUT_MS = 15_000;

/** What a worker posts back (see src/worker.ts). */
interface WorkerMessage {
  readonly type: 'ready' | 'failed' | 'trap';
  readonly message?: string;
}

/** The little a pool needs of a worker, whether Node's or the browser's. */
interface PoolWorker {
  post(message: unknown): void;
  /** Lets the process exit while this worker lives (Node; browsers have no such notion). */
  unref(): void;
  onMessage(fn: (message: WorkerMessage) => void): void;
  onError(fn: (message: string) => void): void;
  terminate(): void;
}

interface NodeWorker {
  postMessage(message: unknown): void;
  on(event: 'message', fn: (message: WorkerMessage) => void): void;
  on(event: 'error', fn: (err: Error) => void): void;
  unref(): void;
  terminate(): Promise<number>;
}

interface Globals {
  readonly process?: { readonly versions?: { readonly node?: string }; readonly execArgv?: readonly string[] };
  readonly Worker?: unknown;
  readonly SharedArrayBuffer?: unknown;
  readonly crossOriginIsolated?: boolean;
  readonly document?: unknown;
  readonly navigator?: { readonly hardwareConcurrency?: number };
  readonly setTimeout?: (fn: () => void, ms: number) => unknown;
  readonly clearTimeout?: (handle: unknown) => void;
}

const globals = globalThis as Globals;

export function isNode(): boolean {
  return globals.process?.versions?.node !== undefined;
}

/** Why threads cannot run here, or null when they can (workers may still fail to start). */
export function threadsUnavailableReason(): string | null {
  if (globals.SharedArrayBuffer === undefined) {
    return isNode() ? 'SharedArrayBuffer is not available' : 'SharedArrayBuffer is not available (the page is not crossOriginIsolated)';
  }
  if (!isNode()) {
    if (globals.crossOriginIsolated !== true) return 'the page is not crossOriginIsolated';
    if (globals.Worker === undefined) return 'Web Workers are not available';
  }
  return null;
}

/** Logical cores: os.availableParallelism() in Node, navigator.hardwareConcurrency in browsers. */
export async function defaultThreadCount(): Promise<number> {
  if (isNode()) {
    const specifier = 'node:os';
    const os = (await import(/* @vite-ignore */ specifier)) as { availableParallelism?: () => number; cpus(): unknown[] };
    return os.availableParallelism?.() ?? os.cpus().length;
  }
  return globals.navigator?.hardwareConcurrency ?? 1;
}

async function spawn(): Promise<PoolWorker> {
  if (isNode()) {
    const specifier = 'node:worker_threads';
    const { Worker } = (await import(/* @vite-ignore */ specifier)) as { Worker: new (url: URL, options: { execArgv: string[] }) => NodeWorker };
    // Workers inherit node's flags, but --input-type (as in `node --input-type=module -e ...`)
    // makes a worker refuse to start from a file.
    const execArgv = (globals.process?.execArgv ?? []).filter((arg) => !arg.startsWith('--input-type'));
    const worker = new Worker(new URL('./worker.js', import.meta.url), { execArgv });
    return {
      post: (m) => worker.postMessage(m),
      unref: () => worker.unref(),
      onMessage: (fn) => worker.on('message', fn),
      onError: (fn) => worker.on('error', (err) => fn(err.message)),
      terminate: () => { void worker.terminate(); },
    };
  }
  // This exact `new Worker(new URL(literal, import.meta.url), { type: 'module' })` form is what
  // bundlers recognise as a worker entry (threadsUnavailableReason checked that Worker exists).
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  return {
    post: (m) => worker.postMessage(m),
    unref: () => undefined,
    onMessage: (fn) => worker.addEventListener('message', (e) => fn(e.data as WorkerMessage)),
    onError: (fn) => worker.addEventListener('error', (e) => fn(e.message ?? 'the worker script failed')),
    terminate: () => worker.terminate(),
  };
}

/** Resolves when the worker says it is ready; rejects on failure or after START_TIMEOUT_MS. */
function whenReady(worker: PoolWorker, tid: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const timer = globals.setTimeout?.(() => settle(new Error(`worker ${tid} did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    // The timer alone must not keep Node running (a failed start returns long before it fires).
    (timer as { unref?: () => void } | undefined)?.unref?.();
    function settle(err?: Error): void {
      if (settled) return;
      settled = true;
      if (timer !== undefined) globals.clearTimeout?.(timer);
      if (err === undefined) resolve(); else reject(err);
    }
    worker.onMessage((m) => {
      if (m.type === 'ready') settle();
      else if (m.type === 'failed') settle(new Error(`worker ${tid} could not instantiate the module: ${m.message ?? ''}`));
    });
    worker.onError((message) => settle(new Error(`worker ${tid} failed: ${message}`)));
  });
}

export class WorkerPool {
  /** Threads that run a parallel job, the main thread included. */
  readonly threads: number;
  /** 'worker_threads' or 'Web Workers'. */
  readonly kind: string;
  /** Set when a worker failed after starting (its tasks then run on the remaining threads). */
  problem: string | null = null;
  /** On a browser's main thread, which may not block: it polls while workers finish. */
  readonly mainThreadSpins: boolean;
  #minWork: number;
  readonly #exports: StrataExports;
  readonly #workers: PoolWorker[];
  #disposed = false;

  private constructor(exports: StrataExports, workers: PoolWorker[], kind: string, minWork: number, mainThreadSpins: boolean) {
    this.#exports = exports;
    this.mainThreadSpins = mainThreadSpins;
    this.#minWork = minWork;
    this.#workers = workers;
    this.threads = workers.length + 1;
    this.kind = kind;
  }

  /**
   * Starts `threads − 1` workers over `mod`'s shared memory and enables parallel jobs above
   * `minWork` flops. Rejects (with every started worker ended) if any worker fails to start.
   */
  static async start(mod: ThreadedModule, threads: number, minWork: number): Promise<WorkerPool> {
    const exports = mod.exports;
    // Per-thread GEMM buffers first: the count that fit in memory bounds the pool.
    const canBlock = isNode() || globals.document === undefined;
    const n = exports.st_threads_init(threads, canBlock ? 1 : 0);
    const workers: PoolWorker[] = [];
    try {
      const started: Promise<void>[] = [];
      for (let tid = 1; tid < n; tid++) {
        const stack = exports.st_malloc(WORKER_STACK_BYTES) >>> 0;
        if (stack === 0) throw new Error(`no memory for worker ${tid}'s stack`);
        const worker = await spawn();
        workers.push(worker);
        started.push(whenReady(worker, tid));
        worker.post({ module: mod.module, memory: mod.memory, tid, stackTop: stack + WORKER_STACK_BYTES });
      }
      await Promise.all(started);
    } catch (err) {
      for (const w of workers) w.terminate();
      throw err;
    }
    const pool = new WorkerPool(exports, workers, isNode() ? 'worker_threads' : 'Web Workers', minWork, !canBlock);
    for (const [i, w] of workers.entries()) {
      w.onMessage((m) => { if (m.type === 'trap') pool.problem = `worker ${i + 1} trapped: ${m.message ?? ''}`; });
      w.onError((message) => { pool.problem = `worker ${i + 1} failed: ${message}`; });
      // Idle workers must not keep the process alive (dispose() ends them explicitly). Last,
      // because adding a 'message' listener refs a Node worker again.
      w.unref();
    }
    exports.st_threads_set(pool.threads, minWork);
    return pool;
  }

  /** Changes the smallest job (in flops) that is split over the threads. */
  setMinWork(minWork: number): void {
    this.#minWork = minWork;
    if (!this.#disposed) this.#exports.st_threads_set(this.threads, minWork);
  }

  get minWork(): number {
    return this.#minWork;
  }

  /** Jobs that ran on several threads so far. */
  get dispatches(): number {
    return this.#exports.st_par_dispatches() >>> 0;
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  /** Tells the workers to leave their loop, then ends them. Kernels then run on one thread. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#exports.st_threads_quit();
    for (const w of this.#workers) w.terminate();
  }
}
