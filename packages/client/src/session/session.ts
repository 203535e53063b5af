import { GlzDictionary, PaletteCache, type SyncJpegDecoder } from "@saffron/codecs";
import { ChannelType, SpiceError, type ChannelWait } from "@saffron/protocol";
import { asSpiceError, type ChannelContext, type SpiceChannel } from "../channels/base/spice-channel.js";
import { CursorChannel } from "../channels/cursor/cursor-channel.js";
import { DEFAULT_IMAGE_CACHE_PIXELS, DisplayChannel, glzWindowFromRamHint } from "../channels/display/display-channel.js";
import type { Inflate } from "../channels/display/image-resolver.js";
import type { VideoDecoderFactory } from "../channels/display/video-decoder.js";
import { InputsChannel } from "../channels/inputs/inputs-channel.js";
import { AgentClient, type AgentClientOptions } from "../channels/main/agent-client.js";
import { MainChannel, type ChannelListEntry } from "../channels/main/main-channel.js";
import type { OpusDecoderFactory } from "../channels/playback/opus-decoder.js";
import { PlaybackChannel } from "../channels/playback/playback-channel.js";
import { RecordChannel } from "../channels/record/record-channel.js";
import type { Surface } from "../surfaces/index.js";
import type { TransportFactory } from "../transport/transport.js";
import { Emitter } from "@saffron/protocol";
import { silentLogger, type Logger } from "@saffron/protocol";
import { ImageCache } from "./image-cache.js";

export interface SessionOptions {
  transports: TransportFactory;
  /** TLS transports for channels the server wants secured (spice://host?port=P&tls-port=T). */
  secureTransports?: TransportFactory;
  /** The SPICE password (ticket). Empty when the server has ticketing disabled. */
  password?: string;
  log?: Logger;
  /** Synchronous JPEG decoder (Node: createNodeJpegDecoder; browsers have their own path). */
  jpeg: SyncJpegDecoder;
  /** zlib inflate for ZLIB_GLZ images. */
  inflate: Inflate;
  /**
   * Asynchronous video decoders (browsers: `createWebCodecsVideoFactory`). Their codecs
   * (VP8, VP9, H.264) are advertised to the server; without a factory only MJPEG is.
   */
  video?: VideoDecoderFactory;
  /**
   * GLZ dictionary window announced in DISPLAY_INIT, in pixels. Default: from MAIN_INIT's
   * ram_hint, as spice-gtk. 0 announces no window (as spice-html5 does).
   */
  glzWindowSize?: number;
  /** ImageCompression value sent as PREFERRED_COMPRESSION when the server supports it. */
  preferredCompression?: number;
  /**
   * Channel types to open besides main. Default: display, inputs, cursor (plus playback with
   * `audio`). Include 5 for PLAYBACK, 6 for RECORD (the microphone; never opened by default).
   */
  channelTypes?: number[];
  /** Open the PLAYBACK channel when the server offers one. Default false. */
  audio?: boolean;
  /** Opus decoder for PLAYBACK; without one the server is not offered Opus and sends RAW. */
  opusDecoder?: OpusDecoderFactory;
  /** Ask for CLIENT mouse mode when offered. Default true. */
  clientMouseMode?: boolean;
  /** Image cache announced to the server, in pixels. */
  imageCacheSize?: number;
  /** How long to wait for each stage of the connection (ms). Default 15 s. */
  timeoutMs?: number;
  /**
   * The vdagent client (`session.agent`): options, or false to leave the agent stream alone
   * (nothing is announced; MAIN's 'agent-data' events are still there). Default on.
   */
  agent?: AgentClientOptions | false;
}

export interface SessionEvents {
  /** Every listed channel that we open has linked (or failed). */
  ready: () => void;
  /** A channel opened after the main one. */
  channel: (channel: SpiceChannel<any, any, any>) => void;
  /**
   * A listed channel was created and starts linking: listeners attached now see its very first
   * messages (those the server sends right after the link, before 'channel').
   */
  "channel-created": (channel: SpiceChannel<any, any, any>) => void;
  /** A channel failed (peer fault, transport error). The session goes on unless it is main. */
  "channel-error": (channel: string, error: SpiceError) => void;
  /** The main channel closed: the session is over. */
  closed: (error?: SpiceError) => void;
  [event: string]: (...args: any[]) => void;
}

