/**
 * The kernels suite: matMul sizes, conv2d forward and both backprops, reductions, elementwise
 * bandwidth next to a memory copy, small-op dispatch overhead, and an MLP forward pass (where
 * onnxruntime joins). Platform-neutral: the browser mode runs it in Chromium.
 *
 * Strata is measured at the kernel level (the backend's own kernels, as core calls them) except
 * for the dispatch chain and the MLP forward pass, which go through the public ops; TensorFlow.js
 * through its ops; onnxruntime through an in-memory ONNX model per case.
 */
import type { Backend, Conv2DAttrs, TensorInfo } from '@strata/core';
import type { Tensor as TfTensor } from '@tensorflow/tfjs-core';
import type { Job, OrtLib, StrataLib, TfLib } from '../libraries.js';
import type { CaseReport, CaseResult } from '../types.js';
import { encodeOnnxModel } from '../onnx/model.js';
import type { OnnxGraph } from '../onnx/model.js';
import { randomFloats } from '../random.js';
import type { CaseDef, PrepareContext } from '../runner.js';
import { settleKernel, settleTensor, settleTf } from './settle.js';

export const KERNELS_METHOD =
  'Median of timed repeats after warm-up (spread: min–max). Each repeat ends by reading one element of the result back, ' +
  'so asynchronous backends are timed to completion (TensorFlow.js cpu/wasm finish before an op returns and their ' +
  'slice of a large tensor is slow, so there the result is only disposed). Strata: backend kernels called directly (the chain and the MLP ' +
  'forward pass go through the public ops); TensorFlow.js: its ops; onnxruntime: an in-memory ONNX model (conv in NCHW). ' +
  'GB/s counts bytes read + written; the memory copy (Float32Array.set) is measured in the same run as the reference.';

interface Sizes {
  readonly matMul: readonly number[];
  /** Batched matMul with the second operand transposed (attention scores: Q·Kᵀ per head). */
  readonly batchedMatMul: { readonly batch: number; readonly rows: number; readonly depth: number };
  readonly conv: { readonly n: number; readonly h: number; readonly w: number; readonly c: number; readonly f: number };
  readonly elements: number;
  readonly rows: number;
  readonly chainOps: number;
  readonly chainReps: number;
  readonly mlpBatch: number;
}

export const FULL_SIZES: Sizes = {
  matMul: [256, 512, 1024],
  batchedMatMul: { batch: 8, rows: 256, depth: 64 },
  conv: { n: 8, h: 32, w: 32, c: 32, f: 64 },
  elements: 4 * 1024 * 1024,
  rows: 2048,
  chainOps: 100,
  chainReps: 50,
  mlpBatch: 256,
};

export const QUICK_SIZES: Sizes = {
  matMul: [32, 64],
  batchedMatMul: { batch: 2, rows: 12, depth: 5 },
  conv: { n: 2, h: 8, w: 8, c: 4, f: 8 },
  elements: 4096,
  rows: 64,
  chainOps: 20,
  chainReps: 5,
  mlpBatch: 8,
};

// ---- helpers per library ----

function strataBackend(ctx: PrepareContext): Backend {
  const b = ctx.libs.st.backendInstance(ctx.target.backend);
  if (b === undefined) throw new Error(`backend '${ctx.target.backend}' is not initialised`);
  return b;
}

/** Kernel-level job: `inputs` written once; each run makes the output and reads one element of it. */
function kernelJob(b: Backend, inputs: readonly TensorInfo[], make: () => TensorInfo): Job {
  return {
    run: () => settleKernel(b, make()),
    dispose: () => { for (const t of inputs) b.free(t.storage); },
  };
}

function put(b: Backend, values: Float32Array, shape: readonly number[]): TensorInfo {
  return { storage: b.write(values, 'float32'), shape, dtype: 'float32' };
}

function tfLib(ctx: PrepareContext): TfLib {
  if (ctx.libs.tf === undefined) throw new Error('TensorFlow.js is not loaded');
  return ctx.libs.tf;
}

function tfJob(tf: TfLib, inputs: readonly TfTensor[], make: () => TfTensor): Job {
  return { run: () => settleTf(tf, make()), dispose: () => tf.dispose([...inputs]) };
}

