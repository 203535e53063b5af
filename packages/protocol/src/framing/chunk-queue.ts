/**
 * A queue of received chunks that hands out exact byte counts: a zero-copy subarray when
 * the bytes lie inside one chunk, a copy only when they span chunks (ws's `consume(n)`).
 * Chunks are kept by reference; callers must not reuse a pushed buffer.
 */
export class ChunkQueue {
  private chunks: Uint8Array[] = [];
  private first = 0;
  private offset = 0;
  private total = 0;

  /** Bytes queued. */
  get length(): number {
    return this.total;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.total += chunk.length;
  }

  /** Removes and returns the next n bytes; the caller checks `length >= n` first. */
  take(n: number): Uint8Array {
    if (n > this.total || n < 0) throw new Error(`ChunkQueue.take(${n}) with ${this.total} bytes queued`);
    this.total -= n;
    const head = this.chunks[this.first];
    if (n === 0) return new Uint8Array(0);
    const avail = head!.length - this.offset;
    if (n <= avail) {
      const out = head!.subarray(this.offset, this.offset + n);
      this.advance(n, avail);
      return out;
    }
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[this.first]!;
      const have = c.length - this.offset;
      const k = Math.min(have, n - filled);
      out.set(c.subarray(this.offset, this.offset + k), filled);
      filled += k;
      this.advance(k, have);
    }
    return out;
  }

  /** Removes and returns everything queued, as the remaining chunk views. */
  takeAll(): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (let i = this.first; i < this.chunks.length; i++) {
      const c = this.chunks[i]!;
      out.push(i === this.first ? c.subarray(this.offset) : c);
    }
    this.chunks = [];
    this.first = 0;
    this.offset = 0;
    this.total = 0;
    return out.filter((c) => c.length > 0);
  }

  private advance(k: number, availInHead: number): void {
    if (k < availInHead) {
      this.offset += k;
      return;
    }
    this.first++;
    this.offset = 0;
    if (this.first === this.chunks.length) {
      this.chunks = [];
      this.first = 0;
    } else if (this.first >= 64) {
      this.chunks = this.chunks.slice(this.first);
      this.first = 0;
    }
  }
}
