import { describe, expect, it } from "vitest";
import { PixmapCache, pixelKey } from "./pixmap-cache.js";

function rect(width: number, height: number, seed: number) {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i++) data[i] = (i * 31 + seed * 17 + (i >> 7)) & 0xff;
  return { width, height, data, stride: width * 4 };
}

describe("pixelKey", () => {
  it("depends on size and every pixel, and ignores the stride padding", () => {
    const a = rect(40, 40, 1);
    expect(pixelKey(a)).toBe(pixelKey({ ...a, data: a.data.slice() }));
    const b = { ...a, data: a.data.slice() };
    b.data[1000] ^= 1;
    expect(pixelKey(b)).not.toBe(pixelKey(a));
    expect(pixelKey({ ...a, width: 20, height: 80, stride: 80 })).not.toBe(pixelKey(a));
    // The same rect with a wider stride (and an odd byte offset) has the same key.
    const padded = new Uint8Array(1 + 40 * 48 * 4);
    for (let y = 0; y < 40; y++) padded.set(a.data.subarray(y * 160, y * 160 + 160), 1 + y * 192);
    expect(pixelKey({ width: 40, height: 40, data: padded.subarray(1), stride: 192 })).toBe(pixelKey(a));
  });
});

describe("PixmapCache", () => {
  it("answers exact repeats with the id it gave, never near misses", () => {
    const c = new PixmapCache({ capacity: 100_000 });
    const a = rect(64, 64, 1);
    expect(c.lookup(a)).toBeUndefined();
    expect(c.wants(a)).toBe(true);
    const { id, evicted } = c.add(a)!;
    expect(evicted).toEqual([]);
    expect(c.lookup({ ...a, data: a.data.slice() })).toBe(id);
    const changed = { ...a, data: a.data.slice() };
    changed.data[5] ^= 0x80;
    expect(c.lookup(changed)).toBeUndefined();
    expect(c.stats).toMatchObject({ hits: 1, hitPixels: 64 * 64, adds: 1, evictions: 0 });
    expect(c.usedPixels).toBe(64 * 64);
  });

  it("a hash collision is not a hit: entries with the same key are compared pixel by pixel", () => {
    const c = new PixmapCache({ capacity: 100_000 });
    const a = rect(32, 32, 1);
    const b = rect(32, 32, 2);
    const { id: idA } = c.add(a, "same")!;
    const { id: idB } = c.add(b, "same")!;
    expect(c.lookup(b, "same")).toBe(idB);
    expect(c.lookup(a, "same")).toBe(idA);
    expect(c.lookup(rect(32, 32, 3), "same")).toBeUndefined();
  });

  it("evicts least recently used entries to stay within the capacity, and never reuses ids", () => {
    const c = new PixmapCache({ capacity: 4 * 1024 * 4 });
    const imgs = [0, 1, 2, 3].map((s) => rect(64, 64, s)); // 4096 px each: four fit
    const ids = imgs.map((p) => c.add(p)!.id);
    expect(new Set(ids).size).toBe(4);
    expect(c.usedPixels).toBe(4 * 4096);
    c.lookup(imgs[0]!); // 0 is now the most recent: 1 is the oldest
    const e = rect(64, 64, 9);
    const r = c.add(e)!;
    expect(r.evicted).toEqual([ids[1]]);
    expect(ids).not.toContain(r.id);
    expect(c.lookup(imgs[1]!)).toBeUndefined();
    expect(c.lookup(imgs[0]!)).toBe(ids[0]);
    // A bigger image evicts as many as needed, oldest first.
    const big = rect(128, 64, 5); // 8192 px
    expect(c.add(big)!.evicted).toEqual([ids[2], ids[3]]);
    expect(c.usedPixels).toBe(4096 * 2 + 8192);
    expect(c.usedPixels).toBeLessThanOrEqual(c.capacity);
    expect(c.stats.evictions).toBe(3);
    // Re-adding content that was evicted gets a fresh id.
    const again = c.add(imgs[1]!)!;
    expect(ids).not.toContain(again.id);
  });

  it("caches big images at first sight, small ones when seen again, nothing over half the capacity", () => {
    const c = new PixmapCache({ capacity: 40_000, seenKeys: 2 });
    expect(c.wants(rect(32, 32, 1))).toBe(true);
    const small = rect(16, 16, 1);
    expect(c.wants(small)).toBe(false);
    expect(c.wants({ ...small, data: small.data.slice() })).toBe(true);
    expect(c.wants(rect(200, 100, 1))).toBe(true);
    expect(c.wants(rect(201, 100, 1))).toBe(false); // 20100 > 40000 / 2
    expect(c.add(rect(201, 200, 1))).toBeUndefined(); // over the whole capacity
    // The "seen" memory is bounded: the oldest small key is forgotten.
    const s = [1, 2, 3].map((k) => rect(8, 8, k));
    for (const p of s) expect(c.wants(p)).toBe(false);
    expect(c.wants(s[0]!)).toBe(false);
    expect(c.wants(s[2]!)).toBe(true);
  });

  it("a zero capacity caches nothing; clear() forgets everything", () => {
    const none = new PixmapCache({ capacity: 0 });
    expect(none.wants(rect(32, 32, 1))).toBe(false);
    expect(none.add(rect(32, 32, 1))).toBeUndefined();
    const c = new PixmapCache({ capacity: 100_000 });
    const a = rect(40, 40, 1);
    c.add(a);
    c.clear();
    expect(c.usedPixels).toBe(0);
    expect(c.lookup(a)).toBeUndefined();
  });
});
