/**
 * Timing of one prepared job: warm-up calls, then timed repeats, summarised as median and spread.
 * Platform-neutral (Node and browsers): uses only the global `performance`.
 */

/** Summary of the timed repeats of one job, in milliseconds. */
export interface Timing {
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  /** First and third quartiles (linear interpolation); equal to the median with one repeat. */
  readonly q1Ms: number;
  readonly q3Ms: number;
  readonly repeats: number;
  readonly warmup: number;
  /** True when one call took longer than `slowMs`: that call (the first or, after a slow first one, the second) is the only figure. */
  readonly single: boolean;
  /**
   * Calls per timed repeat: calls much shorter than the timer's resolution (browsers coarsen
   * `performance.now()` to 5–100 µs) are timed in batches; the times above are per call.
   */
  readonly callsPerRepeat: number;
}

/** How long and how often to time a job. */
export interface TimingPlan {
  /** Untimed calls first (compiles code paths, grows heaps, lets V8 tier up). */
  readonly warmup: number;
  /** Also keep warming up until this much time has passed (JS-heavy paths need time, not a count). */
  readonly warmupMs: number;
  /** Most timed repeats. */
  readonly maxRepeats: number;
  /** At least this many repeats, time permitting. */
  readonly minRepeats: number;
  /** Stop repeating (after `minRepeats`) once this much time has been spent timing. */
  readonly budgetMs: number;
  /** A warm-up call slower than this means the job is timed once (keeps plain-JS backends bounded). */
  readonly slowMs: number;
  /** Calls shorter than this are batched so one timed repeat lasts at least this long. */
  readonly minRepeatMs: number;
}

// 500 ms of warm-up: V8 runs wasm on its baseline compiler first and swaps in optimized code only
// after a function has used some time (in a worker thread too); 200 ms left a 2-thread 256³ matMul
// partly unoptimized.
export const FULL_PLAN: TimingPlan = { warmup: 2, warmupMs: 500, maxRepeats: 15, minRepeats: 5, budgetMs: 3000, slowMs: 4000, minRepeatMs: 2 };
export const QUICK_PLAN: TimingPlan = { warmup: 1, warmupMs: 0, maxRepeats: 3, minRepeats: 2, budgetMs: 300, slowMs: 500, minRepeatMs: 0.5 };

/** Cases whose call a smaller size predicts to be longer than this are skipped (see CaseDef.family). */
export const FULL_MAX_CALL_MS = 20_000;
export const QUICK_MAX_CALL_MS = 2_000;

/** A first warm-up call up to this many times `slowMs` is followed by a second one (see timeJob). */
export const FIRST_CALL_GRACE = 4;

/** Quantile `q` in [0, 1] of sorted values, linearly interpolated. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new Error('quantile: no values');
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Summarises repeat times (ms). */
export function summarise(times: readonly number[], warmup: number, single: boolean, callsPerRepeat = 1): Timing {
  const sorted = [...times].sort((a, b) => a - b);
  return {
    medianMs: quantile(sorted, 0.5),
    minMs: sorted[0]!,
    maxMs: sorted[sorted.length - 1]!,
    q1Ms: quantile(sorted, 0.25),
    q3Ms: quantile(sorted, 0.75),
    repeats: sorted.length,
    warmup,
    single,
    callsPerRepeat,
  };
}

/**
 * Times `run` (which must itself wait for its work to complete, e.g. by reading a result back).
 * Each repeat is timed separately so the spread is visible.
 */
export async function timeJob(run: () => unknown, plan: TimingPlan): Promise<Timing> {
  const warmStart = performance.now();
  let warmed = 0;
  let lastMs = 0;
  // (A slow first call always gets the second try below, even when the plan asks for one warm-up.)
  while (warmed < plan.warmup || (warmed === 1 && lastMs > plan.slowMs) || (performance.now() - warmStart < plan.warmupMs && warmed < 1000)) {
    const t = performance.now();
    await run();
    warmed++;
    lastMs = performance.now() - t;
    // Too slow to repeat (plain-JS or software-GPU backends on big cases): the call that crossed
    // the limit is the single figure. A slow FIRST call gets one more try unless it was far over
    // the limit: on GPU backends it is mostly shader compilation, and as the figure it would also
    // mislead the prediction that skips the next size (see CaseDef.family).
    if (lastMs > plan.slowMs && (warmed > 1 || lastMs > plan.slowMs * FIRST_CALL_GRACE)) return summarise([lastMs], warmed, true);
  }
  const calls = lastMs >= plan.minRepeatMs ? 1 : Math.min(10_000, Math.ceil(plan.minRepeatMs / Math.max(lastMs, 0.001)));
  const times: number[] = [];
  const start = performance.now();
  while (times.length < plan.maxRepeats && (times.length < plan.minRepeats || performance.now() - start < plan.budgetMs)) {
    const t = performance.now();
    for (let i = 0; i < calls; i++) await run();
    times.push((performance.now() - t) / calls);
  }
  // A zero time means the calls were below the timer's resolution even in a batch.
  if (times.every((ms) => ms <= 0)) throw new Error('calls too fast for the timer even in batches of 10,000');
  return summarise(times.map((ms) => Math.max(ms, 1e-6)), warmed, false, calls);
}
