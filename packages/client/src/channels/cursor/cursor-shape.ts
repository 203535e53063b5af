import { SpiceError, cursor as cursorMsg } from "@saffron/protocol";

/**
 * Turns a SPICE cursor shape (CursorHeader + data, protocol-map §4.4 and §8) into straight RGBA.
 *
 * Layouts (rows top-down; masks are MSB-first bit rows of stride ceil(w/8)):
 * - ALPHA:   w·h premultiplied ARGB32 (bytes B G R A), un-premultiplied here.
 * - MONO:    AND mask, then XOR mask.
 * - COLOR4:  pixels at stride ceil(w/2) (high nibble first), 16 u32 xRGB palette entries, AND mask.
 * - COLOR8:  pixels at stride w, 256 u32 palette entries, AND mask.
 * - COLOR16: x1r5g5b5 LE pixels at stride 2w, AND mask.
 * - COLOR24: B G R pixels at stride 3w, AND mask.
 * - COLOR32: B G R x pixels at stride 4w, AND mask.
 *
 * The colour cursors' AND mask is read with row padding (stride ceil(w/8)), as the QXL Windows
 * driver writes it (it copies each mask row at that stride) and as the original spice client read
 * it. spice-gtk indexes it as a flat bit array instead, which agrees only when w % 8 == 0.
 * Trailing bytes beyond the layout are ignored (X drivers append 128 bytes of device data).
 *
 * Windows AND/XOR semantics, screen = (screen AND mask) XOR colour:
 * - AND 0: opaque colour.
 * - AND 1, colour black: transparent.
 * - AND 1, colour white: invert the screen. The pixel is flagged in `inverted` and given an
 *   opaque black fallback in `rgba`.
 * - AND 1, other colour (screen XOR colour, no straight-RGBA equivalent): drawn as the opaque
 *   colour, as the original spice client did.
 */

/** The CursorHeader fields the decoder needs (the protocol's CursorHeader fits). */
export interface CursorShapeHeader {
  type: number;
  width: number;
  height: number;
  hotSpotX: number;
  hotSpotY: number;
}

export interface CursorShape {
  width: number;
  height: number;
  /** Hot spot, clamped into the image (0 for an empty image). */
  hotX: number;
  hotY: number;
  /** Straight (non-premultiplied) RGBA, top row first, width·height·4 bytes. */
  rgba: Uint8Array;
  /**
   * Pixels that invert the screen under them: rows of ceil(width/8) bytes, MSB first, or null
   * when there are none. A renderer that can invert should skip `rgba` for these pixels and
   * invert the screen instead; one that cannot draws `rgba` (opaque black there).
   */
  inverted: Uint8Array | null;
}

/** Largest width or height accepted (spice-server caps QXL cursors lower than this in practice). */
export const MAX_CURSOR_SIDE = 512;

const { CursorType } = cursorMsg;

/** Row stride of a 1-bit mask. */
function maskStride(width: number): number {
  return (width + 7) >> 3;
}

/** Bytes of shape data the header's type and size need, or undefined for an unknown type. */
export function cursorDataSize(header: Pick<CursorShapeHeader, "type" | "width" | "height">): number | undefined {
  const { width: w, height: h } = header;
  const mask = maskStride(w) * h;
  switch (header.type) {
    case CursorType.Alpha:
      return w * h * 4;
    case CursorType.Mono:
      return mask * 2;
    case CursorType.Color4:
      return ((w + 1) >> 1) * h + 16 * 4 + mask;
    case CursorType.Color8:
      return w * h + 256 * 4 + mask;
    case CursorType.Color16:
      return w * h * 2 + mask;
    case CursorType.Color24:
      return w * h * 3 + mask;
    case CursorType.Color32:
      return w * h * 4 + mask;
    default:
      return undefined;
  }
}

/** Decodes one cursor shape. Peer faults throw SpiceError (MALFORMED, TRUNCATED, TOO_LARGE). */
export function decodeCursorShape(header: CursorShapeHeader, data: Uint8Array): CursorShape {
  const { width, height } = header;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) {
    throw new SpiceError("ERR_SPICE_MALFORMED", `cursor size ${width}x${height} is not valid`);
  }
  if (width > MAX_CURSOR_SIDE || height > MAX_CURSOR_SIDE) {
    throw new SpiceError("ERR_SPICE_TOO_LARGE", `cursor ${width}x${height} exceeds ${MAX_CURSOR_SIDE}x${MAX_CURSOR_SIDE}`);
  }
  const need = cursorDataSize(header);
  if (need === undefined) throw new SpiceError("ERR_SPICE_MALFORMED", `unknown cursor type ${header.type}`);
  if (data.length < need) {
    throw new SpiceError("ERR_SPICE_TRUNCATED", `cursor type ${header.type} ${width}x${height} needs ${need} bytes, got ${data.length}`, {
      offset: data.length,
    });
  }

  const rgba = new Uint8Array(width * height * 4);
  let inverted: Uint8Array | null = null;
  const mStride = maskStride(width);

  if (header.type === CursorType.Alpha) {
    unpremultiply(data, rgba);
  } else if (header.type === CursorType.Mono) {
    inverted = decodeMono(data, width, height, mStride, rgba);
  } else {
    const andOffset = need - mStride * height;
    const colourAt = colourReader(header.type, data, width, height);
    const inv = new Uint8Array(mStride * height);
    let any = false;
    for (let y = 0; y < height; y++) {
      const andRow = andOffset + y * mStride;
      for (let x = 0; x < width; x++) {
        const rgb = colourAt(x, y);
        const o = (y * width + x) * 4;
        if (data[andRow + (x >> 3)] & (0x80 >> (x & 7))) {
          if (rgb === 0) continue; // transparent; rgba already zero
          if (rgb === 0xffffff) {
            inv[y * mStride + (x >> 3)] |= 0x80 >> (x & 7);
            any = true;
            rgba[o + 3] = 0xff; // opaque black fallback
            continue;
          }
        }
        rgba[o] = rgb >>> 16;
        rgba[o + 1] = (rgb >>> 8) & 0xff;
        rgba[o + 2] = rgb & 0xff;
        rgba[o + 3] = 0xff;
      }
    }
    if (any) inverted = inv;
  }

  return {
    width,
    height,
    hotX: clampHot(header.hotSpotX, width),
    hotY: clampHot(header.hotSpotY, height),
    rgba,
    inverted,
  };
}

