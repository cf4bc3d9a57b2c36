/**
 * `st.data.Dataset`: a lazy, re-iterable, asynchronous stream of elements (tensors, arrays of
 * tensors, records of tensors, or any value), built from in-memory tensors or a generator and
 * transformed with `shuffle`, `batch`, `map`, `take`, `skip`, `repeat` and `prefetch`.
 *
 * Ownership rule: whoever takes an element from a dataset owns its tensors and must dispose them.
 * - Iterating (`for await`) or `toArray` hands you each element: you dispose it.
 * - `forEachAsync` disposes each element after your function returns (clone what you keep).
 * - Transformations take ownership of the elements they consume: `batch` disposes the element
 *   tensors it stacked, `skip`/`filter` dispose the elements they drop, `map` disposes the input
 *   tensors that are not part of the function's result, and `shuffle`/`prefetch`/`batch` dispose
 *   what they still hold when iteration stops early (a `break`).
 * - `fromArrays` never disposes the tensors it was given (they must stay alive while it is used);
 *   its elements are new tensors. `fromGenerator` passes on what the generator yields, so the
 *   generator should yield tensors the dataset may own (not the same tensor twice).
 *
 * Slicing, shuffling and batching of `fromArrays` data work on row indices and build each batch
 * with one `gather` (or `slice`) per tensor, so an epoch over in-memory data costs one kernel per
 * tensor and batch, not one per example.
 */
import { Tensor } from '../tensor/tensor.js';
import { tidy, dispose } from '../engine/memory.js';
import { fromTypedArray } from '../ops/convert.js';
import { slice, gather, stack } from '../ops/movement.js';
import { reshape } from '../ops/reshape.js';
import { getRandomState, setRandomState } from '../ops/random.js';
import { philox4x32 } from '../util/philox.js';
import { shapeToString } from '../util/shape.js';

/** Tensors in a structure a dataset can batch: a tensor, an array/tuple of them, or a record of them. */
export type TensorContainer = Tensor | readonly TensorContainer[] | { readonly [key: string]: TensorContainer };

/** What `fromGenerator` accepts from its factory: an iterator or iterable, sync or async. */
export type GeneratorSource<T> = Iterator<T> | AsyncIterator<T> | Iterable<T> | AsyncIterable<T>;

/** Options of `Dataset.shuffle`. */
export interface ShuffleOptions {
  /** Draw a new order for each iteration (each epoch). Default true. */
  reshuffleEachIteration?: boolean;
}

/** Options of `Dataset.fromGenerator`. */
export interface FromGeneratorOptions {
  /** The number of elements, when known (e.g. so `fit` knows the steps per epoch). */
  size?: number | null;
}

/** In-memory rows: element `i`, or many rows at once, as new tensors. */
interface IndexedSource<T> {
  get(index: number): T;
  gatherRows(indices: readonly number[]): T;
}

const SHUFFLE_TAG = 0x53687566; // "Shuf": keeps shuffle draws apart from the random ops' streams.

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Every tensor in `value` (arrays and plain objects are searched). */
function collectTensors(value: unknown, into: Set<Tensor>): Set<Tensor> {
  if (value instanceof Tensor) into.add(value);
  else if (Array.isArray(value)) for (const v of value) collectTensors(v, into);
  else if (isPlainObject(value)) for (const v of Object.values(value)) collectTensors(v, into);
  return into;
}

/** Disposes the tensors of `value` that are not in `keep`. */
function disposeExcept(value: unknown, keep: Set<Tensor>): void {
  for (const t of collectTensors(value, new Set())) if (!keep.has(t)) t.dispose();
}

/** `fn(element)`; when it throws (or rejects), the element's tensors are disposed before the error goes on. */
async function applyOrDispose<T, U>(element: T, fn: (element: T) => U | Promise<U>): Promise<U> {
  try {
    return await fn(element);
  } catch (err) {
    dispose(element);
    throw err;
  }
}