const DEFAULT_TYPES = [ChannelType.Display, ChannelType.Inputs, ChannelType.Cursor];

/**
 * A SPICE client session: the main channel plus the channels it lists, and what they share
 * (image cache, palette cache, GLZ dictionary), as spice-gtk's SpiceSession.
 */
export class SpiceSession extends Emitter<SessionEvents> {
  readonly log: Logger;
  main?: MainChannel;
  /** The guest agent (clipboard, monitors config, file transfer); 'connected' once it is there. */
  readonly agent: AgentClient;
  readonly displays: DisplayChannel[] = [];
  inputs?: InputsChannel;
  cursor?: CursorChannel;
  playback?: PlaybackChannel;
  record?: RecordChannel;
  readonly channels: SpiceChannel<any, any, any>[] = [];
  /** Channels the server offered (CHANNELS_LIST). */
  available: ChannelListEntry[] = [];
  readonly errors: { channel: string; error: SpiceError }[] = [];
  readonly images: ImageCache;
  readonly palettes = new PaletteCache();
  glz?: GlzDictionary;
  /** Local time (ms) of the last display change. */
  lastDisplayActivity = 0;
  private closedFlag = false;

  constructor(private readonly options: SessionOptions) {
    super();
    this.log = options.log ?? silentLogger;
    this.images = new ImageCache(2 * (options.imageCacheSize ?? DEFAULT_IMAGE_CACHE_PIXELS));
    this.agent = new AgentClient({ log: this.log, ...(options.agent || {}) });
  }

  private context(connectionId: number): ChannelContext {
    return {
      transports: this.options.transports,
      secureTransports: this.options.secureTransports,
      password: this.options.password ?? "",
      connectionId,
      log: this.log,
      linkTimeoutMs: this.options.timeoutMs ?? 15_000,
    };
  }

  /** Last measured round-trip time in ms (the inputs channel's motion ACKs), undefined before one. */
  get rtt(): number | undefined {
    return this.inputs?.rtt;
  }

  /** The primary surface of the first display channel: the desktop. */
  get primary(): Surface | undefined {
    for (const d of this.displays) if (d.primary) return d.primary;
    return undefined;
  }

  /**
   * Links main, waits for MAIN_INIT and the channel list, then links the listed channels. The
   * first display channel is linked as soon as MAIN_INIT brings the session id, without waiting
   * for the channel list (a round trip after ATTACH_CHANNELS): every SPICE server has it, and it
   * is closed again if the list does not name it. That takes a round trip off the first frame.
   */
  async connect(): Promise<void> {
    const timeoutMs = this.options.timeoutMs ?? 15_000;
    const main = new MainChannel(this.context(0), { clientMouseMode: this.options.clientMouseMode });
    this.main = main;
    if (this.options.agent !== false) this.agent.attach(main);
    const listed = new Promise<ChannelListEntry[]>((resolve, reject) => {
      main.once("channels-list", resolve);
      main.once("closed", (e?: SpiceError) => reject(e ?? new SpiceError("ERR_SPICE_CLOSED", "main channel closed before the channel list")));
    });
    listed.catch(() => {});
    main.on("closed", (e?: SpiceError) => {
      if (e) this.recordError(main.name, e);
      this.close();
      this.emit("closed", e);
    });
    const wanted = [...(this.options.channelTypes ?? DEFAULT_TYPES)];
    if (this.options.audio && !wanted.includes(ChannelType.Playback)) wanted.push(ChannelType.Playback);
    const opened: Promise<void>[] = [];
    const open = (entry: ChannelListEntry, sessionId: number): SpiceChannel<any, any, any> | undefined => {
      const ch = this.createChannel(entry, sessionId);
      if (!ch) return undefined;
      this.channels.push(ch);
      this.emit("channel-created", ch);
      ch.on("closed", (e?: SpiceError) => e && this.recordError(ch.name, e));
      opened.push(
        ch.connect().then(
          () => void this.emit("channel", ch),
          (e) => this.recordError(ch.name, asSpiceError(e, ch.name)),
        ),
      );
      return ch;
    };
    let early: SpiceChannel<any, any, any> | undefined;
    main.once("init", (init: NonNullable<MainChannel["init"]>) => {
      if (this.closedFlag) return;
      this.glz = new GlzDictionary(glzWindowFromRamHint(init.ramHint));
      if (wanted.includes(ChannelType.Display)) early = open({ type: ChannelType.Display, id: 0 }, init.sessionId);
    });
    await main.connect();
    const list = await withTimeout(listed, timeoutMs, "the server sent no channel list");
    this.available = list;
    const init = main.init!;
    for (const entry of list) {
      if (!wanted.includes(entry.type)) continue;
      if (early && entry.type === early.type && entry.id === early.id) continue;
      open(entry, init.sessionId);
    }
    if (early && !list.some((e) => e.type === early!.type && e.id === early!.id)) this.drop(early);
    await Promise.all(opened);
    this.emit("ready");
  }

