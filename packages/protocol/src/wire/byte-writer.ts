/** A growable little-endian writer with chainable typed writes. */
export class ByteWriter {
  private buf: Uint8Array;
  private dv: DataView;
  pos = 0;

  constructor(initialSize = 256) {
    this.buf = new Uint8Array(initialSize);
    this.dv = new DataView(this.buf.buffer);
  }

  private ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.dv = new DataView(next.buffer);
  }

  u8(v: number): this {
    this.ensure(1);
    this.buf[this.pos++] = v;
    return this;
  }
  i8(v: number): this {
    this.ensure(1);
    this.dv.setInt8(this.pos++, v);
    return this;
  }
  u16(v: number): this {
    this.ensure(2);
    this.dv.setUint16(this.pos, v, true);
    this.pos += 2;
    return this;
  }
  i16(v: number): this {
    this.ensure(2);
    this.dv.setInt16(this.pos, v, true);
    this.pos += 2;
    return this;
  }
  u32(v: number): this {
    this.ensure(4);
    this.dv.setUint32(this.pos, v >>> 0, true);
    this.pos += 4;
    return this;
  }
  i32(v: number): this {
    this.ensure(4);
    this.dv.setInt32(this.pos, v, true);
    this.pos += 4;
    return this;
  }
  u32be(v: number): this {
    this.ensure(4);
    this.dv.setUint32(this.pos, v >>> 0, false);
    this.pos += 4;
    return this;
  }
  u64(v: bigint): this {
    this.ensure(8);
    this.dv.setBigUint64(this.pos, v, true);
    this.pos += 8;
    return this;
  }
  i64(v: bigint): this {
    this.ensure(8);
    this.dv.setBigInt64(this.pos, v, true);
    this.pos += 8;
    return this;
  }
  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }
  zeros(n: number): this {
    this.ensure(n);
    this.buf.fill(0, this.pos, this.pos + n);
    this.pos += n;
    return this;
  }
  /** Overwrite a u32 at an absolute offset already written (pointer patching). */
  patchU32(offset: number, v: number): this {
    this.dv.setUint32(offset, v >>> 0, true);
    return this;
  }
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}
