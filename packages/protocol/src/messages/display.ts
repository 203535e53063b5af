import {
  array,
  custom,
  defineMessagesFor,
  fixedArray,
  i32,
  i64,
  nullablePtr,
  ptr,
  restBytes,
  sizedBytes,
  struct,
  u16,
  u32,
  u64,
  u8,
  variant,
  type Codec,
  type Infer,
} from "./_imports.js";
import { SpiceError } from "../wire/errors.js";
import { baseClientMessages, baseServerMessages } from "./base.js";
import { ChannelWait, Clip, Point, Point16, PointFix, Rect } from "./common.js";
import { Image, imageSize } from "./image.js";

/** DISPLAY channel (type 2): spice.proto channel DisplayChannel and the structs above it. */

export { BitmapFlags, BitmapFormat, ImageFlags, ImageType, JpegAlphaFlags } from "./image.js";

/** Display channel capability bits (SPICE_DISPLAY_CAP_*). */
export const DisplayCaps = {
  SizedStream: 0,
  MonitorsConfig: 1,
  Composite: 2,
  A8Surface: 3,
  StreamReport: 4,
  Lz4Compression: 5,
  PrefCompression: 6,
  GlScanout: 7,
  MultiCodec: 8,
  CodecMjpeg: 9,
  CodecVp8: 10,
  CodecH264: 11,
  PrefVideoCodecType: 12,
  CodecVp9: 13,
  CodecH265: 14,
} as const;

/** spice.proto enum32 surface_fmt (1_A, 8_A, 16_555, 16_565, 32_xRGB, 32_ARGB). */
export const SurfaceFormat = { Invalid: 0, A1: 1, A8: 8, Rgb555: 16, Rgb565: 80, Xrgb32: 32, Argb32: 96 } as const;
export type SurfaceFormat = (typeof SurfaceFormat)[keyof typeof SurfaceFormat];

/** spice.proto flags32 surface_flags. */
export const SurfaceFlags = { Primary: 1, StreamingMode: 2 } as const;

/** spice.proto flags16 ropd. The OP_* bits are mutually exclusive. */
export const Ropd = {
  InversSrc: 1,
  InversBrush: 2,
  InversDest: 4,
  OpPut: 8,
  OpOr: 16,
  OpAnd: 32,
  OpXor: 64,
  OpBlackness: 128,
  OpWhiteness: 256,
  OpInvers: 512,
  InversRes: 1024,
} as const;

/** spice.proto enum8 brush_type. */
export const BrushType = { None: 0, Solid: 1, Pattern: 2 } as const;
/** spice.proto flags8 mask_flags. */
export const MaskFlags = { Invers: 1 } as const;
/** spice.proto enum8 image_scale_mode. */
export const ScaleMode = { Interpolate: 0, Nearest: 1 } as const;
/** spice.proto flags8 line_flags (LineAttr.flags of DRAW_STROKE). */
export const LineFlags = { StartWithGap: 4, Styled: 8 } as const;
/** spice.proto flags8 path_flags (PathSegment.flags). */
export const PathFlags = { Begin: 1, End: 2, Close: 8, Bezier: 16 } as const;
/** spice.proto flags8 string_flags: exactly one of the RASTER_A* bits is set. */
export const StringFlags = { RasterA1: 1, RasterA4: 2, RasterA8: 4, RasterTopDown: 8 } as const;
/** spice.proto flags8 alpha_flags. */
export const AlphaFlags = { DestHasAlpha: 1, SrcSurfaceHasAlpha: 2 } as const;
/** spice.proto flags32 composite_flags: pixman op, filters and repeats packed with single-bit flags. */
export const CompositeFlags = {
  OpMask: 0xff,
  SrcFilterShift: 8,
  SrcFilterMask: 0x7 << 8,
  MaskFilterShift: 11,
  MaskFilterMask: 0x7 << 11,
  SrcRepeatShift: 14,
  SrcRepeatMask: 0x3 << 14,
  MaskRepeatShift: 16,
  MaskRepeatMask: 0x3 << 16,
  ComponentAlpha: 1 << 18,
  HasMask: 1 << 19,
  HasSrcTransform: 1 << 20,
  HasMaskTransform: 1 << 21,
  SourceOpaque: 1 << 22,
  MaskOpaque: 1 << 23,
  DestOpaque: 1 << 24,
} as const;
/** spice.proto flags8 stream_flags. */
export const StreamFlags = { TopDown: 1 } as const;
/** spice.proto enum8 video_codec_type. */
export const VideoCodecType = { Mjpeg: 1, Vp8: 2, H264: 3, Vp9: 4, H265: 5 } as const;
export type VideoCodecType = (typeof VideoCodecType)[keyof typeof VideoCodecType];
/** spice.proto enum8 image_compression (PREFERRED_COMPRESSION). */
export const ImageCompression = { Invalid: 0, Off: 1, AutoGlz: 2, AutoLz: 3, Quic: 4, Glz: 5, Lz: 6, Lz4: 7 } as const;
/** spice.proto enum8 resource_type (INVAL_LIST). */
export const ResourceType = { Invalid: 0, Pixmap: 1 } as const;
/** spice.proto flags32 gl_scanout_flags. */
export const GlScanoutFlags = { Y0Top: 1 } as const;

