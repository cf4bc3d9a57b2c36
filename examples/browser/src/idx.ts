/**
 * Decodes the unsigned-byte IDX files the page fetches (MNIST images and labels). The format:
 * two zero bytes, a type byte (0x08 = uint8), the rank, one big-endian uint32 per dimension, then
 * the elements row-major.
 */

/** A decoded unsigned-byte IDX file. */
export interface IdxBytes {
  readonly shape: readonly number[];
  readonly data: Uint8Array;
}

export function parseUint8Idx(bytes: Uint8Array, source: string): IdxBytes {
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) throw new Error(`${source}: not an IDX file (bad magic number)`);
  if (bytes[2] !== 0x08) throw new Error(`${source}: element type 0x${bytes[2]!.toString(16)}, expected 0x08 (uint8)`);
  const rank = bytes[3]!;
  const header = 4 + 4 * rank;
  if (bytes.length < header) throw new Error(`${source}: truncated header (${bytes.length} bytes, rank ${rank})`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: rank }, (_, d) => view.getUint32(4 + 4 * d, false));
  const size = shape.reduce((a, b) => a * b, 1);
  if (bytes.length !== header + size) {
    throw new Error(`${source}: header announces shape [${shape.join(', ')}] (${header + size} bytes) but the file has ${bytes.length} bytes`);
  }
  return { shape, data: bytes.subarray(header) };
}
