/**
 * What `compile` sets up: the optimizer, one loss per output (weighted), metric objects per output,
 * and trackers for the running mean of each loss; turns them into logs.
 */
import type { Tensor } from '../tensor/tensor.js';
import { engine } from '../engine/engine.js';
import { add, mul } from '../ops/binary.js';
import { concat } from '../ops/movement.js';
import { reshape } from '../ops/reshape.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import { getOptimizer } from '../optimizers/index.js';
import type { Loss } from '../losses/loss.js';
import { getLoss } from '../losses/index.js';
import type { Metric } from '../metrics/metric.js';
import { getMetric } from '../metrics/index.js';
import type { Variable } from '../tensor/tensor.js';
import { div, maximum } from '../ops/binary.js';
import { fill, variable } from '../ops/creation.js';
import type { SymbolicShape } from '../layers/layer.js';
import type { Logs } from '../callbacks/callback.js';

/** A loss: a Loss, its name (`'sparseCategoricalCrossentropy'`, `'mse'`) or a per-sample function. */
export type LossIdentifier = Loss | string | ((yTrue: Tensor, yPred: Tensor) => Tensor);
/** A metric: a Metric, its name (`'accuracy'`) or a per-sample function. */
export type MetricIdentifier = Metric | string | ((yTrue: Tensor, yPred: Tensor) => Tensor);

/** Arguments of `model.compile`. */
export interface CompileArgs {
  /** An optimizer or its name (`'adam'`). */
  optimizer: Optimizer | string;
  /** One loss for every output, one per output (list in output order), or a record by output name. */
  loss: LossIdentifier | readonly LossIdentifier[] | Readonly<Record<string, LossIdentifier>>;
  /** Metrics for every output, per output as a list of lists, or a record by output name. */
  metrics?: readonly MetricIdentifier[] | readonly (readonly MetricIdentifier[])[] | Readonly<Record<string, MetricIdentifier | readonly MetricIdentifier[]>>;
  /** Weights of each output's loss in the total (list or record by output name). */
  lossWeights?: readonly number[] | Readonly<Record<string, number>>;
}

function perOutput<T>(value: T | readonly T[] | Readonly<Record<string, T>>, names: readonly string[], what: string, isSingle: (v: unknown) => v is T): T[] {
  if (isSingle(value)) return names.map(() => value);
  if (Array.isArray(value)) {
    if (value.length !== names.length) throw new Error(`compile: ${what} has ${value.length} entries but the model has ${names.length} outputs (${names.join(', ')})`);
    return [...(value as readonly T[])];
  }
  const record = value as Readonly<Record<string, T>>;
  const unknown = Object.keys(record).filter((k) => !names.includes(k));
  if (unknown.length > 0) throw new Error(`compile: ${what} names [${unknown.join(', ')}] are not outputs of the model (outputs: ${names.join(', ')})`);
  return names.map((n) => {
    if (!(n in record)) throw new Error(`compile: ${what} has no entry for output '${n}'`);
    return record[n]!;
  });
}

const isLossId = (v: unknown): v is LossIdentifier => typeof v === 'string' || typeof v === 'function' ||
  (v !== null && typeof v === 'object' && !Array.isArray(v) &&
    (typeof (v as { compute?: unknown }).compute === 'function' || typeof (v as { className?: unknown }).className === 'string'));

/** The running mean of a scalar loss over an epoch, weighted by batch size; state stays on the backend. */
class LossTracker {
  private readonly total: Variable;
  private readonly count: Variable;
  constructor(readonly name: string) {
    this.total = engine().tidy(() => variable(fill([], 0), false, engine().uniqueVariableName(`loss_tracker/${name}/total`)));
    this.count = engine().tidy(() => variable(fill([], 0), false, engine().uniqueVariableName(`loss_tracker/${name}/count`)));
  }
  update(loss: Tensor, batchSize: number): void {
    engine().tidy(() => {
      this.total.assign(add(this.total, mul(loss, batchSize)));
      this.count.assign(add(this.count, batchSize));
    });
  }
  result(): Tensor {
    return engine().tidy(() => div(this.total, maximum(this.count, 1)));
  }
  resetState(): void {
    engine().tidy(() => {
      this.total.assign(fill([], 0));
      this.count.assign(fill([], 0));
    });
  }
  dispose(): void {
    this.total.dispose();
    this.count.dispose();
  }
}

/** The compiled training configuration of a model. */
export class CompiledModel {
  readonly optimizer: Optimizer;
  readonly losses: Loss[];
  readonly lossWeights: number[];
  /** Metric objects per output. */
  readonly metrics: Metric[][];
  private readonly lossTracker: LossTracker;
  private readonly outputLossTrackers: LossTracker[];
  /** Element count of each packed result (metrics like F1Score may return vectors). */
  private resultSizes: number[] = [];

