import jpegJs from "jpeg-js";
import { describe, expect, it } from "vitest";
import { JpegTableCarrier } from "./jpeg-tables.js";

function encode(width: number, height: number, seed: number): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i += 4) {
    const p = i / 4;
    data[i] = (p * seed) & 255;
    data[i + 1] = ((p >> 3) * 7 + seed) & 255;
    data[i + 2] = (p % width) * 4;
    data[i + 3] = 255;
  }
  return new Uint8Array(jpegJs.encode({ width, height, data }, 80).data);
}

/** `jpeg` without its DHT segments (what spice-server's MJPEG frames after the first look like). */
function withoutHuffmanTables(jpeg: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [jpeg.subarray(0, 2)];
  let pos = 2;
  while (jpeg[pos + 1] !== 0xda) {
    const end = pos + 2 + ((jpeg[pos + 2]! << 8) | jpeg[pos + 3]!);
    if (jpeg[pos + 1] !== 0xc4) parts.push(jpeg.subarray(pos, end));
    pos = end;
  }
  parts.push(jpeg.subarray(pos));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const decode = (b: Uint8Array) => jpegJs.decode(b, { useTArray: true }).data;

describe("JpegTableCarrier", () => {
  it("restores the Huffman tables an abbreviated MJPEG frame leaves out", () => {
    const first = encode(32, 24, 3);
    const second = encode(32, 24, 11);
    const abbreviated = withoutHuffmanTables(second);
    expect(abbreviated.length).toBeLessThan(second.length);
    expect(() => decode(abbreviated)).toThrow();

    const carrier = new JpegTableCarrier();
    expect(carrier.complete(first)).toBe(first); // complete frames pass through untouched
    const completed = carrier.complete(abbreviated);
    expect(completed.length).toBe(second.length); // jpeg-js writes all four tables in one DHT segment, as we do
    expect(decode(completed)).toEqual(decode(second));
  });

  it("leaves frames alone when it has nothing to add or cannot parse them", () => {
    const carrier = new JpegTableCarrier();
    const abbreviated = withoutHuffmanTables(encode(16, 16, 5));
    expect(carrier.complete(abbreviated)).toBe(abbreviated); // nothing remembered yet
    const garbage = new Uint8Array([0xff, 0xd8, 0xff, 0xc4, 0x00, 0x40, 1, 2]);
    expect(carrier.complete(garbage)).toBe(garbage);
    expect(carrier.complete(new Uint8Array([1, 2, 3]))).toEqual(new Uint8Array([1, 2, 3]));
    // A truncated DHT (counts promise more values than the segment holds) is not remembered.
    const bad = new Uint8Array([0xff, 0xd8, 0xff, 0xc4, 0x00, 0x13, 0x00, ...new Array(16).fill(9), 0xff, 0xda, 0, 2]);
    expect(carrier.complete(bad)).toBe(bad);
    expect(carrier.complete(abbreviated)).toBe(abbreviated);
  });
});