/** The leaves of a tensor structure with their paths, and a way to rebuild the structure. */
function flattenStructure(fn: string, value: unknown, path: string, leaves: Tensor[], paths: string[]): (values: readonly Tensor[]) => unknown {
  if (value instanceof Tensor) {
    const k = leaves.length;
    leaves.push(value);
    paths.push(path);
    return (values) => values[k];
  }
  if (Array.isArray(value)) {
    const parts = value.map((v, i) => flattenStructure(fn, v, `${path}[${i}]`, leaves, paths));
    return (values) => parts.map((p) => p(values));
  }
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    const parts = keys.map((k) => flattenStructure(fn, value[k], `${path}.${k}`, leaves, paths));
    return (values) => Object.fromEntries(keys.map((k, i) => [k, parts[i]!(values)]));
  }
  throw new Error(`${fn}: ${path} must be a tensor, an array of tensors or a record of tensors, got ${describeValue(value)}`);
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return `an object of type ${(value as object).constructor?.name ?? 'unknown'}`;
  return `${typeof value} ${String(value)}`;
}

/** Stacks equal-structured elements into one batch element (each leaf gains a leading axis). */
function stackElements(elements: readonly unknown[], path: string): unknown {
  const first = elements[0];
  if (first instanceof Tensor) {
    elements.forEach((e, i) => {
      if (!(e instanceof Tensor)) throw new Error(`Dataset.batch: element ${i} has ${describeValue(e)} at ${path} where element 0 has a tensor`);
      if (e.dtype !== first.dtype || e.rank !== first.rank || e.shape.some((d, j) => d !== first.shape[j])) {
        throw new Error(`Dataset.batch: element ${i} has ${e.dtype} ${shapeToString(e.shape)} at ${path} but element 0 has ${first.dtype} ${shapeToString(first.shape)}; elements of a batch must match (map them to one shape first)`);
      }
    });
    return stack(elements as Tensor[], 0);
  }
  if (Array.isArray(first)) {
    elements.forEach((e, i) => {
      if (!Array.isArray(e) || e.length !== first.length) {
        throw new Error(`Dataset.batch: element ${i} has ${Array.isArray(e) ? `an array of ${e.length}` : describeValue(e)} at ${path} where element 0 has an array of ${first.length}`);
      }
    });
    return first.map((_, k) => stackElements(elements.map((e) => (e as unknown[])[k]), `${path}[${k}]`));
  }
  if (isPlainObject(first)) {
    const keys = Object.keys(first);
    elements.forEach((e, i) => {
      if (!isPlainObject(e) || Object.keys(e).length !== keys.length || keys.some((k) => !(k in e))) {
        throw new Error(`Dataset.batch: element ${i} at ${path} does not have the keys of element 0 (${keys.join(', ')})`);
      }
    });
    return Object.fromEntries(keys.map((k) => [k, stackElements(elements.map((e) => (e as Record<string, unknown>)[k]), `${path}.${k}`)]));
  }
  throw new Error(`Dataset.batch: elements must be tensors, arrays of tensors or records of tensors; element 0 has ${describeValue(first)} at ${path}`);
}

function checkCount(fn: string, name: string, n: number, min: number): void {
  if (!Number.isInteger(n) || n < min) throw new Error(`Dataset.${fn}: ${name} must be an integer ≥ ${min}, got ${String(n)}`);
}

/** Uniform numbers in [0, 1) from Philox, keyed by a seed and a stream number. */
function philoxStream(key: [number, number], stream: number): () => number {
  const words = new Uint32Array(4);
  let block = 0;
  let used = 4;
  return () => {
    if (used === 4) {
      philox4x32([block++, stream >>> 0, 0, SHUFFLE_TAG], key, words);
      used = 0;
    }
    return words[used++]! / 2 ** 32;
  };
}

function seedKey(seed: number): [number, number] {
  return [seed >>> 0, Math.floor(seed / 2 ** 32) >>> 0];
}

