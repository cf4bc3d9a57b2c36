/**
 * Helpers shared by the layer tests: backend setup, float64 index arithmetic for the oracles
 * (plain JS, independent of core), random inputs, and config comparisons with TensorFlow.js.
 */
import { expect } from 'vitest';
import * as st from '@strata/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { randomSource, randomValues, useCpu } from '../setup.js';
import type { TfjsLayer } from './harness.js';

/** Strata and TensorFlow.js both on their cpu backends (for `beforeAll`). */
export async function useCpuBackends(): Promise<void> {
  await useCpu();
  await tf.setBackend('cpu');
}

/** `checkLayer`'s weight counts for a layer without weights. */
export const NO_WEIGHTS = { trainable: 0, nonTrainable: 0, params: 0 };
/** `checkLayer`'s reason to skip the training step for a layer without weights. */
export const NO_TRAINING = 'no trainable weights';

// ---- float64 oracle helpers ----------------------------------------------------------------

/** The number of elements of `shape`. */
export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** The coordinates of flat index `flat` in a row-major `shape`. */
export function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = flat % shape[d]!;
    flat = Math.floor(flat / shape[d]!);
  }
  return idx;
}

/** The row-major flat index of coordinates `idx` in `shape`. */
export const ravel = (idx: readonly number[], shape: readonly number[]): number => idx.reduce((acc, i, d) => acc * shape[d]! + i, 0);

/** A tensor of `shape` with seeded random values in [lo, hi), and those values. */
export function randomTensor(shape: number[], seed: number, lo = -2, hi = 2): { t: st.Tensor; v: number[] } {
  const v = randomValues(randomSource(seed), sizeOf(shape), lo, hi);
  return { t: st.tensor(v, shape), v };
}

/** The largest error relative to `max(1, |expected|)`. */
export function maxRelError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!) / Math.max(1, Math.abs(expected[i]!)));
  return worst;
}

// ---- configs -----------------------------------------------------------------------------------

/** JSON form of a config without the (auto-generated) name; `undefined` entries are dropped. */
export function plain(config: object): Record<string, unknown> {
  const c = JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
  delete c['name'];
  return c;
}

/** Config as JSON would store it, TF.js' `undefined` entries written as null, without the name. */
export function json(config: object): Record<string, unknown> {
  const out = JSON.parse(JSON.stringify(config, (_k, v: unknown) => (v === undefined ? null : v))) as Record<string, unknown>;
  delete out['name'];
  return out;
}

/** {@link json}, also without the base keys (`trainable`, `dtype`, `batchInputShape`) and `ignore`. */
export function jsonWithoutBaseKeys(config: object, ignore: readonly string[] = []): Record<string, unknown> {
  const out = json(config);
  for (const key of ['trainable', 'dtype', 'batchInputShape', ...ignore]) delete out[key];
  return out;
}

/**
 * Strata's config equals TensorFlow.js' one. TensorFlow.js writes dtype only for layers given an
 * input shape; Strata's base Layer always writes it (float32), which TensorFlow.js reads.
 */
export function expectConfigMatch(ours: Record<string, unknown>, theirs: Record<string, unknown>): void {
  const { dtype, ...rest } = ours;
  if ('dtype' in theirs) expect(ours).toEqual(theirs);
  else {
    expect(dtype).toBe('float32');
    expect(rest).toEqual(theirs);
  }
}

/** Strata's and TensorFlow.js' configs for the same arguments are equal, and each loads the other's. */
export function expectSameConfig(make: (args: Record<string, unknown>) => st.Layer, makeTf: (args: Record<string, unknown>) => TfjsLayer, args: Record<string, unknown>): void {
  const ours = plain(make(args).getConfig());
  // TensorFlow.js may rewrite the arguments it is given, so it gets copies.
  const theirs = plain(makeTf(structuredClone(args)).getConfig());
  expectConfigMatch(ours, theirs);
  expectConfigMatch(plain(make(theirs).getConfig()), theirs);
  expectConfigMatch(ours, plain(makeTf(structuredClone(ours)).getConfig()));
}

/** Our config and TF.js' agree key for key (base keys and `ignore` aside), and each loads the other's. */
export function expectSameConfigAsTfjs(ours: st.Layer, theirs: TfjsLayer, rebuildTfjs: (config: Record<string, unknown>) => TfjsLayer, ignore: readonly string[] = []): void {
  const mine = jsonWithoutBaseKeys(ours.getConfig(), ignore);
  expect(mine).toEqual(jsonWithoutBaseKeys(theirs.getConfig(), ignore));
  // TF.js builds the same layer from our config, and we build it from TF.js' config.
  expect(jsonWithoutBaseKeys(rebuildTfjs({ ...ours.getConfig() }).getConfig(), ignore)).toEqual(mine);
  const cls = st.getRegisteredClass('layer', ours.getClassName())!;
  const fromTfjs = cls.fromConfig(JSON.parse(JSON.stringify(theirs.getConfig())) as st.ConfigDict) as st.Layer;
  expect(jsonWithoutBaseKeys(fromTfjs.getConfig(), ignore)).toEqual(mine);
}
