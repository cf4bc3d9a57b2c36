/**
 * The engine: storage reference counts, tidy scopes, the garbage-collection safety net, kernel
 * dispatch and gradient tapes. One engine per process.
 */
import type { Backend, TensorInfo } from '../backend/contract.js';
import { activeBackend } from '../backend/registry.js';
import { bytesPerElement, sizeOf } from '../util/shape.js';
import { Tensor, Variable, type StorageRecord } from '../tensor/tensor.js';

/**
 * Computes input gradients from output gradients; `null` marks an input with no gradient.
 * `needed[i]` is false when nothing asked for input i's gradient, so costly ones can be skipped.
 */
export type GradientFn = (dys: readonly Tensor[], inputs: readonly Tensor[], outputs: readonly Tensor[], needed: readonly boolean[]) => readonly (Tensor | null)[];

/** One recorded op on a tape. Inputs/outputs are aliases owned by the tape. */
interface TapeNode {
  readonly name: string;
  readonly inputs: readonly Tensor[];
  readonly outputs: readonly Tensor[];
  readonly gradient: GradientFn;
}

/** Records ops that depend on the watched tensors, for one gradient computation. */
export class Tape {
  readonly watched = new Set<number>();
  readonly nodes: TapeNode[] = [];
  private readonly aliases: Tensor[] = [];

  constructor(sources: readonly Tensor[]) {
    for (const s of sources) this.watched.add(s.id);
  }

  /** Handles to `tensors` that live until the tape is disposed. */
  hold(tensors: readonly Tensor[]): Tensor[] {
    return tensors.map((t) => {
      const a = engine().alias(t);
      this.aliases.push(a);
      return a;
    });
  }

  /** @internal Records the op if it depends on a watched tensor. */
  record(name: string, inputs: readonly Tensor[], outputs: readonly Tensor[], gradient: GradientFn): void {
    if (!inputs.some((t) => this.watched.has(t.id))) return;
    this.nodes.push({ name, inputs: this.hold(inputs), outputs: this.hold(outputs), gradient });
    for (const o of outputs) this.watched.add(o.id);
  }

  dispose(): void {
    for (const a of this.aliases) a.dispose();
    this.aliases.length = 0;
    this.nodes.length = 0;
  }
}

/** What `st.memory()` reports. */
export interface MemoryInfo {
  /** Live tensor handles (variables included). */
  readonly tensors: number;
  /** Live storage blocks over all backends. */
  readonly buffers: number;
  /** Bytes of live storage over all backends. */
  readonly bytes: number;
  /** Per backend: what core counts, and what the backend itself reports. */
  readonly backends: Readonly<Record<string, {
    /** Storage buffers core holds on this backend. */
    buffers: number;
    /** Their bytes. */
    bytes: number;
    /** What the backend itself reports (`Backend.memory()`); it should match core's count. */
    reported: {
      /** Buffers the backend holds. */
      buffers: number;
      /** Their bytes. */
      bytes: number;
    };
  }>>;
  /** Tensors freed by the garbage-collection safety net because nobody disposed them. */
  readonly collected: number;
}

let nextVariableNumber = 0;

export class Engine {
  private nextId = 1;
  private liveTensors = 0;
  private collected = 0;
  /** Live storage blocks and their bytes, per backend (counters: a set of records cost more per op than it saved). */
  private readonly storageCounts = new Map<Backend, { buffers: number; bytes: number }>();
  private readonly scopes: Tensor[][] = [];
  /** Active gradient tapes, innermost last. Empty means ops record nothing. */
  tapes: Tape[] = [];
  private readonly variables = new Map<string, Variable>();
  private readonly finalizer = new FinalizationRegistry<StorageRecord>((record) => {
    this.collected++;
    this.liveTensors--;
    this.release(record);
  });

  private newRecord(info: TensorInfo, backend: Backend): StorageRecord {
    const record: StorageRecord = { storage: info.storage, backend, bytes: sizeOf(info.shape) * bytesPerElement(info.dtype), refs: 0 };
    let counts = this.storageCounts.get(backend);
    if (!counts) this.storageCounts.set(backend, (counts = { buffers: 0, bytes: 0 }));
    counts.buffers++;
    counts.bytes += record.bytes;
    return record;
  }

