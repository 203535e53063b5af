// AssemblyScript source of src/wasm/quic-decode.wasm.ts (npm run build:wasm -w @saffron/codecs).
//
// The QUIC decoder of src/quic/quic-decoder.ts (protocol-map §6.1) moved into WebAssembly: the
// same model, sampling, run decisions and corruption checks step for step, so the same pixels
// and the same errors for every input. src/quic/quic-wasm.ts drives it.
//
// Linear memory: the constant tables and the model live in static data (below __heap_base);
// prepare(nBytes, width, height) lays out the rest from __heap_base and grows the memory to fit
// (it never shrinks; drop the instance to release it):
//   [corrRgb, +4 (width + 1))   per pixel i at index i + 1, the r, g, b symbols of the row being
//                               decoded, packed as r << 16 | g << 8 | b (index 0: the "-1" context)
//   [corrPlane, +(width + 1))   the same for the single plane (alpha of RGBA, or GRAY), one byte each
//   [input - PAD, input)        PAD = 16 * width + 128 zero bytes, written by decode()
//   [input, +nWords * 4)        the stream's whole 32-bit words, written there by the caller in
//                               stream order; decode() reverses their order in place
//   [output, +width*height*4)   the pixels, 0xAARRGGBB words (B, G, R, A bytes)
//
// Bit reading: the stream is little-endian u32 words whose bits are read MSB first. With the
// word order reversed, stream bit p is bit 7 - (p & 7) of the byte at streamEnd - 1 - (p >> 3),
// so one little-endian u64 load at streamEnd - 8 - (p >> 3), shifted left by p & 7, holds the
// next 57 bits or more, MSB first, with no byte swapping (window()). Bits past the stream's end
// read as the zero padding, below `input`. Every row consumes fewer than 3 words per pixel plus
// a few words (r, g, b codewords of at most 26 bits and one run code of at most 16 bits per
// pixel; a plane row less), so reading never passes the padding; the bit position is checked
// against the real data size after every row, and runs against the row's end, exactly where
// the JS decoder checks them.

// ---- Constant tables (src/quic/quic-tables.ts)

/** The pseudo-random sampling table (tabrand_chaos, low bytes). */
const TABRAND: usize = memory.data<u8>([
  0x42, 0x17, 0x53, 0x55, 0x07, 0x52, 0x28, 0x8e, 0x8c, 0xe0, 0xaf, 0xac, 0x64, 0x86, 0x92, 0x4b,
  0x44, 0x13, 0xea, 0x1d, 0x50, 0x7f, 0xb9, 0x33, 0xd0, 0x03, 0x05, 0x4e, 0x0f, 0x9e, 0x94, 0x89,
  0xa4, 0x6d, 0x43, 0xf9, 0xbd, 0x00, 0x08, 0x45, 0x29, 0xce, 0x6b, 0x5b, 0xab, 0xbb, 0x1f, 0xe3,
  0x27, 0x7c, 0x2a, 0xa6, 0x4d, 0x36, 0x7e, 0xc1, 0x1a, 0xc3, 0x0b, 0x3d, 0x74, 0xa2, 0xc7, 0xf0,
  0x04, 0x3b, 0x16, 0x0c, 0x96, 0x88, 0xb2, 0x84, 0x8a, 0x46, 0x2c, 0xc8, 0x8b, 0xee, 0xdf, 0x73,
  0x75, 0x11, 0x01, 0x2b, 0x6e, 0x3c, 0xe4, 0x76, 0x0a, 0x9b, 0x67, 0x6c, 0x56, 0xe9, 0x57, 0xc2,
  0xec, 0x40, 0x68, 0xb5, 0xa8, 0xb0, 0x90, 0xeb, 0x60, 0x5c, 0xe1, 0x4c, 0x54, 0x02, 0x78, 0xbe,
  0x77, 0xfa, 0x12, 0x14, 0x0d, 0x37, 0x26, 0x9d, 0x79, 0xd3, 0x31, 0x21, 0x6f, 0xbf, 0xfb, 0x80,
  0x23, 0xfd, 0x93, 0x19, 0x2e, 0x66, 0xfc, 0xc4, 0x63, 0x41, 0x9a, 0xe8, 0x9c, 0xca, 0x85, 0x0e,
  0xd9, 0xd2, 0x70, 0xf1, 0xd4, 0x7b, 0x3e, 0xe2, 0xae, 0x87, 0xa1, 0x34, 0x22, 0x7a, 0xc9, 0x5d,
  0x48, 0xf7, 0xfe, 0xbc, 0xa5, 0x24, 0xe5, 0x72, 0xc6, 0x83, 0x4a, 0x1c, 0x30, 0x98, 0x5a, 0x7d,
  0x39, 0x1e, 0xcb, 0xb6, 0x82, 0x06, 0x32, 0xef, 0x47, 0x91, 0xa3, 0x35, 0x20, 0xcc, 0xd7, 0xd1,
  0xc5, 0x15, 0x71, 0xb7, 0xb3, 0x2d, 0xb4, 0x1b, 0xe7, 0x99, 0xa7, 0xff, 0xd6, 0xd8, 0xaa, 0xf4,
  0x38, 0xe6, 0x69, 0xa9, 0xb8, 0xa0, 0xcd, 0x58, 0xda, 0xf3, 0xdb, 0xf8, 0x3a, 0x65, 0x18, 0x6a,
  0x8f, 0xdc, 0x51, 0x5e, 0x5f, 0xcf, 0x10, 0x97, 0x59, 0xf6, 0x61, 0x62, 0x81, 0xdd, 0x9f, 0xf2,
  0xf5, 0x95, 0xb1, 0x4f, 0x2f, 0x49, 0xc0, 0xba, 0x25, 0xad, 0xde, 0x8d, 0x09, 0xed, 0x3f, 0xd5,
]);

