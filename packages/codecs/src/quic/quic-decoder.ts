import { CodecError } from "../errors.js";
import { allocImage, type DecodedImage } from "../pixels.js";
import { QUIC_HEADER_BYTES, QuicImageType, readQuicHeader } from "./quic-header.js";
import {
  MODEL_STATE_WORDS,
  newBestByCtx,
  newCounters,
  PLANE_SLOT,
  PLANE_STATE,
  resetModel,
  RGB_STATE,
  S_MEL,
  S_SEED,
  S_WAITCNT,
  S_WMIDX,
  S_WMILEFT,
  SLOTS,
  updateModel,
} from "./quic-model.js";
import {
  FAMILY_5BPC,
  FAMILY_8BPC,
  type GolombFamily,
  MEL_LEN,
  MEL_STATE_MAX,
  TABRAND,
  WM_INDEX_MAX,
  WM_INDEX_STEP,
  WM_TRIGGER,
} from "./quic-tables.js";
import { QuicWasmDecoder } from "./quic-wasm.js";

/*
 * QUIC decoder (protocol-map §6.1). The stream is a sequence of little-endian u32 words whose
 * bits are consumed MSB first. It is copied into an Int32Array with zero padding after the data,
 * so the bit reader can peek 32 bits at any position without bounds checks; the padding is larger
 * than anything one row can consume, and the bit position is checked against the real data size
 * after every row.
 *
 * Pixels are decoded straight into the output as 0xAARRGGBB words (B, G, R, A in memory on
 * little-endian hosts). Rows of RGB16 hold their 5-bit components until a final widening pass.
 *
 * Where WebAssembly is available, QuicDecoder runs the same decoder compiled from
 * assembly/quic-decode.ts (quic-wasm.ts) instead: same pixels, same errors, faster, and no JIT
 * warm-up of the functions below. This file's decoder is the fallback and the reference.
 */

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;
/** Byte offsets, within one pixel word, of the components written through a byte view. */
const ALPHA_BYTE = LITTLE_ENDIAN ? 3 : 0;
const BLUE_BYTE = LITTLE_ENDIAN ? 0 : 3;
const OPAQUE = 0xff000000 | 0;
const RGB_MASK = 0xffffff;

/** Streams are limited to 2^28 bytes so that bit positions stay int32. */
const MAX_STREAM_BYTES = 1 << 28;

function corrupt(message: string, bitPos: number): CodecError {
  return new CodecError("ERR_QUIC_CORRUPT", message, bitPos >>> 3);
}

/** The 32 stream bits starting at bit position p, MSB first. */
function peek(words: Int32Array, p: number): number {
  const w = p >>> 5;
  const sh = p & 31;
  return (words[w] << sh) | ((words[w + 1] >>> 1) >>> (31 - sh));
}

/**
 * Reads one adaptive Golomb-Rice codeword with code number l at bit position p.
 * Returns symbol | (codeword length << 16); the symbol may exceed the bit depth on corrupt input.
 */
function golomb(words: Int32Array, p: number, l: number, code: Int32Array): number {
  const bits = peek(words, p);
  const zeros = Math.clz32(bits);
  const f = l << 2;
  if (zeros < code[f]) {
    const len = zeros + 1 + l;
    return ((zeros << l) | ((bits >>> (32 - len)) & ((1 << l) - 1))) | (len << 16);
  }
  const len = code[f + 2];
  return (code[f + 1] + ((bits >>> (32 - len)) & code[f + 3])) | (len << 16);
}

export interface QuicDecoderOptions {
  /**
   * Decode in WebAssembly when the platform has it (default true; the same pixels and errors).
   * false always uses the JS decoder.
   */
  wasm?: boolean;
}

