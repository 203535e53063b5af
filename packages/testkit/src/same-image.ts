import type { DecodedImage } from "@saffron/codecs";
import { saveComparison } from "./artifacts.js";
import { diffImages } from "./image-diff.js";

export interface SameImageOptions {
  /** Names the check in the error message. */
  label: string;
  /** Artifact name for the saved actual/expected/diff PNGs (default `label`). */
  artifact?: string;
  /** What `expected` is, for the message: "... pixels differ from <reference>". */
  reference?: string;
}

/**
 * Throws unless `actual` and `expected` have the same B, G, R everywhere (`diffImages`
 * defaults; different sizes throw ERR_BAD_IMAGE); on a difference first saves
 * `<artifact>.actual/.expected/.diff.png` under artifacts/ and names them in the error.
 */
export function expectSameImage(actual: DecodedImage, expected: DecodedImage, options: SameImageOptions): void {
  const diff = diffImages(actual, expected);
  if (diff.differentPixels === 0) return;
  const files = saveComparison(options.artifact ?? options.label, actual, expected);
  const from = options.reference ? ` from ${options.reference}` : "";
  throw new Error(`${options.label}: ${diff.differentPixels} pixels differ${from} (max delta ${diff.maxDelta}); see ${files.join(", ")}`);
}
