/**
 * Core layers: the Keras-style layer test for Dense, EinsumDense, Activation, Lambda and
 * Identity (against TensorFlow.js where it has the layer, a float64 oracle where it does not),
 * configs against TensorFlow.js' getConfig(), activity regularization, input-shape errors,
 * Lambda's save rules and memory.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as st from '@strata/core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expectClose } from '../setup.js';
import { checkLayer } from './harness.js';
import { expectSameConfigAsTfjs, jsonWithoutBaseKeys, randomTensor, ravel, sizeOf, useCpuBackends } from './layer-test-utils.js';

beforeAll(useCpuBackends);

// ---- float64 oracle helpers ----------------------------------------------------------------

/**
 * Float64 einsum of two operands (letters only): loops over every assignment of every index and
 * accumulates the product into the output element.
 */
function einsumOracle(equation: string, a: ArrayLike<number>, aShape: readonly number[], b: ArrayLike<number>, bShape: readonly number[]): { values: number[]; shape: number[] } {
  const [lhs, out] = equation.split('->') as [string, string];
  const [ia, ib] = lhs.split(',') as [string, string];
  const size = new Map<string, number>();
  [...ia].forEach((c, i) => size.set(c, aShape[i]!));
  [...ib].forEach((c, i) => size.set(c, bShape[i]!));
  const letters = [...size.keys()];
  const outShape = [...out].map((c) => size.get(c)!);
  const values = new Array<number>(sizeOf(outShape)).fill(0);
  const total = sizeOf(letters.map((c) => size.get(c)!));
  const at = new Map<string, number>();
  for (let n = 0; n < total; n++) {
    let rest = n;
    for (let k = letters.length - 1; k >= 0; k--) {
      const s = size.get(letters[k]!)!;
      at.set(letters[k]!, rest % s);
      rest = Math.floor(rest / s);
    }
    const pick = (spec: string) => [...spec].map((c) => at.get(c)!);
    values[ravel(pick(out), outShape)]! += a[ravel(pick(ia), aShape)]! * b[ravel(pick(ib), bShape)]!;
  }
  return { values, shape: outShape };
}

/** Adds a bias that broadcasts against the trailing dims of `shape`. */
function addBias(values: number[], shape: readonly number[], bias: ArrayLike<number>, biasShape: readonly number[]): number[] {
  const offset = shape.length - biasShape.length;
  return values.map((v, i) => {
    let rest = i;
    const coords = new Array<number>(shape.length);
    for (let d = shape.length - 1; d >= 0; d--) {
      coords[d] = rest % shape[d]!;
      rest = Math.floor(rest / shape[d]!);
    }
    const bc = biasShape.map((s, d) => (s === 1 ? 0 : coords[d + offset]!));
    return v + bias[ravel(bc, biasShape)]!;
  });
}

// ---- Dense -----------------------------------------------------------------------------------

