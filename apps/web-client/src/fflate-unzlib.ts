// The one fflate function the client uses, as a module of its own: lazy-fflate.ts require()s this
// one, so that the bundle keeps only what unzlibSync needs of fflate.
export { unzlibSync } from "fflate";