/** MELCODE state → remainder bit length (the J table). */
const MEL_LEN: usize = memory.data<u8>([
  0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 9, 10, 11, 12, 13, 14, 15,
]);
const MEL_STATE_MAX: u32 = 31;

/** Model-halving thresholds by wait-mask index. */
const WM_TRIGGER: usize = memory.data<u32>([110, 550, 900, 800, 550, 400, 350]);
const WM_INDEX_MAX: u32 = 6;
const WM_INDEX_STEP: u32 = 2048;

/** Codeword length limit of the Golomb families. */
const MAX_CODEWORD_LEN: u32 = 26;

// A Golomb family (one per bit depth), built at instantiation by buildFamily():
//   F_CODE + 16 l:        u32 × 4 per code number l: not-GR prefix length, number of GR
//                         codewords, not-GR codeword length, not-GR suffix mask
//   F_CODE_LEN + 8 s + l: u8, codeword length of symbol s with code l
//   F_BUCKET_OF + s:      u8, bucket of context symbol s
//   F_BUCKET_START + 4 k: u32, first symbol of bucket k; 2^bpc after the last bucket
const F_CODE: usize = 0;
const F_CODE_LEN: usize = 128;
const F_BUCKET_OF: usize = 128 + 2048;
const F_BUCKET_START: usize = 128 + 2048 + 256;
// (memory.data sizes must be literals: F_BUCKET_START + 4 * 9, rounded up.)
const FAM8: usize = memory.data(2480, 16);
const FAM5: usize = memory.data(2480, 16);

// The adaptive model (src/quic/quic-model.ts). Slots 0, 1, 2 are r, g, b; slot 3 the plane.
/** u8 per slot and context symbol: the best code number of the context's bucket. */
const BEST: usize = memory.data(4 * 256, 16);
/** u32 per slot, bucket (8) and code number (8): accumulated codeword lengths. */
const COUNTERS: usize = memory.data(4 * 8 * 8 * 4, 16);
const PLANE_SLOT: u32 = 3;
/** Two sampling/MELCODE states of 5 u32: r, g, b at RGB_STATE, the plane at PLANE_STATE. */
const STATES: usize = memory.data(64, 16);
const RGB_STATE: usize = STATES;
const PLANE_STATE: usize = STATES + 32;
const S_WAITCNT: usize = 0;
const S_SEED: usize = 4;
const S_WMIDX: usize = 8;
const S_WMILEFT: usize = 12;
const S_MEL: usize = 16;

// QUIC image types.
const TYPE_GRAY: u32 = 1;
const TYPE_RGB16: u32 = 2;
const TYPE_RGB24: u32 = 3;
const TYPE_RGB32: u32 = 4;
const TYPE_RGBA: u32 = 5;

const OPAQUE: u32 = 0xff000000;
const RGB_MASK: u32 = 0xffffff;
const HEADER_BITS: u32 = 20 * 8;

/** decode() results. */
const OK: i32 = 0;
const ERR_TRUNCATED: i32 = 1;
const ERR_RUN: i32 = 2;
const ERR_TYPE: i32 = 3;

// ---- Family tables

function ceilLog2(v: u32): u32 {
  return v <= 1 ? 0 : 32 - clz<u32>(v - 1);
}

