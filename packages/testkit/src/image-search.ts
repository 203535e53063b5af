import type { DecodedImage } from "@saffron/codecs";

/** Where `needle` sits inside `haystack`: its top-left corner. */
export interface ImagePosition {
  x: number;
  y: number;
}

const rgbAt = (img: DecodedImage, x: number, y: number): number => {
  const i = (y * img.width + x) * 4;
  return (img.data[i + 2]! << 16) | (img.data[i + 1]! << 8) | img.data[i]!;
};

/**
 * Finds `needle` inside `haystack` (both BGRA, alpha ignored) with every pixel exactly
 * equal, e.g. a served picture inside a screenshot of a viewer window. Candidates are
 * found by the needle's first row (up to `keyWidth` pixels, default 32), then the whole
 * region is compared. Returns the first exact position (top to bottom), or undefined.
 */
export function findImage(haystack: DecodedImage, needle: DecodedImage, keyWidth = 32): ImagePosition | undefined {
  const { width: nw, height: nh } = needle;
  if (nw === 0 || nh === 0 || nw > haystack.width || nh > haystack.height) return undefined;
  const kw = Math.min(keyWidth, nw);
  const first = rgbAt(needle, 0, 0);
  for (let y = 0; y + nh <= haystack.height; y++) {
    for (let x = 0; x + nw <= haystack.width; x++) {
      if (rgbAt(haystack, x, y) !== first) continue;
      let ok = true;
      for (let k = 1; k < kw && ok; k++) ok = rgbAt(haystack, x + k, y) === rgbAt(needle, k, 0);
      if (ok && regionEquals(haystack, needle, x, y)) return { x, y };
    }
  }
  return undefined;
}

/** Whether `needle` equals the region of `haystack` at (x, y), RGB only. */
export function regionEquals(haystack: DecodedImage, needle: DecodedImage, x: number, y: number): boolean {
  if (x < 0 || y < 0 || x + needle.width > haystack.width || y + needle.height > haystack.height) return false;
  for (let row = 0; row < needle.height; row++) {
    let h = ((y + row) * haystack.width + x) * 4;
    let n = row * needle.width * 4;
    for (let col = 0; col < needle.width; col++, h += 4, n += 4) {
      if (haystack.data[h] !== needle.data[n] || haystack.data[h + 1] !== needle.data[n + 1] || haystack.data[h + 2] !== needle.data[n + 2]) return false;
    }
  }
  return true;
}

/** Copies the `width` x `height` region at (x, y) out of `image`. */
export function cropImage(image: DecodedImage, x: number, y: number, width: number, height: number): DecodedImage {
  if (x < 0 || y < 0 || x + width > image.width || y + height > image.height) {
    throw new RangeError(`crop ${width}x${height}+${x}+${y} outside ${image.width}x${image.height}`);
  }
  const data = new Uint8Array(width * height * 4);
  for (let row = 0; row < height; row++) {
    const s = ((y + row) * image.width + x) * 4;
    data.set(image.data.subarray(s, s + width * 4), row * width * 4);
  }
  return { width, height, data, hasAlpha: image.hasAlpha };
}
