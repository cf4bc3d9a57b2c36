/**
 * Learning-rate schedules (Keras 3 `keras.optimizers.schedules`): pass one as an optimizer's
 * `learningRate` and the optimizer evaluates it at its step count before every update.
 * Values are computed in float64 from the Keras formulas.
 */
import { registerClass, type ConfigDict } from '../serialization/registry.js';
import { LearningRateSchedule } from './optimizer.js';

export { LearningRateSchedule };

function positive(where: string, name: string, value: number): number {
  if (!(typeof value === 'number' && Number.isFinite(value) && value > 0)) throw new Error(`${where}: ${name} must be a finite number > 0, got ${String(value)}`);
  return value;
}

function finite(where: string, name: string, value: number): number {
  if (!(typeof value === 'number' && Number.isFinite(value))) throw new Error(`${where}: ${name} must be a finite number, got ${String(value)}`);
  return value;
}

/** Arguments of {@link ExponentialDecay} and {@link InverseTimeDecay}. */
interface PeriodDecayArgs {
  /** The learning rate at step 0. */
  initialLearningRate: number;
  /** Steps per decay period, > 0. */
  decaySteps: number;
  /** The decay factor per period. */
  decayRate: number;
  /** Decay in whole periods (`floor(step / decaySteps)`), default false. */
  staircase?: boolean;
  /** The schedule's name. */
  name?: string;
}

/**
 * The base of ExponentialDecay and InverseTimeDecay: the same arguments, checks and config; they
 * differ only in the formula applied to the number of decay periods.
 */
abstract class PeriodDecay extends LearningRateSchedule {
  /** The learning rate at step 0. */
  readonly initialLearningRate: number;
  /** Steps per decay period. */
  readonly decaySteps: number;
  /** The decay factor per period. */
  readonly decayRate: number;
  /** Whether the decay happens in whole periods. */
  readonly staircase: boolean;
  /** The schedule's name. */
  readonly name: string;

  protected constructor(where: string, args: PeriodDecayArgs) {
    super();
    this.initialLearningRate = finite(where, 'initialLearningRate', args?.initialLearningRate);
    this.decaySteps = positive(where, 'decaySteps', args.decaySteps);
    this.decayRate = finite(where, 'decayRate', args.decayRate);
    this.staircase = args.staircase ?? false;
    this.name = args.name ?? where;
  }

  /** `step / decaySteps`, floored with `staircase`. */
  protected periods(step: number): number {
    const p = step / this.decaySteps;
    return this.staircase ? Math.floor(p) : p;
  }

  /** The constructor arguments that rebuild this schedule (JSON only). */
  getConfig(): ConfigDict {
    return { initialLearningRate: this.initialLearningRate, decaySteps: this.decaySteps, decayRate: this.decayRate, staircase: this.staircase, name: this.name };
  }
}

/** Arguments of `ExponentialDecay`. */
export interface ExponentialDecayArgs extends PeriodDecayArgs {}

/** `initialLearningRate · decayRate^(step / decaySteps)` (staircase: the exponent is floored). */
export class ExponentialDecay extends PeriodDecay {
  static override readonly className: string = 'ExponentialDecay';

  constructor(args: ExponentialDecayArgs) {
    super('ExponentialDecay', args);
  }

  value(step: number): number {
    return this.initialLearningRate * this.decayRate ** this.periods(step);
  }
}
registerClass('schedule', ExponentialDecay);

/** Arguments of `InverseTimeDecay`. */
export interface InverseTimeDecayArgs extends PeriodDecayArgs {}

/** `initialLearningRate / (1 + decayRate · step / decaySteps)` (staircase: the ratio is floored). */
export class InverseTimeDecay extends PeriodDecay {
  static override readonly className: string = 'InverseTimeDecay';

  constructor(args: InverseTimeDecayArgs) {
    super('InverseTimeDecay', args);
  }

  value(step: number): number {
    return this.initialLearningRate / (1 + this.decayRate * this.periods(step));
  }
}
registerClass('schedule', InverseTimeDecay);