  /** Closes and forgets a channel linked ahead of the channel list that the list does not name. */
  private drop(ch: SpiceChannel<any, any, any>): void {
    this.log.info("session", "the server lists no such channel; closing the one linked early", { type: ch.type, id: ch.id });
    ch.close();
    const i = this.channels.indexOf(ch);
    if (i >= 0) this.channels.splice(i, 1);
    const d = this.displays.indexOf(ch as DisplayChannel);
    if (d >= 0) this.displays.splice(d, 1);
  }

  private createChannel(entry: ChannelListEntry, sessionId: number): SpiceChannel<any, any, any> | undefined {
    const ctx = this.context(sessionId);
    switch (entry.type) {
      case ChannelType.Display: {
        const d = new DisplayChannel(ctx, entry.id, {
          images: this.images,
          palettes: this.palettes,
          glz: this.glz!,
          jpeg: this.options.jpeg,
          inflate: this.options.inflate,
          video: this.options.video,
          imageCacheSize: this.options.imageCacheSize ?? DEFAULT_IMAGE_CACHE_PIXELS,
          glzWindowSize: this.options.glzWindowSize ?? this.glz!.windowPixels,
          preferredCompression: this.options.preferredCompression,
          waitFor: (w) => this.waitFor(w),
        });
        d.on("message", () => (this.lastDisplayActivity = Date.now()));
        this.displays.push(d);
        return d;
      }
      case ChannelType.Inputs:
        return (this.inputs = new InputsChannel(ctx, entry.id));
      case ChannelType.Cursor:
        return (this.cursor = new CursorChannel(ctx, entry.id));
      case ChannelType.Playback: {
        const p = new PlaybackChannel(ctx, entry.id, { opus: this.options.opusDecoder });
        this.playback ??= p;
        return p;
      }
      case ChannelType.Record: {
        const r = new RecordChannel(ctx, entry.id);
        this.record ??= r;
        return r;
      }
      default:
        this.log.info("session", "channel type not supported by this client; not opened", { type: entry.type, id: entry.id });
        return undefined;
    }
  }

  /** WAIT_FOR_CHANNELS: resolves when the named channel has handled the given serial. */
  private waitFor(w: ChannelWait): Promise<void> {
    const ch = this.channels.find((c) => c.type === w.channelType && c.id === w.channelId);
    if (!ch) return Promise.resolve();
    return ch.waitForSerial(Number(w.messageSerial));
  }

  private recordError(channel: string, error: SpiceError): void {
    this.errors.push({ channel, error });
    this.emit("channel-error", channel, error);
  }

  /**
   * Resolves once a primary surface exists, the server marked its first frame, and the
   * display has been idle for `idleMs`; or after `maxMs` in any case.
   */
  async waitForIdle(idleMs = 500, maxMs = 60_000): Promise<void> {
    const start = Date.now();
    for (;;) {
      if (this.closedFlag) throw this.errors[0]?.error ?? new SpiceError("ERR_SPICE_CLOSED", "the session closed");
      const now = Date.now();
      const ready = this.displays.some((d) => d.primary && d.marked);
      if (ready && now - this.lastDisplayActivity >= idleMs) return;
      if (now - start >= maxMs) return;
      await new Promise((r) => setTimeout(r, Math.min(50, idleMs)));
    }
  }

  close(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    for (const c of this.channels) c.close();
    this.agent.detach();
    this.main?.close();
  }

  get closed(): boolean {
    return this.closedFlag;
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new SpiceError("ERR_SPICE_TIMEOUT", `${what} within ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}
