import { display } from "@saffron/protocol";
/**
 * Plain parameter types of the headless canvas. They mirror the SPICE display-channel
 * structures (protocol-map §4.2) but carry decoded images instead of wire pointers, so
 * the canvas knows nothing of the wire format.
 */

/** Half-open rectangle: pixels x in [left, right), y in [top, bottom). */
export interface Rect {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export interface Point {
  x: number;
  y: number;
}

/** Clip: null/undefined = no clip; otherwise the union of the rects (an empty list clips everything). */
export type Clip = readonly Rect[] | null | undefined;

/**
 * Pixels a draw op reads from: 32-bit B,G,R,A bytes (the codecs' DecodedImage) or 8-bit alpha.
 * Rows are top-down and tightly packed. A `Surface` satisfies this interface too.
 */
export interface ImageSource {
  width: number;
  height: number;
  data: Uint8Array;
  /** False: the alpha byte is padding and reads as 255 (x8r8g8b8). */
  hasAlpha: boolean;
  /** Default "bgra". "a8" = one alpha byte per pixel. */
  pixelFormat?: PixelFormat;
}

export type PixelFormat = "bgra" | "a8";

/** 1 bit per pixel bitmap, used by QMask. Bit set = drawn. */
export interface MaskBitmap {
  width: number;
  height: number;
  /** Bytes per row. */
  stride: number;
  data: Uint8Array;
  /** SPICE 1BIT_BE (leftmost pixel in bit 7) when true, 1BIT_LE (leftmost in bit 0) when false. */
  msbFirst: boolean;
  /** Rows stored bottom row first (a bitmap without the TOP_DOWN flag). */
  bottomUp?: boolean;
}

/** SPICE QMask: mask pixel (pos.x + X - box.left, pos.y + Y - box.top) governs dest pixel (X, Y). */
export interface QMask {
  bitmap: MaskBitmap | null;
  pos: Point;
  /** SPICE_MASK_FLAGS_INVERS. Pixels outside the bitmap stay excluded either way. */
  invert: boolean;
}

export type Brush =
  | { kind: "none" }
  /** xRGB colour; bits 24-31 are kept but unreliable on the wire. */
  | { kind: "solid"; color: number }
  /** Tiled: dest pixel (X, Y) takes pattern pixel ((X - pos.x) mod w, (Y - pos.y) mod h). */
  | { kind: "pattern"; image: ImageSource; pos: Point };

/** The wire constants the canvas interprets, from the protocol schema (one definition). */
export const Ropd = display.Ropd;
export const ScaleMode = display.ScaleMode;
export type ScaleMode = (typeof ScaleMode)[keyof typeof ScaleMode];

/** SPICE surface_fmt values this canvas supports. */
export const SurfaceFormat = { A8: 8, Xrgb32: 32, Argb32: 96 } as const;
export type SurfaceFormat = (typeof SurfaceFormat)[keyof typeof SurfaceFormat];

export const PathFlags = display.PathFlags;
export const LineFlags = display.LineFlags;
export const StringFlags = { ...display.StringFlags, TopDown: display.StringFlags.RasterTopDown } as const;
export const AlphaFlags = display.AlphaFlags;

/** DRAW_COMPOSITE flag bits (Render semantics, pixman op in bits 0-7). */
export const CompositeFlags = display.CompositeFlags;

/** pixman_op_t values implemented by `composite` (others fall back to OVER). */
export const CompositeOp = {
  Clear: 0,
  Src: 1,
  Dst: 2,
  Over: 3,
  OverReverse: 4,
  In: 5,
  InReverse: 6,
  Out: 7,
  OutReverse: 8,
  Atop: 9,
  AtopReverse: 10,
  Xor: 11,
  Add: 12,
  Saturate: 13,
} as const;

/** Common to every draw op: the target box and clip. */
export interface DrawBase {
  box: Rect;
  clip?: Clip;
}

export interface FillParams extends DrawBase {
  brush: Brush;
  ropd: number;
  mask?: QMask | null;
}

/** DRAW_COPY and DRAW_BLEND. src_area is scaled onto box when the sizes differ. */
export interface CopyParams extends DrawBase {
  src: ImageSource;
  srcArea: Rect;
  ropd: number;
  scaleMode?: ScaleMode;
  mask?: QMask | null;
}

export interface OpaqueParams extends CopyParams {
  brush: Brush;
}

export interface MaskOnlyParams extends DrawBase {
  mask?: QMask | null;
}

export interface Rop3Params extends DrawBase {
  src: ImageSource;
  srcArea: Rect;
  brush: Brush;
  /** Windows ternary raster operation code (P = 0xF0, S = 0xCC, D = 0xAA). */
  rop3: number;
  scaleMode?: ScaleMode;
  mask?: QMask | null;
}

/** A point in 28.4 fixed point (value * 16). */
export type PointFix = Point;

export interface PathSegment {
  /** PathFlags bits. */
  flags: number;
  points: readonly PointFix[];
}

export interface StrokeParams extends DrawBase {
  path: readonly PathSegment[];
  /** LineFlags bits. */
  lineFlags?: number;
  /** Dash lengths in 28.4 fixed point, used when lineFlags has Styled. */
  style?: readonly number[];
  brush: Brush;
  foreMode: number;
  /** Accepted for completeness; like spice-common, off-dashes are not drawn. */
  backMode?: number;
}

export interface RasterGlyph {
  renderPos: Point;
  glyphOrigin: Point;
  width: number;
  height: number;
  /** Rows padded to a byte; 1 bpp MSB first, 4 bpp high nibble first, 8 bpp one byte. */
  data: Uint8Array;
}

export interface GlyphString {
  /** StringFlags bits: exactly one of RasterA1/A4/A8, optionally TopDown. */
  flags: number;
  glyphs: readonly RasterGlyph[];
}

export interface TextParams extends DrawBase {
  str: GlyphString;
  backArea: Rect;
  foreBrush: Brush;
  backBrush: Brush;
  foreMode: number;
  backMode: number;
}

export interface TransparentParams extends DrawBase {
  src: ImageSource;
  srcArea: Rect;
  /** Carried on the wire but unused: spice-common keys on trueColor. */
  srcColor?: number;
  /** Source pixels whose low 24 bits equal this are skipped. */
  trueColor: number;
}

export interface AlphaBlendParams extends DrawBase {
  src: ImageSource;
  srcArea: Rect;
  /** Global alpha 0..255. */
  alpha: number;
  /** AlphaFlags bits. */
  flags: number;
}

/** pixman transform in 16.16 fixed point; the third row is (0, 0, 1). */
export interface Transform {
  t00: number;
  t01: number;
  t02: number;
  t10: number;
  t11: number;
  t12: number;
}

export interface CompositeParams extends DrawBase {
  /** CompositeFlags bits, op in bits 0-7. */
  flags: number;
  src: ImageSource;
  mask?: ImageSource | null;
  srcTransform?: Transform | null;
  maskTransform?: Transform | null;
  srcOrigin: Point;
  maskOrigin: Point;
}

export interface CopyBitsParams extends DrawBase {
  srcPos: Point;
}
