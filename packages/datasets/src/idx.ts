/**
 * A parser for the IDX format (the format of MNIST and Fashion-MNIST), with no platform
 * dependencies: it takes bytes and returns a typed array plus its shape.
 *
 * Layout (all integers big-endian):
 *
 * | bytes          | what                                                              |
 * |----------------|-------------------------------------------------------------------|
 * | 0–1            | always 0                                                          |
 * | 2              | element type: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32,       |
 * |                | 0x0D float32, 0x0E float64                                         |
 * | 3              | number of dimensions `r`                                          |
 * | 4 … 4+4r       | each dimension's size as an unsigned 32-bit integer               |
 * | 4+4r …         | the elements, row-major, each big-endian                           |
 *
 * The file must hold exactly the number of bytes its header announces: a short file (a truncated
 * download) and a long one (the wrong file, or two files concatenated) are both errors.
 */

/** Element types the IDX format defines. */
export type IdxDType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/** The typed array each {@link IdxDType} is decoded into. */
export interface IdxArrayMap {
  uint8: Uint8Array;
  int8: Int8Array;
  int16: Int16Array;
  int32: Int32Array;
  float32: Float32Array;
  float64: Float64Array;
}

/** A decoded IDX file. */
export interface IdxArray<D extends IdxDType = IdxDType> {
  readonly dtype: D;
  /** Dimension sizes, outermost first (e.g. `[60000, 28, 28]`). */
  readonly shape: readonly number[];
  /** The elements in row-major order, in native byte order. */
  readonly data: IdxArrayMap[D];
}

/** Thrown when bytes are not a well-formed IDX file. The message names the source. */
export class IdxFormatError extends Error {
  /** The file (or other source) the bytes came from. */
  readonly source: string;

  constructor(source: string, message: string) {
    super(`${source}: ${message}`);
    this.name = 'IdxFormatError';
    this.source = source;
  }
}

interface TypeInfo {
  readonly dtype: IdxDType;
  readonly bytes: number;
}

const TYPE_CODES: ReadonlyMap<number, TypeInfo> = new Map([
  [0x08, { dtype: 'uint8', bytes: 1 }],
  [0x09, { dtype: 'int8', bytes: 1 }],
  [0x0b, { dtype: 'int16', bytes: 2 }],
  [0x0c, { dtype: 'int32', bytes: 4 }],
  [0x0d, { dtype: 'float32', bytes: 4 }],
  [0x0e, { dtype: 'float64', bytes: 8 }],
]);

const hex = (n: number, width: number): string => `0x${n.toString(16).padStart(width, '0')}`;

/** Reads just the header: element type, shape, header length and the total length it implies. */
export function parseIdxHeader(bytes: Uint8Array, source = 'IDX data'): { dtype: IdxDType; shape: number[]; headerBytes: number; totalBytes: number } {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${source}: expected a Uint8Array of IDX bytes`);
  if (bytes.length < 4) {
    throw new IdxFormatError(source, `truncated: ${bytes.length} bytes, too short for the 4-byte IDX magic number`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const gzip = bytes[0] === 0x1f && bytes[1] === 0x8b ? ' (these are gzip-compressed bytes: decompress them first)' : '';
    throw new IdxFormatError(source, `bad magic number ${hex(magic, 8)}: an IDX file starts with two zero bytes${gzip}`);
  }
  const type = TYPE_CODES.get(bytes[2]!);
  if (!type) {
    throw new IdxFormatError(source, `bad magic number ${hex(magic, 8)}: unknown element type ${hex(bytes[2]!, 2)} (expected 0x08, 0x09, 0x0b, 0x0c, 0x0d or 0x0e)`);
  }
  const rank = bytes[3]!;
  if (rank === 0) throw new IdxFormatError(source, `bad magic number ${hex(magic, 8)}: zero dimensions`);
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw new IdxFormatError(source, `truncated: the header announces ${rank} dimensions (${headerBytes} header bytes) but there are only ${bytes.length} bytes`);
  }
  const shape: number[] = [];
  let elements = 1;
  for (let i = 0; i < rank; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    shape.push(d);
    elements *= d;
  }
  const totalBytes = headerBytes + elements * type.bytes;
  if (!Number.isSafeInteger(totalBytes)) {
    throw new IdxFormatError(source, `shape [${shape.join(', ')}] is too large to be real`);
  }
  return { dtype: type.dtype, shape, headerBytes, totalBytes };
}

/**
 * Decodes a complete IDX file. Throws {@link IdxFormatError} (naming `source`) when the magic number
 * is wrong or the length does not match the header exactly.
 * @param bytes the whole file
 * @param source a name for error messages, usually the file path
 */
export function parseIdx(bytes: Uint8Array, source = 'IDX data'): IdxArray {
  const { dtype, shape, headerBytes, totalBytes } = parseIdxHeader(bytes, source);
  if (bytes.length < totalBytes) {
    throw new IdxFormatError(source, `truncated: header says ${dtype} [${shape.join(', ')}], which needs ${totalBytes} bytes, but there are only ${bytes.length}`);
  }
  if (bytes.length > totalBytes) {
    throw new IdxFormatError(source, `${bytes.length - totalBytes} unexpected bytes after the data: header says ${dtype} [${shape.join(', ')}], which is ${totalBytes} bytes, but there are ${bytes.length}`);
  }
  const size = shape.reduce((a, b) => a * b, 1);
  const view = new DataView(bytes.buffer, bytes.byteOffset + headerBytes, totalBytes - headerBytes);
  switch (dtype) {
    case 'uint8':
      return { dtype, shape, data: bytes.slice(headerBytes, totalBytes) };
    case 'int8':
      return { dtype, shape, data: new Int8Array(bytes.slice(headerBytes, totalBytes).buffer) };
    case 'int16': {
      const data = new Int16Array(size);
      for (let i = 0; i < size; i++) data[i] = view.getInt16(2 * i, false);
      return { dtype, shape, data };
    }
    case 'int32': {
      const data = new Int32Array(size);
      for (let i = 0; i < size; i++) data[i] = view.getInt32(4 * i, false);
      return { dtype, shape, data };
    }
    case 'float32': {
      const data = new Float32Array(size);
      for (let i = 0; i < size; i++) data[i] = view.getFloat32(4 * i, false);
      return { dtype, shape, data };
    }
    case 'float64': {
      const data = new Float64Array(size);
      for (let i = 0; i < size; i++) data[i] = view.getFloat64(8 * i, false);
      return { dtype, shape, data };
    }
  }
}

/**
 * Checks that a decoded IDX array has the expected element type and rank (and, for each entry of
 * `dims` that is not `undefined`, that dimension's size), and narrows its type.
 */
export function expectIdx<D extends IdxDType>(array: IdxArray, dtype: D, dims: readonly (number | undefined)[], source = 'IDX data'): IdxArray<D> {
  const want = `${dtype} [${dims.map((d) => (d === undefined ? 'n' : String(d))).join(', ')}]`;
  const got = `${array.dtype} [${array.shape.join(', ')}]`;
  if (array.dtype !== dtype || array.shape.length !== dims.length || dims.some((d, i) => d !== undefined && d !== array.shape[i])) {
    throw new IdxFormatError(source, `expected ${want}, got ${got}`);
  }
  return array as IdxArray<D>;
}
