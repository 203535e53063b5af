import { describe, expect, it } from "vitest";
import { CodecError } from "../errors.js";
import { BitmapFlags } from "./bitmap-flags.js";
import { PaletteCache } from "./palette-cache.js";

describe("PaletteCache", () => {
  const p1 = { unique: 1n, entries: Uint32Array.of(1, 2) };
  const p2 = { unique: 2n, entries: Uint32Array.of(3) };

  it("CACHE_ME stores, FROM_CACHE finds, plain palettes are not stored", () => {
    const c = new PaletteCache();
    expect(c.resolve(0, p2)).toBe(p2.entries);
    expect(c.has(2n)).toBe(false);
    expect(c.resolve(BitmapFlags.PalCacheMe | BitmapFlags.TopDown, p1)).toBe(p1.entries);
    expect(c.resolve(BitmapFlags.PalFromCache, undefined, 1n)).toBe(p1.entries);
    expect(c.resolve(0, undefined)).toBeUndefined();
  });

  it("FROM_CACHE of an unknown id is ERR_IMAGE_CORRUPT", () => {
    const c = new PaletteCache();
    expect(() => c.resolve(BitmapFlags.PalFromCache, undefined, 7n)).toThrow(CodecError);
    expect(() => c.resolve(BitmapFlags.PalFromCache, undefined)).toThrow(CodecError);
  });

  it("INVAL_PALETTE, INVAL_ALL_PALETTES", () => {
    const c = new PaletteCache();
    c.put(1n, p1.entries);
    c.put(2n, p2.entries);
    expect(c.remove(1n)).toBe(true);
    expect(c.remove(1n)).toBe(false);
    expect(c.size).toBe(1);
    c.clear();
    expect(c.size).toBe(0);
  });

  it("is bounded, evicting the least recently used", () => {
    const c = new PaletteCache(2);
    c.put(1n, p1.entries);
    c.put(2n, p2.entries);
    c.get(1n);
    c.put(3n, p2.entries);
    expect(c.has(1n)).toBe(true);
    expect(c.has(2n)).toBe(false);
    expect(c.size).toBe(2);
    expect(() => new PaletteCache(0)).toThrow(RangeError);
  });
});
