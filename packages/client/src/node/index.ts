export { createNodeJpegDecoder, type NodeJpegDecoderOptions } from "./jpeg-decoder.js";
export { socketTransport, tcpTransportFactory, type TcpOptions } from "./tcp-transport.js";
export { websocketTransport, websocketTransportFactory, type WebSocketTransportOptions } from "./ws-transport.js";
export { connectSpice, nodeInflate, type NodeConnectOptions } from "./connect.js";
export { createNodeOpusDecoder } from "./opus-decoder.js";
