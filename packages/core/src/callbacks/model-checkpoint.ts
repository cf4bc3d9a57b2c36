/**
 * ModelCheckpoint: saves the model (or its weights) during training, every epoch or only when the
 * monitored value improves. The model's `save`/`saveWeights` write atomically, so an interrupted
 * save never replaces a good checkpoint with a broken one.
 */
import { Callback, type Logs } from './callback.js';
import { checkNumber, printMessage, requireModel, resolveMonitorMode, type MonitorMode } from './util.js';

/** Options of `ModelCheckpoint`. */
export interface ModelCheckpointArgs {
  /**
   * Where to save: a URL (`file://ckpt/model-{epoch:02d}-{val_loss:.4f}`, `indexeddb://name`) or a
   * path (read as `file://`). `{epoch}` (1-based), `{batch}` and any log name are replaced, with
   * an optional Python-style format spec: `d` with width/zero-padding, `.Nf`, `.Ne`, `.Ng`.
   */
  filepath: string;
  /** The log compared when `saveBestOnly`. Default `val_loss`. */
  monitor?: string;
  /** 1 prints each save (and each skipped save with `saveBestOnly`). Default 0. */
  verbose?: 0 | 1;
  /** Save only when `monitor` improves on the best so far. Default false. */
  saveBestOnly?: boolean;
  /** Call `model.saveWeights` instead of `model.save`. Default false. */
  saveWeightsOnly?: boolean;
  /** `min`, `max`, or `auto` (from the monitor's name). Default `auto`. */
  mode?: MonitorMode;
  /** `epoch` (default) saves at each epoch end; a number N saves every N training batches. */
  saveFreq?: 'epoch' | number;
  /** With `saveBestOnly`, the first save needs a value better than this. */
  initialValueThreshold?: number | null;
}

type FormatValue = number | string;

/** Formats one `{name:spec}` value like Python's `format` for the specs checkpoint names use. */
function formatValue(value: FormatValue, spec: string, field: string): string {
  if (spec === '') return String(value);
  const m = /^([<>^]?)(0?)(\d*)(?:\.(\d+))?([dfeEgG%s]?)$/.exec(spec);
  if (!m) throw new Error(`ModelCheckpoint: unsupported format spec '${spec}' in '{${field}:${spec}}'`);
  const [, align, zero, widthText, precisionText, type] = m;
  const precision = precisionText === undefined ? 6 : Number(precisionText);
  let text: string;
  if (typeof value === 'string' || type === 's') text = String(value);
  else if (type === 'd') {
    if (!Number.isInteger(value)) throw new Error(`ModelCheckpoint: '{${field}:${spec}}' needs an integer, got ${value}`);
    text = String(value);
  } else if (type === 'f' || type === '%') text = (type === '%' ? value * 100 : value).toFixed(precision) + (type === '%' ? '%' : '');
  else if (type === 'e' || type === 'E') {
    text = value.toExponential(precision).replace(/e([+-])(\d)$/, 'e$10$2');
    if (type === 'E') text = text.toUpperCase();
  } else text = Number(value.toPrecision(precision === 0 ? 1 : precision)).toString();
  const width = widthText ? Number(widthText) : 0;
  if (text.length >= width) return text;
  if (zero && align === '') return text.startsWith('-') ? `-${text.slice(1).padStart(width - 1, '0')}` : text.padStart(width, '0');
  return align === '<' ? text.padEnd(width) : text.padStart(width);
}

/** Replaces `{name}` / `{name:spec}` fields; `{{` and `}}` are literal braces. @internal */
export function formatFilepath(template: string, values: Record<string, FormatValue>): string {
  return template.replace(/\{\{|\}\}|\{([^{}:]+)(?::([^{}]*))?\}/g, (whole, name: string | undefined, spec: string | undefined) => {
    if (whole === '{{') return '{';
    if (whole === '}}') return '}';
    const key = name!.trim();
    if (!(key in values)) {
      throw new Error(`ModelCheckpoint: filepath field '{${key}}' is not a log name or epoch/batch (available: ${Object.keys(values).join(', ')})`);
    }
    return formatValue(values[key]!, spec ?? '', key);
  });
}

