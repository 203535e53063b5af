import { readFileSync } from "node:fs";
import { join } from "node:path";
import pngjs from "pngjs";
import type { BenchOptions } from "./bench-args.js";
import { caseKey, caseKeys, compareWithReference, makeCase } from "./bench-cases.js";
import { formatJsonLine, formatTables, type BenchResult } from "./bench-report.js";
import { loadSpiceHtml5, spiceHtml5Version, type SpiceHtml5 } from "./spice-html5.js";
import { measureAllocation, measureSpeed } from "./timing.js";
import { loadVectors, locateVectorsDir } from "./vectors.js";

/** The image whose per-decode allocation is reported. */
export const ALLOC_IMAGE = "mixed_1920x1080";

export interface BenchIo {
  write(text: string): void;
  /** Vectors folder; default: located from the installed @saffron/codecs. */
  vectorsDir?: string;
}

/**
 * Runs the codec benchmark. Each case is first checked against the original image (B, G, R of
 * every pixel), then timed. Returns the results; prints JSON lines as they come, or the tables
 * at the end. Throws when a decoder is wrong, the vectors are missing, or spice-html5 is needed
 * and missing.
 */
export async function runBench(opts: BenchOptions, io: BenchIo): Promise<BenchResult[]> {
  const dir = io.vectorsDir ?? locateVectorsDir();
  const vectors = loadVectors(dir);
  const keys = caseKeys(vectors).filter((k) => !opts.filter || opts.filter.test(caseKey(k)));
  if (keys.length === 0) throw new Error(`no benchmark case matches --filter ${opts.filter?.source}`);

  let html5: SpiceHtml5 | undefined;
  if (keys.some((k) => k.impl === "spice-html5")) html5 = await loadSpiceHtml5(opts.spiceHtml5Dir);

  const results: BenchResult[] = [];
  for (const v of vectors) {
    const mine = keys.filter((k) => k.image === v.name);
    if (mine.length === 0) continue;
    const reference = readReference(join(dir, `${v.name}.png`), v.width, v.height);
    const out = new Uint8Array(v.width * v.height * 4);
    for (const key of mine) {
      const c = makeCase(key, v, out, html5);
      const bad = compareWithReference(c, c.run(), reference);
      if (bad) throw new Error(`${caseKey(c)} decodes wrongly: ${bad}`);
      const speed = measureSpeed(c.run, v.width * v.height, { iterations: opts.iterations });
      const r: BenchResult = { ...key, ...speed };
      // ours reuse `out`; spice-html5 allocates its ImageData each call, which is the output.
      if (!opts.json && v.name === ALLOC_IMAGE) r.allocBytes = measureAllocation(c.run, key.impl === "saffron" ? 0 : out.length);
      results.push(r);
      if (opts.json) io.write(formatJsonLine(r) + "\n");
    }
  }
  if (!opts.json) {
    const version = html5 ? spiceHtml5Version(html5.dir) : undefined;
    const against = html5 ? `; reference: spice-html5${version ? ` ${version}` : ""} from ${html5.dir}` : "";
    const header =
      `Saffron codec benchmark: median decode speed in megapixels/s (Node ${process.version}${against})\n` +
      `spice-html5 is timed as its display channel decodes: SpiceImage.from_dv + convert_spice_*_to_web (RGBA ImageData).`;
    io.write(formatTables(results, header));
  }
  return results;
}

/** The original image as R,G,B,A bytes. */
function readReference(path: string, width: number, height: number): Uint8Array {
  const png = pngjs.PNG.sync.read(readFileSync(path));
  if (png.width !== width || png.height !== height) throw new Error(`${path} is ${png.width}x${png.height}, expected ${width}x${height}`);
  return new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.length);
}