/**
 * A QUIC decoder that keeps its model tables and buffers between images. Decoding is synchronous;
 * one instance must not be used from two decodes at once (it never is, in single-threaded JS).
 *
 * With WebAssembly (the default where available), each QuicDecoder instantiates the module on
 * its first decode and keeps the instance; its memory holds a copy of the stream, the decoded
 * pixels (4 bytes each) and small per-row buffers, and grows to the largest image decoded (up to
 * WASM_RETAIN_BYTES, past which the instance is dropped after that image). Drop the decoder to
 * release it. The JS decoder below is used when WebAssembly is missing or refuses the module,
 * when its memory cannot grow to an image, or with `{ wasm: false }`.
 */
export class QuicDecoder {
  /** undefined: not instantiated yet; null: the JS decoder only. */
  private wasm: QuicWasmDecoder | null | undefined;
  private words = new Int32Array(0);
  private wordBytes = new Uint8Array(0);
  /** Bits of real stream data; consuming past this is corruption. */
  private limitBits = 0;
  /** Current bit position, carried between row calls. */
  private pos = 0;
  /** Per slot, the symbols of the row being decoded; index i + 1 holds pixel i, index 0 is "-1". */
  private corr = new Uint8Array(0);
  private corrStride = 0;
  private readonly bestByCtx = newBestByCtx();
  private readonly counters = newCounters();
  private readonly state = new Int32Array(MODEL_STATE_WORDS);
  private scratch = new Uint32Array(0);

  constructor(opts: QuicDecoderOptions = {}) {
    if (opts.wasm === false) this.wasm = null;
  }

  /** Whether this decoder decodes in WebAssembly (instantiates the module if not done yet). */
  get usesWasm(): boolean {
    return this.wasmDecoder() !== null;
  }

  private wasmDecoder(): QuicWasmDecoder | null {
    if (this.wasm === undefined) this.wasm = QuicWasmDecoder.create();
    return this.wasm;
  }

  /**
   * Decodes a QUIC stream (starting with the magic) into BGRA pixels, in `out` when given (at
   * least width * height * 4 bytes; RangeError otherwise) or a new array. Corrupt or truncated
   * input throws CodecError ERR_QUIC_CORRUPT.
   */
  decode(data: Uint8Array, out?: Uint8Array): DecodedImage {
    const { type, width, height } = readQuicHeader(data);
    if (data.length > MAX_STREAM_BYTES) {
      throw new CodecError("ERR_QUIC_CORRUPT", `QUIC stream too large: ${data.length} bytes`);
    }
    const channels = type === QuicImageType.Gray ? 1 : type === QuicImageType.Rgba ? 4 : 3;
    const nWords = data.length >>> 2;
    // Every coded symbol takes at least one bit; row 0 and the first 3 pixels of later rows are
    // always coded. Reject streams that cannot hold the claimed image before allocating it.
    const minBits = channels * (width + (height - 1) * Math.min(width, 3));
    if (nWords * 32 - QUIC_HEADER_BYTES * 8 < minBits) {
      throw new CodecError("ERR_QUIC_CORRUPT", `QUIC stream of ${data.length} bytes is too short for ${width}x${height}`);
    }

    const image = allocImage(width, height, type === QuicImageType.Rgba, out);
    const wasm = this.wasmDecoder();
    if (wasm !== null) {
      let done = false;
      try {
        done = wasm.decode(data, type, width, height, image.data);
      } finally {
        if (wasm.oversized) this.wasm = undefined;
      }
      if (done) return image;
    }

    const pixels = width * height;
    const outBytes = image.data;
    let px: Uint32Array;
    let direct = false;
    if ((outBytes.byteOffset & 3) === 0) {
      px = new Uint32Array(outBytes.buffer, outBytes.byteOffset, pixels);
      direct = true;
    } else {
      if (this.scratch.length < pixels) this.scratch = new Uint32Array(pixels);
      px = this.scratch.subarray(0, pixels);
    }
    const bytes = new Uint8Array(px.buffer, px.byteOffset, pixels * 4);

    this.load(data, nWords, width);
    this.reset(width, type === QuicImageType.Rgb16 ? FAMILY_5BPC : FAMILY_8BPC);

    switch (type) {
      case QuicImageType.Rgb32:
      case QuicImageType.Rgb24:
        for (let y = 0; y < height; y++) this.rgbRow(px, y, width, FAMILY_8BPC, OPAQUE);
        break;
      case QuicImageType.Rgb16:
        for (let y = 0; y < height; y++) this.rgbRow(px, y, width, FAMILY_5BPC, OPAQUE);
        widen555(px);
        break;
      case QuicImageType.Rgba:
        for (let y = 0; y < height; y++) {
          this.rgbRow(px, y, width, FAMILY_8BPC, 0);
          this.planeRow(bytes, y, width, ALPHA_BYTE);
        }
        break;
      case QuicImageType.Gray:
        for (let y = 0; y < height; y++) this.planeRow(bytes, y, width, BLUE_BYTE);
        grayToBgra(px, bytes);
        break;
    }

    if (!LITTLE_ENDIAN) swapWords(px);
    if (!direct) outBytes.set(bytes);
    return image;
  }

