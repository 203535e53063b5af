import { array, custom, empty, nullablePtr, ptr, sizedBytes, struct, switchOn, u16, u32, u64, u8, type Infer } from "./_imports.js";
import { SpiceError } from "../wire/errors.js";

/**
 * SpiceImage: the pointee of every draw op's src_bitmap, brush pattern and mask
 * (protocol-map §5.1). All pixel and compressed data are zero-copy views into the message.
 */

/** spice.proto enum8 image_type. */
export const ImageType = {
  Bitmap: 0,
  Quic: 1,
  Reserved: 2,
  LzPlt: 100,
  LzRgb: 101,
  GlzRgb: 102,
  FromCache: 103,
  Surface: 104,
  Jpeg: 105,
  FromCacheLossless: 106,
  ZlibGlzRgb: 107,
  JpegAlpha: 108,
  Lz4: 109,
} as const;
export type ImageType = (typeof ImageType)[keyof typeof ImageType];

/** spice.proto flags8 image_flags. */
export const ImageFlags = { CacheMe: 1, HighBitsSet: 2, CacheReplaceMe: 4 } as const;

/** spice.proto enum8 bitmap_fmt (1BIT_LE … 8BIT_A). */
export const BitmapFormat = {
  Invalid: 0,
  Bit1Le: 1,
  Bit1Be: 2,
  Bit4Le: 3,
  Bit4Be: 4,
  /** 8-bit palette indices. */
  Bit8: 5,
  /** x1r5g5b5 as a LE u16. */
  Bit16: 6,
  /** Bytes B, G, R. */
  Bit24: 7,
  /** xRGB as a LE u32. */
  Bit32: 8,
  /** ARGB as a LE u32. */
  Rgba: 9,
  /** Alpha only. */
  Bit8A: 10,
} as const;
export type BitmapFormat = (typeof BitmapFormat)[keyof typeof BitmapFormat];

/** spice.proto flags8 bitmap_flags (also the LZ_PLT flags). */
export const BitmapFlags = { PalCacheMe: 1, PalFromCache: 2, TopDown: 4 } as const;

/** spice.proto flags8 jpeg_alpha_flags. */
export const JpegAlphaFlags = { TopDown: 1 } as const;

/** spice.proto struct Palette. Entries are 0x00RRGGBB. */
export const Palette = struct("Palette", { unique: u64, ents: array(u16, u32) });
export type Palette = Infer<typeof Palette>;

/** Palette by cache id (PAL_FROM_CACHE) or behind a pointer, as BitmapData and LZPLTData switch on their flags. */
interface PaletteRef {
  paletteId: bigint | null;
  palette: Palette | null;
}
const palettePtr = ptr(Palette);
const paletteNullablePtr = nullablePtr(Palette);

/** spice.proto struct BitmapData: data is stride·y bytes. Without TOP_DOWN the first row is the bottom one. */
export type BitmapData = {
  format: number;
  flags: number;
  x: number;
  y: number;
  stride: number;
  data: Uint8Array;
} & PaletteRef;

export const BitmapData = custom<BitmapData>(
  "BitmapData",
  (r, ctx) => {
    const format = r.u8("bitmap format");
    const flags = r.u8("bitmap flags");
    const x = r.u32("bitmap x");
    const y = r.u32("bitmap y");
    const stride = r.u32("bitmap stride");
    let paletteId: bigint | null = null;
    let palette: Palette | null = null;
    if (flags & BitmapFlags.PalFromCache) paletteId = r.u64("bitmap palette id");
    else palette = paletteNullablePtr.read(r, ctx);
    const data = r.view(stride * y, "bitmap data");
    return { format, flags, x, y, stride, paletteId, palette, data };
  },
  (w, v, ctx) => {
    w.u8(v.format).u8(v.flags).u32(v.x).u32(v.y).u32(v.stride);
    if (v.flags & BitmapFlags.PalFromCache) w.u64(v.paletteId ?? 0n);
    else paletteNullablePtr.write(w, v.palette, ctx);
    if (v.data.length !== v.stride * v.y) throw new Error(`BitmapData: ${v.data.length} data bytes for stride ${v.stride} × ${v.y}`);
    w.bytes(v.data);
  },
);