/** Arguments of `PiecewiseConstantDecay`. */
export interface PiecewiseConstantDecayArgs {
  /** Increasing step numbers where the rate changes. */
  boundaries: readonly number[];
  /** One more value than boundaries. */
  values: readonly number[];
  /** The schedule's name. */
  name?: string;
}

/**
 * `values[0]` while `step ≤ boundaries[0]`, `values[i]` while
 * `boundaries[i−1] < step ≤ boundaries[i]`, and the last value after the last boundary.
 */
export class PiecewiseConstantDecay extends LearningRateSchedule {
  static override readonly className: string = 'PiecewiseConstantDecay';
  /** Step numbers where the rate changes. */
  readonly boundaries: readonly number[];
  /** The rate before the first boundary, between boundaries, and after the last. */
  readonly values: readonly number[];
  /** The schedule's name. */
  readonly name: string;

  constructor(args: PiecewiseConstantDecayArgs) {
    super();
    const w = 'PiecewiseConstantDecay';
    const { boundaries, values } = args ?? ({} as PiecewiseConstantDecayArgs);
    if (!Array.isArray(boundaries) || !Array.isArray(values) || boundaries.length !== values.length - 1) {
      throw new Error(`${w}: boundaries must have one element fewer than values; got boundaries ${JSON.stringify(boundaries)} ` +
        `(length ${Array.isArray(boundaries) ? boundaries.length : 'none'}) and values ${JSON.stringify(values)} (length ${Array.isArray(values) ? values.length : 'none'})`);
    }
    boundaries.forEach((b, i) => {
      finite(w, `boundaries[${i}]`, b);
      if (i > 0 && !(b > boundaries[i - 1]!)) throw new Error(`${w}: boundaries must increase, got ${JSON.stringify(boundaries)}`);
    });
    values.forEach((v, i) => finite(w, `values[${i}]`, v));
    this.boundaries = Object.freeze([...boundaries]);
    this.values = Object.freeze([...values]);
    this.name = args.name ?? w;
  }

  value(step: number): number {
    const i = this.boundaries.findIndex((b) => step <= b);
    return this.values[i === -1 ? this.values.length - 1 : i]!;
  }

  /** The constructor arguments that rebuild this schedule (JSON only). */
  getConfig(): ConfigDict {
    return { boundaries: [...this.boundaries], values: [...this.values], name: this.name };
  }
}
registerClass('schedule', PiecewiseConstantDecay);

/** Arguments of `PolynomialDecay`. */
export interface PolynomialDecayArgs {
  /** The learning rate at step 0. */
  initialLearningRate: number;
  /** Steps to reach `endLearningRate`, > 0. */
  decaySteps: number;
  /** Default 0.0001. */
  endLearningRate?: number;
  /** Default 1 (linear). */
  power?: number;
  /** Restart the decay every `decaySteps`-multiple (default false: stay at the end rate). */
  cycle?: boolean;
  /** The schedule's name. */
  name?: string;
}

/**
 * `(initial − end)·(1 − s/D)^power + end`, with `s = min(step, decaySteps)` and `D = decaySteps`;
 * with `cycle`, `s = step` and `D = decaySteps·ceil(step/decaySteps)` (1 period at step 0).
 */
export class PolynomialDecay extends LearningRateSchedule {
  static override readonly className: string = 'PolynomialDecay';
  /** The learning rate at step 0. */
  readonly initialLearningRate: number;
  /** Steps to reach `endLearningRate`. */
  readonly decaySteps: number;
  /** The rate at the end of the decay. */
  readonly endLearningRate: number;
  /** The polynomial's power. */
  readonly power: number;
  /** Whether the decay restarts every `decaySteps`-multiple. */
  readonly cycle: boolean;
  /** The schedule's name. */
  readonly name: string;

