import { describe, expect, it } from "vitest";
import { RgbaBuffers } from "./rgba-buffers.js";

const BIG = RgbaBuffers.MIN_KEPT_BYTES;

describe("RgbaBuffers", () => {
  it("reuses a given buffer for a rect that fits, the smallest that fits first", () => {
    const pool = new RgbaBuffers();
    const a = new ArrayBuffer(BIG * 4), b = new ArrayBuffer(BIG * 2);
    pool.give([a, b]);
    const first = pool.take(BIG + 10);
    expect(first.buffer).toBe(b);
    expect(first.byteLength).toBe(BIG + 10);
    expect(first.byteOffset).toBe(0);
    expect(pool.take(BIG * 3).buffer).toBe(a);
    // Nothing left that fits: a new buffer of exactly the size.
    const fresh = pool.take(BIG * 3);
    expect(fresh.buffer).not.toBe(a);
    expect(fresh.buffer.byteLength).toBe(BIG * 3);
  });

  it("does not hand out a buffer too small, nor keep small or detached ones", () => {
    const pool = new RgbaBuffers();
    pool.give([new ArrayBuffer(BIG), new ArrayBuffer(100)]);
    expect(pool.spareBytes).toBe(BIG);
    expect(pool.take(BIG + 1).buffer.byteLength).toBe(BIG + 1);
    // Small rects never use the spares.
    expect(pool.take(100).buffer.byteLength).toBe(100);
    expect(pool.spareBytes).toBe(BIG);
    const detached = new ArrayBuffer(BIG * 2);
    structuredClone(detached, { transfer: [detached] });
    pool.give([detached]);
    expect(pool.spareBytes).toBe(BIG);
  });

  it("keeps at most MAX_KEPT buffers, the largest, and at most MAX_KEPT_BYTES", () => {
    const pool = new RgbaBuffers();
    const sizes = [1, 5, 2, 4, 3, 6].map((k) => BIG * k);
    pool.give(sizes.map((n) => new ArrayBuffer(n)));
    expect(pool.spareBytes).toBe(BIG * (6 + 5 + 4 + 3));
    pool.clear();
    expect(pool.spareBytes).toBe(0);
    // Two 33 MB updates of a 4K screen fit; a third does not, nor one larger than the cap.
    const uhd = 3840 * 2160 * 4;
    pool.give([new ArrayBuffer(uhd), new ArrayBuffer(uhd), new ArrayBuffer(uhd)]);
    expect(pool.spareBytes).toBe(2 * uhd);
    pool.clear();
    pool.give([new ArrayBuffer(RgbaBuffers.MAX_KEPT_BYTES + 4), new ArrayBuffer(BIG)]);
    expect(pool.spareBytes).toBe(BIG);
  });
});
