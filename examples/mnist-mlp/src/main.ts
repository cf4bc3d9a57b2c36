/**
 * Trains a two-layer MLP (784 → 128 relu → 10) on MNIST with Strata's core ops and autodiff, then
 * reports test accuracy. Exits with code 1 when test accuracy is below 95% or memory grows.
 *
 *   node dist/main.js [--epochs 3] [--batch-size 128] [--learning-rate 0.002] [--hidden 128]
 *                     [--limit N] [--min-accuracy 0.95]
 */
import { parseArgs } from 'node:util';
import * as st from '@strata/core';
import '@strata/backend-cpu';
import { loadMnist, toTensors } from '@strata/datasets';
import { Adam, createMlp, evaluate, gatherBatch, trainStep } from './mlp.js';

const { values: args } = parseArgs({
  options: {
    epochs: { type: 'string', default: '3' },
    'batch-size': { type: 'string', default: '128' },
    'learning-rate': { type: 'string', default: '0.002' },
    hidden: { type: 'string', default: '128' },
    limit: { type: 'string' },
    'min-accuracy': { type: 'string', default: '0.95' },
    seed: { type: 'string', default: '42' },
  },
});

function numberArg(name: keyof typeof args, integer: boolean): number {
  const raw = args[name];
  const value = Number(raw);
  if (raw === undefined || !Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    console.error(`--${name} must be a positive ${integer ? 'integer' : 'number'}, got ${String(raw)}`);
    process.exit(2);
  }
  return value;
}

const epochs = numberArg('epochs', true);
const batchSize = numberArg('batch-size', true);
const learningRate = numberArg('learning-rate', false);
const hidden = numberArg('hidden', true);
const minAccuracy = numberArg('min-accuracy', false);
const seed = numberArg('seed', true);
const limit = args.limit === undefined ? undefined : numberArg('limit', true);

const isTTY = process.stdout.isTTY === true;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;

function progressBar(done: number, total: number, width = 30): string {
  const filled = Math.floor((done / total) * width);
  return `[${'='.repeat(Math.max(filled - 1, 0))}${filled > 0 ? (done === total ? '=' : '>') : ''}${'.'.repeat(width - filled)}]`;
}

async function main(): Promise<void> {
  const backendName = await st.ready();
  console.log(`Backend: ${backendName}`);
  for (const b of st.backends()) console.log(`  ${b.name} (priority ${b.priority}): ${b.status}${b.reason ? ` — ${b.reason}` : ''}`);

  let t0 = performance.now();
  // The flat arrays are dropped once the tensors hold the data.
  const train = toTensors(loadMnist({ split: 'train', ...(limit === undefined ? {} : { limit }) }));
  const test = toTensors(loadMnist({ split: 'test' }));
  const n = train.x.shape[0]!;
  const testCount = test.x.shape[0]!;
  console.log(`MNIST: ${n} training, ${testCount} test images (loaded in ${seconds(performance.now() - t0)})`);

  st.setSeed(seed);
  const model = createMlp({ hidden });
  const optimizer = new Adam(model.params, { learningRate });
  const paramCount = model.params.reduce((n, p) => n + p.size, 0);
  console.log(`Model: 784 → ${hidden} (relu) → 10, ${paramCount} parameters; Adam(lr=${learningRate}), batch ${batchSize}, ${epochs} epochs`);

  const steps = Math.ceil(n / batchSize);
  const baseline = st.memory().buffers;
  const trainStart = performance.now();
  let leaked = false;

  for (let epoch = 1; epoch <= epochs; epoch++) {
    console.log(`Epoch ${epoch}/${epochs}`);
    const order = st.shuffledIndices(n); // seeded by st.setSeed above
    let lossSum = 0;
    let correct = 0;
    let seen = 0;
    t0 = performance.now();
    let lastDraw = 0;
    for (let step = 0; step < steps; step++) {
      const indices = order.subarray(step * batchSize, Math.min((step + 1) * batchSize, n));
      const result = st.tidy(() => {
        const { xb, yb } = gatherBatch(train.x, train.y, indices);
        return trainStep(model, optimizer, xb, yb);
      });
      lossSum += (await result.loss.data())[0]! * indices.length;
      correct += (await result.correct.data())[0]!;
      seen += indices.length;
      st.dispose(result);

      const now = performance.now();
      if (isTTY && (now - lastDraw > 100 || step === steps - 1)) {
        lastDraw = now;
        const elapsed = now - t0;
        const eta = ((steps - step - 1) * elapsed) / (step + 1);
        process.stdout.write(
          `\r${String(step + 1).padStart(String(steps).length)}/${steps} ${progressBar(step + 1, steps)} - ETA ${seconds(eta)} - loss: ${(lossSum / seen).toFixed(4)} - accuracy: ${(correct / seen).toFixed(4)}\x1b[K`,
        );
      }
    }
    const elapsed = performance.now() - t0;
    const buffers = st.memory().buffers;
    if (isTTY) process.stdout.write('\r\x1b[K');
    console.log(
      `${steps}/${steps} ${progressBar(steps, steps)} - ${seconds(elapsed)} ${Math.round(elapsed / steps)}ms/step - loss: ${(lossSum / seen).toFixed(4)} - accuracy: ${(correct / seen).toFixed(4)} - memory: ${buffers} buffers`,
    );
    if (buffers !== baseline) {
      console.error(`Memory leak: ${buffers} live buffers after epoch ${epoch}, ${baseline} before training`);
      leaked = true;
    }
  }
  const trainTime = performance.now() - trainStart;

  t0 = performance.now();
  const result = await evaluate(model, test.x, test.y);
  console.log(`Training took ${seconds(trainTime)}; evaluation ${seconds(performance.now() - t0)}`);
  console.log(`Test loss: ${result.loss.toFixed(4)}`);
  console.log(`Test accuracy: ${(result.accuracy * 100).toFixed(2)}% (${result.correct}/${testCount})`);

  st.dispose([train, test]);
  optimizer.dispose();
  for (const p of model.params) p.dispose();
  const left = st.memory();
  console.log(`Memory after cleanup: ${left.tensors} tensors, ${left.buffers} buffers`);

  if (leaked) {
    console.error('FAILED: memory grew during training (see above).');
    process.exitCode = 1;
  } else if (result.accuracy < minAccuracy) {
    console.error(`FAILED: test accuracy ${(result.accuracy * 100).toFixed(2)}% is below the required ${(minAccuracy * 100).toFixed(2)}%.`);
    process.exitCode = 1;
  } else {
    console.log(`OK: test accuracy ≥ ${(minAccuracy * 100).toFixed(0)}%`);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exitCode = 1;
});
