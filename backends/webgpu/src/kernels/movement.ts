/**
 * Data movement: transpose, slice, pad, concat, gather and scatterAdd. Values move as raw 32-bit
 * words whatever the dtype (every dtype is 4 bytes on the device), so one pipeline serves all.
 */
import type { Shape, TensorInfo } from '@strata/core';
import { shapeToString, sizeOf, stridesOf } from '@strata/core';
import type { GpuTensorInfo, WebGPURuntime } from '../runtime.js';
import { Params } from '../runtime.js';
import { ELEMENTWISE_WG, bindings, entryPoint, flatIndex } from '../wgsl.js';
import { fillBits, storedBits } from './elementwise.js';

/** One output dim of a strided copy: its size, the input's stride for it, and (pad) its offset and input extent. */
interface CopyDim { size: number; stride: number; before: number; inSize: number }

/**
 * out[i] = x[base + Σ (c_d − before_d)·stride_d], or `fillBits` where a coordinate falls outside
 * the input (padding). Size-1 dims are dropped and contiguous neighbours merged first.
 */
function stridedCopy(rt: WebGPURuntime, kernel: string, x: TensorInfo, outShape: Shape, dims: readonly CopyDim[], base: number, padBits: number | null): GpuTensorInfo {
  rt.input(x, kernel);
  const out = rt.output(kernel, outShape, x.dtype);
  try {
    const n = sizeOf(outShape);
    const merged: CopyDim[] = [];
    for (const d of dims) {
      if (d.size === 1 && d.before === 0) { continue; }
      const last = merged[merged.length - 1];
      const plain = d.before === 0 && d.inSize === d.size;
      if (last !== undefined && plain && last.before === 0 && last.inSize === last.size && last.stride === d.stride * d.size) {
        last.size *= d.size;
        last.inSize = last.size;
        last.stride = d.stride;
      } else {
        merged.push({ ...d });
      }
    }
    const rank = merged.length;
    const padded = padBits !== null && merged.some((d) => d.before !== 0 || d.inSize !== d.size);
    const params = new Params().u32(n, base, padBits ?? 0);
    for (const d of merged) params.u32(d.size, d.stride, d.before, d.inSize);
    rt.dispatch({
      kernel,
      key: `copy:r${rank}:${padded ? 'pad' : 'plain'}`,
      wgsl: () => {
        const body: string[] = ['var rem = i;', 'var src = P[1];', 'var inside = true;'];
        for (let d = rank - 1; d >= 0; d--) {
          const o = 3 + 4 * d;
          body.push(`{ let dim = P[${o}]; let c = rem % dim; rem = rem / dim;`);
          if (padded) {
            body.push(`  let ci = i32(c) - i32(P[${o + 2}]);`);
            body.push(`  if (ci < 0i || ci >= i32(P[${o + 3}])) { inside = false; } else { src = src + u32(ci) * P[${o + 1}]; } }`);
          } else {
            body.push(`  src = src + c * P[${o + 1}]; }`);
          }
        }
        body.push(padded ? 'out0[i] = select(P[2], in0[src], inside);' : 'out0[i] = in0[src];');
        return `${bindings(['u32'], ['u32'])}
${entryPoint(ELEMENTWISE_WG)} {
  let i = ${flatIndex(ELEMENTWISE_WG)};
  if (i >= P[0]) { return; }
  ${body.join('\n  ')}
}`;
      },
      inputs: [x],
      outputs: [out],
      params,
      workgroups: Math.ceil(n / ELEMENTWISE_WG),
    });
  } catch (err) {
    rt.fail([out], err);
  }
  return out;
}

export function transpose(rt: WebGPURuntime, x: TensorInfo, perm: readonly number[]): GpuTensorInfo {
  const strides = stridesOf(x.shape);
  const outShape = perm.map((p) => x.shape[p]!);
  const dims = perm.map((p) => ({ size: x.shape[p]!, stride: strides[p]!, before: 0, inSize: x.shape[p]! }));
  return stridedCopy(rt, 'transpose', x, outShape, dims, 0, null);
}

export function slice(rt: WebGPURuntime, x: TensorInfo, begin: readonly number[], size: readonly number[]): GpuTensorInfo {
  const strides = stridesOf(x.shape);
  let base = 0;
  x.shape.forEach((_, d) => { base += begin[d]! * strides[d]!; });
  // A slice of an empty tensor is empty: nothing is read, so the base may point anywhere.
  if (sizeOf(size) === 0) base = 0;
  const dims = size.map((s, d) => ({ size: s, stride: strides[d]!, before: 0, inSize: s }));
  return stridedCopy(rt, 'slice', x, size, dims, base, null);
}

export function pad(rt: WebGPURuntime, x: TensorInfo, paddings: readonly (readonly [number, number])[], value: number): GpuTensorInfo {
  const strides = stridesOf(x.shape);
  const outShape = x.shape.map((s, d) => s + paddings[d]![0] + paddings[d]![1]);
  const dims = x.shape.map((s, d) => ({ size: outShape[d]!, stride: strides[d]!, before: paddings[d]![0], inSize: s }));
  return stridedCopy(rt, 'pad', x, outShape, dims, 0, storedBits(value, x.dtype));
}

