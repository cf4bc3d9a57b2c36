/**
 * What every example program shares, so each example's own files hold only what it shows.
 */
export { numberOption, parseCommandLine, sharedRunOptions, runMain, UsageError, type NumberKind, type StringOption } from './cli.js';
export { printBackends, undisposedCount } from './engine.js';
export { reportClassifierRun, exitOnFailures, type ClassifierRun } from './report.js';
export {
  runClassifier, seconds, type ClassifierRunOptions, type ClassifierRunResult, type ClassifierRunSpec, type LabelledData,
} from './classifier-run.js';
