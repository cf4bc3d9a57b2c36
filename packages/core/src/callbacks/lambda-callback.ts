/**
 * LambdaCallback: a callback made of plain functions, for quick one-off hooks.
 */
import { Callback, type Logs } from './callback.js';

type Hook = (logs?: Logs) => void | Promise<void>;
type IndexedHook = (index: number, logs?: Logs) => void | Promise<void>;

/** The functions of a `LambdaCallback`; each is optional and may be async. */
export interface LambdaCallbackArgs {
  /** Called when `fit` starts. */
  onTrainBegin?: Hook;
  /** Called when `fit` ends. */
  onTrainEnd?: Hook;
  /** Called at the start of each epoch, with its 0-based index. */
  onEpochBegin?: IndexedHook;
  /** Called at the end of each epoch, with its index and logs. */
  onEpochEnd?: IndexedHook;
  /** Called before each training batch (Keras' `on_batch_begin`, same as `onTrainBatchBegin`). */
  onBatchBegin?: IndexedHook;
  /** Called after each training batch (Keras' `on_batch_end`, same as `onTrainBatchEnd`). */
  onBatchEnd?: IndexedHook;
  /** Called before each training batch. */
  onTrainBatchBegin?: IndexedHook;
  /** Called after each training batch, with the logs so far. */
  onTrainBatchEnd?: IndexedHook;
  /** Called when an evaluation starts. */
  onTestBegin?: Hook;
  /** Called when an evaluation ends, with its logs. */
  onTestEnd?: Hook;
  /** Called before each evaluation batch. */
  onTestBatchBegin?: IndexedHook;
  /** Called after each evaluation batch. */
  onTestBatchEnd?: IndexedHook;
  /** Called when `predict` starts. */
  onPredictBegin?: Hook;
  /** Called when `predict` ends. */
  onPredictEnd?: Hook;
  /** Called before each prediction batch. */
  onPredictBatchBegin?: IndexedHook;
  /** Called after each prediction batch. */
  onPredictBatchEnd?: IndexedHook;
}

/** Calls the given functions from the matching hooks. */
export class LambdaCallback extends Callback {
  private readonly fns: LambdaCallbackArgs;

  constructor(args: LambdaCallbackArgs = {}) {
    super();
    for (const [name, fn] of Object.entries(args)) {
      if (fn !== undefined && typeof fn !== 'function') throw new Error(`LambdaCallback: ${name} must be a function, got ${typeof fn}`);
    }
    if (args.onBatchBegin && args.onTrainBatchBegin) throw new Error('LambdaCallback: give onBatchBegin or onTrainBatchBegin, not both');
    if (args.onBatchEnd && args.onTrainBatchEnd) throw new Error('LambdaCallback: give onBatchEnd or onTrainBatchEnd, not both');
    this.fns = { ...args };
  }

  override onTrainBegin(logs?: Logs): void | Promise<void> {
    return this.fns.onTrainBegin?.(logs);
  }
  override onTrainEnd(logs?: Logs): void | Promise<void> {
    return this.fns.onTrainEnd?.(logs);
  }
  override onEpochBegin(epoch: number, logs?: Logs): void | Promise<void> {
    return this.fns.onEpochBegin?.(epoch, logs);
  }
  override onEpochEnd(epoch: number, logs?: Logs): void | Promise<void> {
    return this.fns.onEpochEnd?.(epoch, logs);
  }
  override onTrainBatchBegin(batch: number, logs?: Logs): void | Promise<void> {
    return (this.fns.onTrainBatchBegin ?? this.fns.onBatchBegin)?.(batch, logs);
  }
  override onTrainBatchEnd(batch: number, logs?: Logs): void | Promise<void> {
    return (this.fns.onTrainBatchEnd ?? this.fns.onBatchEnd)?.(batch, logs);
  }
  override onTestBegin(logs?: Logs): void | Promise<void> {
    return this.fns.onTestBegin?.(logs);
  }
  override onTestEnd(logs?: Logs): void | Promise<void> {
    return this.fns.onTestEnd?.(logs);
  }
  override onTestBatchBegin(batch: number, logs?: Logs): void | Promise<void> {
    return this.fns.onTestBatchBegin?.(batch, logs);
  }
  override onTestBatchEnd(batch: number, logs?: Logs): void | Promise<void> {
    return this.fns.onTestBatchEnd?.(batch, logs);
  }
  override onPredictBegin(logs?: Logs): void | Promise<void> {
    return this.fns.onPredictBegin?.(logs);
  }
  override onPredictEnd(logs?: Logs): void | Promise<void> {
    return this.fns.onPredictEnd?.(logs);
  }
  override onPredictBatchBegin(batch: number, logs?: Logs): void | Promise<void> {
    return this.fns.onPredictBatchBegin?.(batch, logs);
  }
  override onPredictBatchEnd(batch: number, logs?: Logs): void | Promise<void> {
    return this.fns.onPredictBatchEnd?.(batch, logs);
  }
}

/**
 * A `LambdaCallback`.
 * @example
 * const model = st.sequential([st.layers.dense({ units: 1, inputShape: [2] })]);
 * model.compile({ optimizer: 'sgd', loss: 'mse' });
 * const losses: number[] = [];
 * await model.fit(st.ones([8, 2]), st.ones([8, 1]), {
 *   epochs: 3, verbose: 0,
 *   callbacks: [st.callbacks.lambdaCallback({ onEpochEnd: (epoch, logs) => { losses.push(logs!['loss']!); } })],
 * });
 */
export function lambdaCallback(args: LambdaCallbackArgs = {}): LambdaCallback {
  return new LambdaCallback(args);
}
