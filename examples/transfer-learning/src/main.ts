/**
 * Transfer learning on MNIST: train a CNN on digits 0–4, freeze its base and train a new head on
 * a few images of digits 5–9, then unfreeze and fine-tune at a low learning rate. Prints the
 * accuracy at each stage and of the same network trained from scratch on the same few images.
 *
 *   node dist/main.js [--base-samples N] [--base-epochs 2] [--new-samples 500] [--head-epochs 15]
 *                     [--fine-tune-epochs 5] [--head-learning-rate 0.01]
 *                     [--fine-tune-learning-rate 0.0001] [--seed 42]
 */
import * as st from '@strata/core';
import '@strata/backend-cpu';
import '@strata/backend-wasm';
import { numberOption, parseCommandLine, runMain } from '@strata/example-common';
import { runTransfer } from './transfer.js';

const args = parseCommandLine({
  'base-samples': { type: 'string' },
  'base-epochs': { type: 'string', default: '2' },
  'new-samples': { type: 'string', default: '500' },
  'head-epochs': { type: 'string', default: '15' },
  'fine-tune-epochs': { type: 'string', default: '5' },
  'head-learning-rate': { type: 'string', default: '0.01' },
  'fine-tune-learning-rate': { type: 'string', default: '0.0001' },
  seed: { type: 'string', default: '42' },
});

async function main(): Promise<void> {
  console.log(`Backend: ${await st.ready()}`);
  const started = performance.now();
  const r = await runTransfer({
    ...(args['base-samples'] === undefined ? {} : { baseSamples: numberOption(args, 'base-samples', 'count') }),
    baseEpochs: numberOption(args, 'base-epochs', 'count'),
    newSamples: numberOption(args, 'new-samples', 'count'),
    headEpochs: numberOption(args, 'head-epochs', 'count'),
    fineTuneEpochs: numberOption(args, 'fine-tune-epochs', 'count'),
    headLearningRate: numberOption(args, 'head-learning-rate', 'positive'),
    fineTuneLearningRate: numberOption(args, 'fine-tune-learning-rate', 'positive'),
    seed: numberOption(args, 'seed', 'count'),
  });
  const pct = (v: number) => `${(v * 100).toFixed(2)}%`.padStart(7);
  const s = r.seconds;
  console.log(`\nSummary (whole run ${((performance.now() - started) / 1000).toFixed(0)}s)`);
  console.log(`  base CNN, digits 0–4:                    ${pct(r.baseAccuracy)}  (${s.base.toFixed(0)}s)`);
  console.log(`  frozen base + new head, digits 5–9:      ${pct(r.frozenAccuracy)}  (${s.head.toFixed(0)}s, ${r.trainableWhileFrozen} trainable parameters)`);
  console.log(`  fine-tuned, digits 5–9:                  ${pct(r.fineTunedAccuracy)}  (${s.fineTune.toFixed(0)}s, ${r.trainableWhenUnfrozen} trainable parameters)`);
  console.log(`  from scratch on the same images, 5–9:    ${pct(r.scratchAccuracy)}  (${s.scratch.toFixed(0)}s)`);
  if (!r.frozenBaseUnchanged || !r.fineTuningChangedBase) {
    console.error('FAILED: the frozen base changed during training, or fine-tuning left it unchanged');
    process.exitCode = 1;
  }
}

runMain(main);
