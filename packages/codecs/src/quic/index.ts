export { QuicImageType, type QuicHeader, readQuicHeader } from "./quic-header.js";
export { QuicDecoder, type QuicDecoderOptions, decodeQuic } from "./quic-decoder.js";
export { QuicEncoder, type QuicEncoderOptions, encodeQuic, type QuicEncodeType, type QuicSourceImage } from "./quic-encoder.js";
