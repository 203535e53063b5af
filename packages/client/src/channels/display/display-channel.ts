import { GlzDictionary, PaletteCache, type SyncJpegDecoder } from "@saffron/codecs";
import { Caps, ChannelType, SpiceError, display as dsp, type ChannelWait, type LinkOutcome, type MessageSet } from "@saffron/protocol";
import { Surface, type Rect, type SurfaceFormat } from "../../surfaces/index.js";
import { SpiceChannel, type ChannelContext, type ChannelEvents, type HandlerTable } from "../base/spice-channel.js";

type DisplayServerDefs = typeof dsp.displayServer.defs;
type DisplayClientDefs = typeof dsp.displayClient.defs;
import { brush, clip, mask, rect } from "./draw-mapping.js";
import { ImageResolver, type Inflate } from "./image-resolver.js";
import { StreamPlayer } from "./stream-player.js";
import type { VideoDecoderFactory } from "./video-decoder.js";
import type { ImageCache } from "../../session/image-cache.js";

const STREAM_DATA = dsp.displayServer.defs.StreamData[0];
const STREAM_DATA_SIZED = dsp.displayServer.defs.StreamDataSized[0];
/** How far into the received messages the decode-ahead looks for the next video frames. */
const LOOK_AHEAD_MESSAGES = 64;

export interface DisplayEvents extends ChannelEvents {
  /** A surface was created (primary: the visible desktop). */
  "surface-create": (surfaceId: number, surface: Surface, primary: boolean) => void;
  "surface-destroy": (surfaceId: number) => void;
  /** Pixels of a surface changed. */
  invalidate: (surfaceId: number, area: Rect) => void;
  /** The first complete frame after SURFACE_CREATE (DISPLAY_MARK). */
  mark: () => void;
  "monitors-config": (heads: dsp.MonitorsConfig["heads"]) => void;
}

/** Caches and decoders a display channel shares with its session. */
export interface DisplayShared {
  images: ImageCache;
  palettes: PaletteCache;
  glz: GlzDictionary;
  jpeg: SyncJpegDecoder;
  inflate: Inflate;
  /** Asynchronous video decoders (browsers: WebCodecs); their codecs are advertised. */
  video?: VideoDecoderFactory;
  /** Pixels announced in DISPLAY_INIT. */
  imageCacheSize: number;
  glzWindowSize: number;
  preferredCompression?: number;
  /** Resolves other channels for WAIT_FOR_CHANNELS. */
  waitFor(wait: ChannelWait): Promise<void>;
}

/** Default image cache announced to the server: 80 MiB of 32-bit pixels, as spice-gtk. */
export const DEFAULT_IMAGE_CACHE_PIXELS = (80 * 1024 * 1024) / 4;

/** GLZ window from MAIN_INIT's ram_hint, as spice-gtk: clamp(ram_hint / 2, 12 MiB, 64 MiB) / 4 pixels. */
export function glzWindowFromRamHint(ramHint: number): number {
  const bytes = Math.min(64 * 1024 * 1024, Math.max(12 * 1024 * 1024, Math.floor(ramHint / 2)));
  return Math.floor(bytes / 4);
}

/** The DISPLAY channel: surfaces, every draw operation, image caches, video streams. */
export class DisplayChannel extends SpiceChannel<DisplayServerDefs, DisplayClientDefs, DisplayEvents> {
  readonly type = ChannelType.Display;
  protected readonly server: MessageSet<DisplayServerDefs> = dsp.displayServer;
  protected readonly client: MessageSet<DisplayClientDefs> = dsp.displayClient;
  readonly surfaces = new Map<number, Surface>();
  readonly images: ImageResolver;
  readonly streams: StreamPlayer;
  primaryId: number | null = null;
  marked = false;
  monitors: dsp.MonitorsConfig["heads"] = [];
  /** Draw operations applied, by message name. */
  readonly drawCounts: Record<string, number> = {};

