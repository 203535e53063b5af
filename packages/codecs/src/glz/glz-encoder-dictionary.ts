/**
 * The server side of a GLZ dictionary (protocol map §5.3, §6.3): the window of earlier images one
 * client's display channels may reference, and the shared match hash table. Written from the
 * behaviour of spice-server glz-encoder-dict.c for a single encoder:
 *
 * - every image gets the next id (0, 1, 2, ...) and enters the window whole (one segment);
 * - before an image is added, the oldest images are evicted until the window holds at most
 *   `windowPixels` pixels including the new one; the image's win_head_dist is the id distance to
 *   the oldest image still held (0 when it is alone), which tells the client what to keep;
 * - the hash table (2^20 entries) is never cleared between images, so a stale entry is checked
 *   against the window before it is used.
 *
 * Unlike spice-server, which points at the guest's bitmaps, the dictionary keeps its own copy of
 * each image's pixels (in coded order), so callers may reuse or modify their buffers.
 *
 * Layout, chosen so the encoder's per-pixel loop touches as little memory as possible (it is
 * bound by the latency of its random hash-table probes, and that grows with the table's size):
 *
 * - Every image added gets a range of *global positions* (a pixel counter over the life of the
 *   dictionary); the images in the window are consecutive in that space. A hash entry is one
 *   32-bit word: the low 25 bits of a global position, then 7 check bits of the pixels there
 *   (`colourCheck`). Every usable candidate lies less than 2^25 pixels back (the window is at
 *   most 2^25 pixels and so is a reference's pixel distance), so the most recent position with
 *   those 25 bits is the one meant. A probe only reads the candidate's pixels when the check bits
 *   agree, so a failed probe costs one random access into a 4 MB table.
 * - All pixels live in one ring of 32-bit words (`arena`), each image contiguous, so the
 *   current image and its candidates are read from the same typed array, and adding an image
 *   is one copy into memory that is already mapped. The ring is allocated (and its pages
 *   touched) up front for two images of the usual size (`initialArenaPixels`), and grows when an
 *   image does not fit, up to window + the largest image the window admitted (then every image
 *   fits: see `#place`), so memory stays bounded by twice the window at most.
 *
 * Unlike spice-server (where a hash entry names a window segment, which a later image may take
 * over), an entry always means the pixels it was written for, and entries older than the window
 * are ignored (or, after 2^25 more pixels, taken for a recent position and then checked on the
 * pixels): both give valid references, so streams only differ from spice-server's once images
 * have been evicted.
 */
import { GLZ_MAX_WINDOW_PIXELS } from "./glz-dictionary.js";

export const GLZ_HASH_LOG = 20;

/**
 * How many pixels a new dictionary's ring holds from the start: room for two images like the
 * largest of the last few any dictionary of this process was given (a server's clients mostly
 * see images of the same sizes), or two full-HD frames before any; within [2^18, 2^22] pixels
 * (1 to 16 MB) and twice the window. Only memory use and speed depend on it, never the streams.
 */
const recentSizes = [0, 0, 0, 0];
let recentNext = 0;
function initialArenaPixels(maxArena: number): number {
  const largest = Math.max(...recentSizes);
  const want = largest === 0 ? 1 << 22 : 2 * largest;
  return Math.min(maxArena, Math.max(1 << 18, Math.min(want, 1 << 22)));
}

/** A dictionary's big tables (about 4 MB of hash table and the pixel ring). */
interface Tables {
  arena: Int32Array;
  htab: Int32Array;
  htabLines: Int32Array;
}

/**
 * The tables of the last disposed dictionary, for the next one: a server whose clients come
 * and go then does not map (and page-fault) fresh memory for every client. One set at most, so
 * what is kept is bounded by the largest dictionary that was disposed.
 */
let spare: Tables | undefined;

function giveTables(t: Tables): void {
  if (!spare || spare.arena.length < t.arena.length) spare = t;
}

/** The spare tables when their ring holds at least `arenaPixels` (they are then no longer spare). */
function takeTables(arenaPixels: number): Tables | undefined {
  const t = spare;
  if (!t || t.arena.length < arenaPixels) return undefined;
  spare = undefined;
  return t;
}

/** One image in the encoder's window. */
export interface GlzEncoderImage {
  readonly id: number;
  /** LzImageType of the image; references only go to images of the same type. */
  readonly type: number;
  /** Pixels in coded order (BGRA words): a view of the dictionary's store, valid until the next image is added. */
  readonly pixels: Int32Array;
  /** False once evicted from the window. */
  readonly alive: boolean;
}

/** An image of the window and where its pixels are. Used by encodeGlz. */
export class GlzWindowEntry implements GlzEncoderImage {
  alive = true;
  constructor(
    readonly id: number,
    readonly type: number,
    /** First global position (exact, may exceed 2^32 over a long session). */
    readonly start: number,
    readonly size: number,
    /** Offset of pixel 0 in the dictionary's arena (changes when the arena grows). */
    public base: number,
    private readonly dict: GlzEncoderDictionary,
  ) {}

