import { channelMessages, channelTypeName, CommonCap } from "@saffron/protocol";
import type { RelayTap } from "./byte-relay.js";

/** One server→client message seen on the wire. */
export interface TappedMessage {
  /** Relay connection id. */
  connection: number;
  channelType: number;
  /** e.g. "display" */
  channel: string;
  type: number;
  /** e.g. "DrawCopy", or "type<N>" when unknown. */
  name: string;
  /** Header + body bytes. */
  wireBytes: number;
  /** The first bytes of the body (up to 32), e.g. a draw command's surface id and box. */
  head: Uint8Array;
  /** performance.now() when the message's last byte passed the relay. */
  timeMs: number;
}

export interface MessageTally {
  count: number;
  bytes: number;
}

const LINK_HEADER = 16;
const HEAD_BYTES = 32;

/**
 * Reads the server→client side of SPICE connections passing through a byte relay (plain TCP,
 * no TLS): the link handshake (its bytes are tallied as "<channel>.link"), then each message,
 * with the 6-byte mini header when both sides advertised MINI_HEADER, else the 18-byte full
 * one. Tallies bytes and counts per "channel.MessageName"; `onMessage` sees each message.
 * Unparseable streams are counted as "<channel>.unparsed" and no longer read.
 */
export class SpiceWireTap {
  readonly tally = new Map<string, MessageTally>();
  onMessage: ((m: TappedMessage) => void) | undefined;

  /** Hooks for ByteRelayOptions.onConnection. */
  readonly relayHooks = (id: number): RelayTap => new ConnectionTap(this, id).hooks;

  /** Tallies sorted by bytes, largest first. */
  sorted(): { key: string; count: number; bytes: number }[] {
    return [...this.tally].map(([key, t]) => ({ key, ...t })).sort((a, b) => b.bytes - a.bytes);
  }

  /** Forgets the tallies so far (e.g. after the connect phase). */
  reset(): void {
    this.tally.clear();
  }

  add(key: string, bytes: number, count = 1): void {
    const t = this.tally.get(key);
    if (t) {
      t.count += count;
      t.bytes += bytes;
    } else this.tally.set(key, { count, bytes });
  }
}

/** Reads a fixed number of bytes across chunks. */
class Collector {
  private buf: Uint8Array;
  private have = 0;
  constructor(readonly size: number) {
    this.buf = new Uint8Array(size);
  }
  /** Takes what it needs from chunk[at..]; returns how many bytes it took. */
  take(chunk: Uint8Array, at: number): number {
    const n = Math.min(this.size - this.have, chunk.length - at);
    this.buf.set(chunk.subarray(at, at + n), this.have);
    this.have += n;
    return n;
  }
  get full(): boolean {
    return this.have === this.size;
  }
  get bytes(): Uint8Array {
    return this.buf;
  }
}

