export { decodeZlibGlz, type Inflate } from "./zlib-glz-decode.js";