  get pixels(): Int32Array {
    return this.dict.arena.subarray(this.base, this.base + this.size);
  }
}

/** What encodeGlz needs to code one new image. */
export interface GlzEncoderEntry {
  image: GlzWindowEntry;
  winHeadDist: number;
}

const evenLength = (n: number): number => n + (n & 1);

/** Bits of a hash entry holding a global position (mod 2^25). */
export const GLZ_POS_BITS = 25;
/** The check bits of a hash entry: a hash of B, G, R of the pixel at the position and of the next one. */
export function colourCheck(p0: number, p1: number): number {
  return Math.imul((p0 << 8) ^ (p1 & 0xffffff), -1640531535) >>> 25;
}

export class GlzEncoderDictionary {
  /** The window the client announced (glz_dictionary_window_size, pixels), at most 2^25. */
  readonly windowPixels: number;
  /** Hash table: global position (mod 2^25) << 7 | check bits. Used by encodeGlz. */
  readonly htab: Int32Array;
  /**
   * One bit per line of 16 hash entries (64 bytes), set once any entry of the line was written
   * since the table was last cleared; the entries of a clear line are all 0. The colour pass does
   * not read entries of clear lines: on a fresh dictionary most probes then read this 8 KB bitmap
   * instead of the table, whose 4 MB are cold in the caches and TLB (the loop waits on those loads).
   * Used by encodeGlz (which keeps it in step with `htab`).
   */
  readonly htabLines: Int32Array;
  /** The pixel ring: every image of the window, each contiguous (even length). Used by encodeGlz. */
  arena: Int32Array;
  /** The same memory as pairs of pixels (match extension compares two at a time). Used by encodeGlz. */
  arena64: BigInt64Array;

  /** Images in the window, oldest first (from #windowStart). */
  #window: GlzWindowEntry[] = [];
  #windowStart = 0;
  #retained = 0;
  #nextId = 0;
  /** Global position of the next image's first pixel. */
  #nextStart = 0;
  /** Twice the window: the most the arena is given up front. */
  readonly #maxArena: number;
  /** The largest image the window admitted (at most the window). */
  #largest = 0;
  #disposed = false;

