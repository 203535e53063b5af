import { MAX_IMAGE_PIXELS } from "../pixels.js";
import { QuicWasmEncoder } from "./quic-encode-wasm.js";
import { QUIC_HEADER_BYTES, QUIC_MAGIC, QuicImageType } from "./quic-header.js";
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

/*
 * QUIC encoder (protocol-map §6.1): the mirror image of quic-decoder.ts, running the same model
 * (quic-model.ts) and sampling, so that its output matches the reference encoder bit for bit.
 *
 * Source pixels are read as 0xAARRGGBB words (B, G, R, A in memory). The bit writer packs codes
 * MSB first into 32-bit words: `acc` holds the word being filled and `avail` (0..32) its free low
 * bits; a full word is stored only when the next code arrives, as the reference does. Before each
 * row the output buffer is grown to hold that row's worst case, so the hot loops store without
 * checks.
 */

/**
 * The QUIC image type to code: "rgb32" and "rgb24" code B, G, R (the same stream body under
 * another header type), "rgba" adds the fourth byte as alpha, "rgb16" codes the top 5 bits of
 * B, G and R (x1r5g5b5), "gray" codes the B byte.
 */
export type QuicEncodeType = "rgb32" | "rgba" | "rgb24" | "rgb16" | "gray";

const IMAGE_TYPES: Readonly<Record<QuicEncodeType, QuicImageType>> = {
  rgb32: QuicImageType.Rgb32,
  rgba: QuicImageType.Rgba,
  rgb24: QuicImageType.Rgb24,
  rgb16: QuicImageType.Rgb16,
  gray: QuicImageType.Gray,
};

/** A BGRA (or BGRX) image, top-down; stride defaults to width * 4. */
export interface QuicSourceImage {
  width: number;
  height: number;
  data: Uint8Array;
  stride?: number;
}

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;
const RGB_MASK = 0xffffff;
const HEADER_WORDS = QUIC_HEADER_BYTES / 4;

/**
 * Output words one row can need at most, per pixel: r, g, b codewords of up to 26 bits each, plus
 * a zero-length run code (at most 16 bits) that may precede a coded pixel, is 94 bits; the alpha
 * plane adds 26 + 16. Runs longer than 0 cost at most 17 bits per pixel they cover.
 */
const RGB_ROW_WORDS_PER_PIXEL = 3;
const PLANE_ROW_WORDS_PER_PIXEL = 2;
const ROW_SLACK_WORDS = 8;

export interface QuicEncoderOptions {
  /**
   * Encode in WebAssembly when the platform has it (default true; the same bytes). false always
   * uses the JS encoder.
   */
  wasm?: boolean;
}

/**
 * A QUIC encoder that keeps its model tables and output buffer between images. The stream that
 * `encode` returns is a view of that buffer and stays valid until the next `encode` call.
 *
 * With WebAssembly (the default where available), each QuicEncoder instantiates the module
 * (assembly/quic-encode.ts, quic-encode-wasm.ts) on its first image and keeps the instance; its
 * memory holds the stream, the rows being coded (copied in about 128 KB at a time) and small
 * per-row buffers, and grows to the largest stream (up to WASM_RETAIN_BYTES, past which the
 * instance is dropped after that image); the stream returned is then a view of that memory. The
 * JS encoder below, which gives the same bytes, is used when WebAssembly is missing or refuses
 * the module, when its memory cannot grow to a stream, or with `{ wasm: false }`.
 */
export class QuicEncoder {
  /** undefined: not instantiated yet; null: the JS encoder only. */
  private wasm: QuicWasmEncoder | null | undefined;
  private out = new Int32Array(0);
  /** Next output word index, the word being filled, and its free bits (see the file comment). */
  private wo = 0;
  private acc = 0;
  private avail = 32;
  /**
   * The symbols of the current row, index i + 1 holding pixel i's and index 0 the "-1" context:
   * r, g, b packed as (r << 16) | (g << 8) | b in corrRgb, alpha in corrA.
   */
  private corrRgb = new Int32Array(0);
  private corrA = new Uint8Array(0);
  private readonly bestByCtx = newBestByCtx();
  private readonly counters = newCounters();
  private readonly state = new Int32Array(MODEL_STATE_WORDS);
  private scratch = new Int32Array(0);