/**
 * A lazy, re-iterable async stream of elements; each `for await` is one pass (one epoch).
 *
 * Ownership: the consumer owns the tensors of every element it takes and disposes them
 * (`forEachAsync` does it for you after your function returns). Transformations own what they
 * consume: `batch` disposes the element tensors it stacked, `skip`/`filter` the elements they
 * drop, `map` the input tensors not in its result; buffers are freed when a pass stops early.
 * `fromArrays` never disposes the tensors it was given.
 * @example
 * const ds = st.data.Dataset.fromArrays(x, y).shuffle(1000, 42).batch(32);
 * for await (const [xb, yb] of ds) {
 *   console.log(xb.shape, yb.shape);   // [32, ...] batches; the last may be smaller
 *   st.dispose([xb, yb]);               // the consumer owns what it takes
 * }
 */
export class Dataset<T> implements AsyncIterable<T> {
  /** The number of elements: known, `null` when unknown, `Infinity` for an endless `repeat()`. */
  readonly size: number | null;
  private readonly make: () => AsyncIterator<T>;
  /** Set when elements are rows of in-memory tensors picked by a stream of row indices. */
  private readonly indexed: { source: IndexedSource<T>; indices: Dataset<number> } | null;

  private constructor(make: () => AsyncIterator<T>, size: number | null, indexed: { source: IndexedSource<T>; indices: Dataset<number> } | null = null) {
    this.make = make;
    this.size = size;
    this.indexed = indexed;
  }

  /** One pass over the elements. The caller owns (and disposes) the tensors of each element. */
  [Symbol.asyncIterator](): AsyncIterator<T> {
    return this.make();
  }

  private static fromIndices<T>(source: IndexedSource<T>, indices: Dataset<number>): Dataset<T> {
    return new Dataset<T>(async function* () {
      for await (const i of indices) yield source.get(i);
    }, indices.size, { source, indices });
  }

  /** A dataset made from a function returning a fresh async iterator per pass. */
  private static fromFactory<T>(make: () => AsyncIterator<T>, size: number | null): Dataset<T> {
    return new Dataset<T>(make, size);
  }

  /**
   * The rows of in-memory tensors: element `i` is row `i` (a slice along axis 0) of `xs`, or
   * `[xs row, ys row]` when `ys` is given. `xs`/`ys` may be a tensor, an array of tensors or a
   * record of tensors, all with the same number of rows. The tensors are not copied or disposed.
   */
  static fromArrays<X extends TensorContainer>(xs: X): Dataset<X>;
  static fromArrays<X extends TensorContainer, Y extends TensorContainer>(xs: X, ys: Y): Dataset<[X, Y]>;
  static fromArrays(xs: TensorContainer, ys?: TensorContainer): Dataset<unknown> {
    const leaves: Tensor[] = [];
    const paths: string[] = [];
    const rebuild = ys === undefined
      ? flattenStructure('Dataset.fromArrays', xs, 'xs', leaves, paths)
      : (() => {
        const bx = flattenStructure('Dataset.fromArrays', xs, 'xs', leaves, paths);
        const by = flattenStructure('Dataset.fromArrays', ys, 'ys', leaves, paths);
        return (values: readonly Tensor[]) => [bx(values), by(values)];
      })();
    if (leaves.length === 0) throw new Error('Dataset.fromArrays: xs holds no tensors');
    leaves.forEach((t, i) => {
      t.assertUsable('Dataset.fromArrays', paths[i]!);
      if (t.rank === 0) throw new Error(`Dataset.fromArrays: ${paths[i]} is a scalar; its rows are taken along axis 0, so it needs rank ≥ 1`);
    });
    const rows = leaves[0]!.shape[0]!;
    leaves.forEach((t, i) => {
      if (t.shape[0] !== rows) {
        throw new Error(`Dataset.fromArrays: ${paths[i]} has ${t.shape[0]} rows (shape ${shapeToString(t.shape)}) but ${paths[0]} has ${rows} (shape ${shapeToString(leaves[0]!.shape)})`);
      }
    });
    const source: IndexedSource<unknown> = {
      get(index: number): unknown {
        return rebuild(tidy(() => leaves.map((t, k) => {
          t.assertUsable('Dataset.fromArrays', paths[k]!);
          return reshape(slice(t, [index, ...t.shape.slice(1).map(() => 0)], [1, ...t.shape.slice(1)]), t.shape.slice(1));
        })));
      },
      gatherRows(indices: readonly number[]): unknown {
        const n = indices.length;
        const contiguous = indices.every((v, j) => v === indices[0]! + j);
        return rebuild(tidy(() => {
          const idx = contiguous ? null : fromTypedArray(Int32Array.from(indices), [n], 'int32');
          return leaves.map((t, k) => {
            t.assertUsable('Dataset.fromArrays', paths[k]!);
            return idx === null ? slice(t, [indices[0]!, ...t.shape.slice(1).map(() => 0)], [n, ...t.shape.slice(1)]) : gather(t, idx, 0);
          });
        }));
      },
    };
    const indices = Dataset.fromFactory<number>(async function* () {
      for (let i = 0; i < rows; i++) yield i;
    }, rows);
    return Dataset.fromIndices(source, indices);
  }

