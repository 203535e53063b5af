import { image as img } from "@saffron/protocol";
import type { DamageRect, Framebuffer } from "../sources/display-source.js";
import {
  binaryImage,
  bitmapImage,
  extractRect,
  looksPhotographic,
  type ClientImageCaps,
  type ImageCompressionMode,
} from "./image-encoder.js";

type Pixels = { width: number; height: number; data: Uint8Array; stride: number };

/** The encoders the server has; each returns the codec stream for a BGRX rect. */
export interface EncoderSet {
  quic?: (p: Pixels) => Uint8Array;
  lz?: (p: Pixels) => Uint8Array;
  lz4?: (p: Pixels) => Uint8Array;
  /** GLZ needs the client's dictionary: created per client with its window, ended with the client. */
  glz?: (windowPixels: number) => GlzClientEncoder;
  /** zlib (RFC 1950) compression of a GLZ stream, for ZLIB_GLZ_RGB images (type 107). */
  deflate?: (data: Uint8Array) => Uint8Array;
}

/** One client's GLZ encoder (its dictionary). */
export interface GlzClientEncoder {
  encode(p: Pixels): Uint8Array;
  /** The client left: release the dictionary. */
  dispose(): void;
}

/** --zlib-glz-wan-compression, as spice-server names it. */
export type ZlibGlzWanMode = "auto" | "never" | "always";

/** Per-client image encoding: applies the compression policy with what the client supports. */
export class ClientImageEncoder {
  private glz?: GlzClientEncoder;
  /** Images sent, by image type name. */
  readonly stats: Record<string, { count: number; bytes: number; pixels: number }> = {};

  constructor(
    private readonly encoders: EncoderSet,
    private readonly mode: ImageCompressionMode,
    private readonly caps: ClientImageCaps,
    /** Is ZLIB_GLZ on now (asked per image: `always`, or `auto` on a slow link)? */
    private readonly zlibGlz: () => boolean = () => false,
  ) {
    if (encoders.glz && caps.glzWindow > 0) this.glz = encoders.glz(caps.glzWindow);
  }

  /** The client left (or re-initialised its display): ends its GLZ dictionary. */
  dispose(): void {
    this.glz?.dispose();
    this.glz = undefined;
  }

  /** The effective mode: the client's PREFERRED_COMPRESSION wins, as in spice-server. */
  get effectiveMode(): ImageCompressionMode {
    return this.caps.preferred ?? this.mode;
  }

  setPreferred(mode: ImageCompressionMode | undefined): void {
    this.caps.preferred = mode;
  }

  encode(fb: Framebuffer, r: DamageRect): img.Image {
    return this.encodePixels(extractRect(fb, r));
  }

  /**
   * Would the policy send these pixels as QUIC because they look like a photo? That is where
   * JPEG takes QUIC's place when JPEG-WAN compression is on (spice-server: JPEG replaces a
   * QUIC choice when lossy is allowed). Only the quic and auto modes ever pick QUIC; here
   * only photo-like pixels qualify in every mode (text stays sharp even with `quic`).
   */
  photoCandidate(pixels: Pixels): boolean {
    const m = this.effectiveMode;
    return (m === "quic" || m === "auto_lz" || m === "auto_glz") && looksPhotographic(pixels);
  }

  /** A JPEG image (type 105) of `pixels`, counted in the stats. */
  jpegImage(pixels: Pixels, jpeg: Uint8Array): img.Image {
    const image = binaryImage(img.ImageType.Jpeg, pixels.width, pixels.height, jpeg);
    this.count(image, pixels);
    return image;
  }

  /**
   * A reference to an image the client holds in its pixmap cache: FROM_CACHE, or
   * FROM_CACHE_LOSSLESS when `lossless` (the entry must not be a lossy copy). Counted in the
   * stats under its type with 0 bytes.
   */
  cachedImage(id: bigint, pixels: Pixels, lossless: boolean): img.Image {
    const image = { id, type: lossless ? img.ImageType.FromCacheLossless : img.ImageType.FromCache, flags: 0, width: pixels.width, height: pixels.height } as img.Image;
    this.count(image, pixels);
    return image;
  }

  encodePixels(pixels: Pixels): img.Image {
    const e = this.encoders;
    const g = this.glz;
    const glz = g && pixels.width * pixels.height < this.caps.glzWindow ? (p: Pixels) => g.encode(p) : undefined;
    let image: img.Image;
    const pick = (type: number, f: ((p: Pixels) => Uint8Array) | undefined): img.Image | undefined =>
      f ? binaryImage(type, pixels.width, pixels.height, f(pixels)) : undefined;
    switch (this.effectiveMode) {
      case "off":
        image = bitmapImage(pixels);
        break;
      case "quic":
        image = pick(img.ImageType.Quic, e.quic) ?? bitmapImage(pixels);
        break;
      case "lz":
        image = pick(img.ImageType.LzRgb, e.lz) ?? bitmapImage(pixels);
        break;
      case "glz":
        image = pick(img.ImageType.GlzRgb, glz) ?? pick(img.ImageType.LzRgb, e.lz) ?? bitmapImage(pixels);
        break;
      case "lz4":
        image = (this.caps.lz4 ? pick(img.ImageType.Lz4, e.lz4) : undefined) ?? pick(img.ImageType.LzRgb, e.lz) ?? bitmapImage(pixels);
        break;
      case "auto_lz":
        image = (looksPhotographic(pixels) ? pick(img.ImageType.Quic, e.quic) : undefined) ?? pick(img.ImageType.LzRgb, e.lz) ?? bitmapImage(pixels);
        break;
      case "auto_glz":
        image =
          (looksPhotographic(pixels) ? pick(img.ImageType.Quic, e.quic) : undefined) ??
          pick(img.ImageType.GlzRgb, glz) ??
          pick(img.ImageType.LzRgb, e.lz) ??
          bitmapImage(pixels);
        break;
    }
    if (image.type === img.ImageType.GlzRgb && e.deflate && this.zlibGlz()) image = this.zlibWrap(image as img.Image & { data: Uint8Array });
    this.count(image, pixels);
    return image;
  }

  /** ZLIB_GLZ_RGB when deflating the GLZ stream makes it smaller (as spice-server decides). */
  private zlibWrap(glz: img.Image & { data: Uint8Array }): img.Image {
    const z = this.encoders.deflate!(glz.data);
    if (z.length >= glz.data.length) return glz;
    return { id: glz.id, type: img.ImageType.ZlibGlzRgb, flags: glz.flags, width: glz.width, height: glz.height, glzDataSize: glz.data.length, data: z } as img.Image;
  }

  private count(image: img.Image, pixels: Pixels): void {
    const name = Object.entries(img.ImageType).find(([, v]) => v === image.type)?.[0] ?? String(image.type);
    const s = (this.stats[name] ??= { count: 0, bytes: 0, pixels: 0 });
    s.count++;
    s.pixels += pixels.width * pixels.height;
    const cached = image.type === img.ImageType.FromCache || image.type === img.ImageType.FromCacheLossless;
    s.bytes += cached ? 0 : "data" in image && image.data instanceof Uint8Array ? image.data.length : pixels.data.length;
  }
}
