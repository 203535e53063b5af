import { ChannelType, display as dsp, image as img, type LinkOutcome, type MessageSet } from "@saffron/protocol";
import { ClientImageEncoder, type EncoderSet, type ZlibGlzWanMode } from "../../display-pipeline/client-encoder.js";
import { DirtyRegion } from "../../display-pipeline/dirty-region.js";
import { PREFERRED_COMPRESSION_NAMES, extractRect, solidColor, type ImageCompressionMode, type JpegWanMode } from "../../display-pipeline/image-encoder.js";
import { LossyAreas } from "../../display-pipeline/lossy-areas.js";
import { PixmapCache, pixelKey, type PixmapCacheStats } from "../../display-pipeline/pixmap-cache.js";
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
  /** JPEG images for photo-like draws (--jpeg-wan); absent: every draw is lossless. */
  jpegWan?: DisplayJpegWanOptions;
  /**
   * The client's pixmap cache: repeated pixels go out as FROM_CACHE references. `false`: off.
   * Default on, holding at most `maxPixels` (default: 3 screens, within 4..16 Mpixels; the
   * server keeps a copy of every entry to verify hits exactly).
   */
  pixmapCache?: false | { maxPixels?: number; minPixels?: number };
  /**
   * An earlier display channel of this session linked before: the client's cache may hold its
   * entries, so they are dropped first (INVAL_ALL_PIXMAPS) and every entry is one we count.
   */
  clientCacheStale?: boolean;
  /** ZLIB_GLZ (spice-server's --zlib-glz-wan-compression): GLZ images deflated, `always` or on a slow link (`auto`). */
  zlibGlzWan?: { mode: ZlibGlzWanMode; lowBandwidth(): boolean };
}

/**
 * JPEG-WAN compression (spice-server's --jpeg-wan-compression): with `always`, or with `auto`
 * while the client's link is slow (`lowBandwidth`, from the main channel's network test),
 * photo-like rects go out as JPEG images (type 105) instead of QUIC. Every lossy area is
 * redrawn losslessly once it has been quiet for `quietMs`, so the client ends exact.
 */
export interface DisplayJpegWanOptions {
  mode: JpegWanMode;
  encoder: JpegEncoder;
  /** Is the client's link slow (network test below 10 Mibit/s)? Asked at every draw. */
  lowBandwidth(): boolean;
  /** When the source last reported damage (ms, Date.now clock); a new client's first frame may be JPEG only while the screen is changing. */
  sourceChangedAt(): number;
  /** libjpeg quality 1..100. Default 85 (spice-server's default for JPEG images). */
  quality?: number;
  /** A lossy area untouched this long is redrawn losslessly (ms). Default 1000. */
  quietMs?: number;
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
  private pixmaps?: PixmapCache;
  private region?: DirtyRegion;
  private streams?: ClientStreams;
  private initialized = false;
  private flushScheduled = false;
  private resizePending = false;
  private surfaceWidth = 0;
  private surfaceHeight = 0;
  private readonly clientCaps: LinkOutcome["clientCaps"]["channel"];
  /** Areas due for a lossless redraw (lossy areas gone quiet, ended streams): never JPEG. */
  private losslessRegion?: DirtyRegion;
  private readonly lossy: LossyAreas;
  private lossyTimer?: ReturnType<typeof setTimeout>;
  /** A JPEG encode is in flight: nothing else is sent until its draw went out (order). */
  private jpegBusy = false;
  private jpegBroken = false;
  /** MONITORS_CONFIG + MARK of an initial frame whose image is still being encoded. */
  private initialTail?: () => void;
  /** Bumped with every new primary surface: a JPEG for an older one is dropped. */
  private surfaceGeneration = 0;
  drawsSent = 0;
  /** JPEG draws sent, and lossless redraws of lossy areas. */
  readonly lossyStats = { jpegDraws: 0, losslessRefreshes: 0 };

