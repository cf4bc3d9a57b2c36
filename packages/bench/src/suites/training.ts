/**
 * The training suite: ONE training step (forward, backward, Adam update, loss read back) of an
 * MLP, a CNN, an LSTM and a Transformer block, on random data of MNIST-like shapes, in Strata and
 * TensorFlow.js (tfjs-layers for the MLP and CNN).
 */
import type { Tensor, Variable } from '@strata/core';
import type { Tensor as TfTensor, Variable as TfVariable } from '@tensorflow/tfjs-core';
import type { Job, StrataLib, TfLib, TflLib } from '../libraries.js';
import { randomFloats, randomLabels } from '../random.js';
import type { CaseDef, PrepareContext } from '../runner.js';
import {
  CNN, MLP, lstmParams, strataCnn, strataLstmLoss, strataMlp, strataTransformerLoss, strataVariables, tfjsCnn, tfjsMlp,
  tfjsVariables, tfLstmLoss, tfTransformerLoss, transformerParams,
} from './models.js';
import type { LstmSize, Trainable, TransformerSize } from './models.js';

export const TRAINING_METHOD =
  'One training step = forward + backward + Adam update, ending with the loss read back (completion on every backend). ' +
  'Median ms of timed steps after warm-up steps (which also create the optimizer state). MLP and CNN: Keras API ' +
  '(trainOnBatch) in both libraries; LSTM and Transformer block: the same computation written from ops in both, with ' +
  'variableGrads and Adam (Strata uses its fused layerNorm and dotProductAttention). Lower is better; ratios are ' +
  'anchor ms / Strata ms.';

interface Sizes {
  readonly mlpBatch: number;
  readonly cnnBatch: number;
  readonly lstm: LstmSize;
  readonly transformer: TransformerSize;
}

const FULL: Sizes = {
  mlpBatch: 128,
  cnnBatch: 64,
  lstm: { batch: 32, steps: 32, features: 32, units: 128, classes: 10 },
  transformer: { batch: 16, seq: 64, model: 128, heads: 4, hidden: 512 },
};

const QUICK: Sizes = {
  mlpBatch: 8,
  cnnBatch: 4,
  lstm: { batch: 4, steps: 3, features: 5, units: 8, classes: 3 },
  transformer: { batch: 2, seq: 4, model: 8, heads: 2, hidden: 16 },
};

function tfLibs(ctx: PrepareContext): { tf: TfLib; tfl: TflLib | undefined } {
  if (ctx.libs.tf === undefined) throw new Error('TensorFlow.js is not loaded');
  return { tf: ctx.libs.tf, tfl: ctx.libs.tfl };
}

/** A Keras-API model trained with trainOnBatch on one fixed batch (trainOnBatch reads the loss back). */
function kerasCase(name: string, batch: number, image: boolean, strata: (st: StrataLib) => Trainable, tfjs: (tf: TfLib, tfl: TflLib) => Trainable): CaseDef {
  const shape = image ? [batch, 28, 28, 1] : [batch, 784];
  const x = () => randomFloats(batch * 784, 61).map((v) => v + 0.5);
  const y = () => randomLabels(batch, 10, 62);
  return {
    name: `train step ${name}, batch ${batch}`,
    unit: 'ms/step',
    work: {},
    prepare: {
      strata: ({ libs: { st } }): Job => {
        const model = strata(st);
        const xt = st.tensor(x(), shape);
        const yt = st.tensor(y(), [batch], 'int32');
        return { run: () => model.trainOnBatch(xt, yt), dispose: () => { st.dispose([xt, yt]); model.dispose?.(); } };
      },
      tfjs: (ctx): Job => {
        const { tf, tfl } = tfLibs(ctx);
        if (tfl === undefined) throw new Error('@tensorflow/tfjs-layers is not installed');
        const model = tfjs(tf, tfl);
        const xt = tf.tensor(x(), shape);
        // tfjs-layers' sparse cross-entropy wants float targets shaped like the output with last dim 1.
        const yt = tf.tensor(Float32Array.from(y()), [batch, 1]);
        return { run: () => model.trainOnBatch(xt, yt), dispose: () => { tf.dispose([xt, yt]); model.dispose?.(); } };
      },
    },
  };
}

