/**
 * `model.summary(lineLength?, printFn)`: the rows (name, output shape, parameter count, and for
 * functional models the inbound layers) and the trainable / non-trainable totals, with the counts
 * computed here from the layer formulas: a two-input functional model with a shared layer, a
 * Concatenate and a nested Sequential; a frozen layer; BatchNormalization's moving statistics.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as st from '@strata/core';
import { useCpu } from '../setup.js';

beforeAll(useCpu);

/** The printed lines and the returned text of `model.summary(lineLength)`. */
function capture(model: st.Layer & { summary(lineLength?: number, printFn?: (line: string) => void): string }, lineLength?: number) {
  const lines: string[] = [];
  const text = model.summary(lineLength, (l) => lines.push(l));
  expect(lines.join('\n')).toBe(text);
  return lines;
}

/** The body rows of the table, cells trimmed. */
function tableRows(lines: readonly string[]): string[][] {
  return lines.filter((l) => l.startsWith('│')).map((l) => l.split('│').slice(1, -1).map((c) => c.trim()));
}

/** The header cells. */
function header(lines: readonly string[]): string[] {
  return lines.find((l) => l.startsWith('┃'))!.split('┃').slice(1, -1).map((c) => c.trim());
}

/** Keras' totals lines: count with thousands separators, and float32 bytes. */
function totals(total: number, trainable: number): string[] {
  const fmt = (n: number) => {
    let bytes = 4 * n;
    let unit = 0;
    while (bytes >= 1024 && unit < 3) [bytes, unit] = [bytes / 1024, unit + 1];
    return `${n.toLocaleString('en-US')} (${bytes.toFixed(2)} ${['B', 'KB', 'MB', 'GB'][unit]})`;
  };
  return [` Total params: ${fmt(total)}`, ` Trainable params: ${fmt(trainable)}`, ` Non-trainable params: ${fmt(total - trainable)}`];
}

const denseParams = (inDim: number, units: number) => inDim * units + units;