  constructor(opts: QuicEncoderOptions = {}) {
    if (opts.wasm === false) this.wasm = null;
  }

  /** Whether this encoder encodes in WebAssembly (instantiates the module if not done yet). */
  get usesWasm(): boolean {
    return this.wasmEncoder() !== null;
  }

  private wasmEncoder(): QuicWasmEncoder | null {
    if (this.wasm === undefined) this.wasm = QuicWasmEncoder.create();
    return this.wasm;
  }

  /**
   * Encodes a BGRA image as a QUIC stream of the given type (the QUIC image's data, starting with
   * the magic). RGB32 and RGB24 ignore the fourth byte; RGBA codes it as alpha; RGB16 and GRAY
   * code what QuicEncodeType says. Throws RangeError on bad arguments; never on valid input.
   */
  encode(image: QuicSourceImage, type: QuicEncodeType = "rgb32"): Uint8Array {
    const { width, height, data } = image;
    const stride = image.stride ?? width * 4;
    if (!Object.hasOwn(IMAGE_TYPES, type)) throw new RangeError(`unsupported QUIC encode type ${String(type)}`);
    const sizeOk = Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0;
    if (!sizeOk || width * height > MAX_IMAGE_PIXELS) throw new RangeError(`bad image dimensions ${width}x${height}`);
    if (!Number.isInteger(stride) || stride < width * 4) {
      throw new RangeError(`bad stride ${stride} for width ${width}`);
    }
    const needBytes = (height - 1) * stride + width * 4;
    if (data.length < needBytes) throw new RangeError(`image data too short: ${data.length} < ${needBytes}`);

    const wasm = this.wasmEncoder();
    if (wasm !== null) {
      let stream: Uint8Array | null = null;
      try {
        stream = wasm.encode(data, width, height, stride, IMAGE_TYPES[type]);
      } finally {
        if (wasm.oversized) this.wasm = undefined;
      }
      if (stream !== null) return stream;
    }

    // Pixel words (0xAARRGGBB, as int32): a view of the caller's data when it is aligned, else a
    // packed copy.
    let px: Int32Array;
    let strideW: number;
    if (type === "rgb16" || type === "gray") {
      strideW = width;
      px = this.packPixels(data, width, height, stride, type);
    } else if (LITTLE_ENDIAN && (data.byteOffset & 3) === 0 && (stride & 3) === 0) {
      strideW = stride >>> 2;
      px = new Int32Array(data.buffer, data.byteOffset, (height - 1) * strideW + width);
    } else {
      strideW = width;
      px = this.packPixels(data, width, height, stride, type);
    }

    if (this.corrRgb.length < width + 1) {
      this.corrRgb = new Int32Array(width + 1);
      this.corrA = new Uint8Array(width + 1);
    }
    const fam = type === "rgb16" ? FAMILY_5BPC : FAMILY_8BPC;
    resetModel(fam, this.bestByCtx, this.counters, this.state);

    this.wo = 0;
    this.acc = 0;
    this.avail = 32;
    this.ensure(HEADER_WORDS + 2 + ((width * height) >>> 2));
    const out = this.out;
    out[0] = QUIC_MAGIC;
    out[1] = 0;
    out[2] = IMAGE_TYPES[type];
    out[3] = width;
    out[4] = height;
    this.wo = HEADER_WORDS;

    const rgb = type !== "gray";
    const plane = type === "rgba" || type === "gray";
    for (let y = 0; y < height; y++) {
      const o = y * strideW;
      const up = y === 0 ? o - 1 : o - strideW;
      if (rgb) {
        this.ensure(RGB_ROW_WORDS_PER_PIXEL * width + ROW_SLACK_WORDS);
        this.rgbRow(px, o, up, width, y === 0, fam);
      }
      if (plane) {
        this.ensure(PLANE_ROW_WORDS_PER_PIXEL * width + ROW_SLACK_WORDS);
        this.planeRow(px, o, up, width, y === 0);
      }
    }

    // Flush: the partly filled word, zero-padded, then one zero word (the reference writes one
    // more zero bit, which never reaches the stream's size).
    this.ensure(2);
    const words = this.out;
    let n = this.wo;
    if (this.avail < 32) words[n++] = this.acc;
    words[n++] = 0;
    if (!LITTLE_ENDIAN) swapWords(words, n);
    return new Uint8Array(words.buffer, 0, n * 4);
  }

