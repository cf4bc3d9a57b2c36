import { beforeAll, describe, expect, it } from 'vitest';
import * as st from '@strata/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { randomSource, randomValues, useCpu } from '../setup.js';
import { io } from './io-module.js';

beforeAll(async () => {
  await useCpu();
  await tf.setBackend('cpu');
});

const shapes: number[][] = [[], [0], [1], [7, 13], [2, 3, 5], [1, 1, 1]];

function randomTensor(rand: () => number, shape: number[], dtype: 'float32' | 'int32' | 'bool'): { values: number[]; st: st.Tensor } {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = dtype === 'float32' ? randomValues(rand, n, -1e3, 1e3)
    : dtype === 'int32' ? Array.from({ length: n }, () => Math.floor(rand() * 4e9) - 2e9)
      : Array.from({ length: n }, () => (rand() < 0.5 ? 1 : 0));
  const typed = dtype === 'float32' ? new Float32Array(values) : dtype === 'int32' ? new Int32Array(values) : new Uint8Array(values);
  return { values, st: st.tensor(typed, shape, dtype) };
}

describe('weight encoding (TensorFlow.js binary layout)', () => {
  it('encodes float32/int32/bool exactly as tf.io.encodeWeights, and decodes TensorFlow.js bytes', async () => {
    const rand = randomSource(11);
    const named: { name: string; tensor: st.Tensor }[] = [];
    const tfMap: Record<string, tf.Tensor> = {};
    const expected: Record<string, number[]> = {};
    shapes.forEach((shape, i) => {
      for (const dtype of ['float32', 'int32', 'bool'] as const) {
        const { values, st: t } = randomTensor(rand, shape, dtype);
        const name = `layer_${i}/w_${dtype}`;
        named.push({ name, tensor: t });
        tfMap[name] = tf.tensor(values, shape, dtype);
        expected[name] = values;
      }
    });
    const ours = await io.encodeWeights(named);
    const theirs = await tf.io.encodeWeights(tfMap);
    expect(ours.specs).toEqual(theirs.specs);
    expect(new Uint8Array(ours.data)).toEqual(new Uint8Array(theirs.data as ArrayBuffer));

    const decoded = io.decodeWeights(theirs.data as ArrayBuffer, theirs.specs as io.WeightsManifestEntry[]);
    for (const w of decoded) {
      expect([...w.values]).toEqual(expected[w.name]);
      expect(w.shape).toEqual(tfMap[w.name]!.shape);
    }
    // Shards given as a list decode the same as one buffer.
    const buf = new Uint8Array(ours.data);
    const cut = Math.floor(buf.length / 3);
    const shards = [buf.slice(0, cut).buffer, buf.slice(cut).buffer];
    expect(io.decodeWeights(shards, ours.specs).map((w) => [...w.values])).toEqual(decoded.map((w) => [...w.values]));
    for (const { tensor } of named) tensor.dispose();
    tf.dispose(Object.values(tfMap));
  });

  it('expands quantized weights (uint8, uint16, float16) like tf.io.decodeWeights', async () => {
    const rand = randomSource(5);
    const n8 = 17, n16 = 11, nHalf = 23, nInt = 9;
    const u8 = new Uint8Array(Array.from({ length: n8 }, () => Math.floor(rand() * 256)));
    const u16 = new Uint16Array(Array.from({ length: n16 }, () => Math.floor(rand() * 65536)));
    const half = new Uint16Array(Array.from({ length: nHalf }, (_, i) => (i === 0 ? 0x7c00 : i === 1 ? 0x0001 : i === 2 ? 0x8000 : Math.floor(rand() * 0x7c00) | (rand() < 0.5 ? 0x8000 : 0))));
    const u8i = new Uint8Array(Array.from({ length: nInt }, () => Math.floor(rand() * 256)));
    const specs: io.WeightsManifestEntry[] = [
      { name: 'a', shape: [n8], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.0173, min: -1.25 } },
      { name: 'b', shape: [n16], dtype: 'float32', quantization: { dtype: 'uint16', scale: 3.1e-4, min: -7 } },
      { name: 'c', shape: [nHalf], dtype: 'float32', quantization: { dtype: 'float16' } },
      { name: 'd', shape: [3, 3], dtype: 'int32', quantization: { dtype: 'uint8', scale: 0.7, min: -20 } },
    ];
    const bytes = new Uint8Array(n8 + 2 * n16 + 2 * nHalf + nInt);
    bytes.set(u8, 0);
    bytes.set(new Uint8Array(u16.buffer), n8);
    bytes.set(new Uint8Array(half.buffer), n8 + 2 * n16);
    bytes.set(u8i, n8 + 2 * n16 + 2 * nHalf);
    const oracle = tf.io.decodeWeights(bytes.buffer, specs as tf.io.WeightsManifestEntry[]);
    const ours = io.decodeWeights(bytes.buffer, specs);
    for (const w of ours) {
      const expected = await oracle[w.name]!.data();
      expect(w.dtype).toBe(oracle[w.name]!.dtype);
      expect([...w.values]).toEqual([...expected]);
    }
    tf.dispose(Object.values(oracle));
  });

  it('rejects truncated and oversized data, naming both sizes', () => {
    const specs: io.WeightsManifestEntry[] = [{ name: 'k', shape: [2, 3], dtype: 'float32' }, { name: 'b', shape: [3], dtype: 'int32' }];
    expect(() => io.decodeWeights(new ArrayBuffer(35), specs)).toThrow(/truncated: it has 35 bytes but the manifest's 2 weights need 36 bytes/);
    expect(() => io.decodeWeights(new ArrayBuffer(40), specs)).toThrow(/longer than expected: it has 40 bytes .* need 36 bytes/);
    expect(() => io.decodeWeights(new ArrayBuffer(8), [{ name: 's', shape: [2], dtype: 'string' }])).toThrow(/weight 's' has dtype 'string'/);
    expect(() => io.decodeWeights(new ArrayBuffer(2), [{ name: 'q', shape: [2], dtype: 'float32', quantization: { dtype: 'uint8' } }])).toThrow(/lacks 'scale' and 'min'/);
    expect(() => io.decodeWeights(new ArrayBuffer(8), [{ name: 'z', shape: [-2], dtype: 'float32' }])).toThrow(/weight 'z' has an invalid shape/);
  });

  it('rejects duplicate names and does not leak tensors', async () => {
    const before = st.memory().tensors;
    const t = st.tensor([1, 2, 3]);
    await expect(io.encodeWeights([{ name: 'x', tensor: t }, { name: 'x', tensor: t }])).rejects.toThrow(/two weights are named 'x'/);
    const { data } = await io.encodeWeights([{ name: 'x', tensor: t }, { name: 'x', tensor: t, group: 'optimizer' }]);
    expect(data.byteLength).toBe(24);
    t.dispose();
    expect(st.memory().tensors).toBe(before);
  });
});
