/**
 * Helpers shared by the built-in callbacks: printing, and which direction of a monitored value
 * counts as an improvement.
 */
import { standardOutput } from '../io/platform.js';

/** Prints one line: on stdout in Node, with `console.log` elsewhere. @internal */
export function printMessage(text: string): void {
  const out = standardOutput();
  if (out) {
    out.write(`${text}\n`);
    return;
  }
  const c = (globalThis as { console?: { log(text: string): void } }).console;
  c?.log(text);
}

/** Whether a monitored value improves when it goes down (`min`) or up (`max`). */
export type MonitorMode = 'auto' | 'min' | 'max';

// Metric names where larger is better; anything with "loss" or an error/divergence in its name is
// smaller-is-better. Matched on the name without `val_`, case-insensitively, ignoring `_`.
const MAXIMIZED = ['acc', 'auc', 'precision', 'recall', 'f1', 'fbeta', 'r2', 'iou', 'truepositives', 'truenegatives', 'cosinesimilarity', 'learningrate'];
const MINIMIZED = ['loss', 'error', 'mse', 'mae', 'mape', 'msle', 'rmse', 'crossentropy', 'hinge', 'divergence', 'poisson', 'logcosh', 'falsepositives', 'falsenegatives'];

/**
 * Resolves `mode` for `monitor`: `auto` reads the metric name (`loss`, errors → min; accuracy, AUC,
 * precision, ... → max) and asks for an explicit mode when the name says nothing. @internal
 */
export function resolveMonitorMode(callback: string, monitor: string, mode: MonitorMode): 'min' | 'max' {
  if (mode === 'min' || mode === 'max') return mode;
  if (mode !== 'auto') throw new Error(`${callback}: mode must be 'auto', 'min' or 'max', got '${String(mode)}'`);
  const name = monitor.replace(/^val_/, '').toLowerCase().replace(/_/g, '');
  if (name.includes('loss')) return 'min';
  if (MAXIMIZED.some((m) => name.includes(m))) return 'max';
  if (MINIMIZED.some((m) => name.includes(m))) return 'min';
  throw new Error(`${callback}: mode 'auto' cannot tell whether '${monitor}' should go up or down; pass mode: 'min' or 'max'`);
}

/** Checks an option is a finite number ≥ `min` (an integer when `integer`). @internal */
export function checkNumber(callback: string, name: string, value: number, min: number, integer = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    throw new Error(`${callback}: ${name} must be ${integer ? 'an integer' : 'a finite number'} ≥ ${min}, got ${String(value)}`);
  }
  return value;
}

/** The model, or a clear error when a callback is used outside `fit`. @internal */
export function requireModel<M>(callback: string, model: M | null): M {
  if (model === null) throw new Error(`${callback}: no model set; callbacks are used through model.fit (or call setModel first)`);
  return model;
}
