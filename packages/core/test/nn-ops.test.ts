/**
 * Neural-network ops (activations, conv, pool, normalization, fused, einsum, optimizer updates)
 * against independent float64 loops, on three backends: 'cpu' (with its optional kernels),
 * 'cpu-bare' (every optional kernel hidden: core's fallbacks) and 'cpu-mixed' (conv2d / pool
 * forward kernels without backprops, plus test-only kernels for the ops cpu lacks). Gradients are
 * checked against central differences of the float64 references.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as st from '@strata/core';
import { CpuBackend } from '@strata/backend-cpu';

// ---- helpers -----------------------------------------------------------------------------

/** Deterministic uniform numbers in [lo, hi). */
function randomValues(n: number, seed: number, lo = -1, hi = 1): Float64Array {
  let s = seed >>> 0 || 1;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = lo + ((s >>> 8) / 2 ** 24) * (hi - lo);
  }
  return out;
}

/** Distinct values (a shuffled ramp spaced 0.1 apart), so max-type ops have no near ties. */
function distinctValues(n: number, seed: number): Float64Array {
  const order = randomValues(n, seed);
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => order[a]! - order[b]!);
  const out = new Float64Array(n);
  idx.forEach((j, rank) => (out[j] = (rank - n / 2) * 0.1));
  return out;
}

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
const f32 = (values: Float64Array): Float64Array => Float64Array.from(Float32Array.from(values));
const make = (values: Float64Array, shape: readonly number[]): st.Tensor => st.tensor(Float32Array.from(values), shape);

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-4, what = ''): void {
  expect(actual.length, `${what} length`).toBe(expected.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const err = Math.abs(actual[i]! - e) / (1 + Math.abs(e));
    if (!(err <= worst) || Number.isNaN(err)) {
      worst = Number.isNaN(err) ? Infinity : err;
      at = i;
    }
  }
  expect(worst, `${what} worst relative error at ${at}: got ${actual[at]}, expected ${expected[at]}`).toBeLessThanOrEqual(tol);
}

async function values(t: st.Tensor): Promise<Float64Array> {
  const d = Float64Array.from(await t.data());
  t.dispose();
  return d;
}

/**
 * Gradient of `sum(op(inputs) * weights)` for each input, by central differences of the float64
 * reference `ref`.
 */
function numericGrads(ref: (inputs: Float64Array[]) => Float64Array, inputs: Float64Array[], weights: Float64Array, h = 1e-4): Float64Array[] {
  const loss = (xs: Float64Array[]): number => ref(xs).reduce((s, v, i) => s + v * weights[i]!, 0);
  return inputs.map((input, which) => {
    const g = new Float64Array(input.length);
    for (let i = 0; i < input.length; i++) {
      const plus = inputs.map((x) => Float64Array.from(x));
      const minus = inputs.map((x) => Float64Array.from(x));
      plus[which]![i]! += h;
      minus[which]![i]! -= h;
      g[i] = (loss(plus) - loss(minus)) / (2 * h);
    }
    return g;
  });
}

/** Analytic gradients of `sum(op(...) * weights)` via st.grads. */
async function analyticGrads(op: (...ts: st.Tensor[]) => st.Tensor, inputs: readonly st.Tensor[], weights: Float64Array): Promise<Float64Array[]> {
  const gs = st.tidy(() => st.grads((...ts: st.Tensor[]) => {
    const y = op(...ts);
    return st.sum(st.mul(y, make(weights, y.shape)));
  })(inputs));
  return Promise.all(gs.map(values));
}

/** Checks an op's value and gradients against a float64 reference. */
async function checkOp(opts: {
  op: (...ts: st.Tensor[]) => st.Tensor;
  ref: (inputs: Float64Array[]) => Float64Array;
  inputs: readonly (readonly [Float64Array, readonly number[]])[];
  tol?: number;
  gradTol?: number;
  what: string;
  grads?: boolean;
}): Promise<void> {
  const raw = opts.inputs.map(([v]) => f32(v));
  const ts = opts.inputs.map(([v, shape]) => make(v, shape));
  const expected = opts.ref(raw);
  const y = opts.op(...ts);
  expectClose(await values(y), expected, opts.tol ?? 1e-4, `${opts.what} value`);
  if (opts.grads !== false) {
    const weights = randomValues(expected.length, 99);
    const numeric = numericGrads(opts.ref, raw, weights);
    const analytic = await analyticGrads(opts.op, ts, weights);
    analytic.forEach((g, i) => expectClose(g, numeric[i]!, opts.gradTol ?? 2e-3, `${opts.what} gradient of input ${i}`));
  }
  st.dispose(ts);
}

// ---- backends: the cpu backend with optional kernels hidden or added ---------------------------

type Methods = Record<string, unknown>;

/**
 * A backend that forwards to a fresh CpuBackend (whose methods need `this` to be the instance:
 * it has private fields), with some optional kernels hidden and others added.
 */
function cpuVariant(name: string, hidden: readonly st.OptionalKernelName[], extra: (base: CpuBackend) => Partial<st.OptionalKernels> = () => ({})): st.Backend {
  const base = new CpuBackend();
  const wrapper = Object.create(base) as Methods;
  const baseMethods = base as unknown as Methods;
  for (const key of Object.getOwnPropertyNames(Object.getPrototypeOf(base))) {
    const method = baseMethods[key];
    if (key !== 'constructor' && typeof method === 'function') wrapper[key] = (method as (...args: unknown[]) => unknown).bind(base);
  }
  Object.defineProperty(wrapper, 'name', { value: name });
  for (const h of hidden) wrapper[h] = undefined;
  Object.assign(wrapper, extra(base));
  return wrapper as unknown as st.Backend;
}