export function concat(rt: WebGPURuntime, xs: readonly TensorInfo[], axis: number): GpuTensorInfo {
  if (xs.length === 0) throw new Error('webgpu concat: needs at least one tensor');
  for (const x of xs) rt.input(x, 'concat');
  const first = xs[0]!;
  const total = xs.reduce((acc, x) => acc + x.shape[axis]!, 0);
  const outShape = first.shape.map((s, d) => (d === axis ? total : s));
  const out = rt.output('concat', outShape, first.dtype);
  try {
    const inner = sizeOf(first.shape.slice(axis + 1));
    let offset = 0;
    for (const x of xs) {
      const n = sizeOf(x.shape);
      const block = x.shape[axis]! * inner;
      rt.dispatch({
        kernel: 'concat',
        key: 'concat',
        wgsl: () => `${bindings(['u32'], ['u32'])}
${entryPoint(ELEMENTWISE_WG)} {
  let i = ${flatIndex(ELEMENTWISE_WG)};
  if (i >= P[0]) { return; }
  let o = i / P[1];
  out0[o * P[2] + P[3] + (i - o * P[1])] = in0[i];
}`,
        inputs: [x],
        outputs: [out],
        params: new Params().u32(n, Math.max(block, 1), total * inner, offset * inner),
        workgroups: Math.ceil(n / ELEMENTWISE_WG),
      });
      offset += x.shape[axis]!;
    }
  } catch (err) {
    rt.fail([out], err);
  }
  return out;
}

export function gather(rt: WebGPURuntime, x: TensorInfo, indices: TensorInfo, axis: number): GpuTensorInfo {
  rt.input(x, 'gather');
  rt.input(indices, 'gather');
  if (indices.dtype !== 'int32') throw new Error(`webgpu gather: indices must be int32, got ${indices.dtype}`);
  const outShape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
  const out = rt.output('gather', outShape, x.dtype);
  try {
    const n = sizeOf(outShape);
    const inner = sizeOf(x.shape.slice(axis + 1));
    const nIdx = sizeOf(indices.shape);
    const axisSize = x.shape[axis]!;
    rt.dispatch({
      kernel: 'gather',
      key: 'gather',
      wgsl: () => `${bindings(['u32', 'i32'], ['u32'])}
${entryPoint(ELEMENTWISE_WG)} {
  let i = ${flatIndex(ELEMENTWISE_WG)};
  if (i >= P[0]) { return; }
  let inner = P[1];
  let nIdx = P[2];
  let axisSize = P[3];
  let r = i % inner;
  let t = i / inner;
  let p = t % nIdx;
  let o = t / nIdx;
  let j = in1[p];
  if (j < 0i || u32(j) >= axisSize) { out0[i] = 0u; return; }
  out0[i] = in0[(o * axisSize + u32(j)) * inner + r];
}`,
      inputs: [x, indices],
      outputs: [out],
      params: new Params().u32(n, Math.max(inner, 1), Math.max(nIdx, 1), axisSize),
      workgroups: Math.ceil(n / ELEMENTWISE_WG),
    });
  } catch (err) {
    rt.fail([out], err);
  }
  return out;
}

/**
 * scatterAdd by atomics: one thread per update element adds it at its index. int32 uses
 * atomicAdd (exact, wrapping); float32 a compare-and-swap loop on the value's bits (the order
 * of additions varies from run to run, within float32 rounding).
 */
export function scatterAdd(rt: WebGPURuntime, updates: TensorInfo, indices: TensorInfo, axis: number, size: number): GpuTensorInfo {
  rt.input(updates, 'scatterAdd');
  rt.input(indices, 'scatterAdd');
  if (updates.dtype !== 'float32' && updates.dtype !== 'int32') {
    throw new Error(`webgpu scatterAdd: updates must be float32 or int32, got ${updates.dtype} of shape ${shapeToString(updates.shape)}`);
  }
  const idxRank = indices.shape.length;
  const outShape = [...updates.shape.slice(0, axis), size, ...updates.shape.slice(axis + idxRank)];
  const out = rt.output('scatterAdd', outShape, updates.dtype);
  try {
    fillBits(rt, 'scatterAdd', out, 0);
    const n = sizeOf(updates.shape);
    const inner = sizeOf(updates.shape.slice(axis + idxRank));
    const nIdx = sizeOf(indices.shape);
    const float = updates.dtype === 'float32';
    rt.dispatch({
      kernel: 'scatterAdd',
      key: `scatterAdd:${updates.dtype}`,
      wgsl: () => `${bindings([float ? 'f32' : 'i32', 'i32'], [float ? 'atomic<u32>' : 'atomic<i32>'])}
${entryPoint(ELEMENTWISE_WG)} {
  let i = ${flatIndex(ELEMENTWISE_WG)};
  if (i >= P[0]) { return; }
  let inner = P[1];
  let nIdx = P[2];
  let size = P[3];
  let r = i % inner;
  let t = i / inner;
  let p = t % nIdx;
  let o = t / nIdx;
  let j = in1[p];
  if (j < 0i || u32(j) >= size) { return; }
  let k = (o * size + u32(j)) * inner + r;
  let v = in0[i];
  ${float ? `var old = atomicLoad(&out0[k]);
  loop {
    let res = atomicCompareExchangeWeak(&out0[k], old, bitcast<u32>(bitcast<f32>(old) + v));
    if (res.exchanged) { break; }
    old = res.old_value;
  }` : 'atomicAdd(&out0[k], v);'}
}`,
      inputs: [updates, indices],
      outputs: [out],
      params: new Params().u32(n, Math.max(inner, 1), Math.max(nIdx, 1), size),
      workgroups: Math.ceil(n / ELEMENTWISE_WG),
    });
  } catch (err) {
    rt.fail([out], err);
  }
  return out;
}