  constructor(args: PolynomialDecayArgs) {
    super();
    const w = 'PolynomialDecay';
    this.initialLearningRate = finite(w, 'initialLearningRate', args?.initialLearningRate);
    this.decaySteps = positive(w, 'decaySteps', args.decaySteps);
    this.endLearningRate = finite(w, 'endLearningRate', args.endLearningRate ?? 0.0001);
    this.power = finite(w, 'power', args.power ?? 1);
    this.cycle = args.cycle ?? false;
    this.name = args.name ?? w;
  }

  value(step: number): number {
    let s = step;
    let d = this.decaySteps;
    if (this.cycle) d *= s === 0 ? 1 : Math.ceil(s / this.decaySteps);
    else s = Math.min(s, d);
    return (this.initialLearningRate - this.endLearningRate) * (1 - s / d) ** this.power + this.endLearningRate;
  }

  /** The constructor arguments that rebuild this schedule (JSON only). */
  getConfig(): ConfigDict {
    return {
      initialLearningRate: this.initialLearningRate, decaySteps: this.decaySteps, endLearningRate: this.endLearningRate,
      power: this.power, cycle: this.cycle, name: this.name,
    };
  }
}
registerClass('schedule', PolynomialDecay);

/** Arguments of `CosineDecay`. */
export interface CosineDecayArgs {
  /** The learning rate at step 0. */
  initialLearningRate: number;
  /** Steps of the cosine decay (after the warmup), > 0. */
  decaySteps: number;
  /** The floor, as a fraction of the decay's starting rate (default 0). */
  alpha?: number;
  /** With warmup: the rate reached linearly from `initialLearningRate` after `warmupSteps` (default null: no warmup). */
  warmupTarget?: number | null;
  /** Warmup length in steps (default 0). */
  warmupSteps?: number;
  /** The schedule's name. */
  name?: string;
}

/**
 * Cosine decay with optional linear warmup. Without `warmupTarget`:
 * `initial·((1 − α)·½(1 + cos(π·min(step, D)/D)) + α)` with `D = decaySteps`. With it: for
 * `step < warmupSteps`, `initial + (target − initial)·step/warmupSteps`; afterwards the cosine decay
 * from `target` over `step − warmupSteps` (capped at `D`).
 */
export class CosineDecay extends LearningRateSchedule {
  static override readonly className: string = 'CosineDecay';
  /** The learning rate at step 0. */
  readonly initialLearningRate: number;
  /** Steps of the cosine decay (after the warmup). */
  readonly decaySteps: number;
  /** The floor, as a fraction of the decay's starting rate. */
  readonly alpha: number;
  /** The rate reached after the warmup, or null for no warmup. */
  readonly warmupTarget: number | null;
  /** Warmup length in steps. */
  readonly warmupSteps: number;
  /** The schedule's name. */
  readonly name: string;

  constructor(args: CosineDecayArgs) {
    super();
    const w = 'CosineDecay';
    this.initialLearningRate = finite(w, 'initialLearningRate', args?.initialLearningRate);
    this.decaySteps = positive(w, 'decaySteps', args.decaySteps);
    this.alpha = finite(w, 'alpha', args.alpha ?? 0);
    this.warmupTarget = args.warmupTarget === undefined || args.warmupTarget === null ? null : finite(w, 'warmupTarget', args.warmupTarget);
    this.warmupSteps = finite(w, 'warmupSteps', args.warmupSteps ?? 0);
    if (this.warmupSteps < 0) throw new Error(`${w}: warmupSteps must be ≥ 0, got ${this.warmupSteps}`);
    this.name = args.name ?? w;
  }

  private decay(step: number, from: number): number {
    const cosine = 0.5 * (1 + Math.cos(Math.PI * (step / this.decaySteps)));
    return from * ((1 - this.alpha) * cosine + this.alpha);
  }

  value(step: number): number {
    if (this.warmupTarget === null) return this.decay(Math.min(step, this.decaySteps), this.initialLearningRate);
    const s = Math.min(step, this.decaySteps + this.warmupSteps);
    if (s < this.warmupSteps) {
      return (this.warmupTarget - this.initialLearningRate) * (s / this.warmupSteps) + this.initialLearningRate;
    }
    return this.decay(s - this.warmupSteps, this.warmupTarget);
  }

