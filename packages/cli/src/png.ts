import { writeFile } from "node:fs/promises";
import { PNG } from "pngjs";

/** Writes RGBA pixels as a PNG file. */
export async function writeRgbaPng(path: string, width: number, height: number, rgba: Uint8Array): Promise<void> {
  const png = new PNG({ width, height });
  png.data = Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength);
  await writeFile(path, PNG.sync.write(png));
}

/** BGRA (SPICE order) to RGBA, ignoring the pad byte when `opaque`. */
export function bgraToRgbaOpaque(bgra: Uint8Array, opaque: boolean): Uint8Array {
  const out = new Uint8Array(bgra.length);
  for (let i = 0; i < bgra.length; i += 4) {
    out[i] = bgra[i + 2]!;
    out[i + 1] = bgra[i + 1]!;
    out[i + 2] = bgra[i]!;
    out[i + 3] = opaque ? 255 : bgra[i + 3]!;
  }
  return out;
}