function buildFamily(fam: usize, bpc: u32): void {
  const levels: u32 = 1 << bpc;
  for (let l: u32 = 0; l < bpc; l++) {
    const prefix = min<u32>(MAX_CODEWORD_LEN - bpc, (1 << (bpc - l)) - 1);
    const grWords = prefix << l;
    const suffixLen = ceilLog2(levels - grWords);
    const notGrLen = prefix + suffixLen;
    const c = fam + F_CODE + (<usize>l << 4);
    store<u32>(c, prefix);
    store<u32>(c, grWords, 4);
    store<u32>(c, notGrLen, 8);
    store<u32>(c, (1 << suffixLen) - 1, 12);
    for (let s: u32 = 0; s < levels; s++) {
      store<u8>(fam + F_CODE_LEN + (<usize>s << 3) + l, <u8>(s < grWords ? (s >> l) + l + 1 : notGrLen));
    }
  }
  // Buckets double in size: {0} {1,2} {3..6} ..., the last one also taking the remainder.
  for (let s = <i32>levels - 1; s >= 0; s--) {
    const bucket = min<u32>(31 - clz<u32>(<u32>s + 1), bpc - 1);
    store<u8>(fam + F_BUCKET_OF + <usize>s, <u8>bucket);
    store<u32>(fam + F_BUCKET_START + (<usize>bucket << 2), <u32>s);
  }
  store<u32>(fam + F_BUCKET_START + (<usize>bpc << 2), levels);
}

buildFamily(FAM8, 8);
buildFamily(FAM5, 5);

// ---- Model

function resetModel(bpc: u32): void {
  memory.fill(BEST, <u8>(bpc - 1), 4 * 256);
  memory.fill(COUNTERS, 0, 4 * 8 * 8 * 4);
  for (let st = RGB_STATE; st <= PLANE_STATE; st += PLANE_STATE - RGB_STATE) {
    store<u32>(st, 0, S_WAITCNT);
    store<u32>(st, 0xff, S_SEED);
    store<u32>(st, 0, S_WMIDX);
    store<u32>(st, WM_INDEX_STEP, S_WMILEFT);
    store<u32>(st, 0, S_MEL);
  }
}

/**
 * Adds the cost of symbol `sym` under every code to the counters of the bucket of context `ctx`,
 * makes the cheapest code (the highest on ties) the bucket's best, and halves the bucket's
 * counters when the best cost passes `trigger`.
 */
function updateModel(fam: usize, bpc: u32, slot: u32, ctx: u32, sym: u32, trigger: u32): void {
  const bucket = <u32>load<u8>(fam + F_BUCKET_OF + <usize>ctx);
  const c = COUNTERS + (<usize>((slot << 3) + bucket) << 5);
  const row = fam + F_CODE_LEN + (<usize>sym << 3);
  let bestCode = bpc - 1;
  let bestLen = load<u32>(c + (<usize>bestCode << 2)) + <u32>load<u8>(row + <usize>bestCode);
  store<u32>(c + (<usize>bestCode << 2), bestLen);
  for (let k = <i32>bpc - 2; k >= 0; k--) {
    const at = c + (<usize>k << 2);
    const len = load<u32>(at) + <u32>load<u8>(row + <usize>k);
    store<u32>(at, len);
    if (len < bestLen) {
      bestLen = len;
      bestCode = <u32>k;
    }
  }
  const slotBest = BEST + (<usize>slot << 8);
  const from = slotBest + <usize>load<u32>(fam + F_BUCKET_START + (<usize>bucket << 2));
  if (<u32>load<u8>(from) != bestCode) {
    const to = slotBest + <usize>load<u32>(fam + F_BUCKET_START + (<usize>(bucket + 1) << 2));
    memory.fill(from, <u8>bestCode, to - from);
  }
  if (bestLen > trigger) {
    for (let k: u32 = 0; k < bpc; k++) {
      const at = c + (<usize>k << 2);
      store<u32>(at, load<u32>(at) >> 1);
    }
  }
}

// ---- Bit reading

/**
 * The stream bits from bit position p on, MSB first: at least 57 valid bits on top (the last
 * 8 - (p & 7) bits loaded are stream bits too). `rd` is streamEnd - 8 (see the file comment).
 */
// @ts-ignore: decorator
@inline
function window(rd: usize, p: u32): u64 {
  return load<u64>(rd - <usize>(p >>> 3)) << <u64>(p & 7);
}

/** The 32 stream bits starting at bit position p, MSB first. */
// @ts-ignore: decorator
@inline
function peek(rd: usize, p: u32): u32 {
  return <u32>(window(rd, p) >>> 32);
}

/**
 * Reads one Golomb-Rice codeword with code number l from the top of `bits` (a window with at
 * least 26 valid bits). Returns the symbol (which may exceed the bit depth on corrupt input:
 * callers mask it) | codeword length << 16.
 *
 * A GR codeword (fewer leading zeros than the code's not-GR prefix) is `zeros` 0 bits, a 1 and
 * l bits: its top zeros + 1 + l bits read as a number are 2^l + the l bits, so the symbol
 * (zeros << l) + the l bits is that number + ((zeros - 1) << l), mod 2^32. A not-GR codeword is
 * the prefix of zeros and a suffix added to the number of GR codewords. The hot loops have this
 * written out, to keep the length and symbol in separate locals.
 */
