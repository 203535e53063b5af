export { BitmapFlags } from "./bitmap-flags.js";
export { decodeBitmap, type BitmapImage } from "./decode-bitmap.js";
export { PaletteCache, type Palette } from "./palette-cache.js";