/** Stream ids are in [0, MaxStreams). */
export const MaxStreams = 64;

// ---- shared draw structs ----

/** spice.proto struct DisplayBase: 21 bytes with clip NONE. */
export const DisplayBase = struct("DisplayBase", { surfaceId: u32, box: Rect, clip: Clip });
export type DisplayBase = Infer<typeof DisplayBase>;

/** spice.proto struct Brush (PATTERN: struct Pattern, flattened). */
export const Brush = variant("Brush", "type", u8, {
  [BrushType.None]: struct("BrushNone", {}),
  [BrushType.Solid]: struct("BrushSolid", { color: u32 }),
  [BrushType.Pattern]: struct("Pattern", { pat: ptr(Image), pos: Point }),
});
export type Brush = Infer<typeof Brush>;

/** spice.proto struct QMask (13 bytes); bitmap null means no mask. */
export const QMask = struct("QMask", { flags: u8, pos: Point, bitmap: nullablePtr(Image) });
export type QMask = Infer<typeof QMask>;

/** spice.proto struct Fill. */
export const Fill = struct("Fill", { brush: Brush, ropDescriptor: u16, mask: QMask });
export type Fill = Infer<typeof Fill>;

/** spice.proto struct Opaque. src_bitmap is read as non-null (a null source is malformed). */
export const Opaque = struct("Opaque", {
  srcBitmap: ptr(Image),
  srcArea: Rect,
  brush: Brush,
  ropDescriptor: u16,
  scaleMode: u8,
  mask: QMask,
});
export type Opaque = Infer<typeof Opaque>;

/** spice.proto struct Copy (DRAW_COPY; also struct Blend, same layout). Fixed part 36 bytes. */
export const Copy = struct("Copy", { srcBitmap: ptr(Image), srcArea: Rect, ropDescriptor: u16, scaleMode: u8, mask: QMask });
export type Copy = Infer<typeof Copy>;

/** spice.proto structs Blackness / Whiteness / Invers: only a mask. */
export const MaskOnly = struct("MaskOnly", { mask: QMask });

/** spice.proto struct Rop3: rop3 is a Windows ternary raster op. */
export const Rop3 = struct("Rop3", {
  srcBitmap: ptr(Image),
  srcArea: Rect,
  brush: Brush,
  rop3: u8,
  scaleMode: u8,
  mask: QMask,
});
export type Rop3 = Infer<typeof Rop3>;

/** spice.proto struct PathSegment. */
export const PathSegment = struct("PathSegment", { flags: u8, points: array(u32, PointFix) });
/** spice.proto struct Path: segments back to back. */
export const Path = struct("Path", { segments: array(u32, PathSegment) });
export type Path = Infer<typeof Path>;

/**
 * spice.proto struct LineAttr: flags, then with STYLED style_nseg u8 and a pointer to
 * fixed28_4[style_nseg]. `style` is null exactly when STYLED is clear.
 */