  /** Copies the whole words of the stream and zero-pads beyond them (see the file comment). */
  private load(data: Uint8Array, nWords: number, width: number): void {
    const need = nWords + 4 * width + 16;
    if (this.words.length < need) {
      const size = Math.max(need, Math.floor(this.words.length * 1.5));
      this.words = new Int32Array(size);
      this.wordBytes = new Uint8Array(this.words.buffer);
    }
    this.wordBytes.set(data.subarray(0, nWords * 4));
    this.words.fill(0, nWords, need);
    if (!LITTLE_ENDIAN) swapWords(this.words.subarray(0, nWords));
    this.limitBits = nWords * 32;
    this.pos = QUIC_HEADER_BYTES * 8;
  }

  private reset(width: number, fam: GolombFamily): void {
    const stride = width + 1;
    if (this.corr.length < SLOTS * stride) this.corr = new Uint8Array(SLOTS * stride);
    this.corrStride = stride;
    resetModel(fam, this.bestByCtx, this.counters, this.state);
  }

  /**
   * Decodes the r, g, b components of row y into px (row-major, `width` pixels per row), with
   * `alpha` ORed into every pixel word. Row 0 predicts from the left neighbour only, which is the
   * average predictor with the left pixel standing in for the one above.
   *
   * The hot loop keeps the bit reader in locals: `hi` and `lo` are the stream words at indexes
   * wi - 1 and wi, and `sh` (0..31) is how many bits of `hi` are consumed.
   */
  private rgbRow(px: Uint32Array, y: number, width: number, fam: GolombFamily, alpha: number): void {
    const words = this.words;
    const corr = this.corr;
    const bestByCtx = this.bestByCtx;
    const counters = this.counters;
    const st = this.state;
    const code = fam.code;
    const toRes = fam.toResidual;
    const mask = fam.mask;
    const cG = this.corrStride;
    const cB = 2 * cG;
    const o = y * width;
    const first = y === 0;
    /** px[above + i] is the pixel above pixel i; on row 0 it is the left neighbour instead. */
    const above = first ? o - 1 : o - width;
    const runFrom = first ? 0x7fffffff : 3;

    this.rgbPixel0(px, o, above, first, fam, alpha);
    let waitcnt = st[RGB_STATE + S_WAITCNT];
    let seed = st[RGB_STATE + S_SEED];
    let wmidx = st[RGB_STATE + S_WMIDX];
    let wmileft = st[RGB_STATE + S_WMILEFT];
    const p = this.pos;
    let wi = (p >>> 5) + 1;
    let hi = words[wi - 1];
    let lo = words[wi];
    let sh = p & 31;

    let segStart = 0;
    while (segStart < width) {
      // Segments end where the wait-mask index grows (every WM_INDEX_STEP pixels, up to the max).
      const bump = wmidx < WM_INDEX_MAX && wmileft <= width - segStart;
      const end = bump ? segStart + wmileft : width;
      const wmask = (1 << wmidx) - 1;
      const trigger = WM_TRIGGER[wmidx];
      let i = segStart > 0 ? segStart : 1;
      let stop = i + waitcnt;
      let runIndex = 0;
      let runToEnd = false;
      // Left neighbour's components, and the context symbols (left neighbour's symbols).
      const left = px[o + i - 1];
      let r = (left >>> 16) & 0xff;
      let g = (left >>> 8) & 0xff;
      let b = left & 0xff;
      let sR = corr[i];
      let sG = corr[cG + i];
      let sB = corr[cB + i];

      while (i < end) {
        if (
          i >= runFrom &&
          i !== runIndex &&
          ((px[above + i - 1] ^ px[above + i]) & RGB_MASK) === 0 &&
          ((px[o + i - 1] ^ px[o + i - 2]) & RGB_MASK) === 0
        ) {
          // Run mode: a MELCODE run length, then copies of the left pixel. Run pixels leave
          // their context symbols untouched, and the sampling countdown resumes after the run.
          waitcnt = stop - i;
          runIndex = i;
          const run = this.readRun((wi - 1) * 32 + sh, end - i, RGB_STATE);
          const pr = this.pos;
          wi = (pr >>> 5) + 1;
          hi = words[wi - 1];
          lo = words[wi];
          sh = pr & 31;
          const v = px[o + i - 1];
          const runEnd = i + run;
          if (run < 16) {
            for (; i < runEnd; i++) px[o + i] = v;
          } else {
            px.fill(v, o + i, o + runEnd);
            i = runEnd;
          }
          if (i === end) {
            runToEnd = true;
            break;
          }
          stop = i + waitcnt;
          sR = corr[i];
          sG = corr[cG + i];
          sB = corr[cB + i];
          continue;
        }

        const q = px[above + i];
        let l: number;
        let bits: number;
        let zeros: number;
        let f: number;
        let len: number;

        l = bestByCtx[sR];
        bits = (hi << sh) | ((lo >>> 1) >>> (31 - sh));
        zeros = Math.clz32(bits);
        f = l << 2;
        if (zeros < code[f]) {
          len = zeros + 1 + l;
          sR = (zeros << l) | ((bits >>> (32 - len)) & ((1 << l) - 1));
        } else {
          len = code[f + 2];
          sR = (code[f + 1] + ((bits >>> (32 - len)) & code[f + 3])) & mask;
        }
        sh += len;
        if (sh >= 32) {
          sh -= 32;
          hi = lo;
          lo = words[++wi];
        }
        corr[i + 1] = sR;
        r = (toRes[sR] + ((r + ((q >>> 16) & 0xff)) >>> 1)) & mask;

        l = bestByCtx[256 + sG];
        bits = (hi << sh) | ((lo >>> 1) >>> (31 - sh));
        zeros = Math.clz32(bits);
        f = l << 2;
        if (zeros < code[f]) {
          len = zeros + 1 + l;
          sG = (zeros << l) | ((bits >>> (32 - len)) & ((1 << l) - 1));
        } else {
          len = code[f + 2];
          sG = (code[f + 1] + ((bits >>> (32 - len)) & code[f + 3])) & mask;
        }
        sh += len;
        if (sh >= 32) {
          sh -= 32;
          hi = lo;
          lo = words[++wi];
        }
        corr[cG + i + 1] = sG;
        g = (toRes[sG] + ((g + ((q >>> 8) & 0xff)) >>> 1)) & mask;

        l = bestByCtx[512 + sB];
        bits = (hi << sh) | ((lo >>> 1) >>> (31 - sh));
        zeros = Math.clz32(bits);
        f = l << 2;
        if (zeros < code[f]) {
          len = zeros + 1 + l;
          sB = (zeros << l) | ((bits >>> (32 - len)) & ((1 << l) - 1));
        } else {
          len = code[f + 2];
          sB = (code[f + 1] + ((bits >>> (32 - len)) & code[f + 3])) & mask;
        }
        sh += len;
        if (sh >= 32) {
          sh -= 32;
          hi = lo;
          lo = words[++wi];
        }
        corr[cB + i + 1] = sB;
        b = (toRes[sB] + ((b + (q & 0xff)) >>> 1)) & mask;

        px[o + i] = alpha | (r << 16) | (g << 8) | b;

        if (i === stop) {
          updateModel(fam, bestByCtx, counters, 0, corr[i], sR, trigger);
          updateModel(fam, bestByCtx, counters, 1, corr[cG + i], sG, trigger);
          updateModel(fam, bestByCtx, counters, 2, corr[cB + i], sB, trigger);
          seed = (seed + 1) & 0xff;
          stop = i + 1 + (TABRAND[seed] & wmask);
        }
        i++;
      }
      // A run that reaches the segment end keeps the countdown it saved at its start.
      if (!runToEnd) waitcnt = stop - end;
      if (bump) {
        wmidx++;
        wmileft = WM_INDEX_STEP;
      } else if (wmidx < WM_INDEX_MAX) {
        wmileft -= end - segStart;
      }
      segStart = end;
    }

    const pEnd = (wi - 1) * 32 + sh;
    if (pEnd > this.limitBits) throw corrupt("QUIC stream truncated", this.limitBits);
    this.pos = pEnd;
    st[RGB_STATE + S_WAITCNT] = waitcnt;
    st[RGB_STATE + S_SEED] = seed;
    st[RGB_STATE + S_WMIDX] = wmidx;
    st[RGB_STATE + S_WMILEFT] = wmileft;
  }

