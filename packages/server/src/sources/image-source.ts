import { readFile } from "node:fs/promises";
import { PNG } from "pngjs";
import { FramebufferSource } from "./framebuffer-source.js";

/** A static picture served as a desktop of exactly the picture's size. */
export async function imageSource(path: string): Promise<FramebufferSource> {
  let png: PNG;
  try {
    png = PNG.sync.read(await readFile(path));
  } catch (e) {
    throw new Error(`cannot read PNG ${path}: ${(e as Error).message}`);
  }
  const source = new FramebufferSource({ width: png.width, height: png.height, description: `image ${path}` });
  const rgba = new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength);
  // Alpha is dropped: the desktop is opaque (transparent pixels show their colour).
  source.putRgba(0, 0, png.width, png.height, rgba);
  return source;
}
