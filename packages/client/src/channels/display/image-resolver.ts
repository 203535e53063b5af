import {
  BitmapFormat,
  CodecError,
  decodeBitmap,
  decodeGlz,
  decodeJpegAlphaSync,
  decodeJpegSync,
  decodeLz,
  decodeLz4,
  decodeLzAlpha,
  decodeQuic,
  decodeZlibGlz,
  readLzHeader,
  readQuicHeader,
  type DecodedImage,
  type GlzDictionary,
  type PaletteCache,
  type SyncJpegDecoder,
} from "@saffron/codecs";
import { SpiceError, image as img } from "@saffron/protocol";
import type { ImageCache } from "../../session/image-cache.js";
import type { ImageSource, Surface } from "../../surfaces/index.js";

export type Inflate = (deflated: Uint8Array, expectedSize: number) => Uint8Array;

export interface ImageResolverDeps {
  images: ImageCache;
  palettes: PaletteCache;
  glz: GlzDictionary;
  surface(id: number): Surface | undefined;
  jpeg: SyncJpegDecoder;
  inflate: Inflate;
}

/** Statistics of what the server sent, by image type name. */
export type ImageStats = Record<string, { count: number; pixels: number; bytes: number }>;

const TYPE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(img.ImageType).map(([k, v]) => [v, k]));

/**
 * Turns a SpiceImage into pixels: decodes every compressed type, resolves palettes, the
 * image cache (CACHE_ME, FROM_CACHE, FROM_CACHE_LOSSLESS, CACHE_REPLACE_ME) and SURFACE
 * images (canvas_get_image_internal in spice-common is the reference behaviour).
 */
export class ImageResolver {
  readonly stats: ImageStats = {};

  constructor(private readonly deps: ImageResolverDeps) {}

  resolve(image: img.Image): ImageSource {
    const d = image;
    const { images } = this.deps;
    switch (d.type) {
      case img.ImageType.FromCache:
      case img.ImageType.FromCacheLossless: {
        const hit = images.get(d.id, d.type === img.ImageType.FromCacheLossless);
        this.count(d);
        return hit;
      }
      case img.ImageType.Surface: {
        const s = this.deps.surface(d.surfaceId);
        if (!s) throw new SpiceError("ERR_SPICE_MALFORMED", `SURFACE image refers to unknown surface ${d.surfaceId}`);
        return s;
      }
      default:
        break;
    }
    const decoded = this.decode(d);
    if (decoded.width !== d.width || decoded.height !== d.height) {
      throw new SpiceError("ERR_IMAGE_CORRUPT", `${TYPE_NAMES[d.type]} image is ${decoded.width}x${decoded.height}, descriptor says ${d.width}x${d.height}`);
    }
    const lossy = d.type === img.ImageType.Jpeg || d.type === img.ImageType.JpegAlpha;
    if (d.flags & (img.ImageFlags.CacheMe | img.ImageFlags.CacheReplaceMe)) images.put(d.id, decoded, lossy);
    this.count(d);
    return decoded;
  }

  /**
   * Decodes a picture that is sent whole (LZ_RGB, LZ_PLT, QUIC or LZ4) and that the server does
   * not ask to cache, straight into `out`: its width·height B,G,R,A pixels, rows top-down, exactly
   * as resolve() would give them. Returns false, with nothing written, for any other image (or a
   * stream whose header does not match its descriptor), which the caller resolves as usual. On a
   * corrupt stream it throws as resolve() does, and `out` may be partly written.
   */
  decodeInto(d: img.Image, out: Uint8Array): boolean {
    if (d.flags & (img.ImageFlags.CacheMe | img.ImageFlags.CacheReplaceMe) || out.length !== d.width * d.height * 4) return false;
    if (!this.codedSizeMatches(d)) return false;
    this.decode(d, out);
    this.count(d);
    return true;
  }