describe('Dense', () => {
  it('units 7, sigmoid (fused activation), odd input width', () => checkLayer({
    make: () => st.layers.dense({ units: 7, activation: 'sigmoid' }),
    inputShapes: [[3, 5]],
    weights: { trainable: 2, nonTrainable: 0, params: 5 * 7 + 7 },
    tfjs: () => tfl.layers.dense({ units: 7, activation: 'sigmoid' }),
  }));

  it('rank-3 input, softmax (not fused), no bias', () => checkLayer({
    make: () => st.layers.dense({ units: 4, activation: 'softmax', useBias: false }),
    inputShapes: [[2, 3, 5]],
    weights: { trainable: 1, nonTrainable: 0, params: 20 },
    tfjs: () => tfl.layers.dense({ units: 4, activation: 'softmax', useBias: false }),
  }));

  it('one sample, elu, a random bias', () => checkLayer({
    make: () => st.layers.dense({ units: 3, activation: 'elu', biasInitializer: { className: 'RandomUniform', config: { minval: -1, maxval: 1, seed: 3 } } }),
    inputShapes: [[1, 9]],
    weights: { trainable: 2, nonTrainable: 0, params: 30 },
    tfjs: () => tfl.layers.dense({ units: 3, activation: 'elu' }),
  }));

  it('forward values match a float64 oracle (rank 3, tanh)', async () => {
    const layer = st.layers.dense({ units: 6, activation: 'tanh', biasInitializer: 'ones' });
    const { t: x, v } = randomTensor([2, 3, 5], 11);
    const y = layer.apply(x);
    const [kernel, bias] = layer.weights.map((w) => Array.from(w.dataSync()));
    const { values } = einsumOracle('abi,io->abo', v, [2, 3, 5], kernel!, [5, 6]);
    expect([...y.shape]).toEqual([2, 3, 6]);
    expectClose(y.dataSync(), addBias(values, [2, 3, 6], bias!, [6]).map(Math.tanh), 1e-5);
    st.dispose([x, y]);
    layer.dispose();
  });

  it('config keys and values match TensorFlow.js, both ways', async () => {
    const ours = st.layers.dense({
      units: 3, activation: 'relu', useBias: true, kernelInitializer: 'zeros', biasInitializer: 'ones',
      kernelRegularizer: new st.regularizers.L1L2({ l1: 0.01, l2: 0.02 }), biasRegularizer: null,
      activityRegularizer: new st.regularizers.L1L2({ l1: 0, l2: 0.5 }),
      kernelConstraint: new st.constraints.MaxNorm({ maxValue: 3, axis: 0 }), biasConstraint: new st.constraints.NonNeg(),
    });
    const theirs = tfl.layers.dense({
      units: 3, activation: 'relu', useBias: true, kernelInitializer: 'zeros', biasInitializer: 'ones',
      kernelRegularizer: tfl.regularizers.l1l2({ l1: 0.01, l2: 0.02 }),
      activityRegularizer: tfl.regularizers.l1l2({ l1: 0, l2: 0.5 }),
      kernelConstraint: tfl.constraints.maxNorm({ maxValue: 3, axis: 0 }), biasConstraint: tfl.constraints.nonNeg(),
    });
    expectSameConfigAsTfjs(ours, theirs, (c) => tfl.layers.dense(c as unknown as Parameters<typeof tfl.layers.dense>[0]));
  });

  it('default config has TensorFlow.js keys; inputDim sets the input shape', async () => {
    const layer = st.layers.dense({ units: 2, inputDim: 5 });
    const config = layer.getConfig();
    expect(Object.keys(jsonWithoutBaseKeys(config)).sort()).toEqual(Object.keys(jsonWithoutBaseKeys(tfl.layers.dense({ units: 2 }).getConfig())).sort());
    expect(config['kernelInitializer']).toEqual({ className: 'GlorotUniform', config: { seed: null } });
    expect(config['batchInputShape']).toEqual([null, 5]);
    expect(layer.computeOutputShape([null, 4, 5])).toEqual([null, 4, 2]);
  });

  it('adds the activity regularizer as a loss equal to l2 * sum(y²)', async () => {
    const layer = st.layers.dense({ units: 4, activityRegularizer: new st.regularizers.L2({ l2: 0.03 }) });
    const { t: x } = randomTensor([3, 6], 12);
    const y = layer.apply(x);
    const losses = layer.takeLosses();
    expect(losses.length).toBe(1);
    const expected = 0.03 * Array.from(y.dataSync()).reduce((s, v) => s + v * v, 0);
    expectClose(losses[0]!.dataSync(), [expected], 1e-5);
    st.dispose([x, y, ...losses]);
    layer.dispose();
  });

  it('rejects a wrong input shape, naming the layer and both shapes', async () => {
    const layer = st.layers.dense({ units: 3, name: 'my_dense' });
    const x = st.zeros([2, 4]);
    layer.apply(x).dispose();
    const bad = st.zeros([2, 5]);
    expect(() => layer.apply(bad)).toThrow(/my_dense: input axis -1 must have size 4, got shape \[2,5\].*built for input shape \[null,4\]/);
    const vector = st.zeros([4]);
    expect(() => st.layers.dense({ units: 3, name: 'flat_dense' }).apply(vector)).toThrow(/flat_dense: input must have rank ≥ 2, got shape \[4\]/);
    expect(() => st.layers.dense({ units: 3, name: 'sym_dense', inputShape: [4] }).apply(st.input({ shape: [6] }))).toThrow(/sym_dense: expected input of shape \[null,4\] but got \[null,6\]/);
    expect(() => st.layers.dense({ units: 0 })).toThrow(/units must be a positive integer, got 0/);
    expect(() => st.layers.dense({ units: 2, activation: 'nope' })).toThrow(/unknown activation 'nope'/);
    st.dispose([x, bad, vector]);
    layer.dispose();
  });

  it('does not leak tensors in eager calls', async () => {
    const layer = st.layers.dense({ units: 5, activation: 'softmax' });
    const { t: x } = randomTensor([4, 3], 13);
    st.tidy(() => layer.apply(x)).dispose();
    const before = st.memory().tensors;
    for (let i = 0; i < 3; i++) layer.apply(x).dispose();
    expect(st.memory().tensors).toBe(before);
    x.dispose();
    layer.dispose();
  });
});

