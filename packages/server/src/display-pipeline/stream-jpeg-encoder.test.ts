import { describe, expect, it } from "vitest";
import { sharpJpegEncoder } from "./stream-jpeg-encoder.js";

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
