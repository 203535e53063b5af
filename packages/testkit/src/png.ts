import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { DecodedImage } from "@saffron/codecs";
import pngjs from "pngjs";
import { TestkitError } from "./errors.js";

const { PNG } = pngjs;

/** Decodes PNG bytes into a `DecodedImage` (B, G, R, A per pixel, top-down, stride width * 4). */
export function decodePng(bytes: Uint8Array): DecodedImage {
  let png: { width: number; height: number; data: Uint8Array };
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (err) {
    throw new TestkitError("ERR_BAD_IMAGE", `not a decodable PNG: ${(err as Error).message}`, { cause: err });
  }
  const { width, height } = png;
  const data = new Uint8Array(width * height * 4);
  let hasAlpha = false;
  for (let i = 0; i < data.length; i += 4) {
    data[i] = png.data[i + 2];
    data[i + 1] = png.data[i + 1];
    data[i + 2] = png.data[i];
    data[i + 3] = png.data[i + 3];
    if (png.data[i + 3] !== 255) hasAlpha = true;
  }
  return { width, height, data, hasAlpha };
}

/**
 * Encodes a `DecodedImage` (BGRA) as an RGBA PNG. Alpha is written only when
 * `image.hasAlpha`; otherwise the pixels are stored opaque (SPICE surfaces leave the
 * fourth byte undefined for RGB formats).
 */
export function encodePng(image: DecodedImage): Uint8Array {
  const { width, height, data } = image;
  if (data.length < width * height * 4) throw new TestkitError("ERR_BAD_IMAGE", `image data too short for ${width}x${height}`);
  const png = new PNG({ width, height });
  for (let i = 0; i < width * height * 4; i += 4) {
    png.data[i] = data[i + 2];
    png.data[i + 1] = data[i + 1];
    png.data[i + 2] = data[i];
    png.data[i + 3] = image.hasAlpha ? data[i + 3] : 255;
  }
  return PNG.sync.write(png);
}

/** Reads a PNG file; see `decodePng`. */
export function readPng(path: string): DecodedImage {
  return decodePng(readFileSync(path));
}

/** Writes `image` (BGRA) to `path` as PNG, creating parent directories. */
export function writePng(path: string, image: DecodedImage): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, encodePng(image));
}
