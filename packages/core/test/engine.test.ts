import { beforeAll, describe, expect, it } from 'vitest';
import * as st from '@strata/core';
import { useCpu } from './setup.js';

beforeAll(useCpu);

describe('engine memory', () => {
  it('tidy frees intermediates and keeps what is returned', () => {
    const before = st.memory();
    const x = st.tensor([1, 2, 3]);
    const y = st.tidy(() => st.mul(st.add(x, 1), 2));
    expect(Array.from(y.dataSync())).toEqual([4, 6, 8]);
    expect(st.memory().buffers).toBe(before.buffers + 2);
    x.dispose();
    y.dispose();
    expect(st.memory().buffers).toBe(before.buffers);
    expect(st.memory().tensors).toBe(before.tensors);
  });

  it('tidy returns tensors inside arrays and objects, and keep() survives', () => {
    const before = st.memory().buffers;
    let kept!: st.Tensor;
    const out = st.tidy(() => {
      kept = st.keep(st.ones([2]));
      st.zeros([3]);
      return { a: [st.fill([2], 3)], b: st.scalar(1) };
    });
    expect(st.memory().buffers).toBe(before + 3);
    st.dispose([out, kept]);
    expect(st.memory().buffers).toBe(before);
  });

  it('tidy frees everything when the function throws', () => {
    const before = st.memory().buffers;
    expect(() => st.tidy(() => {
      st.ones([4]);
      throw new Error('boom');
    })).toThrow('boom');
    expect(st.memory().buffers).toBe(before);
  });

  it('reshape shares storage; the storage goes with its last handle', () => {
    const before = st.memory();
    const x = st.tensor([1, 2, 3, 4]);
    const y = st.reshape(x, [2, 2]);
    expect(st.memory().buffers).toBe(before.buffers + 1);
    expect(st.memory().tensors).toBe(before.tensors + 2);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4]);
    y.dispose();
    expect(st.memory().buffers).toBe(before.buffers);
  });

  it('dispose twice is harmless and using a disposed tensor is a clear error', () => {
    const x = st.tensor([1, 2]);
    x.dispose();
    x.dispose();
    expect(x.isDisposed).toBe(true);
    expect(() => st.add(x, 1)).toThrow(/add: argument 'a' \(float32\[2\]\) was already disposed/);
  });

  it('Symbol.dispose frees a tensor at the end of a using block', () => {
    const before = st.memory().buffers;
    {
      using t = st.ones([5]);
      expect(t.size).toBe(5);
      expect(st.memory().buffers).toBe(before + 1);
    }
    expect(st.memory().buffers).toBe(before);
  });

  it('the garbage-collection safety net frees tensors nobody disposed, including those that escaped tidy', async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (!gc) {
      console.warn('skipped: run with --expose-gc to test the finalization safety net');
      return;
    }
    const before = st.memory();
    (() => {
      for (let i = 0; i < 50; i++) st.ones([16]);
      // Tensors made inside tidy are armed for the safety net when they leave the outermost scope:
      // returned through two scopes, or kept.
      for (let i = 0; i < 25; i++) st.tidy(() => st.tidy(() => st.ones([16])));
      for (let i = 0; i < 25; i++) st.tidy(() => { st.tidy(() => { st.keep(st.ones([16])); }); });
    })();
    expect(st.memory().tensors).toBe(before.tensors + 100);
    for (let i = 0; i < 20 && st.memory().collected < before.collected + 100; i++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(st.memory().collected).toBeGreaterThanOrEqual(before.collected + 100);
    expect(st.memory().buffers).toBe(before.buffers);
  });

  it('a tidy training step leaves memory() as it found it', () => {
    const w = st.variable(st.randomNormal([4, 3], 0, 0.1, 7));
    const b = st.variable(st.zeros([3]));
    const x = st.randomUniform([8, 4], -1, 1, 'float32', 3);
    const y = st.oneHot(st.tensor([0, 1, 2, 0, 1, 2, 0, 1], [8], 'int32'), 3);
    const step = (): void => st.tidy(() => {
      const { grads } = st.variableGrads(() => {
        const logits = st.add(st.matMul(x, w), b);
        return st.mean(st.sum(st.square(st.sub(logits, y)), 1));
      }, [w, b]);
      w.assign(st.sub(w, st.mul(grads[w.name]!, 0.1)));
      b.assign(st.sub(b, st.mul(grads[b.name]!, 0.1)));
    });
    step();
    const before = st.memory();
    for (let i = 0; i < 3; i++) step();
    const after = st.memory();
    expect(after.buffers).toBe(before.buffers);
    expect(after.tensors).toBe(before.tensors);
    expect(after.bytes).toBe(before.bytes);
    st.dispose([w, b, x, y]);
  });
});

describe('tensors', () => {
  it('creates from nested arrays, typed arrays and scalars with the right dtype', async () => {
    expect(st.tensor([[1, 2], [3, 4]]).shape).toEqual([2, 2]);
    expect(st.tensor([true, false]).dtype).toBe('bool');
    expect(st.tensor(new Int32Array([1, 2])).dtype).toBe('int32');
    expect(st.scalar(3).shape).toEqual([]);
    expect(await st.tensor([[1, 2], [3, 4]], undefined, 'int32').array()).toEqual([[1, 2], [3, 4]]);
    expect(st.tensor(7, [2, 2]).arraySync()).toEqual([[7, 7], [7, 7]]);
  });

  it('rejects ragged arrays and size mismatches with the shapes in the message', () => {
    expect(() => st.tensor([[1, 2], [3]])).toThrow(/ragged/);
    expect(() => st.tensor([1, 2, 3], [2, 2])).toThrow(/3 values do not fit shape \[2,2\]/);
  });

  it('creation helpers', () => {
    expect(Array.from(st.range(0, 5, 2).dataSync())).toEqual([0, 2, 4]);
    expect(Array.from(st.range(3).dataSync())).toEqual([0, 1, 2]);
    expect(Array.from(st.linspace(0, 1, 5).dataSync())).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(st.eye(2, 3).arraySync()).toEqual([[1, 0, 0], [0, 1, 0]]);
    expect(st.oneHot(st.tensor([2, 0, 5], [3], 'int32'), 3).arraySync()).toEqual([[0, 0, 1], [1, 0, 0], [0, 0, 0]]);
  });

  it('variables assign in place and are not freed by tidy', () => {
    const v = st.variable(st.tensor([1, 2]), true, 'engine-test-v');
    st.tidy(() => v.assign(st.add(v, 1)));
    expect(Array.from(v.dataSync())).toEqual([2, 3]);
    expect(() => v.assign(st.tensor([1, 2, 3]))).toThrow(/variable 'engine-test-v' is float32\[2\] but value is float32\[3\]/);
    v.dispose();
  });
});