const u32 = (b: Uint8Array, at: number): number => (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;

/** Whether the MINI_HEADER common capability is in a link message's caps (body-relative offset). */
function hasMiniHeader(body: Uint8Array, numCommonAt: number, offsetAt: number): boolean {
  if (body.length < offsetAt + 4) return false;
  const numCommon = u32(body, numCommonAt);
  const capsAt = u32(body, offsetAt);
  if (numCommon === 0 || capsAt + 4 > body.length) return false;
  return ((u32(body, capsAt) >>> CommonCap.MiniHeader) & 1) === 1;
}

class ConnectionTap {
  private channelType = -1;
  private clientMini: boolean | undefined;
  private serverMini: boolean | undefined;
  // client side: link header, then link message body
  private cHeader = new Collector(LINK_HEADER);
  private cBody: Collector | undefined;
  // server side
  private sState: "linkHeader" | "linkBody" | "linkResult" | "header" | "body" | "dead" = "linkHeader";
  private sCollect: Collector = new Collector(LINK_HEADER);
  private msgType = 0;
  private msgSize = 0;
  private msgLeft = 0;
  private msgHead: Uint8Array = new Uint8Array(0);
  private msgHeadHave = 0;
  private headerSize = 6;

  readonly hooks: RelayTap = {
    client: (chunk) => this.onClient(chunk),
    server: (chunk) => this.onServer(chunk),
  };

  constructor(
    private readonly tap: SpiceWireTap,
    private readonly id: number,
  ) {}

  private get channel(): string {
    return this.channelType < 0 ? "unknown" : channelTypeName(this.channelType);
  }

  private onClient(chunk: Uint8Array): void {
    let at = 0;
    if (!this.cHeader.full) {
      at += this.cHeader.take(chunk, at);
      if (!this.cHeader.full) return;
      this.cBody = new Collector(Math.min(u32(this.cHeader.bytes, 12), 4096));
    }
    if (this.cBody && !this.cBody.full) {
      this.cBody.take(chunk, at);
      if (this.cBody.full) {
        const b = this.cBody.bytes;
        this.channelType = b.length > 4 ? b[4] : -1;
        // LinkMess: connection_id u32, channel_type u8, channel_id u8, num_common_caps u32, num_channel_caps u32, caps_offset u32
        this.clientMini = hasMiniHeader(b, 6, 14);
      }
    }
  }

  private onServer(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length && this.sState !== "dead") {
      switch (this.sState) {
        case "linkHeader":
          at += this.sCollect.take(chunk, at);
          if (this.sCollect.full) {
            const size = u32(this.sCollect.bytes, 12);
            if (size > 4096) return this.die(chunk.length - at);
            this.tap.add(`${this.channel}.link`, LINK_HEADER);
            this.sCollect = new Collector(size);
            this.sState = "linkBody";
          }
          break;
        case "linkBody":
          at += this.sCollect.take(chunk, at);
          if (this.sCollect.full) {
            const b = this.sCollect.bytes;
            // LinkReply: error u32, pub_key[162], num_common_caps u32, num_channel_caps u32, caps_offset u32
            this.serverMini = hasMiniHeader(b, 166, 174);
            this.tap.add(`${this.channel}.link`, b.length, 0);
            this.sCollect = new Collector(4);
            this.sState = "linkResult";
          }
          break;
        case "linkResult":
          at += this.sCollect.take(chunk, at);
          if (this.sCollect.full) {
            this.tap.add(`${this.channel}.link`, 4, 0);
            if (u32(this.sCollect.bytes, 0) !== 0) return this.die(chunk.length - at);
            this.headerSize = this.clientMini && this.serverMini ? 6 : 18;
            this.sCollect = new Collector(this.headerSize);
            this.sState = "header";
          }
          break;
        case "header":
          at += this.sCollect.take(chunk, at);
          if (this.sCollect.full) {
            const h = this.sCollect.bytes;
            const typeAt = this.headerSize === 6 ? 0 : 8;
            this.msgType = h[typeAt] | (h[typeAt + 1] << 8);
            this.msgSize = u32(h, typeAt + 2);
            this.msgLeft = this.msgSize;
            this.msgHead = new Uint8Array(Math.min(HEAD_BYTES, this.msgSize));
            this.msgHeadHave = 0;
            this.sState = "body";
            if (this.msgLeft === 0) this.finishMessage();
          }
          break;
        case "body": {
          const n = Math.min(this.msgLeft, chunk.length - at);
          if (this.msgHeadHave < this.msgHead.length) {
            const k = Math.min(this.msgHead.length - this.msgHeadHave, n);
            this.msgHead.set(chunk.subarray(at, at + k), this.msgHeadHave);
            this.msgHeadHave += k;
          }
          at += n;
          this.msgLeft -= n;
          if (this.msgLeft === 0) this.finishMessage();
          break;
        }
      }
    }
  }

  private finishMessage(): void {
    const info = channelMessages(this.channelType)?.server.info(this.msgType);
    const name = info?.name ?? `type${this.msgType}`;
    const wireBytes = this.headerSize + this.msgSize;
    this.tap.add(`${this.channel}.${name}`, wireBytes);
    this.tap.onMessage?.({
      connection: this.id,
      channelType: this.channelType,
      channel: this.channel,
      type: this.msgType,
      name,
      wireBytes,
      head: this.msgHead,
      timeMs: performance.now(),
    });
    this.sCollect = new Collector(this.headerSize);
    this.sState = "header";
  }

  private die(rest: number): void {
    this.tap.add(`${this.channel}.unparsed`, rest, 0);
    this.sState = "dead";
  }
}
