export { decodeLz4 } from "./decode-lz4.js";
export { decodeLz4Block } from "./lz4-block.js";
export { encodeLz4, Lz4Encoder, type Lz4EncodeOptions, type Lz4EncoderOptions } from "./lz4-encoder.js";
export { compressLz4Block, lz4CompressBound } from "./lz4-block-encoder.js";
