/**
 * Trains the two-input, two-output penguins model and prints its test metrics next to baselines
 * that ignore the inputs.
 *
 *   node dist/main.js [--epochs 100] [--batch-size 32] [--learning-rate 0.01] [--mass-loss-weight 0.5] [--seed 42]
 */
import * as st from '@strata/core';
import '@strata/backend-cpu';
import '@strata/backend-wasm';
import { numberOption, parseCommandLine, runMain } from '@strata/example-common';
import { runMultiIo } from './penguins.js';

const args = parseCommandLine({
  epochs: { type: 'string', default: '100' },
  'batch-size': { type: 'string', default: '32' },
  'learning-rate': { type: 'string', default: '0.01' },
  'mass-loss-weight': { type: 'string', default: '0.5' },
  seed: { type: 'string', default: '42' },
});

async function main(): Promise<void> {
  console.log(`Backend: ${await st.ready()}`);
  const started = performance.now();
  const r = await runMultiIo({
    epochs: numberOption(args, 'epochs', 'count'),
    batchSize: numberOption(args, 'batch-size', 'count'),
    learningRate: numberOption(args, 'learning-rate', 'nonNegative'),
    massLossWeight: numberOption(args, 'mass-loss-weight', 'nonNegative'),
    seed: numberOption(args, 'seed', 'count'),
  });
  console.log(`Done in ${((performance.now() - started) / 1000).toFixed(1)}s. Test set (${r.testCount} penguins):`);
  console.log(`  total loss ${r.test['loss']!.toFixed(4)} = species_loss ${r.test['species_loss']!.toFixed(4)} + ${numberOption(args, 'mass-loss-weight', 'nonNegative')} × mass_loss ${r.test['mass_loss']!.toFixed(4)}`);
  console.log(`  species accuracy ${(r.test['species_accuracy']! * 100).toFixed(1)}%   (most common species: ${(r.baselineAccuracy * 100).toFixed(1)}%)`);
  console.log(`  body mass MAE    ${(r.test['mass_mae']! * 1000).toFixed(0)} g   (predicting the mean mass: ${(r.baselineMae * 1000).toFixed(0)} g)`);
  console.log('First test penguins:');
  for (const e of r.examples) {
    console.log(`  ${e.species.padEnd(9)} ${(e.massKg * 1000).toFixed(0).padStart(4)} g → ${e.predictedSpecies.padEnd(9)} (p=${e.probability.toFixed(2)}) ${(e.predictedMassKg * 1000).toFixed(0).padStart(4)} g`);
  }
}

runMain(main);
