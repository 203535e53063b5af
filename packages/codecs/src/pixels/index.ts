export { LITTLE_ENDIAN, packBgra, ALPHA_MASK, u32View } from "./byte-order.js";
export { swapRedBlue, bgraToRgba, rgbaToBgra } from "./swizzle.js";
export { bgrxRectToRgba, type PixelRectLike, type BgrxToRgbaOptions } from "./bgrx-rect-to-rgba.js";
export { expand5, rgb555ToBgraWord, rgb555Table } from "./rgb555.js";
export { flipRows, setOpaque } from "./row-ops.js";
export { bitsPerPixel, minRowBytes, isPaletteFormat, paletteToWords, convertRows, type SourceRows } from "./convert-rows.js";
