import { readFileSync } from "node:fs";
import type { DecodedImage } from "@saffron/codecs";
import { TestkitError } from "./errors.js";

const MAX_PIXELS = 16384 * 16384;

/**
 * Decodes a binary PPM (P6, what spicy-screenshot writes) or PGM (P5) into a
 * `DecodedImage`: B, G, R, A bytes per pixel (the project's surface order, as in
 * @saffron/codecs), A = 255, top-down, stride width * 4. Other maxvals are rescaled to 0..255.
 */
export function decodePpm(bytes: Uint8Array): DecodedImage {
  let pos = 0;
  const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0b || c === 0x0c;
  const token = (): string => {
    for (;;) {
      while (pos < bytes.length && isSpace(bytes[pos])) pos++;
      if (bytes[pos] !== 0x23 /* # */) break;
      while (pos < bytes.length && bytes[pos] !== 0x0a) pos++;
    }
    const start = pos;
    while (pos < bytes.length && !isSpace(bytes[pos])) pos++;
    if (start === pos || pos - start > 20) throw new TestkitError("ERR_BAD_IMAGE", "PPM header truncated or malformed");
    return String.fromCharCode(...bytes.subarray(start, pos));
  };
  const magic = token();
  if (magic !== "P6" && magic !== "P5") throw new TestkitError("ERR_BAD_IMAGE", `not a binary PPM/PGM (magic ${JSON.stringify(magic)})`);
  const num = (what: string): number => {
    const t = token();
    const v = /^\d+$/.test(t) ? Number(t) : NaN;
    if (!Number.isSafeInteger(v) || v <= 0) throw new TestkitError("ERR_BAD_IMAGE", `bad PPM ${what}: ${t}`);
    return v;
  };
  const width = num("width");
  const height = num("height");
  const maxval = num("maxval");
  if (maxval > 65535 || width * height > MAX_PIXELS) throw new TestkitError("ERR_BAD_IMAGE", `PPM too large or bad maxval (${width}x${height}, ${maxval})`);
  pos++; // exactly one whitespace byte before the raster
  const channels = magic === "P6" ? 3 : 1;
  const sampleBytes = maxval > 255 ? 2 : 1;
  const need = width * height * channels * sampleBytes;
  if (bytes.length - pos < need) throw new TestkitError("ERR_BAD_IMAGE", `PPM raster truncated: ${bytes.length - pos} < ${need} bytes`);
  const data = new Uint8Array(width * height * 4);
  let src = pos;
  const sample = (): number => {
    const v = sampleBytes === 2 ? (bytes[src] << 8) | bytes[src + 1] : bytes[src];
    src += sampleBytes;
    return maxval === 255 ? v : Math.round((v * 255) / maxval);
  };
  for (let i = 0; i < width * height; i++) {
    const r = sample();
    const g = channels === 3 ? sample() : r;
    const b = channels === 3 ? sample() : r;
    data[i * 4] = b;
    data[i * 4 + 1] = g;
    data[i * 4 + 2] = r;
    data[i * 4 + 3] = 255;
  }
  return { width, height, data, hasAlpha: false };
}

/** Reads a PPM/PGM file; see `decodePpm` for the pixel layout (BGRA). */
export function readPpm(path: string): DecodedImage {
  return decodePpm(readFileSync(path));
}
