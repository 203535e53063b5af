import { display as dsp, image as img } from "@saffron/protocol";
import type { DamageRect, Framebuffer } from "../sources/display-source.js";

/** --image-compression, as spice-server names them. */
export type ImageCompressionMode = "off" | "quic" | "lz" | "glz" | "lz4" | "auto_lz" | "auto_glz";
export type JpegWanMode = "auto" | "never" | "always";

/** What a client said it can take. */
export interface ClientImageCaps {
  lz4: boolean;
  /** GLZ window in pixels from DISPLAY_INIT; 0 = no GLZ (spice-html5). */
  glzWindow: number;
  /** PREFERRED_COMPRESSION override, if the client sent one. */
  preferred?: ImageCompressionMode;
}

/** A codec turning BGRX pixels into a SPICE image body. Encoders register here. */
export interface PixelCodec {
  readonly type: number;
  encode(pixels: { width: number; height: number; data: Uint8Array; stride: number }): Uint8Array;
}

export const PREFERRED_COMPRESSION_NAMES: Record<number, ImageCompressionMode> = {
  [dsp.ImageCompression.Off]: "off",
  [dsp.ImageCompression.AutoGlz]: "auto_glz",
  [dsp.ImageCompression.AutoLz]: "auto_lz",
  [dsp.ImageCompression.Quic]: "quic",
  [dsp.ImageCompression.Glz]: "glz",
  [dsp.ImageCompression.Lz]: "lz",
  [dsp.ImageCompression.Lz4]: "lz4",
};

let nextImageId = 1n;

/** Copies a rect out of the framebuffer as tightly packed BGRX rows. */
export function extractRect(fb: Framebuffer, r: DamageRect): { width: number; height: number; data: Uint8Array; stride: number } {
  const width = r.right - r.left;
  const height = r.bottom - r.top;
  const row = width * 4;
  const data = new Uint8Array(row * height);
  for (let y = 0; y < height; y++) {
    const off = (r.top + y) * fb.stride + r.left * 4;
    data.set(fb.data.subarray(off, off + row), y * row);
  }
  return { width, height, data, stride: row };
}

/** An uncompressed 32-bit top-down BITMAP image: understood by every client. */
export function bitmapImage(pixels: { width: number; height: number; data: Uint8Array; stride: number }): img.Image {
  return {
    id: nextImageId++,
    type: img.ImageType.Bitmap,
    flags: 0,
    width: pixels.width,
    height: pixels.height,
    bitmap: {
      format: img.BitmapFormat.Bit32,
      flags: img.BitmapFlags.TopDown,
      x: pixels.width,
      y: pixels.height,
      stride: pixels.stride,
      paletteId: null,
      palette: null,
      data: pixels.data,
    },
  } as img.Image;
}

/** A compressed image whose body is `data_size` + stream (QUIC, LZ_RGB, GLZ_RGB, LZ4). */
export function binaryImage(type: number, width: number, height: number, data: Uint8Array): img.Image {
  return { id: nextImageId++, type, flags: 0, width, height, data } as img.Image;
}

/** Is the rect one solid colour? Returns the xRGB colour or -1. */
export function solidColor(fb: Framebuffer, r: DamageRect): number {
  const u32 = new Uint32Array(fb.data.buffer, fb.data.byteOffset, fb.data.byteLength >>> 2);
  const stride32 = fb.stride >>> 2;
  const first = u32[r.top * stride32 + r.left]! & 0xffffff;
  for (let y = r.top; y < r.bottom; y++) {
    const base = y * stride32;
    for (let x = r.left; x < r.right; x++) if ((u32[base + x]! & 0xffffff) !== first) return -1;
  }
  return first;
}

/**
 * Rough "is this photo-like?" test, as spice-server's graduality check: the share of pixels
 * that differ from their left neighbour by a small non-zero amount (smooth gradients) vs.
 * flat runs and sharp edges. Used by the auto modes to pick QUIC over LZ/GLZ.
 */
export function looksPhotographic(pixels: { width: number; height: number; data: Uint8Array; stride: number }): boolean {
  const { width, height, data, stride } = pixels;
  if (width * height < 2048) return false;
  let smooth = 0;
  let flat = 0;
  let samples = 0;
  const stepY = Math.max(1, Math.floor(height / 32));
  for (let y = 0; y < height; y += stepY) {
    let p = y * stride;
    for (let x = 1; x < width; x++) {
      const q = p + 4;
      const d = Math.abs(data[q]! - data[p]!) + Math.abs(data[q + 1]! - data[p + 1]!) + Math.abs(data[q + 2]! - data[p + 2]!);
      if (d === 0) flat++;
      else if (d < 24) smooth++;
      samples++;
      p = q;
    }
  }
  return samples > 0 && smooth / samples > 0.5 && flat / samples < 0.3;
}
