import { ChannelType, display as dsp, type LinkOutcome, type MessageSet } from "@saffron/protocol";
import { ClientImageEncoder, type EncoderSet } from "../../display-pipeline/client-encoder.js";
import { DirtyRegion } from "../../display-pipeline/dirty-region.js";
import { PREFERRED_COMPRESSION_NAMES, solidColor, type ImageCompressionMode } from "../../display-pipeline/image-encoder.js";
import type { JpegEncoder } from "../../display-pipeline/stream-jpeg-encoder.js";
import { ClientStreams, type ClientStreamsOptions, type StreamStats } from "../../display-pipeline/stream-state.js";
import type { Connection } from "../../net/connection.js";
import type { DamageRect, DisplaySource, Framebuffer } from "../../sources/display-source.js";
import { ServerChannel, type ServerChannelContext, type ServerHandlerTable } from "../base/server-channel.js";

type S = typeof dsp.displayServer.defs;
type C = typeof dsp.displayClient.defs;

export interface DisplayChannelOptions {
  source: DisplaySource;
  encoders: EncoderSet;
  imageCompression: ImageCompressionMode;
  /** Largest image sent in one draw (pixels); bigger damage is cut into bands. */
  maxImagePixels?: number;
  /** Video streams (MJPEG) for regions that update like video; absent: never stream. */
  streaming?: DisplayStreamingOptions;
}

export interface DisplayStreamingOptions {
  encoder: JpegEncoder;
  /** The session's multimedia clock (ms), the one MAIN_INIT announced (ServerMainChannel.mmTime). */
  mmTime: () => number;
  options?: ClientStreamsOptions;
}

const NO_MASK = { flags: 0, pos: { x: 0, y: 0 }, bitmap: null };
const NO_CLIP = { type: 0 } as const;

/**
 * The server half of DISPLAY: after DISPLAY_INIT, the primary surface and a full frame, then
 * damage turned into DRAW_FILL (solid rects) and DRAW_COPY. Damage is coalesced per client
 * while the ACK window or the socket is full, so a slow client costs bounded memory and
 * catches up with the latest pixels.
 */
export class ServerDisplayChannel extends ServerChannel<S, C> {
  readonly type = ChannelType.Display;
  protected readonly server: MessageSet<S> = dsp.displayServer;
  protected readonly client: MessageSet<C> = dsp.displayClient;
  protected override readonly usesAck = true;

  private encoder?: ClientImageEncoder;
  private region?: DirtyRegion;
  private streams?: ClientStreams;
  private initialized = false;
  private flushScheduled = false;
  private resizePending = false;
  private surfaceWidth = 0;
  private surfaceHeight = 0;
  private readonly clientCaps: LinkOutcome["clientCaps"]["channel"];
  drawsSent = 0;

  constructor(conn: Connection, link: LinkOutcome, ctx: ServerChannelContext, private readonly opts: DisplayChannelOptions) {
    super(conn, link, 0, ctx);
    this.clientCaps = link.clientCaps.channel;
    conn.onDrain(() => this.scheduleFlush());
  }

  get imageStats() {
    return this.encoder?.stats ?? {};
  }

  /** Video streams sent to this client (undefined: streaming off for it). */
  get streamStats(): StreamStats | undefined {
    return this.streams?.stats;
  }

  /**
   * Whether the client takes MJPEG streams: a MULTI_CODEC client must list CODEC_MJPEG; an
   * older client has MJPEG as its only codec (spice-server's rule).
   */
  private get clientTakesMjpeg(): boolean {
    const c = this.clientCaps;
    return c.has(dsp.DisplayCaps.MultiCodec) ? c.has(dsp.DisplayCaps.CodecMjpeg) : true;
  }

  private startStreams(): void {
    const s = this.opts.streaming;
    if (!s || this.streams || !this.clientTakesMjpeg) return;
    this.streams = new ClientStreams(
      {
        encoder: s.encoder,
        mmTime: s.mmTime,
        send: (m) => this.sendMessage(m.name, m.body as never),
        framebuffer: () => this.opts.source.framebuffer(),
        canSend: () => this.canSend,
        backlog: () => this.conn.pending,
        reports: this.clientCaps.has(dsp.DisplayCaps.StreamReport),
        redraw: (r) => {
          this.region?.add(r);
          this.scheduleFlush();
        },
        wake: () => this.scheduleFlush(),
        warn: (m) => this.log.warn(this.name, m),
      },
      s.options,
    );
  }

