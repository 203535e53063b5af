// Shared by quic-decode.ts and quic-encode.ts (each module gets its own copy of this static
// data): QUIC's constant tables, the Golomb families and the adaptive model, as in
// src/quic/quic-tables.ts and quic-model.ts.

// ---- Constant tables (src/quic/quic-tables.ts)

/** The pseudo-random sampling table (tabrand_chaos, low bytes). */
export const TABRAND: usize = memory.data<u8>([
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
export const MEL_LEN: usize = memory.data<u8>([
  0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 9, 10, 11, 12, 13, 14, 15,
]);
export const MEL_STATE_MAX: u32 = 31;

/** Model-halving thresholds by wait-mask index. */
export const WM_TRIGGER: usize = memory.data<u32>([110, 550, 900, 800, 550, 400, 350]);
export const WM_INDEX_MAX: u32 = 6;
export const WM_INDEX_STEP: u32 = 2048;

/** Codeword length limit of the Golomb families. */
export const MAX_CODEWORD_LEN: u32 = 26;

// A Golomb family (one per bit depth), built at instantiation by buildFamily():
//   F_CODE + 16 l:             u32 × 4 per code number l: not-GR prefix length, number of GR
//                              codewords, not-GR codeword length, not-GR suffix mask (decoding)
//   F_CODE_WORD + 2 (8 s + l): u16, codeword of symbol s with code l: bits | length << 8 (every
//                              codeword's value fits in 8 bits) (encoding)
//   F_CODE_LEN + 8 s + l:      u8, codeword length of symbol s with code l
//   F_BUCKET_OF + s:           u8, bucket of context symbol s
//   F_BUCKET_START + 4 k:      u32, first symbol of bucket k; 2^bpc after the last bucket
export const F_CODE: usize = 0;
export const F_CODE_WORD: usize = 128;
export const F_CODE_LEN: usize = 128 + 4096;
export const F_BUCKET_OF: usize = 128 + 4096 + 2048;
export const F_BUCKET_START: usize = 128 + 4096 + 2048 + 256;
// (memory.data sizes must be literals: F_BUCKET_START + 4 * 9, rounded up.)
export const FAM8: usize = memory.data(6576, 16);
export const FAM5: usize = memory.data(6576, 16);

// The adaptive model (src/quic/quic-model.ts). Slots 0, 1, 2 are r, g, b; slot 3 the plane.
/** u8 per slot and context symbol: the best code number of the context's bucket. */
export const BEST: usize = memory.data(4 * 256, 16);
/** u32 per slot, bucket (8) and code number (8): accumulated codeword lengths. */
export const COUNTERS: usize = memory.data(4 * 8 * 8 * 4, 16);
export const PLANE_SLOT: u32 = 3;
/** Two sampling/MELCODE states of 5 u32: r, g, b at RGB_STATE, the plane at PLANE_STATE. */
export const STATES: usize = memory.data(64, 16);
export const RGB_STATE: usize = STATES;
export const PLANE_STATE: usize = STATES + 32;
export const S_WAITCNT: usize = 0;
export const S_SEED: usize = 4;
export const S_WMIDX: usize = 8;
export const S_WMILEFT: usize = 12;
export const S_MEL: usize = 16;

// QUIC image types.
export const TYPE_GRAY: u32 = 1;
export const TYPE_RGB16: u32 = 2;
export const TYPE_RGB24: u32 = 3;
export const TYPE_RGB32: u32 = 4;
export const TYPE_RGBA: u32 = 5;

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
      const len = s < grWords ? (s >> l) + l + 1 : notGrLen;
      const bits = s < grWords ? (1 << l) | (s & ((1 << l) - 1)) : s - grWords;
      const at = (<usize>s << 3) + l;
      store<u8>(fam + F_CODE_LEN + at, <u8>len);
      store<u16>(fam + F_CODE_WORD + (at << 1), <u16>(bits | (len << 8)));
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

export function resetModel(bpc: u32): void {
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
// @ts-ignore: decorator
@inline
export function updateModel(fam: usize, bpc: u32, slot: u32, ctx: u32, sym: u32, trigger: u32): void {
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
    // Branch-free (the comparisons are unpredictable): wasm select, a conditional move.
    const better = len < bestLen;
    bestCode = select<u32>(<u32>k, bestCode, better);
    bestLen = select<u32>(len, bestLen, better);
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
