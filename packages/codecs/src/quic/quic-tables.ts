/**
 * Constant tables of the QUIC codec (protocol-map §6.1; spice-common common/quic.c).
 * Everything here is computed once and never written afterwards.
 */

/** Codeword length limit of the Golomb family (DEFmaxclen). */
const MAX_CODEWORD_LEN = 26;

/** Wait-mask index stops growing at this value (DEFwmimax). */
export const WM_INDEX_MAX = 6;

/** Coded pixels between two wait-mask index increments (DEFwminext). */
export const WM_INDEX_STEP = 2048;

/** Model-halving thresholds indexed by wait-mask index, for DEFevol = 3 (besttrigtab[1]). */
export const WM_TRIGGER = Int32Array.of(110, 550, 900, 800, 550, 400, 350);

/** MELCODE state → remainder bit length (the J table). */
export const MEL_LEN = Uint8Array.of(
  0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 9, 10, 11, 12, 13, 14, 15,
);
export const MEL_STATE_MAX = 31;

/**
 * Low byte of each entry of the 256-entry pseudo-random table (tabrand_chaos). Only the low
 * WM_INDEX_MAX bits are ever used, since the value is masked by the wait mask.
 */
export const TABRAND = hexBytes(
  "421753550752288e8ce0afac6486924b4413ea1d507fb933d003054e0f9e9489" +
    "a46d43f9bd00084529ce6b5babbb1fe3277c2aa64d367ec11ac30b3d74a2c7f0" +
    "043b160c9688b2848a462cc88beedf737511012b6e3ce4760a9b676c56e957c2" +
    "ec4068b5a8b090eb605ce14c540278be77fa12140d37269d79d331216fbffb80" +
    "23fd93192e66fcc463419ae89cca850ed9d270f1d47b3ee2ae87a134227ac95d" +
    "48f7febca524e572c6834a1c30985a7d391ecbb6820632ef4791a33520ccd7d1" +
    "c51571b7b32db41be799a7ffd6d8aaf438e669a9b8a0cd58daf3dbf83a65186a" +
    "8fdc515e5fcf109759f6616281dd9ff2f595b14f2f49c0ba25adde8d09ed3fd5",
);

/** Number of context buckets per channel: room for the 8-bit family (the 5-bit one uses 5). */
export const MAX_BUCKETS = 8;
/** Counters per bucket: one per Golomb code (MAXNUMCODES). */
export const CODES_PER_BUCKET = 8;

/**
 * The adaptive Golomb-Rice family for one bit depth.
 *
 * `code` holds four int32 per code number l (index 4·l): the not-GR prefix length, the number of
 * GR codewords, the not-GR codeword length and the not-GR suffix mask. A codeword read with code l
 * is GR when the 32-bit lookahead has fewer than `prefix` leading zeros.
 */
export interface GolombFamily {
  readonly bpc: number;
  /** (1 << bpc) - 1 */
  readonly mask: number;
  readonly code: Int32Array;
  /** Codeword length of symbol s with code l, at index s·8 + l (2^bpc symbols). */
  readonly codeLen: Uint8Array;
  /**
   * Codeword of symbol s with code l, at index s·8 + l, packed as bits | (length << 8): every
   * codeword's value fits in 8 bits (a GR word is 1 then l ≤ 7 bits, a not-GR suffix ≤ 8 bits).
   */
  readonly codeWord: Uint16Array;
  /** Symbol → residual (the inverse of the U→L folding), 2^bpc entries. */
  readonly toResidual: Uint8Array;
  /** Residual (mod 2^bpc) → symbol: the U→L folding, 2^bpc entries. */
  readonly toSymbol: Uint8Array;
  /** Symbol (context) → bucket index, 2^bpc entries. */
  readonly bucketOf: Uint8Array;
  /** First symbol of each bucket, plus 2^bpc at the end (buckets + 1 entries). */
  readonly bucketStart: Uint16Array;
  /** Number of buckets. */
  readonly buckets: number;
}

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Number of bits needed to write v - 1, i.e. ceil(log2(v)) for v >= 1. */
function ceilLog2(v: number): number {
  return v <= 1 ? 0 : 32 - Math.clz32(v - 1);
}

function buildFamily(bpc: number): GolombFamily {
  const levels = 1 << bpc;
  const code = new Int32Array(4 * bpc);
  const codeLen = new Uint8Array(levels * CODES_PER_BUCKET);
  const codeWord = new Uint16Array(levels * CODES_PER_BUCKET);
  for (let l = 0; l < bpc; l++) {
    const prefix = Math.min(MAX_CODEWORD_LEN - bpc, (1 << (bpc - l)) - 1);
    const grWords = prefix << l;
    const suffixLen = ceilLog2(levels - grWords);
    const notGrLen = prefix + suffixLen;
    code[4 * l] = prefix;
    code[4 * l + 1] = grWords;
    code[4 * l + 2] = notGrLen;
    code[4 * l + 3] = (1 << suffixLen) - 1;
    for (let s = 0; s < levels; s++) {
      const len = s < grWords ? (s >> l) + l + 1 : notGrLen;
      const bits = s < grWords ? (1 << l) | (s & ((1 << l) - 1)) : s - grWords;
      codeLen[s * CODES_PER_BUCKET + l] = len;
      codeWord[s * CODES_PER_BUCKET + l] = bits | (len << 8);
    }
  }

  // Symbols fold residuals as 0, -1, +1, -2, ... (mod 2^bpc): even s ↦ s/2, odd s ↦ mask - s/2.
  const mask = levels - 1;
  const toResidual = new Uint8Array(levels);
  const toSymbol = new Uint8Array(levels);
  for (let s = 0; s < levels; s++) {
    toResidual[s] = s & 1 ? mask - (s >> 1) : s >> 1;
    toSymbol[toResidual[s]] = s;
  }

  // Buckets double in size (DEFevol 3): {0} {1,2} {3..6} {7..14} ...; the last bucket also takes
  // the remainder that is smaller than a further doubling: for 8 bits {127..255}, for 5 {15..31}.
  const buckets = bpc;
  const bucketOf = new Uint8Array(levels);
  const bucketStart = new Uint16Array(buckets + 1);
  for (let s = levels - 1; s >= 0; s--) {
    bucketOf[s] = Math.min(31 - Math.clz32(s + 1), buckets - 1);
    bucketStart[bucketOf[s]] = s;
  }
  bucketStart[buckets] = levels;

  return { bpc, mask, code, codeLen, codeWord, toResidual, toSymbol, bucketOf, bucketStart, buckets };
}

export const FAMILY_8BPC: GolombFamily = buildFamily(8);
export const FAMILY_5BPC: GolombFamily = buildFamily(5);