function ortLib(ctx: PrepareContext): OrtLib {
  if (ctx.libs.ort === undefined) throw new Error('onnxruntime-node is not loaded');
  return ctx.libs.ort;
}

/** One ONNX session per case; each run feeds the same inputs (onnxruntime copies results out). */
async function onnxJob(ort: OrtLib, graph: OnnxGraph, feeds: Readonly<Record<string, Float32Array>>): Promise<Job> {
  // No spinning: onnxruntime's idle worker threads otherwise busy-wait for a while after each run,
  // on the cores that whatever is timed next needs.
  const session = await ort.InferenceSession.create(encodeOnnxModel(graph), {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  });
  const tensors: Record<string, InstanceType<OrtLib['Tensor']>> = {};
  for (const v of graph.inputs) tensors[v.name] = new ort.Tensor('float32', feeds[v.name]!, [...v.shape]);
  return {
    run: () => session.run(tensors),
    dispose: () => { void session.release(); },
  };
}

// ---- cases ----

function matMulCase(n: number): CaseDef {
  const a = () => randomFloats(n * n, 1);
  const bv = () => randomFloats(n * n, 2);
  return {
    name: `matMul ${n}×${n}×${n}`,
    unit: 'GFLOP/s',
    family: 'matMul',
    work: { flops: 2 * n ** 3 },
    prepare: {
      strata: (ctx) => {
        const b = strataBackend(ctx);
        const x = put(b, a(), [n, n]);
        const y = put(b, bv(), [n, n]);
        return kernelJob(b, [x, y], () => b.matMul(x, y, false, false));
      },
      tfjs: (ctx) => {
        const tf = tfLib(ctx);
        const x = tf.tensor2d(a(), [n, n]);
        const y = tf.tensor2d(bv(), [n, n]);
        return tfJob(tf, [x, y], () => tf.matMul(x, y));
      },
      onnx: (ctx) => onnxJob(ortLib(ctx), {
        name: 'matmul',
        nodes: [{ op: 'MatMul', inputs: ['a', 'b'], outputs: ['y'] }],
        inputs: [{ name: 'a', shape: [n, n] }],
        initializers: [{ name: 'b', shape: [n, n], values: bv() }],
        outputs: [{ name: 'y', shape: [n, n] }],
      }, { a: a() }),
    },
  };
}

/** `batch` products of [rows, depth] · [rows, depth]ᵀ, as attention scores are computed. */
function batchedMatMulCase(g: Sizes['batchedMatMul']): CaseDef {
  const { batch, rows, depth } = g;
  const shape = [batch, rows, depth];
  const a = () => randomFloats(batch * rows * depth, 6);
  const bv = () => randomFloats(batch * rows * depth, 7);
  return {
    name: `matMul batched ${batch}×${rows}×${depth} · (${batch}×${rows}×${depth})ᵀ`,
    unit: 'GFLOP/s',
    work: { flops: 2 * batch * rows * rows * depth },
    prepare: {
      strata: (ctx) => {
        const b = strataBackend(ctx);
        const x = put(b, a(), shape);
        const y = put(b, bv(), shape);
        return kernelJob(b, [x, y], () => b.matMul(x, y, false, true));
      },
      tfjs: (ctx) => {
        const tf = tfLib(ctx);
        const x = tf.tensor3d(a(), shape as [number, number, number]);
        const y = tf.tensor3d(bv(), shape as [number, number, number]);
        return tfJob(tf, [x, y], () => tf.matMul(x, y, false, true));
      },
    },
  };
}

type ConvKind = 'forward' | 'backpropInput' | 'backpropFilter';

