/**
 * Callbacks that change the optimizer's learning rate: ReduceLROnPlateau and
 * LearningRateScheduler. Both add `learning_rate` to each epoch's logs, as Keras does.
 */
import type { Optimizer } from '../optimizers/optimizer.js';
import { Callback, type CallbackModel, type Logs } from './callback.js';
import { checkNumber, printMessage, requireModel, resolveMonitorMode, type MonitorMode } from './util.js';

function requireOptimizer(callback: string, model: CallbackModel | null): Optimizer {
  const optimizer = requireModel(callback, model).optimizer;
  if (!optimizer) throw new Error(`${callback}: the model has no optimizer; compile it first`);
  return optimizer;
}

/** Options of `ReduceLROnPlateau`. */
export interface ReduceLROnPlateauArgs {
  /** The log to watch. Default `val_loss`. */
  monitor?: string;
  /** The learning rate is multiplied by this (< 1). Default 0.1. */
  factor?: number;
  /** Epochs without improvement before reducing. Default 10. */
  patience?: number;
  /** 1 prints each reduction. Default 0. */
  verbose?: 0 | 1;
  /** `min`, `max`, or `auto` (from the monitor's name: losses go down, accuracies up). Default `auto`. */
  mode?: MonitorMode;
  /** A change smaller than this is not an improvement. Default 1e-4. */
  minDelta?: number;
  /** Epochs to wait after a reduction before counting again. Default 0. */
  cooldown?: number;
  /** The learning rate never goes below this. Default 0. */
  minLr?: number;
}

/** Reduces the learning rate by `factor` when `monitor` has not improved for `patience` epochs. */
export class ReduceLROnPlateau extends Callback {
  /** The log watched. */
  readonly monitor: string;
  /** The factor the learning rate is multiplied by. */
  readonly factor: number;
  /** Epochs without improvement before reducing. */
  readonly patience: number;
  /** 1 prints each reduction. */
  readonly verbose: 0 | 1;
  /** The direction of improvement, resolved from `auto` at construction. */
  readonly mode: 'min' | 'max';
  /** The smallest change that counts as an improvement. */
  readonly minDelta: number;
  /** Epochs to wait after a reduction before counting again. */
  readonly cooldown: number;
  /** The lower bound of the learning rate. */
  readonly minLr: number;
  /** Epochs since the last improvement (outside cooldown). */
  wait = 0;
  /** Epochs of cooldown left. */
  cooldownCounter = 0;
  /** The best value seen. */
  best: number;
  private warned = false;

  constructor(args: ReduceLROnPlateauArgs = {}) {
    super();
    this.monitor = args.monitor ?? 'val_loss';
    this.factor = args.factor ?? 0.1;
    if (!(this.factor < 1 && this.factor >= 0)) throw new Error(`ReduceLROnPlateau: factor must be in [0, 1) (it multiplies the learning rate), got ${this.factor}`);
    this.patience = checkNumber('ReduceLROnPlateau', 'patience', args.patience ?? 10, 0, true);
    this.verbose = args.verbose ?? 0;
    this.mode = resolveMonitorMode('ReduceLROnPlateau', this.monitor, args.mode ?? 'auto');
    this.minDelta = checkNumber('ReduceLROnPlateau', 'minDelta', args.minDelta ?? 1e-4, 0);
    this.cooldown = checkNumber('ReduceLROnPlateau', 'cooldown', args.cooldown ?? 0, 0, true);
    this.minLr = checkNumber('ReduceLROnPlateau', 'minLr', args.minLr ?? 0, 0);
    this.best = this.mode === 'min' ? Infinity : -Infinity;
  }

  override onTrainBegin(): void {
    this.best = this.mode === 'min' ? Infinity : -Infinity;
    this.cooldownCounter = 0;
    this.wait = 0;
    this.warned = false;
  }

