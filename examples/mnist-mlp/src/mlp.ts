/**
 * A two-layer perceptron (784 → hidden (relu) → 10) written directly with Strata's core ops and
 * autodiff: weights are `st.variable`s, the loss is softmax cross-entropy on logits, and the
 * optimizer (Adam) is a handful of elementwise ops. No Layers/Model API is used.
 */
import * as st from '@strata/core';

/** The model's weights. */
export interface Mlp {
  readonly w1: st.Variable; // [inputs, hidden]
  readonly b1: st.Variable; // [hidden]
  readonly w2: st.Variable; // [hidden, classes]
  readonly b2: st.Variable; // [classes]
  readonly params: readonly st.Variable[];
}

export interface MlpConfig {
  inputs?: number;
  hidden?: number;
  classes?: number;
}

/**
 * Creates the weights: He-normal (truncated, as Keras' `he_normal`) for the relu layer,
 * Glorot-uniform for the output layer, zero biases. Draws from the global seed (`st.setSeed`).
 */
export function createMlp(config: MlpConfig = {}): Mlp {
  const { inputs = 784, hidden = 128, classes = 10 } = config;
  return st.tidy(() => {
    // Keras divides by 0.8796 so the truncated (±2σ) normal keeps the intended variance.
    const heStd = Math.sqrt(2 / inputs) / 0.87962566103423978;
    const glorotLimit = Math.sqrt(6 / (hidden + classes));
    const w1 = st.variable(st.truncatedNormal([inputs, hidden], 0, heStd));
    const b1 = st.variable(st.zeros([hidden]));
    const w2 = st.variable(st.randomUniform([hidden, classes], -glorotLimit, glorotLimit));
    const b2 = st.variable(st.zeros([classes]));
    return { w1, b1, w2, b2, params: [w1, b1, w2, b2] };
  });
}

/** Frees the model's weights. */
export function disposeMlp(model: Mlp): void {
  for (const p of model.params) p.dispose();
}

/** Logits `[batch, classes]` for images `x` `[batch, inputs]`. */
export function forward(model: Mlp, x: st.Tensor): st.Tensor {
  return st.tidy(() => {
    const h = st.relu(st.add(st.matMul(x, model.w1), model.b1));
    return st.add(st.matMul(h, model.w2), model.b2);
  });
}

/**
 * Mean softmax cross-entropy of `logits` `[batch, classes]` against int32 `labels` `[batch]`,
 * through the stable `st.logSoftmax` (max-shifted; uses the backend's kernel when it has one).
 */
export function softmaxCrossEntropy(logits: st.Tensor, labels: st.Tensor): st.Tensor {
  return st.tidy(() => {
    const classes = logits.shape[logits.rank - 1]!;
    const picked = st.sum(st.mul(st.oneHot(labels, classes), st.logSoftmax(logits)), -1);
    return st.neg(st.mean(picked));
  });
}

/** Number of rows of `logits` whose largest entry is at the label (float32 scalar). */
export function countCorrect(logits: st.Tensor, labels: st.Tensor): st.Tensor {
  return st.tidy(() => st.sum(st.cast(st.equal(st.argMax(logits, -1), labels), 'float32')));
}

export interface AdamConfig {
  learningRate?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/** Adam (Kingma & Ba), written with ops. Its moment estimates are non-trainable variables. */
export class Adam {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  private step = 0;
  private readonly slots: { param: st.Variable; m: st.Variable; v: st.Variable }[];

  constructor(params: readonly st.Variable[], config: AdamConfig = {}) {
    this.learningRate = config.learningRate ?? 1e-3;
    this.beta1 = config.beta1 ?? 0.9;
    this.beta2 = config.beta2 ?? 0.999;
    this.epsilon = config.epsilon ?? 1e-7;
    this.slots = st.tidy(() =>
      params.map((param) => ({ param, m: st.variable(st.zerosLike(param), false), v: st.variable(st.zerosLike(param), false) })),
    );
  }

  /** Applies one update from gradients keyed by variable name (as `st.variableGrads` returns). */
  applyGradients(grads: Readonly<Record<string, st.Tensor>>): void {
    this.step++;
    const { beta1: b1, beta2: b2 } = this;
    // Bias corrections folded into the step size: lr · √(1 − β₂ᵗ) / (1 − β₁ᵗ).
    const alpha = (this.learningRate * Math.sqrt(1 - b2 ** this.step)) / (1 - b1 ** this.step);
    st.tidy(() => {
      for (const { param, m, v } of this.slots) {
        const g = grads[param.name];
        if (!g) throw new Error(`Adam: no gradient for variable '${param.name}'`);
        const m1 = st.add(st.mul(m, b1), st.mul(g, 1 - b1));
        const v1 = st.add(st.mul(v, b2), st.mul(st.square(g), 1 - b2));
        m.assign(m1);
        v.assign(v1);
        param.assign(st.sub(param, st.div(st.mul(m1, alpha), st.add(st.sqrt(v1), this.epsilon))));
      }
    });
  }

  /** Frees the moment estimates. */
  dispose(): void {
    for (const { m, v } of this.slots) {
      m.dispose();
      v.dispose();
    }
  }
}

/**
 * One training step on a batch. Everything it makes is freed except the two returned scalars
 * (the batch's mean loss and number of correct predictions), which the caller disposes.
 */
export function trainStep(model: Mlp, optimizer: Adam, x: st.Tensor, y: st.Tensor): { loss: st.Tensor; correct: st.Tensor } {
  return st.tidy(() => {
    const captured: { correct?: st.Tensor } = {};
    try {
      const { value: loss, grads } = st.variableGrads(() => {
        const logits = forward(model, x);
        // variableGrads frees what its function makes, so keep the accuracy count past it...
        captured.correct = st.keep(countCorrect(logits, y));
        return softmaxCrossEntropy(logits, y);
      }, model.params);
      optimizer.applyGradients(grads);
      // ...then hand it back through tidy's return value (a new handle).
      return { loss, correct: st.clone(captured.correct!) };
    } finally {
      captured.correct?.dispose(); // the kept handle: tidy never frees it
    }
  });
}

/** Accuracy and mean loss of the model on `x`/`y`, evaluated in batches. */
export async function evaluate(model: Mlp, x: st.Tensor, y: st.Tensor, batchSize = 1000): Promise<{ accuracy: number; loss: number; correct: number }> {
  const n = x.shape[0]!;
  let correct = 0;
  let lossSum = 0;
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const [batchLoss, batchCorrect] = st.tidy(() => {
      const xb = st.slice(x, [start, 0], [size, -1]);
      const yb = st.slice(y, [start], [size]);
      const logits = forward(model, xb);
      return [softmaxCrossEntropy(logits, yb), countCorrect(logits, yb)];
    });
    lossSum += (await batchLoss!.data())[0]! * size;
    correct += (await batchCorrect!.data())[0]!;
    st.dispose([batchLoss, batchCorrect]);
  }
  return { accuracy: correct / n, loss: lossSum / n, correct };
}

/** Rows `indices` of `x` and `y` as a new batch (the caller disposes, or runs this in tidy). */
export function gatherBatch(x: st.Tensor, y: st.Tensor, indices: Int32Array): { xb: st.Tensor; yb: st.Tensor } {
  return st.tidy(() => {
    const idx = st.tensor(indices, [indices.length], 'int32');
    return { xb: st.gather(x, idx), yb: st.gather(y, idx) };
  });
}
