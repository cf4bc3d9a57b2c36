/**
 * History: records each epoch's logs. `fit` always adds one and returns it.
 */
import { Callback, type Logs } from './callback.js';

/** Records the epoch numbers and every log value per epoch (`history.loss[i]` is epoch i's loss). */
export class History extends Callback {
  /** The epochs seen by the latest `fit` (0-based, so `initialEpoch` shows). */
  epoch: number[] = [];
  /** Each log name's values, one per epoch. */
  history: Record<string, number[]> = {};

  override onTrainBegin(): void {
    this.epoch = [];
  }

  override onEpochEnd(epoch: number, logs?: Logs): void {
    this.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs ?? {})) (this.history[k] ??= []).push(v);
  }
}

/** A `History` callback. */
export function history(): History {
  return new History();
}
