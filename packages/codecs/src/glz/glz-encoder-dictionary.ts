/**
 * The server side of a GLZ dictionary (protocol map §5.3, §6.3): the window of earlier images one
 * client's display channels may reference, and the shared match hash table. Written from the
 * behaviour of spice-server glz-encoder-dict.c for a single encoder:
 *
 * - every image gets the next id (0, 1, 2, ...) and enters the window whole (one segment);
 * - before an image is added, the oldest images are evicted until the window holds at most
 *   `windowPixels` pixels including the new one; the image's win_head_dist is the id distance to
 *   the oldest image still held (0 when it is alone), which tells the client what to keep;
 * - the hash table (2^20 entries, each the window slot and pixel index of a 3-pixel string) is
 *   never cleared between images, so a stale entry is checked against the slot's current image;
 * - slots of evicted images are reused last-freed-first.
 *
 * Unlike spice-server, which points at the guest's bitmaps, the dictionary keeps its own copy of
 * each image's pixels (in coded order), so callers may reuse or modify their buffers.
 */
import { GLZ_MAX_WINDOW_PIXELS } from "./glz-dictionary.js";

export const GLZ_HASH_LOG = 20;

/** One image in the encoder's window. */
export interface GlzEncoderImage {
  readonly id: number;
  /** LzImageType of the image; references only go to images of the same type. */
  readonly type: number;
  /** Pixels in coded order (BGRA words). */
  readonly pixels: Int32Array;
  /** Window slot (segment index) holding the image. */
  readonly slot: number;
  alive: boolean;
}

/** What encodeGlz needs to code one new image. */
export interface GlzEncoderEntry {
  image: GlzEncoderImage;
  winHeadDist: number;
}

export class GlzEncoderDictionary {
  /** The window the client announced (glz_dictionary_window_size, pixels), at most 2^25. */
  readonly windowPixels: number;
  /** Hash table, two words per entry: window slot, pixel index. Used by encodeGlz. */
  readonly htab = new Int32Array(2 << GLZ_HASH_LOG);
  /** Slot → the image that last occupied it. Used by encodeGlz. */
  readonly slots: GlzEncoderImage[] = [];

  /** Images in the window, oldest first. */
  #window: GlzEncoderImage[] = [];
  #windowStart = 0;
  #retained = 0;
  #freeSlots: number[] = [];
  #nextId = 0;

  constructor(windowPixels: number) {
    if (!Number.isInteger(windowPixels) || windowPixels < 0) throw new RangeError(`bad GLZ window size ${windowPixels}`);
    this.windowPixels = Math.min(windowPixels, GLZ_MAX_WINDOW_PIXELS);
    // Write the (already zero) 8 MB table once so its pages are mapped now, once per client,
    // rather than page-faulted in one by one by the first images' random probes.
    this.htab.fill(0);
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

  /** Empties the window and the hash table; ids start again at 0 (a new dictionary for the client). */
  reset(): void {
    for (let i = this.#windowStart; i < this.#window.length; i++) this.#window[i].alive = false;
    this.#window = [];
    this.#windowStart = 0;
    this.#retained = 0;
    this.#freeSlots = [];
    this.slots.length = 0;
    this.htab.fill(0);
    this.#nextId = 0;
  }

  /**
   * Makes room for an image of `pixels.length` pixels (evicting the oldest), adds it with the
   * next id and returns it with its win_head_dist. Takes ownership of `pixels`. An image larger
   * than the window empties it (spice-server refuses such images; the server never sends them
   * as GLZ) and is then coded on its own.
   */
  add(type: number, pixels: Int32Array): GlzEncoderEntry {
    const size = pixels.length;
    const win = this.#window;
    // The oldest image that may stay: drop from the head until the new image fits.
    let head = this.#windowStart;
    let held = this.#retained;
    while (head < win.length && held + size > this.windowPixels) held -= win[head++].pixels.length;
    for (; this.#windowStart < head; this.#windowStart++) {
      const old = win[this.#windowStart];
      old.alive = false;
      this.#retained -= old.pixels.length;
      this.#freeSlots.push(old.slot);
    }
    if (this.#windowStart > 64 && this.#windowStart * 2 > win.length) {
      this.#window = win.slice(this.#windowStart);
      this.#windowStart = 0;
    }
    const slot = this.#freeSlots.length > 0 ? this.#freeSlots.pop()! : this.slots.length;
    const image: GlzEncoderImage = { id: this.#nextId++, type, pixels, slot, alive: true };
    this.slots[slot] = image;
    const winHeadDist = this.imageCount > 0 ? image.id - this.#window[this.#windowStart].id : 0;
    this.#window.push(image);
    this.#retained += size;
    return { image, winHeadDist };
  }
}
