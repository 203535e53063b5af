export { decodeLz, decodeLzAlpha, type LzAlphaDecodeOptions, type LzDecodeOptions } from "./lz-decode.js";
export { readLzHeader, LZ_HEADER_SIZE, LZ_MAGIC, LZ_VERSION, type LzHeader } from "./lz-header.js";
export { LzImageType } from "./lz-image-type.js";
export { encodeLz, LzEncoder, type LzEncodeOptions, type LzEncoderOptions, type LzEncodeType } from "./lz-encoder.js";
export type { EncoderImage } from "./encoder-image.js";