  constructor(windowPixels: number) {
    if (!Number.isInteger(windowPixels) || windowPixels < 0) throw new RangeError(`bad GLZ window size ${windowPixels}`);
    this.windowPixels = Math.min(windowPixels, GLZ_MAX_WINDOW_PIXELS);
    this.#maxArena = 2 * this.windowPixels;
    const want = evenLength(initialArenaPixels(this.#maxArena));
    // The tables of a disposed dictionary when there is one (as malloc hands C's encoder the
    // memory its predecessor freed): their pages are mapped already. New ones are written once
    // so that their pages get mapped now, once per client, rather than page-faulted in one by
    // one while the first images are coded. The hash table last either way: the first image's
    // random probes then start on a warm cache.
    const reused = takeTables(want);
    this.arena = reused?.arena ?? new Int32Array(want);
    this.htab = reused?.htab ?? new Int32Array(1 << GLZ_HASH_LOG);
    this.htabLines = reused?.htabLines ?? new Int32Array(1 << (GLZ_HASH_LOG - 9));
    if (!reused) this.arena.fill(0);
    this.arena64 = new BigInt64Array(this.arena.buffer);
    this.#clearTables();
  }

  /**
   * Ends this dictionary (its client left): its tables go to the next dictionary created, and
   * any later use of this one throws. Optional: a dictionary that is merely dropped is
   * garbage-collected as usual.
   */
  dispose(): void {
    if (this.#disposed) return;
    this.#dropWindow();
    this.#disposed = true;
    giveTables({ arena: this.arena, htab: this.htab, htabLines: this.htabLines });
    this.arena = new Int32Array(0);
    this.arena64 = new BigInt64Array(0);
  }

  /** The id the next image will get. */
  get nextImageId(): number {
    return this.#nextId;
  }

  /** Number of images in the window. */
  get imageCount(): number {
    return this.#window.length - this.#windowStart;
  }

  /** Pixels held by the window. */
  get retainedPixels(): number {
    return this.#retained;
  }

  /** Id of the oldest image in the window, or -1 when empty. */
  get oldestImageId(): number {
    return this.imageCount > 0 ? this.#window[this.#windowStart].id : -1;
  }

  /** Global position of the oldest pixel in the window (exact). Used by encodeGlz. */
  get headStart(): number {
    return this.imageCount > 0 ? this.#window[this.#windowStart].start : this.#nextStart;
  }

  /** Empties the window and the hash table; ids start again at 0 (a new dictionary for the client). */
  reset(): void {
    this.#dropWindow();
    this.#clearTables();
    this.#nextId = 0;
    this.#nextStart = 0;
    this.#largest = 0;
  }

  /** Zeroes the hash table and its line bitmap, the table last: the next image's random probes then start on a warm cache. */
  #clearTables(): void {
    this.htabLines.fill(0);
    this.htab.fill(0);
  }

  /** Evicts every image (the tables are left as they are). */
  #dropWindow(): void {
    for (let i = this.#windowStart; i < this.#window.length; i++) this.#window[i].alive = false;
    this.#window = [];
    this.#windowStart = 0;
    this.#retained = 0;
  }

  /**
   * The window image holding global position `start + off`, where `off` is relative to the
   * window head (0 <= off < the pixels before the newest image), searched among the images older
   * than the newest one. Used by encodeGlz for references into other images.
   */
  imageAt(off: number): GlzWindowEntry {
    const win = this.#window;
    const head = win[this.#windowStart].start;
    let lo = this.#windowStart;
    let hi = win.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (win[mid].start - head <= off) lo = mid;
      else hi = mid - 1;
    }
    return win[lo];
  }

  /**
   * Makes room for an image of `pixels.length` pixels (evicting the oldest), copies it in with
   * the next id and returns it with its win_head_dist. The dictionary keeps its own copy of
   * `pixels`. An image larger than the window empties it (spice-server refuses such images; the
   * server never sends them as GLZ) and is then coded on its own.
   */
  add(type: number, pixels: Int32Array): GlzEncoderEntry {
    if (this.#disposed) throw new Error("this GLZ dictionary was disposed");
    const size = pixels.length;
    recentSizes[recentNext] = size;
    recentNext = (recentNext + 1) & 3;
    if (size <= this.windowPixels && size > this.#largest) this.#largest = size;
    const win = this.#window;
    // The oldest image that may stay: drop from the head until the new image fits.
    let head = this.#windowStart;
    let held = this.#retained;
    while (head < win.length && held + size > this.windowPixels) held -= win[head++].size;
    for (; this.#windowStart < head; this.#windowStart++) {
      const old = win[this.#windowStart];
      old.alive = false;
      this.#retained -= old.size;
    }
    if (this.#windowStart > 64 && this.#windowStart * 2 > win.length) {
      this.#window = win.slice(this.#windowStart);
      this.#windowStart = 0;
    }
    const base = this.#place(size);
    this.arena.set(pixels, base);
    const image = new GlzWindowEntry(this.#nextId++, type, this.#nextStart, size, base, this);
    this.#nextStart += size;
    const winHeadDist = this.imageCount > 0 ? image.id - this.#window[this.#windowStart].id : 0;
    this.#window.push(image);
    this.#retained += size;
    return { image, winHeadDist };
  }

  /**
   * Where in the arena the next image of `size` pixels goes: after the newest image, else (ring)
   * at the arena start if the oldest image leaves room before it; otherwise the arena grows.
   * With an arena of at least window + (largest image) pixels there always is room: the window
   * holds at most window - size pixels besides the new one, and the gap left at the end when the
   * ring wrapped is shorter than the image that did not fit there.
   */
  #place(size: number): number {
    const win = this.#window;
    const cap = this.arena.length;
    if (this.imageCount === 0) {
      // Keep the arena unless an image larger than the window made it larger than needed now.
      if (size <= cap && cap <= Math.max(this.#maxArena, 2 * size)) return 0;
      this.#resize(Math.max(size, initialArenaPixels(this.#maxArena)), size);
      return 0;
    }
    const oldest = win[this.#windowStart].base;
    const newest = win[win.length - 1];
    const tail = newest.base + newest.size;
    if (oldest < tail) {
      // Not wrapped: the images lie in [oldest, tail).
      if (tail + size <= cap) return tail;
      if (size <= oldest) return 0;
    } else if (tail + size <= oldest) {
      // Wrapped: [oldest, end of ring) then [0, tail).
      return tail;
    }
    // Grow by half, but never past window + the largest image (which always has room).
    const live = this.#retained;
    this.#resize(Math.max(live + size, Math.min(this.windowPixels + this.#largest, cap + (cap >> 1))), size);
    return live;
  }

  /** Moves the window's images, oldest first, to the start of a new arena of `cap` pixels. */
  #resize(cap: number, size: number): void {
    const old = this.arena;
    const arena = new Int32Array(evenLength(Math.max(cap, this.#retained + size)));
    let at = 0;
    for (let i = this.#windowStart; i < this.#window.length; i++) {
      const img = this.#window[i];
      arena.set(old.subarray(img.base, img.base + img.size), at);
      img.base = at;
      at += img.size;
    }
    this.arena = arena;
    this.arena64 = new BigInt64Array(arena.buffer);
  }
}
