/**
 * Weight encoding in the TensorFlow.js binary layout: each weight's values back to back,
 * little-endian, float32/int32 four bytes and bool one byte per element, in manifest order.
 * Quantized weights written by the TensorFlow.js converter (uint8/uint16 with scale and min,
 * float16) are expanded on load.
 */
import type { DType, TypedArray } from '../backend/contract.js';
import type { Tensor } from '../tensor/tensor.js';
import { DTYPE_VALUE_SIZE, type WeightData, type WeightGroup, type WeightsManifestEntry } from './types.js';

/** A tensor to store under a name. */
export interface NamedTensor {
  /** The weight's name (`<layer>/<weight>`). */
  name: string;
  /** Its value. */
  tensor: Tensor;
  /** `model` (the default) or `optimizer` state. */
  group?: WeightGroup;
}

/** A weight read back from bytes: values in a typed array of the Strata dtype. */
export interface DecodedWeight {
  /** The weight's name (`<layer>/<weight>`). */
  name: string;
  /** Dimensions. */
  shape: number[];
  /** The Strata dtype the values were converted to. */
  dtype: DType;
  /** The values. */
  values: TypedArray;
  /** `model` or `optimizer` state. */
  group: WeightGroup;
}

const hostIsLittleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function sizeOfShape(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Joins buffers into one (weight shards are read back to back). */
export function concatenateArrayBuffers(buffers: readonly ArrayBuffer[]): ArrayBuffer {
  if (buffers.length === 1) return buffers[0]!;
  const total = buffers.reduce((n, b) => n + b.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const b of buffers) {
    out.set(new Uint8Array(b), offset);
    offset += b.byteLength;
  }
  return out.buffer;
}

/** One buffer for `WeightData` (a buffer or a list of shards). */
export function joinWeightData(data: WeightData): ArrayBuffer {
  return Array.isArray(data) ? concatenateArrayBuffers(data) : data;
}

/** The bytes a manifest entry occupies, or an error for entries Strata cannot read. */
export function weightByteLength(spec: WeightsManifestEntry, where: string): number {
  if (!spec || typeof spec.name !== 'string') throw new Error(`${where}: a weight entry has no name: ${JSON.stringify(spec)}`);
  if (!Array.isArray(spec.shape) || spec.shape.some((d) => !(Number.isInteger(d) && d >= 0))) {
    throw new Error(`${where}: weight '${spec.name}' has an invalid shape ${JSON.stringify(spec.shape)}`);
  }
  const dtype = spec.quantization ? spec.quantization.dtype : spec.dtype;
  if (spec.dtype === 'string' || spec.dtype === 'complex64') {
    throw new Error(`${where}: weight '${spec.name}' has dtype '${spec.dtype}', which Strata models cannot hold (float32, int32 and bool only)`);
  }
  const bytes = DTYPE_VALUE_SIZE[dtype];
  if (bytes === undefined || !['float32', 'int32', 'bool'].includes(spec.dtype)) {
    throw new Error(`${where}: weight '${spec.name}' has unsupported dtype '${spec.dtype}'${spec.quantization ? ` (quantized as '${spec.quantization.dtype}')` : ''}`);
  }
  return sizeOfShape(spec.shape) * bytes;
}

/** Bytes all `specs` occupy. */
export function weightsByteLength(specs: readonly WeightsManifestEntry[], where: string): number {
  return specs.reduce((n, s) => n + weightByteLength(s, where), 0);
}

function copyBytes(values: TypedArray, out: Uint8Array, offset: number): void {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  if (hostIsLittleEndian || values.BYTES_PER_ELEMENT === 1) {
    out.set(bytes, offset);
    return;
  }
  // Big-endian host: the format is little-endian, so swap each element's bytes.
  const view = new DataView(out.buffer, out.byteOffset);
  for (let i = 0; i < values.length; i++) {
    if (values instanceof Float32Array) view.setFloat32(offset + 4 * i, values[i]!, true);
    else view.setInt32(offset + 4 * i, values[i]!, true);
  }
}

/**
 * Reads the tensors and lays them out as one weight buffer with its manifest entries.
 * The tensors are not disposed.
 */
export async function encodeWeights(tensors: readonly NamedTensor[]): Promise<{
  /** The manifest entries, in order. */
  specs: WeightsManifestEntry[];
  /** The values, back to back. */
  data: ArrayBuffer;
}> {
  const seen = new Set<string>();
  const specs: WeightsManifestEntry[] = [];
  const arrays: TypedArray[] = [];
  for (const { name, tensor, group } of tensors) {
    const key = `${group ?? 'model'}:${name}`;
    if (seen.has(key)) throw new Error(`encodeWeights: two weights are named '${name}'; saved weight names must be unique (rename one of the layers)`);
    seen.add(key);
    tensor.assertUsable('encodeWeights', `weight '${name}'`);
    const spec: WeightsManifestEntry = { name, shape: [...tensor.shape], dtype: tensor.dtype };
    if (group && group !== 'model') spec.group = group;
    specs.push(spec);
    arrays.push(await tensor.data());
  }
  const total = arrays.reduce((n, a) => n + a.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const a of arrays) {
    copyBytes(a, out, offset);
    offset += a.byteLength;
  }
  return { specs, data: out.buffer };
}

/** IEEE 754 half-precision bits → number. */
function float16ToFloat32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

function decodeOne(spec: WeightsManifestEntry, view: DataView, offset: number, where: string): TypedArray {
  const n = sizeOfShape(spec.shape);
  const q = spec.quantization;
  if (q) {
    const read = q.dtype === 'uint8' ? (i: number) => view.getUint8(offset + i) : (i: number) => view.getUint16(offset + 2 * i, true);
    if (q.dtype === 'float16') {
      if (spec.dtype !== 'float32') throw new Error(`${where}: weight '${spec.name}' is float16-quantized but has dtype '${spec.dtype}' (only float32 can be)`);
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = float16ToFloat32(read(i));
      return out;
    }
    if (q.dtype !== 'uint8' && q.dtype !== 'uint16') throw new Error(`${where}: weight '${spec.name}' has unknown quantization dtype '${String(q.dtype)}' (uint8, uint16 or float16)`);
    if (typeof q.scale !== 'number' || typeof q.min !== 'number') {
      throw new Error(`${where}: weight '${spec.name}' is ${q.dtype}-quantized but its manifest entry lacks 'scale' and 'min'`);
    }
    const scale = q.scale;
    const min = q.min;
    if (spec.dtype === 'float32') {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = read(i) * scale + min;
      return out;
    }
    if (spec.dtype === 'int32') {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = Math.round(read(i) * scale + min);
      return out;
    }
    throw new Error(`${where}: weight '${spec.name}' of dtype '${spec.dtype}' cannot be quantized`);
  }
  if (spec.dtype === 'bool') {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = view.getUint8(offset + i) ? 1 : 0;
    return out;
  }
  if (spec.dtype === 'int32') {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = view.getInt32(offset + 4 * i, true);
    return out;
  }
  const out = new Float32Array(n);
  if (hostIsLittleEndian && (view.byteOffset + offset) % 4 === 0) {
    out.set(new Float32Array(view.buffer, view.byteOffset + offset, n));
  } else {
    for (let i = 0; i < n; i++) out[i] = view.getFloat32(offset + 4 * i, true);
  }
  return out;
}

/**
 * Splits weight bytes into named values. The bytes must be exactly what `specs` describe: a
 * shorter (truncated) or longer buffer is an error naming both sizes, so a damaged file never
 * loads as wrong weights.
 */
export function decodeWeights(data: WeightData, specs: readonly WeightsManifestEntry[], where = 'decodeWeights'): DecodedWeight[] {
  const buffer = joinWeightData(data);
  const expected = weightsByteLength(specs, where);
  if (buffer.byteLength !== expected) {
    const how = buffer.byteLength < expected ? 'is truncated' : 'is longer than expected';
    throw new Error(`${where}: the weight data ${how}: it has ${buffer.byteLength} bytes but the manifest's ${specs.length} weights need ${expected} bytes`);
  }
  const view = new DataView(buffer);
  const out: DecodedWeight[] = [];
  let offset = 0;
  for (const spec of specs) {
    const values = decodeOne(spec, view, offset, where);
    out.push({ name: spec.name, shape: [...spec.shape], dtype: spec.dtype as DType, values, group: spec.group ?? 'model' });
    offset += weightByteLength(spec, where);
  }
  return out;
}