/** Saves the model or its weights at `filepath` during training. */
export class ModelCheckpoint extends Callback {
  /** The filepath template, as given. */
  readonly filepath: string;
  /** The log compared when `saveBestOnly`. */
  readonly monitor: string;
  /** 1 prints each save. */
  readonly verbose: 0 | 1;
  /** Whether only improvements are saved. */
  readonly saveBestOnly: boolean;
  /** Whether `saveWeights` is called instead of `save`. */
  readonly saveWeightsOnly: boolean;
  /** The direction of improvement, resolved from `auto` at construction. */
  readonly mode: 'min' | 'max';
  /** `epoch`, or the number of training batches between saves. */
  readonly saveFreq: 'epoch' | number;
  /** The best monitored value saved so far. */
  best: number;
  private currentEpoch = 0;
  private batchesSinceSave = 0;

  constructor(args: ModelCheckpointArgs | string) {
    super();
    const a: ModelCheckpointArgs = typeof args === 'string' ? { filepath: args } : args;
    if (typeof a?.filepath !== 'string' || a.filepath === '') throw new Error('ModelCheckpoint: filepath must be a non-empty string');
    this.filepath = a.filepath;
    this.monitor = a.monitor ?? 'val_loss';
    this.verbose = a.verbose ?? 0;
    this.saveBestOnly = a.saveBestOnly ?? false;
    this.saveWeightsOnly = a.saveWeightsOnly ?? false;
    this.mode = resolveMonitorMode('ModelCheckpoint', this.monitor, a.mode ?? 'auto');
    this.saveFreq = a.saveFreq ?? 'epoch';
    if (this.saveFreq !== 'epoch') checkNumber('ModelCheckpoint', 'saveFreq', this.saveFreq, 1, true);
    const threshold = a.initialValueThreshold ?? null;
    this.best = threshold ?? (this.mode === 'min' ? Infinity : -Infinity);
  }

  override onEpochBegin(epoch: number): void {
    this.currentEpoch = epoch;
  }

  override async onTrainBatchEnd(batch: number, logs?: Logs): Promise<void> {
    if (this.saveFreq === 'epoch') return;
    if (++this.batchesSinceSave < this.saveFreq) return;
    this.batchesSinceSave = 0;
    await this.saveModel(this.currentEpoch, batch, logs ?? {});
  }

  override async onEpochEnd(epoch: number, logs?: Logs): Promise<void> {
    if (this.saveFreq === 'epoch') await this.saveModel(epoch, null, logs ?? {});
  }

  /** The URL for `epoch` (0-based) and `logs`, with the placeholders filled in. */
  filepathFor(epoch: number, batch: number | null, logs: Logs): string {
    const values: Record<string, FormatValue> = { ...logs, epoch: epoch + 1 };
    if (batch !== null) values.batch = batch;
    const path = formatFilepath(this.filepath, values);
    return /^[a-z][a-z0-9+.-]*:\/\//i.test(path) ? path : `file://${path}`;
  }

  private async saveModel(epoch: number, batch: number | null, logs: Logs): Promise<void> {
    const model = requireModel('ModelCheckpoint', this.model);
    const url = this.filepathFor(epoch, batch, logs);
    if (this.saveBestOnly) {
      const current = logs[this.monitor];
      if (current === undefined) {
        printMessage(`ModelCheckpoint: can save best model only with '${this.monitor}' available in the logs (available: ${Object.keys(logs).join(', ') || 'none'}); skipping`);
        return;
      }
      const improved = this.mode === 'min' ? current < this.best : current > this.best;
      if (!improved) {
        if (this.verbose > 0) printMessage(`Epoch ${epoch + 1}: ${this.monitor} did not improve from ${this.best.toFixed(5)}`);
        return;
      }
      if (this.verbose > 0) printMessage(`Epoch ${epoch + 1}: ${this.monitor} improved from ${this.best.toFixed(5)} to ${current.toFixed(5)}, saving model to ${url}`);
      this.best = current;
    } else if (this.verbose > 0) {
      printMessage(`Epoch ${epoch + 1}: saving model to ${url}`);
    }
    if (this.saveWeightsOnly) await model.saveWeights(url);
    else await model.save(url);
  }
}

/**
 * A `ModelCheckpoint` callback.
 * @example
 * const model = st.sequential([st.layers.dense({ units: 1, inputShape: [2] })]);
 * model.compile({ optimizer: 'adam', loss: 'mse' });
 * const checkpoint = st.callbacks.modelCheckpoint({ filepath: 'file://./checkpoints/epoch-{epoch:02d}', saveWeightsOnly: true });
 * await model.fit(st.ones([8, 2]), st.ones([8, 1]), { epochs: 2, verbose: 0, callbacks: [checkpoint] });   // checkpoints/epoch-01, epoch-02
 */
export function modelCheckpoint(args: ModelCheckpointArgs | string): ModelCheckpoint {
  return new ModelCheckpoint(args);
}