/** Test-only kernels (plain loops) for the optional kernels cpu-reference does not have. */
function extraKernels(base: CpuBackend): Partial<st.OptionalKernels> {
  const read = (t: st.TensorInfo): Float32Array => base.readSync(t.storage) as Float32Array;
  const out = (v: Float32Array, shape: readonly number[]): st.TensorInfo => ({ storage: base.write(v, 'float32'), shape, dtype: 'float32' });
  return {
    batchNorm: (x, mean, variance, offset, scale, eps) => {
      const [xv, m, v, o, s] = [x, mean, variance, offset, scale].map(read) as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
      const c = m.length;
      return out(xv.map((val, i) => ((val - m[i % c]!) / Math.sqrt(v[i % c]! + eps)) * s[i % c]! + o[i % c]!), x.shape);
    },
    layerNorm: (x, gamma, beta, eps) => {
      const [xv, g, b] = [x, gamma, beta].map(read) as [Float32Array, Float32Array, Float32Array];
      return out(Float32Array.from(refLayerNorm(Float64Array.from(xv), Float64Array.from(g), Float64Array.from(b), eps)), x.shape);
    },
    fusedMatMul: (a, b, bias, activation, tA, tB) => {
      const m = tA ? a.shape[1]! : a.shape[0]!;
      const k = tA ? a.shape[0]! : a.shape[1]!;
      const n = tB ? b.shape[0]! : b.shape[1]!;
      const av = read(a);
      const bv = read(b);
      const biasv = bias ? read(bias) : null;
      const y = new Float32Array(m * n);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let p = 0; p < k; p++) s += av[tA ? p * m + i : i * k + p]! * bv[tB ? j * k + p : p * n + j]!;
          s += biasv ? biasv[biasv.length === n ? j : 0]! : 0;
          y[i * n + j] = ACT[activation](s);
        }
      }
      return out(y, [m, n]);
    },
    attention: (q, k, v, mask, scale) => {
      const y = refAttention(Float64Array.from(read(q)), q.shape, Float64Array.from(read(k)), k.shape, Float64Array.from(read(v)), v.shape, mask ? Float64Array.from(read(mask)) : null, scale);
      return out(Float32Array.from(y), [...q.shape.slice(0, -1), v.shape[v.shape.length - 1]!]);
    },
    adamUpdate: (param, grad, m, v, attrs) => {
      const [p2, m2, v2] = refAdam(...([param, grad, m, v].map((t) => Float64Array.from(read(t))) as [Float64Array, Float64Array, Float64Array, Float64Array]), attrs);
      return [out(Float32Array.from(p2), param.shape), out(Float32Array.from(m2), param.shape), out(Float32Array.from(v2), param.shape)];
    },
    sgdUpdate: (param, grad, velocity, attrs) => {
      const [p2, v2] = refSgd(...([param, grad, velocity].map((t) => Float64Array.from(read(t))) as [Float64Array, Float64Array, Float64Array]), attrs);
      return [out(Float32Array.from(p2), param.shape), out(Float32Array.from(v2), param.shape)];
    },
  };
}

const ACT: Record<st.FusedActivation, (v: number) => number> = {
  linear: (v) => v,
  relu: (v) => Math.max(v, 0),
  sigmoid: (v) => 1 / (1 + Math.exp(-v)),
  tanh: Math.tanh,
};

const BACKENDS = ['cpu', 'cpu-bare', 'cpu-mixed'] as const;

beforeAll(async () => {
  st.registerBackend({ name: 'cpu-bare', priority: 0, create: async () => cpuVariant('cpu-bare', st.OPTIONAL_KERNEL_NAMES) });
  st.registerBackend({
    name: 'cpu-mixed',
    priority: 0,
    create: async () => cpuVariant('cpu-mixed', ['conv2dBackpropInput', 'conv2dBackpropFilter', 'maxPoolBackprop', 'avgPoolBackprop', 'softmax'], extraKernels),
  });
  await st.setBackend('cpu');
});

afterAll(async () => {
  await st.setBackend('cpu');
  st.clearOpCaches();
});

/** Runs a check once per backend. */
async function onEachBackend(check: (backend: string) => Promise<void>): Promise<void> {
  for (const name of BACKENDS) {
    await st.setBackend(name);
    await check(name);
  }
  await st.setBackend('cpu');
}

// ---- float64 references ----------------------------------------------------------------------

/** erf to ~1e-12 (series for small |x|, continued fraction otherwise). */
function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2.5) {
    let term = x;
    let total = x;
    for (let n = 1; n < 80; n++) {
      term *= (-x * x) / n;
      total += term / (2 * n + 1);
    }
    return (2 / Math.sqrt(Math.PI)) * total;
  }
  let cf = 0;
  for (let n = 60; n >= 1; n--) cf = n / 2 / (ax + cf);
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + cf);
  return Math.sign(x) * (1 - erfc);
}