/** spice.proto struct LZPLTData: the palette pointer must not be null. */
export type LzPltData = { flags: number; data: Uint8Array } & PaletteRef;

export const LzPltData = custom<LzPltData>(
  "LzPltData",
  (r, ctx) => {
    const flags = r.u8("lz_plt flags");
    const dataSize = r.u32("lz_plt data_size");
    let paletteId: bigint | null = null;
    let palette: Palette | null = null;
    if (flags & BitmapFlags.PalFromCache) paletteId = r.u64("lz_plt palette id");
    else palette = palettePtr.read(r, ctx);
    return { flags, paletteId, palette, data: r.view(dataSize, "lz_plt data") };
  },
  (w, v, ctx) => {
    w.u8(v.flags).u32(v.data.length);
    if (v.flags & BitmapFlags.PalFromCache) w.u64(v.paletteId ?? 0n);
    else {
      if (!v.palette) throw new Error("LzPltData: palette required without PAL_FROM_CACHE");
      palettePtr.write(w, v.palette, ctx);
    }
    w.bytes(v.data);
  },
);

/** spice.proto struct BinaryData (QUIC, LZ_RGB, GLZ_RGB, JPEG, LZ4 bodies). */
export const BinaryData = struct("BinaryData", { data: sizedBytes(u32) });

/** spice.proto struct ZlibGlzRGBData: glzDataSize is the inflated GLZ stream size. */
export const ZlibGlzRgbData = struct("ZlibGlzRgbData", { glzDataSize: u32, data: sizedBytes(u32) });

/** spice.proto struct JPEGAlphaData: data is jpegSize bytes of JPEG followed by an LZ alpha stream. */
export const JpegAlphaData = struct("JpegAlphaData", { flags: u8, jpegSize: u32, data: sizedBytes(u32) });
export type JpegAlphaData = Infer<typeof JpegAlphaData>;

/** spice.proto struct ImageDescriptor (18 bytes). */
export const ImageDescriptor = struct("ImageDescriptor", { id: u64, type: u8, flags: u8, width: u32, height: u32 });
export type ImageDescriptor = Infer<typeof ImageDescriptor>;

/**
 * spice.proto struct Image: descriptor, then the body selected by descriptor.type. Bodies
 * are merged into the image, except those with their own `flags` (BITMAP, LZ_PLT,
 * JPEG_ALPHA), which sit under `bitmap`, `lzPlt` and `jpegAlpha`.
 */
export const Image = switchOn("Image", ImageDescriptor, "type", {
  [ImageType.Bitmap]: struct("BitmapImage", { bitmap: BitmapData }),
  [ImageType.Quic]: BinaryData,
  [ImageType.LzPlt]: struct("LzPltImage", { lzPlt: LzPltData }),
  [ImageType.LzRgb]: BinaryData,
  [ImageType.GlzRgb]: BinaryData,
  [ImageType.FromCache]: empty,
  [ImageType.Surface]: struct("SurfaceImage", { surfaceId: u32 }),
  [ImageType.Jpeg]: BinaryData,
  [ImageType.FromCacheLossless]: empty,
  [ImageType.ZlibGlzRgb]: ZlibGlzRgbData,
  [ImageType.JpegAlpha]: struct("JpegAlphaImage", { jpegAlpha: JpegAlphaData }),
  [ImageType.Lz4]: BinaryData,
});
export type Image = Infer<typeof Image>;

/** `image_size(bpp, w, h)` from spice.proto: bytes of a packed raster with byte-aligned rows. */
export function imageSize(bpp: number, width: number, height: number): number {
  return Math.floor((bpp * width + 7) / 8) * height;
}

/** The JPEG and alpha parts of a JPEG_ALPHA body; a jpegSize beyond the data is malformed. */
export function splitJpegAlpha(d: JpegAlphaData): { jpeg: Uint8Array; alpha: Uint8Array } {
  if (d.jpegSize > d.data.length) {
    throw new SpiceError("ERR_SPICE_MALFORMED", `JPEG_ALPHA jpeg_size ${d.jpegSize} over data_size ${d.data.length}`);
  }
  return { jpeg: d.data.subarray(0, d.jpegSize), alpha: d.data.subarray(d.jpegSize) };
}
