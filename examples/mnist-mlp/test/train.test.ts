import * as st from '@strata/core';
import '@strata/backend-cpu';
import { loadMnist, toTensors, type MnistTensors } from '@strata/datasets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Adam, createMlp, disposeMlp, evaluate, gatherBatch, softmaxCrossEntropy, trainStep, type Mlp } from '../src/mlp.js';

async function scalarOf(t: st.Tensor): Promise<number> {
  return (await t.data())[0]!;
}

beforeAll(async () => {
  await st.ready();
});

describe('loss', () => {
  it('st.logSoftmax is stable for large logits', async () => {
    const out = st.tidy(() => st.logSoftmax(st.tensor([[1000, 1000], [0, -1000]])));
    const values = [...(await out.data())];
    expect(values[0]).toBeCloseTo(Math.log(0.5), 5);
    expect(values[1]).toBeCloseTo(Math.log(0.5), 5);
    expect(values[2]).toBeCloseTo(0, 5);
    expect(values[3]).toBeCloseTo(-1000, 2);
    out.dispose();
  });

  it('cross-entropy of uniform logits is log(classes), and its gradient is softmax − onehot', async () => {
    const logits = st.zeros([2, 10]);
    const labels = st.tensor([3, 7], [2], 'int32');
    const loss = softmaxCrossEntropy(logits, labels);
    expect(await scalarOf(loss)).toBeCloseTo(Math.log(10), 5);
    const g = st.grad((z) => softmaxCrossEntropy(z, labels))(logits);
    const gv = await g.data();
    for (let r = 0; r < 2; r++) {
      for (let c = 0; c < 10; c++) {
        const hot = (r === 0 && c === 3) || (r === 1 && c === 7) ? 1 : 0;
        expect(gv[r * 10 + c]).toBeCloseTo((0.1 - hot) / 2, 6);
      }
    }
    st.dispose([logits, labels, loss, g]);
  });
});

describe('training the MLP on an MNIST subset', () => {
  let train: MnistTensors;
  let test: MnistTensors;
  let model: Mlp;
  let optimizer: Adam;
  const trainCount = 2000;
  const testCount = 1000;
  const batchSize = 64;

  beforeAll(() => {
    train = toTensors(loadMnist({ split: 'train', limit: trainCount }));
    test = toTensors(loadMnist({ split: 'test', limit: testCount }));
    st.setSeed(42);
    model = createMlp();
    optimizer = new Adam(model.params, { learningRate: 0.002 });
  });

  afterAll(() => {
    st.dispose([train, test]);
    optimizer.dispose();
    disposeMlp(model);
  });

  it('a tidy training step frees everything but its two returned scalars', async () => {
    const before = st.memory();
    const w1Before = await model.w1.data();
    const result = st.tidy(() => {
      const { xb, yb } = gatherBatch(train.x, train.y, Int32Array.from({ length: batchSize }, (_, i) => i));
      return trainStep(model, optimizer, xb, yb);
    });
    expect(result.loss.shape).toEqual([]);
    expect(result.correct.shape).toEqual([]);
    const loss = await scalarOf(result.loss);
    expect(loss).toBeGreaterThan(1.5); // untrained: near log(10) ≈ 2.3
    expect(loss).toBeLessThan(3.5);
    st.dispose(result);
    expect(st.memory().buffers).toBe(before.buffers);
    expect(st.memory().tensors).toBe(before.tensors);
    // The weights did change.
    const w1After = await model.w1.data();
    expect(w1After.some((v, i) => v !== w1Before[i])).toBe(true);
  });

  it('reaches well above chance on 1,000 test images after a few hundred steps', async () => {
    const steps = 250;
    st.setSeed(1);
    const baseline = st.memory().buffers;
    let order = st.shuffledIndices(trainCount);
    let offset = 0;
    let firstLoss = 0;
    let lastLosses = 0;
    for (let step = 0; step < steps; step++) {
      if (offset + batchSize > trainCount) {
        order = st.shuffledIndices(trainCount);
        offset = 0;
      }
      const indices = order.subarray(offset, offset + batchSize);
      offset += batchSize;
      const result = st.tidy(() => {
        const { xb, yb } = gatherBatch(train.x, train.y, indices);
        return trainStep(model, optimizer, xb, yb);
      });
      const loss = await scalarOf(result.loss);
      st.dispose(result);
      if (step === 0) firstLoss = loss;
      if (step >= steps - 20) lastLosses += loss / 20;
    }
    expect(st.memory().buffers).toBe(baseline);
    expect(lastLosses).toBeLessThan(firstLoss / 3);
    const { accuracy } = await evaluate(model, test.x, test.y, 500);
    expect(accuracy).toBeGreaterThan(0.8);
    expect(st.memory().buffers).toBe(baseline);
  }, 60_000);
});