  protected readonly handlers: ServerHandlerTable<C> = {
    Init: (b) => {
      if (this.initialized) return;
      this.initialized = true;
      // The client's window, bounded so one client cannot make the server hold more than
      // a few screens of pixels (the GLZ encoder keeps a copy of every image in its window).
      const fb = this.opts.source.framebuffer();
      const glzWindow = Math.max(0, Math.min(b.glzDictionaryWindowSize, 1 << 25, Math.max(1 << 22, 4 * fb.width * fb.height)));
      this.encoder = new ClientImageEncoder(this.opts.encoders, this.opts.imageCompression, {
        lz4: this.clientCaps.has(dsp.DisplayCaps.Lz4Compression),
        glzWindow,
        preferred: this.encoder?.effectiveMode === undefined ? this.pendingPreferred : undefined,
      });
      this.startStreams();
      this.sendInitialFrame();
    },
    PreferredCompression: (b) => {
      const mode = PREFERRED_COMPRESSION_NAMES[b.imageCompression];
      if (this.encoder) this.encoder.setPreferred(mode);
      else this.pendingPreferred = mode;
    },
    StreamReport: (b) => this.streams?.report(b),
    PreferredVideoCodecType: () => {},
    GlDrawDone: () => {},
  };
  private pendingPreferred?: ImageCompressionMode;

  private sendInitialFrame(): void {
    const fb = this.opts.source.framebuffer();
    this.surfaceWidth = fb.width;
    this.surfaceHeight = fb.height;
    this.region = new DirtyRegion(fb.width, fb.height);
    this.sendMessage("InvalAllPalettes", {});
    this.sendMessage("SurfaceCreate", { surfaceId: 0, width: fb.width, height: fb.height, format: dsp.SurfaceFormat.Xrgb32, flags: dsp.SurfaceFlags.Primary });
    this.region.all();
    this.flush(true);
    if (this.clientCaps.has(dsp.DisplayCaps.MonitorsConfig)) {
      this.sendMessage("MonitorsConfig", { maxAllowed: 1, heads: [{ monitorId: 0, surfaceId: 0, width: fb.width, height: fb.height, x: 0, y: 0, flags: 0 }] } as never);
    }
    this.sendMessage("Mark", {});
  }

  /** The desktop changed size: a new primary surface, everything dirty. */
  resize(): void {
    if (!this.initialized || this.closed) return;
    // A new surface is a whole frame: while the client is backed up, only remember that
    // one is due (the latest size wins), so repeated resizes cannot queue frames.
    if (!this.canSend) {
      this.resizePending = true;
      return;
    }
    this.resizePending = false;
    // Streams live on the surface: they end before it does (the new frame redraws everything).
    this.streams?.destroyAll(false);
    this.sendMessage("SurfaceDestroy", { surfaceId: 0 });
    this.sendInitialFrame();
  }

  damage(rects: DamageRect[]): void {
    if (!this.region) return;
    // Damage inside a video stream becomes its next frame; the rest goes the lossless way.
    for (const r of this.streams ? this.streams.damage(rects) : rects) this.region.add(r);
    this.scheduleFlush();
  }

  protected override onWindowOpen(): void {
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || !this.region || (this.region.empty && !this.resizePending && !this.streams?.pending)) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush(false);
    });
  }

  /** Sends pending damage while the client can take it; `force` ignores the window (initial frame). */
  private flush(force: boolean): void {
    const region = this.region;
    const encoder = this.encoder;
    if (!region || !encoder || this.closed) return;
    const fb = this.opts.source.framebuffer();
    if (this.resizePending || fb.width !== this.surfaceWidth || fb.height !== this.surfaceHeight) return this.resize();
    // The initial frame goes out as one image, as spice-server sends it: some clients take
    // the first draw as "the screen" (spicy-screenshot writes its file on the first invalidate).
    const maxPixels = force ? Number.POSITIVE_INFINITY : (this.opts.maxImagePixels ?? 256 * 1024);
    while (!region.empty && (force || this.canSend)) {
      const r = region.take(maxPixels)!;
      // Damage queued before a stream started over it is the stream's now.
      for (const piece of this.streams ? this.streams.outside(r) : [r]) this.draw(fb, piece, encoder);
    }
    this.streams?.pump();
  }

  protected override onClosed(): void {
    this.streams?.close();
  }

  /** One lossless draw: DRAW_FILL for a solid rect, else DRAW_COPY with an encoded image. */
  private draw(fb: Framebuffer, r: DamageRect, encoder: ClientImageEncoder): void {
    const box = { top: r.top, left: r.left, bottom: r.bottom, right: r.right };
    const base = { surfaceId: 0, box, clip: NO_CLIP };
    const color = solidColor(fb, r);
    if (color >= 0) {
      this.sendMessage("DrawFill", { base, data: { brush: { type: dsp.BrushType.Solid, color }, ropDescriptor: dsp.Ropd.OpPut, mask: NO_MASK } } as never);
    } else {
      const image = encoder.encode(fb, r);
      this.sendMessage("DrawCopy", {
        base,
        data: {
          srcBitmap: image,
          srcArea: { top: 0, left: 0, bottom: r.bottom - r.top, right: r.right - r.left },
          ropDescriptor: dsp.Ropd.OpPut,
          scaleMode: dsp.ScaleMode.Nearest,
          mask: NO_MASK,
        },
      } as never);
    }
    this.drawsSent++;
  }
}
