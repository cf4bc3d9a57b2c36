/**
 * Trains an MLP on MNIST with the Keras-style API and prints the test accuracy. Exits with code 1
 * when the accuracy is below `--min-accuracy` (default 0.975) or memory grew from epoch to epoch.
 *
 *   node dist/main.js [--epochs 5] [--batch-size 128] [--learning-rate 0.001] [--hidden 256]
 *                     [--dropout 0.2] [--seed 42] [--limit N] [--min-accuracy 0.975] [--save file://dir]
 */
import { parseArgs } from 'node:util';
import * as st from '@strata/core';
import '@strata/backend-cpu';
import { runMnistMlp, seconds } from './mlp.js';

const { values: args } = parseArgs({
  options: {
    epochs: { type: 'string', default: '5' },
    'batch-size': { type: 'string', default: '128' },
    'learning-rate': { type: 'string', default: '0.001' },
    hidden: { type: 'string', default: '256' },
    dropout: { type: 'string', default: '0.2' },
    seed: { type: 'string', default: '42' },
    limit: { type: 'string' },
    'min-accuracy': { type: 'string', default: '0.975' },
    save: { type: 'string' },
  },
});

/** A numeric option, or exit with a message naming it. */
function numberArg(name: keyof typeof args, kind: 'integer' | 'positive' | 'fraction'): number {
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

async function main(): Promise<void> {
  const backend = await st.ready();
  console.log(`Backend: ${backend}`);
  for (const b of st.backends()) console.log(`  ${b.name} (priority ${b.priority}): ${b.status}${b.reason ? ` — ${b.reason}` : ''}`);

  const minAccuracy = numberArg('min-accuracy', 'fraction');
  const started = performance.now();
  const result = await runMnistMlp({
    epochs: numberArg('epochs', 'integer'),
    batchSize: numberArg('batch-size', 'integer'),
    learningRate: numberArg('learning-rate', 'positive'),
    hidden: numberArg('hidden', 'integer'),
    dropout: numberArg('dropout', 'fraction'),
    seed: numberArg('seed', 'integer'),
    ...(args.limit === undefined ? {} : { limit: numberArg('limit', 'integer') }),
    ...(args.save === undefined ? {} : { save: args.save }),
  });

  console.log(`Training took ${result.trainSeconds.toFixed(1)}s (whole run ${seconds(performance.now() - started)})`);
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