export type LineAttr = { flags: number; style: number[] | null };
export const LineAttr = custom<LineAttr>(
  "LineAttr",
  (r, ctx) => {
    const flags = r.u8("line flags");
    if (!(flags & LineFlags.Styled)) return { flags, style: null };
    const n = r.u8("style_nseg");
    const style = nullablePtr(fixedArray(n, i32)).read(r, ctx);
    if (style === null && n > 0) throw new SpiceError("ERR_SPICE_MALFORMED", "null line style pointer", { offset: r.pos - 4 });
    return { flags, style: style ?? [] };
  },
  (w, v, ctx) => {
    w.u8(v.flags);
    if (!(v.flags & LineFlags.Styled)) return;
    const style = v.style ?? [];
    w.u8(style.length);
    ptr(fixedArray(style.length, i32)).write(w, style, ctx);
  },
);

/** spice.proto struct Stroke: fore/back modes are ropd values. */
export const Stroke = struct("Stroke", { path: ptr(Path), attr: LineAttr, brush: Brush, foreMode: u16, backMode: u16 });
export type Stroke = Infer<typeof Stroke>;

/** spice.proto struct RasterGlyphA1/A4/A8: data is image_size(bpp, width, height) bytes. */
export type RasterGlyph = { renderPos: Point; glyphOrigin: Point; width: number; height: number; data: Uint8Array };

function stringBpp(flags: number): number {
  if (flags & StringFlags.RasterA1) return 1;
  if (flags & StringFlags.RasterA4) return 4;
  if (flags & StringFlags.RasterA8) return 8;
  return 0;
}

/** spice.proto struct String (named SpiceString to keep the global String usable). */
export type SpiceString = { flags: number; glyphs: RasterGlyph[] };
export const SpiceString = custom<SpiceString>(
  "String",
  (r, ctx) => {
    const length = r.u16("string length");
    const flags = r.u8("string flags");
    const bpp = stringBpp(flags);
    if (bpp === 0 && length > 0) throw new SpiceError("ERR_SPICE_MALFORMED", `String flags 0x${flags.toString(16)} name no raster depth`, { offset: r.pos - 1 });
    const glyphs: RasterGlyph[] = [];
    for (let i = 0; i < length; i++) {
      const renderPos = Point.read(r, ctx);
      const glyphOrigin = Point.read(r, ctx);
      const width = r.u16("glyph width");
      const height = r.u16("glyph height");
      glyphs.push({ renderPos, glyphOrigin, width, height, data: r.view(imageSize(bpp, width, height), "glyph data") });
    }
    return { flags, glyphs };
  },
  (w, v, ctx) => {
    const bpp = stringBpp(v.flags);
    if (bpp === 0 && v.glyphs.length > 0) throw new Error("SpiceString: glyphs without a RASTER_A* flag");
    w.u16(v.glyphs.length).u8(v.flags);
    for (const g of v.glyphs) {
      Point.write(w, g.renderPos, ctx);
      Point.write(w, g.glyphOrigin, ctx);
      w.u16(g.width).u16(g.height);
      if (g.data.length !== imageSize(bpp, g.width, g.height)) throw new Error(`SpiceString: glyph data ${g.data.length} bytes for ${g.width}x${g.height} at ${bpp} bpp`);
      w.bytes(g.data);
    }
  },
);

/** spice.proto struct Text. */
export const Text = struct("Text", {
  str: ptr(SpiceString),
  backArea: Rect,
  foreBrush: Brush,
  backBrush: Brush,
  foreMode: u16,
  backMode: u16,
});
export type Text = Infer<typeof Text>;

/** spice.proto struct Transparent: pixels equal to srcColor are skipped. */
export const Transparent = struct("Transparent", { srcBitmap: ptr(Image), srcArea: Rect, srcColor: u32, trueColor: u32 });
export type Transparent = Infer<typeof Transparent>;

/** spice.proto struct AlphaBlend. */
export const AlphaBlend = struct("AlphaBlend", { alphaFlags: u8, alpha: u8, srcBitmap: ptr(Image), srcArea: Rect });
export type AlphaBlend = Infer<typeof AlphaBlend>;

/** spice.proto struct Transform (pixman 16.16 fixed, inferred). */
export const Transform = struct("Transform", { t00: u32, t01: u32, t02: u32, t10: u32, t11: u32, t12: u32 });
export type Transform = Infer<typeof Transform>;

/**
 * spice.proto struct Composite: maskBitmap, srcTransform and maskTransform are present on
 * the wire only with HAS_MASK, HAS_SRC_TRANSFORM and HAS_MASK_TRANSFORM; null otherwise.
 */
