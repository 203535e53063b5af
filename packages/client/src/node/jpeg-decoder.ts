/** The Node JPEG decoder is the isomorphic jpeg-js one (see ../decoders/jpeg-js-decoder.ts). */
export {
  createJpegJsDecoder as createNodeJpegDecoder,
  type JpegJsDecoderOptions as NodeJpegDecoderOptions,
} from "../decoders/jpeg-js-decoder.js";