  constructor(
    ctx: ChannelContext,
    id: number,
    private readonly shared: DisplayShared,
  ) {
    super(ctx, id);
    this.images = new ImageResolver({
      images: shared.images,
      palettes: shared.palettes,
      glz: shared.glz,
      jpeg: shared.jpeg,
      inflate: shared.inflate,
      surface: (sid) => this.surfaces.get(sid),
    });
    this.streams = new StreamPlayer({
      jpeg: shared.jpeg,
      video: shared.video,
      surface: (sid) => this.surfaces.get(sid),
      invalidate: (sid, area) => this.emit("invalidate", sid, area),
      report: (r) => this.send("StreamReport", r),
      log: ctx.log,
      name: this.name,
    });
  }

  /** The visible desktop, once the server created it. */
  get primary(): Surface | undefined {
    return this.primaryId === null ? undefined : this.surfaces.get(this.primaryId);
  }

  protected override channelCaps(): Caps {
    const C = dsp.DisplayCaps;
    const caps = Caps.of(C.SizedStream, C.MonitorsConfig, C.Composite, C.A8Surface, C.StreamReport, C.Lz4Compression, C.PrefCompression, C.MultiCodec, C.CodecMjpeg);
    const codecs = this.shared.video?.codecs ?? [];
    const bits: [number, number][] = [
      [dsp.VideoCodecType.Vp8, C.CodecVp8],
      [dsp.VideoCodecType.H264, C.CodecH264],
      [dsp.VideoCodecType.Vp9, C.CodecVp9],
    ];
    for (const [codec, bit] of bits) if (codecs.includes(codec)) caps.set(bit);
    return caps;
  }

  protected override onReady(): void {
    this.send("Init", {
      pixmapCacheId: 1,
      pixmapCacheSize: BigInt(this.shared.imageCacheSize),
      glzDictionaryId: 1,
      glzDictionaryWindowSize: this.shared.glzWindowSize,
    });
    const pref = this.shared.preferredCompression;
    if (pref !== undefined && this.serverHasCap(dsp.DisplayCaps.PrefCompression)) {
      this.send("PreferredCompression", { imageCompression: pref });
    }
  }

  private target(surfaceId: number): Surface {
    const s = this.surfaces.get(surfaceId);
    if (!s) throw new SpiceError("ERR_SPICE_MALFORMED", `draw on unknown surface ${surfaceId}`);
    return s;
  }

  /** Target box, clip, source and mask common to the image-drawing ops. */
  private imageParams(base: dsp.DisplayBase, data: { srcBitmap: Parameters<ImageResolver["resolve"]>[0]; srcArea: dsp.DisplayBase["box"]; mask?: dsp.QMask }) {
    return this.imageSource(imageGeometry(base, data), data);
  }

  /** `geometry` with the source picture and mask resolved. */
  private imageSource<G>(geometry: G, data: { srcBitmap: Parameters<ImageResolver["resolve"]>[0]; mask?: dsp.QMask }) {
    return { ...geometry, src: this.images.resolve(data.srcBitmap), mask: data.mask ? mask(data.mask, this.images) : null };
  }

  private maskOnly(op: "blackness" | "whiteness" | "invers", base: dsp.DisplayBase, data: { mask: dsp.QMask }): void {
    this.target(base.surfaceId)[op]({ box: rect(base.box), clip: clip(base.clip), mask: mask(data.mask, this.images) });
    this.drawn(`Draw${op[0]!.toUpperCase()}${op.slice(1)}`, base);
  }

  private drawn(name: string, base: dsp.DisplayBase): void {
    this.drawCounts[name] = (this.drawCounts[name] ?? 0) + 1;
    this.emit("invalidate", base.surfaceId, rect(base.box));
  }

