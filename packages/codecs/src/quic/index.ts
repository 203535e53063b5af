export { QuicImageType, type QuicHeader, readQuicHeader } from "./quic-header.js";
export { QuicDecoder, decodeQuic } from "./quic-decoder.js";