  /** The constructor arguments that rebuild this schedule (JSON only). */
  getConfig(): ConfigDict {
    return {
      initialLearningRate: this.initialLearningRate, decaySteps: this.decaySteps, alpha: this.alpha,
      name: this.name, warmupTarget: this.warmupTarget, warmupSteps: this.warmupSteps,
    };
  }
}
registerClass('schedule', CosineDecay);

/** Arguments of `CosineDecayRestarts`. */
export interface CosineDecayRestartsArgs {
  /** The learning rate at step 0. */
  initialLearningRate: number;
  /** Length of the first period, > 0. */
  firstDecaySteps: number;
  /** Each period is `tMul` times longer than the one before (default 2). */
  tMul?: number;
  /** Each restart starts at `mMul` times the previous starting rate (default 1). */
  mMul?: number;
  /** The floor, as a fraction of `initialLearningRate` (default 0). */
  alpha?: number;
  /** The schedule's name. */
  name?: string;
}

/**
 * SGDR: cosine decay with warm restarts. With `f = step/firstDecaySteps`, the period
 * `i = floor(f)` (tMul 1) or `floor(log(1 − f(1 − tMul))/log(tMul))`, and `f'` the fraction through
 * it: `initial·((1 − α)·½·mMul^i·(1 + cos(π f')) + α)`.
 */
export class CosineDecayRestarts extends LearningRateSchedule {
  static override readonly className: string = 'CosineDecayRestarts';
  /** The learning rate at step 0. */
  readonly initialLearningRate: number;
  /** Length of the first period. */
  readonly firstDecaySteps: number;
  /** Growth of each period's length. */
  readonly tMul: number;
  /** Factor of each restart's starting rate. */
  readonly mMul: number;
  /** The floor, as a fraction of `initialLearningRate`. */
  readonly alpha: number;
  /** The schedule's name. */
  readonly name: string;

  constructor(args: CosineDecayRestartsArgs) {
    super();
    const w = 'CosineDecayRestarts';
    this.initialLearningRate = finite(w, 'initialLearningRate', args?.initialLearningRate);
    this.firstDecaySteps = positive(w, 'firstDecaySteps', args.firstDecaySteps);
    this.tMul = positive(w, 'tMul', args.tMul ?? 2);
    this.mMul = finite(w, 'mMul', args.mMul ?? 1);
    this.alpha = finite(w, 'alpha', args.alpha ?? 0);
    this.name = args.name ?? w;
  }

  value(step: number): number {
    const f = step / this.firstDecaySteps;
    const t = this.tMul;
    let i: number;
    let fraction: number;
    if (t === 1) {
      i = Math.floor(f);
      fraction = f - i;
    } else {
      // Periods before period i sum to (1 − tMul^i)/(1 − tMul) first periods.
      const before = (k: number): number => (1 - t ** k) / (1 - t);
      i = Math.floor(Math.log(1 - f * (1 - t)) / Math.log(t));
      // The log ratio can round to just below an integer exactly at a restart; step to the right period.
      if (Number.isFinite(i)) {
        if (before(i + 1) <= f) i++;
        else if (i > 0 && before(i) > f) i--;
      }
      fraction = (f - before(i)) / t ** i;
    }
    const cosine = 0.5 * this.mMul ** i * (1 + Math.cos(Math.PI * fraction));
    return this.initialLearningRate * ((1 - this.alpha) * cosine + this.alpha);
  }

  /** The constructor arguments that rebuild this schedule (JSON only). */
  getConfig(): ConfigDict {
    return {
      initialLearningRate: this.initialLearningRate, firstDecaySteps: this.firstDecaySteps,
      tMul: this.tMul, mMul: this.mMul, alpha: this.alpha, name: this.name,
    };
  }
}
registerClass('schedule', CosineDecayRestarts);