/** TensorFlow's padding rule, written independently: [before, after] for one dim. */
function tfPad(mode: 'same' | 'valid', inSize: number, k: number, stride: number, dilation: number): [number, number] {
  if (mode === 'valid') return [0, 0];
  const eff = (k - 1) * dilation + 1;
  const out = Math.ceil(inSize / stride);
  const total = Math.max(0, (out - 1) * stride + eff - inSize);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

interface Conv { n: number; h: number; w: number; c: number; kh: number; kw: number; sh: number; sw: number; dh: number; dw: number; pad: [number, number, number, number] }

function convOut(g: Conv): [number, number] {
  return [
    Math.floor((g.h + g.pad[0] + g.pad[1] - ((g.kh - 1) * g.dh + 1)) / g.sh) + 1,
    Math.floor((g.w + g.pad[2] + g.pad[3] - ((g.kw - 1) * g.dw + 1)) / g.sw) + 1,
  ];
}

/** Visits every (output pixel, tap, input pixel inside the image). */
function forTaps(g: Conv, visit: (b: number, oy: number, ox: number, ky: number, kx: number, iy: number, ix: number) => void): void {
  const [oh, ow] = convOut(g);
  for (let b = 0; b < g.n; b++) for (let oy = 0; oy < oh; oy++) for (let ox = 0; ox < ow; ox++) {
    for (let ky = 0; ky < g.kh; ky++) for (let kx = 0; kx < g.kw; kx++) {
      const iy = oy * g.sh - g.pad[0] + ky * g.dh;
      const ix = ox * g.sw - g.pad[2] + kx * g.dw;
      if (iy >= 0 && iy < g.h && ix >= 0 && ix < g.w) visit(b, oy, ox, ky, kx, iy, ix);
    }
  }
}

function refConv2d(x: Float64Array, f: Float64Array, g: Conv, outC: number): Float64Array {
  const [oh, ow] = convOut(g);
  const y = new Float64Array(g.n * oh * ow * outC);
  forTaps(g, (b, oy, ox, ky, kx, iy, ix) => {
    for (let ci = 0; ci < g.c; ci++) for (let co = 0; co < outC; co++) {
      y[((b * oh + oy) * ow + ox) * outC + co]! += x[((b * g.h + iy) * g.w + ix) * g.c + ci]! * f[((ky * g.kw + kx) * g.c + ci) * outC + co]!;
    }
  });
  return y;
}

function refDepthwise(x: Float64Array, f: Float64Array, g: Conv, mult: number): Float64Array {
  const [oh, ow] = convOut(g);
  const y = new Float64Array(g.n * oh * ow * g.c * mult);
  forTaps(g, (b, oy, ox, ky, kx, iy, ix) => {
    for (let ci = 0; ci < g.c; ci++) for (let j = 0; j < mult; j++) {
      y[((b * oh + oy) * ow + ox) * g.c * mult + ci * mult + j]! += x[((b * g.h + iy) * g.w + ix) * g.c + ci]! * f[((ky * g.kw + kx) * g.c + ci) * mult + j]!;
    }
  });
  return y;
}

/** Transposed conv: x is the conv output `[n,oh,ow,inC]`, result the conv input `[n,h,w,outC]` of `g`. */
function refConvTranspose(x: Float64Array, f: Float64Array, g: Conv, inC: number): Float64Array {
  const [oh, ow] = convOut(g);
  const y = new Float64Array(g.n * g.h * g.w * g.c);
  forTaps(g, (b, oy, ox, ky, kx, iy, ix) => {
    for (let co = 0; co < g.c; co++) for (let ci = 0; ci < inC; ci++) {
      y[((b * g.h + iy) * g.w + ix) * g.c + co]! += x[((b * oh + oy) * ow + ox) * inC + ci]! * f[((ky * g.kw + kx) * g.c + co) * inC + ci]!;
    }
  });
  return y;
}

function refPool(x: Float64Array, g: Conv, kind: 'max' | 'avg'): Float64Array {
  const [oh, ow] = convOut(g);
  const acc = new Float64Array(g.n * oh * ow * g.c).fill(kind === 'max' ? -Infinity : 0);
  const count = new Float64Array(g.n * oh * ow);
  forTaps(g, (b, oy, ox, _ky, _kx, iy, ix) => {
    const o = (b * oh + oy) * ow + ox;
    count[o]!++;
    for (let ci = 0; ci < g.c; ci++) {
      const v = x[((b * g.h + iy) * g.w + ix) * g.c + ci]!;
      acc[o * g.c + ci] = kind === 'max' ? Math.max(acc[o * g.c + ci]!, v) : acc[o * g.c + ci]! + v;
    }
  });
  return kind === 'max' ? acc : acc.map((v, i) => v / count[Math.floor(i / g.c)]!);
}

function lastAxisRows(x: Float64Array, n: number, fn: (row: Float64Array) => Float64Array): Float64Array {
  const out = new Float64Array(x.length);
  for (let r = 0; r < x.length / n; r++) out.set(fn(x.subarray(r * n, (r + 1) * n)), r * n);
  return out;
}

function refSoftmaxRow(row: Float64Array): Float64Array {
  const m = Math.max(...row);
  const e = row.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

function refLayerNorm(x: Float64Array, gamma: Float64Array, beta: Float64Array, eps: number): Float64Array {
  const c = gamma.length;
  return lastAxisRows(x, c, (row) => {
    const mean = row.reduce((a, b) => a + b, 0) / c;
    const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / c;
    return row.map((v, i) => ((v - mean) / Math.sqrt(variance + eps)) * gamma[i]! + beta[i]!);
  });
}

/** Attention over equal batch dims. */
function refAttention(q: Float64Array, qShape: readonly number[], k: Float64Array, kShape: readonly number[], v: Float64Array, vShape: readonly number[], mask: Float64Array | null, scale: number): Float64Array {
  const [m, d] = qShape.slice(-2) as [number, number];
  const n = kShape[kShape.length - 2]!;
  const e = vShape[vShape.length - 1]!;
  const batch = size(qShape.slice(0, -2));
  const y = new Float64Array(batch * m * e);
  for (let b = 0; b < batch; b++) for (let i = 0; i < m; i++) {
    const scores = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < d; p++) s += q[(b * m + i) * d + p]! * k[(b * n + j) * d + p]!;
      scores[j] = s * scale + (mask ? mask[(b * m + i) * n + j]! : 0);
    }
    const w = refSoftmaxRow(scores);
    for (let t = 0; t < e; t++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += w[j]! * v[(b * n + j) * e + t]!;
      y[(b * m + i) * e + t] = s;
    }
  }
  return y;
}

function refAdam(p: Float64Array, g: Float64Array, m: Float64Array, v: Float64Array, a: st.AdamAttrs): [Float64Array, Float64Array, Float64Array] {
  const lrT = (a.learningRate * Math.sqrt(1 - a.beta2 ** a.step)) / (1 - a.beta1 ** a.step);
  const m2 = m.map((mi, i) => a.beta1 * mi + (1 - a.beta1) * g[i]!);
  const v2 = v.map((vi, i) => a.beta2 * vi + (1 - a.beta2) * g[i]! ** 2);
  return [p.map((pi, i) => pi - (lrT * m2[i]!) / (Math.sqrt(v2[i]!) + a.epsilon)), m2, v2];
}

function refSgd(p: Float64Array, g: Float64Array, vel: Float64Array, a: st.SgdAttrs): [Float64Array, Float64Array] {
  if (a.momentum === 0) return [p.map((pi, i) => pi - a.learningRate * g[i]!), Float64Array.from(vel)];
  const v2 = vel.map((vi, i) => a.momentum * vi - a.learningRate * g[i]!);
  const p2 = p.map((pi, i) => pi + (a.nesterov ? a.momentum * v2[i]! - a.learningRate * g[i]! : v2[i]!));
  return [p2, v2];
}

// ---- activations ---------------------------------------------------------------------------

