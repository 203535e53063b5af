import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pngjs from "pngjs";
import type { BenchOptions } from "./bench-args.js";
import { buildCReference, CReferenceError, runCReference } from "./c-reference.js";
import { ENCODER_CODECS, encoderCaseKey, makeCopyCase, makeEncoderCase, newEncoderSet, rgbaToBgrx } from "./encoder-cases.js";
import { baselineFigures, formatEncoderJsonLine, formatEncoderTables, type EncoderResult } from "./encoder-report.js";
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
 * LZ4 encode speed and size, against spice's C encoders timed in the same run (built from Debian's
 * sources, c-reference.ts; or, with `--c-reference figures`, against codec-baselines.md's
 * figures only), the vector files, and a copy of the same bytes as the bandwidth reference. Prints
 * JSON lines (once every run is done) or the tables.
 */
export async function runEncoderBench(opts: BenchOptions, io: BenchIo & { log?: (s: string) => void }): Promise<EncoderResult[]> {
  const dir = io.vectorsDir ?? locateVectorsDir();
  const vectors = loadVectors(dir);
  const keys = vectors.flatMap((v) => ENCODER_CODECS.map((codec) => ({ codec, image: v.name })));
  const chosen = keys.filter((k) => !opts.filter || opts.filter.test(encoderCaseKey(k)));
  if (chosen.length === 0) throw new Error(`no encoder benchmark case matches --filter ${opts.filter?.source}`);
  const cBin = opts.cReference === "figures" ? undefined : await buildCReference(io.log).catch((e: unknown) => {
    if (e instanceof CReferenceError) e.message += "; or compare with the fixed figures only: saffron bench encoders --c-reference figures";
    throw e;
  });
  const tmp = mkdtempSync(join(tmpdir(), "saffron-encoders-"));

  const encoders = newEncoderSet();
  // With --runs N, N passes over every case one after the other (the machine's speed drifts over
  // minutes, more than within one case's half second): each case's runs, in pass order. In each
  // pass, ours and C's of a case are timed back to back (in turn first), and their ratio kept.
  const speeds = new Map<string, number[]>();
  const cSpeeds = new Map<string, number[]>();
  const ratios = new Map<string, number[]>();
  const copies = new Map<string, number[]>();
  const firsts = new Map<string, EncoderResult>();
  try {
    for (let pass = 0; pass < opts.runs; pass++) {
      for (const v of vectors) {
        const mine = chosen.filter((k) => k.image === v.name);
        if (mine.length === 0) continue;
        const png = pngjs.PNG.sync.read(readFileSync(join(dir, `${v.name}.png`)));
        const image = rgbaToBgrx(new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height);
        const bgrxFile = join(tmp, `${v.name}.bgrx`);
        if (cBin && pass === 0) writeFileSync(bgrxFile, image.data);
        const pixels = v.width * v.height;
        const copy = measureSpeed(makeCopyCase(image), pixels, { iterations: opts.iterations });
        pushTo(copies, v.name, copy.mpps);
        for (const key of mine) {
          const id = encoderCaseKey(key);
          const c = makeEncoderCase(key.codec, v, image, encoders);
          c.setup?.();
          const stream = c.run().slice();
          const first = !firsts.has(id);
          const timeC = () => (cBin ? runCReference(cBin, key.codec, bgrxFile, v.width, v.height, { stream: first, iterations: opts.iterations }) : undefined);
          const cFirst = pass % 2 === 1 ? timeC() : undefined;
          const speed = measureSpeed(c.run, pixels, { iterations: opts.iterations, setup: c.setup });
          const cRun = cFirst ?? timeC();
          pushTo(speeds, id, speed.mpps);
          if (cRun) {
            const cMpps = pixels / cRun.medianMs / 1e3;
            pushTo(cSpeeds, id, cMpps);
            pushTo(ratios, id, speed.mpps / cMpps);
          }
          if (!first) continue;
          const ref = baselineFigures(key.codec, v.name);
          firsts.set(id, {
            codec: key.codec,
            image: v.name,
            mpps: speed.mpps,
            bytes: stream.length,
            refBytes: c.referenceStream?.length ?? ref?.bytes,
            identical: c.referenceStream ? sameBytes(stream, c.referenceStream) : undefined,
            sameAsC: cRun?.stream ? sameBytes(stream, cRun.stream) : undefined,
            baselineMpps: ref?.mpps,
            copyMpps: copy.mpps,
          });
        }
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const results: EncoderResult[] = [];
  for (const [id, first] of firsts) {
    const runs = speeds.get(id)!;
    const r: EncoderResult = { ...first, mpps: median(runs), copyMpps: median(copies.get(first.image)!) };
    if (runs.length > 1) r.mppsRange = [Math.min(...runs), Math.max(...runs)];
    const pairs = ratios.get(id);
    if (pairs) {
      r.cMpps = median(cSpeeds.get(id)!);
      r.vsC = median(pairs);
      if (pairs.length > 1) r.vsCRange = [Math.min(...pairs), Math.max(...pairs)];
    }
    results.push(r);
    if (opts.json) io.write(formatEncoderJsonLine(r) + "\n");
  }
  if (!opts.json) {
    io.write(formatEncoderTables(results, `Saffron encoder benchmark: median encode speed in megapixels/s and compressed size (Node ${process.version})`, opts.runs));
  }
  return results;
}
