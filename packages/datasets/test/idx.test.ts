import { describe, expect, it } from 'vitest';
import { expectIdx, IdxFormatError, parseIdx, parseIdxHeader } from '../src/idx.js';

/** Builds IDX bytes: magic (0, 0, type, rank), big-endian dims, then `body`. */
function idx(type: number, dims: number[], body: number[] | Uint8Array): Uint8Array {
  const header = new Uint8Array(4 + 4 * dims.length);
  const view = new DataView(header.buffer);
  header[2] = type;
  header[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  const out = new Uint8Array(header.length + body.length);
  out.set(header, 0);
  out.set(body, header.length);
  return out;
}

/** Big-endian bytes of values written by `write`. */
function bigEndian(bytesPer: number, values: number[], write: (v: DataView, offset: number, x: number) => void): number[] {
  const view = new DataView(new ArrayBuffer(bytesPer * values.length));
  values.forEach((x, i) => write(view, i * bytesPer, x));
  return [...new Uint8Array(view.buffer)];
}

describe('parseIdx: valid files', () => {
  it('reads a uint8 rank-3 array (the MNIST image layout)', () => {
    const body = Array.from({ length: 2 * 3 * 2 }, (_, i) => i * 20);
    const a = parseIdx(idx(0x08, [2, 3, 2], body), 'images');
    expect(a.dtype).toBe('uint8');
    expect(a.shape).toEqual([2, 3, 2]);
    expect(a.data).toBeInstanceOf(Uint8Array);
    expect([...a.data]).toEqual(body);
  });

  it('reads a uint8 rank-1 array (the MNIST label layout)', () => {
    const a = parseIdx(idx(0x08, [5], [7, 2, 1, 0, 4]));
    expect(a.shape).toEqual([5]);
    expect([...a.data]).toEqual([7, 2, 1, 0, 4]);
  });

  it('decodes big-endian int8, int16, int32, float32 and float64', () => {
    expect([...parseIdx(idx(0x09, [3], [0xff, 0x80, 0x7f])).data]).toEqual([-1, -128, 127]);
    const i16 = [-2, 300, -32768];
    expect([...parseIdx(idx(0x0b, [3], bigEndian(2, i16, (v, o, x) => v.setInt16(o, x, false)))).data]).toEqual(i16);
    const i32 = [-1, 123456789, -2147483648];
    const a32 = parseIdx(idx(0x0c, [3], bigEndian(4, i32, (v, o, x) => v.setInt32(o, x, false))));
    expect(a32.dtype).toBe('int32');
    expect([...a32.data]).toEqual(i32);
    const f32 = [1.5, -0.25, 1e10];
    const af = parseIdx(idx(0x0d, [1, 3], bigEndian(4, f32, (v, o, x) => v.setFloat32(o, x, false))));
    expect(af.shape).toEqual([1, 3]);
    expect([...af.data]).toEqual(f32);
    const f64 = [Math.PI, -1e300];
    expect([...parseIdx(idx(0x0e, [2], bigEndian(8, f64, (v, o, x) => v.setFloat64(o, x, false)))).data]).toEqual(f64);
  });

  it('reads from a view into a larger buffer (byteOffset != 0)', () => {
    const file = idx(0x08, [2], [9, 8]);
    const big = new Uint8Array(file.length + 10);
    big.set(file, 3);
    const a = parseIdx(big.subarray(3, 3 + file.length));
    expect([...a.data]).toEqual([9, 8]);
  });

  it('accepts an empty dimension', () => {
    const a = parseIdx(idx(0x08, [0, 28, 28], []));
    expect(a.shape).toEqual([0, 28, 28]);
    expect(a.data.length).toBe(0);
  });

  it('parseIdxHeader reports the expected total length', () => {
    expect(parseIdxHeader(idx(0x08, [60000, 28, 28], []))).toEqual({ dtype: 'uint8', shape: [60000, 28, 28], headerBytes: 16, totalBytes: 47040016 });
  });

  it('expectIdx checks dtype and dims', () => {
    const a = parseIdx(idx(0x08, [2, 3], [1, 2, 3, 4, 5, 6]));
    expect(expectIdx(a, 'uint8', [undefined, 3]).shape).toEqual([2, 3]);
    expect(() => expectIdx(a, 'uint8', [undefined, 28, 28], 'f.idx')).toThrow(/f\.idx: expected uint8 \[n, 28, 28\], got uint8 \[2, 3\]/);
    expect(() => expectIdx(a, 'int32', [2, 3])).toThrow(IdxFormatError);
  });
});

describe('parseIdx: corrupt files', () => {
  it('rejects a wrong magic number, naming the source', () => {
    const bad = idx(0x08, [2], [1, 2]);
    bad[0] = 0x08;
    expect(() => parseIdx(bad, 'train-labels-idx1-ubyte')).toThrow(IdxFormatError);
    expect(() => parseIdx(bad, 'train-labels-idx1-ubyte')).toThrow(/^train-labels-idx1-ubyte: bad magic number 0x08000801/);
  });

  it('rejects an unknown element type', () => {
    expect(() => parseIdx(idx(0x07, [2], [1, 2]), 'x.idx')).toThrow(/x\.idx: bad magic number 0x00000701: unknown element type 0x07/);
  });

  it('rejects zero dimensions', () => {
    expect(() => parseIdx(new Uint8Array([0, 0, 8, 0]), 'x.idx')).toThrow(/x\.idx: .*zero dimensions/);
  });

  it('says when the bytes are gzip-compressed', () => {
    expect(() => parseIdx(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0]), 'a.gz')).toThrow(/a\.gz: bad magic number .*gzip/);
  });

  it('rejects a file too short for the magic number', () => {
    expect(() => parseIdx(new Uint8Array([0, 0]), 'tiny')).toThrow(/tiny: truncated: 2 bytes/);
  });

  it('rejects a truncated header', () => {
    const full = idx(0x08, [2, 28, 28], new Uint8Array(2 * 28 * 28));
    expect(() => parseIdx(full.subarray(0, 10), 'images')).toThrow(/images: truncated: the header announces 3 dimensions \(16 header bytes\) but there are only 10 bytes/);
  });

  it('rejects truncated data', () => {
    const full = idx(0x08, [2, 28, 28], new Uint8Array(2 * 28 * 28));
    expect(() => parseIdx(full.subarray(0, full.length - 1), 't10k-images-idx3-ubyte')).toThrow(
      /t10k-images-idx3-ubyte: truncated: header says uint8 \[2, 28, 28\], which needs 1584 bytes, but there are only 1583/,
    );
  });

  it('rejects truncated multi-byte data', () => {
    const full = idx(0x0c, [3], bigEndian(4, [1, 2, 3], (v, o, x) => v.setInt32(o, x, false)));
    expect(() => parseIdx(full.subarray(0, full.length - 2))).toThrow(/IDX data: truncated/);
  });

  it('rejects trailing bytes', () => {
    expect(() => parseIdx(idx(0x08, [2], [1, 2, 3]), 'labels')).toThrow(/labels: 1 unexpected bytes after the data/);
  });

  it('rejects input that is not bytes', () => {
    expect(() => parseIdx([0, 0, 8, 1] as unknown as Uint8Array)).toThrow(TypeError);
  });
});
