/**
 * Split-chunk helpers: re-run a fixture with its bytes cut at every boundary, the "spanning
 * multiple writes" tests of ws and the reason noVNC's rQwait exists.
 */

export interface ChunkingOptions {
  /** Also try every cut into three pieces when the input is at most this long (default 64). */
  maxLengthForTriples?: number;
}

/** A copy of `bytes` placed at a non-zero byteOffset of its own buffer, to catch code that assumes offset 0. */
function piece(bytes: Uint8Array, from: number, to: number): Uint8Array {
  const buf = new Uint8Array(to - from + 3);
  buf.set(bytes.subarray(from, to), 3);
  return buf.subarray(3);
}

function cut(bytes: Uint8Array, points: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...points, bytes.length]) {
    out.push(piece(bytes, prev, p));
    prev = p;
  }
  return out;
}

/**
 * Every chunking tried: whole; one byte at a time; every cut into two; and, for short inputs,
 * every cut into three. Each yields the chunks and a label naming the cut points.
 */
export function* chunkings(bytes: Uint8Array, options: ChunkingOptions = {}): Generator<{ chunks: Uint8Array[]; label: string }> {
  const n = bytes.length;
  const maxTriples = options.maxLengthForTriples ?? 64;
  yield { chunks: [piece(bytes, 0, n)], label: "whole" };
  if (n > 1) {
    yield { chunks: Array.from({ length: n }, (_, i) => piece(bytes, i, i + 1)), label: "byte by byte" };
  }
  for (let i = 1; i < n; i++) yield { chunks: cut(bytes, [i]), label: `cut at ${i}` };
  if (n <= maxTriples) {
    for (let i = 1; i < n; i++) for (let j = i + 1; j < n; j++) yield { chunks: cut(bytes, [i, j]), label: `cut at ${i},${j}` };
  }
}

/**
 * Calls `feed` once per chunking of `bytes` (see `chunkings`). An exception from `feed` is
 * rethrown with the chunking's label in its message, so a failure names the split.
 */
export function forEveryChunking(bytes: Uint8Array, feed: (chunks: Uint8Array[], label: string) => void, options: ChunkingOptions = {}): number {
  let runs = 0;
  for (const { chunks, label } of chunkings(bytes, options)) {
    try {
      feed(chunks, label);
    } catch (e) {
      if (e instanceof Error) e.message = `[chunking: ${label}] ${e.message}`;
      throw e;
    }
    runs++;
  }
  return runs;
}

/** `forEveryChunking` for an async `feed`, run one chunking at a time. */
export async function forEveryChunkingAsync(
  bytes: Uint8Array,
  feed: (chunks: Uint8Array[], label: string) => Promise<void>,
  options: ChunkingOptions = {},
): Promise<number> {
  let runs = 0;
  for (const { chunks, label } of chunkings(bytes, options)) {
    try {
      await feed(chunks, label);
    } catch (e) {
      if (e instanceof Error) e.message = `[chunking: ${label}] ${e.message}`;
      throw e;
    }
    runs++;
  }
  return runs;
}