// ---- EinsumDense -----------------------------------------------------------------------------

interface EinsumCase {
  equation: string;
  outputShape: number | (number | null)[];
  biasAxes?: string;
  activation?: string;
  input: number[];
  /** The equation with `...` written out for this input, for the oracle. */
  oracleEquation: string;
  kernelShape: number[];
  biasShape?: number[];
  outShape: number[];
}

const einsumCases: EinsumCase[] = [
  { equation: 'ab,bc->ac', outputShape: 4, biasAxes: 'c', activation: 'tanh', input: [3, 5], oracleEquation: 'ab,bc->ac', kernelShape: [5, 4], biasShape: [4], outShape: [3, 4] },
  { equation: '...b,bc->...c', outputShape: 6, biasAxes: 'c', input: [2, 3, 5], oracleEquation: 'xyb,bc->xyc', kernelShape: [5, 6], biasShape: [6], outShape: [2, 3, 6] },
  { equation: 'abc,cde->abde', outputShape: [null, 3, 4], biasAxes: 'de', input: [2, 5, 6], oracleEquation: 'abc,cde->abde', kernelShape: [6, 3, 4], biasShape: [3, 4], outShape: [2, 5, 3, 4] },
  { equation: 'ab...,bd->ad...', outputShape: [4], biasAxes: 'd', input: [2, 3, 4, 5], oracleEquation: 'abxy,bd->adxy', kernelShape: [3, 4], biasShape: [4, 1, 1], outShape: [2, 4, 4, 5] },
  { equation: 'abc,cd->abd', outputShape: [null, 7], input: [2, 5, 3], oracleEquation: 'abc,cd->abd', kernelShape: [3, 7], outShape: [2, 5, 7] },
  { equation: 'abc,bcd->ad', outputShape: 2, biasAxes: 'd', activation: 'sigmoid', input: [3, 4, 5], oracleEquation: 'abc,bcd->ad', kernelShape: [4, 5, 2], biasShape: [2], outShape: [3, 2] },
];

