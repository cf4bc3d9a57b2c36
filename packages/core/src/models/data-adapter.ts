/**
 * Turns what `fit`/`evaluate`/`predict` accept (tensors, arrays or records of tensors, datasets)
 * into batches of `{xs, ys, sampleWeight}` in the model's input/output order.
 */
import { Tensor } from '../tensor/tensor.js';
import { gather, slice } from '../ops/movement.js';
import { tensor } from '../ops/convert.js';
import { shuffledIndices } from '../ops/random.js';

/** One input or output: a tensor, a list in model order, or a record by input/output name. */
export type ModelData = Tensor | readonly Tensor[] | Readonly<Record<string, Tensor>>;

/** One batch as a dataset yields it: `[x, y]`, `[x, y, sampleWeight]` or `{xs, ys, sampleWeight}`. */
export type DatasetElement =
  | readonly [ModelData, ModelData]
  | readonly [ModelData, ModelData, Tensor]
  | {
    /** The inputs. */
    readonly xs: ModelData;
    /** The targets (absent for `predict`). */
    readonly ys?: ModelData;
    /** Per-sample weights. */
    readonly sampleWeight?: Tensor;
  };

/** Anything iterable (re-iterable each epoch), such as `st.data.Dataset`. */
export type BatchSource<T> = AsyncIterable<T> | Iterable<T>;

/** A batch in model order. */
export interface Batch {
  xs: Tensor[];
  ys: Tensor[];
  sampleWeight: Tensor | null;
  /** Whether the adapter made these tensors (and the caller must dispose them). */
  owned: boolean;
}

/** Puts `data` in the order of `names` (a record must have exactly those keys). */
export function toList(data: ModelData, names: readonly string[], what: string, where: string): Tensor[] {
  if (data instanceof Tensor) return [data];
  if (Array.isArray(data)) return [...(data as readonly Tensor[])];
  const record = data as Readonly<Record<string, Tensor>>;
  const keys = Object.keys(record);
  const missing = names.filter((n) => !(n in record));
  const extra = keys.filter((k) => !names.includes(k));
  if (missing.length > 0 || extra.length > 0) {
    throw new Error(`${where}: ${what} keys [${keys.join(', ')}] do not match the model's ${what} names [${names.join(', ')}]`);
  }
  return names.map((n) => record[n]!);
}

/** Whether `x` is a dataset (or another iterable source of batches) rather than tensors. */
export function isBatchSource(x: unknown): x is BatchSource<DatasetElement> {
  return x !== null && typeof x === 'object' && !(x instanceof Tensor) && !Array.isArray(x) &&
    (Symbol.asyncIterator in x || Symbol.iterator in x);
}

/** Normalises one dataset element. */
export function fromElement(el: DatasetElement, inputNames: readonly string[], outputNames: readonly string[], where: string, owned: boolean): Batch {
  let xs: ModelData;
  let ys: ModelData | undefined;
  let sw: Tensor | undefined;
  if (Array.isArray(el)) {
    [xs, ys, sw] = el as [ModelData, ModelData, Tensor?];
  } else if (el && typeof el === 'object' && 'xs' in el) {
    ({ xs, ys, sampleWeight: sw } = el as { xs: ModelData; ys?: ModelData; sampleWeight?: Tensor });
  } else {
    throw new Error(`${where}: a dataset element must be [x, y], [x, y, sampleWeight] or {xs, ys}`);
  }
  return {
    xs: toList(xs, inputNames, 'input', where),
    ys: ys === undefined ? [] : toList(ys, outputNames, 'output', where),
    sampleWeight: sw ?? null,
    owned,
  };
}

/** Number of samples (axis 0), checking every tensor agrees. */
export function sampleCount(groups: readonly (readonly Tensor[])[], where: string): number {
  const all = groups.flat();
  if (all.length === 0) throw new Error(`${where}: no input data`);
  for (const t of all) {
    t.assertUsable(where, 'data');
    if (t.rank === 0) throw new Error(`${where}: data must have a batch dimension, got a scalar ${t.describe()}`);
  }
  const n = all[0]!.shape[0]!;
  const bad = all.find((t) => t.shape[0] !== n);
  if (bad) throw new Error(`${where}: all inputs and targets need the same number of samples; got ${all.map((t) => t.describe()).join(', ')}`);
  return n;
}

/** Rows `[start, start + count)` of each tensor. */
export function sliceRows(ts: readonly Tensor[], start: number, count: number): Tensor[] {
  return ts.map((t) => slice(t, [start, ...t.shape.slice(1).map(() => 0)], [count, ...t.shape.slice(1)]));
}

/**
 * Batches of in-memory arrays for one epoch, in shuffled order when `order` is given. Each batch's
 * tensors are new and owned by the caller.
 */
export function* arrayBatches(xs: readonly Tensor[], ys: readonly Tensor[], sw: Tensor | null, batchSize: number, order: Int32Array | null, n: number): Generator<Batch> {
  for (let start = 0; start < n; start += batchSize) {
    const count = Math.min(batchSize, n - start);
    if (order) {
      const idx = tensor(order.subarray(start, start + count), [count], 'int32');
      const pick = (t: Tensor) => gather(t, idx);
      yield { xs: xs.map(pick), ys: ys.map(pick), sampleWeight: sw ? pick(sw) : null, owned: true };
      idx.dispose();
    } else {
      yield { xs: sliceRows(xs, start, count), ys: sliceRows(ys, start, count), sampleWeight: sw ? sliceRows([sw], start, count)[0]! : null, owned: true };
    }
  }
}

/** The shuffle order of one epoch: a fixed function of the seed and the epoch, so resumed runs repeat it. */
export function epochOrder(n: number, seed: number | undefined, epoch: number): Int32Array {
  return seed === undefined ? shuffledIndices(n) : shuffledIndices(n, (seed * 1000003 + epoch) % 2 ** 31);
}

/** Disposes a batch's tensors if the adapter made them. */
export function releaseBatch(b: Batch): void {
  if (!b.owned) return;
  for (const t of [...b.xs, ...b.ys]) t.dispose();
  b.sampleWeight?.dispose();
}
