/**
 * A pool worker (Node worker_threads or a browser module Worker). It instantiates the threads
 * build over the shared memory it is sent, moves its stack pointer to the stack the main thread
 * allocated for it, says it is ready, and then lives inside st_worker_loop (csrc/threads.c),
 * running tasks until the pool quits. It imports nothing, so it loads on its own.
 */

/** What src/pool.ts posts to start a worker. */
interface StartMessage {
  readonly module: object;
  readonly memory: object;
  readonly tid: number;
  readonly stackTop: number;
}

interface WorkerExports {
  readonly __stack_pointer: { value: number };
  st_worker_loop(tid: number, seen: number): void;
  st_worker_failed(): void;
  st_job_seq(): number;
}

interface Port {
  postMessage(message: unknown): void;
}

interface WasmApi {
  instantiate(module: object, imports: object): Promise<{ exports: unknown }>;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function start(message: StartMessage, port: Port): Promise<void> {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly!;
  let exports: WorkerExports;
  try {
    const instance = await api.instantiate(message.module, { env: { memory: message.memory } });
    exports = instance.exports as WorkerExports;
    // Every instance starts with the linker's stack pointer, which is the main thread's stack.
    exports.__stack_pointer.value = message.stackTop;
  } catch (err) {
    port.postMessage({ type: 'failed', message: describe(err) });
    return;
  }
  let seen = exports.st_job_seq();
  port.postMessage({ type: 'ready' });
  for (;;) {
    try {
      exports.st_worker_loop(message.tid, seen);
      return; // the pool quit
    } catch (err) {
      // A trap inside a task: the instance is still usable once its stack pointer is reset.
      // The main thread sees the failed task through st_worker_failed and throws.
      exports.__stack_pointer.value = message.stackTop;
      exports.st_worker_failed();
      port.postMessage({ type: 'trap', message: describe(err) });
      seen = exports.st_job_seq();
    }
  }
}

interface NodeWorkerThreads {
  readonly parentPort: (Port & { once(event: 'message', fn: (message: StartMessage) => void): void }) | null;
}

const isNode = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node !== undefined;
if (isNode) {
  // A computed specifier keeps browser bundlers from trying to resolve a Node builtin.
  const specifier = 'node:worker_threads';
  const { parentPort } = (await import(/* @vite-ignore */ specifier)) as NodeWorkerThreads;
  if (parentPort !== null) parentPort.once('message', (message) => { void start(message, parentPort); });
} else {
  const scope = globalThis as unknown as Port & { onmessage: ((event: { data: StartMessage }) => void) | null };
  scope.onmessage = (event) => {
    scope.onmessage = null;
    void start(event.data, scope);
  };
}
