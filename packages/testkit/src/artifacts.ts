import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { DecodedImage } from "@saffron/codecs";
import { diffMask } from "./image-diff.js";
import { writePng } from "./png.js";

/**
 * Where failed comparisons are saved: $SAFFRON_ARTIFACTS_DIR, else `artifacts/` at the
 * repository root (git-ignored). This file sits at packages/testkit/{src,dist}/.
 */
export function artifactsDir(): string {
  return process.env.SAFFRON_ARTIFACTS_DIR ?? resolve(dirname(fileURLToPath(import.meta.url)), "../../../artifacts");
}

/** Writes `image` as `<artifactsDir>/<name>.png` (name sanitised) and returns the path. */
export function saveArtifact(name: string, image: DecodedImage): string {
  const safe = name.replace(/\.png$/i, "").replace(/[^A-Za-z0-9._-]+/g, "_");
  const path = join(artifactsDir(), `${safe}.png`);
  writePng(path, image);
  return path;
}

/** Saves `<name>.actual.png`, `<name>.expected.png` and `<name>.diff.png` (red = differs); returns the paths. */
export function saveComparison(name: string, actual: DecodedImage, expected: DecodedImage, tolerance = 0): string[] {
  const paths = [saveArtifact(`${name}.actual`, actual), saveArtifact(`${name}.expected`, expected)];
  if (actual.width === expected.width && actual.height === expected.height) {
    paths.push(saveArtifact(`${name}.diff`, diffMask(actual, expected, tolerance)));
  }
  return paths;
}
