/**
 * LambdaCallback: a callback made of plain functions, for quick one-off hooks.
 */
import { Callback, type Logs } from './callback.js';

type Hook = (logs?: Logs) => void | Promise<void>;
type IndexedHook = (index: number, logs?: Logs) => void | Promise<void>;

/** The functions of a `LambdaCallback`; each is optional and may be async. */
export interface LambdaCallbackArgs {
  onTrainBegin?: Hook;
  onTrainEnd?: Hook;
  onEpochBegin?: IndexedHook;
  onEpochEnd?: IndexedHook;
  /** Called before each training batch (Keras' `on_batch_begin`, same as `onTrainBatchBegin`). */
  onBatchBegin?: IndexedHook;
  /** Called after each training batch (Keras' `on_batch_end`, same as `onTrainBatchEnd`). */
  onBatchEnd?: IndexedHook;
  onTrainBatchBegin?: IndexedHook;
  onTrainBatchEnd?: IndexedHook;
  onTestBegin?: Hook;
  onTestEnd?: Hook;
  onTestBatchBegin?: IndexedHook;
  onTestBatchEnd?: IndexedHook;
  onPredictBegin?: Hook;
  onPredictEnd?: Hook;
  onPredictBatchBegin?: IndexedHook;
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

/** A `LambdaCallback`. */
export function lambdaCallback(args: LambdaCallbackArgs = {}): LambdaCallback {
  return new LambdaCallback(args);
}
