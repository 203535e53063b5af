/**
 * Browser pieces of the client: a WebSocket transport (one WebSocket per channel), the
 * jpeg-js JPEG decoder and an fflate inflate. None of these needs the DOM typings.
 */
export {
  websocketTransport,
  websocketTransportFactory,
  type WebSocketLike,
  type WebSocketConstructor,
  type WebSocketTransportOptions,
} from "./websocket-transport.js";
export { browserInflate } from "./inflate.js";
export { createJpegJsDecoder as createBrowserJpegDecoder, createJpegJsDecoder, type JpegJsDecoderOptions } from "../decoders/jpeg-js-decoder.js";
export { createWebCodecsVideoFactory, isKeyFrame, codecString, type WebCodecsVideoOptions } from "./webcodecs-video.js";