describe('summary of a functional model', () => {
  // a, b: [5] → shared Dense(4) on both → Concatenate → nested Sequential[Dense(3), BatchNorm] → Dense(2).
  function build(tag: string) {
    const a = st.input({ shape: [5], name: `${tag}_a` });
    const b = st.input({ shape: [5], name: `${tag}_b` });
    const shared = st.layers.dense({ units: 4, name: `${tag}_shared` });
    const cat = st.layers.concatenate({ name: `${tag}_cat` }).apply([shared.apply(a) as st.SymbolicTensor, shared.apply(b) as st.SymbolicTensor]);
    const inner = st.sequential({ name: `${tag}_inner`, layers: [
      st.layers.dense({ units: 3, inputShape: [8], name: `${tag}_inner_dense` }),
      st.layers.batchNormalization({ name: `${tag}_inner_bn` }),
    ] });
    const out = st.layers.dense({ units: 2, name: `${tag}_head` }).apply(inner.apply(cat) as st.SymbolicTensor);
    const model = st.model({ inputs: [a, b], outputs: out as st.SymbolicTensor, name: `${tag}_model` });
    return { model, shared, inner, a };
  }
  const sharedP = denseParams(5, 4);
  const innerDenseP = denseParams(8, 3);
  const bnTrainable = 2 * 3; // gamma, beta
  const bnMoving = 2 * 3; // moving mean, moving variance
  const innerP = innerDenseP + bnTrainable + bnMoving;
  const headP = denseParams(3, 2);
  const total = sharedP + innerP + headP;

  it('rows name the inbound layers of every call (shared layer, Concatenate), the nested model is one row', () => {
    const { model } = build('f1');
    const lines = capture(model);
    expect(lines[0]).toBe('Model: "f1_model"');
    expect(header(lines)).toEqual(['Layer (type)', 'Output Shape', 'Param #', 'Connected to']);
    expect(tableRows(lines)).toEqual([
      ['f1_a (InputLayer)', '(None, 5)', '0', '-'],
      ['f1_b (InputLayer)', '(None, 5)', '0', '-'],
      ['f1_shared (Dense)', '(None, 4)', String(sharedP), 'f1_a[0][0], f1_b[0][0]'],
      ['f1_cat (Concatenate)', '(None, 8)', '0', 'f1_shared[0][0], f1_shared[1][0]'],
      ['f1_inner (Sequential)', '(None, 3)', String(innerP), 'f1_cat[0][0]'],
      ['f1_head (Dense)', '(None, 2)', String(headP), 'f1_inner[0][0]'],
    ]);
    // BatchNormalization's moving mean and variance are the only non-trainable weights.
    expect(lines.slice(-3)).toEqual(totals(total, total - bnMoving));
    model.dispose();
  });

  it('frozen layers move their parameters to the non-trainable total', () => {
    const { model, shared, inner } = build('f2');
    shared.trainable = false;
    expect(capture(model).slice(-3)).toEqual(totals(total, total - bnMoving - sharedP));
    // Freezing the nested model freezes all of its weights (BatchNorm's gamma and beta too).
    inner.trainable = false;
    expect(capture(model).slice(-3)).toEqual(totals(total, headP));
    shared.trainable = true;
    inner.trainable = true;
    expect(capture(model).slice(-3)).toEqual(totals(total, total - bnMoving));
    model.dispose();
  });

  it("calls of a layer in another model are not this model's connections", () => {
    const { model, shared, a } = build('f3');
    // `shared` also used in a second model: its node there must not appear in the first summary.
    const c = st.input({ shape: [5], name: 'f3_c' });
    const other = st.model({ inputs: c, outputs: shared.apply(c) as st.SymbolicTensor, name: 'f3_other' });
    expect(tableRows(capture(model))[2]).toEqual(['f3_shared (Dense)', '(None, 4)', String(sharedP), 'f3_a[0][0], f3_b[0][0]']);
    expect(tableRows(capture(other))).toEqual([
      ['f3_c (InputLayer)', '(None, 5)', '0', '-'],
      ['f3_shared (Dense)', '(None, 4)', String(sharedP), 'f3_c[0][0]'],
    ]);
    expect(a.shape).toEqual([null, 5]);
    other.dispose();
    model.dispose();
  });

  it('lineLength widens the table to exactly that many characters', () => {
    const { model } = build('f4');
    const natural = capture(model);
    const width = natural[1]!.length;
    const wide = capture(model, width + 37);
    for (const l of wide.slice(1, -3)) expect(l.length).toBe(width + 37);
    // Same cells and totals whatever the width.
    expect(tableRows(wide)).toEqual(tableRows(natural));
    expect(wide.slice(-3)).toEqual(natural.slice(-3));
    model.dispose();
  });
});

describe('summary of a Sequential model', () => {
  it('BatchNormalization and Conv2D counts; moving statistics are non-trainable; frozen layer', () => {
    const [h, w, cin, cout, k, units] = [9, 7, 3, 6, 3, 5];
    const model = st.sequential({ name: 's1_model', layers: [
      st.layers.conv2d({ filters: cout, kernelSize: k, inputShape: [h, w, cin], name: 's1_conv' }),
      st.layers.batchNormalization({ name: 's1_bn' }),
      st.layers.flatten({ name: 's1_flat' }),
      st.layers.dense({ units, name: 's1_dense' }),
    ] });
    const [oh, ow] = [h - k + 1, w - k + 1];
    const convP = k * k * cin * cout + cout;
    const bnP = 4 * cout;
    const denseP = denseParams(oh * ow * cout, units);
    const total = convP + bnP + denseP;
    const lines = capture(model);
    expect(header(lines)).toEqual(['Layer (type)', 'Output Shape', 'Param #']);
    expect(tableRows(lines)).toEqual([
      ['s1_conv (Conv2D)', `(None, ${oh}, ${ow}, ${cout})`, String(convP)],
      ['s1_bn (BatchNormalization)', `(None, ${oh}, ${ow}, ${cout})`, String(bnP)],
      ['s1_flat (Flatten)', `(None, ${oh * ow * cout})`, '0'],
      ['s1_dense (Dense)', `(None, ${units})`, denseP.toLocaleString('en-US')],
    ]);
    expect(denseP).toBeGreaterThan(1000); // the thousands separator is exercised
    expect(lines.slice(-3)).toEqual(totals(total, total - 2 * cout));
    model.layers[0]!.trainable = false;
    expect(capture(model).slice(-3)).toEqual(totals(total, total - 2 * cout - convP));
    model.dispose();
  });
});
