/**
 * Capability sets exchanged in the link stage: arrays of u32 words where capability N is
 * bit N % 32 of word N / 32 (protocol-map §1, §2.3).
 */

/** `SPICE_COMMON_CAP_*` (protocol-map §2.3). */
export const CommonCap = {
  /** A SpiceLinkAuthMechanism u32 follows the reply. */
  AuthSelection: 0,
  AuthSpice: 1,
  AuthSasl: 2,
  /** 6-byte data header after the link. */
  MiniHeader: 3,
} as const;
export type CommonCap = (typeof CommonCap)[keyof typeof CommonCap];

/** The most words a link message may carry in either caps vector (spice-server's limit). */
export const MAX_CAPS_WORDS = 1024;
const MAX_BIT = MAX_CAPS_WORDS * 32;

function checkBit(bit: number): void {
  if (!Number.isInteger(bit) || bit < 0 || bit >= MAX_BIT) throw new RangeError(`capability bit ${bit} out of range`);
}

/** A mutable set of capability bits that remembers how many words it was given. */
export class Caps {
  private words: number[];

  constructor(words: readonly number[] = []) {
    this.words = words.map((w) => w >>> 0);
  }

  /** The set from wire words (copied). */
  static fromWords(words: readonly number[]): Caps {
    return new Caps(words);
  }

  /** A set with exactly these bits, in the fewest words. */
  static of(...bits: number[]): Caps {
    const c = new Caps();
    for (const b of bits) c.set(b);
    return c;
  }

  has(bit: number): boolean {
    if (!Number.isInteger(bit) || bit < 0) return false;
    const w = this.words[bit >>> 5];
    return w !== undefined && ((w >>> (bit & 31)) & 1) === 1;
  }

  set(bit: number): this {
    checkBit(bit);
    const i = bit >>> 5;
    while (this.words.length <= i) this.words.push(0);
    this.words[i] = (this.words[i]! | (1 << (bit & 31))) >>> 0;
    return this;
  }

  clear(bit: number): this {
    checkBit(bit);
    const i = bit >>> 5;
    if (i < this.words.length) this.words[i] = (this.words[i]! & ~(1 << (bit & 31))) >>> 0;
    return this;
  }

  /** The wire words (a copy; the word count is kept, trailing zero words included). */
  toWords(): number[] {
    return this.words.slice();
  }

  get wordCount(): number {
    return this.words.length;
  }

  /** Every set bit, ascending. */
  bits(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.words.length; i++) {
      const w = this.words[i]!;
      for (let b = 0; b < 32; b++) if ((w >>> b) & 1) out.push(i * 32 + b);
    }
    return out;
  }

  clone(): Caps {
    return new Caps(this.words);
  }

  toString(): string {
    return `Caps[${this.words.map((w) => "0x" + w.toString(16).padStart(8, "0")).join(",")}]`;
  }
}
