import { beforeAll, describe, expect, it } from 'vitest';
import * as st from '@strata/core';
import { expectClose, randomSource, randomValues, useCpu } from './setup.js';

beforeAll(useCpu);

/** Central finite differences of a scalar function of one float64 vector. */
function numericGradient(f: (x: number[]) => number, x: number[], h = 1e-6): number[] {
  return x.map((_, i) => {
    const up = [...x];
    const down = [...x];
    up[i]! += h;
    down[i]! -= h;
    return (f(up) - f(down)) / (2 * h);
  });
}

describe('autodiff', () => {
  const rand = randomSource(11);

  it('grad of a composite function matches finite differences of a float64 version', () => {
    const xs = randomValues(rand, 7, 0.2, 2);
    const g = st.grad((x) => st.sum(st.mul(st.sin(x), st.log(st.add(st.square(x), 1)))))(st.tensor(xs));
    const expected = numericGradient((v) => v.reduce((s, x) => s + Math.sin(x) * Math.log(x * x + 1), 0), xs);
    expectClose(g.dataSync(), expected, 1e-5);
  });

  it('grads through matMul with broadcasting and a bias', () => {
    const a = randomValues(rand, 2 * 3 * 4);
    const b = randomValues(rand, 4 * 5);
    const bias = randomValues(rand, 5);
    const f = (av: number[], bv: number[], cv: number[]): number => {
      let s = 0;
      for (let n = 0; n < 2; n++) for (let i = 0; i < 3; i++) for (let j = 0; j < 5; j++) {
        let acc = cv[j]!;
        for (let k = 0; k < 4; k++) acc += av[n * 12 + i * 4 + k]! * bv[k * 5 + j]!;
        s += Math.tanh(acc);
      }
      return s;
    };
    const [ga, gb, gc] = st.grads((x, w, c) => st.sum(st.tanh(st.add(st.matMul(x!, w!), c!))))([
      st.tensor(a, [2, 3, 4]), st.tensor(b, [4, 5]), st.tensor(bias),
    ]);
    expectClose(ga!.dataSync(), numericGradient((v) => f(v, b, bias), a), 1e-4);
    expectClose(gb!.dataSync(), numericGradient((v) => f(a, v, bias), b), 1e-4);
    expectClose(gc!.dataSync(), numericGradient((v) => f(a, b, v), bias), 1e-4);
  });

  it('second derivatives: grad of grad', () => {
    const xs = randomValues(rand, 5, -1, 1);
    const d2 = st.grad((x) => st.sum(st.grad((y) => st.sum(st.mul(st.pow(y, 3), 2)))(x)))(st.tensor(xs));
    expectClose(d2.dataSync(), xs.map((x) => 12 * x), 1e-5);
  });

  it('valueAndGrad, and gradients of slices, concat, gather, where and reductions', () => {
    const xs = randomValues(rand, 12);
    const { value, grad } = st.valueAndGrad((x) => {
      const m = st.reshape(x, [3, 4]);
      const parts = st.concat([st.slice(m, [0, 1], [3, 2]), st.gather(m, st.tensor([2, 0, 2], [3], 'int32'), 1)], 1);
      return st.add(st.sum(st.where(st.greater(parts, 0), parts, st.mul(parts, 3))), st.max(m));
    })(st.tensor(xs));
    const f = (v: number[]): number => {
      let s = 0;
      for (let i = 0; i < 3; i++) {
        for (const j of [1, 2, 2, 0, 2]) {
          const p = v[i * 4 + j]!;
          s += p > 0 ? p : 3 * p;
        }
      }
      return s + Math.max(...v);
    };
    expect(value.dataSync()[0]).toBeCloseTo(f(xs), 4);
    expectClose(grad.dataSync(), numericGradient(f, xs), 1e-4);
  });

  it('variableGrads differentiates every trainable variable by name', () => {
    const w = st.variable(st.tensor([1, -2, 3]), true, 'vg-w');
    const frozen = st.variable(st.tensor([5]), false, 'vg-frozen');
    const { value, grads } = st.variableGrads(() => st.sum(st.mul(st.square(w), frozen)));
    expect(value.dataSync()[0]).toBe(70);
    expect(Array.from(grads['vg-w']!.dataSync())).toEqual([10, -20, 30]);
    expect(grads['vg-frozen']).toBeUndefined();
    st.dispose([w, frozen]);
  });

  it('customGrad replaces the gradient', () => {
    const clipped = st.customGrad(([x], save) => {
      save([x!]);
      return { value: st.square(x!), gradFunc: (dy, [saved]) => st.clipByValue(st.mul(dy, saved!), -1, 1) };
    });
    const g = st.grad((x) => st.sum(clipped(x)))(st.tensor([0.5, 3, -4]));
    expect(Array.from(g.dataSync())).toEqual([0.5, 1, -1]);
  });

  it('a gradient of an unconnected input is zero; ops outside a tape record nothing', () => {
    const [ga, gb] = st.grads((a, _b) => st.sum(a!))([st.tensor([1, 2]), st.tensor([3])]);
    expect(Array.from(ga!.dataSync())).toEqual([1, 1]);
    expect(Array.from(gb!.dataSync())).toEqual([0]);
    const before = st.memory().tensors;
    const y = st.exp(st.tensor([1]));
    expect(st.memory().tensors).toBe(before + 2);
    y.dispose();
  });

  it('grad errors are clear', () => {
    expect(() => st.grad(() => st.tensor([1], [1], 'int32'))(st.tensor([1]))).toThrow(/must be float32 to differentiate, got int32\[1\]/);
    expect(() => st.grad((x) => x)(st.tensor([1, 2]), st.tensor([1]))).toThrow(/grad: dy has shape \[1\] but the function's result has \[2\]/);
  });
});

describe('autodiff memory', () => {
  it('grad and grads free everything but the gradients, even for f = identity', () => {
    const x = st.tensor([1, 2, 3]);
    const before = st.memory();
    const g = st.grad((v) => v)(x);
    const [h] = st.grads((v) => st.sum(st.exp(v!)))([x]);
    expect(st.memory().tensors).toBe(before.tensors + 2);
    expect(x.isDisposed).toBe(false);
    st.dispose([g, h, x]);
  });
});
