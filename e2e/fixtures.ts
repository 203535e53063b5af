import { join } from "node:path";
import type { DecodedImage } from "@saffron/codecs";
import { writePng } from "@saffron/testkit";

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

/**
 * An animation for the video-stream tests (`animate` at 20 fps makes a 400x300 window that
 * spice-server streams): 20 frames of `plasma(400, 300, 5)` rolled sideways by 20 px each,
 * written to `dir` as frame-00.png ... frame-19.png. Returns the files in order and the images.
 */
export function rolledPlasmaFrames(dir: string): { files: string[]; images: DecodedImage[] } {
  const base = plasma(400, 300, 5);
  const files: string[] = [];
  const images: DecodedImage[] = [];
  for (let k = 0; k < 20; k++) {
    const data = new Uint8Array(base.data.length);
    const shift = k * 20;
    for (let y = 0; y < 300; y++) {
      const row = y * 400 * 4;
      data.set(base.data.subarray(row + shift * 4, row + 1600), row);
      data.set(base.data.subarray(row, row + shift * 4), row + 1600 - shift * 4);
    }
    const file = join(dir, `frame-${String(k).padStart(2, "0")}.png`);
    writePng(file, { ...base, data });
    files.push(file);
    images.push({ ...base, data });
  }
  return { files, images };
}
