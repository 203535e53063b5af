import { CodecError } from "../errors.js";
import { BitmapFlags } from "./bitmap-flags.js";

/** A SPICE palette: `unique` is its cache id, entries are xRGB (0x00RRGGBB). */
export interface Palette {
  unique: bigint;
  entries: Uint32Array;
}

/**
 * Client palette cache (protocol-map 5.2): PAL_CACHE_ME stores a palette under its `unique`,
 * PAL_FROM_CACHE looks one up by `palette_id`, INVAL_PALETTE removes one, INVAL_ALL_PALETTES
 * clears. The server does the accounting (spice-server keeps at most 128 palettes per client,
 * CLIENT_PALETTE_CACHE_SIZE, and sends INVAL_PALETTE when it drops one); the bound here is only a
 * guard against a peer that never invalidates, evicting the least recently used entry.
 */
export class PaletteCache {
  readonly maxEntries: number;
  // Map iteration order is insertion order; re-inserting on use makes it LRU order.
  readonly #entries = new Map<bigint, Uint32Array>();

  constructor(maxEntries = 1024) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError(`bad palette cache size ${maxEntries}`);
    this.maxEntries = maxEntries;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(id: bigint): Uint32Array | undefined {
    const p = this.#entries.get(id);
    if (p) {
      this.#entries.delete(id);
      this.#entries.set(id, p);
    }
    return p;
  }

  has(id: bigint): boolean {
    return this.#entries.has(id);
  }

  put(id: bigint, entries: Uint32Array): void {
    this.#entries.delete(id);
    this.#entries.set(id, entries);
    while (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next().value as bigint;
      this.#entries.delete(oldest);
    }
  }

  /** INVAL_PALETTE. Returns whether the id was cached. */
  remove(id: bigint): boolean {
    return this.#entries.delete(id);
  }

  /** INVAL_ALL_PALETTES. */
  clear(): void {
    this.#entries.clear();
  }

  /**
   * Applies an image's palette flags and returns the palette to decode with:
   * PAL_FROM_CACHE returns the cached entries for `paletteId` (CodecError ERR_IMAGE_CORRUPT when
   * absent); otherwise `palette` is used, and stored first when PAL_CACHE_ME is set.
   * Returns undefined when the image has no palette and does not ask for one.
   */
  resolve(flags: number, palette: Palette | undefined, paletteId?: bigint): Uint32Array | undefined {
    if (flags & BitmapFlags.PalFromCache) {
      if (paletteId === undefined) throw new CodecError("ERR_IMAGE_CORRUPT", "PAL_FROM_CACHE without a palette id");
      const cached = this.get(paletteId);
      if (!cached) throw new CodecError("ERR_IMAGE_CORRUPT", `palette ${paletteId} is not in the cache`);
      return cached;
    }
    if (!palette) return undefined;
    if (flags & BitmapFlags.PalCacheMe) this.put(palette.unique, palette.entries);
    return palette.entries;
  }
}
