/**
 * The Keras 3 progress bar. On a terminal (verbose 1) one line is redrawn in place:
 *
 *     123/938 ━━━━━━━━━━━━━━━━━━━━ 4s 5ms/step - accuracy: 0.8123 - loss: 0.6012
 *
 * showing the ETA while running and the total time once finished. When output is not a terminal
 * (a pipe or a log file), or with verbose 2, only the final line of each epoch is printed:
 *
 *     938/938 - 14s - 15ms/step - accuracy: 0.9312 - loss: 0.2311 - val_accuracy: 0.9601 - val_loss: 0.1377
 */
import { standardOutput, type TextOutput } from '../io/platform.js';
import { Callback, type Logs, type TrainingParams } from './callback.js';

/** Options of `Progbar`. */
export interface ProgbarArgs {
  /** 1: redraw one line on a terminal (one line per run elsewhere); 2: one line per run. Default 1. */
  verbose?: 1 | 2;
  /** Cells in the bar. Default 20. */
  width?: number;
  /** Minimum seconds between redraws, so drawing never dominates a fast step. Default 0.05. */
  interval?: number;
  /** The unit after the time per unit (`5ms/step`). Default `step`. */
  unitName?: string;
  /** Where to write; default `process.stdout` in Node and `console.log` (line by line) elsewhere. */
  output?: TextOutput;
  /** Color the bar with ANSI codes; default: on a terminal unless `NO_COLOR` is set. */
  color?: boolean;
  /** Clock in milliseconds (tests inject a fake one); default `performance.now`. */
  now?: () => number;
}

const ESC = '\x1b[';

/** A writer that sends complete lines to `console.log`, for environments without stdout. */
function consoleOutput(): TextOutput {
  let pending = '';
  return {
    isTTY: false,
    write(text: string): void {
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      const c = (globalThis as { console?: { log(text: string): void } }).console;
      for (const line of lines) c?.log(line);
    },
  };
}

function defaultClock(): () => number {
  const perf = (globalThis as { performance?: { now(): number } }).performance;
  return perf ? () => perf.now() : () => Date.now();
}

function noColorRequested(): boolean {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.NO_COLOR !== undefined && env.NO_COLOR !== '';
}

/** A metric value as Keras prints it: 4 decimals, or scientific notation when tiny. @internal */
export function formatLogValue(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (v === 0 || Math.abs(v) > 1e-3) return v.toFixed(4);
  // Python's `.4e` writes at least two exponent digits: 1.2345e-05.
  return v.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2');
}

/** Seconds per unit as `2s/step`, `15ms/step` or `80us/step`. */
function formatTimePerUnit(seconds: number, unit: string): string {
  if (seconds >= 1 || seconds === 0) return `${Math.round(seconds)}s/${unit}`;
  if (seconds >= 1e-3) return `${Math.round(seconds * 1e3)}ms/${unit}`;
  return `${Math.round(seconds * 1e6)}us/${unit}`;
}

