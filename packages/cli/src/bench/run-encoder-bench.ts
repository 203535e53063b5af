import { readFileSync } from "node:fs";
import { join } from "node:path";
import pngjs from "pngjs";
import type { BenchOptions } from "./bench-args.js";
import { ENCODER_CODECS, encoderCaseKey, makeCopyCase, makeEncoderCase, newEncoderSet, rgbaToBgrx } from "./encoder-cases.js";
import { cReference, formatEncoderJsonLine, formatEncoderTables, type EncoderResult } from "./encoder-report.js";
import { measureSpeed, median } from "./timing.js";
import { loadVectors, locateVectorsDir } from "./vectors.js";
import type { BenchIo } from "./run-bench.js";

function pushTo(m: Map<string, number[]>, key: string, x: number): void {
  const xs = m.get(key);
  if (xs) xs.push(x);
  else m.set(key, [x]);
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Runs the encoder benchmark on the reference vectors: per image, our QUIC / LZ / GLZ / GLZ-repeat /
 * LZ4 encode speed and size, against the C reference figures and the vector files, and a copy
 * of the same bytes as the bandwidth reference. Prints JSON lines (once every run is done) or the tables.
 */
export async function runEncoderBench(opts: BenchOptions, io: BenchIo): Promise<EncoderResult[]> {
  const dir = io.vectorsDir ?? locateVectorsDir();
  const vectors = loadVectors(dir);
  const keys = vectors.flatMap((v) => ENCODER_CODECS.map((codec) => ({ codec, image: v.name })));
  const chosen = keys.filter((k) => !opts.filter || opts.filter.test(encoderCaseKey(k)));
  if (chosen.length === 0) throw new Error(`no encoder benchmark case matches --filter ${opts.filter?.source}`);

  const encoders = newEncoderSet();
  // With --runs N, N passes over every case one after the other (the machine's speed drifts over
  // minutes, more than within one case's half second): each case's runs, in pass order.
  const speeds = new Map<string, number[]>();
  const copies = new Map<string, number[]>();
  const firsts = new Map<string, EncoderResult>();
  for (let pass = 0; pass < opts.runs; pass++) {
    for (const v of vectors) {
      const mine = chosen.filter((k) => k.image === v.name);
      if (mine.length === 0) continue;
      const png = pngjs.PNG.sync.read(readFileSync(join(dir, `${v.name}.png`)));
      const image = rgbaToBgrx(new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height);
      const pixels = v.width * v.height;
      const copy = measureSpeed(makeCopyCase(image), pixels, { iterations: opts.iterations });
      pushTo(copies, v.name, copy.mpps);
      for (const key of mine) {
        const id = encoderCaseKey(key);
        const c = makeEncoderCase(key.codec, v, image, encoders);
        c.setup?.();
        const stream = c.run().slice();
        const speed = measureSpeed(c.run, pixels, { iterations: opts.iterations, setup: c.setup });
        pushTo(speeds, id, speed.mpps);
        if (firsts.has(id)) continue;
        const ref = cReference(key.codec, v.name);
        firsts.set(id, {
          codec: key.codec,
          image: v.name,
          mpps: speed.mpps,
          bytes: stream.length,
          refBytes: c.referenceStream?.length ?? ref?.bytes,
          identical: c.referenceStream ? sameBytes(stream, c.referenceStream) : undefined,
          cMpps: ref?.mpps,
          copyMpps: copy.mpps,
        });
      }
    }
  }
  const results: EncoderResult[] = [];
  for (const [id, first] of firsts) {
    const runs = speeds.get(id)!;
    const r: EncoderResult = { ...first, mpps: median(runs), copyMpps: median(copies.get(first.image)!) };
    if (runs.length > 1) r.mppsRange = [Math.min(...runs), Math.max(...runs)];
    results.push(r);
    if (opts.json) io.write(formatEncoderJsonLine(r) + "\n");
  }
  if (!opts.json) {
    io.write(formatEncoderTables(results, `Saffron encoder benchmark: median encode speed in megapixels/s and compressed size (Node ${process.version})`, opts.runs));
  }
  return results;
}