  constructor(conn: Connection, link: LinkOutcome, ctx: ServerChannelContext, private readonly opts: DisplayChannelOptions) {
    super(conn, link, 0, ctx);
    this.clientCaps = link.clientCaps.channel;
    this.lossy = new LossyAreas(opts.jpegWan?.quietMs ?? 1000);
    conn.onDrain(() => this.scheduleFlush());
  }

  /** Is JPEG on for this client now (mode `always`, or `auto` on a slow link)? */
  get jpegActive(): boolean {
    const j = this.opts.jpegWan;
    if (!j || this.jpegBroken) return false;
    return j.mode === "always" || (j.mode === "auto" && j.lowBandwidth());
  }

  /** Areas of the client's picture that are lossy now (waiting for their lossless redraw). */
  get lossyAreaCount(): number {
    return this.lossy.count;
  }

  get imageStats() {
    return this.encoder?.stats ?? {};
  }

  /** The client's pixmap cache as the server keeps it (undefined: off or not initialized). */
  get pixmapCacheStats(): (PixmapCacheStats & { entries: number; pixels: number; capacity: number }) | undefined {
    const c = this.pixmaps;
    return c ? { ...c.stats, entries: c.size, pixels: c.usedPixels, capacity: c.capacity } : undefined;
  }

  /** Is ZLIB_GLZ on for this client now? */
  private get zlibGlzActive(): boolean {
    const z = this.opts.zlibGlzWan;
    return !!z && (z.mode === "always" || (z.mode === "auto" && z.lowBandwidth()));
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
          this.losslessRegion?.add(r);
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
      this.encoder?.dispose();
      this.encoder = new ClientImageEncoder(
        this.opts.encoders,
        this.opts.imageCompression,
        {
          lz4: this.clientCaps.has(dsp.DisplayCaps.Lz4Compression),
          glzWindow,
          preferred: this.encoder?.effectiveMode === undefined ? this.pendingPreferred : undefined,
        },
        () => this.zlibGlzActive,
      );
      const pc = this.opts.pixmapCache;
      if (pc !== false) {
        const screen = fb.width * fb.height;
        const serverMax = pc?.maxPixels ?? Math.min(1 << 24, Math.max(1 << 22, 3 * screen));
        const capacity = Math.min(Number(BigInt.asUintN(53, b.pixmapCacheSize)), serverMax);
        if (capacity > 0) {
          this.pixmaps = new PixmapCache({ capacity, minPixels: pc?.minPixels });
          if (this.opts.clientCacheStale) this.sendMessage("InvalAllPixmaps", { waitList: [] });
        }
      }
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
    this.surfaceGeneration++;
    this.region = new DirtyRegion(fb.width, fb.height);
    this.losslessRegion = new DirtyRegion(fb.width, fb.height);
    this.lossy.clear();
    this.sendMessage("InvalAllPalettes", {});
    this.sendMessage("SurfaceCreate", { surfaceId: 0, width: fb.width, height: fb.height, format: dsp.SurfaceFormat.Xrgb32, flags: dsp.SurfaceFlags.Primary });
    this.region.all();
    // MONITORS_CONFIG and MARK follow the first image; a JPEG one is encoded asynchronously.
    this.initialTail = () => {
      if (this.clientCaps.has(dsp.DisplayCaps.MonitorsConfig)) {
        this.sendMessage("MonitorsConfig", { maxAllowed: 1, heads: [{ monitorId: 0, surfaceId: 0, width: fb.width, height: fb.height, x: 0, y: 0, flags: 0 }] } as never);
      }
      this.sendMessage("Mark", {});
    };
    this.flush(true);
    if (!this.jpegBusy) this.runInitialTail();
  }

  private runInitialTail(): void {
    const tail = this.initialTail;
    this.initialTail = undefined;
    tail?.();
  }

