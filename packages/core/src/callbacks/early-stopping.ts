/**
 * EarlyStopping: stops `fit` when a monitored value has stopped improving (Keras 3 semantics).
 */
import type { Tensor } from '../tensor/tensor.js';
import { Callback, type Logs } from './callback.js';
import { checkNumber, printMessage, requireModel, resolveMonitorMode, type MonitorMode } from './util.js';

/** Options of `EarlyStopping`. */
export interface EarlyStoppingArgs {
  /** The log to watch. Default `val_loss`. */
  monitor?: string;
  /** A change smaller than this is not an improvement. Default 0. */
  minDelta?: number;
  /** Epochs without improvement before stopping. Default 0. */
  patience?: number;
  /** 1 prints when training stops and when weights are restored. Default 0. */
  verbose?: 0 | 1;
  /** `min`: lower is better; `max`: higher is better; `auto`: from the name. Default `auto`. */
  mode?: MonitorMode;
  /** Training stops unless the monitored value beats this within `patience` epochs. */
  baseline?: number | null;
  /** At the end, set the weights of the best epoch (copies are kept in memory). Default false. */
  restoreBestWeights?: boolean;
  /** Epochs to wait before watching (a warm-up). Default 0. */
  startFromEpoch?: number;
}

/** Stops training (sets `model.stopTraining`) once `monitor` stops improving for `patience` epochs. */
export class EarlyStopping extends Callback {
  /** The log watched. */
  readonly monitor: string;
  /** The smallest change that counts as an improvement. */
  readonly minDelta: number;
  /** Epochs without improvement before stopping. */
  readonly patience: number;
  /** 1 prints when training stops and when weights are restored. */
  readonly verbose: 0 | 1;
  /** The direction of improvement, resolved from `auto` at construction. */
  readonly mode: 'min' | 'max';
  /** The value the monitored log must beat, or null. */
  readonly baseline: number | null;
  /** Whether the best epoch's weights are set when training ends. */
  readonly restoreBestWeights: boolean;
  /** Epochs of warm-up before the monitored value is watched. */
  readonly startFromEpoch: number;
  /** Epochs since the last improvement. */
  wait = 0;
  /** The epoch training stopped at (0 when it did not stop early). */
  stoppedEpoch = 0;
  /** The best value seen, or null before the first. */
  best: number | null = null;
  /** The epoch of `best`. */
  bestEpoch = 0;
  private bestWeights: Tensor[] | null = null;
  private warned = false;

  constructor(args: EarlyStoppingArgs = {}) {
    super();
    this.monitor = args.monitor ?? 'val_loss';
    this.minDelta = Math.abs(checkNumber('EarlyStopping', 'minDelta', args.minDelta ?? 0, -Infinity));
    this.patience = checkNumber('EarlyStopping', 'patience', args.patience ?? 0, 0, true);
    this.verbose = args.verbose ?? 0;
    this.mode = resolveMonitorMode('EarlyStopping', this.monitor, args.mode ?? 'auto');
    this.baseline = args.baseline ?? null;
    if (this.baseline !== null) checkNumber('EarlyStopping', 'baseline', this.baseline, -Infinity);
    this.restoreBestWeights = args.restoreBestWeights ?? false;
    this.startFromEpoch = checkNumber('EarlyStopping', 'startFromEpoch', args.startFromEpoch ?? 0, 0, true);
  }

  override onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = null;
    this.bestEpoch = 0;
    this.warned = false;
    this.dropBestWeights();
  }

  override onEpochEnd(epoch: number, logs?: Logs): void {
    const current = logs?.[this.monitor];
    if (current === undefined) {
      if (!this.warned) printMessage(`EarlyStopping: '${this.monitor}' is not in the logs (available: ${Object.keys(logs ?? {}).join(', ') || 'none'}); skipping`);
      this.warned = true;
      return;
    }
    if (epoch < this.startFromEpoch) return;
    const model = requireModel('EarlyStopping', this.model);
    // Without any improvement, the weights the watch started with are the best ones.
    if (this.restoreBestWeights && this.bestWeights === null) {
      this.bestWeights = model.getWeights();
      this.bestEpoch = epoch;
    }
    this.wait++;
    if (this.isImprovement(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) {
        this.dropBestWeights();
        this.bestWeights = model.getWeights();
      }
      // The wait restarts only when the value beats both the previous best and the baseline.
      if (this.baseline === null || this.isImprovement(current, this.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      model.stopTraining = true;
    }
  }

  override onTrainEnd(): void {
    if (this.stoppedEpoch > 0 && this.verbose > 0) printMessage(`Epoch ${this.stoppedEpoch + 1}: early stopping`);
    if (this.restoreBestWeights && this.bestWeights !== null) {
      if (this.verbose > 0) printMessage(`Restoring model weights from the end of the best epoch: ${this.bestEpoch + 1}.`);
      requireModel('EarlyStopping', this.model).setWeights(this.bestWeights);
      this.dropBestWeights();
    }
  }

  private isImprovement(value: number, reference: number | null): boolean {
    if (reference === null) return true;
    return this.mode === 'min' ? value + this.minDelta < reference : value - this.minDelta > reference;
  }

  private dropBestWeights(): void {
    if (this.bestWeights) for (const w of this.bestWeights) w.dispose();
    this.bestWeights = null;
  }
}

/**
 * An `EarlyStopping` callback.
 * @example
 * const model = st.sequential([st.layers.dense({ units: 1, inputShape: [2] })]);
 * model.compile({ optimizer: 'adam', loss: 'mse' });
 * await model.fit(st.randomNormal([64, 2]), st.randomNormal([64, 1]), {
 *   epochs: 100, validationSplit: 0.25, verbose: 0,
 *   callbacks: [st.callbacks.earlyStopping({ monitor: 'val_loss', patience: 3, restoreBestWeights: true })],
 * });
 */
export function earlyStopping(args: EarlyStoppingArgs = {}): EarlyStopping {
  return new EarlyStopping(args);
}