  /** Whether `d` is of a type decodeInto() takes, and its stream's own header gives its descriptor's size. */
  private codedSizeMatches(d: img.Image): boolean {
    try {
      switch (d.type) {
        case img.ImageType.LzRgb:
        case img.ImageType.LzPlt:
        case img.ImageType.Quic: {
          const h = d.type === img.ImageType.Quic ? readQuicHeader(d.data) : readLzHeader(d.type === img.ImageType.LzPlt ? d.lzPlt.data : d.data);
          return h.width === d.width && h.height === d.height;
        }
        case img.ImageType.Lz4:
          return true;
        default:
          return false;
      }
    } catch {
      return false; // resolve() reports the corrupt header
    }
  }

  private count(d: img.Image): void {
    const name = TYPE_NAMES[d.type] ?? String(d.type);
    const s = (this.stats[name] ??= { count: 0, pixels: 0, bytes: 0 });
    s.count++;
    s.pixels += d.width * d.height;
    s.bytes += payloadBytes(d);
  }

  /** `out`, for the types decodeInto() takes, receives the pixels. */
  private decode(d: img.Image, out?: Uint8Array): DecodedImage {
    try {
      switch (d.type) {
        case img.ImageType.Bitmap: {
          const b = d.bitmap;
          const palette = b.format >= BitmapFormat.OneBitLE && b.format <= BitmapFormat.EightBit ? this.palette(b.flags, b.palette, b.paletteId) : undefined;
          return decodeBitmap({
            format: b.format as never,
            width: b.x,
            height: b.y,
            stride: b.stride,
            topDown: (b.flags & img.BitmapFlags.TopDown) !== 0,
            data: b.data,
            palette,
          });
        }
        case img.ImageType.Quic:
          return decodeQuic(d.data, out);
        case img.ImageType.LzRgb:
          return decodeLz(d.data, { out });
        case img.ImageType.LzPlt:
          return decodeLz(d.lzPlt.data, { palette: this.palette(d.lzPlt.flags, d.lzPlt.palette, d.lzPlt.paletteId), out });
        // GLZ pictures are the dictionary's own pixels: draw ops only read them, so no copy is needed.
        case img.ImageType.GlzRgb:
          return decodeGlz(d.data, this.deps.glz);
        case img.ImageType.ZlibGlzRgb:
          return decodeZlibGlz(d.data, d.glzDataSize, this.deps.glz, this.deps.inflate);
        case img.ImageType.Lz4:
          return decodeLz4(d.data, d.width, d.height, out);
        case img.ImageType.Jpeg:
          return decodeJpegSync(d.data, d.width, d.height, this.deps.jpeg);
        case img.ImageType.JpegAlpha: {
          return decodeJpegAlphaSync(d.jpegAlpha as never, d.width, d.height, this.deps.jpeg, decodeLzAlpha);
        }
        default:
          throw new SpiceError("ERR_SPICE_MALFORMED", `unsupported image type ${d.type}`);
      }
    } catch (e) {
      if (e instanceof CodecError) throw new SpiceError(e.code as SpiceError["code"], `${TYPE_NAMES[d.type]} image ${d.width}x${d.height}: ${e.message}`, { cause: e });
      throw e;
    }
  }

  private palette(flags: number, palette: img.Palette | null, paletteId: bigint | null): Uint32Array {
    const p = this.deps.palettes.resolve(flags, palette ? { unique: palette.unique, entries: Uint32Array.from(palette.ents) } : undefined, paletteId ?? undefined);
    if (!p) throw new SpiceError("ERR_SPICE_MALFORMED", "palette image without a palette");
    return p;
  }
}

/** Compressed payload size of an image body (bodies with their own flags nest their data). */
function payloadBytes(d: img.Image): number {
  if ("data" in d && d.data instanceof Uint8Array) return d.data.length;
  if ("jpegAlpha" in d) return d.jpegAlpha.data.length;
  if ("lzPlt" in d) return d.lzPlt.data.length;
  if ("bitmap" in d) return d.bitmap.data.length;
  return 0;
}
