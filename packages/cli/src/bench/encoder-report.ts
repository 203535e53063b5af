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
  /** The C reference's encode speed (codec-baselines.md). */
  cMpps: number | undefined;
  /** Copying the same bytes (Uint8Array.set) in this run, megapixels/s. */
  copyMpps: number;
}

const round1 = (x: number): number => Math.round(x * 10) / 10;
const round3 = (x: number): number => Math.round(x * 1000) / 1000;

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
    cMpps: r.cMpps ?? null,
    vsC: r.cMpps ? round3(r.mpps / r.cMpps) : null,
    sizeVsRef: r.refBytes ? round3(r.bytes / r.refBytes) : null,
    copyMpps: round1(r.copyMpps),
    ...(r.mppsRange ? { mppsRange: r.mppsRange.map(round1), vsCRange: r.cMpps ? r.mppsRange.map((x) => round3(x / r.cMpps!)) : null } : {}),
  });
}

const TITLES: Record<EncoderCodec, string> = {
  quic: "QUIC encode (QuicEncoder, RGB32)",
  lz: "LZ encode (LzEncoder, RGB32)",
  glz: "GLZ encode (encodeGlz, fresh 16 Mpixel GlzEncoderDictionary per image)",
  "glz-repeat": "GLZ encode, same image again into the warm dictionary",
  lz4: "LZ4 encode (Lz4Encoder, SPICE framing, one chunk)",
};

/**
 * Human-readable tables, one per codec, with PASS/MISS on speed (ours/C) and size (ours/reference).
 * With `runs` > 1 the speeds are the runs' medians (PASS/MISS on those) and each row also shows
 * the range of ours/C over the runs.
 */
export function formatEncoderTables(results: readonly EncoderResult[], header: string, runs = 1): string {
  const lines: string[] = [header, ""];
  let pass = 0;
  let miss = 0;
  const mark = (ok: boolean): string => (ok ? (pass++, "PASS") : (miss++, "MISS"));
  const num = (x: number | undefined, d = 1): string => (x === undefined ? "-" : x.toFixed(d));
  const int = (x: number | undefined): string => (x === undefined ? "-" : x.toLocaleString("en-US"));

  for (const codec of ["quic", "lz", "glz", "glz-repeat", "lz4"] as const) {
    const rows = results.filter((r) => r.codec === codec);
    if (rows.length === 0) continue;
    const width = Math.max(16, ...rows.map((r) => r.image.length)) + 2;
    lines.push(`${TITLES[codec]} (targets: ours/C >= ${SPEED_TARGET}, size within ${SIZE_TOLERANCE * 100}% of the reference)`);
    lines.push(
      `${"image".padEnd(width)}${"MP/s".padStart(8)}${"C MP/s".padStart(8)}${"ours/C".padStart(8)}      ${"bytes".padStart(11)}${"ref bytes".padStart(11)}${"size".padStart(7)}${"same".padStart(6)}      ${"copy MP/s".padStart(10)}${"ours/copy".padStart(10)}`,
    );
    for (const r of rows) {
      const vsC = r.cMpps ? r.mpps / r.cMpps : undefined;
      const size = r.refBytes ? r.bytes / r.refBytes : undefined;
      const speedMark = vsC === undefined ? "  -  " : mark(vsC >= SPEED_TARGET);
      const sizeMark = size === undefined ? "  -  " : mark(Math.abs(size - 1) <= SIZE_TOLERANCE);
      const same = r.identical === undefined ? "-" : r.identical ? "yes" : "no";
      const range = r.mppsRange && r.cMpps ? `  ours/C over ${runs} runs: ${num(r.mppsRange[0] / r.cMpps, 2)}-${num(r.mppsRange[1] / r.cMpps, 2)}` : "";
      lines.push(
        `${r.image.padEnd(width)}${num(r.mpps).padStart(8)}${num(r.cMpps, 0).padStart(8)}${num(vsC, 2).padStart(8)} ${speedMark}${int(r.bytes).padStart(11)}${int(r.refBytes).padStart(11)}${num(size, 3).padStart(7)}${same.padStart(6)} ${sizeMark}${num(r.copyMpps, 0).padStart(10)}${num(r.copyMpps ? r.mpps / r.copyMpps : undefined, 3).padStart(10)}${range}`,
      );
    }
    lines.push("");
  }
  lines.push(
    `copy = Uint8Array.set of the same width*height*4 bytes in this run (C memcpy on this machine: ${C_MEMCPY_GBPS} GB/s = ${Math.round((C_MEMCPY_GBPS * 1e9) / 4 / 1e6)} MP/s at 64 MiB).`,
  );
  lines.push(`C figures: codec-baselines.md (gcc -O2, median of 7; ±25% noise on this 2-vCPU VM). "same" = byte-identical to the vector file.`);
  if (runs > 1) lines.push(`MP/s and copy MP/s: median of ${runs} runs over every case, one after the other (the machine's speed drifts over minutes).`);
  lines.push(`Targets: ${pass} PASS, ${miss} MISS`);
  return lines.join("\n") + "\n";
}

/** The C reference figures for a case, if the image is one of the baseline corpus. */
export function cReference(codec: EncoderCodec, image: string): { mpps: number; bytes: number } | undefined {
  return C_ENCODE_REFERENCE[codec][image];
}
