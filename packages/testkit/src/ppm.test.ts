import { describe, expect, it } from "vitest";
import { TestkitError } from "./errors.js";
import { decodePpm } from "./ppm.js";

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const cat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) (out.set(p, o), (o += p.length));
  return out;
};

describe("decodePpm", () => {
  it("decodes P6 with comments into BGRA", () => {
    const img = decodePpm(cat(enc("P6\n# spicy\n2 1\n255\n"), Uint8Array.of(10, 20, 30, 200, 100, 0)));
    expect([img.width, img.height, img.hasAlpha]).toEqual([2, 1, false]);
    expect([...img.data]).toEqual([30, 20, 10, 255, 0, 100, 200, 255]);
  });

  it("decodes P5 and rescales other maxvals", () => {
    const img = decodePpm(cat(enc("P5 1 2 15 "), Uint8Array.of(15, 0)));
    expect([...img.data]).toEqual([255, 255, 255, 255, 0, 0, 0, 255]);
  });

  it("rejects bad magic, truncated raster and silly sizes with ERR_BAD_IMAGE", () => {
    for (const bad of [enc("P3\n1 1\n255\n0 0 0"), cat(enc("P6\n2 2\n255\n"), new Uint8Array(5)), enc("P6\n99999 99999\n255\n"), enc("P6"), new Uint8Array(0)]) {
      expect(() => decodePpm(bad)).toThrow(TestkitError);
    }
  });
});