  constructor(args: CompileArgs, readonly outputNames: readonly string[], outputShapes: readonly (SymbolicShape | null)[]) {
    this.optimizer = getOptimizer(args.optimizer);
    this.losses = perOutput(args.loss, outputNames, 'loss', isLossId).map((l) => getLoss(l));
    this.lossWeights = args.lossWeights === undefined ? outputNames.map(() => 1)
      : perOutput<number>(args.lossWeights, outputNames, 'lossWeights', (v): v is number => typeof v === 'number');
    const metricIds = args.metrics ?? [];
    let perOut: (readonly MetricIdentifier[])[];
    if (Array.isArray(metricIds)) {
      const nested = metricIds.length > 0 && metricIds.every((m) => Array.isArray(m));
      if (nested) perOut = perOutput(metricIds as readonly (readonly MetricIdentifier[])[], outputNames, 'metrics', (_v): _v is readonly MetricIdentifier[] => false);
      else perOut = outputNames.map(() => metricIds as readonly MetricIdentifier[]);
    } else {
      const record = metricIds as Readonly<Record<string, MetricIdentifier | readonly MetricIdentifier[]>>;
      perOut = outputNames.map((n) => {
        const m = record[n];
        return m === undefined ? [] : Array.isArray(m) ? m : [m as MetricIdentifier];
      });
      const unknown = Object.keys(record).filter((k) => !outputNames.includes(k));
      if (unknown.length > 0) throw new Error(`compile: metrics names [${unknown.join(', ')}] are not outputs of the model (outputs: ${outputNames.join(', ')})`);
    }
    const multi = outputNames.length > 1;
    this.metrics = perOut.map((ids, i) => ids.map((id) => getMetric(id, { loss: this.losses[i]!, outputShape: outputShapes[i] ?? null })));
    this.lossTracker = new LossTracker('loss');
    this.outputLossTrackers = multi ? outputNames.map((n) => new LossTracker(`${n}_loss`)) : [];
    this.logNames = ['loss', ...this.outputLossTrackers.map((t) => t.name),
      ...this.metrics.flatMap((ms, i) => ms.map((m) => (multi ? `${outputNames[i]}_${m.name}` : m.name)))];
  }

  /** Names of the logs, in the order `resultsTensor` packs them. */
  readonly logNames: string[];

  /** The weighted total loss over outputs (a scalar), plus each output's loss. */
  computeLoss(ys: readonly Tensor[], outputs: readonly Tensor[], sampleWeight: Tensor | null): { total: Tensor; perOutput: Tensor[] } {
    if (ys.length !== outputs.length) {
      throw new Error(`fit: the model has ${outputs.length} outputs (${this.outputNames.join(', ')}) but ${ys.length} targets were given`);
    }
    const perOutput = outputs.map((out, i) => this.losses[i]!.compute(ys[i]!, out, sampleWeight));
    const total = perOutput.map((l, i) => (this.lossWeights[i] === 1 ? l : mul(l, this.lossWeights[i]!))).reduce((a, b) => add(a, b));
    return { total, perOutput };
  }

  /** Adds a batch to the loss trackers and metrics (no reads). */
  updateState(ys: readonly Tensor[], outputs: readonly Tensor[], sampleWeight: Tensor | null, total: Tensor, perOutput: readonly Tensor[], batchSize: number): void {
    engine().tidy(() => {
      this.lossTracker.update(total, batchSize);
      this.outputLossTrackers.forEach((t, i) => t.update(perOutput[i]!, batchSize));
      this.metrics.forEach((ms, i) => ms.forEach((m) => m.updateState(ys[i]!, outputs[i]!, sampleWeight)));
    });
  }

  /** Every log value packed in one vector, so reading them costs one transfer. */
  resultsTensor(): Tensor {
    return engine().tidy(() => {
      const parts = this.trackers().map((m) => reshape(m.result(), [-1]));
      this.resultSizes = parts.map((p) => p.size);
      return concat(parts, 0);
    });
  }

  /** Reads the logs (async, works on every backend). */
  async readLogs(prefix = ''): Promise<Logs> {
    const packed = this.resultsTensor();
    const values = await packed.data();
    packed.dispose();
    return this.toLogs(values, prefix);
  }

  /** Names the packed values; a metric with a vector result gets one log per element. */
  toLogs(values: ArrayLike<number>, prefix = ''): Logs {
    const logs: Logs = {};
    let offset = 0;
    this.logNames.forEach((name, i) => {
      const size = this.resultSizes[i] ?? 1;
      if (size === 1) logs[prefix + name] = values[offset]!;
      else for (let j = 0; j < size; j++) logs[`${prefix}${name}_${j}`] = values[offset + j]!;
      offset += size;
    });
    return logs;
  }

  private trackers(): { result(): Tensor; resetState(): void; dispose(): void }[] {
    return [this.lossTracker, ...this.outputLossTrackers, ...this.metrics.flat()];
  }

  resetState(): void {
    for (const m of this.trackers()) m.resetState();
  }

  dispose(): void {
    for (const m of this.trackers()) m.dispose();
  }
}
