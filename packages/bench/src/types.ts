/** The shapes of a benchmark run's results: what the JSON report holds and every report reads. */
import type { Timing } from './stats.js';

export const SUITES = ['kernels', 'training', 'e2e'] as const;
export type SuiteName = (typeof SUITES)[number];

export const STRATA_BACKENDS = ['cpu', 'wasm-simd', 'webgpu', 'cuda', 'webgl'] as const;
export type StrataBackendName = (typeof STRATA_BACKENDS)[number];

export const ANCHORS = ['tfjs', 'onnx'] as const;
export type AnchorName = (typeof ANCHORS)[number];

/** `reference`: a plain-JS yardstick measured in the same run (e.g. a memory copy). */
export type Library = 'strata' | 'tfjs' | 'onnx' | 'reference';
export type Environment = 'node' | 'chromium';

/** One thing measured: a library on one of its backends, in one environment. */
export interface Target {
  /** Unique key, e.g. `strata:wasm-simd`, `tfjs:wasm`, `onnx:cpu`, `chromium/strata:webgpu`. */
  readonly id: string;
  readonly library: Library;
  readonly backend: string;
  readonly environment: Environment;
  /** Short name for tables and charts, e.g. `strata wasm-simd`, `tfjs wasm (chromium)`. */
  readonly label: string;
  /** Anchors are what Strata is compared against. */
  readonly anchor: boolean;
  /** How it runs (threads, adapter), when known. */
  readonly description?: string;
}

/** A backend or anchor that was asked for (or looked for) but could not be measured, and why. */
export interface Unavailable {
  readonly name: string;
  readonly environment: Environment;
  readonly reason: string;
}

/** Units of a case's figure. Throughputs are higher-is-better; times lower-is-better. */
export type Unit = 'GFLOP/s' | 'GB/s' | 'ops/s' | 'ms/step' | 's/epoch';

export function higherIsBetter(unit: Unit): boolean {
  return unit === 'GFLOP/s' || unit === 'GB/s' || unit === 'ops/s';
}

export interface MeasuredResult {
  readonly ok: true;
  readonly timing: Timing;
  /** The figure in the case's unit, from the median time. */
  readonly value: number;
  /** Elementwise cases: the fraction of the memory-copy bandwidth measured in the same run. */
  readonly ofCopy?: number;
  /** Anything the reader needs to know about how this one was measured (e.g. a core fallback). */
  readonly note?: string;
}

export interface FailedResult {
  readonly ok: false;
  /** Why there is no figure: the error message, or e.g. that the library has no such op. */
  readonly error: string;
}

export type CaseResult = MeasuredResult | FailedResult;

/** One benchmark (e.g. `matMul 512³`) across every target. */
export interface CaseReport {
  readonly suite: SuiteName;
  readonly name: string;
  readonly unit: Unit;
  /** What the figure is computed from: FLOPs, bytes moved or ops per timed call. */
  readonly work: { readonly flops?: number; readonly bytes?: number; readonly ops?: number; readonly images?: number };
  /** Keyed by target id; targets without an implementation of this case are absent. */
  readonly results: Readonly<Record<string, CaseResult>>;
  /**
   * Speed ratios of each Strata target over each anchor of the same environment:
   * anchor median time / Strata median time, so > 1 means Strata is faster.
   * `ratios[strataId][anchorId]`.
   */
  readonly ratios: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

export interface SuiteReport {
  readonly name: SuiteName;
  readonly environment: Environment;
  readonly cases: readonly CaseReport[];
  /** How this suite measures (shown under its table). */
  readonly method: string;
}

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly platform: string;
  readonly node: string;
  readonly loadBefore: readonly number[];
  readonly loadAfter: readonly number[];
  readonly browser?: string;
}

export interface BenchReport {
  readonly tool: '@strata/bench';
  readonly startedAt: string;
  readonly durationS: number;
  /** The command line, as typed (for reruns). */
  readonly command: string;
  readonly quick: boolean;
  readonly machine: MachineInfo;
  readonly versions: Readonly<Record<string, string>>;
  readonly targets: readonly Target[];
  readonly unavailable: readonly Unavailable[];
  readonly suites: readonly SuiteReport[];
}

export type { Timing };
