/**
 * Trains a small CNN on MNIST with the Keras-style API and prints the test accuracy. Exits with
 * code 1 when the accuracy is below `--min-accuracy` (default 0.985) or memory grew from epoch
 * to epoch.
 *
 *   node dist/main.js [--epochs 4] [--batch-size 64] [--learning-rate 0.001] [--filters 8,16]
 *                     [--dense 64] [--validation-split 0] [--seed 42] [--limit N]
 *                     [--min-accuracy 0.985] [--save file://dir]
 */
import * as st from '@strata/core';
import '@strata/backend-cpu';
import '@strata/backend-wasm';
import { exitOnFailures, numberOption, parseCommandLine, printBackends, reportClassifierRun, runMain, sharedRunOptions, UsageError } from '@strata/example-common';
import { runMnistCnn } from './cnn.js';

const args = parseCommandLine({
  epochs: { type: 'string', default: '4' },
  'batch-size': { type: 'string', default: '64' },
  'learning-rate': { type: 'string', default: '0.001' },
  filters: { type: 'string', default: '8,16' },
  dense: { type: 'string', default: '64' },
  'validation-split': { type: 'string', default: '0' },
  seed: { type: 'string', default: '42' },
  limit: { type: 'string' },
  'min-accuracy': { type: 'string', default: '0.985' },
  save: { type: 'string' },
});

function filtersArg(): [number, number] {
  const parts = (args.filters ?? '').split(',').map(Number);
  if (parts.length !== 2 || !parts.every((n) => Number.isInteger(n) && n > 0)) {
    throw new UsageError(`--filters must be two positive integers like 8,16, got ${String(args.filters)}`);
  }
  return [parts[0]!, parts[1]!];
}

async function main(): Promise<void> {
  const backend = await st.ready();
  console.log(`Backend: ${backend}`);
  printBackends();

  const minAccuracy = numberOption(args, 'min-accuracy', 'fraction');
  const started = performance.now();
  const result = await runMnistCnn({
    ...sharedRunOptions(args),
    filters: filtersArg(),
    dense: numberOption(args, 'dense', 'count'),
    validationSplit: numberOption(args, 'validation-split', 'fraction'),
  });

  const total = (performance.now() - started) / 1000;
  console.log(`Training took ${result.trainSeconds.toFixed(1)}s (${result.epochSeconds.map((s) => `${s.toFixed(0)}s`).join(', ')} per epoch; whole run ${total.toFixed(1)}s)`);
  exitOnFailures(reportClassifierRun(result, minAccuracy));
}

runMain(main);
