import { ChannelType, display as dsp, type LinkOutcome, type MessageSet } from "@saffron/protocol";
import { ClientImageEncoder, type EncoderSet } from "../../display-pipeline/client-encoder.js";
import { DirtyRegion } from "../../display-pipeline/dirty-region.js";
import { PREFERRED_COMPRESSION_NAMES, solidColor, type ImageCompressionMode } from "../../display-pipeline/image-encoder.js";
import type { Connection } from "../../net/connection.js";
import type { DamageRect, DisplaySource } from "../../sources/display-source.js";
import { ServerChannel, type ServerChannelContext, type ServerHandlerTable } from "../base/server-channel.js";

type S = typeof dsp.displayServer.defs;
type C = typeof dsp.displayClient.defs;

export interface DisplayChannelOptions {
  source: DisplaySource;
  encoders: EncoderSet;
  imageCompression: ImageCompressionMode;
  /** Largest image sent in one draw (pixels); bigger damage is cut into bands. */
  maxImagePixels?: number;
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
  private initialized = false;
  private flushScheduled = false;
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

  protected readonly handlers: ServerHandlerTable<C> = {
    Init: (b) => {
      if (this.initialized) return;
      this.initialized = true;
      const glzWindow = Math.max(0, Math.min(b.glzDictionaryWindowSize, 1 << 25));
      this.encoder = new ClientImageEncoder(this.opts.encoders, this.opts.imageCompression, {
        lz4: this.clientCaps.has(dsp.DisplayCaps.Lz4Compression),
        glzWindow,
        preferred: this.encoder?.effectiveMode === undefined ? this.pendingPreferred : undefined,
      });
      this.sendInitialFrame();
    },
    PreferredCompression: (b) => {
      const mode = PREFERRED_COMPRESSION_NAMES[b.imageCompression];
      if (this.encoder) this.encoder.setPreferred(mode);
      else this.pendingPreferred = mode;
    },
    StreamReport: () => {},
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
    this.sendMessage("SurfaceDestroy", { surfaceId: 0 });
    this.sendInitialFrame();
  }

  damage(rects: DamageRect[]): void {
    if (!this.region) return;
    for (const r of rects) this.region.add(r);
    this.scheduleFlush();
  }

  protected override onWindowOpen(): void {
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || !this.region || this.region.empty) return;
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
    if (fb.width !== this.surfaceWidth || fb.height !== this.surfaceHeight) return this.resize();
    const maxPixels = this.opts.maxImagePixels ?? 256 * 1024;
    while (!region.empty && (force || this.canSend)) {
      const r = region.take(maxPixels)!;
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
}