  /** The desktop changed size: a new primary surface, everything dirty. */
  resize(): void {
    if (!this.initialized || this.closed) return;
    // A new surface is a whole frame: while the client is backed up, only remember that
    // one is due (the latest size wins), so repeated resizes cannot queue frames.
    if (!this.canSend || this.jpegBusy) {
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
    if (!this.lossy.empty) {
      const now = Date.now();
      for (const r of rects) this.lossy.touch(r, now);
    }
    // Damage inside a video stream becomes its next frame; the rest goes the draw way.
    for (const r of this.streams ? this.streams.damage(rects) : rects) this.region.add(r);
    this.scheduleFlush();
  }

  protected override onWindowOpen(): void {
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || !this.region) return;
    if (this.region.empty && this.losslessRegion!.empty && !this.resizePending && !this.streams?.pending) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush(false);
    });
  }

  /**
   * Sends pending damage while the client can take it; `force` ignores the window (initial
   * frame). Stops while a JPEG is being encoded: the damage meanwhile keeps coalescing, and
   * the encode's completion flushes again.
   */
  private flush(force: boolean): void {
    const region = this.region;
    const lossless = this.losslessRegion;
    const encoder = this.encoder;
    if (!region || !lossless || !encoder || this.closed || this.jpegBusy) return;
    const fb = this.opts.source.framebuffer();
    if (this.resizePending || fb.width !== this.surfaceWidth || fb.height !== this.surfaceHeight) return this.resize();
    // The initial frame goes out as one image, as spice-server sends it: some clients take
    // the first draw as "the screen" (spicy-screenshot writes its file on the first invalidate).
    const maxPixels = force ? Number.POSITIVE_INFINITY : (this.opts.maxImagePixels ?? 256 * 1024);
    // A new client's first frame may be JPEG only while the screen is changing (a quiet
    // screen gets its exact picture at once, as spice-server always sends it).
    const jpegOk =
      this.jpegActive && (!force || Date.now() - this.opts.jpegWan!.sourceChangedAt() < (this.opts.jpegWan!.quietMs ?? 1000));
    while (force || this.canSend) {
      const fromRegion = !region.empty;
      const r = fromRegion ? region.take(maxPixels) : lossless.take(maxPixels);
      if (!r) break;
      // Damage queued before a stream started over it is the stream's now.
      const pieces = this.streams ? this.streams.outside(r) : [r];
      for (let i = 0; i < pieces.length; i++) {
        if (this.draw(fb, pieces[i]!, encoder, fromRegion && jpegOk)) {
          // A JPEG encode started: the rest waits for it (messages stay in order).
          for (const rest of pieces.slice(i + 1)) (fromRegion ? region : lossless).add(rest);
          return;
        }
      }
    }
    this.streams?.pump();
  }

  protected override onClosed(): void {
    this.streams?.close();
    this.encoder?.dispose();
    if (this.lossyTimer) clearTimeout(this.lossyTimer);
    this.lossyTimer = undefined;
  }

  /**
   * One draw: DRAW_FILL for a solid rect, else DRAW_COPY with an image; a photo-like image
   * becomes a JPEG when `mayJpeg` (returns true: the draw is sent once encoded).
   */
  private draw(fb: Framebuffer, r: DamageRect, encoder: ClientImageEncoder, mayJpeg: boolean): boolean {
    const color = solidColor(fb, r);
    if (color >= 0) {
      const base = { surfaceId: 0, box: { top: r.top, left: r.left, bottom: r.bottom, right: r.right }, clip: NO_CLIP };
      this.sendMessage("DrawFill", { base, data: { brush: { type: dsp.BrushType.Solid, color }, ropDescriptor: dsp.Ropd.OpPut, mask: NO_MASK } } as never);
      this.lossless(r);
      return false;
    }
    const pixels = extractRect(fb, r);
    const cache = this.pixmaps;
    const key = cache ? pixelKey(pixels) : "";
    const cachedId = cache?.lookup(pixels, key);
    if (cachedId !== undefined) {
      // Every entry is lossless. As spice-server: FROM_CACHE_LOSSLESS where lossy images exist.
      this.drawCopy(r, encoder.cachedImage(cachedId, pixels, this.opts.jpegWan !== undefined));
      this.lossless(r);
      return false;
    }
    if (mayJpeg && encoder.photoCandidate(pixels)) {
      // JPEG images are never cached: the cache holds lossless pictures only.
      this.encodeJpeg(r, pixels, encoder);
      return true;
    }
    const image = encoder.encodePixels(pixels);
    const added = cache?.wants(pixels, key) ? cache.add(pixels, key) : undefined;
    if (added) {
      // The client drops the evicted entries before it stores the new one.
      for (let i = 0; i < added.evicted.length; i += 4096) {
        const resources = added.evicted.slice(i, i + 4096).map((id) => ({ type: dsp.ResourceType.Pixmap, id }));
        this.sendMessage("InvalList", { resources });
      }
      image.id = added.id;
      image.flags |= img.ImageFlags.CacheMe;
    }
    this.drawCopy(r, image);
    this.lossless(r);
    return false;
  }

  private drawCopy(r: DamageRect, image: img.Image): void {
    this.sendMessage("DrawCopy", {
      base: { surfaceId: 0, box: { top: r.top, left: r.left, bottom: r.bottom, right: r.right }, clip: NO_CLIP },
      data: {
        srcBitmap: image,
        srcArea: { top: 0, left: 0, bottom: r.bottom - r.top, right: r.right - r.left },
        ropDescriptor: dsp.Ropd.OpPut,
        scaleMode: dsp.ScaleMode.Nearest,
        mask: NO_MASK,
      },
    } as never);
    this.drawsSent++;
  }

  /** An exact picture of `r` went out. */
  private lossless(r: DamageRect): void {
    if (this.lossy.empty) return;
    const before = this.lossy.count;
    this.lossy.losslessDrawn(r);
    if (this.lossy.count !== before || this.lossy.empty) this.armLossyTimer();
  }

  /** One JPEG encode at a time per client (sharp runs it on the libuv pool). */
  private encodeJpeg(r: DamageRect, pixels: ReturnType<typeof extractRect>, encoder: ClientImageEncoder): void {
    const j = this.opts.jpegWan!;
    const generation = this.surfaceGeneration;
    this.jpegBusy = true;
    j.encoder.encode(pixels, j.quality ?? 85).then(
      (jpeg) => {
        this.jpegBusy = false;
        if (this.closed) return;
        if (generation === this.surfaceGeneration) {
          this.drawCopy(r, encoder.jpegImage(pixels, jpeg));
          this.lossy.addLossy(r, Date.now());
          this.lossyStats.jpegDraws++;
          this.armLossyTimer();
          this.runInitialTail();
        }
        this.scheduleFlush();
      },
      (e: unknown) => {
        this.jpegBusy = false;
        if (this.closed) return;
        this.log.warn(this.name, `JPEG encoder failed, lossless images only: ${(e as Error)?.message ?? String(e)}`);
        this.jpegBroken = true;
        if (generation === this.surfaceGeneration) {
          this.region?.add(r);
          if (this.initialTail) {
            // The first frame still has to come first: draw it now, losslessly.
            this.flush(true);
            this.runInitialTail();
          }
        }
        this.scheduleFlush();
      },
    );
  }

  /** Wakes up when the next lossy area has been quiet long enough, and queues its lossless redraw. */
  private armLossyTimer(): void {
    if (this.lossyTimer) clearTimeout(this.lossyTimer);
    this.lossyTimer = undefined;
    const wait = this.lossy.nextQuietIn(Date.now());
    if (wait === undefined || this.closed) return;
    this.lossyTimer = setTimeout(() => {
      this.lossyTimer = undefined;
      for (const q of this.lossy.takeQuiet(Date.now())) {
        this.losslessRegion?.add(q);
        this.lossyStats.losslessRefreshes++;
      }
      this.armLossyTimer();
      this.scheduleFlush();
    }, Math.ceil(wait) + 5);
    this.lossyTimer.unref?.();
  }
}
