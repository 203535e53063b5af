/**
 * The session side's spare RGBA buffers. Each batch of pixels goes to the page in buffers it
 * transfers; once painted, the page gives them back (with its next "pull"), and the next batch
 * reuses them. Large rects then cost neither a fresh allocation nor the page faults of its first
 * write, nor garbage for the collector: on a full-screen update that is most of the conversion.
 */
export class RgbaBuffers {
  /** Smaller rects get fresh buffers: cheap, and not worth holding. */
  static readonly MIN_KEPT_BYTES = 64 * 1024;
  /** At most this many spare buffers are kept (the largest ones)... */
  static readonly MAX_KEPT = 4;
  /** ...holding at most this many bytes together (a 4K screen's full update is 33 MB). */
  static readonly MAX_KEPT_BYTES = 64 * 1024 * 1024;

  #spare: ArrayBuffer[] = [];

  /** `bytes` bytes to write a rect's pixels into: a view of a spare buffer at least that large, or a new one. */
  take(bytes: number): Uint8Array<ArrayBuffer> {
    if (bytes >= RgbaBuffers.MIN_KEPT_BYTES) {
      let best = -1;
      this.#spare.forEach((b, i) => {
        if (b.byteLength >= bytes && (best < 0 || b.byteLength < this.#spare[best]!.byteLength)) best = i;
      });
      if (best >= 0) return new Uint8Array(this.#spare.splice(best, 1)[0]!, 0, bytes);
    }
    return new Uint8Array(bytes);
  }

  /** Buffers the page has painted: kept for later takes (detached or small ones are dropped). */
  give(buffers: readonly ArrayBuffer[]): void {
    for (const b of buffers) if (b.byteLength >= RgbaBuffers.MIN_KEPT_BYTES) this.#spare.push(b);
    this.#spare.sort((a, b) => b.byteLength - a.byteLength);
    const kept: ArrayBuffer[] = [];
    let bytes = 0;
    for (const b of this.#spare) {
      if (kept.length === RgbaBuffers.MAX_KEPT || bytes + b.byteLength > RgbaBuffers.MAX_KEPT_BYTES) continue;
      kept.push(b);
      bytes += b.byteLength;
    }
    this.#spare = kept;
  }

  /** Bytes held in spare buffers. */
  get spareBytes(): number {
    return this.#spare.reduce((n, b) => n + b.byteLength, 0);
  }

  clear(): void {
    this.#spare = [];
  }
}