export type Composite = {
  flags: number;
  srcBitmap: Image;
  maskBitmap: Image | null;
  srcTransform: Transform | null;
  maskTransform: Transform | null;
  srcOrigin: Point16;
  maskOrigin: Point16;
};
const imagePtr = ptr(Image);
const imageNullablePtr = nullablePtr(Image);
export const Composite = custom<Composite>(
  "Composite",
  (r, ctx) => {
    const flags = r.u32("composite flags");
    const srcBitmap = imagePtr.read(r, ctx);
    const maskBitmap = flags & CompositeFlags.HasMask ? imageNullablePtr.read(r, ctx) : null;
    const srcTransform = flags & CompositeFlags.HasSrcTransform ? Transform.read(r, ctx) : null;
    const maskTransform = flags & CompositeFlags.HasMaskTransform ? Transform.read(r, ctx) : null;
    return { flags, srcBitmap, maskBitmap, srcTransform, maskTransform, srcOrigin: Point16.read(r, ctx), maskOrigin: Point16.read(r, ctx) };
  },
  (w, v, ctx) => {
    w.u32(v.flags);
    imagePtr.write(w, v.srcBitmap, ctx);
    if (v.flags & CompositeFlags.HasMask) imageNullablePtr.write(w, v.maskBitmap, ctx);
    if (v.flags & CompositeFlags.HasSrcTransform) Transform.write(w, need(v.srcTransform, "srcTransform"), ctx);
    if (v.flags & CompositeFlags.HasMaskTransform) Transform.write(w, need(v.maskTransform, "maskTransform"), ctx);
    Point16.write(w, v.srcOrigin, ctx);
    Point16.write(w, v.maskOrigin, ctx);
  },
);

function need<T>(v: T | null, what: string): T {
  if (v === null) throw new Error(`Composite: flags require ${what}`);
  return v;
}

/** `{ base: DisplayBase; data: T }`, the shape of every DRAW_* message. */
function draw<T>(name: string, data: Codec<T>) {
  return struct(name, { base: DisplayBase, data });
}

// ---- other message bodies ----

/** spice.proto struct ResourceID. */
export const ResourceId = struct("ResourceId", { type: u8, id: u64 });
/** spice.proto struct StreamDataHeader. */
export const StreamDataHeader = struct("StreamDataHeader", { id: u32, multiMediaTime: u32 });
/** spice.proto struct Head (MONITORS_CONFIG). */
export const Head = struct("Head", {
  monitorId: u32,
  surfaceId: u32,
  width: u32,
  height: u32,
  x: u32,
  y: u32,
  flags: u32,
});
export type Head = Infer<typeof Head>;

/** MONITORS_CONFIG: count u16 and max_allowed u16 precede the heads. */
export type MonitorsConfig = { maxAllowed: number; heads: Head[] };
export const MonitorsConfig = custom<MonitorsConfig>(
  "MonitorsConfig",
  (r, ctx) => {
    const count = r.u16("monitors count");
    const maxAllowed = r.u16("monitors max_allowed");
    const heads: Head[] = [];
    for (let i = 0; i < count; i++) heads.push(Head.read(r, ctx));
    return { maxAllowed, heads };
  },
  (w, v, ctx) => {
    w.u16(v.heads.length).u16(v.maxAllowed);
    for (const h of v.heads) Head.write(w, h, ctx);
  },
);

export const SurfaceCreate = struct("SurfaceCreate", { surfaceId: u32, width: u32, height: u32, format: u32, flags: u32 });
export type SurfaceCreate = Infer<typeof SurfaceCreate>;

export const StreamCreate = struct("StreamCreate", {
  surfaceId: u32,
  id: u32,
  flags: u8,
  codecType: u8,
  stamp: u64,
  streamWidth: u32,
  streamHeight: u32,
  srcWidth: u32,
  srcHeight: u32,
  dest: Rect,
  clip: Clip,
});
export type StreamCreate = Infer<typeof StreamCreate>;

export const StreamData = struct("StreamData", { base: StreamDataHeader, data: sizedBytes(u32) });
export const StreamDataSized = struct("StreamDataSized", {
  base: StreamDataHeader,
  width: u32,
  height: u32,
  dest: Rect,
  data: sizedBytes(u32),
});

