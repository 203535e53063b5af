// What the web client's bundles get for `import { unzlibSync } from "fflate"` (build.mjs swaps it
// in): fflate evaluated on first use. Its module body builds its Huffman and bit-reversal tables
// (a 32768-step loop among them) as it loads, which took 5-8 ms of the session worker's start
// (Node, measured on the bundle) although most sessions never inflate anything (ZLIB_GLZ images
// only). esbuild turns this require() of an ES module into a lazy initialiser of that module.
declare const require: (id: "./fflate-unzlib.js") => typeof import("./fflate-unzlib.js");

let fflate: typeof import("./fflate-unzlib.js") | undefined;

export function unzlibSync(data: Uint8Array, opts?: { out?: Uint8Array }): Uint8Array {
  fflate ??= require("./fflate-unzlib.js");
  return fflate.unzlibSync(data, opts);
}
