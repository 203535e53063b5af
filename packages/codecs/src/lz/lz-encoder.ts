/**
 * LZ image encoder (SPICE LZ_RGB, protocol map §6.2), written from the algorithm of spice-common
 * lz.c / lz_compress_tmpl.c so that it makes the same choices and so the same stream:
 *
 * - one hash table of 2^13 entries, DJB2 over the R, G, B bytes of 3 pixels, one entry per slot
 *   (no chains), every slot starting at pixel 0;
 * - the first two pixels are literals; at every later position a run (the previous pixel
 *   repeated 3 more times) is tried first, then the hash candidate; a match needs 1 equal pixel
 *   (RGB) or 3 (alpha), 2 / 5 when the distance is 8191 or more; distances from 73725 on are
 *   not used;
 * - matches stop 2 pixels before the end, and the last 6 pixels are never the start of one;
 * - after a match the two positions before its end enter the hash table;
 * - literal runs of at most 32 units, lengths extended by 255-bytes, the far-distance form.
 *
 * RGBA codes the colour pass (alpha ignored) and then, with a fresh table, an alpha pass.
 *
 * The passes below are the reference and the fallback: LzEncoder runs the same algorithm in
 * WebAssembly (assembly/lz-encode.ts, via lz-encode-wasm.ts) where available, with the same bytes.
 */
import { LZ_HEADER_SIZE, LZ_MAGIC, LZ_VERSION } from "./lz-header.js";
import { LzImageType } from "./lz-image-type.js";
import { checkEncoderImage, codedPixels, type EncoderImage } from "./encoder-image.js";
import { LzWasmEncoder } from "./lz-encode-wasm.js";
import { writeU32be } from "./write-u32be.js";

export type LzEncodeType = "rgb32" | "rgba";

export interface LzEncodeOptions {
  /** Code the top row first (default). With false the bottom row is coded first (top_down 0). */
  topDown?: boolean;
}

const HASH_SIZE = 1 << 13;
const HASH_MASK = HASH_SIZE - 1;
const MAX_COPY = 32;
/** Distances (biased) below this use the 2-byte form; at least this many use the far form. */
const MAX_DISTANCE = 8191;
/** Candidates this far back or further are not used. */
const MAX_FARDISTANCE = 65535 + MAX_DISTANCE - 1;
/** Matches never run into the last BOUND_OFFSET units; no match starts in the last LIMIT_OFFSET. */
const BOUND_OFFSET = 2;
const LIMIT_OFFSET = 6;

/** DJB2 (xor variant) over R, G, B of pixels i, i+1, i+2, masked to the table size. */
function hashRgb(px: Int32Array, i: number): number {
  // Only the low 13 bits are kept, and they depend only on the low bits of each step, so h is
  // masked once per pixel to stay a small integer (33^3 * 2^13 < 2^31).
  let v = px[i];
  let h = (5381 * 33) ^ ((v >>> 16) & 255);
  h = ((h << 5) + h) ^ ((v >>> 8) & 255);
  h = (((h << 5) + h) ^ (v & 255)) & HASH_MASK;
  v = px[i + 1];
  h = ((h << 5) + h) ^ ((v >>> 16) & 255);
  h = ((h << 5) + h) ^ ((v >>> 8) & 255);
  h = (((h << 5) + h) ^ (v & 255)) & HASH_MASK;
  v = px[i + 2];
  h = ((h << 5) + h) ^ ((v >>> 16) & 255);
  h = ((h << 5) + h) ^ ((v >>> 8) & 255);
  return (((h << 5) + h) ^ (v & 255)) & HASH_MASK;
}

/** The same hash over the alpha bytes (byte 3) of pixels i, i+1, i+2. */
function hashAlpha(px: Int32Array, i: number): number {
  let h = Math.imul(5381, 33) ^ (px[i] >>> 24);
  h = Math.imul(h, 33) ^ (px[i + 1] >>> 24);
  h = Math.imul(h, 33) ^ (px[i + 2] >>> 24);
  return h & HASH_MASK;
}

