import { connect, type Socket } from "node:net";
import type { Logger } from "@saffron/protocol";
import type { RawData, WebSocket } from "ws";
import type { GatewayTarget } from "./config.js";
import type { TargetCounters } from "./metrics.js";
import { TicketRewriter } from "./ticket-rewriter.js";

export interface BridgeOptions {
  id: number;
  ws: WebSocket;
  target: GatewayTarget;
  counters: TargetCounters;
  log: Logger;
  handshakeTimeoutMs: number;
  idleTimeoutMs: number;
  /** Who asked (remote address, token subject) for the logs. */
  peer: string;
  subject?: string;
  onClosed(bridge: Bridge): void;
}

/** Stop reading TCP while the WebSocket has this much unsent. */
const WS_HIGH_WATER = 4 * 1024 * 1024;
/** Bytes a browser may send before the TCP connection is up. */
const MAX_EARLY_BYTES = 64 * 1024;
const KEEPALIVE_MS = 30_000;

/**
 * One WebSocket bridged to one new TCP connection to the configured target, with byte
 * counters, handshake and idle timeouts, back-pressure both ways, and (when the target has a
 * password) the ticket substitution of TicketRewriter.
 */
export class Bridge {
  readonly id: number;
  readonly startedAt = Date.now();
  bytesToTarget = 0;
  bytesToClient = 0;
  private readonly tcp: Socket;
  private readonly rewriter?: TicketRewriter;
  private connected = false;
  private early: Uint8Array[] = [];
  private earlyBytes = 0;
  private closed = false;
  private linked = false;
  private lastActivity = Date.now();
  private handshakeTimer?: NodeJS.Timeout;
  private idleTimer?: NodeJS.Timeout;
  private keepalive?: NodeJS.Timeout;
  private awaitingPong = false;
  private channel = "";

  constructor(private readonly o: BridgeOptions) {
    this.id = o.id;
    o.counters.open++;
    o.counters.total++;
    const { ws, target } = o;
    if (target.password !== undefined) {
      this.rewriter = new TicketRewriter({
        password: target.password,
        toServer: (b) => this.writeTcp(b),
        toClient: (b) => this.sendWs(b),
        onLinked: (info) => {
          this.channel = `${info.channelType}:${info.channelId}`;
          this.linkDone();
          const fields = { conn: this.id, target: target.name, channel: this.channel, result: info.result };
          if (info.result === 0) o.log.debug("gateway", "link through", fields);
          else o.log.warn("gateway", "target refused the link", fields);
        },
        onError: (e) => this.close(`link stage: ${e.message}`, 1002),
      });
    }

    this.handshakeTimer = setTimeout(() => this.close(`handshake timed out after ${o.handshakeTimeoutMs} ms`, 1008), o.handshakeTimeoutMs);
    if (o.idleTimeoutMs > 0) this.armIdle(o.idleTimeoutMs);
    this.keepalive = setInterval(() => {
      if (this.awaitingPong) return void this.close("browser stopped answering pings", 1001);
      this.awaitingPong = true;
      ws.ping();
    }, KEEPALIVE_MS);
    ws.on("pong", () => (this.awaitingPong = false));

    ws.on("message", (data: RawData, isBinary: boolean) => {
      if (!isBinary) return this.close("text frame from the browser", 1003);
      for (const chunk of toChunks(data)) this.fromBrowser(chunk);
    });
    ws.on("close", () => this.close("browser closed"));
    ws.on("error", (e) => this.close(`WebSocket error: ${e.message}`));

    this.tcp = connect({ host: target.host, port: target.port });
    this.tcp.setNoDelay(true);
    this.tcp.on("connect", () => {
      this.connected = true;
      const early = this.early;
      this.early = [];
      for (const c of early) this.forward(c);
    });
    this.tcp.on("data", (b: Buffer) => {
      this.lastActivity = Date.now();
      const chunk = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
      if (this.rewriter) this.rewriter.fromServer(chunk);
      else {
        this.linkDone();
        this.sendWs(chunk);
      }
    });
    this.tcp.on("drain", () => ws.resume());
    this.tcp.on("error", (e) => {
      if (!this.connected) {
        o.counters.upstreamErrors++;
        o.log.warn("gateway", "cannot reach target", { conn: this.id, target: target.name, error: e.message });
      }
      this.close(this.connected ? `target connection error: ${e.message}` : `target unreachable: ${e.message}`, 1011);
    });
    this.tcp.on("close", () => this.close("target closed"));
    o.log.info("gateway", "connection open", { conn: this.id, target: target.name, peer: o.peer, sub: o.subject });
  }

  private fromBrowser(chunk: Uint8Array): void {
    this.lastActivity = Date.now();
    if (!this.connected) {
      this.earlyBytes += chunk.length;
      if (this.earlyBytes > MAX_EARLY_BYTES) return this.close("browser sent too much before the target answered", 1009);
      this.early.push(chunk);
      return;
    }
    this.forward(chunk);
  }

  private forward(chunk: Uint8Array): void {
    if (this.rewriter) this.rewriter.fromClient(chunk);
    else this.writeTcp(chunk);
  }

  private writeTcp(b: Uint8Array): void {
    if (this.closed) return;
    this.bytesToTarget += b.length;
    this.o.counters.bytesToTarget += b.length;
    if (!this.tcp.write(b)) this.o.ws.pause();
  }

  private sendWs(b: Uint8Array): void {
    if (this.closed) return;
    const ws = this.o.ws;
    this.bytesToClient += b.length;
    this.o.counters.bytesToClient += b.length;
    ws.send(b, { binary: true }, () => {
      if (ws.bufferedAmount < WS_HIGH_WATER / 2 && this.tcp.isPaused()) this.tcp.resume();
    });
    if (ws.bufferedAmount > WS_HIGH_WATER) this.tcp.pause();
  }

  private linkDone(): void {
    if (this.linked) return;
    this.linked = true;
    clearTimeout(this.handshakeTimer);
  }

  private armIdle(ms: number): void {
    this.idleTimer = setTimeout(() => {
      const quiet = Date.now() - this.lastActivity;
      if (quiet >= ms) this.close(`idle for ${ms} ms`, 1000);
      else this.armIdle(ms - quiet);
    }, ms);
  }

  /** Closes both sides once; `code` is the WebSocket close code sent to the browser. */
  close(reason: string, code = 1000): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.handshakeTimer);
    clearTimeout(this.idleTimer);
    clearInterval(this.keepalive);
    this.tcp.destroy();
    const ws = this.o.ws;
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) {
      ws.close(code, reason.slice(0, 120));
      // A browser that does not answer the close frame is cut off.
      setTimeout(() => ws.terminate(), 2000).unref();
    }
    this.o.counters.open--;
    this.o.log.info("gateway", "connection closed", {
      conn: this.id,
      target: this.o.target.name,
      channel: this.channel || undefined,
      reason,
      ms: Date.now() - this.startedAt,
      bytesToTarget: this.bytesToTarget,
      bytesToClient: this.bytesToClient,
    });
    this.o.onClosed(this);
  }
}

function toChunks(data: RawData): Uint8Array[] {
  const list = Array.isArray(data) ? data : [data];
  return list.map((d) => (d instanceof ArrayBuffer ? new Uint8Array(d) : new Uint8Array(d.buffer, d.byteOffset, d.byteLength)));
}