  /**
   * Decodes pixel 0 of an RGB row: its context is the previous row's pixel 0 (0 on row 0) and its
   * prediction the pixel above (0 on row 0). It always falls in the row's first segment, so it
   * uses the current wait mask.
   */
  private rgbPixel0(px: Uint32Array, o: number, above: number, first: boolean, fam: GolombFamily, alpha: number): void {
    const words = this.words;
    const corr = this.corr;
    const bestByCtx = this.bestByCtx;
    const code = fam.code;
    const toRes = fam.toResidual;
    const mask = fam.mask;
    const cG = this.corrStride;
    const cB = 2 * cG;
    const st = this.state;
    corr[0] = first ? 0 : corr[1];
    corr[cG] = first ? 0 : corr[cG + 1];
    corr[cB] = first ? 0 : corr[cB + 1];
    const q = first ? 0 : px[above];
    let p = this.pos;
    let c = golomb(words, p, bestByCtx[corr[0]], code);
    p += c >>> 16;
    let s = c & mask;
    corr[1] = s;
    const r = (toRes[s] + ((q >>> 16) & 0xff)) & mask;
    c = golomb(words, p, bestByCtx[256 + corr[cG]], code);
    p += c >>> 16;
    s = c & mask;
    corr[cG + 1] = s;
    const g = (toRes[s] + ((q >>> 8) & 0xff)) & mask;
    c = golomb(words, p, bestByCtx[512 + corr[cB]], code);
    p += c >>> 16;
    s = c & mask;
    corr[cB + 1] = s;
    const b = (toRes[s] + (q & 0xff)) & mask;
    px[o] = alpha | (r << 16) | (g << 8) | b;
    this.pos = p;
    if (st[RGB_STATE + S_WAITCNT] > 0) {
      st[RGB_STATE + S_WAITCNT]--;
    } else {
      const wmidx = st[RGB_STATE + S_WMIDX];
      const seed = (st[RGB_STATE + S_SEED] + 1) & 0xff;
      st[RGB_STATE + S_SEED] = seed;
      st[RGB_STATE + S_WAITCNT] = TABRAND[seed] & ((1 << wmidx) - 1);
      const trigger = WM_TRIGGER[wmidx];
      updateModel(fam, bestByCtx, this.counters, 0, corr[0], corr[1], trigger);
      updateModel(fam, bestByCtx, this.counters, 1, corr[cG], corr[cG + 1], trigger);
      updateModel(fam, bestByCtx, this.counters, 2, corr[cB], corr[cB + 1], trigger);
    }
  }