  protected readonly handlers: HandlerTable<DisplayServerDefs> = {
    WaitForChannels: async (b) => {
      for (const w of b.waitList) await this.shared.waitFor(w);
    },
    Mark: () => {
      this.marked = true;
      this.emit("mark");
    },
    Reset: () => {
      this.streams.destroyAll();
    },
    Mode: () => {},
    SurfaceCreate: (b) => {
      const fmt = b.format === dsp.SurfaceFormat.A8 ? 8 : b.format === dsp.SurfaceFormat.Argb32 ? 96 : 32;
      if (b.format !== dsp.SurfaceFormat.A8 && b.format !== dsp.SurfaceFormat.Argb32 && b.format !== dsp.SurfaceFormat.Xrgb32) {
        this.ctx.log.warn(this.name, "surface format drawn as 32-bit xRGB", { format: b.format });
      }
      const s = new Surface(b.width, b.height, fmt as SurfaceFormat);
      this.surfaces.set(b.surfaceId, s);
      const primary = (b.flags & dsp.SurfaceFlags.Primary) !== 0;
      if (primary) this.primaryId = b.surfaceId;
      this.ctx.log.debug(this.name, "surface created", { id: b.surfaceId, width: b.width, height: b.height, format: b.format, primary });
      this.emit("surface-create", b.surfaceId, s, primary);
    },
    SurfaceDestroy: (b) => {
      this.surfaces.delete(b.surfaceId);
      if (this.primaryId === b.surfaceId) this.primaryId = null;
      this.emit("surface-destroy", b.surfaceId);
    },
    MonitorsConfig: (b) => {
      this.monitors = b.heads;
      this.emit("monitors-config", b.heads);
    },
    InvalList: (b) => {
      for (const r of b.resources) if (r.type === dsp.ResourceType.Pixmap) this.shared.images.remove(r.id);
    },
    InvalAllPixmaps: async (b) => {
      for (const w of b.waitList) await this.shared.waitFor(w);
      this.shared.images.clear();
    },
    InvalPalette: (b) => void this.shared.palettes.remove(b.id),
    InvalAllPalettes: () => this.shared.palettes.clear(),
    CopyBits: (b) => {
      this.target(b.base.surfaceId).copyBits({ box: rect(b.base.box), clip: clip(b.base.clip), srcPos: { x: b.srcPos.x, y: b.srcPos.y } });
      this.drawn("CopyBits", b.base);
    },
    DrawFill: ({ base, data }) => {
      this.target(base.surfaceId).fill({ box: rect(base.box), clip: clip(base.clip), brush: brush(data.brush, this.images), ropd: data.ropDescriptor, mask: mask(data.mask, this.images) });
      this.drawn("DrawFill", base);
    },
    DrawOpaque: ({ base, data }) => {
      this.target(base.surfaceId).opaque({
        ...this.imageParams(base, data),
        brush: brush(data.brush, this.images),
        ropd: data.ropDescriptor,
        scaleMode: data.scaleMode as 0 | 1,
      });
      this.drawn("DrawOpaque", base);
    },
    DrawCopy: ({ base, data }) => {
      const s = this.target(base.surfaceId);
      const p = { ...imageGeometry(base, data), ropd: data.ropDescriptor };
      // A picture that fills whole rows (the first frame of every session, for one) is decoded
      // straight onto the surface.
      const rows = data.mask.bitmap ? null : s.rowsForCopy(p, data.srcBitmap.width, data.srcBitmap.height);
      if (!rows || !this.images.decodeInto(data.srcBitmap, rows)) s.copy({ ...this.imageSource(p, data), scaleMode: data.scaleMode as 0 | 1 });
      this.drawn("DrawCopy", base);
    },
    DrawBlend: ({ base, data }) => {
      this.target(base.surfaceId).blend({ ...this.imageParams(base, data), ropd: data.ropDescriptor, scaleMode: data.scaleMode as 0 | 1 });
      this.drawn("DrawBlend", base);
    },
    DrawBlackness: ({ base, data }) => {
      this.maskOnly("blackness", base, data);
    },
    DrawWhiteness: ({ base, data }) => {
      this.maskOnly("whiteness", base, data);
    },
    DrawInvers: ({ base, data }) => {
      this.maskOnly("invers", base, data);
    },
    DrawRop3: ({ base, data }) => {
      this.target(base.surfaceId).rop3({
        ...this.imageParams(base, data),
        brush: brush(data.brush, this.images),
        rop3: data.rop3,
        scaleMode: data.scaleMode as 0 | 1,
      });
      this.drawn("DrawRop3", base);
    },
    DrawStroke: ({ base, data }) => {
      this.target(base.surfaceId).stroke({
        box: rect(base.box),
        clip: clip(base.clip),
        path: data.path.segments.map((s) => ({ flags: s.flags, points: s.points })),
        lineFlags: data.attr.flags,
        style: data.attr.style ?? undefined,
        brush: brush(data.brush, this.images),
        foreMode: data.foreMode,
        backMode: data.backMode,
      });
      this.drawn("DrawStroke", base);
    },
    DrawText: ({ base, data }) => {
      this.target(base.surfaceId).text({
        box: rect(base.box),
        clip: clip(base.clip),
        str: { flags: data.str.flags, glyphs: data.str.glyphs },
        backArea: rect(data.backArea),
        foreBrush: brush(data.foreBrush, this.images),
        backBrush: brush(data.backBrush, this.images),
        foreMode: data.foreMode,
        backMode: data.backMode,
      });
      this.drawn("DrawText", base);
    },
    DrawTransparent: ({ base, data }) => {
      this.target(base.surfaceId).transparent({
        ...this.imageParams(base, data),
        srcColor: data.srcColor,
        trueColor: data.trueColor,
      });
      this.drawn("DrawTransparent", base);
    },
    DrawAlphaBlend: ({ base, data }) => {
      this.target(base.surfaceId).alphaBlend({
        ...this.imageParams(base, data),
        alpha: data.alpha,
        flags: data.alphaFlags,
      });
      this.drawn("DrawAlphaBlend", base);
    },
    DrawComposite: ({ base, data }) => {
      this.target(base.surfaceId).composite({
        box: rect(base.box),
        clip: clip(base.clip),
        flags: data.flags,
        src: this.images.resolve(data.srcBitmap),
        mask: data.maskBitmap ? this.images.resolve(data.maskBitmap) : null,
        srcTransform: data.srcTransform,
        maskTransform: data.maskTransform,
        srcOrigin: { x: data.srcOrigin.x, y: data.srcOrigin.y },
        maskOrigin: { x: data.maskOrigin.x, y: data.maskOrigin.y },
      });
      this.drawn("DrawComposite", base);
    },
    StreamCreate: (b) => this.streams.create(b),
    StreamData: (b, frame) => this.decodeAhead(this.streams.data(b.base.id, b.base.multiMediaTime, b.data, undefined, frame)),
    StreamDataSized: (b, frame) =>
      this.decodeAhead(this.streams.data(b.base.id, b.base.multiMediaTime, b.data, { width: b.width, height: b.height, dest: rect(b.dest) }, frame)),
    StreamClip: (b) => this.streams.clip(b.id, b.clip),
    StreamDestroy: (b) => this.streams.destroy(b.id),
    StreamDestroyAll: () => this.streams.destroyAll(),
    StreamActivateReport: (b) => this.streams.activateReport(b),
  };

