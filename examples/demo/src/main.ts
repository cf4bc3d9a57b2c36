/**
 * `npm run demo`: trains on real MNIST with `fit` and its progress bar on the best installed
 * backend — the CNN (≥ 98.5% test accuracy) when a fast backend is available, otherwise the MLP
 * (≥ 97.5%) — and ends with the test accuracy. Exits with code 1 below that accuracy or when
 * memory grew from epoch to epoch.
 *
 *   node dist/main.js [--model auto|mlp|cnn]
 */
import * as st from '@strata/core';
import { runMnistCnn } from '@strata/example-mnist-cnn/cnn';
import { runMnistMlp } from '@strata/example-mnist-mlp/mlp';
import { exitOnFailures, parseCommandLine, printBackends, reportClassifierRun, runMain, UsageError } from '@strata/example-common';
import { importInstalledBackends, isFastBackend } from './backends.js';

const MIN_ACCURACY = { mlp: 0.975, cnn: 0.985 } as const;

const args = parseCommandLine({ model: { type: 'string', default: 'auto' } });

async function main(): Promise<void> {
  if (!['auto', 'mlp', 'cnn'].includes(args.model!)) throw new UsageError(`--model must be auto, mlp or cnn, got ${args.model}`);
  for (const b of await importInstalledBackends()) {
    if (b.status === 'failed') console.log(`Could not load ${b.name}: ${b.reason}`);
  }
  const backend = await st.ready();
  printBackends();
  const which = args.model === 'auto' ? (isFastBackend(backend) ? 'cnn' : 'mlp') : (args.model as 'mlp' | 'cnn');
  console.log(`Backend: ${backend}. Model: the MNIST ${which.toUpperCase()}` +
    (args.model === 'auto' ? (which === 'cnn' ? ' (a fast backend is available)' : ' (only the cpu reference is available; the CNN needs a fast backend)') : ''));

  const result = which === 'cnn' ? await runMnistCnn() : await runMnistMlp();
  console.log(`Training took ${result.trainSeconds.toFixed(1)}s`);
  exitOnFailures(reportClassifierRun(result, MIN_ACCURACY[which]));
}

runMain(main);
