/**
 * Trains a subclassed model built around a custom RBF layer on the wine table, saves it, loads
 * it back and checks the copy predicts the same. Exits with code 1 if it does not.
 *
 *   node dist/main.js [--save-dir DIR] [--centers 12] [--epochs 60] [--learning-rate 0.03] [--seed 42]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as st from '@strata/core';
import '@strata/backend-cpu';
import { runCustomLayer } from './train.js';

const { values: args } = parseArgs({
  options: {
    'save-dir': { type: 'string' },
    centers: { type: 'string', default: '12' },
    epochs: { type: 'string', default: '60' },
    'learning-rate': { type: 'string', default: '0.03' },
    seed: { type: 'string', default: '42' },
  },
});

function numberArg(name: Exclude<keyof typeof args, 'save-dir'>, integer: boolean): number {
  const raw = args[name];
  const value = Number(raw);
  if (raw === undefined || raw === '' || !Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    console.error(`--${name} must be a positive ${integer ? 'integer' : 'number'}, got ${String(raw)}`);
    process.exit(2);
  }
  return value;
}

async function main(): Promise<void> {
  console.log(`Backend: ${await st.ready()}`);
  const saveDir = args['save-dir'] !== undefined ? resolve(args['save-dir']) : join(mkdtempSync(join(tmpdir(), 'strata-custom-layer-')), 'rbf-network');
  const started = performance.now();
  const r = await runCustomLayer({
    saveDir,
    centers: numberArg('centers', true),
    epochs: numberArg('epochs', true),
    learningRate: numberArg('learning-rate', false),
    seed: numberArg('seed', true),
  });
  console.log(`Done in ${((performance.now() - started) / 1000).toFixed(1)}s; the saved model is in ${saveDir}`);
  if (r.maxPredictionDifference !== 0 || r.loadedTestAccuracy !== r.testAccuracy) {
    console.error('FAILED: the loaded model does not predict the same as the original');
    process.exitCode = 1;
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exitCode = 1;
});
