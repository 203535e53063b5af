import { SpiceError, display as dsp, image as img, type Clip as WireClip, type Rect as WireRect } from "@saffron/protocol";
import type { Brush, Clip, ImageSource, MaskBitmap, QMask, Rect } from "../../surfaces/index.js";
import type { ImageResolver } from "./image-resolver.js";

/** Maps decoded wire structures onto the canvas parameter types. */

export function rect(r: WireRect): Rect {
  return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
}

export function clip(c: WireClip): Clip {
  return c.type === 1 ? (c as { rects: WireRect[] }).rects.map(rect) : null;
}

export function brush(b: dsp.Brush, images: ImageResolver): Brush {
  switch (b.type) {
    case dsp.BrushType.Solid:
      return { kind: "solid", color: (b as { color: number }).color >>> 0 };
    case dsp.BrushType.Pattern: {
      const p = b as { pat: img.Image; pos: { x: number; y: number } };
      return { kind: "pattern", image: images.resolve(p.pat), pos: { x: p.pos.x, y: p.pos.y } };
    }
    default:
      return { kind: "none" };
  }
}

/** A QMask: 1-bit BITMAP images are used as they are; anything else becomes a mask of its non-black pixels. */
export function mask(m: dsp.QMask, images: ImageResolver): QMask | null {
  if (!m.bitmap) return null;
  return { bitmap: maskBitmap(m.bitmap, images), pos: { x: m.pos.x, y: m.pos.y }, invert: (m.flags & dsp.MaskFlags.Invers) !== 0 };
}

function maskBitmap(image: img.Image, images: ImageResolver): MaskBitmap {
  if (image.type === img.ImageType.Bitmap) {
    const b = image.bitmap;
    if (b.format === img.BitmapFormat.Bit1Be || b.format === img.BitmapFormat.Bit1Le) {
      return {
        width: b.x,
        height: b.y,
        stride: b.stride,
        data: b.data,
        msbFirst: b.format === img.BitmapFormat.Bit1Be,
        bottomUp: (b.flags & img.BitmapFlags.TopDown) === 0,
      };
    }
  }
  const src: ImageSource = images.resolve(image);
  const stride = (src.width + 7) >> 3;
  const data = new Uint8Array(stride * src.height);
  const px = src.data;
  for (let y = 0; y < src.height; y++) {
    for (let x = 0; x < src.width; x++) {
      const i = (y * src.width + x) * 4;
      if (px[i]! | px[i + 1]! | px[i + 2]!) data[y * stride + (x >> 3)]! |= 0x80 >> (x & 7);
    }
  }
  if (src.height === 0) throw new SpiceError("ERR_SPICE_MALFORMED", "empty mask image");
  return { width: src.width, height: src.height, stride, data, msbFirst: true };
}