// @ts-ignore: decorator
@inline
function golomb(bits: u64, fam: usize, l: u32): u32 {
  const zeros = <u32>clz<u64>(bits);
  const c = fam + F_CODE + (<usize>l << 4);
  if (zeros < load<u32>(c)) {
    const len = zeros + 1 + l;
    return (<u32>(bits >>> <u64>(64 - len)) + ((zeros - 1) << l)) | (len << 16);
  }
  const len = load<u32>(c, 8);
  return (load<u32>(c, 4) + (<u32>(bits >>> <u64>(64 - len)) & load<u32>(c, 12))) | (len << 16);
}

/**
 * The r, g, b components (one per byte, `bpc` bits each) of a pixel whose packed symbols are
 * `s`, whose left neighbour is `left` and the pixel above `q`: per byte lane, the residual of
 * the symbol (0, -1, +1, -2, ...) plus floor((left + above) / 2), mod 2^bpc. All three lanes at
 * once: the average is (a & b) + ((a ^ b) >> 1), the unfolding (s >> 1) ^ (odd ? all ones : 0),
 * and for 8-bit lanes the sum keeps each lane's top bit apart so no carry crosses a lane.
 * The result's top byte is 0.
 */
// @ts-ignore: decorator
@inline
function reconstruct(s: u32, left: u32, q: u32, bpc: u32): u32 {
  const odd = s & 0x010101;
  if (bpc == 8) {
    const res = ((s >>> 1) & 0x7f7f7f) ^ ((odd << 8) - odd);
    const avg = (left & q) + (((left ^ q) >>> 1) & 0x7f7f7f);
    return ((avg & 0x7f7f7f) + (res & 0x7f7f7f)) ^ ((avg ^ res) & 0x808080);
  }
  // 5-bit lanes (bits 5..7 of each byte are 0): lane sums stay below 64, no carry out.
  const res = ((s >>> 1) & 0x0f0f0f) ^ ((odd << 5) - odd);
  const avg = (left & q & 0x1f1f1f) + (((left ^ q) >>> 1) & 0x0f0f0f);
  return (avg + res) & 0x1f1f1f;
}

/** Symbol → residual (mod the bit depth: callers mask the sum): 0, -1, +1, -2, ... */
// @ts-ignore: decorator
@inline
function residual(s: u32): u32 {
  return (s >>> 1) ^ (0 - (s & 1));
}

// ---- Layout and state of the current image (set by prepare and decode)

let corrRgb: usize = 0;
let corrPlane: usize = 0;
let input: usize = 0;
/** The end of the stream's words in memory, minus 8: the base of window(). */
let streamRd: usize = 0;
let output: usize = 0;
let imageWidth: u32 = 0;
let imageHeight: u32 = 0;
let inputWords: u32 = 0;
/** Bits of real stream data; consuming past this is corruption. */
let limit: u32 = 0;
/** The bit position between rows (and after readRun). */
let pos: u32 = 0;
/** The byte offset to report with the last error. */
let errorOffset: u32 = 0;

function padBytes(width: u32): usize {
  return (<usize>width * 4 + 32) << 2;
}

/** Reverses the order of the n words at `at` (see the file comment). */
function reverseWords(at: usize, n: u32): void {
  let a = at;
  let b = at + (<usize>n << 2) - 4;
  while (a < b) {
    const t = load<u32>(a);
    store<u32>(a, load<u32>(b));
    store<u32>(b, t);
    a += 4;
    b -= 4;
  }
}

/**
 * Lays out the memory for an nBytes stream of a width x height image and grows it to fit.
 * Returns where the caller writes the stream (its first nBytes & ~3 bytes at least), or 0 when
 * the memory cannot grow that far.
 */
export function prepare(nBytes: u32, width: u32, height: u32): usize {
  const nWords = nBytes >>> 2;
  const corrR: u64 = (<u64>__heap_base + 15) & ~(<u64>15);
  const corrA: u64 = corrR + ((<u64>width + 1) << 2);
  const inp: u64 = ((corrA + <u64>width + 1 + 15) & ~(<u64>15)) + <u64>padBytes(width);
  const out: u64 = (inp + (<u64>nWords << 2) + 15) & ~(<u64>15);
  const end: u64 = out + ((<u64>width * <u64>height) << 2);
  const have: u64 = <u64>memory.size() << 16;
  if (end > have) {
    const pages = (end - have + 0xffff) >> 16;
    if (pages > 65536 || memory.grow(<i32>pages) < 0) return 0;
  }
  corrRgb = <usize>corrR;
  corrPlane = <usize>corrA;
  input = <usize>inp;
  streamRd = <usize>inp + (<usize>nWords << 2) - 8;
  output = <usize>out;
  imageWidth = width;
  imageHeight = height;
  inputWords = nWords;
  return input;
}