  /** Grows the output so that `extra` more words fit after the current position. */
  private ensure(extra: number): void {
    const need = this.wo + extra;
    if (this.out.length >= need) return;
    const grown = new Int32Array(Math.max(need, Math.floor(this.out.length * 1.5), 1024));
    grown.set(this.out.subarray(0, this.wo));
    this.out = grown;
  }

  /**
   * Copies pixels into tightly packed words (unaligned data, big-endian hosts, and the types that
   * code something else than the bytes): 0xAARRGGBB words, for RGB16 the top 5 bits of B, G, R
   * in the low bits of their bytes, for GRAY the B byte as the top byte (the plane coder's).
   */
  private packPixels(data: Uint8Array, width: number, height: number, stride: number, type: QuicEncodeType): Int32Array {
    const n = width * height;
    if (this.scratch.length < n) this.scratch = new Int32Array(n);
    const px = this.scratch;
    let k = 0;
    for (let y = 0; y < height; y++) {
      let at = y * stride;
      if (type === "gray") {
        for (let x = 0; x < width; x++, at += 4) px[k++] = data[at] << 24;
        continue;
      }
      for (let x = 0; x < width; x++, at += 4) {
        px[k++] = data[at] | (data[at + 1] << 8) | (data[at + 2] << 16) | (data[at + 3] << 24);
      }
      if (type === "rgb16") for (let j = k - width; j < k; j++) px[j] = (px[j] >>> 3) & 0x1f1f1f;
    }
    return px;
  }

  /** Writes the low `len` (1..31) bits of `bits`, which must have no bits above them. */
  private put(bits: number, len: number): void {
    let avail = this.avail - len;
    if (avail >= 0) {
      this.acc |= bits << avail;
    } else {
      this.out[this.wo++] = this.acc | (bits >>> -avail);
      avail += 32;
      this.acc = bits << avail;
    }
    this.avail = avail;
  }

  /**
   * Writes a MELCODE run length with the MELCODE state at `stateBase`: a 1 bit for each whole
   * 2^J[state] taken off the run (moving the state up), then a 0 bit and the rest in J[state]
   * bits; the state then moves one step down.
   */
  private putRun(run: number, stateBase: number): void {
    const st = this.state;
    let mel = st[stateBase + S_MEL];
    let hits = 0;
    for (;;) {
      const order = 1 << MEL_LEN[mel];
      if (run < order) break;
      run -= order;
      hits++;
      if (mel < MEL_STATE_MAX) mel++;
    }
    while (hits > 0) {
      const n = hits < 24 ? hits : 24;
      this.put((1 << n) - 1, n);
      hits -= n;
    }
    this.put(run, MEL_LEN[mel] + 1);
    if (mel > 0) mel--;
    st[stateBase + S_MEL] = mel;
  }

