import { unzlibSync } from "fflate";

/**
 * zlib inflate for ZLIB_GLZ images in browsers (fflate, pure JS). The output buffer is
 * allocated at the expected size up front, so a stream that claims more is cut there (the
 * caller checks the length) and a hostile stream cannot make it allocate more.
 */
export function browserInflate(deflated: Uint8Array, expectedSize: number): Uint8Array {
  return unzlibSync(deflated, { out: new Uint8Array(Math.max(0, expectedSize)) });
}