describe('activations', () => {
  // Values away from the kinks at 0 and 6, so central differences are valid.
  const xs = randomValues(24, 5, -8, 8).map((v) => (Math.abs(v) < 0.1 ? v + 0.3 : Math.abs(v - 6) < 0.1 ? v + 0.3 : v));
  const softplusRef = (v: number): number => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
  const cases: [string, (t: st.Tensor) => st.Tensor, (v: number) => number][] = [
    ['relu6', st.relu6, (v) => Math.min(Math.max(v, 0), 6)],
    ['elu', (t) => st.elu(t), (v) => (v > 0 ? v : Math.expm1(v))],
    ['elu(0.5)', (t) => st.elu(t, 0.5), (v) => (v > 0 ? v : 0.5 * Math.expm1(v))],
    ['selu', st.selu, (v) => 1.0507009873554805 * (v > 0 ? v : 1.6732632423543772 * Math.expm1(v))],
    ['gelu', (t) => st.gelu(t), (v) => 0.5 * v * (1 + erf(v / Math.SQRT2))],
    ['gelu(tanh)', (t) => st.gelu(t, true), (v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)))],
    ['silu', st.silu, (v) => v / (1 + Math.exp(-v))],
    ['leakyRelu', (t) => st.leakyRelu(t), (v) => (v > 0 ? v : 0.2 * v)],
    ['leakyRelu(0.01)', (t) => st.leakyRelu(t, 0.01), (v) => (v > 0 ? v : 0.01 * v)],
    ['softplus', st.softplus, softplusRef],
    ['softsign', st.softsign, (v) => v / (1 + Math.abs(v))],
    ['hardSigmoid', st.hardSigmoid, (v) => Math.min(Math.max(v + 3, 0), 6) / 6],
    ['mish', st.mish, (v) => v * Math.tanh(softplusRef(v))],
  ];
  for (const [name, op, ref] of cases) {
    it(`${name} matches float64 and its gradient matches central differences`, async () => {
      await checkOp({ what: name, op, ref: ([x]) => x!.map(ref), inputs: [[xs, [4, 6]]], tol: 2e-6 });
    });
  }

  it('hardSigmoid gradient avoids its kinks at ±3', async () => {
    const away = xs.map((v) => (Math.abs(Math.abs(v) - 3) < 0.1 ? v + 0.3 : v));
    await checkOp({ what: 'hardSigmoid', op: st.hardSigmoid, ref: ([x]) => x!.map((v) => Math.min(Math.max(v + 3, 0), 6) / 6), inputs: [[away, [24]]] });
  });

  it('softplus is stable for large |x| and has gradient sigmoid(0) = 0.5 at 0', async () => {
    expectClose(await values(st.softplus(st.tensor([-100, 0, 100]))), [0, Math.log(2), 100], 1e-6);
    expectClose(await values(st.grad((x) => st.softplus(x))(st.tensor([0]))), [0.5], 1e-6);
  });

  it('elu gradient is finite for large positive inputs', async () => {
    expectClose(await values(st.grad((x) => st.elu(x))(st.tensor([200, -1]))), [1, Math.exp(-1)], 1e-6);
  });

  it('softmax and logSoftmax on every axis match float64, with and without the kernels', async () => {
    const shape = [2, 3, 5];
    const x = randomValues(30, 11, -3, 3);
    for (const axis of [-1, 0, 1]) {
      const dim = shape[axis < 0 ? axis + 3 : axis]!;
      const refSoftmax = ([v]: Float64Array[]): Float64Array => {
        const out = new Float64Array(v!.length);
        const strides = [15, 5, 1];
        const a = axis < 0 ? axis + 3 : axis;
        for (let i = 0; i < v!.length; i++) {
          const pos = Math.floor(i / strides[a]!) % dim;
          const start = i - pos * strides[a]!;
          const row = Float64Array.from({ length: dim }, (_, j) => v![start + j * strides[a]!]!);
          out[i] = refSoftmaxRow(row)[pos]!;
        }
        return out;
      };
      await onEachBackend(async (b) => {
        await checkOp({ what: `softmax axis ${axis} on ${b}`, op: (t) => st.softmax(t, axis), ref: refSoftmax, inputs: [[x, shape]], tol: 1e-6 });
        await checkOp({ what: `logSoftmax axis ${axis} on ${b}`, op: (t) => st.logSoftmax(t, axis), ref: (v) => refSoftmax(v).map(Math.log), inputs: [[x, shape]], tol: 1e-6 });
      });
    }
  });

  it('softmax handles huge logits and rejects bad axes naming the op', async () => {
    expectClose(await values(st.softmax(st.tensor([1000, 1000, -1000]))), [0.5, 0.5, 0], 1e-6);
    expect(() => st.softmax(st.tensor([[1, 2]]), 2)).toThrow(/softmax: axis 2 is out of range/);
    expect(() => st.relu6(st.tensor([true]))).toThrow(/relu6: argument 'x' has dtype bool/);
  });
});

// ---- convolution -------------------------------------------------------------------------------

interface ConvCase {
  label: string;
  x: [number, number, number, number];
  k: [number, number];
  outC: number;
  strides: [number, number];
  dilations: [number, number];
  pad: 'same' | 'valid' | [[number, number], [number, number]];
}

const CONV_CASES: ConvCase[] = [
  { label: '5x7 valid 3x3', x: [2, 5, 7, 3], k: [3, 3], outC: 4, strides: [1, 1], dilations: [1, 1], pad: 'valid' },
  { label: 'stride 2 same, even 4x2 kernel', x: [1, 5, 7, 3], k: [4, 2], outC: 2, strides: [2, 2], dilations: [1, 1], pad: 'same' },
  { label: 'dilation 2 same, odd kernel', x: [2, 6, 5, 2], k: [3, 3], outC: 3, strides: [1, 1], dilations: [2, 2], pad: 'same' },
  { label: 'explicit pad, strides [2,1], dilations [1,2]', x: [1, 5, 7, 3], k: [2, 3], outC: 2, strides: [2, 1], dilations: [1, 2], pad: [[1, 2], [0, 1]] },
];

function geometryOf(c: ConvCase): Conv {
  const [n, h, w, ch] = c.x;
  const pad: [number, number, number, number] = typeof c.pad === 'string'
    ? [...tfPad(c.pad, h, c.k[0], c.strides[0], c.dilations[0]), ...tfPad(c.pad, w, c.k[1], c.strides[1], c.dilations[1])]
    : [c.pad[0][0], c.pad[0][1], c.pad[1][0], c.pad[1][1]];
  return { n, h, w, c: ch, kh: c.k[0], kw: c.k[1], sh: c.strides[0], sw: c.strides[1], dh: c.dilations[0], dw: c.dilations[1], pad };
}