  /**
   * Codes the r, g, b components of the row at px[o..], whose pixel i has px[up + i] above it
   * (on row 0, up = o - 1: the left neighbour, which turns the average predictor into "left").
   * Runs are only tried on later rows.
   *
   * The three channels are predicted and folded to symbols together, one byte lane each (SWAR):
   * the lane average floor((a + b) / 2) is (a & b) + ((a ^ b) >> 1), the lane difference mod 256
   * is taken with the lanes' top bits set apart so no borrow crosses a lane, and the folding
   * (0, -1, +1, -2, ... as 0, 1, 2, 3, ...) is (d << 1) ^ (d < 0 ? 0xff : 0) per lane. With the
   * 5-bit family (RGB16) the lanes hold 5-bit values and everything is taken mod 32 instead.
   */
  private rgbRow(px: Int32Array, o: number, up: number, width: number, first: boolean, fam: GolombFamily): void {
    const five = fam.bpc === 5;
    const corr = this.corrRgb;
    const best = this.bestByCtx;
    const counters = this.counters;
    const st = this.state;
    const cw = fam.codeWord;
    const runFrom = first ? 0x7fffffff : 3;

    this.rgbPixel0(px, o, up, first, fam);
    let waitcnt = st[RGB_STATE + S_WAITCNT];
    let seed = st[RGB_STATE + S_SEED];
    let wmidx = st[RGB_STATE + S_WMIDX];
    let wmileft = st[RGB_STATE + S_WMILEFT];
    const out = this.out;
    let wo = this.wo;
    let acc = this.acc;
    let avail = this.avail;

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
      let left = px[o + i - 1];
      // Context: the previous pixel's packed symbols (stale ones after a run, as in the reference).
      let ctx = corr[i];

      while (i < end) {
        const q = px[up + i];
        if (
          i >= runFrom &&
          i !== runIndex &&
          ((px[up + i - 1] ^ q) & RGB_MASK) === 0 &&
          ((left ^ px[o + i - 2]) & RGB_MASK) === 0
        ) {
          // Run mode: count the pixels equal to the left one (maybe none), up to the segment end.
          waitcnt = stop - i;
          runIndex = i;
          let j = o + i;
          const e = o + end;
          while (j + 4 <= e) {
            if ((((px[j] ^ left) | (px[j + 1] ^ left) | (px[j + 2] ^ left) | (px[j + 3] ^ left)) & RGB_MASK) !== 0) break;
            j += 4;
          }
          while (j < e && ((px[j] ^ left) & RGB_MASK) === 0) j++;
          this.wo = wo;
          this.acc = acc;
          this.avail = avail;
          this.putRun(j - o - i, RGB_STATE);
          wo = this.wo;
          acc = this.acc;
          avail = this.avail;
          i = j - o;
          if (i === end) {
            runToEnd = true;
            break;
          }
          stop = i + waitcnt;
          ctx = corr[i];
          continue;
        }

        const v = px[o + i];
        let s: number;
        if (five) {
          // 5-bit lanes (RGB16): no borrow or carry can cross a lane.
          const avg = (left & q & 0x1f1f1f) + (((left ^ q) >>> 1) & 0x0f0f0f);
          const d = ((v | 0x808080) - avg) & 0x1f1f1f;
          const neg = (d >>> 4) & 0x010101;
          s = ((d << 1) & 0x1e1e1e) ^ ((neg << 5) - neg);
        } else {
          const avg = (left & q) + (((left ^ q) >>> 1) & 0x7f7f7f);
          const d = ((v | 0x808080) - (avg & 0x7f7f7f)) ^ ((v ^ ~avg) & 0x808080);
          const neg = (d >>> 7) & 0x010101;
          s = ((d << 1) & 0xfefefe) ^ ((neg << 8) - neg);
        }
        const nR = s >>> 16;
        const nG = (s >>> 8) & 0xff;
        const nB = s & 0xff;
        const kR = cw[(nR << 3) | best[ctx >>> 16]];
        const kG = cw[(nG << 3) | best[256 + ((ctx >>> 8) & 0xff)]];
        const kB = cw[(nB << 3) | best[512 + (ctx & 0xff)]];
        corr[i + 1] = s;
        const lR = kR >>> 8;
        const lG = kG >>> 8;
        const lB = kB >>> 8;
        const len = lR + lG + lB;
        if (len < 32) {
          // The three codewords as one (the common case).
          const bits = ((((kR & 0xff) << lG) | (kG & 0xff)) << lB) | (kB & 0xff);
          avail -= len;
          const spill = avail >> 31;
          out[wo] = acc | (bits >>> (-avail & 31));
          wo -= spill;
          acc = (acc & ~spill) | (bits << (avail & 31));
          avail += spill & 32;
        } else {
          this.wo = wo;
          this.acc = acc;
          this.avail = avail;
          this.put(kR & 0xff, lR);
          this.put(kG & 0xff, lG);
          this.put(kB & 0xff, lB);
          wo = this.wo;
          acc = this.acc;
          avail = this.avail;
        }
        left = v;
        if (i === stop) {
          updateModel(fam, best, counters, 0, ctx >>> 16, nR, trigger);
          updateModel(fam, best, counters, 1, (ctx >>> 8) & 0xff, nG, trigger);
          updateModel(fam, best, counters, 2, ctx & 0xff, nB, trigger);
          seed = (seed + 1) & 0xff;
          stop = i + 1 + (TABRAND[seed] & wmask);
        }
        ctx = s;
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

    this.wo = wo;
    this.acc = acc;
    this.avail = avail;
    st[RGB_STATE + S_WAITCNT] = waitcnt;
    st[RGB_STATE + S_SEED] = seed;
    st[RGB_STATE + S_WMIDX] = wmidx;
    st[RGB_STATE + S_WMILEFT] = wmileft;
  }

  /**
   * Codes pixel 0 of an RGB row: its context is the previous row's pixel 0 (0 on row 0) and its
   * prediction the pixel above (0 on row 0). It always falls in the row's first segment.
   */
  private rgbPixel0(px: Int32Array, o: number, up: number, first: boolean, fam: GolombFamily): void {
    const mask = fam.mask;
    const corr = this.corrRgb;
    const best = this.bestByCtx;
    const toSym = fam.toSymbol;
    const cw = fam.codeWord;
    const st = this.state;
    const ctx = first ? 0 : corr[1];
    corr[0] = ctx;
    const cR = ctx >>> 16;
    const cG = (ctx >>> 8) & 0xff;
    const cB = ctx & 0xff;
    const v = px[o];
    const q = first ? 0 : px[up];
    const sR = toSym[(((v >>> 16) & 0xff) - ((q >>> 16) & 0xff)) & mask];
    let c = cw[(sR << 3) | best[cR]];
    this.put(c & 0xff, c >>> 8);
    const sG = toSym[(((v >>> 8) & 0xff) - ((q >>> 8) & 0xff)) & mask];
    c = cw[(sG << 3) | best[256 + cG]];
    this.put(c & 0xff, c >>> 8);
    const sB = toSym[((v & 0xff) - (q & 0xff)) & mask];
    c = cw[(sB << 3) | best[512 + cB]];
    this.put(c & 0xff, c >>> 8);
    corr[1] = (sR << 16) | (sG << 8) | sB;
    if (st[RGB_STATE + S_WAITCNT] > 0) {
      st[RGB_STATE + S_WAITCNT]--;
    } else {
      const wmidx = st[RGB_STATE + S_WMIDX];
      const seed = (st[RGB_STATE + S_SEED] + 1) & 0xff;
      st[RGB_STATE + S_SEED] = seed;
      st[RGB_STATE + S_WAITCNT] = TABRAND[seed] & ((1 << wmidx) - 1);
      const trigger = WM_TRIGGER[wmidx];
      updateModel(fam, best, this.counters, 0, cR, sR, trigger);
      updateModel(fam, best, this.counters, 1, cG, sG, trigger);
      updateModel(fam, best, this.counters, 2, cB, sB, trigger);
    }
  }

  /**
   * Codes the alpha plane (the top byte of each pixel word) of the row at px[o..], with its own
   * sampling state, MELCODE state and model slot. Same structure as rgbRow.
   */
  private planeRow(px: Int32Array, o: number, up: number, width: number, first: boolean): void {
    const fam = FAMILY_8BPC;
    const corr = this.corrA;
    const best = this.bestByCtx;
    const counters = this.counters;
    const st = this.state;
    const toSym = fam.toSymbol;
    const cw = fam.codeWord;
    const bestBase = PLANE_SLOT << 8;
    const runFrom = first ? 0x7fffffff : 3;

    let waitcnt = st[PLANE_STATE + S_WAITCNT];
    let seed = st[PLANE_STATE + S_SEED];
    let wmidx = st[PLANE_STATE + S_WMIDX];
    let wmileft = st[PLANE_STATE + S_WMILEFT];

    corr[0] = first ? 0 : corr[1];

    let segStart = 0;
    while (segStart < width) {
      const bump = wmidx < WM_INDEX_MAX && wmileft <= width - segStart;
      const end = bump ? segStart + wmileft : width;
      const wmask = (1 << wmidx) - 1;
      const trigger = WM_TRIGGER[wmidx];
      let i = segStart;
      let stop: number;
      if (i === 0) {
        const q = first ? 0 : px[up] >>> 24;
        const s = toSym[((px[o] >>> 24) - q) & 0xff];
        const c = cw[(s << 3) | best[bestBase + corr[0]]];
        this.put(c & 0xff, c >>> 8);
        corr[1] = s;
        if (waitcnt > 0) {
          waitcnt--;
        } else {
          seed = (seed + 1) & 0xff;
          waitcnt = TABRAND[seed] & wmask;
          updateModel(fam, best, counters, PLANE_SLOT, corr[0], s, trigger);
        }
        i = 1;
        stop = 1 + waitcnt;
      } else {
        stop = i + waitcnt;
      }

      const out = this.out;
      let wo = this.wo;
      let acc = this.acc;
      let avail = this.avail;
      let runIndex = 0;
      let runToEnd = false;
      let a = px[o + i - 1] >>> 24;
      let s = corr[i];
      while (i < end) {
        const q = px[up + i] >>> 24;
        if (i >= runFrom && i !== runIndex && px[up + i - 1] >>> 24 === q && px[o + i - 2] >>> 24 === a) {
          waitcnt = stop - i;
          runIndex = i;
          let j = i;
          while (j < end && px[o + j] >>> 24 === a) j++;
          this.wo = wo;
          this.acc = acc;
          this.avail = avail;
          this.putRun(j - i, PLANE_STATE);
          wo = this.wo;
          acc = this.acc;
          avail = this.avail;
          i = j;
          if (i === end) {
            runToEnd = true;
            break;
          }
          stop = i + waitcnt;
          s = corr[i];
          continue;
        }

        const v = px[o + i] >>> 24;
        let c = best[bestBase + s];
        s = toSym[(v - ((a + q) >>> 1)) & 0xff];
        c = cw[(s << 3) | c];
        const bits = c & 0xff;
        avail -= c >>> 8;
        if (avail >= 0) {
          acc |= bits << avail;
        } else {
          out[wo++] = acc | (bits >>> -avail);
          avail += 32;
          acc = bits << avail;
        }
        corr[i + 1] = s;
        a = v;
        if (i === stop) {
          updateModel(fam, best, counters, PLANE_SLOT, corr[i], s, trigger);
          seed = (seed + 1) & 0xff;
          stop = i + 1 + (TABRAND[seed] & wmask);
        }
        i++;
      }
      this.wo = wo;
      this.acc = acc;
      this.avail = avail;
      if (!runToEnd) waitcnt = stop - end;
      if (bump) {
        wmidx++;
        wmileft = WM_INDEX_STEP;
      } else if (wmidx < WM_INDEX_MAX) {
        wmileft -= end - segStart;
      }
      segStart = end;
    }

    st[PLANE_STATE + S_WAITCNT] = waitcnt;
    st[PLANE_STATE + S_SEED] = seed;
    st[PLANE_STATE + S_WMIDX] = wmidx;
    st[PLANE_STATE + S_WMILEFT] = wmileft;
  }
}

function swapWords(w: Int32Array, n: number): void {
  for (let k = 0; k < n; k++) {
    const v = w[k];
    w[k] = ((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24);
  }
}

let shared: QuicEncoder | undefined;

/**
 * Encodes a BGRA image (top-down, stride = width * 4 unless given) as a QUIC stream of type RGB32
 * (the fourth byte is not coded) or RGBA, as carried in a QUIC image's data. Returns a new array;
 * use a QuicEncoder to encode into a reused buffer.
 */
export function encodeQuic(image: QuicSourceImage, type: QuicEncodeType = "rgb32"): Uint8Array {
  shared ??= new QuicEncoder();
  return shared.encode(image, type).slice();
}
