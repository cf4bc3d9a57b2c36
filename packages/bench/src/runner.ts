/**
 * Runs a suite's cases over the targets: activates each target's backend, prepares the case,
 * times it, frees it, and computes each Strata target's speed ratio to each anchor.
 * Platform-neutral: the browser mode runs the same code in Chromium.
 */
import type { Job, Libraries } from './libraries.js';
import { timeJob } from './stats.js';
import type { TimingPlan } from './stats.js';
import { higherIsBetter } from './types.js';
import type { CaseReport, CaseResult, Library, MeasuredResult, SuiteName, Target, Unit } from './types.js';

export interface PrepareContext {
  readonly libs: Libraries;
  readonly target: Target;
  readonly quick: boolean;
}

export interface CaseDef {
  readonly name: string;
  readonly unit: Unit;
  readonly work: CaseReport['work'];
  /**
   * Cases of one family (e.g. matMul sizes) in growing size: a target whose figure on a smaller
   * one predicts a call longer than the run's limit is skipped, with the prediction as reason.
   */
  readonly family?: string;
  /** One preparer per library that has this computation; other targets are left out of the case. */
  readonly prepare: Partial<Record<Library, (ctx: PrepareContext) => Job | Promise<Job>>>;
  /** Cases that time themselves (e.g. a whole epoch through `fit`) measure here instead. */
  readonly measure?: Partial<Record<Library, (ctx: PrepareContext) => Promise<MeasuredResult>>>;
}

export interface RunOptions {
  readonly plan: TimingPlan;
  /** Longest predicted single call (ms) worth running; see CaseDef.family. */
  readonly maxCallMs?: number;
  readonly quick: boolean;
  /** Called before each (case, target) measurement. */
  readonly onStep?: (caseName: string, target: Target) => void;
  /**
   * Called after a target is activated and before its case is prepared: collects the garbage the
   * previous target left, so the runtime's background GC threads do not compete with this one's
   * threads for the cores while it is timed.
   */
  readonly quiesce?: () => Promise<void>;
}

/** The figure in `unit` for one call of `ms` milliseconds. */
export function figure(unit: Unit, work: CaseReport['work'], ms: number): number {
  switch (unit) {
    case 'GFLOP/s': return (work.flops ?? 0) / ms / 1e6;
    case 'GB/s': return (work.bytes ?? 0) / ms / 1e6;
    case 'ops/s': return (work.ops ?? 0) / (ms / 1000);
    case 'ms/step': return ms;
    case 's/epoch': return ms / 1000;
  }
}

/** Time of one call predicted from a throughput measured on a smaller case of the same family. */
function predictMs(def: CaseDef, throughput: number): number | undefined {
  if (def.unit === 'GFLOP/s' && def.work.flops !== undefined) return def.work.flops / throughput / 1e6;
  if (def.unit === 'GB/s' && def.work.bytes !== undefined) return def.work.bytes / throughput / 1e6;
  return undefined;
}

/** First line of an error, short enough for a table cell. */
export function errorText(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0]!.slice(0, 160);
}

/** Makes `target` the active backend of its library. */
export async function activate(libs: Libraries, target: Target): Promise<void> {
  if (target.library === 'strata') await libs.st.setBackend(target.backend);
  if (target.library === 'tfjs') {
    if (libs.tf === undefined) throw new Error('TensorFlow.js is not loaded');
    await libs.tf.setBackend(target.backend);
    await libs.tf.ready();
  }
}

/**
 * Speed ratio of `ours` over `theirs` (> 1: ours faster), from their figures, so it holds for
 * throughputs and times alike.
 */
export function speedRatio(unit: Unit, ours: number, theirs: number): number {
  return higherIsBetter(unit) ? ours / theirs : theirs / ours;
}

/** Ratios of every Strata target to every anchor of the same environment that has a figure. */
export function ratiosOf(unit: Unit, results: Readonly<Record<string, CaseResult>>, targets: readonly Target[]): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const s of targets.filter((t) => t.library === 'strata')) {
    const mine = results[s.id];
    if (mine === undefined || !mine.ok) continue;
    for (const a of targets.filter((t) => t.anchor && t.environment === s.environment)) {
      const theirs = results[a.id];
      if (theirs === undefined || !theirs.ok) continue;
      (out[s.id] ??= {})[a.id] = speedRatio(unit, mine.value, theirs.value);
    }
  }
  return out;
}

/** Pause after a collection before timing, for the runtime's sweeper threads to finish. */
const QUIESCE_PAUSE_MS = 100;

/** A `RunOptions.quiesce` step: a full collection with the runtime's `gc` where it has one, then a pause. */
export async function quiesceWith(gc: (() => void) | undefined): Promise<void> {
  gc?.();
  await new Promise((resolve) => setTimeout(resolve, QUIESCE_PAUSE_MS));
}

async function measureOne(def: CaseDef, ctx: PrepareContext, plan: TimingPlan, quiesce?: () => Promise<void>): Promise<CaseResult | undefined> {
  const custom = def.measure?.[ctx.target.library];
  const prepare = def.prepare[ctx.target.library];
  if (custom === undefined && prepare === undefined) return undefined;
  try {
    await activate(ctx.libs, ctx.target);
    await quiesce?.();
    if (custom !== undefined) return await custom(ctx);
    const job = await prepare!(ctx);
    try {
      const timing = await timeJob(() => job.run(), plan);
      return { ok: true, timing, value: figure(def.unit, def.work, timing.medianMs), ...(job.note !== undefined ? { note: job.note } : {}) };
    } finally {
      job.dispose();
    }
  } catch (err) {
    return { ok: false, error: errorText(err) };
  }
}

export async function runCases(suite: SuiteName, defs: readonly CaseDef[], targets: readonly Target[], libs: Libraries, options: RunOptions): Promise<CaseReport[]> {
  const reports: CaseReport[] = [];
  /** Last figure per (family, target), for predicting the next size's call time. */
  const lastInFamily = new Map<string, number>();
  for (const def of defs) {
    const results: Record<string, CaseResult> = {};
    for (const target of targets) {
      if (def.prepare[target.library] === undefined && def.measure?.[target.library] === undefined) continue;
      options.onStep?.(def.name, target);
      const key = `${def.family ?? ''}|${target.id}`;
      const previous = def.family === undefined ? undefined : lastInFamily.get(key);
      const predictedMs = previous === undefined ? undefined : predictMs(def, previous);
      if (predictedMs !== undefined && options.maxCallMs !== undefined && predictedMs > options.maxCallMs) {
        results[target.id] = { ok: false, error: `skipped: about ${(predictedMs / 1000).toFixed(0)} s per call predicted from the previous size (limit ${(options.maxCallMs / 1000).toFixed(0)} s)` };
        continue;
      }
      const r = await measureOne(def, { libs, target, quick: options.quick }, options.plan, options.quiesce);
      if (r !== undefined) results[target.id] = r;
      if (r?.ok && def.family !== undefined) lastInFamily.set(key, r.value);
    }
    reports.push({ suite, name: def.name, unit: def.unit, work: def.work, results, ratios: ratiosOf(def.unit, results, targets) });
  }
  return reports;
}

/** How many (case, target) measurements `runCases` will make: for the progress bar. */
export function countSteps(defs: readonly CaseDef[], targets: readonly Target[]): number {
  let n = 0;
  for (const def of defs) for (const t of targets) if (def.prepare[t.library] !== undefined || def.measure?.[t.library] !== undefined) n++;
  return n;
}
