/**
 * Trains a model on my-backend: `node dist/train.js [epochs]`. Prints the loss as it falls and the
 * accuracy on unseen points (chance is 33%).
 */
import * as st from '@strata/core';
import './index.js'; // registers 'my-backend'
import { trainOnRings } from './rings.js';

const epochs = Number(process.argv[2] ?? 40);
if (!Number.isInteger(epochs) || epochs < 1) throw new Error(`train: epochs must be a positive integer, got '${process.argv[2]}'`);

await st.setBackend('my-backend');
const started = performance.now();
const result = await trainOnRings({ epochs, verbose: 1 });
const first = result.losses[0]!;
const last = result.losses[result.losses.length - 1]!;
console.log(`backend ${result.backend}: loss ${first.toFixed(3)} -> ${last.toFixed(3)} over ${epochs} epochs, ` +
  `test accuracy ${(100 * result.testAccuracy).toFixed(1)}% (chance 33%), ${((performance.now() - started) / 1000).toFixed(1)}s`);