  /**
   * Reads a MELCODE run length at bit position p with the MELCODE state at `stateBase`, and
   * leaves the new bit position in this.pos. Each leading 1 bit adds 2^J[state] and moves the
   * state up; a 0 bit then ends the prefix and J[state] bits give the remainder; the state then
   * moves one step down. Throws when the run would pass `maxRun` pixels.
   */
  private readRun(p: number, maxRun: number, stateBase: number): number {
    const words = this.words;
    let mel = this.state[stateBase + S_MEL];
    let run = 0;
    for (;;) {
      const ones = Math.clz32(~peek(words, p));
      for (let k = 0; k < ones; k++) {
        run += 1 << MEL_LEN[mel];
        if (mel < MEL_STATE_MAX) mel++;
      }
      if (run > maxRun) throw corrupt("QUIC run past the end of the row", p);
      if (ones < 32) {
        p += ones + 1;
        break;
      }
      p += 32;
    }
    const melLen = MEL_LEN[mel];
    if (melLen > 0) {
      run += peek(words, p) >>> (32 - melLen);
      p += melLen;
    }
    if (mel > 0) mel--;
    if (run > maxRun) throw corrupt("QUIC run past the end of the row", p);
    this.state[stateBase + S_MEL] = mel;
    this.pos = p;
    return run;
  }

