/**
 * Trains a subclassed model built around a custom RBF layer on the wine table, saves it, loads
 * it back and checks the copy predicts the same. Exits with code 1 if it does not.
 *
 *   node dist/main.js [--save-dir DIR] [--centers 12] [--epochs 60] [--learning-rate 0.03] [--seed 42]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as st from '@strata/core';
import '@strata/backend-cpu';
import '@strata/backend-wasm';
import { numberOption, parseCommandLine, runMain } from '@strata/example-common';
import { runCustomLayer } from './train.js';

const args = parseCommandLine({
  'save-dir': { type: 'string' },
  centers: { type: 'string', default: '12' },
  epochs: { type: 'string', default: '60' },
  'learning-rate': { type: 'string', default: '0.03' },
  seed: { type: 'string', default: '42' },
});

async function main(): Promise<void> {
  console.log(`Backend: ${await st.ready()}`);
  const saveDir = args['save-dir'] !== undefined ? resolve(args['save-dir']) : join(mkdtempSync(join(tmpdir(), 'strata-custom-layer-')), 'rbf-network');
  const started = performance.now();
  const r = await runCustomLayer({
    saveDir,
    centers: numberOption(args, 'centers', 'count'),
    epochs: numberOption(args, 'epochs', 'count'),
    learningRate: numberOption(args, 'learning-rate', 'positive'),
    seed: numberOption(args, 'seed', 'count'),
  });
  console.log(`Done in ${((performance.now() - started) / 1000).toFixed(1)}s; the saved model is in ${saveDir}`);
  if (r.maxPredictionDifference !== 0 || r.loadedTestAccuracy !== r.testAccuracy) {
    console.error('FAILED: the loaded model does not predict the same as the original');
    process.exitCode = 1;
  }
}

runMain(main);
