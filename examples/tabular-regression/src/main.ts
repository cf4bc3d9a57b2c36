/**
 * Trains the diabetes regressor with early stopping and prints its test error next to the error
 * of always predicting the mean.
 *
 *   node dist/main.js [--hidden 8] [--epochs 500] [--patience 25] [--learning-rate 0.003] [--seed 42]
 */
import { parseArgs } from 'node:util';
import * as st from '@strata/core';
import '@strata/backend-cpu';
import { runRegression } from './diabetes.js';

const { values: args } = parseArgs({
  options: {
    hidden: { type: 'string', default: '8' },
    epochs: { type: 'string', default: '500' },
    patience: { type: 'string', default: '25' },
    'learning-rate': { type: 'string', default: '0.003' },
    seed: { type: 'string', default: '42' },
  },
});

function numberArg(name: keyof typeof args, integer: boolean): number {
  const raw = args[name];
  const value = Number(raw);
  if (raw === undefined || raw === '' || !Number.isFinite(value) || value < 0 || (integer && (!Number.isInteger(value) || value === 0))) {
    console.error(`--${name} must be a ${integer ? 'positive integer' : 'number ≥ 0'}, got ${String(raw)}`);
    process.exit(2);
  }
  return value;
}

async function main(): Promise<void> {
  console.log(`Backend: ${await st.ready()}`);
  const started = performance.now();
  const r = await runRegression({
    hidden: numberArg('hidden', true),
    epochs: numberArg('epochs', true),
    patience: numberArg('patience', true),
    learningRate: numberArg('learning-rate', false),
    seed: numberArg('seed', true),
  });
  console.log(`Stopped after ${r.epochsRun} epochs; restored the weights of epoch ${r.bestEpoch} ` +
    `(val_loss ${r.bestValLoss.toFixed(1)}, re-evaluated ${r.restoredValLoss.toFixed(1)}). Done in ${((performance.now() - started) / 1000).toFixed(1)}s.`);
  console.log(`Test set (${r.testCount} patients), disease progression (range 25–346):`);
  console.log(`  model:                MAE ${r.testMae.toFixed(1)}   RMSE ${r.testRmse.toFixed(1)}`);
  console.log(`  predicting the mean:  MAE ${r.baselineMae.toFixed(1)}   RMSE ${r.baselineRmse.toFixed(1)}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exitCode = 1;
});
