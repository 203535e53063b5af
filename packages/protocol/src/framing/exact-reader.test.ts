import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { forEveryChunking } from "@saffron/testkit";
import { ChunkQueue } from "./chunk-queue.js";
import { ExactReader } from "./exact-reader.js";

describe("ExactReader / ChunkQueue", () => {
  it("reads exact counts across chunk boundaries and hands over the rest", () => {
    const bytes = Uint8Array.from({ length: 40 }, (_, i) => i);
    forEveryChunking(bytes, (chunks) => {
      const r = new ExactReader();
      const got: number[][] = [];
      const want = [16, 0, 7, 4];
      let k = 0;
      for (const c of chunks) {
        r.push(c);
        for (let b; k < want.length && (b = r.read(want[k]!)); k++) got.push(Array.from(b));
      }
      expect(got.map((g) => g.length)).toEqual(want);
      expect(got.flat()).toEqual(Array.from({ length: 27 }, (_, i) => i));
      const rest = r.takeRest();
      expect(rest.flatMap((c) => Array.from(c))).toEqual(Array.from({ length: 13 }, (_, i) => 27 + i));
      expect(r.available).toBe(0);
      expect(r.read(1)).toBeNull();
    });
  });

  it("is zero-copy when a read lies in one chunk", () => {
    const chunk = new Uint8Array(10);
    const r = new ExactReader();
    r.push(chunk);
    expect(r.read(4)!.buffer).toBe(chunk.buffer);
    expect(r.read(6)!.byteOffset).toBe(4);
    expect(() => r.read(-1)).toThrow();
  });

  it("ChunkQueue.take equals slicing the concatenation (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 20 }), { maxLength: 30 }), fc.array(fc.nat({ max: 25 }), { maxLength: 40 }), (chunks, takes) => {
        const q = new ChunkQueue();
        const all: number[] = [];
        for (const c of chunks) q.push(c), all.push(...c);
        let pos = 0;
        for (const t of takes) {
          if (t > q.length) continue;
          expect(Array.from(q.take(t))).toEqual(all.slice(pos, pos + t));
          pos += t;
          expect(q.length).toBe(all.length - pos);
        }
        expect(q.takeAll().flatMap((c) => Array.from(c))).toEqual(all.slice(pos));
      }),
      { numRuns: 300 },
    );
  });
});