describe('EinsumDense', () => {
  for (const c of einsumCases) {
    const make = () => st.layers.einsumDense({
      equation: c.equation, outputShape: c.outputShape, biasAxes: c.biasAxes ?? null, activation: c.activation ?? null,
      biasInitializer: { className: 'RandomUniform', config: { minval: -1, maxval: 1, seed: 5 } },
    });
    const params = sizeOf(c.kernelShape) + (c.biasShape ? sizeOf(c.biasShape) : 0);

    it(`'${c.equation}' on ${JSON.stringify(c.input)}: layer test`, () => checkLayer({
      make,
      inputShapes: [c.input],
      weights: { trainable: c.biasShape ? 2 : 1, nonTrainable: 0, params },
    }));

    it(`'${c.equation}' on ${JSON.stringify(c.input)}: Keras weight shapes and float64 oracle`, async () => {
      const layer = make();
      const { t: x, v } = randomTensor(c.input, 21);
      const y = layer.apply(x);
      expect(layer.weights.map((w) => [...w.shape])).toEqual(c.biasShape ? [c.kernelShape, c.biasShape] : [c.kernelShape]);
      expect([...y.shape]).toEqual(c.outShape);
      const [kernel, bias] = layer.weights.map((w) => Array.from(w.dataSync()));
      let { values } = einsumOracle(c.oracleEquation, v, c.input, kernel!, c.kernelShape);
      if (c.biasShape) values = addBias(values, c.outShape, bias!, c.biasShape);
      if (c.activation === 'tanh') values = values.map(Math.tanh);
      if (c.activation === 'sigmoid') values = values.map((z) => 1 / (1 + Math.exp(-z)));
      expectClose(y.dataSync(), values, 1e-5);
      st.dispose([x, y]);
      layer.dispose();
    });
  }

  it('config has the Keras 3 keys (camelCase) and round-trips', async () => {
    const layer = st.layers.einsumDense({ equation: 'abc,cd->abd', outputShape: [null, 8], biasAxes: 'd', activation: 'relu', kernelRegularizer: 'l2' });
    const config = layer.getConfig();
    expect(Object.keys(jsonWithoutBaseKeys(config)).sort()).toEqual(['activation', 'activityRegularizer', 'biasAxes', 'biasConstraint', 'biasInitializer', 'biasRegularizer',
      'equation', 'kernelConstraint', 'kernelInitializer', 'kernelRegularizer', 'outputShape'].sort());
    expect(config['outputShape']).toEqual([null, 8]);
    expect(config['kernelRegularizer']).toEqual({ className: 'L2', config: { l2: 0.01 } });
    expect(st.layers.EinsumDense.fromConfig(config).getConfig()).toEqual(config);
  });

  it('computeOutputShape keeps unknown dims and fills known ones from the input', async () => {
    const layer = st.layers.einsumDense({ equation: '...b,bc->...c', outputShape: 4 });
    expect(layer.computeOutputShape([null, null, 7, 3])).toEqual([null, null, 7, 4]);
    const seq = st.layers.einsumDense({ equation: 'abc,cd->abd', outputShape: [null, 4] });
    expect(seq.computeOutputShape([null, 9, 3])).toEqual([null, 9, 4]);
  });

  it('gives clear errors for bad equations, shapes and bias axes', async () => {
    expect(() => st.layers.einsumDense({ equation: 'ab,bc', outputShape: 4 })).toThrow(/invalid equation 'ab,bc'/);
    expect(() => st.layers.einsumDense({ equation: 'ab,bc->ac', outputShape: 4, biasAxes: 'z' })).toThrow(/bias index 'z'.*not in the output 'ac'/);
    const wrongRank = st.layers.einsumDense({ equation: 'ab,bc->ac', outputShape: 4, name: 'ed' });
    const x3 = st.zeros([2, 3, 5]);
    expect(() => wrongRank.apply(x3)).toThrow(/ed \(EinsumDense\): the input must have rank 2 to match 'ab' \(input shape \[2,3,5\]/);
    expect(() => st.layers.einsumDense({ equation: 'ab,bc->ac', outputShape: [4, 5] }).computeOutputShape([null, 3])).toThrow(/outputShape \[4,5\] must have 1 dim/);
    expect(() => st.layers.einsumDense({ equation: 'ab,bce->ac', outputShape: 4 }).apply(st.input({ shape: [3] }))).toThrow(/kernel index 'e'.*fully specified/);
    const built = st.layers.einsumDense({ equation: 'abc,cd->abd', outputShape: [null, 4], name: 'ed2' });
    const ok = st.zeros([2, 3, 5]);
    built.apply(ok).dispose();
    const bad = st.zeros([2, 3, 6]);
    expect(() => built.apply(bad)).toThrow(/ed2: input axis 2 must have size 5, got shape \[2,3,6\].*built for input shape \[null,3,5\]/);
    st.dispose([x3, ok, bad]);
  });
});

// ---- Activation ------------------------------------------------------------------------------

describe('Activation', () => {
  for (const [name, shape] of [['tanh', [3, 4, 5]], ['softmax', [2, 7]], ['selu', [5, 3]], ['softplus', [1, 9]], ['swish', [2, 2, 3]]] as const) {
    it(`${name} on ${JSON.stringify(shape)}`, () => checkLayer({
      make: () => st.layers.activation({ activation: name }),
      inputShapes: [[...shape]],
      weights: { trainable: 0, nonTrainable: 0, params: 0 },
      tfjs: () => tfl.layers.activation({ activation: name }),
      noTrainingReason: 'Activation has no weights',
    }));
  }

  it('accepts snake_case names and matches the TensorFlow.js config', async () => {
    const ours = st.layers.activation({ activation: 'log_softmax' });
    expect(ours.getConfig()['activation']).toBe('logSoftmax');
    expectSameConfigAsTfjs(st.layers.activation({ activation: 'relu' }), tfl.layers.activation({ activation: 'relu' }),
      (c) => tfl.layers.activation(c as unknown as Parameters<typeof tfl.layers.activation>[0]));
    expect(() => st.layers.activation({ activation: 'nope' })).toThrow(/unknown activation 'nope'/);
  });
});

// ---- Lambda ----------------------------------------------------------------------------------

const scaledSquare: st.layers.LambdaFunction = (x, args) => st.add(st.mul(x as st.Tensor, args['scale'] as number), st.square(x as st.Tensor));
st.layers.registerLambda('test_scaled_square', scaledSquare);
st.layers.registerLambda('test_product', (xs) => st.mul((xs as st.Tensor[])[0]!, (xs as st.Tensor[])[1]!));
st.layers.registerLambda('test_sum_last', (x) => st.sum(x as st.Tensor, -1, true));

describe('Lambda', () => {
  it('a registered function with arguments: layer test and oracle', async () => {
    const make = () => st.layers.lambda({ functionName: 'test_scaled_square', arguments: { scale: 1.5 } });
    await checkLayer({ make, inputShapes: [[3, 4]], weights: { trainable: 0, nonTrainable: 0, params: 0 }, noTrainingReason: 'Lambda has no weights' });
    const { t: x, v } = randomTensor([3, 4], 31);
    const y = make().apply(x);
    expectClose(y.dataSync(), v.map((z) => 1.5 * z + z * z), 1e-6);
    st.dispose([x, y]);
  });

  it('two inputs: layer test and oracle', async () => {
    const make = () => st.layers.lambda({ functionName: 'test_product' });
    await checkLayer({ make, inputShapes: [[2, 3], [2, 3]], weights: { trainable: 0, nonTrainable: 0, params: 0 }, noTrainingReason: 'Lambda has no weights' });
    const a = randomTensor([2, 3], 32);
    const b = randomTensor([2, 3], 33);
    const y = make().apply([a.t, b.t]);
    expectClose(y.dataSync(), a.v.map((z, i) => z * b.v[i]!), 1e-6);
    st.dispose([a.t, b.t, y]);
  });

  it('a declared outputShape is used for shape inference', async () => {
    const make = () => st.layers.lambda({ functionName: 'test_sum_last', outputShape: [5, 1] });
    await checkLayer({ make, inputShapes: [[2, 5, 3]], weights: { trainable: 0, nonTrainable: 0, params: 0 }, noTrainingReason: 'Lambda has no weights' });
    expect(make().computeOutputShape([null, 5, 3])).toEqual([null, 5, 1]);
    const { t: x, v } = randomTensor([2, 5, 3], 34);
    const y = make().apply(x);
    expectClose(y.dataSync(), Array.from({ length: 10 }, (_, i) => v[3 * i]! + v[3 * i + 1]! + v[3 * i + 2]!), 1e-6);
    st.dispose([x, y]);
  });

  it('saves only registered functions, with a clear error otherwise', async () => {
    const negate = (x: st.Tensor | st.Tensor[]) => st.neg(x as st.Tensor);
    const layer = st.layers.lambda({ fn: negate, name: 'anon_lambda' });
    const x = st.tensor([1, -2], [1, 2]);
    const y = layer.apply(x);
    expect(Array.from(y.dataSync())).toEqual([-1, 2]);
    expect(() => layer.getConfig()).toThrow(/anon_lambda \(Lambda\): cannot save.*not registered by name.*registerLambda/);
    st.layers.registerLambda('test_negate', negate);
    expect(layer.getConfig()['functionName']).toBe('test_negate');
    expect(() => st.layers.lambda({ functionName: 'test_not_registered' })).toThrow(/no function is registered as 'test_not_registered'.*registerLambda/);
    expect(() => st.layers.lambda({ functionName: 'test_negate', fn: scaledSquare })).toThrow(/not the function registered as 'test_negate'/);
    expect(() => st.layers.lambda({})).toThrow(/give fn \(a function\) or functionName/);
    st.dispose([x, y]);
  });
});

// ---- Identity --------------------------------------------------------------------------------

describe('Identity', () => {
  it('layer test and oracle (values pass through unchanged)', async () => {
    await checkLayer({ make: () => st.layers.identity(), inputShapes: [[2, 3, 5]], weights: { trainable: 0, nonTrainable: 0, params: 0 }, noTrainingReason: 'Identity has no weights' });
    const { t: x, v } = randomTensor([3, 1, 7], 41);
    const y = st.layers.identity().apply(x);
    expect([...y.shape]).toEqual([3, 1, 7]);
    expect(Array.from(y.dataSync())).toEqual(v);
    y.dispose();
    expect(x.isDisposed).toBe(false);
    x.dispose();
  });
});
