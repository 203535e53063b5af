import { bgrxRectToRgba } from "@saffron/codecs";

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
 * The frame as R,G,B,A for sharp, through @saffron/codecs' bgrxRectToRgba (one WebAssembly SIMD
 * shuffle per 4 pixels, its JS loop without WebAssembly). Rows not packed (a stride other than
 * width·4, which extractRect never gives) are packed first.
 */
function toRgba(p: StreamPixels): Uint8Array {
  const { width, height, stride, data } = p;
  const row = width * 4;
  let packed = data;
  if (stride !== row) {
    packed = new Uint8Array(row * height);
    for (let y = 0; y < height; y++) packed.set(data.subarray(y * stride, y * stride + row), y * row);
  }
  const rgba = new Uint8Array(row * height);
  bgrxRectToRgba(packed, width, { left: 0, top: 0, right: width, bottom: height }, rgba);
  return rgba;
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
      const { width, height } = pixels;
      const q = Math.max(1, Math.min(100, Math.round(quality)));
      const buf = await sharp(toRgba(pixels), { raw: { width, height, channels: 4 } })
        .removeAlpha()
        .jpeg({ quality: q, chromaSubsampling: "4:2:0", optimiseCoding: true, progressive: false, mozjpeg: false }).toBuffer();
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    },
  };
}