  /**
   * Decodes one 8-bit channel of row y into bytes[(pixel index) * 4 + offset]: the alpha of RGBA
   * or the value of GRAY. Same structure as rgbRow, with its own sampling state and model slot.
   */
  private planeRow(bytes: Uint8Array, y: number, width: number, offset: number): void {
    const fam = FAMILY_8BPC;
    const words = this.words;
    const bestByCtx = this.bestByCtx;
    const counters = this.counters;
    const st = this.state;
    const code = fam.code;
    const toRes = fam.toResidual;
    const corr = this.corr;
    const cb = PLANE_SLOT * this.corrStride; // corr[cb + i + 1] is pixel i's symbol
    const bestBase = PLANE_SLOT << 8;
    const o = y * width;
    const first = y === 0;
    const rowAt = o * 4 + offset; // bytes[rowAt + 4 * i] is pixel i
    const aboveAt = first ? rowAt - 4 : rowAt - 4 * width; // pixel i's predictor partner (row 0: left)
    const runFrom = first ? 0x7fffffff : 3;

    let p = this.pos;
    let waitcnt = st[PLANE_STATE + S_WAITCNT];
    let seed = st[PLANE_STATE + S_SEED];
    let wmidx = st[PLANE_STATE + S_WMIDX];
    let wmileft = st[PLANE_STATE + S_WMILEFT];

    corr[cb + 0] = first ? 0 : corr[cb + 1];

    let segStart = 0;
    while (segStart < width) {
      const bump = wmidx < WM_INDEX_MAX && wmileft <= width - segStart;
      const end = bump ? segStart + wmileft : width;
      if (end > segStart) {
        const wmask = (1 << wmidx) - 1;
        const trigger = WM_TRIGGER[wmidx];
        let i = segStart;
        let a: number;
        let stop: number;
        if (i === 0) {
          const q = first ? 0 : bytes[aboveAt];
          const c = golomb(words, p, bestByCtx[bestBase + corr[cb + 0]], code);
          p += c >>> 16;
          const s = c & 0xff;
          corr[cb + 1] = s;
          a = (toRes[s] + q) & 0xff;
          bytes[rowAt] = a;
          if (waitcnt > 0) {
            waitcnt--;
          } else {
            seed = (seed + 1) & 0xff;
            waitcnt = TABRAND[seed] & wmask;
            updateModel(fam, bestByCtx, counters, PLANE_SLOT, corr[cb + 0], corr[cb + 1], trigger);
          }
          i = 1;
          stop = 1 + waitcnt;
        } else {
          a = bytes[rowAt + 4 * (i - 1)];
          stop = i + waitcnt;
        }

        let runIndex = 0;
        let runToEnd = false;
        while (i < end) {
          const at = rowAt + 4 * i;
          const up = aboveAt + 4 * i;
          if (i >= runFrom && i !== runIndex && bytes[up - 4] === bytes[up] && bytes[at - 4] === bytes[at - 8]) {
            waitcnt = stop - i;
            runIndex = i;
            const run = this.readRun(p, end - i, PLANE_STATE);
            p = this.pos;
            const runEnd = i + run;
            for (; i < runEnd; i++) bytes[rowAt + 4 * i] = a;
            if (i === end) {
              runToEnd = true;
              break;
            }
            stop = i + waitcnt;
            continue;
          }

          const c = golomb(words, p, bestByCtx[bestBase + corr[cb + i]], code);
          p += c >>> 16;
          const s = c & 0xff;
          corr[cb + i + 1] = s;
          a = (toRes[s] + ((a + bytes[up]) >>> 1)) & 0xff;
          bytes[at] = a;
          if (i === stop) {
            updateModel(fam, bestByCtx, counters, PLANE_SLOT, corr[cb + i], corr[cb + i + 1], trigger);
            seed = (seed + 1) & 0xff;
            stop = i + 1 + (TABRAND[seed] & wmask);
          }
          i++;
        }
        if (!runToEnd) waitcnt = stop - end;
      }
      if (bump) {
        wmidx++;
        wmileft = WM_INDEX_STEP;
      } else if (wmidx < WM_INDEX_MAX) {
        wmileft -= end - segStart;
      }
      segStart = end;
    }

    if (p > this.limitBits) throw corrupt("QUIC stream truncated", this.limitBits);
    this.pos = p;
    st[PLANE_STATE + S_WAITCNT] = waitcnt;
    st[PLANE_STATE + S_SEED] = seed;
    st[PLANE_STATE + S_WMIDX] = wmidx;
    st[PLANE_STATE + S_WMILEFT] = wmileft;
  }
}

