/** Test-only inputs for the LZ / GLZ / LZ4 encoders: golden PNGs as BGRX, random BGRA images. */
import type { EncoderImage } from "../encoder-image.js";
import { readPng, rng, structuredUnits } from "./test-images.js";

export interface TestImage extends EncoderImage {
  stride: number;
}

/** The golden PNG as BGRX (X = 255), as the reference encoders were fed (make-corpus.sh .bgrx). */
export function pngAsBgrx(name: string): TestImage {
  const png = readPng(name);
  const data = new Uint8Array(png.width * png.height * 4);
  const s = png.data;
  for (let i = 0; i < data.length; i += 4) {
    data[i] = s[i + 2];
    data[i + 1] = s[i + 1];
    data[i + 2] = s[i];
    data[i + 3] = 255;
  }
  return { width: png.width, height: png.height, data, stride: png.width * 4 };
}

/**
 * A w x h BGRA image with runs, repeats and noise. `alphaLevels` 0 gives A = 255; otherwise the
 * alpha takes that many values (in runs).
 */
export function randomImage(w: number, h: number, seed: number, colours = 300, alphaLevels = 0): TestImage {
  const units = structuredUnits(w * h, colours, seed);
  const data = new Uint8Array(w * h * 4);
  const r = rng(seed ^ 0x5a5a);
  let a = 255;
  for (let i = 0; i < w * h; i++) {
    const v = units[i];
    if (alphaLevels > 0 && r() < 0.05) a = Math.floor(r() * alphaLevels) * Math.floor(255 / Math.max(1, alphaLevels - 1));
    data[i * 4] = v;
    data[i * 4 + 1] = v >>> 8;
    data[i * 4 + 2] = v >>> 16;
    data[i * 4 + 3] = alphaLevels > 0 ? a & 255 : 255;
  }
  return { width: w, height: h, data, stride: w * 4 };
}

/** Copies `img` into a buffer with `pad` extra bytes per row and a `shift`-byte offset (unaligned when odd). */
export function withStride(img: TestImage, pad: number, shift: number): TestImage {
  const stride = img.width * 4 + pad;
  const buf = new Uint8Array(shift + stride * img.height + 7).fill(0xa5);
  const data = buf.subarray(shift);
  for (let y = 0; y < img.height; y++) data.set(img.data.subarray(y * img.stride, y * img.stride + img.width * 4), y * stride);
  return { width: img.width, height: img.height, data, stride };
}

/** B,G,R (and A when `alpha`) of `decoded` equal `img`'s, pixel for pixel. */
export function samePixels(decoded: Uint8Array, img: EncoderImage, alpha: boolean): boolean {
  const stride = img.stride ?? img.width * 4;
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const d = (y * img.width + x) * 4;
      const s = y * stride + x * 4;
      if (decoded[d] !== img.data[s] || decoded[d + 1] !== img.data[s + 1] || decoded[d + 2] !== img.data[s + 2]) return false;
      if (alpha && decoded[d + 3] !== img.data[s + 3]) return false;
    }
  }
  return true;
}

/** The image scrolled up by `rows` (as a terminal does), the new bottom rows filled from `fill`. */
export function scrolled(img: TestImage, rows: number, fill: TestImage): TestImage {
  const row = img.width * 4;
  const data = new Uint8Array(img.data.length);
  data.set(img.data.subarray(rows * row, img.height * row));
  data.set(fill.data.subarray(0, rows * row), (img.height - rows) * row);
  return { width: img.width, height: img.height, data, stride: row };
}