  /**
   * Elements yielded by `generator()`, called again for every pass, so the dataset can be
   * iterated once per epoch. It may return a (sync or async) iterator or iterable.
   */
  static fromGenerator<T>(generator: () => GeneratorSource<T>, options: FromGeneratorOptions = {}): Dataset<T> {
    if (typeof generator !== 'function') throw new Error('Dataset.fromGenerator: generator must be a function returning an iterator (e.g. a generator function)');
    const size = options.size ?? null;
    if (size !== null) checkCount('fromGenerator', 'size', size, 0);
    return Dataset.fromFactory<T>(() => {
      const made: unknown = generator();
      if (made !== null && typeof made === 'object') {
        const m = made as Partial<AsyncIterable<T> & Iterable<T> & AsyncIterator<T>>;
        if (typeof m[Symbol.asyncIterator] === 'function') return m[Symbol.asyncIterator]!();
        if (typeof m[Symbol.iterator] === 'function') return toAsync(m[Symbol.iterator]!());
        if (typeof m.next === 'function') return toAsync(made as Iterator<T> | AsyncIterator<T>);
      }
      throw new Error(`Dataset.fromGenerator: generator() must return an iterator or iterable, got ${describeValue(made)}`);
    }, size);
  }

  /**
   * Shuffles with a buffer of `bufferSize` elements (a full shuffle when it is at least the size).
   * A new order is drawn each pass unless `reshuffleEachIteration` is false. With `seed` the
   * orders are the same for every dataset built the same way; without, they follow `st.setSeed`.
   */
  shuffle(bufferSize: number, seed?: number, options: ShuffleOptions = {}): Dataset<T> {
    checkCount('shuffle', 'bufferSize', bufferSize, 1);
    if (seed !== undefined && !Number.isInteger(seed)) throw new Error(`Dataset.shuffle: seed must be an integer, got ${seed}`);
    if (this.indexed) return Dataset.fromIndices(this.indexed.source, this.indexed.indices.shuffle(bufferSize, seed, options));
    const reshuffle = options.reshuffleEachIteration ?? true;
    let pass = 0;
    let fixed: { key: [number, number]; stream: number } | null = null;
    const nextStream = (): { key: [number, number]; stream: number } => {
      if (!reshuffle && fixed) return fixed;
      let drawn: { key: [number, number]; stream: number };
      if (seed !== undefined) drawn = { key: seedKey(seed), stream: pass++ };
      else {
        // Take one draw of the global generator, as the random ops do, so st.setSeed repeats it.
        const state = getRandomState();
        setRandomState({ seed: state.seed, draws: state.draws + 1 });
        drawn = { key: seedKey(state.seed), stream: state.draws };
      }
      fixed = drawn;
      return drawn;
    };
    const parent = this;
    return Dataset.fromFactory<T>(async function* () {
      const { key, stream } = nextStream();
      const random = philoxStream(key, stream);
      const it = parent[Symbol.asyncIterator]();
      const buffer: T[] = [];
      let exhausted = false;
      try {
        while (buffer.length < bufferSize) {
          const r = await it.next();
          if (r.done) { exhausted = true; break; }
          buffer.push(r.value);
        }
        while (buffer.length > 0) {
          const j = Math.floor(random() * buffer.length);
          const chosen = buffer[j]!;
          const r = exhausted ? null : await it.next();
          if (r && !r.done) buffer[j] = r.value;
          else {
            exhausted = true;
            buffer[j] = buffer[buffer.length - 1]!;
            buffer.pop();
          }
          yield chosen;
        }
      } finally {
        for (const e of buffer.splice(0)) dispose(e);
        if (!exhausted) await it.return?.();
      }
    }, this.size);
  }

