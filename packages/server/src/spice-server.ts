import { createServer as createHttpServer, type IncomingMessage } from "node:http";
import { createServer as createNetServer, type Server as NetServer, type Socket } from "node:net";
import { createServer as createTlsServer, type TlsOptions } from "node:tls";
import { randomInt } from "node:crypto";
import { WebSocketServer } from "ws";
import { Caps, ChannelType, LinkErr, MainCaps, SpiceError, display as dsp, silentLogger, type LinkMess, type Logger } from "@saffron/protocol";
import type { ServerChannel } from "./channels/base/server-channel.js";
import { ServerCursorChannel } from "./channels/cursor/cursor-channel.js";
import { ServerDisplayChannel } from "./channels/display/display-channel.js";
import { ServerInputsChannel, inputsServerCaps } from "./channels/inputs/inputs-channel.js";
import { ServerMainChannel } from "./channels/main/main-channel.js";
import type { EncoderSet, ZlibGlzWanMode } from "./display-pipeline/client-encoder.js";
import type { ImageCompressionMode, JpegWanMode } from "./display-pipeline/image-encoder.js";
import { acceptLink } from "./link/link-acceptor.js";
import { socketConnection, websocketConnection, type Connection } from "./net/connection.js";
import type { CursorImage, DamageRect, DisplaySource } from "./sources/display-source.js";
import { defaultEncoders } from "./display-pipeline/default-encoders.js";
import { sharpJpegEncoder, type JpegEncoder } from "./display-pipeline/stream-jpeg-encoder.js";
import type { ClientStreamsOptions } from "./display-pipeline/stream-state.js";

export interface SpiceServerOptions {
  source: DisplaySource;
  /** The ticket clients must present. Required unless `disableTicketing`. */
  password?: string;
  disableTicketing?: boolean;
  /** Ticket expiry: links after this time (ms since epoch) are refused. */
  passwordExpiresAt?: number;
  imageCompression?: ImageCompressionMode;
  encoders?: EncoderSet;
  log?: Logger;
  name?: string;
  /**
   * Video streams: regions updated like video go to the client as MJPEG (spice-server's
   * streaming-video=filter). Default on, with the sharp JPEG encoder; `false` turns it off.
   */
  streaming?: false | { encoder?: JpegEncoder; options?: ClientStreamsOptions };
  /**
   * JPEG-WAN compression (spice-server's --jpeg-wan-compression). Photo-like rects are sent
   * as JPEG images instead of QUIC with `always`, or with `auto` (the default) while the
   * client's link is slow: below 10 Mibit/s in the network test the main channel runs right
   * after connect (three PINGs, the last with 250 KiB of padding, as spice-server does).
   * `never`: only lossless images. Lossy areas are redrawn losslessly after ~1 s of quiet.
   * (JPEG only applies where the image-compression mode could pick QUIC: quic, auto_lz, auto_glz.)
   */
  jpegWan?: JpegWanMode;
  /** JPEG encoder and quality for JPEG-WAN images (default: the streaming encoder, sharp; quality 85). */
  jpegWanEncoder?: JpegEncoder;
  jpegWanQuality?: number;
  /** A lossy area is redrawn losslessly after this long without changes (ms). Default 1000. */
  lossyQuietMs?: number;
  /**
   * ZLIB_GLZ (spice-server's --zlib-glz-wan-compression): GLZ images are deflated (image type
   * 107) when that makes them smaller, with `always`, or with `auto` (the default) while the
   * client's link is slow (the same network test as jpegWan). Only where GLZ is used.
   */
  zlibGlzWan?: ZlibGlzWanMode;
  /**
   * The clients' pixmap caches (default on): pixels drawn before go out as FROM_CACHE
   * references. `maxPixels` bounds what each client is asked to hold (and what the server
   * keeps to verify hits); default three screens within 4..16 Mpixels.
   */
  pixmapCache?: false | { maxPixels?: number; minPixels?: number };
}

export interface ListenOptions {
  port?: number;
  /** Default 127.0.0.1. */
  addr?: string;
  tlsPort?: number;
  tls?: TlsOptions;
}