function convCase(kind: ConvKind, g: Sizes['conv']): CaseDef {
  const xShape = [g.n, g.h, g.w, g.c];
  const fShape = [3, 3, g.c, g.f];
  const yShape = [g.n, g.h, g.w, g.f];
  const x = () => randomFloats(g.n * g.h * g.w * g.c, 3);
  const f = () => randomFloats(9 * g.c * g.f, 4);
  const dy = () => randomFloats(g.n * g.h * g.w * g.f, 5);
  const attrs: Conv2DAttrs = { strides: [1, 1], dilations: [1, 1], pad: [1, 1, 1, 1] };
  const label = kind === 'forward' ? 'forward' : kind === 'backpropInput' ? 'backprop input' : 'backprop filter';
  const tfAttrs = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dilations: [1, 1] };
  return {
    name: `conv2d ${label} ${g.n}×${g.h}×${g.w}×${g.c}→${g.f} 3×3 same`,
    unit: 'GFLOP/s',
    work: { flops: 2 * g.n * g.h * g.w * 9 * g.c * g.f },
    prepare: {
      strata: (ctx) => {
        const b = strataBackend(ctx);
        if (kind === 'forward' && b.conv2d === undefined) {
          // No kernel: measure what users get, core's im2col fallback through the public op.
          const st = ctx.libs.st;
          const xt = st.tensor(x(), xShape);
          const ft = st.tensor(f(), fShape);
          return { run: () => settleTensor(st, st.conv2d(xt, ft, 1, 'same')), dispose: () => st.dispose([xt, ft]), note: 'no conv2d kernel: core fallback (im2col + matMul)' };
        }
        const kernelName = kind === 'forward' ? 'conv2d' : kind === 'backpropInput' ? 'conv2dBackpropInput' : 'conv2dBackpropFilter';
        if (b[kernelName] === undefined) throw new Error(`backend has no ${kernelName} kernel`);
        const xi = put(b, x(), xShape);
        const fi = put(b, f(), fShape);
        const dyi = put(b, dy(), yShape);
        const make = kind === 'forward' ? () => b.conv2d!(xi, fi, attrs)
          : kind === 'backpropInput' ? () => b.conv2dBackpropInput!(dyi, fi, xShape, attrs)
            : () => b.conv2dBackpropFilter!(xi, dyi, fShape, attrs);
        return kernelJob(b, [xi, fi, dyi], make);
      },
      tfjs: (ctx) => {
        const tf = tfLib(ctx);
        const xt = tf.tensor4d(x(), xShape as [number, number, number, number]);
        const ft = tf.tensor4d(f(), fShape as [number, number, number, number]);
        const dyt = tf.tensor4d(dy(), yShape as [number, number, number, number]);
        const make = kind === 'forward' ? () => tf.conv2d(xt, ft, 1, 'same')
          : kind === 'backpropInput' ? () => tf.engine().runKernel('Conv2DBackpropInput', { dy: dyt, filter: ft }, { ...tfAttrs, inputShape: xShape }) as TfTensor
            : () => tf.engine().runKernel('Conv2DBackpropFilter', { x: xt, dy: dyt }, { ...tfAttrs, filterShape: fShape }) as TfTensor;
        return tfJob(tf, [xt, ft, dyt], make);
      },
      ...(kind === 'forward' ? {
        onnx: (ctx: PrepareContext) => onnxJob(ortLib(ctx), {
          name: 'conv',
          nodes: [{ op: 'Conv', inputs: ['x', 'w'], outputs: ['y'], attributes: { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [1, 1] } }],
          inputs: [{ name: 'x', shape: [g.n, g.c, g.h, g.w] }],
          initializers: [{ name: 'w', shape: [g.f, g.c, 3, 3], values: f() }],
          outputs: [{ name: 'y', shape: [g.n, g.f, g.h, g.w] }],
        }, { x: x() }),
      } : {}),
    },
  };
}

/** Plain-JS memory copy of `n` floats: the bandwidth yardstick for the elementwise cases. */
export const COPY_CASE_PREFIX = 'memory copy';

function copyCase(n: number): CaseDef {
  return {
    name: `${COPY_CASE_PREFIX} ${n} floats (Float32Array.set)`,
    unit: 'GB/s',
    work: { bytes: 8 * n },
    prepare: {
      reference: () => {
        const src = randomFloats(n, 11);
        const dst = new Float32Array(n);
        return { run: () => dst.set(src), dispose: () => undefined };
      },
    },
  };
}

type ElementwiseOp = 'add' | 'relu' | 'exp';

function elementwiseCase(op: ElementwiseOp, n: number): CaseDef {
  const inputs = op === 'add' ? 2 : 1;
  const a = () => randomFloats(n, 11);
  const bv = () => randomFloats(n, 12);
  return {
    name: `${op} ${n} floats`,
    unit: 'GB/s',
    work: { bytes: 4 * n * (inputs + 1) },
    prepare: {
      strata: (ctx) => {
        const b = strataBackend(ctx);
        const x = put(b, a(), [n]);
        const y = put(b, bv(), [n]);
        return kernelJob(b, [x, y], op === 'add' ? () => b.binary('add', x, y) : () => b.unary(op, x));
      },
      tfjs: (ctx) => {
        const tf = tfLib(ctx);
        const x = tf.tensor1d(a());
        const y = tf.tensor1d(bv());
        return tfJob(tf, [x, y], op === 'add' ? () => tf.add(x, y) : op === 'relu' ? () => tf.relu(x) : () => tf.exp(x));
      },
    },
  };
}