/** Remaining seconds as `42s`, `3:07` or `1:02:03`. */
function formatEta(seconds: number): string {
  const s = Math.floor(seconds);
  if (s > 3600) return `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  if (s > 60) return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  return `${s}s`;
}

/** A progress bar for loops with a known or unknown number of steps (Keras `utils.Progbar`). */
export class Progbar {
  /** Total steps, or null when unknown (a counter is shown instead of a bar). */
  target: number | null;
  /** 1 redraws one line on a terminal; 2 prints one line per run. */
  readonly verbose: 1 | 2;
  /** Cells in the bar. */
  readonly width: number;
  /** Minimum seconds between redraws. */
  readonly interval: number;
  /** The unit after the time per unit (`5ms/step`). */
  readonly unitName: string;
  private readonly output: TextOutput;
  private readonly dynamic: boolean;
  private readonly color: boolean;
  private readonly now: () => number;
  private readonly start: number;
  private lastUpdate = -Infinity;
  private timeAfterFirstStep: number | null = null;
  private prevWidth = 0;
  private values: [string, number][] = [];
  private finished = false;

  constructor(target: number | null, args: ProgbarArgs = {}) {
    if (target !== null && !(Number.isInteger(target) && target >= 0)) {
      throw new Error(`Progbar: target must be a non-negative integer or null, got ${String(target)}`);
    }
    this.target = target;
    this.verbose = args.verbose ?? 1;
    if (this.verbose !== 1 && this.verbose !== 2) throw new Error(`Progbar: verbose must be 1 or 2, got ${String(this.verbose)}`);
    this.width = args.width ?? 20;
    if (!(Number.isInteger(this.width) && this.width > 0)) throw new Error(`Progbar: width must be a positive integer, got ${this.width}`);
    this.interval = args.interval ?? 0.05;
    this.unitName = args.unitName ?? 'step';
    this.output = args.output ?? standardOutput() ?? consoleOutput();
    this.dynamic = this.verbose === 1 && this.output.isTTY === true;
    this.color = args.color ?? (this.dynamic && !noColorRequested());
    this.now = args.now ?? defaultClock();
    this.start = this.now();
  }

  /**
   * Shows progress at step `current` with `values` (shown in the given order). `finalize`
   * (default: `current >= target`) prints the final line with the total time.
   */
  update(current: number, values?: Logs | readonly (readonly [string, number])[], finalize?: boolean): void {
    const done = finalize ?? (this.target !== null && current >= this.target);
    if (values) this.values = (Array.isArray(values) ? values : Object.entries(values)).map(([k, v]) => [k, v] as [string, number]);
    const now = this.now();
    const perUnit = this.estimateStepDuration(current, now);
    if (this.finished) return;
    if (!done && (!this.dynamic || now - this.lastUpdate < this.interval * 1000)) return;
    this.lastUpdate = now;
    const elapsed = (now - this.start) / 1000;
    const metrics = this.values.map(([k, v]) => ` - ${k}: ${formatLogValue(v)}`).join('');
    const target = this.target;
    const count = target === null ? `${String(current).padStart(7)}/Unknown` : `${String(current).padStart(String(target).length)}/${target}`;
    if (!this.dynamic) {
      this.output.write(`${count} - ${Math.round(elapsed)}s - ${formatTimePerUnit(perUnit, this.unitName)}${metrics}\n`);
      this.finished = true;
      return;
    }
    let bar = '';
    if (target !== null) {
      const filled = target === 0 ? this.width : Math.min(this.width, Math.floor((this.width * current) / target));
      const rest = this.width - filled;
      bar = this.color
        ? ` ${filled > 0 ? `${ESC}32m${'━'.repeat(filled)}${ESC}0m` : ''}${rest > 0 ? `${ESC}37m${'━'.repeat(rest)}${ESC}0m` : ''}`
        : ` ${'━'.repeat(filled)}${'─'.repeat(rest)}`;
    }
    const time = done || target === null ? `${Math.round(elapsed)}s` : formatEta(perUnit * (target - current));
    let info = ` ${time} ${formatTimePerUnit(perUnit, this.unitName)}${metrics}`;
    const barWidth = target === null ? 0 : this.width + 1;
    let width = count.length + barWidth + info.length;
    // A line wider than the terminal wraps and `\r` can no longer redraw it: cut the tail.
    const columns = this.output.columns;
    if (columns !== undefined && columns > 0 && width > columns - 1) {
      info = info.slice(0, Math.max(0, columns - 1 - count.length - barWidth));
      width = count.length + barWidth + info.length;
    }
    const pad = this.prevWidth > width ? ' '.repeat(this.prevWidth - width) : '';
    this.output.write(`\r${count}${bar}${info}${pad}${done ? '\n' : ''}`);
    this.prevWidth = width;
    if (done) this.finished = true;
  }

  /** Seconds per step, leaving out the first step (warm-up) once there are others. */
  private estimateStepDuration(current: number, now: number): number {
    if (current <= 0) return 0;
    const perUnit = this.timeAfterFirstStep !== null && current > 1
      ? (now - this.timeAfterFirstStep) / 1000 / (current - 1)
      : (now - this.start) / 1000 / current;
    if (current === 1 && this.timeAfterFirstStep === null) this.timeAfterFirstStep = now;
    return perUnit;
  }
}

/** Options of `ProgbarLogger` (all optional; `fit` adds one with the defaults). */
export type ProgbarLoggerArgs = Omit<ProgbarArgs, 'verbose' | 'unitName'>;

/** Orders logs as Keras shows them: training logs by name, then validation logs by name. */
function orderLogs(logs: Logs | undefined): [string, number][] {
  const entries = Object.entries(logs ?? {});
  const train = entries.filter(([k]) => !k.startsWith('val_')).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const val = entries.filter(([k]) => k.startsWith('val_')).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return [...train, ...val];
}

/**
 * Prints `fit`'s progress (and `evaluate`'s and `predict`'s when called on their own) with
 * `Progbar`, following `params.verbose`: 0 prints nothing, 1 the redrawn bar on a terminal, 2 (or
 * 1 when not on a terminal) one line per epoch. Like Keras 3, `Epoch i/n` is printed before each
 * epoch when there is more than one.
 */
export class ProgbarLogger extends Callback {
  private readonly args: ProgbarLoggerArgs;
  private readonly output: TextOutput;
  private progbar: Progbar | null = null;
  private target: number | null = null;
  private verbose: 0 | 1 | 2 = 1;
  private epochs = 1;
  private seen = 0;
  private calledInFit = false;

  constructor(args: ProgbarLoggerArgs = {}) {
    super();
    this.args = args;
    this.output = args.output ?? standardOutput() ?? consoleOutput();
  }

  override setParams(params: TrainingParams): void {
    super.setParams(params);
    this.verbose = params.verbose;
    this.epochs = params.epochs;
    // Infinity (a repeated dataset) counts as unknown: there is no end to show.
    this.target = params.steps !== null && Number.isFinite(params.steps) ? params.steps : null;
  }

  override onTrainBegin(): void {
    this.calledInFit = true;
  }

  override onTrainEnd(): void {
    this.calledInFit = false;
  }

  override onEpochBegin(epoch: number): void {
    this.resetProgbar();
    if (this.verbose > 0 && this.epochs > 1) this.output.write(`Epoch ${epoch + 1}/${this.epochs}\n`);
  }

  override onTrainBatchEnd(batch: number, logs?: Logs): void {
    this.updateProgbar(batch, logs);
  }

  override onEpochEnd(_epoch: number, logs?: Logs): void {
    this.finalizeProgbar(logs);
  }

  override onTestBegin(): void {
    if (!this.calledInFit) this.resetProgbar();
  }

  override onTestBatchEnd(batch: number, logs?: Logs): void {
    if (!this.calledInFit) this.updateProgbar(batch, logs);
  }

  override onTestEnd(logs?: Logs): void {
    if (!this.calledInFit) this.finalizeProgbar(logs);
  }

  override onPredictBegin(): void {
    this.resetProgbar();
  }

  override onPredictBatchEnd(batch: number): void {
    this.updateProgbar(batch, undefined);
  }

  override onPredictEnd(): void {
    this.finalizeProgbar(undefined);
  }

  /** Starts a new bar (its clock starts now, at the epoch's or run's beginning). */
  private resetProgbar(): void {
    this.seen = 0;
    this.progbar = this.verbose === 0 ? null : new Progbar(this.target, { ...this.args, output: this.output, verbose: this.verbose, unitName: 'step' });
  }

  private ensureProgbar(): Progbar | null {
    if (this.progbar === null && this.verbose !== 0) this.resetProgbar();
    return this.progbar;
  }

  private updateProgbar(batch: number, logs: Logs | undefined): void {
    const bar = this.ensureProgbar();
    this.seen = batch + 1;
    bar?.update(this.seen, orderLogs(logs), false);
  }

  private finalizeProgbar(logs: Logs | undefined): void {
    const bar = this.ensureProgbar();
    // With unknown steps, the first epoch's count becomes the target of the following ones.
    if (this.target === null) this.target = this.seen;
    if (bar) {
      bar.target = this.target;
      bar.update(this.target, orderLogs(logs), true);
    }
  }
}

/** A `ProgbarLogger` callback (`fit` adds one by itself when `verbose` > 0). */
export function progbarLogger(args: ProgbarLoggerArgs = {}): ProgbarLogger {
  return new ProgbarLogger(args);
}