/** One connected client: its session id and its channels. */
class ClientSession {
  main?: ServerMainChannel;
  display?: ServerDisplayChannel;
  inputs?: ServerInputsChannel;
  cursor?: ServerCursorChannel;
  constructor(readonly id: number) {}
  get channels(): ServerChannel<any, any>[] {
    return [this.main, this.display, this.inputs, this.cursor].filter((c): c is NonNullable<typeof c> => !!c);
  }
}

/**
 * A SPICE server for one DisplaySource. Several clients may be connected at once, each in
 * its own session; a client's faults close only its own channels.
 */
export class SpiceServer {
  readonly log: Logger;
  private readonly sessions = new Map<number, ClientSession>();
  private readonly servers: NetServer[] = [];
  private readonly cursorState: { shape: CursorImage | null; x: number; y: number } = { shape: null, x: 0, y: 0 };
  private readonly encoders: EncoderSet;
  private readonly jpeg?: JpegEncoder;
  private readonly jpegWanEncoder?: JpegEncoder;
  /** Every socket accepted (plain, TLS, HTTP/WebSocket), so close() can end them all at once. */
  private readonly sockets = new Set<Socket>();
  /** When the source last reported damage (Date.now). */
  private sourceChangedAt = 0;
  private ticketExpiresAt: number | undefined;
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
  private readonly http = createHttpServer((_req, res) => {
    res.writeHead(426, { "content-type": "text/plain" }).end("This is a SPICE server: connect with a SPICE client or a WebSocket.\n");
  });
  private started = false;
  /** The desktop's clipboard text, as last reported by the source. */
  private clipboardText: string | undefined;
  /** Links refused for a wrong ticket (for tests and logs). */
  authFailures = 0;

  constructor(private readonly options: SpiceServerOptions) {
    if (!options.disableTicketing && !options.password) {
      throw new Error("a password is required (or disable ticketing explicitly)");
    }
    this.log = options.log ?? silentLogger;
    this.ticketExpiresAt = options.passwordExpiresAt;
    this.encoders = options.encoders ?? defaultEncoders();
    if (options.streaming !== false) this.jpeg = options.streaming?.encoder ?? sharpJpegEncoder();
    if ((options.jpegWan ?? "auto") !== "never") this.jpegWanEncoder = options.jpegWanEncoder ?? this.jpeg ?? sharpJpegEncoder();
    this.http.on("upgrade", (req: IncomingMessage, socket, head) => {
      this.wss.handleUpgrade(req, socket as Socket, head, (ws) => {
        this.handleConnection(websocketConnection(ws, `${req.socket.remoteAddress}:${req.socket.remotePort}`));
      });
    });
  }

  /**
   * Sets (or clears, with undefined) when the ticket expires (ms since epoch): links after
   * that are refused with PERMISSION_DENIED; clients already connected stay connected.
   */
  setTicketExpiry(expiresAt: number | undefined): void {
    this.ticketExpiresAt = expiresAt;
  }

  get clientCount(): number {
    return this.sessions.size;
  }

  /** Starts the source and listens; returns the ports actually bound. */
  async listen(opts: ListenOptions = {}): Promise<{ port?: number; tlsPort?: number }> {
    const addr = opts.addr ?? "127.0.0.1";
    if (!this.started) {
      this.started = true;
      await this.options.source.start({
        damage: (rects) => this.onDamage(rects),
        resize: () => this.forEachSession((s) => s.display?.resize()),
        cursor: (shape) => {
          this.cursorState.shape = shape;
          this.forEachSession((s) => s.cursor?.setShape(shape));
        },
        pointer: (x, y) => {
          this.cursorState.x = x;
          this.cursorState.y = y;
          this.forEachSession((s) => s.main?.mouseMode === 1 && s.cursor?.move(x, y));
        },
        clipboard: (text) => {
          this.clipboardText = text;
          this.forEachSession((s) => s.main?.desktopClipboard(text));
        },
      });
    }
    const out: { port?: number; tlsPort?: number } = {};
    if (opts.port !== undefined || opts.tlsPort === undefined) {
      const server = createNetServer((socket) => {
        this.track(socket);
        this.sniff(socket);
      });
      out.port = await bind(server, opts.port ?? 5930, addr);
      this.servers.push(server);
    }
    if (opts.tlsPort !== undefined) {
      if (!opts.tls) throw new Error("a TLS port needs a certificate and key");
      const server = createTlsServer(opts.tls, (socket) => this.handleConnection(socketConnection(socket, "tls")));
      // Tracked from the TCP accept on, so a handshake in progress does not hold close() up.
      server.on("connection", (socket: Socket) => this.track(socket));
      server.on("tlsClientError", (e) => this.log.warn("server", `TLS handshake failed: ${e.message}`));
      out.tlsPort = await bind(server, opts.tlsPort, addr);
      this.servers.push(server);
    }
    return out;
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.once("close", () => this.sockets.delete(socket));
  }