/** Writes a match (length without the type's bias, distance already biased by -1); returns op. */
function writeMatch(out: Uint8Array, op: number, len: number, dist: number): number {
  if (dist < MAX_DISTANCE) {
    if (len < 7) {
      out[op++] = (len << 5) + (dist >> 8);
    } else {
      out[op++] = (7 << 5) + (dist >> 8);
      for (len -= 7; len >= 255; len -= 255) out[op++] = 255;
      out[op++] = len;
    }
    out[op++] = dist & 255;
  } else {
    dist -= MAX_DISTANCE;
    if (len < 7) {
      out[op++] = (len << 5) + 31;
    } else {
      out[op++] = (7 << 5) + 31;
      for (len -= 7; len >= 255; len -= 255) out[op++] = 255;
      out[op++] = len;
    }
    out[op++] = 255;
    out[op++] = dist >> 8;
    out[op++] = dist & 255;
  }
  return op;
}

/** Literal pixel: B, G, R. */
function writeBgr(out: Uint8Array, op: number, v: number): number {
  out[op] = v;
  out[op + 1] = v >>> 8;
  out[op + 2] = v >>> 16;
  return op + 3;
}

/** The colour pass: pixels compared and coded on B, G, R only. Returns the output position. */
function compressRgb(px: Int32Array, n: number, out: Uint8Array, op: number, htab: Int32Array): number {
  if (n < 4) {
    out[op++] = n - 1;
    for (let i = 0; i < n; i++) op = writeBgr(out, op, px[i]);
    return op;
  }
  htab.fill(0);
  let lastCopy = op;
  out[op++] = MAX_COPY - 1;
  op = writeBgr(out, op, px[0]);
  op = writeBgr(out, op, px[1]);
  let copy = 2;
  let ip = 2;
  const ipBound = n - BOUND_OFFSET;
  const ipLimit = n - LIMIT_OFFSET;

  while (ip < ipLimit) {
    let anchor = ip;
    let ref: number;
    let dist: number;
    const p0 = px[ip];
    if (((px[ip - 1] ^ p0) << 8) === 0 && ((p0 ^ px[ip + 1]) << 8) === 0 && ((p0 ^ px[ip + 2]) << 8) === 0) {
      // A run: distance 1.
      dist = 0;
      ip += 3;
      ref = anchor + 2;
    } else {
      const h = hashRgb(px, ip);
      ref = htab[h];
      const distance = anchor - ref;
      htab[h] = anchor;
      // A match needs one equal pixel, a far one two.
      if (
        distance === 0 ||
        distance >= MAX_FARDISTANCE ||
        ((px[ref] ^ p0) << 8) !== 0 ||
        (distance >= MAX_DISTANCE && ((px[ref + 1] ^ px[ip + 1]) << 8) !== 0)
      ) {
        out[op] = p0;
        out[op + 1] = p0 >>> 8;
        out[op + 2] = p0 >>> 16;
        op += 3;
        ip = ++anchor;
        if (++copy === MAX_COPY) {
          copy = 0;
          lastCopy = op;
          out[op++] = MAX_COPY - 1;
        }
        continue;
      }
      if (distance >= MAX_DISTANCE) {
        ref += 2;
        ip += 2;
      } else {
        ref++;
        ip++;
      }
      dist = distance - 1;
    }

    if (dist === 0) {
      const x = px[ref];
      while (ip < ipBound) {
        if (((px[ref] ^ x) << 8) !== 0) break;
        ref++;
        ip++;
      }
    } else {
      while (ip < ipBound) {
        if (((px[ref] ^ px[ip]) << 8) !== 0) {
          ip++;
          break;
        }
        ref++;
        ip++;
      }
    }

    if (copy) out[lastCopy] = copy - 1;
    else op--;
    copy = 0;

    ip -= 3;
    op = writeMatch(out, op, ip - anchor + 2, dist);
    if (ip > anchor) htab[hashRgb(px, ip)] = ip;
    ip++;
    if (ip > anchor) htab[hashRgb(px, ip)] = ip;
    ip++;
    lastCopy = op;
    out[op++] = MAX_COPY - 1;
  }

  for (; ip < n; ip++) {
    op = writeBgr(out, op, px[ip]);
    if (++copy === MAX_COPY) {
      copy = 0;
      lastCopy = op;
      out[op++] = MAX_COPY - 1;
    }
  }
  if (copy) out[lastCopy] = copy - 1;
  else op--;
  return op;
}

