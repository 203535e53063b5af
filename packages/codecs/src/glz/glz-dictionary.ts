import { GlzMissingImageError } from "./glz-missing-image-error.js";

/** One decoded image kept for back-references: its pixels in coded (stream) order, §5.3. */
export interface GlzWindowImage {
  readonly id: number;
  /** BGRA words, coded order (before any flip or crop); pixel offsets of references index this. */
  readonly pixels: Uint32Array;
  /** Byte view of `pixels` (alpha references read byte 3 of each pixel). */
  readonly bytes: Uint8Array;
  readonly winHeadDist: number;
}

export type GlzImageStatus = "held" | "released" | "pending";

/** The server's window never exceeds LZ_MAX_WINDOW_SIZE pixels (spice-server glz-encoder-dict.c). */
export const GLZ_MAX_WINDOW_PIXELS = 1 << 25;

/**
 * The client side of a GLZ dictionary: one per session (and glz dictionary id), shared by all
 * display channels. Release follows spice-gtk: after each image, every image older than
 * `newestContiguous.id - newestContiguous.winHeadDist` is dropped, where newestContiguous is the
 * newest image with no gap before it. On top of that, retained pixels are capped at twice the
 * window (the server's window holds at most `windowPixels`; the slack covers out-of-order
 * arrival); past the cap the oldest images are dropped, so a misbehaving server cannot grow memory.
 */
export class GlzDictionary {
  /** The window the client announced in DISPLAY_INIT (glz_dictionary_window_size), clamped. */
  readonly windowPixels: number;
  /** Hard cap on the pixels held (the newest image is always kept, even when larger). */
  readonly maxRetainedPixels: number;

  #images = new Map<number, GlzWindowImage>();
  #retained = 0;
  /** Every id below this has been released for good. */
  #releasedBelow = 0;
  /** Lowest id not received yet such that all ids from the first received one up to it arrived; -1 before any image. */
  #nextContiguous = -1;

  constructor(windowPixels: number) {
    if (!Number.isInteger(windowPixels) || windowPixels < 0) throw new RangeError(`bad GLZ window size ${windowPixels}`);
    this.windowPixels = Math.min(windowPixels, GLZ_MAX_WINDOW_PIXELS);
    this.maxRetainedPixels = 2 * this.windowPixels;
  }

  get imageCount(): number {
    return this.#images.size;
  }

  get retainedPixels(): number {
    return this.#retained;
  }

  has(id: number): boolean {
    return this.#images.has(id);
  }

  status(id: number): GlzImageStatus {
    if (this.#images.has(id)) return "held";
    return id < this.#releasedBelow ? "released" : "pending";
  }

  /** Drops every image (display channel reset, migration). */
  clear(): void {
    this.#images.clear();
    this.#retained = 0;
    this.#releasedBelow = 0;
    this.#nextContiguous = -1;
  }

  /** The image `id`, or a GlzMissingImageError (code ERR_GLZ_MISSING_IMAGE). */
  image(id: number, offset?: number): GlzWindowImage {
    const img = this.#images.get(id);
    if (!img) throw new GlzMissingImageError(id, id >= 0 && id >= this.#releasedBelow, offset);
    return img;
  }

  /** Stores a decoded image and applies the window release. Used by decodeGlz. */
  add(image: GlzWindowImage): void {
    const { id } = image;
    if (id < this.#releasedBelow) return; // already outside every window
    const old = this.#images.get(id);
    if (old) this.#retained -= old.pixels.length;
    this.#images.set(id, image);
    this.#retained += image.pixels.length;

    if (this.#nextContiguous < 0) this.#nextContiguous = id + 1;
    while (this.#images.has(this.#nextContiguous)) this.#nextContiguous++;

    const top = this.#images.get(this.#nextContiguous - 1);
    if (top) this.#releaseBelow(top.id - top.winHeadDist);

    while (this.#retained > this.maxRetainedPixels && this.#images.size > 1) {
      let lowest = Infinity;
      for (const k of this.#images.keys()) if (k < lowest) lowest = k;
      this.#releaseBelow(lowest + 1);
    }
  }

  #releaseBelow(limit: number): void {
    if (limit <= this.#releasedBelow) return;
    const images = this.#images;
    const drop = (k: number): void => {
      const img = images.get(k);
      if (img) {
        this.#retained -= img.pixels.length;
        images.delete(k);
      }
    };
    if (limit - this.#releasedBelow <= 2 * images.size + 16) {
      for (let k = this.#releasedBelow; k < limit; k++) drop(k);
    } else {
      for (const k of [...images.keys()]) if (k < limit) drop(k);
    }
    this.#releasedBelow = limit;
  }
}