  private track(t: Tensor): Tensor {
    t.record.refs++;
    this.liveTensors++;
    const scope = this.scopes[this.scopes.length - 1];
    // Inside tidy the scope frees the tensor unless it escapes, so the GC safety net is armed only
    // for tensors that leave every scope: registering costs more than a small kernel.
    if (scope) scope.push(t);
    else this.finalizer.register(t, t.record, t);
    return t;
  }

  /** Wraps a kernel's output (fresh storage) in a tracked tensor. */
  makeTensor(info: TensorInfo, backend: Backend): Tensor {
    return this.track(new Tensor(this.nextId++, info.shape, info.dtype, this.newRecord(info, backend)));
  }

  /** A tensor of a new shape over the same storage (reshape). */
  share(t: Tensor, shape: readonly number[]): Tensor {
    return this.track(new Tensor(this.nextId++, shape, t.dtype, t.record));
  }

  /** A second handle to the same value (same id), owned by whoever asked, not by any scope. */
  alias(t: Tensor): Tensor {
    const a = new Tensor(t.id, t.shape, t.dtype, t.record);
    a.record.refs++;
    this.liveTensors++;
    this.finalizer.register(a, a.record, a);
    return a;
  }

  makeVariable(initial: Tensor, name: string | undefined, trainable: boolean): Variable {
    const varName = name ?? `variable_${++nextVariableNumber}`;
    if (this.variables.has(varName)) throw new Error(`variable: a variable named '${varName}' already exists`);
    const v = new Variable(this.nextId++, initial.shape, initial.dtype, initial.record, varName, trainable);
    v.record.refs++;
    this.liveTensors++;
    this.variables.set(varName, v);
    return v;
  }

  /** Whether a live variable has this name. */
  hasVariable(name: string): boolean {
    return this.variables.has(name);
  }

  /** `base`, or `base_1`, `base_2`, ... : the first name no live variable has. */
  uniqueVariableName(base: string): string {
    if (!this.variables.has(base)) return base;
    for (let i = 1; ; i++) if (!this.variables.has(`${base}_${i}`)) return `${base}_${i}`;
  }

  /** Every live variable, in creation order. */
  allVariables(): Variable[] {
    return [...this.variables.values()];
  }

  reassign(v: Variable, value: Tensor): void {
    value.record.refs++;
    const old = v.record;
    v.record = value.record;
    this.release(old);
  }

  disposeVariable(v: Variable): void {
    if (v.disposedFlag) return;
    v.disposedFlag = true;
    this.variables.delete(v.name);
    this.liveTensors--;
    this.release(v.record);
  }

  disposeTensor(t: Tensor): void {
    if (t.disposedFlag) return;
    t.disposedFlag = true;
    this.finalizer.unregister(t);
    this.liveTensors--;
    this.release(t.record);
  }

  private release(record: StorageRecord): void {
    record.refs--;
    if (record.refs === 0) {
      const counts = this.storageCounts.get(record.backend)!;
      counts.buffers--;
      counts.bytes -= record.bytes;
      record.backend.free(record.storage);
    }
  }

  /** Marks `t` to survive the tidy scopes it was created in. */
  keep<T extends Tensor>(t: T): T {
    t.kept = true;
    return t;
  }

  tidy<T>(fn: () => T): T {
    const scope: Tensor[] = [];
    this.scopes.push(scope);
    let result: T;
    try {
      result = fn();
    } catch (err) {
      this.scopes.pop();
      for (const t of scope) {
        if (t.kept) this.escape(t);
        else this.disposeTensor(t);
      }
      throw err;
    }
    this.scopes.pop();
    if (result instanceof Promise) {
      throw new Error('tidy: the function returned a Promise; tidy only works with synchronous functions');
    }
    const survivors = new Set<Tensor>();
    collectTensors(result, survivors);
    for (const t of scope) {
      if (survivors.has(t) || t.kept) this.escape(t);
      else this.disposeTensor(t);
    }
    return result;
  }