/** Widens x1r5g5b5 components (held one per byte) to 8 bits: v << 3 | v >> 2, opaque. */
function widen555(px: Uint32Array): void {
  for (let k = 0; k < px.length; k++) {
    const v = px[k];
    const r = (v >>> 16) & 0x1f;
    const g = (v >>> 8) & 0x1f;
    const b = v & 0x1f;
    px[k] = OPAQUE | (((r << 3) | (r >>> 2)) << 16) | (((g << 3) | (g >>> 2)) << 8) | ((b << 3) | (b >>> 2));
  }
}

/** Expands the gray value held in each pixel's blue byte to B = G = R = value, opaque. */
function grayToBgra(px: Uint32Array, bytes: Uint8Array): void {
  for (let k = 0; k < px.length; k++) px[k] = OPAQUE | (bytes[4 * k + BLUE_BYTE] * 0x010101);
}

function swapWords(w: Uint32Array | Int32Array): void {
  for (let k = 0; k < w.length; k++) {
    const v = w[k];
    w[k] = ((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24);
  }
}

let shared: QuicDecoder | undefined;

/**
 * Decodes a QUIC stream (as carried in a QUIC image, starting with the magic) into BGRA pixels.
 * Uses one shared QuicDecoder, so repeated calls reuse its buffers; create a QuicDecoder to own one.
 * Corrupt or truncated input throws CodecError ERR_QUIC_CORRUPT.
 */
export function decodeQuic(data: Uint8Array, out?: Uint8Array): DecodedImage {
  shared ??= new QuicDecoder();
  return shared.decode(data, out);
}
