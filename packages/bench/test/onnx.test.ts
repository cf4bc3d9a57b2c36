// The hand-written protobuf writer and ONNX encoder, checked byte-for-byte on known encodings and
// end to end: onnxruntime runs the encoded MatMul/Conv graphs and must match a float64 oracle.
import { describe, expect, it } from 'vitest';
import { ProtoWriter } from '../src/onnx/protobuf.js';
import { encodeOnnxModel } from '../src/onnx/model.js';
import type { OrtLib } from '../src/libraries.js';

let ort: OrtLib | undefined;
let ortMissing = '';
try {
  ort = (await import('onnxruntime-node')) as OrtLib;
} catch (err) {
  ortMissing = err instanceof Error ? err.message : String(err);
  console.warn(`onnx.test.ts: onnxruntime-node not installed, its end-to-end checks are skipped (${ortMissing})`);
}

/** Seeded values in [-1, 1) (not zeros, not hand-picked). */
function random(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 747796405) + 2891336453) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

describe('ProtoWriter', () => {
  it('encodes varints, negative int64, floats, strings and nested messages as the protobuf spec says', () => {
    expect([...new ProtoWriter().varint(1, 150).finish()]).toEqual([0x08, 0x96, 0x01]);
    expect([...new ProtoWriter().varint(2, 300).finish()]).toEqual([0x10, 0xac, 0x02]);
    expect([...new ProtoWriter().int64(3, -1).finish()]).toEqual([0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    expect([...new ProtoWriter().float(4, 1).finish()]).toEqual([0x25, 0x00, 0x00, 0x80, 0x3f]);
    expect([...new ProtoWriter().string(2, 'testing').finish()]).toEqual([0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67]);
    expect([...new ProtoWriter().message(3, (w) => w.varint(1, 150)).finish()]).toEqual([0x1a, 0x03, 0x08, 0x96, 0x01]);
    expect(() => new ProtoWriter().varint(1, -2)).toThrow(/non-negative safe integer, got -2/);
  });
});

describe.skipIf(ort === undefined)(ort === undefined ? `ONNX models in onnxruntime (skipped: ${ortMissing})` : 'ONNX models in onnxruntime', () => {
  it('runs an encoded MatMul with a weight initializer, matching a float64 oracle on odd shapes', async () => {
    for (const [m, k, n] of [[7, 13, 5], [1, 1, 1], [33, 17, 65]] as const) {
      const a = random(m * k, m + 1);
      const b = random(k * n, n + 2);
      const session = await ort!.InferenceSession.create(encodeOnnxModel({
        name: 'mm',
        nodes: [{ op: 'MatMul', inputs: ['a', 'b'], outputs: ['y'] }],
        inputs: [{ name: 'a', shape: [m, k] }],
        initializers: [{ name: 'b', shape: [k, n], values: b }],
        outputs: [{ name: 'y', shape: [m, n] }],
      }));
      const out = await session.run({ a: new ort!.Tensor('float32', a, [m, k]) });
      const y = out['y']!.data as Float32Array;
      expect(out['y']!.dims).toEqual([m, n]);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let p = 0; p < k; p++) s += a[i * k + p]! * b[p * n + j]!;
          expect(Math.abs(y[i * n + j]! - s)).toBeLessThan(1e-5 * (1 + k));
        }
      }
      await session.release();
    }
  });

  it('runs an encoded Conv (NCHW, pads, int attributes) matching a float64 oracle', async () => {
    const [n, c, h, w, f] = [2, 3, 5, 7, 4];
    const x = random(n * c * h * w, 11);
    const wt = random(f * c * 9, 12);
    const session = await ort!.InferenceSession.create(encodeOnnxModel({
      name: 'conv',
      nodes: [{ op: 'Conv', inputs: ['x', 'w'], outputs: ['y'], attributes: { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [1, 1], group: 1 } }],
      inputs: [{ name: 'x', shape: [n, c, h, w] }],
      initializers: [{ name: 'w', shape: [f, c, 3, 3], values: wt }],
      outputs: [{ name: 'y', shape: [n, f, h, w] }],
    }));
    const y = (await session.run({ x: new ort!.Tensor('float32', x, [n, c, h, w]) }))['y']!.data as Float32Array;
    let worst = 0;
    for (let b = 0; b < n; b++) for (let o = 0; o < f; o++) for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) {
      let s = 0;
      for (let ch = 0; ch < c; ch++) for (let di = 0; di < 3; di++) for (let dj = 0; dj < 3; dj++) {
        const ii = i + di - 1;
        const jj = j + dj - 1;
        if (ii < 0 || jj < 0 || ii >= h || jj >= w) continue;
        s += x[((b * c + ch) * h + ii) * w + jj]! * wt[((o * c + ch) * 3 + di) * 3 + dj]!;
      }
      worst = Math.max(worst, Math.abs(y[((b * f + o) * h + i) * w + j]! - s));
    }
    expect(worst).toBeLessThan(1e-5);
    await session.release();
  });
});
