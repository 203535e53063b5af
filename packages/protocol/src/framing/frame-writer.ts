import { FULL_HEADER_SIZE, MINI_HEADER_SIZE } from "./data-header.js";

export interface FrameWriterOptions {
  /** 6-byte mini headers (both sides advertised MINI_HEADER) or 18-byte full headers. */
  miniHeader: boolean;
}

/**
 * Writes data-stage messages (header + body) and counts outgoing serials from 1; with the
 * mini header the serial is implicit but still counted (WAIT_FOR_CHANNELS refers to it).
 * The full header is written with sub_list 0, as spice-server and spice-gtk do.
 */
export class FrameWriter {
  readonly miniHeader: boolean;
  readonly headerSize: number;
  /** Serial of the last message written (0 before the first). */
  serial = 0;

  constructor(options: FrameWriterOptions) {
    this.miniHeader = options.miniHeader;
    this.headerSize = options.miniHeader ? MINI_HEADER_SIZE : FULL_HEADER_SIZE;
  }

  /** Header and body in one buffer. */
  frame(type: number, body: Uint8Array): Uint8Array {
    const out = new Uint8Array(this.headerSize + body.length);
    this.writeHeader(out, type, body.length);
    out.set(body, this.headerSize);
    return out;
  }

  /** Only the header, for writing a large body without copying it (counts a serial). */
  header(type: number, size: number): Uint8Array {
    const out = new Uint8Array(this.headerSize);
    this.writeHeader(out, type, size);
    return out;
  }

  private writeHeader(out: Uint8Array, type: number, size: number): void {
    if (!Number.isInteger(type) || type < 0 || type > 0xffff) throw new RangeError(`message type ${type}`);
    if (!Number.isInteger(size) || size < 0 || size > 0xffffffff) throw new RangeError(`message size ${size}`);
    const serial = ++this.serial;
    const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
    if (this.miniHeader) {
      dv.setUint16(0, type, true);
      dv.setUint32(2, size, true);
    } else {
      dv.setUint32(0, serial % 0x1_0000_0000, true);
      dv.setUint32(4, Math.floor(serial / 0x1_0000_0000), true);
      dv.setUint16(8, type, true);
      dv.setUint32(10, size, true);
      dv.setUint32(14, 0, true);
    }
  }
}