function reductionCase(kind: 'sum all' | 'max rows', n: number, rows: number): CaseDef {
  const cols = Math.max(1, Math.floor(n / rows));
  const shape = kind === 'sum all' ? [n] : [rows, cols];
  const size = kind === 'sum all' ? n : rows * cols;
  const name = kind === 'sum all' ? `sum ${n} floats → scalar` : `max over rows ${rows}×${cols} → ${rows}`;
  return {
    name,
    unit: 'GB/s',
    work: { bytes: 4 * size },
    prepare: {
      strata: (ctx) => {
        const b = strataBackend(ctx);
        const x = put(b, randomFloats(size, 13), shape);
        return kernelJob(b, [x], kind === 'sum all' ? () => b.reduce('sum', x, [0]) : () => b.reduce('max', x, [1]));
      },
      tfjs: (ctx) => {
        const tf = tfLib(ctx);
        const x = tf.tensor(randomFloats(size, 13), shape);
        return tfJob(tf, [x], kind === 'sum all' ? () => tf.sum(x) : () => tf.max(x, 1));
      },
    },
  };
}

/**
 * A chain of dependent ops on 16-element tensors (add, mul, relu, sub, neg in turn) inside tidy,
 * through the public API: per-op overhead (dispatch, allocation, bookkeeping), not arithmetic.
 * One timed call is `reps` chains; the last chain's result is read back.
 */
function chainCase(ops: number, reps: number): CaseDef {
  const values = () => ({ b: randomFloats(16, 21), c: randomFloats(16, 22).map((v) => 1 + v / 8), x: randomFloats(16, 23) });
  return {
    name: `dispatch: chain of ${ops} ops on 16 floats`,
    unit: 'ops/s',
    work: { ops: ops * reps },
    prepare: {
      strata: ({ libs: { st } }) => {
        const v = values();
        const b = st.tensor(v.b, [16]);
        const c = st.tensor(v.c, [16]);
        const x0 = st.tensor(v.x, [16]);
        const steps = [(x: ReturnType<StrataLib['tensor']>) => st.add(x, b), (x: ReturnType<StrataLib['tensor']>) => st.mul(x, c), st.relu, (x: ReturnType<StrataLib['tensor']>) => st.sub(x, b), st.neg];
        const chain = () => {
          let x = x0;
          for (let i = 0; i < ops; i++) x = steps[i % steps.length]!(x);
          return x;
        };
        return {
          run: () => {
            for (let r = 0; r < reps - 1; r++) st.tidy(() => { chain(); });
            return settleTensor(st, st.tidy(chain));
          },
          dispose: () => st.dispose([b, c, x0]),
        };
      },
      tfjs: (ctx) => {
        const tf = tfLib(ctx);
        const v = values();
        const b = tf.tensor1d(v.b);
        const c = tf.tensor1d(v.c);
        const x0 = tf.tensor1d(v.x);
        const steps = [(x: TfTensor) => tf.add(x, b), (x: TfTensor) => tf.mul(x, c), (x: TfTensor) => tf.relu(x), (x: TfTensor) => tf.sub(x, b), (x: TfTensor) => tf.neg(x)];
        const chain = () => {
          let x: TfTensor = x0;
          for (let i = 0; i < ops; i++) x = steps[i % steps.length]!(x);
          return x;
        };
        return {
          run: () => {
            for (let r = 0; r < reps - 1; r++) tf.tidy(() => { chain(); });
            return settleTf(tf, tf.tidy(chain));
          },
          dispose: () => tf.dispose([b, c, x0]),
        };
      },
    },
  };
}

