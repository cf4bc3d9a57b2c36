/**
 * CallbackList: one object that forwards every hook to a list of callbacks, in order, awaiting
 * the ones that return promises (what `fit`, `evaluate` and `predict` call).
 */
import { Callback, type CallbackModel, type Logs, type TrainingParams } from './callback.js';
import { History } from './history.js';
import { ProgbarLogger } from './progbar.js';

/** Options of `CallbackList`. */
export interface CallbackListArgs {
  /** Append a `History` (unless the list already has one); `fit` returns it. */
  addHistory?: boolean;
  /** Put a `ProgbarLogger` first (unless the list already has one); it prints when `params.verbose` > 0. */
  addProgbar?: boolean;
  /** Set as every callback's model at once. */
  model?: CallbackModel;
  /** Set as every callback's params at once. */
  params?: TrainingParams;
}

type Hook = (cb: Callback) => void | Promise<void>;

/** Forwards each hook to every callback in order; a hook finishes once every callback's has. */
export class CallbackList extends Callback {
  /** The callbacks, in the order their hooks run. */
  readonly callbacks: Callback[];

  constructor(callbacks: readonly Callback[] = [], args: CallbackListArgs = {}) {
    super();
    if (!Array.isArray(callbacks)) throw new Error('CallbackList: callbacks must be an array of Callback objects');
    callbacks.forEach((cb, i) => {
      if (cb === null || typeof cb !== 'object' || typeof (cb as Partial<Callback>).onEpochEnd !== 'function') {
        throw new Error(`CallbackList: callbacks[${i}] is not a Callback (extend st.Callback or use st.callbacks.lambdaCallback)`);
      }
    });
    this.callbacks = [...callbacks];
    if (args.addProgbar && !this.callbacks.some((cb) => cb instanceof ProgbarLogger)) this.callbacks.unshift(new ProgbarLogger());
    if (args.addHistory && !this.callbacks.some((cb) => cb instanceof History)) this.callbacks.push(new History());
    if (args.model) this.setModel(args.model);
    if (args.params) this.setParams(args.params);
  }

  /** Adds a callback at the end (it gets the list's model and params). */
  append(callback: Callback): void {
    this.callbacks.push(callback);
    if (this.model) callback.setModel(this.model);
    if (this.params) callback.setParams(this.params);
  }

  /** The list's `History`, if it has one. */
  get history(): History | null {
    return (this.callbacks.find((cb) => cb instanceof History) as History | undefined) ?? null;
  }

  override setModel(model: CallbackModel): void {
    super.setModel(model);
    for (const cb of this.callbacks) cb.setModel(model);
  }

  override setParams(params: TrainingParams): void {
    super.setParams(params);
    for (const cb of this.callbacks) cb.setParams(params);
  }

  /** Runs `hook` on each callback in turn; only waits where a callback returned a promise. */
  private async each(hook: Hook): Promise<void> {
    for (const cb of this.callbacks) {
      const result = hook(cb);
      if (result !== undefined) await result;
    }
  }

  override onTrainBegin(logs?: Logs): Promise<void> {
    return this.each((cb) => cb.onTrainBegin(logs));
  }
  override onTrainEnd(logs?: Logs): Promise<void> {
    return this.each((cb) => cb.onTrainEnd(logs));
  }
  override onEpochBegin(epoch: number, logs?: Logs): Promise<void> {
    return this.each((cb) => cb.onEpochBegin(epoch, logs));
  }
  override onEpochEnd(epoch: number, logs?: Logs): Promise<void> {
    return this.each((cb) => cb.onEpochEnd(epoch, logs));
  }
  override onTrainBatchBegin(batch: number, logs?: Logs): Promise<void> {
    return this.each((cb) => cb.onTrainBatchBegin(batch, logs));
  }
  override onTrainBatchEnd(batch: number, logs?: Logs): Promise<void> {
    return this.each((cb) => cb.onTrainBatchEnd(batch, logs));
  }
  override onTestBegin(logs?: Logs): Promise<void> {
    return this.each((cb) => cb.onTestBegin(logs));
  }
  override onTestEnd(logs?: Logs): Promise<void> {
    return this.each((cb) => cb.onTestEnd(logs));
  }
  override onTestBatchBegin(batch: number, logs?: Logs): Promise<void> {
    return this.each((cb) => cb.onTestBatchBegin(batch, logs));
  }
  override onTestBatchEnd(batch: number, logs?: Logs): Promise<void> {
    return this.each((cb) => cb.onTestBatchEnd(batch, logs));
  }
  override onPredictBegin(logs?: Logs): Promise<void> {
    return this.each((cb) => cb.onPredictBegin(logs));
  }
  override onPredictEnd(logs?: Logs): Promise<void> {
    return this.each((cb) => cb.onPredictEnd(logs));
  }
  override onPredictBatchBegin(batch: number, logs?: Logs): Promise<void> {
    return this.each((cb) => cb.onPredictBatchBegin(batch, logs));
  }
  override onPredictBatchEnd(batch: number, logs?: Logs): Promise<void> {
    return this.each((cb) => cb.onPredictBatchEnd(batch, logs));
  }
}
