// jpeg-js's decoder on its own (its index also loads the encoder, which browsers never need).
declare module "jpeg-js/lib/decoder.js" {
  const decode: typeof import("jpeg-js").decode;
  export default decode;
}