/** DISPLAY_INIT (client): cache and GLZ window sizes are in pixels. 14 bytes. */
export const DisplayInit = struct("DisplayInit", {
  pixmapCacheId: u8,
  pixmapCacheSize: i64,
  glzDictionaryId: u8,
  glzDictionaryWindowSize: i32,
});
export type DisplayInit = Infer<typeof DisplayInit>;

/** STREAM_REPORT (client): numFrames 0 with numDrops 0xFFFFFFFF means "cannot decode". */
export const StreamReport = struct("StreamReport", {
  streamId: u32,
  uniqueId: u32,
  startFrameMmTime: u32,
  endFrameMmTime: u32,
  numFrames: u32,
  numDrops: u32,
  lastFrameDelay: i32,
  audioDelay: u32,
});
export type StreamReport = Infer<typeof StreamReport>;

export const displayServer = defineMessagesFor("display.server", {
  ...baseServerMessages,
  /** Legacy; current spice-server never sends it. */
  Mode: [101, struct("Mode", { xRes: u32, yRes: u32, bits: u32 })],
  Mark: [102, struct("Mark", {})],
  Reset: [103, struct("Reset", {})],
  CopyBits: [104, struct("CopyBits", { base: DisplayBase, srcPos: Point })],
  InvalList: [105, struct("InvalList", { resources: array(u16, ResourceId) })],
  InvalAllPixmaps: [106, struct("InvalAllPixmaps", { waitList: array(u8, ChannelWait) })],
  InvalPalette: [107, struct("InvalPalette", { id: u64 })],
  InvalAllPalettes: [108, struct("InvalAllPalettes", {})],
  StreamCreate: [122, StreamCreate],
  StreamData: [123, StreamData],
  StreamClip: [124, struct("StreamClip", { id: u32, clip: Clip })],
  StreamDestroy: [125, struct("StreamDestroy", { id: u32 })],
  StreamDestroyAll: [126, struct("StreamDestroyAll", {})],
  DrawFill: [302, draw("DrawFill", Fill)],
  DrawOpaque: [303, draw("DrawOpaque", Opaque)],
  DrawCopy: [304, draw("DrawCopy", Copy)],
  DrawBlend: [305, draw("DrawBlend", Copy)],
  DrawBlackness: [306, draw("DrawBlackness", MaskOnly)],
  DrawWhiteness: [307, draw("DrawWhiteness", MaskOnly)],
  DrawInvers: [308, draw("DrawInvers", MaskOnly)],
  DrawRop3: [309, draw("DrawRop3", Rop3)],
  DrawStroke: [310, draw("DrawStroke", Stroke)],
  DrawText: [311, draw("DrawText", Text)],
  DrawTransparent: [312, draw("DrawTransparent", Transparent)],
  DrawAlphaBlend: [313, draw("DrawAlphaBlend", AlphaBlend)],
  SurfaceCreate: [314, SurfaceCreate],
  SurfaceDestroy: [315, struct("SurfaceDestroy", { surfaceId: u32 })],
  StreamDataSized: [316, StreamDataSized],
  MonitorsConfig: [317, MonitorsConfig],
  DrawComposite: [318, draw("DrawComposite", Composite)],
  StreamActivateReport: [
    319,
    struct("StreamActivateReport", { streamId: u32, uniqueId: u32, maxWindowSize: u32, timeoutMs: u32 }),
  ],
  /** The dma-buf fd travels out of band (SCM_RIGHTS); it has no wire bytes. */
  GlScanoutUnix: [
    320,
    struct("GlScanoutUnix", { width: u32, height: u32, stride: u32, drmFourccFormat: u32, flags: u32 }),
  ],
  GlDraw: [321, struct("GlDraw", { x: u32, y: u32, w: u32, h: u32 })],
  QualityIndicator: [322, struct("QualityIndicator", { text: restBytes })],
});

export const displayClient = defineMessagesFor("display.client", {
  ...baseClientMessages,
  Init: [101, DisplayInit],
  StreamReport: [102, StreamReport],
  PreferredCompression: [103, struct("PreferredCompression", { imageCompression: u8 })],
  GlDrawDone: [104, struct("GlDrawDone", {})],
  /** Codec types in preference order. */
  PreferredVideoCodecType: [105, struct("PreferredVideoCodecType", { codecs: array(u8, u8) })],
});

export const DisplayServerMsg = displayServer.ids;
export const DisplayClientMsg = displayClient.ids;
