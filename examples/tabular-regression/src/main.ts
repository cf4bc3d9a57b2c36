/**
 * Trains the diabetes regressor with early stopping and prints its test error next to the error
 * of always predicting the mean.
 *
 *   node dist/main.js [--hidden 8] [--epochs 500] [--patience 25] [--learning-rate 0.003] [--seed 42]
 */
import * as st from '@strata/core';
import '@strata/backend-cpu';
import '@strata/backend-wasm';
import { numberOption, parseCommandLine, runMain } from '@strata/example-common';
import { runRegression } from './diabetes.js';

const args = parseCommandLine({
  hidden: { type: 'string', default: '8' },
  epochs: { type: 'string', default: '500' },
  patience: { type: 'string', default: '25' },
  'learning-rate': { type: 'string', default: '0.003' },
  seed: { type: 'string', default: '42' },
});

async function main(): Promise<void> {
  console.log(`Backend: ${await st.ready()}`);
  const started = performance.now();
  const r = await runRegression({
    hidden: numberOption(args, 'hidden', 'count'),
    epochs: numberOption(args, 'epochs', 'count'),
    patience: numberOption(args, 'patience', 'count'),
    learningRate: numberOption(args, 'learning-rate', 'nonNegative'),
    seed: numberOption(args, 'seed', 'count'),
  });
  console.log(`Stopped after ${r.epochsRun} epochs; restored the weights of epoch ${r.bestEpoch} ` +
    `(val_loss ${r.bestValLoss.toFixed(1)}, re-evaluated ${r.restoredValLoss.toFixed(1)}). Done in ${((performance.now() - started) / 1000).toFixed(1)}s.`);
  console.log(`Test set (${r.testCount} patients), disease progression (range 25–346):`);
  console.log(`  model:                MAE ${r.testMae.toFixed(1)}   RMSE ${r.testRmse.toFixed(1)}`);
  console.log(`  predicting the mean:  MAE ${r.baselineMae.toFixed(1)}   RMSE ${r.baselineRmse.toFixed(1)}`);
}

runMain(main);