  /** A tensor outlives the scope just closed: the enclosing scope owns it, or the GC safety net. */
  private escape(t: Tensor): void {
    if (t.disposedFlag) return;
    const parent = this.scopes[this.scopes.length - 1];
    if (parent) parent.push(t);
    else this.finalizer.register(t, t.record, t);
  }

  /** Runs `fn` with gradient recording off (forward passes of custom gradients, optimizer steps). */
  withoutTapes<T>(fn: () => T): T {
    const saved = this.tapes;
    this.tapes = [];
    try {
      return fn();
    } finally {
      this.tapes = saved;
    }
  }

  /**
   * Runs a kernel on the active backend and wraps its outputs. When a gradient tape is recording
   * and `gradient` is given, the op is recorded on every tape that watches one of its inputs.
   */
  runKernel(name: string, inputs: readonly Tensor[], forward: (backend: Backend, infos: TensorInfo[]) => TensorInfo | TensorInfo[], gradient?: GradientFn): Tensor[] {
    const backend = activeBackend();
    const infos = inputs.map((t) => this.infoOn(t, backend, name));
    let produced: TensorInfo | TensorInfo[];
    try {
      produced = forward(backend, infos);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new Error(`${name}: backend '${backend.name}' failed: ${message}`, { cause: err });
    }
    const outputs = (Array.isArray(produced) ? produced : [produced]).map((info) => this.makeTensor(info, backend));
    if (gradient && this.tapes.length > 0) this.recordOnTapes(name, inputs, outputs, gradient);
    return outputs;
  }

  /** An op whose output shares its input's storage (reshape, clone): no kernel runs. */
  shareStorage(name: string, t: Tensor, shape: readonly number[], gradient: GradientFn): Tensor {
    if (t.disposedFlag) throw new Error(`${name}: the input (${t.describe()}) was already disposed`);
    const y = this.share(t, shape);
    if (this.tapes.length > 0) this.recordOnTapes(name, [t], [y], gradient);
    return y;
  }

  /** Records an already computed op on the tapes (custom gradients). */
  recordOnTapes(name: string, inputs: readonly Tensor[], outputs: readonly Tensor[], gradient: GradientFn): void {
    for (const tape of this.tapes) tape.record(name, inputs, outputs, gradient);
  }

  /**
   * The kernel view of a tensor on `backend`. A tensor on another backend is copied over when its
   * backend can read synchronously; otherwise the op cannot run and says so.
   */
  private infoOn(t: Tensor, backend: Backend, op: string): TensorInfo {
    if (t.disposedFlag) throw new Error(`${op}: an input (${t.describe()}) was already disposed`);
    const from = t.record.backend;
    if (from !== backend) {
      if (!from.readSync) {
        throw new Error(`${op}: input ${t.describe()} lives on backend '${from.name}' but the active backend is '${backend.name}', and '${from.name}' cannot be read synchronously; create it again after switching`);
      }
      const storage = backend.write(from.readSync(t.record.storage), t.dtype);
      const moved = this.newRecord({ storage, shape: t.shape, dtype: t.dtype }, backend);
      moved.refs++;
      const old = t.record;
      t.record = moved;
      this.release(old);
    }
    return { storage: t.record.storage, shape: t.shape, dtype: t.dtype };
  }

  memory(): MemoryInfo {
    const per: Record<string, { buffers: number; bytes: number; reported: { buffers: number; bytes: number } }> = {};
    let buffers = 0;
    let bytes = 0;
    for (const [backend, counts] of this.storageCounts) {
      if (counts.buffers === 0) continue;
      per[backend.name] = { buffers: counts.buffers, bytes: counts.bytes, reported: backend.memory() };
      buffers += counts.buffers;
      bytes += counts.bytes;
    }
    return { tensors: this.liveTensors, buffers, bytes, backends: per, collected: this.collected };
  }
}

function collectTensors(value: unknown, into: Set<Tensor>): void {
  if (value instanceof Tensor) into.add(value);
  else if (Array.isArray(value)) for (const v of value) collectTensors(v, into);
  else if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) collectTensors(v, into);
  }
}

let theEngine: Engine | undefined;

/** The process-wide engine (created on first use, so module cycles cannot see it half-made). */
export function engine(): Engine {
  return (theEngine ??= new Engine());
}