  /** Plain port: SPICE, or an HTTP GET upgrading to WebSocket (as spice-server does). */
  private sniff(socket: Socket): void {
    socket.on("error", () => {});
    // A connection that never sends a byte would otherwise be held forever (the link
    // timeout only starts with the first bytes).
    socket.setTimeout(30_000, () => socket.destroy());
    socket.once("readable", () => {
      socket.setTimeout(0);
      const first: Buffer | null = socket.read();
      if (!first) return socket.destroy();
      if (first.subarray(0, 4).toString("latin1") === "GET ") {
        socket.unshift(first);
        this.http.emit("connection", socket);
        return;
      }
      this.handleConnection(socketConnection(socket, "tcp", new Uint8Array(first)));
    });
  }

  private async handleConnection(conn: Connection): Promise<void> {
    let accepted;
    try {
      accepted = await acceptLink(conn, {
        password: () => {
          if (this.options.disableTicketing) return null;
          if (this.ticketExpiresAt !== undefined && Date.now() > this.ticketExpiresAt) return "\0expired\0";
          return this.options.password ?? null;
        },
        accept: (mess) => this.acceptChannel(mess),
      });
    } catch (e) {
      const err = e as SpiceError;
      if (err.code === "ERR_SPICE_AUTH") this.authFailures++;
      this.log.info("server", `link from ${conn.remote} failed: ${err.message}`, { code: err.code });
      return;
    }
    this.startChannel(conn, accepted.link, accepted.rest);
  }

  private acceptChannel(mess: LinkMess): { refuse: number } | { channelCaps: Caps } {
    if (mess.channelId !== 0) return { refuse: LinkErr.ChannelNotAvailable };
    // As spice-server: an agent appearing later would be announced with AGENT_CONNECTED_TOKENS.
    if (mess.channelType === ChannelType.Main) return { channelCaps: Caps.of(MainCaps.NameAndUuid, MainCaps.AgentConnectedTokens) };
    if (!this.sessions.has(mess.connectionId)) return { refuse: LinkErr.BadConnectionId };
    switch (mess.channelType) {
      case ChannelType.Display:
        return { channelCaps: Caps.of(dsp.DisplayCaps.MonitorsConfig, dsp.DisplayCaps.PrefCompression, dsp.DisplayCaps.StreamReport) };
      case ChannelType.Inputs:
        return { channelCaps: inputsServerCaps() };
      case ChannelType.Cursor:
        return { channelCaps: new Caps() };
      default:
        return { refuse: LinkErr.ChannelNotAvailable };
    }
  }

