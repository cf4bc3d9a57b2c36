/**
 * The Callback contract (Keras): hooks called by `fit`, `evaluate` and `predict`. Hooks may be
 * async; the training loop awaits them.
 */
import type { Tensor } from '../tensor/tensor.js';
import type { Optimizer } from '../optimizers/optimizer.js';

/** Metric values by name (`loss`, `accuracy`, `val_loss`, ...). */
export type Logs = Record<string, number>;

/** What `fit` tells callbacks before training. */
export interface TrainingParams {
  /** The epoch `fit` stops before (`initialEpoch` counts towards it, as in Keras). */
  epochs: number;
  /** Steps per epoch (null when a dataset's length is unknown). */
  steps: number | null;
  /** 0 silent, 1 progress bar, 2 one line per epoch. */
  verbose: 0 | 1 | 2;
  /** Names of the logs each epoch reports, e.g. `['loss', 'accuracy', 'val_loss', 'val_accuracy']`. */
  metrics: string[];
  /** The epoch training starts at (0 unless resuming). */
  initialEpoch: number;
}

/** The parts of a model callbacks may use. `st.Model` implements it. */
export interface CallbackModel {
  /** Set true to end `fit` after the current batch/epoch. */
  stopTraining: boolean;
  /** The optimizer given to `compile` (null before `compile`). */
  readonly optimizer: Optimizer | null;
  /** Copies of all weight values (the caller disposes them). */
  getWeights(): Tensor[];
  /** Sets all weight values, in `weights` order. */
  setWeights(values: readonly Tensor[]): void;
  /** The model's weight variables (trainable first). */
  readonly weights: readonly Tensor[];
  /** Saves the model (TensorFlow.js Layers format) to a URL like `file://dir`. */
  save(url: string): Promise<unknown>;
  /** Saves only the weights to a URL like `file://dir`. */
  saveWeights(url: string): Promise<unknown>;
  /**
   * @internal Set by `BackupAndRestore` during `onTrainBegin`: the epoch `fit` resumes at.
   */
  resumeFromEpoch: number | null;
}

/**
 * The base of every callback: all hooks do nothing. Subclass it and override the hooks you need;
 * pass instances in `callbacks` of `fit`, `evaluate` or `predict`.
 * @example
 * class PrintLoss extends st.Callback {
 *   override onEpochEnd(epoch: number, logs?: st.Logs) {
 *     console.log(`epoch ${epoch + 1}: loss ${logs?.['loss']?.toFixed(4)}`);
 *   }
 * }
 * await model.fit(x, y, { epochs: 5, verbose: 0, callbacks: [new PrintLoss()] });
 */
export class Callback {
  /** The model being trained, evaluated or run (set by `fit`/`evaluate`/`predict`). */
  model: CallbackModel | null = null;
  /** What `fit` told the callbacks (epochs, steps, metric names); null outside `fit`. */
  params: TrainingParams | null = null;

  /** Called by the training loop before any hook, with the model it runs. */
  setModel(model: CallbackModel): void {
    this.model = model;
  }
  /** Called by `fit` before `onTrainBegin`, with the run's parameters. */
  setParams(params: TrainingParams): void {
    this.params = params;
  }
  /** Called once when `fit` starts. */
  onTrainBegin(_logs?: Logs): void | Promise<void> {}
  /** Called once when `fit` ends (also after an early stop). */
  onTrainEnd(_logs?: Logs): void | Promise<void> {}
  /** Called at the start of each epoch (0-based). */
  onEpochBegin(_epoch: number, _logs?: Logs): void | Promise<void> {}
  /** Called at the end of each epoch with its mean training logs and, with validation, `val_*` logs. */
  onEpochEnd(_epoch: number, _logs?: Logs): void | Promise<void> {}
  /** Called before each training batch (0-based within the epoch). */
  onTrainBatchBegin(_batch: number, _logs?: Logs): void | Promise<void> {}
  /** Called after each training batch with the loss and metrics so far in this epoch. */
  onTrainBatchEnd(_batch: number, _logs?: Logs): void | Promise<void> {}
  /** Called when `evaluate` (or `fit`'s validation) starts. */
  onTestBegin(_logs?: Logs): void | Promise<void> {}
  /** Called when `evaluate` (or `fit`'s validation) ends, with its logs. */
  onTestEnd(_logs?: Logs): void | Promise<void> {}
  /** Called before each evaluation batch. */
  onTestBatchBegin(_batch: number, _logs?: Logs): void | Promise<void> {}
  /** Called after each evaluation batch with the running logs. */
  onTestBatchEnd(_batch: number, _logs?: Logs): void | Promise<void> {}
  /** Called when `predict` starts. */
  onPredictBegin(_logs?: Logs): void | Promise<void> {}
  /** Called when `predict` ends. */
  onPredictEnd(_logs?: Logs): void | Promise<void> {}
  /** Called before each prediction batch. */
  onPredictBatchBegin(_batch: number, _logs?: Logs): void | Promise<void> {}
  /** Called after each prediction batch. */
  onPredictBatchEnd(_batch: number, _logs?: Logs): void | Promise<void> {}
}