/** True when pixel (x, y) of the shape inverts the screen. */
export function isCursorPixelInverted(shape: CursorShape, x: number, y: number): boolean {
  if (!shape.inverted) return false;
  return (shape.inverted[y * maskStride(shape.width) + (x >> 3)] & (0x80 >> (x & 7))) !== 0;
}

function clampHot(v: number, side: number): number {
  if (!Number.isFinite(v) || v < 0) return 0;
  return Math.min(Math.trunc(v), Math.max(side - 1, 0));
}

/** Premultiplied BGRA to straight RGBA; a zero alpha gives transparent black. */
function unpremultiply(src: Uint8Array, dst: Uint8Array): void {
  for (let o = 0; o < dst.length; o += 4) {
    const a = src[o + 3];
    if (a === 0) continue;
    const b = src[o];
    const g = src[o + 1];
    const r = src[o + 2];
    if (a === 0xff) {
      dst[o] = r;
      dst[o + 1] = g;
      dst[o + 2] = b;
    } else {
      // Rounded c·255/a, clamped: a colour above its alpha is not valid premultiplied data.
      const half = a >> 1;
      dst[o] = Math.min(255, ((r * 255 + half) / a) | 0);
      dst[o + 1] = Math.min(255, ((g * 255 + half) / a) | 0);
      dst[o + 2] = Math.min(255, ((b * 255 + half) / a) | 0);
    }
    dst[o + 3] = a;
  }
}

/** MONO: AND 0 XOR 0 black, AND 0 XOR 1 white, AND 1 XOR 0 transparent, AND 1 XOR 1 invert. */
function decodeMono(data: Uint8Array, width: number, height: number, stride: number, rgba: Uint8Array): Uint8Array | null {
  const xorOffset = stride * height;
  const inv = new Uint8Array(stride * height);
  let any = false;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const byte = y * stride + (x >> 3);
      const bit = 0x80 >> (x & 7);
      const and = data[byte] & bit;
      const xor = data[xorOffset + byte] & bit;
      const o = (y * width + x) * 4;
      if (and) {
        if (!xor) continue; // transparent
        inv[byte] |= bit;
        any = true;
        rgba[o + 3] = 0xff; // opaque black fallback
        continue;
      }
      const v = xor ? 0xff : 0;
      rgba[o] = v;
      rgba[o + 1] = v;
      rgba[o + 2] = v;
      rgba[o + 3] = 0xff;
    }
  }
  return any ? inv : null;
}

/** Returns a function giving pixel (x, y) as 0xRRGGBB for the colour cursor types. */
function colourReader(type: number, data: Uint8Array, width: number, height: number): (x: number, y: number) => number {
  const u32 = (o: number): number => (data[o + 2] << 16) | (data[o + 1] << 8) | data[o]; // xRGB LE, top byte ignored
  switch (type) {
    case CursorType.Color4: {
      const stride = (width + 1) >> 1;
      const palette = stride * height;
      return (x, y) => {
        const b = data[y * stride + (x >> 1)];
        return u32(palette + ((x & 1 ? b & 0x0f : b >> 4) << 2));
      };
    }
    case CursorType.Color8: {
      const palette = width * height;
      return (x, y) => u32(palette + (data[y * width + x] << 2));
    }
    case CursorType.Color16:
      return (x, y) => {
        const o = (y * width + x) * 2;
        const p = data[o] | (data[o + 1] << 8);
        return (expand5((p >> 10) & 0x1f) << 16) | (expand5((p >> 5) & 0x1f) << 8) | expand5(p & 0x1f);
      };
    case CursorType.Color24:
      return (x, y) => u32((y * width + x) * 3);
    case CursorType.Color32:
      return (x, y) => u32((y * width + x) * 4);
    default:
      throw new Error(`colourReader: not a colour cursor type ${type}`);
  }
}

/** 5-bit channel to 8 bits by bit replication, so 0x1f is 0xff (white stays white). */
function expand5(v: number): number {
  return (v << 3) | (v >> 2);
}
