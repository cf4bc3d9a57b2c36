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
  epochs: number;
  /** Steps per epoch (null when a dataset's length is unknown). */
  steps: number | null;
  verbose: 0 | 1 | 2;
  /** Names of the logs each epoch reports, e.g. `['loss', 'accuracy', 'val_loss', 'val_accuracy']`. */
  metrics: string[];
  initialEpoch: number;
}

/** The parts of a model callbacks may use. `st.Model` implements it. */
export interface CallbackModel {
  /** Set true to end `fit` after the current batch/epoch. */
  stopTraining: boolean;
  readonly optimizer: Optimizer | null;
  /** Copies of all weight values (the caller disposes them). */
  getWeights(): Tensor[];
  setWeights(values: readonly Tensor[]): void;
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

/** The base of every callback: all hooks do nothing. */
export class Callback {
  model: CallbackModel | null = null;
  params: TrainingParams | null = null;

  setModel(model: CallbackModel): void {
    this.model = model;
  }
  setParams(params: TrainingParams): void {
    this.params = params;
  }
  onTrainBegin(_logs?: Logs): void | Promise<void> {}
  onTrainEnd(_logs?: Logs): void | Promise<void> {}
  onEpochBegin(_epoch: number, _logs?: Logs): void | Promise<void> {}
  onEpochEnd(_epoch: number, _logs?: Logs): void | Promise<void> {}
  onTrainBatchBegin(_batch: number, _logs?: Logs): void | Promise<void> {}
  onTrainBatchEnd(_batch: number, _logs?: Logs): void | Promise<void> {}
  onTestBegin(_logs?: Logs): void | Promise<void> {}
  onTestEnd(_logs?: Logs): void | Promise<void> {}
  onTestBatchBegin(_batch: number, _logs?: Logs): void | Promise<void> {}
  onTestBatchEnd(_batch: number, _logs?: Logs): void | Promise<void> {}
  onPredictBegin(_logs?: Logs): void | Promise<void> {}
  onPredictEnd(_logs?: Logs): void | Promise<void> {}
  onPredictBatchBegin(_batch: number, _logs?: Logs): void | Promise<void> {}
  onPredictBatchEnd(_batch: number, _logs?: Logs): void | Promise<void> {}
}