  /** Whether a reduction happened within the last `cooldown` epochs. */
  inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  override onEpochEnd(epoch: number, logs?: Logs): void {
    const optimizer = requireOptimizer('ReduceLROnPlateau', this.model);
    if (logs) logs.learning_rate = optimizer.learningRate;
    const current = logs?.[this.monitor];
    if (current === undefined) {
      if (!this.warned) printMessage(`ReduceLROnPlateau: '${this.monitor}' is not in the logs (available: ${Object.keys(logs ?? {}).join(', ') || 'none'}); skipping`);
      this.warned = true;
      return;
    }
    if (this.inCooldown()) {
      this.cooldownCounter--;
      this.wait = 0;
    }
    const improved = this.mode === 'min' ? current < this.best - this.minDelta : current > this.best + this.minDelta;
    if (improved) {
      this.best = current;
      this.wait = 0;
    } else if (!this.inCooldown()) {
      this.wait++;
      if (this.wait >= this.patience) {
        const oldLr = optimizer.learningRate;
        // Compared in float32 like Keras, so a rate stored as float32 counts as reaching minLr.
        if (oldLr > Math.fround(this.minLr)) {
          const newLr = Math.max(oldLr * this.factor, this.minLr);
          optimizer.learningRate = newLr;
          if (this.verbose > 0) printMessage(`Epoch ${epoch + 1}: ReduceLROnPlateau reducing learning rate to ${newLr}.`);
          this.cooldownCounter = this.cooldown;
          this.wait = 0;
        }
      }
    }
  }
}

/**
 * A `ReduceLROnPlateau` callback.
 * @example
 * const reduce = st.callbacks.reduceLROnPlateau({ monitor: 'val_loss', factor: 0.5, patience: 2, minLr: 1e-5 });
 */
export function reduceLROnPlateau(args: ReduceLROnPlateauArgs = {}): ReduceLROnPlateau {
  return new ReduceLROnPlateau(args);
}

/** `schedule(epoch, lr)` → the learning rate for `epoch` (0-based). */
export type LearningRateScheduleFn = (epoch: number, learningRate: number) => number | Promise<number>;

/** Options of `LearningRateScheduler`. */
export interface LearningRateSchedulerArgs {
  /** `(epoch, currentLr) => newLr`, called at the start of each epoch. */
  schedule: LearningRateScheduleFn;
  /** 1 prints the learning rate set at each epoch. Default 0. */
  verbose?: 0 | 1;
}

/** Sets the learning rate at the start of each epoch to `schedule(epoch, currentLr)`. */
export class LearningRateScheduler extends Callback {
  /** The function giving each epoch's learning rate. */
  readonly schedule: LearningRateScheduleFn;
  /** 1 prints the learning rate set at each epoch. */
  readonly verbose: 0 | 1;

  constructor(args: LearningRateSchedulerArgs | LearningRateScheduleFn) {
    super();
    const a = typeof args === 'function' ? { schedule: args } : args;
    if (typeof a?.schedule !== 'function') throw new Error('LearningRateScheduler: schedule must be a function (epoch, learningRate) => learningRate');
    this.schedule = a.schedule;
    this.verbose = a.verbose ?? 0;
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    const optimizer = requireOptimizer('LearningRateScheduler', this.model);
    const lr = await this.schedule(epoch, optimizer.learningRate);
    if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0) {
      throw new Error(`LearningRateScheduler: schedule(${epoch}, ${optimizer.learningRate}) must return a finite number ≥ 0, got ${String(lr)}`);
    }
    optimizer.learningRate = lr;
    if (this.verbose > 0) printMessage(`Epoch ${epoch + 1}: LearningRateScheduler setting learning rate to ${lr}.`);
  }

  override onEpochEnd(_epoch: number, logs?: Logs): void {
    if (logs) logs.learning_rate = requireOptimizer('LearningRateScheduler', this.model).learningRate;
  }
}

/**
 * A `LearningRateScheduler` callback.
 * @example
 * const warmup = st.callbacks.learningRateScheduler((epoch, lr) => (epoch < 3 ? 1e-3 * (epoch + 1) : lr));
 */
export function learningRateScheduler(args: LearningRateSchedulerArgs | LearningRateScheduleFn): LearningRateScheduler {
  return new LearningRateScheduler(args);
}
