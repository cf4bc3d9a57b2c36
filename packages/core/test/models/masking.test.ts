/**
 * Masks through models: a layer that makes a mask, layers that pass it on (Dense), and one that
 * consumes it (GlobalAveragePooling1D), in a Sequential and a Functional model, against a float64
 * oracle of the masked mean.
 */
import * as st from '@strata/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { randomSource, randomValues, useCpu } from '../setup.js';

beforeAll(async () => {
  await useCpu();
});

/** Masks the time steps whose features are all zero (what Keras' Masking layer does). */
class ZeroStepMask extends st.Layer {
  static override readonly className = 'ZeroStepMask';
  constructor(args: st.LayerArgs = {}) {
    super(args, 'ZeroStepMask');
    this.supportsMasking = true;
  }
  override call(inputs: st.Tensor | st.Tensor[]): st.Tensor {
    return st.tidy(() => st.mul(st.layers.singleInput(inputs, this.name), 1));
  }
  override computeMask(inputs: st.Tensor | st.Tensor[]): st.Tensor {
    return st.any(st.notEqual(st.layers.singleInput(inputs, this.name), 0), -1);
  }
}

const [batch, steps, features, units] = [3, 5, 4, 2];

/** Inputs with some all-zero steps (row 0: steps 1 and 4; row 1: none; row 2: all but step 2). */
function inputs(): { values: number[]; keep: boolean[][] } {
  const rand = randomSource(31);
  const values = randomValues(rand, batch * steps * features).map((v) => v + Math.sign(v) * 0.1);
  const keep = [[true, false, true, true, false], [true, true, true, true, true], [false, false, true, false, false]];
  for (let b = 0; b < batch; b++) {
    for (let s = 0; s < steps; s++) if (!keep[b]![s]) for (let f = 0; f < features; f++) values[(b * steps + s) * features + f] = 0;
  }
  return { values, keep };
}

/** float64: mean over the kept steps of x·W + bias. */
function oracle(values: number[], keep: boolean[][], kernel: Float32Array, bias: Float32Array): number[] {
  const out: number[] = [];
  for (let b = 0; b < batch; b++) {
    for (let u = 0; u < units; u++) {
      let sum = 0;
      let count = 0;
      for (let s = 0; s < steps; s++) {
        if (!keep[b]![s]) continue;
        let y = bias[u]!;
        for (let f = 0; f < features; f++) y += values[(b * steps + s) * features + f]! * kernel[f * units + u]!;
        sum += y;
        count++;
      }
      out.push(sum / count);
    }
  }
  return out;
}

function expectClose(actual: ArrayLike<number>, expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i]! - expected[i]!)).toBeLessThan(1e-5 * (1 + Math.abs(expected[i]!)));
}

describe('masks through models', () => {
  it('Sequential: a mask made by one layer passes through Dense and is used by GlobalAveragePooling1D', async () => {
    const { values, keep } = inputs();
    const model = st.sequential([
      new ZeroStepMask({ inputShape: [steps, features] }),
      st.layers.dense({ units }),
      st.layers.globalAveragePooling1d(),
    ]);
    const x = st.tensor(values, [batch, steps, features]);
    const y = (await model.predict(x)) as st.Tensor;
    const [kernel, bias] = model.layers[1]!.getWeights();
    expectClose(y.dataSync(), oracle(values, keep, kernel!.dataSync() as Float32Array, bias!.dataSync() as Float32Array));
    // Without the mask the pooled mean differs: the zero steps would count.
    const unmasked = st.sequential([st.layers.dense({ units, inputShape: [steps, features] }), st.layers.globalAveragePooling1d()]);
    unmasked.setWeights([kernel!, bias!]);
    const plain = (await unmasked.predict(x)) as st.Tensor;
    expect(Math.max(...Array.from(plain.dataSync(), (v, i) => Math.abs(v - y.dataSync()[i]!)))).toBeGreaterThan(1e-3);
    st.dispose([x, y, kernel, bias, plain]);
    model.dispose();
    unmasked.dispose();
  });

  it('Functional: the same, and the mask reaches a layer two nodes later', async () => {
    const { values, keep } = inputs();
    const input = st.input({ shape: [steps, features] });
    const masked = new ZeroStepMask().apply(input);
    const dense = st.layers.dense({ units });
    const pooled = st.layers.globalAveragePooling1d().apply(st.layers.activation({ activation: 'linear' }).apply(dense.apply(masked)));
    const model = st.model({ inputs: input, outputs: pooled });
    const x = st.tensor(values, [batch, steps, features]);
    const y = (await model.predict(x)) as st.Tensor;
    const [kernel, bias] = dense.getWeights();
    expectClose(y.dataSync(), oracle(values, keep, kernel!.dataSync() as Float32Array, bias!.dataSync() as Float32Array));
    st.dispose([x, y, kernel, bias]);
    model.dispose();
  });
});
