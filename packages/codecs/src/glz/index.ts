export { decodeGlz, type GlzDecodeOptions } from "./glz-decode.js";
export { GlzDictionary, GLZ_MAX_WINDOW_PIXELS, type GlzImageStatus, type GlzWindowImage } from "./glz-dictionary.js";
export { readGlzHeader, GLZ_HEADER_SIZE, type GlzHeader } from "./glz-header.js";
export { GlzMissingImageError } from "./glz-missing-image-error.js";
export { encodeGlz, type GlzEncodeOptions, type GlzEncodeType } from "./glz-encoder.js";
export { GlzEncoderDictionary, type GlzEncoderImage } from "./glz-encoder-dictionary.js";
