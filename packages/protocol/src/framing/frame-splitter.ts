import { ByteReader } from "../wire/byte-reader.js";
import { SpiceError } from "../wire/errors.js";
import { ChunkQueue } from "./chunk-queue.js";
import { FULL_HEADER_SIZE, MINI_HEADER_SIZE, SPICE_MSG_LIST, SubMessageHeader, SubMessageList } from "./data-header.js";

/** One message out of the stream. */
export interface Frame {
  type: number;
  /** Zero-copy view into the received chunk when the message arrived in one piece. */
  body: Uint8Array;
  /**
   * Serial of the wire message that carried this frame: counted from 1 with the mini header,
   * taken from the header with the full one.
   */
  serial: number;
  /** Taken from a sub-message list (delivered before the message that carried it). */
  sub: boolean;
  /**
   * True on the last frame of a wire message: count ACKs and serial progress on these, once
   * per wire message. A SPICE_MSG_LIST envelope is not delivered itself, so its last
   * sub-message carries the flag (an empty LIST is delivered as itself).
   */
  last: boolean;
}

export interface FrameSplitterOptions {
  /** 6-byte mini headers (both sides advertised MINI_HEADER) or 18-byte full headers. */
  miniHeader: boolean;
  /** Largest accepted body; bigger declared sizes fail with ERR_SPICE_TOO_LARGE. Default 64 MiB. */
  maxMessageSize?: number;
}

export const DEFAULT_MAX_MESSAGE_SIZE = 64 * 1024 * 1024;

const STATE_HEADER = 0;
const STATE_BODY = 1;
const STATE_FAILED = 2;

/**
 * Splits a received byte stream into SPICE messages. Feed it chunks of any size; it returns
 * the frames they complete. A peer fault throws a SpiceError and the splitter stays failed
 * (frames completed earlier in the same chunk are dropped with it; the channel is closing).
 */
export class FrameSplitter {
  readonly miniHeader: boolean;
  readonly headerSize: number;
  readonly maxMessageSize: number;
  /** Serial of the last complete wire message (0 before the first). */
  lastSerial = 0;
  /** Wire messages received. */
  messageCount = 0;
  /** Bytes consumed from the stream so far (for error offsets). */
  private streamPos = 0;

  private readonly queue = new ChunkQueue();
  private state = STATE_HEADER;
  private type = 0;
  private size = 0;
  private serial = 0;
  private subList = 0;
  private error: SpiceError | null = null;

  constructor(options: FrameSplitterOptions) {
    this.miniHeader = options.miniHeader;
    this.headerSize = options.miniHeader ? MINI_HEADER_SIZE : FULL_HEADER_SIZE;
    this.maxMessageSize = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
  }

  /** Bytes of an incomplete message held back. */
  get buffered(): number {
    return this.queue.length;
  }

  push(chunk: Uint8Array): Frame[] {
    if (this.state === STATE_FAILED) throw this.error!;
    this.queue.push(chunk);
    const out: Frame[] = [];
    try {
      for (;;) {
        if (this.state === STATE_HEADER) {
          if (this.queue.length < this.headerSize) break;
          this.readHeader(this.queue.take(this.headerSize));
          this.state = STATE_BODY;
        }
        if (this.queue.length < this.size) break;
        const body = this.queue.take(this.size);
        this.streamPos += this.size;
        this.state = STATE_HEADER;
        this.messageCount++;
        this.lastSerial = this.serial;
        this.emit(body, out);
      }
    } catch (e) {
      if (e instanceof SpiceError) {
        this.state = STATE_FAILED;
        this.error = e;
      }
      throw e;
    }
    return out;
  }

  private readHeader(h: Uint8Array): void {
    const at = this.streamPos;
    this.streamPos += h.length;
    if (this.miniHeader) {
      this.type = h[0]! | (h[1]! << 8);
      this.size = (h[2]! | (h[3]! << 8) | (h[4]! << 16) | (h[5]! << 24)) >>> 0;
      this.serial = this.lastSerial + 1;
      this.subList = 0;
    } else {
      const lo = (h[0]! | (h[1]! << 8) | (h[2]! << 16) | (h[3]! << 24)) >>> 0;
      const hi = (h[4]! | (h[5]! << 8) | (h[6]! << 16) | (h[7]! << 24)) >>> 0;
      this.serial = hi * 0x1_0000_0000 + lo;
      this.type = h[8]! | (h[9]! << 8);
      this.size = (h[10]! | (h[11]! << 8) | (h[12]! << 16) | (h[13]! << 24)) >>> 0;
      this.subList = (h[14]! | (h[15]! << 8) | (h[16]! << 16) | (h[17]! << 24)) >>> 0;
    }
    if (this.size > this.maxMessageSize) {
      throw new SpiceError("ERR_SPICE_TOO_LARGE", `message type ${this.type} declares ${this.size} bytes, over the limit of ${this.maxMessageSize}`, {
        offset: at,
      });
    }
  }

  private emit(body: Uint8Array, out: Frame[]): void {
    const serial = this.serial;
    if (this.type !== SPICE_MSG_LIST && this.subList === 0) {
      out.push({ type: this.type, body, serial, sub: false, last: true });
      return;
    }
    // spice-gtk: `if (type == SPICE_MSG_LIST || sub_list)`; with the mini header the list is at offset 0.
    const subs = readSubMessages(body, this.subList, this.type);
    const isList = this.type === SPICE_MSG_LIST;
    for (let i = 0; i < subs.length; i++) {
      const s = subs[i]!;
      out.push({ type: s.type, body: s.body, serial, sub: true, last: isList && i === subs.length - 1 });
    }
    if (!isList || subs.length === 0) out.push({ type: this.type, body, serial, sub: false, last: true });
  }
}

/** Parses the sub-message list at `offset` of `body`; every offset and size is bounds-checked. */
export function readSubMessages(body: Uint8Array, offset: number, parentType = SPICE_MSG_LIST): { type: number; body: Uint8Array }[] {
  const r = new ByteReader(body);
  const ctx = { message: r };
  const list = SubMessageList.read(r.at(offset, "sub-message list"), ctx);
  const out: { type: number; body: Uint8Array }[] = [];
  for (const off of list.offsets) {
    const sr = r.at(off, "sub-message");
    const h = SubMessageHeader.read(sr, ctx);
    out.push({ type: h.type, body: sr.view(h.size, `sub-message ${h.type} of message ${parentType}`) });
  }
  return out;
}

/** Splits a whole buffer (e.g. a recording); throws if it ends inside a message. */
export function splitAll(bytes: Uint8Array, options: FrameSplitterOptions): Frame[] {
  const s = new FrameSplitter(options);
  const frames = s.push(bytes);
  if (s.buffered > 0) throw new SpiceError("ERR_SPICE_TRUNCATED", `stream ends inside a message (${s.buffered} bytes left)`, { offset: bytes.length - s.buffered });
  return frames;
}