  private startChannel(conn: Connection, link: import("@saffron/protocol").LinkOutcome, rest: Uint8Array[]): void {
    const ctx = { log: this.log };
    const type = link.mess.channelType;
    if (type === ChannelType.Main) {
      let id: number;
      do id = randomInt(1, 0x7fffffff);
      while (this.sessions.has(id));
      const session = new ClientSession(id);
      this.sessions.set(id, session);
      const main = new ServerMainChannel(conn, link, ctx, {
        sessionId: id,
        channels: [
          { type: ChannelType.Display, id: 0 },
          { type: ChannelType.Inputs, id: 0 },
          { type: ChannelType.Cursor, id: 0 },
        ],
        clientMouse: this.options.source.absolutePointer,
        name: this.options.name,
        agent: this.options.source,
        currentClipboard: () => this.clipboardText,
        // The network test only matters to --jpeg-wan auto and --zlib-glz-wan auto.
        netTest:
          (this.jpegWanEncoder !== undefined && (this.options.jpegWan ?? "auto") === "auto") ||
          ((this.options.zlibGlzWan ?? "auto") === "auto" && this.encoders.deflate !== undefined),
      });
      session.main = main;
      main.on("closed", () => {
        for (const c of session.channels) c.close();
        this.sessions.delete(id);
        this.log.info("server", "client session ended", { session: id });
      });
      main.start(rest);
      this.log.info("server", `client ${conn.remote} connected`, { session: id, transport: conn.kind });
      return;
    }
    const session = this.sessions.get(link.mess.connectionId);
    if (!session) return conn.close();
    let ch: ServerChannel<any, any>;
    switch (type) {
      case ChannelType.Display: {
        const relinked = session.display !== undefined;
        session.display?.close();
        ch = session.display = new ServerDisplayChannel(conn, link, ctx, {
          source: this.options.source,
          encoders: this.encoders,
          imageCompression: this.options.imageCompression ?? "auto_glz",
          streaming: this.jpeg
            ? {
                encoder: this.jpeg,
                mmTime: () => session.main?.mmTime ?? 0,
                options: this.options.streaming ? this.options.streaming.options : undefined,
              }
            : undefined,
          jpegWan: this.jpegWanEncoder
            ? {
                mode: this.options.jpegWan ?? "auto",
                encoder: this.jpegWanEncoder,
                lowBandwidth: () => session.main?.lowBandwidth ?? false,
                sourceChangedAt: () => this.sourceChangedAt,
                quality: this.options.jpegWanQuality,
                quietMs: this.options.lossyQuietMs,
              }
            : undefined,
          pixmapCache: this.options.pixmapCache,
          clientCacheStale: relinked,
          zlibGlzWan: { mode: this.options.zlibGlzWan ?? "auto", lowBandwidth: () => session.main?.lowBandwidth ?? false },
        });
        break;
      }
      case ChannelType.Inputs:
        session.inputs?.close();
        ch = session.inputs = new ServerInputsChannel(conn, link, ctx, this.options.source);
        break;
      case ChannelType.Cursor:
        session.cursor?.close();
        ch = session.cursor = new ServerCursorChannel(conn, link, ctx, this.cursorState);
        break;
      default:
        return conn.close();
    }
    ch.start(rest);
  }

  private forEachSession(f: (s: ClientSession) => void): void {
    for (const s of this.sessions.values()) {
      try {
        f(s);
      } catch (e) {
        this.log.error("server", `session ${s.id}: ${(e as Error).message}`);
        s.main?.close();
      }
    }
  }

  private onDamage(rects: DamageRect[]): void {
    this.sourceChangedAt = Date.now();
    this.forEachSession((s) => s.display?.damage(rects));
  }

  /** Per-session statistics (bytes, images by type). */
  stats() {
    return [...this.sessions.values()].map((s) => ({
      session: s.id,
      channels: s.channels.map((c) => ({
        name: c.name,
        closed: c.closed,
        /** Bytes queued in this process for the client, not yet handed to the kernel. */
        pending: c.closed ? 0 : c.conn.pending,
        bytesSent: c.bytesSent,
        bytesReceived: c.bytesReceived,
        messagesSent: c.messagesSent,
      })),
      images: s.display?.imageStats ?? {},
      /** The client's pixmap cache as the server accounts it: hits, adds, evictions, entries, pixels, capacity. */
      pixmapCache: s.display?.pixmapCacheStats,
      streams: s.display?.streamStats,
      /** The main channel's network test (undefined: not run or not answered yet). */
      netTest: s.main?.netTestResult,
      /** JPEG-WAN: whether JPEG is on for this client, its JPEG draws, lossless redraws, lossy areas now. */
      lossy: s.display ? { jpegActive: s.display.jpegActive, ...s.display.lossyStats, areas: s.display.lossyAreaCount } : undefined,
    }));
  }

  /**
   * Stops listening, drops every client and stops the source. Prompt: every accepted socket
   * is destroyed, including ones no session owns (a net.Server's close() would otherwise wait
   * for them: an idle connection or an upgraded WebSocket that never linked ~30 s, until its
   * first-byte or link timeout; an HTTP keep-alive connection ~5 s; a link in progress).
   */
  async close(): Promise<void> {
    for (const s of this.sessions.values()) for (const c of s.channels) c.close();
    this.sessions.clear();
    const closed = Promise.all(this.servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    this.servers.length = 0;
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
    this.http.closeAllConnections();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
    await this.options.source.stop();
  }
}

function bind(server: NetServer, port: number, addr: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, addr, () => {
      server.off("error", reject);
      const a = server.address();
      resolve(typeof a === "object" && a ? a.port : port);
    });
  });
}
