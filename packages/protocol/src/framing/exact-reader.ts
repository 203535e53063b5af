import { ChunkQueue } from "./chunk-queue.js";

/**
 * The link-stage reader: chunks in, "exactly N bytes" out. A link driver pushes each
 * received chunk and asks for `phase.need` bytes until it gets null. When the link is done,
 * `takeRest()` hands the bytes that already arrived after it to the frame splitter.
 */
export class ExactReader {
  private readonly queue = new ChunkQueue();

  push(chunk: Uint8Array): void {
    this.queue.push(chunk);
  }

  /** Bytes waiting. */
  get available(): number {
    return this.queue.length;
  }

  /** The next n bytes (zero-copy when they lie in one chunk), or null until n bytes have arrived. */
  read(n: number): Uint8Array | null {
    if (!Number.isInteger(n) || n < 0) throw new Error(`ExactReader.read(${n})`);
    return this.queue.length >= n ? this.queue.take(n) : null;
  }

  /** Everything not read yet, in arrival order; the reader is empty afterwards. */
  takeRest(): Uint8Array[] {
    return this.queue.takeAll();
  }
}
