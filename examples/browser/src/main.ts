/**
 * The page: picks the webgpu backend, loads the MNIST subset, trains with a live loss chart and
 * shows the test accuracy. The run's outcome is also published as `window.strataExample` (and
 * `document.body.dataset.state`), which is what test/browser.test.ts reads.
 */
import * as st from '@strata/core';
import '@strata/backend-webgpu';
import { LossChart } from './loss-chart.js';
import { loadMnist } from './mnist.js';
import { DEFAULT_SETTINGS, train, type ModelKind, type TrainSettings } from './train.js';

/** What the page publishes for scripts (and the test) to read. */
export interface ExampleState {
  state: 'starting' | 'loading' | 'training' | 'done' | 'error';
  backend?: string;
  backendDescription?: string;
  backends?: st.BackendStatus[];
  settings?: TrainSettings;
  trainCount?: number;
  testCount?: number;
  /** The loss of each training batch. */
  losses: number[];
  /** What fit reported after each batch: the epoch's running mean loss. */
  epochMeans: number[];
  testAccuracy?: number;
  testLoss?: number;
  trainSeconds?: number;
  error?: string;
}

declare global {
  interface Window {
    strataExample: ExampleState;
  }
}

const PREVIEW = 12;
const BACKEND = 'webgpu';

const published: ExampleState = { state: 'starting', losses: [], epochMeans: [] };
window.strataExample = published;

function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`index.html has no #${id}`);
  return el as T;
}

function setState(state: ExampleState['state'], message: string): void {
  published.state = state;
  document.body.dataset['state'] = state;
  byId('status').textContent = message;
}

/** Settings from the query string (`?model=mlp&epochs=2`), else the defaults. */
function settingsFromUrl(): TrainSettings {
  const q = new URLSearchParams(location.search);
  // `min`: the smallest value allowed (a seed may be 0; sizes and rates must be positive).
  const num = (name: string, fallback: number, integer: boolean, min = Number.MIN_VALUE): number => {
    const raw = q.get(name);
    const value = raw === null ? fallback : Number(raw);
    if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
      throw new Error(`query parameter ${name} must be ${min > 0 ? 'a positive' : 'a non-negative'} ${integer ? 'integer' : 'number'}, got ${raw}`);
    }
    return value;
  };
  const model = q.get('model') ?? DEFAULT_SETTINGS.model;
  if (model !== 'cnn' && model !== 'mlp') throw new Error(`query parameter model must be cnn or mlp, got ${model}`);
  return {
    model: model as ModelKind,
    epochs: num('epochs', DEFAULT_SETTINGS.epochs, true),
    batchSize: num('batchSize', DEFAULT_SETTINGS.batchSize, true),
    learningRate: num('learningRate', DEFAULT_SETTINGS.learningRate, false),
    seed: num('seed', DEFAULT_SETTINGS.seed, true, 0),
  };
}

function showBackends(): void {
  const list = byId('backends');
  list.replaceChildren(...st.backends().map((b) => {
    const item = document.createElement('li');
    item.textContent = `${b.name} (priority ${b.priority}): ${b.status}${b.description ? ` — ${b.description}` : ''}${b.reason ? ` — ${b.reason}` : ''}`;
    return item;
  }));
}

function drawDigit(pixels: Uint8Array, index: number, predicted: number, actual: number): HTMLElement {
  const figure = document.createElement('figure');
  const canvas = document.createElement('canvas');
  canvas.width = 28;
  canvas.height = 28;
  const ctx = canvas.getContext('2d');
  if (ctx !== null) {
    const image = ctx.createImageData(28, 28);
    for (let i = 0; i < 784; i++) {
      const v = 255 - pixels[index * 784 + i]!;
      image.data.set([v, v, v, 255], i * 4);
    }
    ctx.putImageData(image, 0, 0);
  }
  const caption = document.createElement('figcaption');
  caption.textContent = `${predicted}`;
  caption.className = predicted === actual ? 'right' : 'wrong';
  caption.title = `predicted ${predicted}, label ${actual}`;
  figure.append(canvas, caption);
  return figure;
}

async function main(): Promise<void> {
  const settings = settingsFromUrl();
  published.settings = settings;
  setState('starting', `starting the ${BACKEND} backend…`);
  // Asked for by name: automatic choice never picks a software adapter such as SwiftShader.
  await st.setBackend(BACKEND);
  published.backend = st.getBackend() ?? undefined;
  published.backends = st.backends();
  published.backendDescription = published.backends.find((b) => b.name === published.backend)?.description;
  showBackends();
  byId('backend').textContent = `${published.backend}${published.backendDescription ? ` — ${published.backendDescription}` : ''}`;

  setState('loading', 'loading MNIST…');
  const [trainSet, testSet] = await Promise.all([loadMnist('train'), loadMnist('test')]);
  published.trainCount = trainSet.count;
  published.testCount = testSet.count;
  byId('data').textContent = `${trainSet.count} training images, ${testSet.count} test images`;
  byId('settings').textContent = `${settings.model.toUpperCase()}, ${settings.epochs} epochs, batch ${settings.batchSize}, Adam ${settings.learningRate}, seed ${settings.seed}`;

  const chart = new LossChart(byId('chart'), settings.epochs * Math.ceil(trainSet.count / settings.batchSize));
  setState('training', 'training…');
  try {
    const result = await train(trainSet, testSet, settings, {
      onEpochBegin: (epoch) => {
        chart.startEpoch();
        byId('status').textContent = `training: epoch ${epoch + 1} of ${settings.epochs}`;
      },
      onBatchEnd: (batchLoss, epochMean) => {
        published.losses.push(batchLoss);
        published.epochMeans.push(epochMean);
        chart.add(batchLoss, epochMean);
      },
    }, PREVIEW);
    published.testAccuracy = result.testAccuracy;
    published.testLoss = result.testLoss;
    published.trainSeconds = result.trainSeconds;
    byId('accuracy').textContent = `${(result.testAccuracy * 100).toFixed(1)}% (test loss ${result.testLoss.toFixed(3)})`;
    byId('time').textContent = `${result.trainSeconds.toFixed(1)} s`;
    byId('preview').replaceChildren(...result.predictions.map((p, i) => drawDigit(testSet.pixels, i, p, testSet.labels[i]!)));
    setState('done', 'done');
  } finally {
    st.dispose([trainSet.x, trainSet.y, testSet.x, testSet.y]);
  }
}

main().catch((err: unknown) => {
  published.error = err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err);
  try {
    showBackends();
  } catch {
    // the backend list is a courtesy; the error below is what matters
  }
  setState('error', `error: ${err instanceof Error ? err.message : String(err)}`);
});
