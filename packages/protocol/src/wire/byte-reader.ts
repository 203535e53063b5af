import { SpiceError } from "./errors.js";

/**
 * A bounds-checked little-endian cursor over a Uint8Array. A short read throws
 * SpiceError ERR_SPICE_TRUNCATED naming the field being read.
 */
export class ByteReader {
  readonly bytes: Uint8Array;
  readonly dv: DataView;
  pos: number;
  readonly end: number;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    this.bytes = bytes;
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = start;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  /** Throws unless n more bytes can be read. */
  need(n: number, what = "field"): void {
    if (n < 0 || this.pos + n > this.end) {
      throw new SpiceError("ERR_SPICE_TRUNCATED", `truncated reading ${what}: need ${n} bytes at offset ${this.pos}, have ${this.end - this.pos}`, { offset: this.pos });
    }
  }

  u8(what?: string): number {
    this.need(1, what);
    return this.bytes[this.pos++]!;
  }
  i8(what?: string): number {
    this.need(1, what);
    return this.dv.getInt8(this.pos++);
  }
  u16(what?: string): number {
    this.need(2, what);
    const v = this.dv.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }
  i16(what?: string): number {
    this.need(2, what);
    const v = this.dv.getInt16(this.pos, true);
    this.pos += 2;
    return v;
  }
  u32(what?: string): number {
    this.need(4, what);
    const v = this.dv.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  i32(what?: string): number {
    this.need(4, what);
    const v = this.dv.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }
  u32be(what?: string): number {
    this.need(4, what);
    const v = this.dv.getUint32(this.pos, false);
    this.pos += 4;
    return v;
  }
  u64(what?: string): bigint {
    this.need(8, what);
    const v = this.dv.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }
  i64(what?: string): bigint {
    this.need(8, what);
    const v = this.dv.getBigInt64(this.pos, true);
    this.pos += 8;
    return v;
  }
  /** A zero-copy view of the next n bytes. */
  view(n: number, what?: string): Uint8Array {
    this.need(n, what);
    const v = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
  /** A copy of the next n bytes. */
  bytesCopy(n: number, what?: string): Uint8Array {
    return this.view(n, what).slice();
  }
  skip(n: number, what?: string): void {
    this.need(n, what);
    this.pos += n;
  }
  /** A reader over the same bytes positioned at an absolute offset (for SPICE's 32-bit pointers). */
  at(offset: number, what = "pointer"): ByteReader {
    if (offset < 0 || offset > this.end) {
      throw new SpiceError("ERR_SPICE_TRUNCATED", `${what} points outside the message: offset ${offset}, size ${this.end}`, { offset });
    }
    return new ByteReader(this.bytes, offset, this.end);
  }
}