/** Where decode() leaves the pixels: width * height 0xAARRGGBB words. */
export function output_ptr(): usize {
  return output;
}

/** The byte offset of the error decode() last returned. */
export function error_offset(): u32 {
  return errorOffset;
}

/**
 * Decodes the stream written at prepare()'s pointer as a QUIC image of `type` with the prepared
 * size (the header is not read: the caller has parsed and checked it). Returns 0, or 1 when the
 * stream is truncated, 2 when a run passes the end of its row, 3 for an unknown type.
 */
export function decode(type: u32): i32 {
  const width = imageWidth;
  const height = imageHeight;
  const pad = padBytes(width);
  memory.fill(input - pad, 0, pad);
  reverseWords(input, inputWords);
  limit = inputWords << 5;
  pos = HEADER_BITS;
  resetModel(type == TYPE_RGB16 ? 5 : 8);

  let err = OK;
  if (type == TYPE_RGB32 || type == TYPE_RGB24) {
    for (let y: u32 = 0; y < height && err == OK; y++) err = rgbRow8(y, width, OPAQUE);
  } else if (type == TYPE_RGB16) {
    for (let y: u32 = 0; y < height && err == OK; y++) err = rgbRow5(y, width);
    if (err == OK) widen555(<usize>width * height);
  } else if (type == TYPE_RGBA) {
    for (let y: u32 = 0; y < height && err == OK; y++) {
      err = rgbRow8(y, width, 0);
      if (err == OK) err = planeRow(y, width, 3);
    }
  } else if (type == TYPE_GRAY) {
    for (let y: u32 = 0; y < height && err == OK; y++) err = planeRow(y, width, 0);
    if (err == OK) grayToBgra(<usize>width * height);
  } else {
    err = ERR_TYPE;
  }
  if (err == ERR_TRUNCATED) errorOffset = limit >>> 3;
  return err;
}

// ---- Rows

function rgbRow8(y: u32, width: u32, alpha: u32): i32 {
  return rgbRow(y, width, FAM8, 8, 0xff, alpha);
}

function rgbRow5(y: u32, width: u32): i32 {
  return rgbRow(y, width, FAM5, 5, 0x1f, OPAQUE);
}

/**
 * Reads a MELCODE run length at bit position p with the MELCODE state at `st`, and leaves the
 * new bit position in `pos`. Each leading 1 bit adds 2^J[state] and moves the state up; a 0 bit
 * then ends the prefix and J[state] bits give the remainder; the state then moves one step
 * down. Returns -1 (and sets errorOffset) when the run would pass `maxRun` pixels.
 */
function readRun(p: u32, maxRun: u32, st: usize): i32 {
  const rd = streamRd;
  let mel = load<u32>(st, S_MEL);
  let run: u32 = 0;
  while (true) {
    const ones = clz<u32>(~peek(rd, p));
    for (let k: u32 = 0; k < ones; k++) {
      run += 1 << load<u8>(MEL_LEN + <usize>mel);
      if (mel < MEL_STATE_MAX) mel++;
    }
    if (run > maxRun) {
      errorOffset = p >>> 3;
      return -1;
    }
    if (ones < 32) {
      p += ones + 1;
      break;
    }
    p += 32;
  }
  const melLen = <u32>load<u8>(MEL_LEN + <usize>mel);
  if (melLen > 0) {
    run += peek(rd, p) >>> (32 - melLen);
    p += melLen;
  }
  if (mel > 0) mel--;
  if (run > maxRun) {
    errorOffset = p >>> 3;
    return -1;
  }
  store<u32>(st, mel, S_MEL);
  pos = p;
  return <i32>run;
}

/**
 * Decodes the r, g, b components of row y into the output, with `alpha` ORed into every pixel
 * word (components of `bpc` bits: RGB16 rows hold 5-bit values until widen555). Row 0 predicts
 * from the left neighbour only (the average predictor with the left pixel standing in for the
 * one above); pixel 0 of a row is predicted from the pixel above and takes its context from the
 * previous row's pixel 0. Inlined into rgbRow8 and rgbRow5, so the family is a constant there.
 */
