/** @strata/bench: Strata's cross-backend benchmarks (the `strata-bench` CLI and its parts). */
export { USAGE, UsageError, parseBenchArgs, type BenchOptions } from './args.js';
export { main, runBench, type BenchIo } from './cli.js';
export { discover, BACKEND_PACKAGES, type Discovery } from './discover.js';
export { runCases, ratiosOf, speedRatio, figure, type CaseDef, type RunOptions, type PrepareContext } from './runner.js';
export { timeJob, summarise, quantile, FULL_PLAN, QUICK_PLAN, type Timing, type TimingPlan } from './stats.js';
export { SUITE_DEFS, type SuiteDef } from './suites/index.js';
export { encodeOnnxModel, type OnnxGraph, type OnnxNode, type OnnxValue, type OnnxInitializer } from './onnx/model.js';
export { ProtoWriter } from './onnx/protobuf.js';
export { terminalReport } from './report/table.js';
export { htmlReport } from './report/html.js';
export { markdownReport } from './report/markdown.js';
export { Progress, type ProgressStream } from './progress.js';
export * from './types.js';