describe('conv2d', () => {
  for (const c of CONV_CASES) {
    it(`${c.label}: value and gradients on every backend`, async () => {
      const g = geometryOf(c);
      const filterShape = [c.k[0], c.k[1], c.x[3], c.outC];
      const x = randomValues(size(c.x), 1);
      const f = randomValues(size(filterShape), 2);
      await onEachBackend(async (b) => {
        await checkOp({
          what: `conv2d ${c.label} on ${b}`,
          op: (xt, ft) => st.conv2d(xt!, ft!, c.strides, c.pad, c.dilations),
          ref: ([xv, fv]) => refConv2d(xv!, fv!, g, c.outC),
          inputs: [[x, c.x], [f, filterShape]],
        });
      });
    });
  }

  it('accepts a rank-3 image as a batch of one, and int32 input', async () => {
    const x = randomValues(5 * 7 * 3, 3);
    const f = randomValues(3 * 3 * 3 * 2, 4);
    const y = st.conv2d(make(x, [5, 7, 3]), make(f, [3, 3, 3, 2]), 2, 'same');
    expect(y.shape).toEqual([3, 4, 2]);
    expectClose(await values(y), refConv2d(f32(x), f32(f), { n: 1, h: 5, w: 7, c: 3, kh: 3, kw: 3, sh: 2, sw: 2, dh: 1, dw: 1, pad: [1, 1, 1, 1] }, 2));
    const yi = st.conv2d(st.tensor([[[1], [2]], [[3], [4]]], undefined, 'int32'), st.ones([1, 1, 1, 1]));
    expect(yi.dtype).toBe('float32');
    expect(Array.from(await values(yi))).toEqual([1, 2, 3, 4]);
  });

  it('second-order gradients agree with and without kernels', async () => {
    const x = randomValues(1 * 4 * 5 * 2, 8);
    const f = randomValues(2 * 2 * 2 * 3, 9);
    const results: Float64Array[] = [];
    await onEachBackend(async () => {
      const [xt, ft] = [make(x, [1, 4, 5, 2]), make(f, [2, 2, 2, 3])];
      // d/dx of sum((d/dx sum(conv(x,f)^2))^2): exercises the backprops' own gradients.
      const inner = (xv: st.Tensor, fv: st.Tensor): st.Tensor => st.grads((a: st.Tensor, w: st.Tensor) => st.sum(st.square(st.conv2d(a, w, 2, 'same'))))([xv, fv])[0]!;
      const [gx, gf] = st.grads((a: st.Tensor, w: st.Tensor) => st.sum(st.square(inner(a, w))))([xt, ft]);
      results.push(await values(gx!), await values(gf!));
      st.dispose([xt, ft]);
    });
    expectClose(results[2]!, results[0]!, 1e-4, 'dx bare vs cpu');
    expectClose(results[3]!, results[1]!, 1e-4, 'df bare vs cpu');
    expectClose(results[4]!, results[0]!, 1e-4, 'dx mixed vs cpu');
    expectClose(results[5]!, results[1]!, 1e-4, 'df mixed vs cpu');
  });

  it('errors name the op, the argument and the shapes', () => {
    const x = st.zeros([1, 5, 5, 3]);
    expect(() => st.conv2d(x, st.zeros([3, 3, 2, 4]))).toThrow(/conv2d: filter \[3,3,2,4\] expects 2 input channels .* x \[1,5,5,3\] has 3/);
    expect(() => st.conv2d(st.zeros([5, 5]), st.zeros([3, 3, 1, 1]))).toThrow(/conv2d: x must be rank 4 .* got \[5,5\]/);
    expect(() => st.conv2d(x, st.zeros([7, 7, 3, 1]))).toThrow(/conv2d: the filter window 7x7 .* does not fit the input \[1,5,5,3\]/);
    expect(() => st.conv2d(x, st.zeros([3, 3, 3, 1]), 0)).toThrow(/conv2d: strides must be a positive integer/);
    expect(() => st.conv2d(x, st.zeros([3, 3, 3, 1]), 1, 'full' as 'same')).toThrow(/conv2d: pad must be 'valid', 'same'/);
    st.dispose(x);
  });

  it('does not leak: repeated forward and backward passes keep memory flat', async () => {
    await onEachBackend(async () => {
      const x = make(randomValues(2 * 5 * 7 * 3, 1), [2, 5, 7, 3]);
      const f = make(randomValues(3 * 3 * 3 * 4, 2), [3, 3, 3, 4]);
      const step = (): void => st.tidy(() => {
        st.grads((a: st.Tensor, w: st.Tensor) => st.sum(st.conv2d(a, w, 2, 'same')))([x, f]);
        st.maxPool(x, 3, 2, 'same');
        st.avgPool(x, 3, 2, 'same');
      });
      step();
      const before = st.memory().tensors;
      for (let i = 0; i < 3; i++) step();
      expect(st.memory().tensors).toBe(before);
      st.dispose([x, f]);
    });
    const before = st.memory().tensors;
    st.clearOpCaches();
    expect(st.memory().tensors).toBeLessThanOrEqual(before);
  });
});