/** The alpha pass (RGBA after the colour pass, XXXA): one-byte units, minimum match 3. */
function compressAlpha(px: Int32Array, n: number, out: Uint8Array, op: number, htab: Int32Array): number {
  if (n < 4) {
    out[op++] = n - 1;
    for (let i = 0; i < n; i++) out[op++] = px[i] >>> 24;
    return op;
  }
  htab.fill(0);
  let lastCopy = op;
  out[op++] = MAX_COPY - 1;
  out[op++] = px[0] >>> 24;
  out[op++] = px[1] >>> 24;
  let copy = 2;
  let ip = 2;
  const ipBound = n - BOUND_OFFSET;
  const ipLimit = n - LIMIT_OFFSET;

  while (ip < ipLimit) {
    let anchor = ip;
    let ref: number;
    let dist: number;
    const a0 = px[ip] >>> 24;
    if (px[ip - 1] >>> 24 === a0 && px[ip + 1] >>> 24 === a0 && px[ip + 2] >>> 24 === a0) {
      dist = 0;
      ip += 3;
      ref = anchor + 2;
    } else {
      const h = hashAlpha(px, ip);
      ref = htab[h];
      const distance = anchor - ref;
      htab[h] = anchor;
      let literal = distance === 0 || distance >= MAX_FARDISTANCE;
      // Three equal units, five for a far match.
      const need = distance >= MAX_DISTANCE ? 5 : 3;
      for (let k = 0; k < need && !literal; k++) {
        if (px[ref] >>> 24 !== px[ip] >>> 24) literal = true;
        else {
          ref++;
          ip++;
        }
      }
      if (literal) {
        out[op++] = px[anchor] >>> 24;
        ip = ++anchor;
        if (++copy === MAX_COPY) {
          copy = 0;
          lastCopy = op;
          out[op++] = MAX_COPY - 1;
        }
        continue;
      }
      dist = distance - 1;
    }

    if (dist === 0) {
      const x = px[ref] >>> 24;
      while (ip < ipBound) {
        if (px[ref] >>> 24 !== x) break;
        ref++;
        ip++;
      }
    } else {
      while (ip < ipBound) {
        if (px[ref] >>> 24 !== px[ip] >>> 24) {
          ip++;
          break;
        }
        ref++;
        ip++;
      }
    }

    if (copy) out[lastCopy] = copy - 1;
    else op--;
    copy = 0;

    ip -= 3;
    op = writeMatch(out, op, ip - anchor, dist);
    htab[hashAlpha(px, ip)] = ip;
    ip++;
    htab[hashAlpha(px, ip)] = ip;
    ip++;
    lastCopy = op;
    out[op++] = MAX_COPY - 1;
  }

  for (; ip < n; ip++) {
    out[op++] = px[ip] >>> 24;
    if (++copy === MAX_COPY) {
      copy = 0;
      lastCopy = op;
      out[op++] = MAX_COPY - 1;
    }
  }
  if (copy) out[lastCopy] = copy - 1;
  else op--;
  return op;
}


export interface LzEncoderOptions {
  /**
   * Encode in WebAssembly when the platform has it (default true; the same bytes, faster).
   * false always uses the JS passes of this file.
   */
  wasm?: boolean;
}

/**
 * A reusable LZ encoder: keeps its hash table and output scratch between images (no per-call
 * allocation beyond the returned stream). Not re-entrant.
 *
 * Images are encoded in WebAssembly where available (LzWasmEncoder: the encoder's own wasm memory
 * holds a copy of the pixels and the stream, about twice the image's bytes at the largest image;
 * it is dropped after an image leaves it over WASM_RETAIN_BYTES, wasm/lazy-wasm-module.ts), else by the JS passes (also
 * when the wasm memory cannot grow to the image). Both give the same bytes.
 */
