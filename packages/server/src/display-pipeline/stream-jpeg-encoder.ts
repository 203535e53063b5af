/** BGRX pixels, rows `stride` bytes apart (what extractRect returns). */
export interface StreamPixels {
  width: number;
  height: number;
  stride: number;
  data: Uint8Array;
}

/** Turns one frame into a standalone baseline JPEG (an MJPEG stream frame). */
export interface JpegEncoder {
  readonly name: string;
  /** `quality` 1..100 (libjpeg scale). */
  encode(pixels: StreamPixels, quality: number): Promise<Uint8Array>;
}

/** BGRX → packed RGB (what libjpeg takes). */
export function bgrxToRgb(p: StreamPixels): Uint8Array {
  const { width, height, stride, data } = p;
  const out = new Uint8Array(width * height * 3);
  let o = 0;
  for (let y = 0; y < height; y++) {
    let i = y * stride;
    for (let x = 0; x < width; x++, i += 4, o += 3) {
      out[o] = data[i + 2]!;
      out[o + 1] = data[i + 1]!;
      out[o + 2] = data[i]!;
    }
  }
  return out;
}

type Sharp = (typeof import("sharp"))["default"];

let sharpModule: Promise<Sharp> | undefined;

/** sharp is loaded on first use, so a platform without its prebuilt binary only loses streaming. */
function loadSharp(): Promise<Sharp> {
  sharpModule ??= import("sharp").then(({ default: sharp }) => {
    sharp.cache(false);
    return sharp;
  });
  return sharpModule;
}

/**
 * JPEG through sharp (libvips with libjpeg-turbo/mozjpeg, native, on the libuv thread pool:
 * a 400x300 frame takes about 2 ms and does not block the event loop). Baseline, 4:2:0,
 * optimised Huffman tables; every frame carries its own tables.
 */
export function sharpJpegEncoder(): JpegEncoder {
  return {
    name: "sharp",
    async encode(pixels, quality) {
      const sharp = await loadSharp();
      const rgb = bgrxToRgb(pixels);
      const q = Math.max(1, Math.min(100, Math.round(quality)));
      const buf = await sharp(rgb, { raw: { width: pixels.width, height: pixels.height, channels: 3 } })
        .jpeg({ quality: q, chromaSubsampling: "4:2:0", optimiseCoding: true, progressive: false, mozjpeg: false })
        .toBuffer();
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    },
  };
}
