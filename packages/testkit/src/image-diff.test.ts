import { describe, expect, it } from "vitest";
import { countColors, countPixelsNear, diffImages, diffMask, parseHexColor, pixelAt, solidImage } from "./image-diff.js";
import { decodePng, encodePng } from "./png.js";

describe("image helpers", () => {
  it("diffImages reports identical images as psnr Infinity", () => {
    const a = solidImage(4, 4, "#3366cc");
    expect(diffImages(a, solidImage(4, 4, "#3366cc"))).toEqual({ differentPixels: 0, maxDelta: 0, psnr: Infinity });
  });

  it("diffImages counts pixels over the tolerance and computes PSNR", () => {
    const a = solidImage(2, 2, "#000000");
    const b = solidImage(2, 2, "#000000");
    b.data[0] = 10; // pixel 0 blue +10
    b.data[6] = 2; // pixel 1 red +2
    const d = diffImages(a, b, { tolerance: 2 });
    expect(d.differentPixels).toBe(1);
    expect(d.maxDelta).toBe(10);
    expect(d.psnr).toBeCloseTo(10 * Math.log10((255 * 255) / (104 / 12)), 6);
    expect(diffImages(a, b).differentPixels).toBe(2);
    expect(() => diffImages(a, solidImage(3, 2, "#000000"))).toThrow(/sizes differ/);
  });

  it("ignores alpha unless asked", () => {
    const a = solidImage(1, 1, "#ffffff");
    const b = solidImage(1, 1, "#ffffff");
    b.data[3] = 0;
    expect(diffImages(a, b).differentPixels).toBe(0);
    expect(diffImages(a, b, { compareAlpha: true }).differentPixels).toBe(1);
  });

  it("colour helpers", () => {
    const img = solidImage(3, 1, "#102030");
    img.data[4] = 0xff;
    expect(parseHexColor("#102030")).toEqual({ r: 16, g: 32, b: 48 });
    expect(pixelAt(img, 0, 0)).toEqual({ r: 16, g: 32, b: 48, a: 255 });
    expect(countColors(img)).toBe(2);
    expect(countPixelsNear(img, "#102030")).toBe(2);
    expect(diffMask(img, solidImage(3, 1, "#102030")).data.slice(4, 8)).toEqual(Uint8Array.of(0, 0, 255, 255));
  });

  it("PNG round-trips BGRA pixels", () => {
    const img = solidImage(3, 2, "#010203");
    img.data.set([9, 8, 7, 255], 4);
    const back = decodePng(encodePng(img));
    expect([back.width, back.height, back.hasAlpha]).toEqual([3, 2, false]);
    expect(back.data).toEqual(img.data);
  });
});
