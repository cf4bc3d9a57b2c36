/**
 * TerminateOnNaN: stops training as soon as a batch's loss is NaN or infinite.
 */
import { Callback, type Logs } from './callback.js';
import { printMessage, requireModel } from './util.js';

/** Sets `model.stopTraining` when `logs.loss` of a training batch is NaN or ±Infinity. */
export class TerminateOnNaN extends Callback {
  override onTrainBatchEnd(batch: number, logs?: Logs): void {
    const loss = logs?.loss;
    if (loss !== undefined && !Number.isFinite(loss)) {
      printMessage(`Batch ${batch}: Invalid loss, terminating training`);
      requireModel('TerminateOnNaN', this.model).stopTraining = true;
    }
  }
}

/**
 * A `TerminateOnNaN` callback.
 * @example
 * const stopQuietly = st.callbacks.terminateOnNaN();   // a NaN loss ends fit without an error
 */
export function terminateOnNaN(): TerminateOnNaN {
  return new TerminateOnNaN();
}
