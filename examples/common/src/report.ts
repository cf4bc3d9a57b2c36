/**
 * The closing report of the MNIST programs (mnist-mlp, mnist-cnn, the demo).
 */

/** What a training run must report for the closing check. */
export interface ClassifierRun {
  readonly testLoss: number;
  readonly testAccuracy: number;
  readonly testCount: number;
  /** Live buffers at the end of each epoch: must not change from epoch to epoch. */
  readonly buffersPerEpoch: readonly number[];
  /** Tensors the run made and never disposed. */
  readonly tensorsLeft: number;
}

/**
 * Prints memory, test loss and accuracy; returns the reasons the run failed (memory grew, a leak,
 * accuracy below `minAccuracy`), empty when it passed.
 */
export function reportClassifierRun(run: ClassifierRun, minAccuracy: number, log: (line: string) => void = console.log): string[] {
  log(`Memory: ${run.buffersPerEpoch.join(', ')} live buffers after each epoch; ${run.tensorsLeft} tensors left after cleanup`);
  log(`Test loss: ${run.testLoss.toFixed(4)}`);
  const correct = Math.round(run.testAccuracy * run.testCount);
  log(`Test accuracy: ${(run.testAccuracy * 100).toFixed(2)}% (${correct}/${run.testCount})`);
  const failures: string[] = [];
  if (new Set(run.buffersPerEpoch).size > 1) failures.push(`live buffers changed between epochs: ${run.buffersPerEpoch.join(', ')}`);
  if (run.tensorsLeft !== 0) failures.push(`${run.tensorsLeft} tensors were never disposed`);
  if (run.testAccuracy < minAccuracy) {
    failures.push(`test accuracy ${(run.testAccuracy * 100).toFixed(2)}% is below the required ${(minAccuracy * 100).toFixed(1)}%`);
  }
  return failures;
}

/** Prints each failure and sets exit code 1 when there is one. */
export function exitOnFailures(failures: readonly string[]): void {
  for (const f of failures) console.error(`FAILED: ${f}`);
  if (failures.length > 0) process.exitCode = 1;
}