  /**
   * Groups `batchSize` consecutive elements into one, stacking each tensor along a new axis 0
   * (tuples and records keep their structure). The last batch may be smaller unless
   * `dropRemainder`. The stacked element tensors are disposed.
   */
  batch<U extends TensorContainer>(this: Dataset<U>, batchSize: number, dropRemainder = false): Dataset<U> {
    checkCount('batch', 'batchSize', batchSize, 1);
    const size = this.size === null ? null : !Number.isFinite(this.size) ? Infinity : dropRemainder ? Math.floor(this.size / batchSize) : Math.ceil(this.size / batchSize);
    const indexed = this.indexed;
    if (indexed) {
      return Dataset.fromFactory<U>(async function* () {
        let rows: number[] = [];
        for await (const i of indexed.indices) {
          rows.push(i);
          if (rows.length === batchSize) {
            const b = indexed.source.gatherRows(rows);
            rows = [];
            yield b;
          }
        }
        if (rows.length > 0 && !dropRemainder) yield indexed.source.gatherRows(rows);
      }, size);
    }
    const parent = this;
    return Dataset.fromFactory<U>(async function* () {
      let chunk: U[] = [];
      try {
        for await (const e of parent) {
          chunk.push(e);
          if (chunk.length === batchSize) {
            const b = tidy(() => stackElements(chunk, 'element')) as U;
            dispose(chunk);
            chunk = [];
            yield b;
          }
        }
        if (chunk.length > 0 && !dropRemainder) {
          const b = tidy(() => stackElements(chunk, 'element')) as U;
          dispose(chunk);
          chunk = [];
          yield b;
        }
      } finally {
        dispose(chunk);
      }
    }, size);
  }

  /**
   * Applies `fn` to each element. `fn` runs inside `st.tidy`, so its intermediate tensors are
   * freed; input tensors it does not return are disposed. For an async function use `mapAsync`.
   */
  map<U>(fn: (element: T) => U): Dataset<U> {
    if (typeof fn !== 'function') throw new Error('Dataset.map: fn must be a function');
    const parent = this;
    return Dataset.fromFactory<U>(async function* () {
      for await (const e of parent) {
        const out = await applyOrDispose(e, (element) => tidy(() => {
          const r = fn(element);
          if (r !== null && typeof (r as { then?: unknown } | undefined)?.then === 'function') {
            throw new Error('Dataset.map: fn returned a promise; use mapAsync for async functions');
          }
          return r;
        }));
        disposeExcept(e, collectTensors(out, new Set()));
        yield out;
      }
    }, this.size);
  }

  /** Like `map` with an async `fn` (no `tidy`: dispose intermediates yourself). */
  mapAsync<U>(fn: (element: T) => Promise<U>): Dataset<U> {
    if (typeof fn !== 'function') throw new Error('Dataset.mapAsync: fn must be a function');
    const parent = this;
    return Dataset.fromFactory<U>(async function* () {
      for await (const e of parent) {
        const out = await applyOrDispose(e, fn);
        disposeExcept(e, collectTensors(out, new Set()));
        yield out;
      }
    }, this.size);
  }

  /** Keeps the elements for which `predicate` is true (the others are disposed). */
  filter(predicate: (element: T) => boolean | Promise<boolean>): Dataset<T> {
    if (typeof predicate !== 'function') throw new Error('Dataset.filter: predicate must be a function');
    const parent = this;
    return Dataset.fromFactory<T>(async function* () {
      for await (const e of parent) {
        const keep = await applyOrDispose(e, predicate);
        if (keep) yield e;
        else dispose(e);
      }
    }, this.size === 0 ? 0 : null);
  }

