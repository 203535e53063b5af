export { decodeLz4 } from "./decode-lz4.js";
export { decodeLz4Block } from "./lz4-block.js";