describe('conv1d, conv2dTranspose, depthwiseConv2d', () => {
  it('conv1d matches a float64 1-D convolution (stride 2, dilation 2, same)', async () => {
    const x = randomValues(2 * 9 * 3, 12);
    const f = randomValues(3 * 3 * 2, 13);
    const g: Conv = { n: 2, h: 1, w: 9, c: 3, kh: 1, kw: 3, sh: 1, sw: 2, dh: 1, dw: 2, pad: [0, 0, ...tfPad('same', 9, 3, 2, 2)] };
    await onEachBackend(async (b) => {
      await checkOp({
        what: `conv1d on ${b}`,
        op: (xt, ft) => st.conv1d(xt!, ft!, 2, 'same', 2),
        ref: ([xv, fv]) => refConv2d(xv!, fv!, g, 2),
        inputs: [[x, [2, 9, 3]], [f, [3, 3, 2]]],
      });
    });
    expect(st.conv1d(st.zeros([9, 3]), st.zeros([3, 3, 2]), 1, [1, 1]).shape).toEqual([9, 2]);
  });

  for (const [label, pad, strides, outHW] of [
    ['same stride 2', 'same', 2, [5, 7]],
    ['valid stride [2,1]', 'valid', [2, 1], [6, 5]],
  ] as const) {
    it(`conv2dTranspose ${label}: value and gradients on every backend`, async () => {
      const outC = 2;
      const inC = 3;
      const s: [number, number] = typeof strides === 'number' ? [strides, strides] : [strides[0], strides[1]];
      const geometry: Conv = { n: 2, h: outHW[0], w: outHW[1], c: outC, kh: 3, kw: 2, sh: s[0], sw: s[1], dh: 1, dw: 1, pad: [0, 0, 0, 0] };
      if (pad === 'same') geometry.pad = [...tfPad('same', outHW[0], 3, s[0], 1), ...tfPad('same', outHW[1], 2, s[1], 1)];
      const [oh, ow] = convOut(geometry);
      const xShape = [2, oh, ow, inC];
      const fShape = [3, 2, outC, inC];
      const x = randomValues(size(xShape), 14);
      const f = randomValues(size(fShape), 15);
      await onEachBackend(async (b) => {
        await checkOp({
          what: `conv2dTranspose ${label} on ${b}`,
          op: (xt, ft) => st.conv2dTranspose(xt!, ft!, [2, outHW[0], outHW[1], outC], strides, pad),
          ref: ([xv, fv]) => refConvTranspose(xv!, fv!, geometry, inC),
          inputs: [[x, xShape], [f, fShape]],
        });
      });
    });
  }

  it('conv2dTranspose rejects an outputShape that does not convolve back to x', () => {
    expect(() => st.conv2dTranspose(st.zeros([1, 3, 4, 3]), st.zeros([3, 3, 2, 3]), [1, 9, 9, 2], 2, 'same'))
      .toThrow(/conv2dTranspose: a convolution of outputShape \[1,9,9,2\] .* gives 5x5, but x \[1,3,4,3\] is 3x4/);
    expect(() => st.conv2dTranspose(st.zeros([1, 3, 4, 3]), st.zeros([3, 3, 3, 2]), [1, 5, 7, 3])).toThrow(/conv2dTranspose: filter \[3,3,3,2\] expects 2 input channels/);
  });

  for (const c of CONV_CASES) {
    it(`depthwiseConv2d ${c.label}, multiplier 2: value and gradients on every backend`, async () => {
      const g = geometryOf(c);
      const filterShape = [c.k[0], c.k[1], c.x[3], 2];
      const x = randomValues(size(c.x), 21);
      const f = randomValues(size(filterShape), 22);
      await onEachBackend(async (b) => {
        await checkOp({
          what: `depthwiseConv2d ${c.label} on ${b}`,
          op: (xt, ft) => st.depthwiseConv2d(xt!, ft!, c.strides, c.pad, c.dilations),
          ref: ([xv, fv]) => refDepthwise(xv!, fv!, g, 2),
          inputs: [[x, c.x], [f, filterShape]],
        });
      });
    });
  }
});

// ---- pooling -------------------------------------------------------------------------------

describe('pooling', () => {
  const cases: { label: string; x: [number, number, number, number]; k: [number, number]; s: [number, number]; pad: 'same' | 'valid' | [[number, number], [number, number]] }[] = [
    { label: '3x3 stride 2 same on 5x7', x: [2, 5, 7, 3], k: [3, 3], s: [2, 2], pad: 'same' },
    { label: '2x3 stride [1,2] valid', x: [1, 5, 7, 2], k: [2, 3], s: [1, 2], pad: 'valid' },
    { label: '2x2 stride 1 same on 5x4 (odd total padding)', x: [1, 5, 4, 2], k: [2, 2], s: [1, 1], pad: 'same' },
    { label: 'explicit pad [[1,0],[2,1]]', x: [1, 5, 6, 2], k: [3, 3], s: [2, 1], pad: [[1, 0], [2, 1]] },
  ];
  for (const c of cases) {
    const g: Conv = {
      n: c.x[0], h: c.x[1], w: c.x[2], c: c.x[3], kh: c.k[0], kw: c.k[1], sh: c.s[0], sw: c.s[1], dh: 1, dw: 1,
      pad: typeof c.pad === 'string' ? [...tfPad(c.pad, c.x[1], c.k[0], c.s[0], 1), ...tfPad(c.pad, c.x[2], c.k[1], c.s[1], 1)] : [c.pad[0][0], c.pad[0][1], c.pad[1][0], c.pad[1][1]],
    };
    it(`maxPool and avgPool ${c.label}: value and gradients on every backend`, async () => {
      const x = distinctValues(size(c.x), 31);
      await onEachBackend(async (b) => {
        await checkOp({ what: `maxPool ${c.label} on ${b}`, op: (t) => st.maxPool(t!, c.k, c.s, c.pad), ref: ([v]) => refPool(v!, g, 'max'), inputs: [[x, c.x]] });
        await checkOp({ what: `avgPool ${c.label} on ${b}`, op: (t) => st.avgPool(t!, c.k, c.s, c.pad), ref: ([v]) => refPool(v!, g, 'avg'), inputs: [[x, c.x]] });
      });
    });
  }

  it('maxPool routes the gradient of a tie to the first maximum on every backend', async () => {
    const results: Float64Array[] = [];
    await onEachBackend(async () => {
      results.push(await values(st.grad((x) => st.maxPool(x, 2, 1, 'valid'))(st.ones([1, 3, 3, 1]))));
    });
    // Each of the four 2x2 windows sends its gradient to its top-left element.
    expect(Array.from(results[0]!)).toEqual([1, 1, 0, 1, 1, 0, 0, 0, 0]);
    expect(Array.from(results[1]!)).toEqual(Array.from(results[0]!));
    expect(Array.from(results[2]!)).toEqual(Array.from(results[0]!));
  });

  it('1-D pooling and errors', async () => {
    const x = st.tensor([[[1], [5], [2], [4], [3]]]);
    expect(Array.from(await values(st.maxPool1d(x, 2, 2, 'same')))).toEqual([5, 4, 3]);
    expectClose(await values(st.avgPool1d(x, 2, 2, 'same')), [3, 3, 3]);
    expect(st.avgPool1d(st.zeros([5, 2]), 3, 1).shape).toEqual([3, 2]);
    expect(() => st.maxPool(st.zeros([4, 4]), 2)).toThrow(/maxPool: x must be rank 4 .* got \[4,4\]/);
    expect(() => st.avgPool(st.zeros([1, 2, 2, 1]), 3)).toThrow(/avgPool: the pooling window 3x3 .* does not fit the input \[1,2,2,1\]/);
    expect(() => st.maxPool(st.zeros([1, 4, 4, 1]), [2, 0])).toThrow(/maxPool: filterSize must be a positive integer/);
    st.dispose(x);
  });
});

// ---- normalization ------------------------------------------------------------------------------