  /** The first `count` elements (later ones are never produced). */
  take(count: number): Dataset<T> {
    checkCount('take', 'count', count, 0);
    const size = this.size === null ? null : Math.min(this.size, count);
    if (this.indexed) return Dataset.fromIndices(this.indexed.source, this.indexed.indices.take(count));
    const parent = this;
    return Dataset.fromFactory<T>(async function* () {
      if (count === 0) return;
      let n = 0;
      for await (const e of parent) {
        yield e;
        if (++n >= count) return;
      }
    }, size);
  }

  /** All but the first `count` elements (those are disposed). */
  skip(count: number): Dataset<T> {
    checkCount('skip', 'count', count, 0);
    const size = this.size === null ? null : Math.max(0, this.size - count);
    if (this.indexed) return Dataset.fromIndices(this.indexed.source, this.indexed.indices.skip(count));
    const parent = this;
    return Dataset.fromFactory<T>(async function* () {
      let n = 0;
      for await (const e of parent) {
        if (n++ < count) dispose(e);
        else yield e;
      }
    }, size);
  }

  /** The elements `count` times over (endlessly without `count`); shuffles redraw each time. */
  repeat(count?: number): Dataset<T> {
    if (count !== undefined) checkCount('repeat', 'count', count, 0);
    const size = this.size === null ? null : count === undefined ? (this.size === 0 ? 0 : Infinity) : this.size * count;
    if (this.indexed) return Dataset.fromIndices(this.indexed.source, this.indexed.indices.repeat(count));
    const parent = this;
    return Dataset.fromFactory<T>(async function* () {
      for (let k = 0; count === undefined || k < count; k++) {
        let any = false;
        for await (const e of parent) {
          any = true;
          yield e;
        }
        if (!any) return; // an empty dataset repeated forever is still empty
      }
    }, size);
  }

  /**
   * Produces up to `bufferSize` elements ahead of the consumer, so slow asynchronous sources
   * (files, network, generators that await) overlap with training.
   */
  prefetch(bufferSize = 1): Dataset<T> {
    checkCount('prefetch', 'bufferSize', bufferSize, 0);
    // In-memory rows are produced on demand at no wait: nothing to gain from running ahead.
    if (bufferSize === 0 || this.indexed) return this;
    const parent = this;
    return Dataset.fromFactory<T>(async function* () {
      const it = parent[Symbol.asyncIterator]();
      const queue: Promise<IteratorResult<T>>[] = [];
      let exhausted = false;
      const pull = (): void => {
        const p = it.next();
        p.catch(() => undefined); // awaited below; this only stops an "unhandled rejection"
        queue.push(p);
      };
      try {
        for (let k = 0; k < bufferSize; k++) pull();
        for (;;) {
          const r = await queue.shift()!;
          if (r.done) { exhausted = true; break; }
          pull();
          yield r.value;
        }
      } finally {
        for (const p of queue.splice(0)) {
          const r = await p.catch(() => null);
          if (r && !r.done) dispose(r.value);
          if (r?.done) exhausted = true;
        }
        if (!exhausted) await it.return?.();
      }
    }, this.size);
  }

  /** Calls `fn` on each element in order, awaiting it, then disposes the element's tensors. */
  async forEachAsync(fn: (element: T) => void | Promise<void>): Promise<void> {
    if (typeof fn !== 'function') throw new Error('Dataset.forEachAsync: fn must be a function');
    for await (const e of this) {
      try {
        await fn(e);
      } finally {
        dispose(e);
      }
    }
  }

  /** All elements of one pass, in an array (the caller owns their tensors). */
  async toArray(): Promise<T[]> {
    if (this.size === Infinity) throw new Error('Dataset.toArray: the dataset is endless (repeat() without a count); take(n) first');
    const out: T[] = [];
    try {
      for await (const e of this) out.push(e);
    } catch (err) {
      dispose(out);
      throw err;
    }
    return out;
  }
}

/** Wraps a sync or async iterator as an async iterator (forwarding `return`). */
function toAsync<T>(it: Iterator<T> | AsyncIterator<T>): AsyncIterator<T> {
  return {
    next: async () => await it.next(),
    return: async (value?: unknown) => (it.return ? await it.return(value as T) : { done: true, value: value as T }),
  };
}
