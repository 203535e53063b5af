type Pixels = { width: number; height: number; data: Uint8Array; stride: number };

/** A content key: size plus two independent 32-bit hash lanes over the BGRX words. */
export type PixelKey = string;

/**
 * The key of a BGRX rect: `WxH:a:b` with two 32-bit lanes (FNV-1a over 32-bit words, and a
 * multiply-rotate lane), so unrelated rects almost never share a key. A shared key is only a
 * candidate: the cache compares the pixels themselves before it answers a hit.
 */
export function pixelKey(p: Pixels): PixelKey {
  let a = 0x811c9dc5;
  let b = 0x9747b28c ^ (p.width * 65599 + p.height);
  const row = p.width;
  for (let y = 0; y < p.height; y++) {
    const w = words(p, y);
    for (let x = 0; x < row; x++) {
      const v = w[x]!;
      a = Math.imul(a ^ v, 0x01000193);
      b = Math.imul(b + v, 0xcc9e2d51);
      b = (b << 13) | (b >>> 19);
    }
  }
  return `${p.width}x${p.height}:${(a >>> 0).toString(36)}:${(b >>> 0).toString(36)}`;
}

/** Row `y` of `p` as 32-bit words (a copy when the row is not 4-byte aligned). */
function words(p: Pixels, y: number): Uint32Array {
  const off = p.data.byteOffset + y * p.stride;
  if (off % 4 === 0) return new Uint32Array(p.data.buffer, off, p.width);
  return new Uint32Array(p.data.slice(y * p.stride, y * p.stride + p.width * 4).buffer);
}

function samePixels(a: Pixels, b: Pixels): boolean {
  if (a.width !== b.width || a.height !== b.height) return false;
  for (let y = 0; y < a.height; y++) {
    const wa = words(a, y);
    const wb = words(b, y);
    for (let x = 0; x < a.width; x++) if (wa[x] !== wb[x]) return false;
  }
  return true;
}

interface Entry {
  id: bigint;
  key: PixelKey;
  pixels: Pixels;
  size: number;
}

export interface PixmapCacheOptions {
  /** Pixels the client may hold: its DISPLAY_INIT pixmap_cache_size, bounded by the server. */
  capacity: number;
  /** Images at least this big (pixels) are cached at first sight; smaller ones when seen again. Default 1024 (32x32). */
  minPixels?: number;
  /** How many keys of small uncached images are remembered for "seen again". Default 4096. */
  seenKeys?: number;
}

export interface PixmapCacheStats {
  /** Draws answered from the cache, and their pixels. */
  hits: number;
  hitPixels: number;
  /** Images sent with CACHE_ME. */
  adds: number;
  /** Entries dropped to make room (each told to the client in an INVAL_LIST). */
  evictions: number;
}

/**
 * The server's model of one client's pixmap cache (protocol-map §5.2): the server decides
 * what the client keeps, does the LRU accounting in pixels against the size the client
 * announced, and tells it what to drop. Entries are lossless images only; each keeps its
 * pixels, so a hit is exact (the hash only finds candidates). Ids are never reused, so an
 * id the client was told to drop is never referenced again.
 */
export class PixmapCache {
  private readonly entries = new Map<bigint, Entry>();
  /** Key -> ids with that key (almost always one). */
  private readonly byKey = new Map<PixelKey, bigint[]>();
  private readonly seen = new Map<PixelKey, true>();
  private used = 0;
  private nextId = 1n;
  readonly capacity: number;
  private readonly minPixels: number;
  private readonly seenKeys: number;
  readonly stats: PixmapCacheStats = { hits: 0, hitPixels: 0, adds: 0, evictions: 0 };

  constructor(opts: PixmapCacheOptions) {
    this.capacity = Math.max(0, Math.floor(opts.capacity));
    this.minPixels = opts.minPixels ?? 1024;
    this.seenKeys = opts.seenKeys ?? 4096;
  }

  /** Pixels the client holds for us now. */
  get usedPixels(): number {
    return this.used;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The id of an entry with exactly these pixels (now the most recently used), or undefined. */
  lookup(p: Pixels, key: PixelKey = pixelKey(p)): bigint | undefined {
    const ids = this.byKey.get(key);
    if (!ids) return undefined;
    for (const id of ids) {
      const e = this.entries.get(id)!;
      if (!samePixels(e.pixels, p)) continue;
      this.entries.delete(id);
      this.entries.set(id, e);
      this.stats.hits++;
      this.stats.hitPixels += e.size;
      return id;
    }
    return undefined;
  }

  /**
   * Should these (lossless) pixels be sent with CACHE_ME? Big images always; small ones the
   * second time their content is drawn. An image over half the capacity never is (it would
   * flush most of the cache).
   */
  wants(p: Pixels, key: PixelKey = pixelKey(p)): boolean {
    const size = p.width * p.height;
    if (size === 0 || size > this.capacity / 2) return false;
    if (size >= this.minPixels) return true;
    if (this.seen.delete(key)) return true;
    this.seen.set(key, true);
    if (this.seen.size > this.seenKeys) this.seen.delete(this.seen.keys().next().value as PixelKey);
    return false;
  }

  /**
   * Records that the client will cache `p` (the caller sends it with CACHE_ME and the
   * returned id), evicting least recently used entries first: the caller must send their ids
   * in an INVAL_LIST *before* the image. `p` is kept as is: it must not change afterwards.
   */
  add(p: Pixels, key: PixelKey = pixelKey(p)): { id: bigint; evicted: bigint[] } | undefined {
    const size = p.width * p.height;
    if (size === 0 || size > this.capacity) return undefined;
    const evicted: bigint[] = [];
    for (const [oldId] of this.entries) {
      if (this.used + size <= this.capacity) break;
      this.remove(oldId);
      evicted.push(oldId);
    }
    this.stats.evictions += evicted.length;
    const id = this.nextId++;
    this.entries.set(id, { id, key, pixels: p, size });
    const ids = this.byKey.get(key);
    if (ids) ids.push(id);
    else this.byKey.set(key, [id]);
    this.used += size;
    this.stats.adds++;
    return { id, evicted };
  }

  /** Forgets everything (the caller sends INVAL_ALL_PIXMAPS). */
  clear(): void {
    this.entries.clear();
    this.byKey.clear();
    this.seen.clear();
    this.used = 0;
  }

  private remove(id: bigint): void {
    const e = this.entries.get(id);
    if (!e) return;
    this.entries.delete(id);
    this.used -= e.size;
    const ids = this.byKey.get(e.key)!;
    ids.splice(ids.indexOf(id), 1);
    if (ids.length === 0) this.byKey.delete(e.key);
  }
}
