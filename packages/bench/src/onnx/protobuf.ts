/**
 * A minimal protocol-buffers writer: just what encoding an ONNX ModelProto needs (varints,
 * length-delimited fields, fixed32 floats). Field numbers are the caller's business.
 */
export class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];
  private length = 0;

  private push(bytes: Uint8Array): this {
    this.chunks.push(bytes);
    this.length += bytes.length;
    return this;
  }

  private tag(field: number, wireType: 0 | 1 | 2 | 5): this {
    return this.rawVarint(field * 8 + wireType);
  }

  /** A non-negative integer up to 2^53 as a base-128 varint. */
  private rawVarint(value: number): this {
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`ProtoWriter: varint must be a non-negative safe integer, got ${value}`);
    const out: number[] = [];
    let v = value;
    while (v >= 0x80) {
      out.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    out.push(v);
    return this.push(Uint8Array.from(out));
  }

  /** int32/int64/enum field (non-negative values only, which is all ONNX needs here). */
  varint(field: number, value: number): this {
    return this.tag(field, 0).rawVarint(value);
  }

  /** Signed int64 field; negative values use the 10-byte two's-complement varint form. */
  int64(field: number, value: number): this {
    if (value >= 0) return this.varint(field, value);
    let v = BigInt.asUintN(64, BigInt(value));
    const out: number[] = [];
    while (v >= 0x80n) {
      out.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    out.push(Number(v));
    return this.tag(field, 0).push(Uint8Array.from(out));
  }

  float(field: number, value: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    return this.tag(field, 5).push(b);
  }

  bytes(field: number, value: Uint8Array): this {
    return this.tag(field, 2).rawVarint(value.length).push(value);
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  /** An embedded message field. */
  message(field: number, build: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}
