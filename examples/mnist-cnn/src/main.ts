/**
 * Trains a small CNN on MNIST with the Keras-style API and prints the test accuracy. Exits with
 * code 1 when the accuracy is below `--min-accuracy` (default 0.985) or memory grew from epoch
 * to epoch.
 *
 *   node dist/main.js [--epochs 4] [--batch-size 64] [--learning-rate 0.001] [--filters 8,16]
 *                     [--dense 64] [--validation-split 0] [--seed 42] [--limit N]
 *                     [--min-accuracy 0.985] [--save file://dir]
 */
import { parseArgs } from 'node:util';
import * as st from '@strata/core';
import '@strata/backend-cpu';
import { runMnistCnn } from './cnn.js';

const { values: args } = parseArgs({
  options: {
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
  },
});

type NumericOption = Exclude<keyof typeof args, 'filters' | 'save'>;

/** A numeric option, or exit with a message naming it. */
function numberArg(name: NumericOption, kind: 'integer' | 'positive' | 'fraction'): number {
  const raw = args[name];
  const value = Number(raw);
  const ok = typeof raw === 'string' && raw !== '' && Number.isFinite(value) &&
    (kind === 'integer' ? Number.isInteger(value) && value > 0 : kind === 'positive' ? value > 0 : value >= 0 && value < 1);
  if (!ok) {
    const what = kind === 'integer' ? 'a positive integer' : kind === 'positive' ? 'a positive number' : 'a number in [0, 1)';
    console.error(`--${name} must be ${what}, got ${String(raw)}`);
    process.exit(2);
  }
  return value;
}

function filtersArg(): [number, number] {
  const parts = (args.filters ?? '').split(',').map(Number);
  if (parts.length !== 2 || !parts.every((n) => Number.isInteger(n) && n > 0)) {
    console.error(`--filters must be two positive integers like 8,16, got ${String(args.filters)}`);
    process.exit(2);
  }
  return [parts[0]!, parts[1]!];
}

async function main(): Promise<void> {
  const backend = await st.ready();
  console.log(`Backend: ${backend}`);
  for (const b of st.backends()) console.log(`  ${b.name} (priority ${b.priority}): ${b.status}${b.reason ? ` — ${b.reason}` : ''}`);

  const minAccuracy = numberArg('min-accuracy', 'fraction');
  const started = performance.now();
  const result = await runMnistCnn({
    epochs: numberArg('epochs', 'integer'),
    batchSize: numberArg('batch-size', 'integer'),
    learningRate: numberArg('learning-rate', 'positive'),
    filters: filtersArg(),
    dense: numberArg('dense', 'integer'),
    validationSplit: numberArg('validation-split', 'fraction'),
    seed: numberArg('seed', 'integer'),
    ...(args.limit === undefined ? {} : { limit: numberArg('limit', 'integer') }),
    ...(args.save === undefined ? {} : { save: args.save }),
  });

  const total = (performance.now() - started) / 1000;
  console.log(`Training took ${result.trainSeconds.toFixed(1)}s (${result.epochSeconds.map((s) => `${s.toFixed(0)}s`).join(', ')} per epoch; whole run ${total.toFixed(1)}s)`);
  const grew = result.buffersPerEpoch.some((b) => b !== result.buffersPerEpoch[0]);
  console.log(`Memory: ${result.buffersPerEpoch.join(', ')} live buffers after each epoch; ${result.tensorsLeft} tensors left after cleanup`);
  console.log(`Test loss: ${result.testLoss.toFixed(4)}`);
  const correct = Math.round(result.testAccuracy * result.testCount);
  console.log(`Test accuracy: ${(result.testAccuracy * 100).toFixed(2)}% (${correct}/${result.testCount})`);

  if (grew) console.error(`FAILED: live buffers changed between epochs: ${result.buffersPerEpoch.join(', ')}`);
  if (result.testAccuracy < minAccuracy) {
    console.error(`FAILED: test accuracy ${(result.testAccuracy * 100).toFixed(2)}% is below the required ${(minAccuracy * 100).toFixed(1)}%`);
  }
  if (grew || result.testAccuracy < minAccuracy) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exitCode = 1;
});
