import type { DecodedImage } from "@saffron/codecs";

/** A deterministic photo-like picture (smooth plasma + fine noise): QUIC/JPEG territory. */
export function plasma(width: number, height: number, seed = 1): DecodedImage {
  const data = new Uint8Array(width * height * 4);
  let s = seed >>> 0;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) >>> 24) & 15;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const v = Math.sin(x / 17) + Math.sin(y / 11) + Math.sin((x + y) / 23) + Math.sin(Math.hypot(x - width / 2, y - height / 2) / 9);
      data[i] = Math.max(0, Math.min(255, 128 + 60 * Math.sin(v * 1.3) + rnd()));
      data[i + 1] = Math.max(0, Math.min(255, 128 + 60 * Math.sin(v * 2.1 + 1) + rnd()));
      data[i + 2] = Math.max(0, Math.min(255, 128 + 60 * Math.sin(v * 0.7 + 2) + rnd()));
      data[i + 3] = 255;
    }
  }
  return { width, height, data, hasAlpha: false };
}

/** A surface as a DecodedImage (BGRA) for the testkit's image helpers. */
export function surfaceImage(s: { width: number; height: number; data: Uint8Array }): DecodedImage {
  return { width: s.width, height: s.height, data: s.data, hasAlpha: false };
}