describe('normalization', () => {
  it('batchNorm matches float64 (kernel and composite) with gradients', async () => {
    const shape = [2, 3, 4];
    const x = randomValues(24, 41, -2, 2);
    const mean = randomValues(4, 42);
    const variance = randomValues(4, 43, 0.5, 2);
    const offset = randomValues(4, 44);
    const scale = randomValues(4, 45, 0.5, 1.5);
    const ref = ([xv, m, v, o, s]: Float64Array[]): Float64Array => xv!.map((val, i) => ((val - m![i % 4]!) / Math.sqrt(v![i % 4]! + 1e-3)) * s![i % 4]! + o![i % 4]!);
    await onEachBackend(async (b) => {
      await checkOp({
        what: `batchNorm on ${b}`,
        op: (xt, m, v, o, s) => st.batchNorm(xt!, m!, v!, o, s),
        ref,
        inputs: [[x, shape], [mean, [4]], [variance, [4]], [offset, [4]], [scale, [4]]],
      });
    });
    await st.setBackend('cpu-mixed');
    const y = st.batchNorm(make(x, shape), make(mean, [4]), make(variance, [4]));
    expectClose(await values(y), ref([f32(x), f32(mean), f32(variance), new Float64Array(4), new Float64Array(4).fill(1)]));
    await st.setBackend('cpu');
    expect(() => st.batchNorm(st.zeros([2, 4]), st.zeros([3]), st.ones([4]))).toThrow(/batchNorm: mean of shape \[3\] does not broadcast to x \[2,4\]/);
  });

  it('layerNorm matches float64 (kernel and composite) with gradients', async () => {
    const shape = [3, 5];
    const x = randomValues(15, 51, -2, 2);
    const gamma = randomValues(5, 52, 0.5, 1.5);
    const beta = randomValues(5, 53);
    await onEachBackend(async (b) => {
      await checkOp({
        what: `layerNorm on ${b}`,
        op: (xt, gt, bt) => st.layerNorm(xt!, gt, bt),
        ref: ([xv, gv, bv]) => refLayerNorm(xv!, gv!, bv!, 1e-5),
        inputs: [[x, shape], [gamma, [5]], [beta, [5]]],
      });
    });
    expect(() => st.layerNorm(st.zeros([2, 4]), st.ones([3]))).toThrow(/layerNorm: gamma must have shape \[4\] .* got \[3\]/);
  });
});

// ---- fused ----------------------------------------------------------------------------------

