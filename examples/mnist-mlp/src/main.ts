/**
 * Trains an MLP on MNIST with the Keras-style API and prints the test accuracy. Exits with code 1
 * when the accuracy is below `--min-accuracy` (default 0.975) or memory grew from epoch to epoch.
 *
 *   node dist/main.js [--epochs 5] [--batch-size 128] [--learning-rate 0.002] [--hidden 256]
 *                     [--dropout 0.2] [--seed 42] [--limit N] [--min-accuracy 0.975] [--save file://dir]
 */
import * as st from '@strata/core';
import '@strata/backend-cpu';
import '@strata/backend-wasm';
import { exitOnFailures, numberOption, parseCommandLine, printBackends, reportClassifierRun, runMain, seconds, sharedRunOptions } from '@strata/example-common';
import { runMnistMlp } from './mlp.js';

const args = parseCommandLine({
  epochs: { type: 'string', default: '5' },
  'batch-size': { type: 'string', default: '128' },
  'learning-rate': { type: 'string', default: '0.002' },
  hidden: { type: 'string', default: '256' },
  dropout: { type: 'string', default: '0.2' },
  seed: { type: 'string', default: '42' },
  limit: { type: 'string' },
  'min-accuracy': { type: 'string', default: '0.975' },
  save: { type: 'string' },
});

async function main(): Promise<void> {
  const backend = await st.ready();
  console.log(`Backend: ${backend}`);
  printBackends();

  const minAccuracy = numberOption(args, 'min-accuracy', 'fraction');
  const started = performance.now();
  const result = await runMnistMlp({
    ...sharedRunOptions(args),
    hidden: numberOption(args, 'hidden', 'count'),
    dropout: numberOption(args, 'dropout', 'fraction'),
  });

  console.log(`Training took ${result.trainSeconds.toFixed(1)}s (whole run ${seconds(performance.now() - started)})`);
  exitOnFailures(reportClassifierRun(result, minAccuracy));
}

runMain(main);