/** A step of a model written from ops: variableGrads, Adam, loss read back. */
function opsCase<S>(
  name: string,
  size: S,
  params: (s: S) => ReturnType<typeof lstmParams>,
  lr: number,
  data: (s: S) => { x: { values: Float32Array; shape: number[] }; y: { values: Float32Array | Int32Array; shape: number[]; int: boolean } },
  strataLoss: (st: StrataLib, v: Record<string, Variable>, x: Tensor, y: Tensor, s: S) => Tensor,
  tfLoss: (tf: TfLib, v: Record<string, TfVariable>, x: TfTensor, y: TfTensor, s: S) => TfTensor,
): CaseDef {
  return {
    name,
    unit: 'ms/step',
    work: {},
    prepare: {
      strata: ({ libs: { st } }): Job => {
        const vars = strataVariables(st, params(size));
        const list = Object.values(vars);
        const d = data(size);
        const x = st.tensor(d.x.values, d.x.shape);
        const y = st.tensor(d.y.values, d.y.shape, d.y.int ? 'int32' : 'float32');
        const opt = st.optimizers.adam(lr);
        return {
          run: async () => {
            const { value, grads } = st.variableGrads(() => strataLoss(st, vars, x, y, size), list);
            opt.applyGradients(list.map((v) => [grads[v.name]!, v] as const));
            st.dispose(Object.values(grads));
            await value.data();
            value.dispose();
          },
          dispose: () => { st.dispose([x, y, ...list]); opt.dispose(); },
        };
      },
      tfjs: (ctx): Job => {
        const { tf } = tfLibs(ctx);
        const vars = tfjsVariables(tf, params(size));
        const list = Object.values(vars);
        const d = data(size);
        const x = tf.tensor(d.x.values, d.x.shape);
        const y = tf.tensor(d.y.values, d.y.shape, d.y.int ? 'int32' : 'float32');
        const opt = tf.train.adam(lr);
        return {
          run: async () => {
            const { value, grads } = tf.variableGrads(() => tfLoss(tf, vars, x, y, size) as TfTensor<TfRankScalar>, list);
            opt.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
            tf.dispose(Object.values(grads));
            await value.data();
            value.dispose();
          },
          dispose: () => { tf.dispose([x, y, ...list]); opt.dispose(); },
        };
      },
    },
  };
}

type TfRankScalar = import('@tensorflow/tfjs-core').Rank.R0;

export function trainingCases(quick: boolean): CaseDef[] {
  const s = quick ? QUICK : FULL;
  const l = s.lstm;
  const t = s.transformer;
  return [
    kerasCase(MLP.label, s.mlpBatch, false, strataMlp, tfjsMlp),
    kerasCase(CNN.label, s.cnnBatch, true, strataCnn, tfjsCnn),
    opsCase(`train step LSTM ${l.units} units over ${l.steps} steps of ${l.features} features, batch ${l.batch}, Adam`, l, lstmParams, 0.001,
      (z) => ({
        x: { values: randomFloats(z.batch * z.steps * z.features, 71), shape: [z.batch, z.steps, z.features] },
        y: { values: randomLabels(z.batch, z.classes, 72), shape: [z.batch], int: true },
      }),
      strataLstmLoss, tfLstmLoss),
    opsCase(`train step Transformer block d${t.model} ${t.heads} heads ffn ${t.hidden}, ${t.seq} tokens, batch ${t.batch}, Adam`, t, transformerParams, 0.001,
      (z) => ({
        x: { values: randomFloats(z.batch * z.seq * z.model, 81), shape: [z.batch, z.seq, z.model] },
        y: { values: randomFloats(z.batch * z.seq * z.model, 82), shape: [z.batch, z.seq, z.model], int: false },
      }),
      strataTransformerLoss, tfTransformerLoss),
  ];
}