describe('fused ops', () => {
  for (const activation of ['linear', 'relu', 'sigmoid', 'tanh'] as const) {
    it(`fusedMatMul ${activation} (transposes, bias) matches float64 with gradients`, async () => {
      const a = randomValues(4 * 3, 61).map((v) => (Math.abs(v) < 0.05 ? 0.3 : v));
      const b = randomValues(5 * 4, 62);
      const bias = randomValues(5, 63);
      const ref = ([av, bv, biasv]: Float64Array[]): Float64Array => {
        // a is stored [k=4, m=3] (transposeA); b is [n=5, k=4] (transposeB).
        const y = new Float64Array(15);
        for (let i = 0; i < 3; i++) for (let j = 0; j < 5; j++) {
          let s = biasv![j]!;
          for (let p = 0; p < 4; p++) s += av![p * 3 + i]! * bv![j * 4 + p]!;
          y[i * 5 + j] = ACT[activation](s);
        }
        return y;
      };
      await onEachBackend(async (name) => {
        await checkOp({
          what: `fusedMatMul ${activation} on ${name}`,
          op: (at, bt, biast) => st.fusedMatMul({ a: at!, b: bt!, transposeA: true, transposeB: true, bias: biast, activation }),
          ref,
          inputs: [[a, [4, 3]], [b, [5, 4]], [bias, [5]]],
          grads: activation !== 'relu',
        });
        // Forward only (no tape): the cpu-mixed kernel runs here.
        expectClose(await values(st.fusedMatMul({ a: make(a, [4, 3]), b: make(b, [5, 4]), transposeA: true, transposeB: true, bias: make(bias, [5]), activation })), ref([f32(a), f32(b), f32(bias)]));
      });
    });
  }

  it('fusedMatMul validates its arguments', () => {
    expect(() => st.fusedMatMul({ a: st.zeros([2, 3]), b: st.zeros([3, 4]), bias: st.zeros([3]) })).toThrow(/fusedMatMul: bias \[3\] does not broadcast to the product \[2,4\]/);
    expect(() => st.fusedMatMul({ a: st.zeros([2, 3]), b: st.zeros([3, 4]), activation: 'gelu' as 'relu' })).toThrow(/fusedMatMul: unknown activation 'gelu'/);
  });

  it('dotProductAttention matches float64 with float and bool masks, kernel and composite', async () => {
    const [bsz, m, n, d, e] = [2, 3, 4, 5, 2];
    const q = randomValues(bsz * m * d, 71);
    const k = randomValues(bsz * n * d, 72);
    const v = randomValues(bsz * n * e, 73);
    const mask = randomValues(bsz * m * n, 74);
    await onEachBackend(async (name) => {
      await checkOp({
        what: `attention on ${name}`,
        op: (qt, kt, vt, mt) => st.dotProductAttention(qt!, kt!, vt!, mt),
        ref: ([qv, kv, vv, mv]) => refAttention(qv!, [bsz, m, d], kv!, [bsz, n, d], vv!, [bsz, n, e], mv!, 1 / Math.sqrt(d)),
        inputs: [[q, [bsz, m, d]], [k, [bsz, n, d]], [v, [bsz, n, e]], [mask, [bsz, m, n]]],
      });
      // A bool mask that hides the last key: same as a -1e9 additive mask there.
      const keep = st.tensor([true, true, true, false]);
      const additive = new Float64Array(bsz * m * n).map((_, i) => (i % n === n - 1 ? -1e9 : 0));
      const y = st.dotProductAttention(make(q, [bsz, m, d]), make(k, [bsz, n, d]), make(v, [bsz, n, e]), keep, 0.5);
      expectClose(await values(y), refAttention(f32(q), [bsz, m, d], f32(k), [bsz, n, d], f32(v), [bsz, n, e], additive, 0.5));
    });
    expect(() => st.dotProductAttention(st.zeros([2, 3]), st.zeros([4, 2]), st.zeros([4, 1]))).toThrow(/dotProductAttention: q and k must have the same last dim \(q is \[2,3\], k is \[4,2\]/);
  });
});

// ---- einsum ---------------------------------------------------------------------------------

describe('einsum', () => {
  const A = randomValues(3 * 4, 81);
  const B = randomValues(4 * 5, 82);
  const C = randomValues(2 * 3 * 4, 83);
  const D = randomValues(2 * 4 * 5, 84);
  const v3 = randomValues(3, 85);
  const w3 = randomValues(3, 86);
  const E = randomValues(3 * 4, 87);
  /** A generic float64 einsum by enumerating every index assignment. */
  const refEinsum = (eq: string, shapes: number[][]) => (operands: Float64Array[]): Float64Array => {
    const [lhs, out] = eq.split('->') as [string, string];
    const terms = lhs.split(',');
    const sizes = new Map<string, number>();
    terms.forEach((t, i) => [...t].forEach((l, j) => sizes.set(l, shapes[i]![j]!)));
    const letters = [...sizes.keys()];
    const result = new Float64Array(size([...out].map((l) => sizes.get(l)!)));
    const assign = new Map<string, number>();
    const flat = (labels: string, dims: (l: string) => number): number => [...labels].reduce((acc, l) => acc * dims(l) + assign.get(l)!, 0);
    const visit = (depth: number): void => {
      if (depth === letters.length) {
        let prod = 1;
        terms.forEach((t, i) => (prod *= operands[i]![flat(t, (l) => sizes.get(l)!)]!));
        result[flat(out, (l) => sizes.get(l)!)]! += prod;
        return;
      }
      for (let i = 0; i < sizes.get(letters[depth]!)!; i++) {
        assign.set(letters[depth]!, i);
        visit(depth + 1);
      }
    };
    visit(0);
    return result;
  };
  const cases: [string, [Float64Array, number[]][]][] = [
    ['ij,jk->ik', [[A, [3, 4]], [B, [4, 5]]]],
    ['bij,bjk->bik', [[C, [2, 3, 4]], [D, [2, 4, 5]]]],
    ['ij->ji', [[A, [3, 4]]]],
    ['ij->i', [[A, [3, 4]]]],
    ['ij->', [[A, [3, 4]]]],
    ['i,j->ij', [[v3, [3]], [B.subarray(0, 5), [5]]]],
    ['i,i->', [[v3, [3]], [w3, [3]]]],
    ['ij,ij->ij', [[A, [3, 4]], [E, [3, 4]]]],
    ['bij,jk->bki', [[C, [2, 3, 4]], [B, [4, 5]]]],
    ['ij,kj->', [[A, [3, 4]], [E, [3, 4]]]],
    ['ij,jk,k->i', [[A, [3, 4]], [B, [4, 5]], [B.subarray(5, 10), [5]]]],
  ];
  for (const [eq, operands] of cases) {
    it(`${eq} matches float64 with gradients`, async () => {
      await checkOp({ what: `einsum ${eq}`, op: (...ts) => st.einsum(eq, ...ts), ref: refEinsum(eq, operands.map(([, s]) => s)), inputs: operands });
    });
  }

  it('implicit output, and clear errors', async () => {
    expectClose(await values(st.einsum('ij,jk', make(A, [3, 4]), make(B, [4, 5]))), refEinsum('ij,jk->ik', [[3, 4], [4, 5]])([f32(A), f32(B)]));
    expect(() => st.einsum('ii->i', st.zeros([3, 3]))).toThrow(/einsum: operand 0 of 'ii->i' repeats index 'i'; diagonals and traces are not supported/);
    expect(() => st.einsum('...ij->...ji', st.zeros([2, 3]))).toThrow(/einsum: ellipsis/);
    expect(() => st.einsum('ij,jk->ik', st.zeros([2, 3]), st.zeros([4, 5]))).toThrow(/einsum: index 'j' has size 3 in one place and 4 in another .*\[2,3\], \[4,5\]/);
    expect(() => st.einsum('ij->k', st.zeros([2, 3]))).toThrow(/einsum: output index 'k'/);
    expect(() => st.einsum('ij,jk->ik', st.zeros([2, 3]))).toThrow(/einsum: equation 'ij,jk->ik' names 2 operand\(s\) but 1 tensor\(s\)/);
    expect(() => st.einsum('ijk->i', st.zeros([2, 3]))).toThrow(/einsum: operand 0 has shape \[2,3\] but 'ijk' names 3 dim/);
  });
});

// ---- optimizer updates ---------------------------------------------------------------------------

describe('optimizer updates', () => {
  const shape = [2, 3];
  const p = randomValues(6, 91);
  const g = randomValues(6, 92);
  const m = randomValues(6, 93);
  const v = randomValues(6, 94, 0, 1);
  it('adamUpdate matches float64 on every backend (kernel and composite)', async () => {
    const attrs: st.AdamAttrs = { learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, step: 3 };
    const expected = refAdam(f32(p), f32(g), f32(m), f32(v), attrs);
    await onEachBackend(async (b) => {
      const out = st.adamUpdate(make(p, shape), make(g, shape), make(m, shape), make(v, shape), attrs);
      for (let i = 0; i < 3; i++) {
        expect(out[i]!.shape).toEqual(shape);
        expectClose(await values(out[i]!), expected[i]!, 1e-5, `adam output ${i} on ${b}`);
      }
    });
    expect(() => st.adamUpdate(st.zeros([2]), st.zeros([3]), st.zeros([2]), st.zeros([2]), attrs)).toThrow(/adamUpdate: grad must have the shape of param \(param \[2\], grad \[3\]/);
    expect(() => st.adamUpdate(st.zeros([2]), st.zeros([2]), st.zeros([2]), st.zeros([2]), { ...attrs, step: 0 })).toThrow(/adamUpdate: attrs.step must be an integer/);
  });

  for (const attrs of [
    { learningRate: 0.1, momentum: 0, nesterov: false },
    { learningRate: 0.1, momentum: 0.9, nesterov: false },
    { learningRate: 0.1, momentum: 0.9, nesterov: true },
  ] as const) {
    it(`sgdUpdate momentum ${attrs.momentum} nesterov ${attrs.nesterov} matches float64 on every backend`, async () => {
      const expected = refSgd(f32(p), f32(g), f32(m), attrs);
      await onEachBackend(async (b) => {
        const out = st.sgdUpdate(make(p, shape), make(g, shape), make(m, shape), attrs);
        expectClose(await values(out[0]), expected[0], 1e-6, `sgd param on ${b}`);
        expectClose(await values(out[1]), expected[1], 1e-6, `sgd velocity on ${b}`);
      });
    });
  }

  it('updates record nothing on an active tape', async () => {
    const [gp] = st.grads((x: st.Tensor) => {
      const [p2] = st.sgdUpdate(x, st.onesLike(x), st.zerosLike(x), { learningRate: 0.1, momentum: 0, nesterov: false });
      return st.sum(p2);
    })([st.tensor([1, 2])]);
    expect(Array.from(await values(gp!))).toEqual([0, 0]);
  });
});