  /**
   * While a frame's asynchronous decode is awaited (no later message is handled meanwhile), the
   * next frames already received start decoding too, so decodes overlap instead of queueing
   * one by one behind each other; they are still drawn in order, each at its turn.
   */
  private decodeAhead(awaited: void | Promise<void>): void | Promise<void> {
    if (!awaited) return awaited;
    const frames = this.pending;
    for (let i = 0, n = Math.min(frames.length, LOOK_AHEAD_MESSAGES); i < n && this.streams.canDecodeAhead; i++) {
      const f = frames[i]!;
      if (f.type !== STREAM_DATA && f.type !== STREAM_DATA_SIZED) continue;
      let msg;
      try {
        msg = this.server.decode(f.type, f.body);
      } catch {
        break; // it fails again at its turn, with the error reported there
      }
      const b = msg.body as { base: { id: number }; data: Uint8Array };
      this.streams.decodeAhead(f, b.base.id, b.data);
    }
    return awaited;
  }

  override close(): void {
    this.streams.destroyAll();
    super.close();
  }
}

export type { LinkOutcome };

/** Target box, clip and source area of an image-drawing op. */
function imageGeometry(base: dsp.DisplayBase, data: { srcArea: dsp.DisplayBase["box"] }) {
  return { box: rect(base.box), clip: clip(base.clip), srcArea: rect(data.srcArea) };
}