/** Inference of the MNIST MLP (784-256-10, relu, softmax) on one batch: all three libraries. */
function mlpForwardCase(batch: number): CaseDef {
  const x = () => randomFloats(batch * 784, 31);
  const w1 = () => randomFloats(784 * 256, 32).map((v) => v / 10);
  const b1 = () => randomFloats(256, 33);
  const w2 = () => randomFloats(256 * 10, 34).map((v) => v / 10);
  const b2 = () => randomFloats(10, 35);
  return {
    name: `MLP forward 784-256-10, batch ${batch}`,
    unit: 'GFLOP/s',
    work: { flops: 2 * batch * (784 * 256 + 256 * 10) },
    prepare: {
      strata: ({ libs: { st } }) => {
        const t = [st.tensor(x(), [batch, 784]), st.tensor(w1(), [784, 256]), st.tensor(b1(), [256]), st.tensor(w2(), [256, 10]), st.tensor(b2(), [10])] as const;
        const [xt, w1t, b1t, w2t, b2t] = t;
        return {
          run: () => settleTensor(st, st.tidy(() => st.softmax(st.fusedMatMul({ a: st.fusedMatMul({ a: xt, b: w1t, bias: b1t, activation: 'relu' }), b: w2t, bias: b2t })))),
          dispose: () => st.dispose([...t]),
        };
      },
      tfjs: (ctx) => {
        const tf = tfLib(ctx);
        const t = [tf.tensor2d(x(), [batch, 784]), tf.tensor2d(w1(), [784, 256]), tf.tensor1d(b1()), tf.tensor2d(w2(), [256, 10]), tf.tensor1d(b2())] as const;
        const [xt, w1t, b1t, w2t, b2t] = t;
        return tfJob(tf, [...t], () => tf.tidy(() => tf.softmax(tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(xt, w1t), b1t)), w2t), b2t))));
      },
      onnx: (ctx) => onnxJob(ortLib(ctx), {
        name: 'mlp',
        nodes: [
          { op: 'MatMul', inputs: ['x', 'w1'], outputs: ['h0'] },
          { op: 'Add', inputs: ['h0', 'b1'], outputs: ['h1'] },
          { op: 'Relu', inputs: ['h1'], outputs: ['h2'] },
          { op: 'MatMul', inputs: ['h2', 'w2'], outputs: ['z0'] },
          { op: 'Add', inputs: ['z0', 'b2'], outputs: ['z1'] },
          { op: 'Softmax', inputs: ['z1'], outputs: ['y'], attributes: { axis: -1 } },
        ],
        inputs: [{ name: 'x', shape: [batch, 784] }],
        initializers: [
          { name: 'w1', shape: [784, 256], values: w1() },
          { name: 'b1', shape: [256], values: b1() },
          { name: 'w2', shape: [256, 10], values: w2() },
          { name: 'b2', shape: [10], values: b2() },
        ],
        outputs: [{ name: 'y', shape: [batch, 10] }],
      }, { x: x() }),
    },
  };
}

/** Every case of the kernels suite, in report order. */
export function kernelCases(quick: boolean): CaseDef[] {
  const s = quick ? QUICK_SIZES : FULL_SIZES;
  return [
    ...s.matMul.map(matMulCase),
    batchedMatMulCase(s.batchedMatMul),
    ...(['forward', 'backpropInput', 'backpropFilter'] as const).map((k) => convCase(k, s.conv)),
    copyCase(s.elements),
    ...(['add', 'relu', 'exp'] as const).map((op) => elementwiseCase(op, s.elements)),
    reductionCase('sum all', s.elements, s.rows),
    reductionCase('max rows', s.elements, s.rows),
    chainCase(s.chainOps, s.chainReps),
    mlpForwardCase(s.mlpBatch),
  ];
}

/** Adds each bandwidth case's fraction of the memory-copy bandwidth measured in the same run. */
export function withCopyFractions(cases: readonly CaseReport[]): CaseReport[] {
  const copy = cases.find((c) => c.name.startsWith(COPY_CASE_PREFIX));
  const copyResult = copy === undefined ? undefined : Object.values(copy.results)[0];
  if (copy === undefined || copyResult === undefined || !copyResult.ok) return [...cases];
  return cases.map((c) => {
    if (c === copy || c.unit !== 'GB/s') return c;
    const results: Record<string, CaseResult> = {};
    for (const [id, r] of Object.entries(c.results)) results[id] = r.ok ? { ...r, ofCopy: r.value / copyResult.value } : r;
    return { ...c, results };
  });
}
