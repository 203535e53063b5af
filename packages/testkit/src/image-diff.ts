import type { DecodedImage } from "@saffron/codecs";
import { TestkitError } from "./errors.js";

export interface DiffOptions {
  /** A pixel counts as different when any compared channel differs by more than this (default 0). */
  tolerance?: number;
  /** Also compare the alpha byte (default false: SPICE RGB surfaces leave it undefined). */
  compareAlpha?: boolean;
}

export interface DiffResult {
  /** Pixels whose largest channel delta exceeds the tolerance. */
  differentPixels: number;
  /** Largest absolute channel delta over the whole image (0..255). */
  maxDelta: number;
  /** Peak signal-to-noise ratio in dB over the compared channels; Infinity for identical images. */
  psnr: number;
}

/** Compares two images of the same size (both BGRA `DecodedImage`s). */
export function diffImages(a: DecodedImage, b: DecodedImage, options: DiffOptions = {}): DiffResult {
  if (a.width !== b.width || a.height !== b.height) {
    throw new TestkitError("ERR_BAD_IMAGE", `image sizes differ: ${a.width}x${a.height} vs ${b.width}x${b.height}`);
  }
  const { tolerance = 0, compareAlpha = false } = options;
  const channels = compareAlpha ? 4 : 3;
  const pixels = a.width * a.height;
  let differentPixels = 0;
  let maxDelta = 0;
  let squared = 0;
  for (let p = 0; p < pixels; p++) {
    let pixelMax = 0;
    for (let c = 0; c < channels; c++) {
      const d = Math.abs(a.data[p * 4 + c] - b.data[p * 4 + c]);
      squared += d * d;
      if (d > pixelMax) pixelMax = d;
    }
    if (pixelMax > tolerance) differentPixels++;
    if (pixelMax > maxDelta) maxDelta = pixelMax;
  }
  const mse = squared / (pixels * channels);
  const psnr = mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
  return { differentPixels, maxDelta, psnr };
}

/** An RGB colour with 0..255 components. */
export interface Rgb {
  r: number;
  g: number;
  b: number;
}

/** Parses "#rrggbb" (or "rrggbb"). */
export function parseHexColor(hex: string): Rgb {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new RangeError(`not a #rrggbb colour: ${hex}`);
  return { r: parseInt(m[1], 16), g: parseInt(m[2], 16), b: parseInt(m[3], 16) };
}

/** The colour of pixel (x, y) of a BGRA image. */
export function pixelAt(image: DecodedImage, x: number, y: number): Rgb & { a: number } {
  if (x < 0 || y < 0 || x >= image.width || y >= image.height) throw new RangeError(`pixel ${x},${y} outside ${image.width}x${image.height}`);
  const i = (y * image.width + x) * 4;
  return { b: image.data[i], g: image.data[i + 1], r: image.data[i + 2], a: image.data[i + 3] };
}

/** A width x height image filled with one opaque colour (BGRA). */
export function solidImage(width: number, height: number, color: Rgb | string): DecodedImage {
  const { r, g, b } = typeof color === "string" ? parseHexColor(color) : color;
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i += 4) {
    data[i] = b;
    data[i + 1] = g;
    data[i + 2] = r;
    data[i + 3] = 255;
  }
  return { width, height, data, hasAlpha: false };
}

/** Number of distinct RGB colours, counting stops at `limit` (default 1 << 16). */
export function countColors(image: DecodedImage, limit = 1 << 16): number {
  const seen = new Set<number>();
  for (let i = 0; i < image.width * image.height * 4 && seen.size < limit; i += 4) {
    seen.add((image.data[i + 2] << 16) | (image.data[i + 1] << 8) | image.data[i]);
  }
  return seen.size;
}

/** Pixels whose colour is within `tolerance` (per channel) of `color`. */
export function countPixelsNear(image: DecodedImage, color: Rgb | string, tolerance = 0): number {
  const { r, g, b } = typeof color === "string" ? parseHexColor(color) : color;
  let n = 0;
  for (let i = 0; i < image.width * image.height * 4; i += 4) {
    if (Math.abs(image.data[i] - b) <= tolerance && Math.abs(image.data[i + 1] - g) <= tolerance && Math.abs(image.data[i + 2] - r) <= tolerance) n++;
  }
  return n;
}

/** A visual diff: identical pixels dimmed grey, differing pixels (beyond `tolerance`) in red. */
export function diffMask(a: DecodedImage, b: DecodedImage, tolerance = 0): DecodedImage {
  if (a.width !== b.width || a.height !== b.height) throw new TestkitError("ERR_BAD_IMAGE", "image sizes differ");
  const out = new Uint8Array(a.width * a.height * 4);
  for (let i = 0; i < out.length; i += 4) {
    const d = Math.max(Math.abs(a.data[i] - b.data[i]), Math.abs(a.data[i + 1] - b.data[i + 1]), Math.abs(a.data[i + 2] - b.data[i + 2]));
    const grey = ((a.data[i] + a.data[i + 1] + a.data[i + 2]) / 12) | 0;
    out[i] = d > tolerance ? 0 : grey;
    out[i + 1] = d > tolerance ? 0 : grey;
    out[i + 2] = d > tolerance ? 255 : grey;
    out[i + 3] = 255;
  }
  return { width: a.width, height: a.height, data: out, hasAlpha: false };
}

/**
 * The bounding box of the pixels whose B, G or R differ (alpha ignored); all zero when the
 * images are equal. Both images must have the same size.
 */
export function differenceBox(a: DecodedImage, b: DecodedImage): { left: number; top: number; width: number; height: number } {
  if (a.width !== b.width || a.height !== b.height) throw new TestkitError("ERR_BAD_IMAGE", "image sizes differ");
  let left = Infinity, top = Infinity, right = -1, bottom = -1;
  for (let y = 0; y < a.height; y++) {
    for (let x = 0; x < a.width; x++) {
      const i = (y * a.width + x) * 4;
      if (a.data[i] !== b.data[i] || a.data[i + 1] !== b.data[i + 1] || a.data[i + 2] !== b.data[i + 2]) {
        left = Math.min(left, x);
        right = Math.max(right, x);
        top = Math.min(top, y);
        bottom = Math.max(bottom, y);
      }
    }
  }
  return right < 0 ? { left: 0, top: 0, width: 0, height: 0 } : { left, top, width: right - left + 1, height: bottom - top + 1 };
}
