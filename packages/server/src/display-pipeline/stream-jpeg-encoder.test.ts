import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bgrxToRgb, sharpJpegEncoder } from "./stream-jpeg-encoder.js";

/** Markers of a JPEG file up to SOS, with SOF0's height and width. */
function scan(jpeg: Uint8Array): { markers: number[]; width: number; height: number } {
  const markers: number[] = [];
  let width = 0;
  let height = 0;
  let i = 2;
  while (i + 4 <= jpeg.length && jpeg[i] === 0xff) {
    const m = jpeg[i + 1]!;
    markers.push(m);
    const len = (jpeg[i + 2]! << 8) | jpeg[i + 3]!;
    if (m === 0xc0) {
      height = (jpeg[i + 5]! << 8) | jpeg[i + 6]!;
      width = (jpeg[i + 7]! << 8) | jpeg[i + 8]!;
    }
    if (m === 0xda) break;
    i += 2 + len;
  }
  return { markers, width, height };
}

describe("stream JPEG encoder", () => {
  it("bgrxToRgb swaps to R,G,B and honours the stride", () => {
    const data = new Uint8Array([1, 2, 3, 0, 4, 5, 6, 0, 99, 99, 99, 99, 7, 8, 9, 0, 10, 11, 12, 0, 99, 99, 99, 99]);
    expect([...bgrxToRgb({ width: 2, height: 2, stride: 12, data })]).toEqual([3, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10]);
  });

  it("bgrxToRgb: the word path gives the bytes of the plain swap for any width, stride and offset", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 37 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 7 }), (width, height, pad, offset) => {
        const stride = width * 4 + pad * 4;
        const buf = new Uint8Array(offset + stride * height);
        for (let i = 0; i < buf.length; i++) buf[i] = (i * 37 + 11) & 255;
        const data = buf.subarray(offset);
        const want: number[] = [];
        for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) want.push(data[y * stride + x * 4 + 2]!, data[y * stride + x * 4 + 1]!, data[y * stride + x * 4]!);
        expect([...bgrxToRgb({ width, height, stride, data })]).toEqual(want);
      }),
    );
  });

  it("sharp makes a standalone baseline JPEG of the frame; lower quality, fewer bytes", async () => {
    const width = 200;
    const height = 120;
    const data = new Uint8Array(width * height * 4);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = (y * width + x) * 4;
        data[i] = (128 + 100 * Math.sin(x / 9)) | 0;
        data[i + 1] = (128 + 100 * Math.sin(y / 7)) | 0;
        data[i + 2] = (x + y) & 0xff;
      }
    }
    const enc = sharpJpegEncoder();
    const hi = await enc.encode({ width, height, stride: width * 4, data }, 80);
    const lo = await enc.encode({ width, height, stride: width * 4, data }, 30);
    expect([hi[0], hi[1], hi.at(-2), hi.at(-1)]).toEqual([0xff, 0xd8, 0xff, 0xd9]);
    const s = scan(hi);
    expect(s).toMatchObject({ width, height });
    expect(s.markers).toContain(0xc0); // baseline
    expect(s.markers).toContain(0xc4); // its own Huffman tables
    expect(s.markers).toContain(0xdb); // and quantization tables
    expect(lo.length).toBeLessThan(hi.length);
  });

  it("keeps the colours: red, green and blue blocks come back as such, with any row stride", async () => {
    const sharp = (await import("sharp")).default;
    const width = 48;
    const height = 16;
    // B,G,R,X blocks of 16 px: red, green, blue; X bytes 0 (as a surface may have them).
    const colours = [
      [0, 0, 255],
      [0, 255, 0],
      [255, 0, 0],
    ];
    for (const stride of [width * 4, width * 4 + 8, width * 4 + 2]) {
      const data = new Uint8Array(stride * height);
      for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(colours[x >> 4]!, y * stride + x * 4);
      const jpeg = await sharpJpegEncoder().encode({ width, height, stride, data }, 90);
      const { data: rgb } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
      for (const [block, want] of [[0, [255, 0, 0]], [1, [0, 255, 0]], [2, [0, 0, 255]]] as const) {
        const i = (8 * width + block * 16 + 8) * 3; // the middle of the block
        for (let c = 0; c < 3; c++) expect(Math.abs(rgb[i + c]! - want[c]!), `stride ${stride}, block ${block}, channel ${c}`).toBeLessThan(24);
      }
    }
  });
});
