export { decodeJpeg, decodeJpegSync, type JpegDecoder, type SyncJpegDecoder } from "./jpeg-decoder.js";
export {
  JpegAlphaFlags,
  splitJpegAlpha,
  decodeJpegAlpha,
  decodeJpegAlphaSync,
  type JpegAlphaImage,
  type LzAlphaDecoder,
} from "./jpeg-alpha.js";