// @ts-ignore: decorator
@inline
function rgbRow(y: u32, width: u32, fam: usize, bpc: u32, mask: u32, alpha: u32): i32 {
  const rd = streamRd;
  const corr = corrRgb;
  const row = output + (<usize>(y * width) << 2);
  const first = y == 0;
  /** above + 4 i: the pixel above pixel i; on row 0 the left neighbour instead. */
  const above = first ? row - 4 : row - (<usize>width << 2);
  const runFrom: u32 = first ? 0xffffffff : 3;
  let p = pos;

  // Pixel 0: always in the row's first segment, so with the current wait mask.
  {
    const ctx: u32 = first ? 0 : load<u32>(corr, 4);
    store<u32>(corr, ctx);
    const q: u32 = first ? 0 : load<u32>(above);
    const cR = ctx >>> 16;
    const cG = (ctx >>> 8) & 0xff;
    const cB = ctx & 0xff;
    let c = golomb(window(rd, p), fam, load<u8>(BEST + <usize>cR));
    p += c >>> 16;
    const sR = c & mask;
    c = golomb(window(rd, p), fam, load<u8>(BEST + 256 + <usize>cG));
    p += c >>> 16;
    const sG = c & mask;
    c = golomb(window(rd, p), fam, load<u8>(BEST + 512 + <usize>cB));
    p += c >>> 16;
    const sB = c & mask;
    store<u32>(corr, (sR << 16) | (sG << 8) | sB, 4);
    const r = (residual(sR) + ((q >>> 16) & 0xff)) & mask;
    const g = (residual(sG) + ((q >>> 8) & 0xff)) & mask;
    const b = (residual(sB) + (q & 0xff)) & mask;
    store<u32>(row, alpha | (r << 16) | (g << 8) | b);
    const wait = load<u32>(RGB_STATE, S_WAITCNT);
    if (wait > 0) {
      store<u32>(RGB_STATE, wait - 1, S_WAITCNT);
    } else {
      const wmidx = load<u32>(RGB_STATE, S_WMIDX);
      const seed = (load<u32>(RGB_STATE, S_SEED) + 1) & 0xff;
      store<u32>(RGB_STATE, seed, S_SEED);
      store<u32>(RGB_STATE, <u32>load<u8>(TABRAND + <usize>seed) & ((1 << wmidx) - 1), S_WAITCNT);
      const trigger = load<u32>(WM_TRIGGER + (<usize>wmidx << 2));
      updateModel(fam, bpc, 0, cR, sR, trigger);
      updateModel(fam, bpc, 1, cG, sG, trigger);
      updateModel(fam, bpc, 2, cB, sB, trigger);
    }
  }

  let waitcnt = load<u32>(RGB_STATE, S_WAITCNT);
  let seed = load<u32>(RGB_STATE, S_SEED);
  let wmidx = load<u32>(RGB_STATE, S_WMIDX);
  let wmileft = load<u32>(RGB_STATE, S_WMILEFT);

  let segStart: u32 = 0;
  while (segStart < width) {
    // Segments end where the wait-mask index grows (every WM_INDEX_STEP pixels, up to the max).
    const bump = wmidx < WM_INDEX_MAX && wmileft <= width - segStart;
    const end = bump ? segStart + wmileft : width;
    const wmask: u32 = (1 << wmidx) - 1;
    const trigger = load<u32>(WM_TRIGGER + (<usize>wmidx << 2));
    let i: u32 = segStart > 0 ? segStart : 1;
    let stop = i + waitcnt;
    let runIndex: u32 = 0;
    let runToEnd = false;
    /** Pixel i - 1 and its packed symbols (the context of pixel i). */
    let left = load<u32>(row + (<usize>(i - 1) << 2));
    let ctx = load<u32>(corr + (<usize>i << 2));
    let cR = ctx >>> 16;
    let cG = (ctx >>> 8) & 0xff;
    let cB = ctx & 0xff;

    while (i < end) {
      const q = load<u32>(above + (<usize>i << 2));
      if (
        i >= runFrom &&
        i != runIndex &&
        ((load<u32>(above + (<usize>(i - 1) << 2)) ^ q) & RGB_MASK) == 0 &&
        ((left ^ load<u32>(row + (<usize>(i - 2) << 2))) & RGB_MASK) == 0
      ) {
        // Run mode: a MELCODE run length, then copies of the left pixel. Run pixels leave
        // their context symbols untouched, and the sampling countdown resumes after the run.
        waitcnt = stop - i;
        runIndex = i;
        const run = readRun(p, end - i, RGB_STATE);
        if (run < 0) return ERR_RUN;
        p = pos;
        const runEnd = i + <u32>run;
        for (; i < runEnd; i++) store<u32>(row + (<usize>i << 2), left);
        if (i == end) {
          runToEnd = true;
          break;
        }
        stop = i + waitcnt;
        ctx = load<u32>(corr + (<usize>i << 2));
        cR = ctx >>> 16;
        cG = (ctx >>> 8) & 0xff;
        cB = ctx & 0xff;
        continue;
      }

      // golomb() written out three times. One window serves r and g (2 x 26 bits at most of its
      // 57), and b unless they took more than 31 bits.
      let bits = window(rd, p);
      let l = <u32>load<u8>(BEST + <usize>cR);
      let z = <u32>clz<u64>(bits);
      let code = fam + F_CODE + (<usize>l << 4);
      let lenR: u32;
      let sR: u32;
      if (z < load<u32>(code)) {
        lenR = z + 1 + l;
        sR = <u32>(bits >>> <u64>(64 - lenR)) + ((z - 1) << l);
      } else {
        lenR = load<u32>(code, 8);
        sR = (load<u32>(code, 4) + (<u32>(bits >>> <u64>(64 - lenR)) & load<u32>(code, 12))) & mask;
      }
      bits <<= <u64>lenR;
      l = <u32>load<u8>(BEST + 256 + <usize>cG);
      z = <u32>clz<u64>(bits);
      code = fam + F_CODE + (<usize>l << 4);
      let lenG: u32;
      let sG: u32;
      if (z < load<u32>(code)) {
        lenG = z + 1 + l;
        sG = <u32>(bits >>> <u64>(64 - lenG)) + ((z - 1) << l);
      } else {
        lenG = load<u32>(code, 8);
        sG = (load<u32>(code, 4) + (<u32>(bits >>> <u64>(64 - lenG)) & load<u32>(code, 12))) & mask;
      }
      const len = lenR + lenG;
      bits <<= <u64>lenG;
      if (len > 31) bits = window(rd, p + len);
      l = <u32>load<u8>(BEST + 512 + <usize>cB);
      z = <u32>clz<u64>(bits);
      code = fam + F_CODE + (<usize>l << 4);
      let lenB: u32;
      let sB: u32;
      if (z < load<u32>(code)) {
        lenB = z + 1 + l;
        sB = <u32>(bits >>> <u64>(64 - lenB)) + ((z - 1) << l);
      } else {
        lenB = load<u32>(code, 8);
        sB = (load<u32>(code, 4) + (<u32>(bits >>> <u64>(64 - lenB)) & load<u32>(code, 12))) & mask;
      }
      p += len + lenB;
      const s = (sR << 16) | (sG << 8) | sB;
      store<u32>(corr + (<usize>(i + 1) << 2), s);
      left = alpha | reconstruct(s, left, q, bpc);
      store<u32>(row + (<usize>i << 2), left);

      if (i == stop) {
        updateModel(fam, bpc, 0, cR, sR, trigger);
        updateModel(fam, bpc, 1, cG, sG, trigger);
        updateModel(fam, bpc, 2, cB, sB, trigger);
        seed = (seed + 1) & 0xff;
        stop = i + 1 + (<u32>load<u8>(TABRAND + <usize>seed) & wmask);
      }
      cR = sR;
      cG = sG;
      cB = sB;
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

  if (p > limit) return ERR_TRUNCATED;
  pos = p;
  store<u32>(RGB_STATE, waitcnt, S_WAITCNT);
  store<u32>(RGB_STATE, seed, S_SEED);
  store<u32>(RGB_STATE, wmidx, S_WMIDX);
  store<u32>(RGB_STATE, wmileft, S_WMILEFT);
  return OK;
}

/**
 * Decodes one 8-bit plane of row y into byte `offset` of each pixel word: the alpha of RGBA (3)
 * or the value of GRAY (0, expanded by grayToBgra). Same structure as rgbRow, with its own
 * sampling state and model slot; pixel 0 is decoded in the first segment.
 */
function planeRow(y: u32, width: u32, offset: usize): i32 {
  const fam = FAM8;
  const rd = streamRd;
  const corr = corrPlane;
  const best = BEST + (<usize>PLANE_SLOT << 8);
  const first = y == 0;
  /** row + 4 i: the byte of pixel i; above + 4 i: its predictor partner (row 0: the left one). */
  const row = output + (<usize>(y * width) << 2) + offset;
  const above = first ? row - 4 : row - (<usize>width << 2);
  const runFrom: u32 = first ? 0xffffffff : 3;
  let p = pos;
  let waitcnt = load<u32>(PLANE_STATE, S_WAITCNT);
  let seed = load<u32>(PLANE_STATE, S_SEED);
  let wmidx = load<u32>(PLANE_STATE, S_WMIDX);
  let wmileft = load<u32>(PLANE_STATE, S_WMILEFT);

  store<u8>(corr, first ? 0 : load<u8>(corr, 1));

  let segStart: u32 = 0;
  while (segStart < width) {
    const bump = wmidx < WM_INDEX_MAX && wmileft <= width - segStart;
    const end = bump ? segStart + wmileft : width;
    const wmask: u32 = (1 << wmidx) - 1;
    const trigger = load<u32>(WM_TRIGGER + (<usize>wmidx << 2));
    let i = segStart;
    let a: u32;
    let stop: u32;
    if (i == 0) {
      const q: u32 = first ? 0 : load<u8>(above);
      const ctx0 = <u32>load<u8>(corr);
      const c = golomb(window(rd, p), fam, load<u8>(best + <usize>ctx0));
      p += c >>> 16;
      const s = c & 0xff;
      store<u8>(corr, <u8>s, 1);
      a = (residual(s) + q) & 0xff;
      store<u8>(row, <u8>a);
      if (waitcnt > 0) {
        waitcnt--;
      } else {
        seed = (seed + 1) & 0xff;
        waitcnt = <u32>load<u8>(TABRAND + <usize>seed) & wmask;
        updateModel(fam, 8, PLANE_SLOT, ctx0, s, trigger);
      }
      i = 1;
      stop = 1 + waitcnt;
    } else {
      a = load<u8>(row + (<usize>(i - 1) << 2));
      stop = i + waitcnt;
    }

    let runIndex: u32 = 0;
    let runToEnd = false;
    let ctx = <u32>load<u8>(corr + <usize>i);
    while (i < end) {
      const at = row + (<usize>i << 2);
      const up = above + (<usize>i << 2);
      const q = <u32>load<u8>(up);
      if (i >= runFrom && i != runIndex && <u32>load<u8>(up - 4) == q && <u32>load<u8>(at - 8) == a) {
        waitcnt = stop - i;
        runIndex = i;
        const run = readRun(p, end - i, PLANE_STATE);
        if (run < 0) return ERR_RUN;
        p = pos;
        const runEnd = i + <u32>run;
        for (; i < runEnd; i++) store<u8>(row + (<usize>i << 2), <u8>a);
        if (i == end) {
          runToEnd = true;
          break;
        }
        stop = i + waitcnt;
        ctx = <u32>load<u8>(corr + <usize>i);
        continue;
      }

      // golomb(), written out.
      const bits = window(rd, p);
      const l = <u32>load<u8>(best + <usize>ctx);
      const z = <u32>clz<u64>(bits);
      const code = fam + F_CODE + (<usize>l << 4);
      let len: u32;
      let s: u32;
      if (z < load<u32>(code)) {
        len = z + 1 + l;
        s = <u32>(bits >>> <u64>(64 - len)) + ((z - 1) << l);
      } else {
        len = load<u32>(code, 8);
        s = (load<u32>(code, 4) + (<u32>(bits >>> <u64>(64 - len)) & load<u32>(code, 12))) & 0xff;
      }
      p += len;
      store<u8>(corr + <usize>i + 1, <u8>s);
      a = (residual(s) + ((a + q) >>> 1)) & 0xff;
      store<u8>(at, <u8>a);
      if (i == stop) {
        updateModel(fam, 8, PLANE_SLOT, ctx, s, trigger);
        seed = (seed + 1) & 0xff;
        stop = i + 1 + (<u32>load<u8>(TABRAND + <usize>seed) & wmask);
      }
      ctx = s;
      i++;
    }
    if (!runToEnd) waitcnt = stop - end;
    if (bump) {
      wmidx++;
      wmileft = WM_INDEX_STEP;
    } else if (wmidx < WM_INDEX_MAX) {
      wmileft -= end - segStart;
    }
    segStart = end;
  }

  if (p > limit) return ERR_TRUNCATED;
  pos = p;
  store<u32>(PLANE_STATE, waitcnt, S_WAITCNT);
  store<u32>(PLANE_STATE, seed, S_SEED);
  store<u32>(PLANE_STATE, wmidx, S_WMIDX);
  store<u32>(PLANE_STATE, wmileft, S_WMILEFT);
  return OK;
}

// ---- Final passes

/** Widens x1r5g5b5 components (held one per byte) to 8 bits: v << 3 | v >> 2, opaque. */
function widen555(n: usize): void {
  const end = output + (n << 2);
  for (let at = output; at < end; at += 4) {
    const v = load<u32>(at);
    const w = (v << 3) & 0xf8f8f8; // each 5-bit lane moved to the top of its byte
    store<u32>(at, OPAQUE | w | ((w >>> 5) & 0x070707));
  }
}

/** Expands the gray value held in each pixel's blue byte to B = G = R = value, opaque. */
function grayToBgra(n: usize): void {
  const end = output + (n << 2);
  for (let at = output; at < end; at += 4) store<u32>(at, OPAQUE | (<u32>load<u8>(at) * 0x010101));
}
