import { C_ENCODE_REFERENCE, C_MEMCPY_GBPS, SIZE_TOLERANCE, SPEED_TARGET, type EncoderCodec } from "./encoder-baselines.js";

export interface EncoderResult {
  codec: EncoderCodec;
  image: string;
  /** Our encode speed, megapixels/s at the median time (with several runs: the median of the runs'). */
  mpps: number;
  /** With several runs (--runs): the slowest and fastest run's speed. */
  mppsRange?: readonly [number, number];
  /** Our stream's size. */
  bytes: number;
  /** The reference size: the vector file (or, for glz-repeat, the C figure). */
  refBytes: number | undefined;
  /** Whether our stream is byte-identical to the vector file (undefined: no file). */
  identical: boolean | undefined;
  /** spice's C encoder timed in this run (c-reference.ts), megapixels/s (median of the runs'). */
  cMpps?: number;
  /** Ours / C, paired run by run (each run's two timings back to back): the median. */
  vsC?: number;
  /** With several runs: the lowest and highest paired ours / C. */
  vsCRange?: readonly [number, number];
  /** Whether our stream is byte-identical to the C encoder's of this run (undefined: not run). */
  sameAsC?: boolean;
  /** The C reference figure of codec-baselines.md (measured once, in a quiet spell). */
  baselineMpps: number | undefined;
  /** Copying the same bytes (Uint8Array.set) in this run, megapixels/s. */
  copyMpps: number;
}

const round1 = (x: number): number => Math.round(x * 10) / 10;
const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** Ours / C: against the C encoder of this run when it ran, else against the baseline figure. */
export function speedVsC(r: EncoderResult): number | undefined {
  return r.vsC ?? (r.baselineMpps ? r.mpps / r.baselineMpps : undefined);
}

/** The --json line for one result. */
export function formatEncoderJsonLine(r: EncoderResult): string {
  return JSON.stringify({
    codec: r.codec,
    image: r.image,
    impl: "saffron",
    mpps: round1(r.mpps),
    bytes: r.bytes,
    refBytes: r.refBytes ?? null,
    identical: r.identical ?? null,
    cMpps: r.cMpps === undefined ? null : round1(r.cMpps),
    sameAsC: r.sameAsC ?? null,
    vsC: round3OrNull(speedVsC(r)),
    baselineMpps: r.baselineMpps ?? null,
    vsBaseline: r.baselineMpps ? round3(r.mpps / r.baselineMpps) : null,
    sizeVsRef: r.refBytes ? round3(r.bytes / r.refBytes) : null,
    copyMpps: round1(r.copyMpps),
    ...(r.mppsRange ? { mppsRange: r.mppsRange.map(round1) } : {}),
    ...(r.vsCRange ? { vsCRange: r.vsCRange.map(round3) } : {}),
  });
}

const round3OrNull = (x: number | undefined): number | null => (x === undefined ? null : round3(x));

const TITLES: Record<EncoderCodec, string> = {
  quic: "QUIC encode (QuicEncoder, RGB32)",
  lz: "LZ encode (LzEncoder, RGB32)",
  glz: "GLZ encode (encodeGlz, fresh 16 Mpixel GlzEncoderDictionary per image)",
  "glz-repeat": "GLZ encode, same image again into the warm dictionary",
  lz4: "LZ4 encode (Lz4Encoder, SPICE framing, one chunk)",
};

/**
 * Human-readable tables, one per codec, with PASS/MISS on speed (ours/C: against spice's C encoder
 * timed in the same run when it ran, else against the baseline figure) and size (ours/reference).
 * With `runs` > 1 the speeds are the runs' medians, ours/C the median of the paired runs (PASS/MISS
 * on that), and each row also shows the range of ours/C.
 */