export class LzEncoder {
  readonly #htab = new Int32Array(HASH_SIZE);
  #out = new Uint8Array(0);
  #scratch: Int32Array | undefined;
  /** null: JS only; undefined: wasm, instance dropped after a large image (made again on use). */
  #wasm: LzWasmEncoder | null | undefined;

  constructor(opts: LzEncoderOptions = {}) {
    this.#wasm = opts.wasm === false ? null : LzWasmEncoder.create();
  }

  /** Whether this encoder encodes in WebAssembly. */
  get usesWasm(): boolean {
    return this.#wasm !== null;
  }

  /**
   * Encodes `image` as a complete LZ stream (28-byte header + body) of type RGB32 (alpha not
   * coded) or RGBA, into a new array the caller owns. Never throws on valid input; bad
   * dimensions / short data are a RangeError.
   */
  encode(image: EncoderImage, type: LzEncodeType = "rgb32", opts: LzEncodeOptions = {}): Uint8Array {
    const topDown = opts.topDown ?? true;
    const rgba = type === "rgba";
    const out = this.#encodeWasm(image, topDown, rgba) ?? this.#encodeJs(image, topDown, rgba);
    const { width, height } = image;
    writeU32be(out, 0, LZ_MAGIC);
    writeU32be(out, 4, LZ_VERSION);
    writeU32be(out, 8, rgba ? LzImageType.Rgba : LzImageType.Rgb32);
    writeU32be(out, 12, width);
    writeU32be(out, 16, height);
    writeU32be(out, 20, width * 4);
    writeU32be(out, 24, topDown ? 1 : 0);
    const stream = out.slice();
    const wasm = this.#wasm;
    if (wasm?.oversized) this.#wasm = undefined;
    return stream;
  }

  /** The stream (header left to write) in the wasm memory, or null without WebAssembly or room for the image. */
  #encodeWasm(image: EncoderImage, topDown: boolean, rgba: boolean): Uint8Array | null {
    if (this.#wasm === null) return null;
    const stride = checkEncoderImage(image);
    this.#wasm ??= LzWasmEncoder.create();
    const wasm = this.#wasm;
    if (wasm === null) return null;
    const { width, height, data } = image;
    const n = width * height;
    const row = width * 4;
    const input = wasm.input(n, rgba);
    if (input === null) return null;
    if (topDown && (stride === row || height === 1)) {
      input.set(data.subarray(0, row * height));
    } else {
      for (let y = 0; y < height; y++) {
        const s = (topDown ? y : height - 1 - y) * stride;
        input.set(data.subarray(s, s + row), y * row);
      }
    }
    return wasm.encode(n, rgba);
  }

  /** The stream (header left to write) in the encoder's JS buffer. */
  #encodeJs(image: EncoderImage, topDown: boolean, rgba: boolean): Uint8Array {
    const px = codedPixels(image, topDown, false, this.#scratch);
    if (px.buffer !== image.data.buffer && px.length <= 1 << 20) this.#scratch = px;
    const n = image.width * image.height;
    // Worst case: every unit a literal, plus one control byte per 32 units.
    const bound = LZ_HEADER_SIZE + 16 + (rgba ? 4 : 3) * n + 2 * (Math.ceil(n / MAX_COPY) + 1);
    if (this.#out.length < bound) this.#out = new Uint8Array(Math.max(bound, Math.min(2 * this.#out.length, 64 << 20)));
    const out = this.#out;
    let op = compressRgb(px, n, out, LZ_HEADER_SIZE, this.#htab);
    if (rgba) op = compressAlpha(px, n, out, op, this.#htab);
    return out.subarray(0, op);
  }
}

let shared: LzEncoder | undefined;

/**
 * Encodes a BGRA image as an LZ stream (as carried in an LZ_RGB image): type 'rgb32' (default,
 * B,G,R coded) or 'rgba' (plus an alpha pass). Uses one shared LzEncoder.
 */
export function encodeLz(image: EncoderImage, type: LzEncodeType = "rgb32", opts: LzEncodeOptions = {}): Uint8Array {
  shared ??= new LzEncoder();
  return shared.encode(image, type, opts);
}
