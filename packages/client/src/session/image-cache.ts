import type { DecodedImage } from "@saffron/codecs";
import { SpiceError } from "@saffron/protocol";

interface Entry {
  image: DecodedImage;
  lossy: boolean;
}

/**
 * The pixmap cache (protocol-map §5.2). The server does the accounting and tells the client
 * what to drop (INVAL_LIST, INVAL_ALL_PIXMAPS); the client keeps every CACHE_ME image until
 * then. As a guard against a hostile server, the cache never holds more than `maxPixels`
 * (twice what the client announced): beyond that the oldest entries go.
 */
export class ImageCache {
  private readonly entries = new Map<bigint, Entry>();
  private pixels = 0;
  evictions = 0;

  constructor(readonly maxPixels: number) {}

  get size(): number {
    return this.entries.size;
  }

  get pixelCount(): number {
    return this.pixels;
  }

  put(id: bigint, image: DecodedImage, lossy: boolean): void {
    this.remove(id);
    const px = image.width * image.height;
    this.entries.set(id, { image, lossy });
    this.pixels += px;
    while (this.pixels > this.maxPixels && this.entries.size > 1) {
      const oldest = this.entries.keys().next().value as bigint;
      this.remove(oldest);
      this.evictions++;
    }
  }

  get(id: bigint, requireLossless = false): DecodedImage {
    const e = this.entries.get(id);
    if (!e) throw new SpiceError("ERR_CACHE_MISS", `image 0x${id.toString(16)} is not in the image cache`);
    if (requireLossless && e.lossy) throw new SpiceError("ERR_CACHE_MISS", `image 0x${id.toString(16)} is cached only in lossy form`);
    return e.image;
  }

  remove(id: bigint): void {
    const e = this.entries.get(id);
    if (!e) return;
    this.pixels -= e.image.width * e.image.height;
    this.entries.delete(id);
  }

  clear(): void {
    this.entries.clear();
    this.pixels = 0;
  }
}