export function formatEncoderTables(results: readonly EncoderResult[], header: string, runs = 1): string {
  const lines: string[] = [header, ""];
  let pass = 0;
  let miss = 0;
  const mark = (ok: boolean): string => (ok ? (pass++, "PASS") : (miss++, "MISS"));
  const num = (x: number | undefined, d = 1): string => (x === undefined ? "-" : x.toFixed(d));
  const int = (x: number | undefined): string => (x === undefined ? "-" : x.toLocaleString("en-US"));
  const yesNo = (x: boolean | undefined): string => (x === undefined ? "-" : x ? "yes" : "no");
  const live = results.some((r) => r.cMpps !== undefined);

  for (const codec of ["quic", "lz", "glz", "glz-repeat", "lz4"] as const) {
    const rows = results.filter((r) => r.codec === codec);
    if (rows.length === 0) continue;
    const width = Math.max(16, ...rows.map((r) => r.image.length)) + 2;
    lines.push(`${TITLES[codec]} (targets: ours/C >= ${SPEED_TARGET}, size within ${SIZE_TOLERANCE * 100}% of the reference)`);
    lines.push(
      `${"image".padEnd(width)}${"MP/s".padStart(8)}${"C MP/s".padStart(8)}${"ours/C".padStart(8)}      ${"bytes".padStart(11)}${"ref bytes".padStart(11)}${"size".padStart(7)}${"same".padStart(6)}${"=C".padStart(5)}      ${"fig. C".padStart(7)}${"ours/fig".padStart(9)}${"copy MP/s".padStart(10)}${"ours/copy".padStart(10)}`,
    );
    for (const r of rows) {
      const vsC = speedVsC(r);
      const size = r.refBytes ? r.bytes / r.refBytes : undefined;
      const speedMark = vsC === undefined ? "  -  " : mark(vsC >= SPEED_TARGET);
      const sizeMark = size === undefined ? "  -  " : mark(Math.abs(size - 1) <= SIZE_TOLERANCE);
      const range = r.vsCRange ? `  ours/C over ${runs} runs: ${num(r.vsCRange[0], 2)}-${num(r.vsCRange[1], 2)}` : "";
      lines.push(
        `${r.image.padEnd(width)}${num(r.mpps).padStart(8)}${num(r.cMpps ?? r.baselineMpps, 0).padStart(8)}${num(vsC, 2).padStart(8)} ${speedMark}${int(r.bytes).padStart(11)}${int(r.refBytes).padStart(11)}${num(size, 3).padStart(7)}${yesNo(r.identical).padStart(6)}${yesNo(r.sameAsC).padStart(5)} ${sizeMark}${num(r.baselineMpps, 0).padStart(7)}${num(r.baselineMpps ? r.mpps / r.baselineMpps : undefined, 2).padStart(9)}${num(r.copyMpps, 0).padStart(10)}${num(r.copyMpps ? r.mpps / r.copyMpps : undefined, 3).padStart(10)}${range}`,
      );
    }
    lines.push("");
  }
  lines.push(
    live
      ? `C MP/s: spice 0.15.1's encoders (Debian's source package, gcc -O2) timed in this run, each right before or after ours. "=C": our stream is byte-identical to theirs.`
      : `C MP/s: the figures of codec-baselines.md (--c-reference figures: the C encoders were not run).`,
  );
  lines.push(`fig. C: codec-baselines.md (gcc -O2, median of 7, measured once in a quiet spell; this 2-vCPU VM drifts 2-5x). "same" = byte-identical to the vector file.`);
  lines.push(
    `copy = Uint8Array.set of the same width*height*4 bytes in this run (C memcpy on this machine: ${C_MEMCPY_GBPS} GB/s = ${Math.round((C_MEMCPY_GBPS * 1e9) / 4 / 1e6)} MP/s at 64 MiB).`,
  );
  if (runs > 1) lines.push(`MP/s and copy MP/s: median of ${runs} runs over every case, one after the other (the machine's speed drifts over minutes); ours/C: median of the runs' paired ratios.`);
  lines.push(`Targets: ${pass} PASS, ${miss} MISS`);
  return lines.join("\n") + "\n";
}

/** The fixed C figures of codec-baselines.md for a case, if the image is one of the baseline corpus. */
export function baselineFigures(codec: EncoderCodec, image: string): { mpps: number; bytes: number } | undefined {
  return C_ENCODE_REFERENCE[codec][image];
}
