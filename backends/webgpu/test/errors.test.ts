// Robustness: GPU errors become exceptions naming the kernel, over-limit tensors are refused with
// the kernel, shape and limit, empty tensors need no dispatch, and a lost device is reported and
// recoverable with reinitialize().
import { describe, expect, it } from 'vitest';
import { Params, bindings, entryPoint } from '@strata/backend-webgpu';
import type { TensorInfo } from '@strata/core';
import { anyAdapter, missingGpu } from './gpu.js';

const missing = await missingGpu();

describe.skipIf(missing !== null)(`webgpu errors${missing !== null ? ` (skipped: ${missing})` : ''}`, { timeout: 60_000 }, () => {
  it('a kernel whose WGSL does not compile fails at the next read, naming the kernel', async () => {
    const backend = await anyAdapter();
    try {
      const rt = backend.runtime;
      const x: TensorInfo = { storage: backend.write(new Float32Array([1, 2, 3]), 'float32'), shape: [3], dtype: 'float32' };
      const out = rt.output('brokenTestKernel', [3], 'float32');
      rt.dispatch({
        kernel: 'brokenTestKernel',
        key: 'brokenTestKernel',
        // An f32 array written with an i32 value: a WGSL type error.
        wgsl: () => `${bindings(['f32'], ['f32'])}\n${entryPoint(64)} { out0[lid] = in0[lid] + 1i; }`,
        inputs: [x],
        outputs: [out],
        params: new Params().u32(3),
        workgroups: 1,
      });
      await expect(backend.read(out.storage)).rejects.toThrow(/brokenTestKernel/);
      // The error is reported once; the backend keeps working.
      const y = backend.binary('add', x, x);
      expect(Array.from(await backend.read(y.storage) as Float32Array)).toEqual([2, 4, 6]);
    } finally {
      backend.dispose();
    }
  });

  it('a validation error found while encoding surfaces at the next read, naming the kernel', async () => {
    const backend = await anyAdapter();
    try {
      const rt = backend.runtime;
      const out = rt.output('tooSmallTestKernel', [4], 'float32');
      // The shader needs a 256-byte binding; a 4-element tensor binds 16 bytes.
      rt.dispatch({
        kernel: 'tooSmallTestKernel',
        key: 'tooSmallTestKernel',
        wgsl: () => `@group(0) @binding(0) var<storage, read> P: array<u32>;\n@group(0) @binding(1) var<storage, read_write> o: array<f32, 64>;\n${entryPoint(64)} { o[lid] = 1.0; }`,
        inputs: [],
        outputs: [out],
        workgroups: 1,
      });
      await expect(backend.read(out.storage)).rejects.toThrow(/tooSmallTestKernel/);
    } finally {
      backend.dispose();
    }
  });

  it('one buffer bound read-only and writable in a dispatch is refused, naming the kernel', async () => {
    const backend = await anyAdapter();
    try {
      const rt = backend.runtime;
      const x: TensorInfo = { storage: backend.write(new Float32Array([1, 2, 3, 4]), 'float32'), shape: [4], dtype: 'float32' };
      // The same buffer as input and output of one dispatch: WebGPU forbids that usage.
      // Caught before encoding, naming the kernel.
      expect(() => rt.dispatch({
        kernel: 'aliasingTestKernel',
        key: 'aliasingTestKernel',
        wgsl: () => `${bindings(['f32'], ['f32'])}\n${entryPoint(64)} { if (lid < 4u) { out0[lid] = in0[lid] * 2.0; } }`,
        inputs: [x],
        outputs: [x],
        workgroups: 1,
      })).toThrow(/webgpu aliasingTestKernel: an output \(shape \[4\]\) is also bound/);
    } finally {
      backend.dispose();
    }
  });

  it('refuses a tensor over maxStorageBufferBindingSize, naming the kernel, shape and limit', async () => {
    const backend = await anyAdapter({ limits: { maxStorageBufferBindingSize: 1 << 20 } });
    try {
      expect(backend.runtime.limits.maxStorageBufferBindingSize).toBe(1 << 20);
      // 512×1024 float32 = 2 MiB > 1 MiB.
      expect(() => backend.fill([512, 1024], 1, 'float32')).toThrow(/webgpu fill: a float32 tensor of shape \[512,\s?1024\] needs 2097152 bytes.*maxStorageBufferBindingSize.*1048576/);
      const a: TensorInfo = { storage: backend.write(new Float32Array(512 * 256).fill(1), 'float32'), shape: [512, 256], dtype: 'float32' };
      const b: TensorInfo = { storage: backend.write(new Float32Array(256 * 1024).fill(1), 'float32'), shape: [256, 1024], dtype: 'float32' };
      const before = backend.memory().buffers;
      expect(() => backend.matMul(a, b, false, false)).toThrow(/webgpu matMul: .*shape \[512,\s?1024\].*1048576/);
      expect(backend.memory().buffers).toBe(before);
      expect(() => backend.write(new Float32Array(300_000), 'float32')).toThrow(/webgpu write: .*1048576/);
    } finally {
      backend.dispose();
    }
  });

  it('empty tensors run through every kind of kernel without a dispatch', async () => {
    const backend = await anyAdapter();
    try {
      const e: TensorInfo = { storage: backend.write(new Float32Array(0), 'float32'), shape: [0, 3], dtype: 'float32' };
      const outs = [
        backend.unary('exp', e), backend.binary('add', e, e), backend.reduce('sum', e, [0]), backend.transpose(e, [1, 0]),
        backend.matMul(e, e, true, false), backend.pad(e, [[1, 0], [0, 0]], 2), backend.concat([e, e], 0),
      ];
      const values = await Promise.all(outs.map((o) => backend.read(o.storage)));
      expect(values.map((v) => v.length)).toEqual([0, 0, 3, 0, 9, 3, 0]);
      expect(Array.from(values[2]!)).toEqual([0, 0, 0]);
      expect(Array.from(values[4]!)).toEqual(new Array(9).fill(0));
      expect(Array.from(values[5]!)).toEqual([2, 2, 2]);
    } finally {
      backend.dispose();
    }
  });

  it('a lost device is reported clearly, and reinitialize() gives a working one', async () => {
    const backend = await anyAdapter();
    try {
      const x: TensorInfo = { storage: backend.write(new Float32Array([1, 2]), 'float32'), shape: [2], dtype: 'float32' };
      backend.runtime.device.destroy();
      await new Promise((r) => setTimeout(r, 50));
      expect(() => backend.unary('neg', x)).toThrow(/webgpu unary\(neg\): the GPU device was lost \(destroyed.*reinitialize\(\)/);
      await backend.reinitialize();
      expect(() => backend.unary('neg', x)).toThrow(/earlier webgpu device/);
      backend.free(x.storage); // storage of the old device: nothing left to free, no error
      const y: TensorInfo = { storage: backend.write(new Float32Array([1, 2]), 'float32'), shape: [2], dtype: 'float32' };
      expect(Array.from(await backend.read(backend.unary('neg', y).storage) as Float32Array)).toEqual([-1, -2]);
    } finally {
      backend.dispose();
    }
  });
});

describe.skipIf(missing !== null)(`webgpu dispatch folding${missing !== null ? ` (skipped: ${missing})` : ''}`, { timeout: 300_000 }, () => {
  it('an elementwise op over more than 65 535 workgroups (folded into 2-D) covers every element', async () => {
    const backend = await anyAdapter();
    try {
      const n = 65_535 * 256 + 777;
      const values = Int32Array.from({ length: n }, (_, i) => (i * 7919) % 1000);
      const x: TensorInfo = { storage: backend.write(values, 'int32'), shape: [n], dtype: 'int32' };
      const y = backend.binary('add', x, x);
      const got = await backend.read(y.storage) as Int32Array;
      let wrong = 0;
      for (let i = 0; i < n; i++) if (got[i] !== 2 * values[i]!) wrong++;
      expect(wrong).toBe(0);
    } finally {
      backend.dispose();
    }
  });
});
