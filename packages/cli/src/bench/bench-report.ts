import type { BenchCodec, BenchImpl } from "./bench-cases.js";

export interface BenchResult {
  codec: BenchCodec;
  image: string;
  impl: BenchImpl;
  mpps: number;
  medianMs: number;
  iterations: number;
  /** Bytes allocated by one decode beyond its output (measured on the 1920x1080 image only). */
  allocBytes?: number | null;
}

/** Targets: QUIC and LZ as a speed-up over spice-html5, GLZ and LZ4 in absolute MP/s on some images. */
export const RATIO_TARGETS: Partial<Record<BenchCodec, number>> = { quic: 2, lz: 4 };
export const ABSOLUTE_TARGETS: Partial<Record<BenchCodec, { mpps: number; images: RegExp; label: string }>> = {
  glz: { mpps: 500, images: /^(term|ui)_/, label: "term and ui" },
  lz4: { mpps: 500, images: /^(term|ui)_/, label: "term and ui" },
};

const round1 = (x: number): number => Math.round(x * 10) / 10;

/** The --json line for one result: {"codec","image","impl","mpps"} (mpps to 0.1). */
export function formatJsonLine(r: Pick<BenchResult, "codec" | "image" | "impl" | "mpps">): string {
  return JSON.stringify({ codec: r.codec, image: r.image, impl: r.impl, mpps: round1(r.mpps) });
}

const CODEC_TITLES: Record<BenchCodec, string> = { quic: "QUIC", lz: "LZ", glz: "GLZ", lz4: "LZ4" };

/** Human-readable tables, one per codec, with PASS/MISS against the targets. */
export function formatTables(results: readonly BenchResult[], header: string): string {
  const lines: string[] = [header, ""];
  const find = (codec: string, image: string, impl: BenchImpl): BenchResult | undefined =>
    results.find((r) => r.codec === codec && r.image === image && r.impl === impl);
  let pass = 0;
  let miss = 0;
  const mark = (ok: boolean): string => (ok ? (pass++, "PASS") : (miss++, "MISS"));
  const mp = (x: number | undefined): string => (x === undefined ? "-" : x.toFixed(1));

  for (const codec of ["quic", "lz", "glz", "lz4"] as const) {
    const images = [...new Set(results.filter((r) => r.codec === codec).map((r) => r.image))];
    if (images.length === 0) continue;
    const width = Math.max(16, ...images.map((i) => i.length)) + 2;
    const ratioTarget = RATIO_TARGETS[codec];
    const absTarget = ABSOLUTE_TARGETS[codec];
    if (ratioTarget !== undefined) {
      lines.push(`${CODEC_TITLES[codec]} (target: saffron >= ${ratioTarget}x spice-html5)`);
      lines.push(`${"image".padEnd(width)}${"saffron MP/s".padStart(13)}${"html5 MP/s".padStart(12)}${"ratio".padStart(9)}`);
      for (const image of images) {
        const ours = find(codec, image, "saffron");
        const ref = find(codec, image, "spice-html5");
        const ratio = ours && ref ? ours.mpps / ref.mpps : undefined;
        const verdict = ratio === undefined ? "-" : mark(ratio >= ratioTarget);
        lines.push(
          `${image.padEnd(width)}${mp(ours?.mpps).padStart(13)}${mp(ref?.mpps).padStart(12)}${(ratio === undefined ? "-" : `${ratio.toFixed(2)}x`).padStart(9)}  ${verdict}`,
        );
      }
    } else {
      const target = absTarget ? ` (target: >= ${absTarget.mpps} MP/s on ${absTarget.label})` : "";
      lines.push(`${CODEC_TITLES[codec]}${target}`);
      lines.push(`${"image".padEnd(width)}${"saffron MP/s".padStart(13)}`);
      for (const image of images) {
        const ours = find(codec, image, "saffron");
        const verdict = ours && absTarget && absTarget.images.test(image) ? mark(ours.mpps >= absTarget.mpps) : "-";
        lines.push(`${image.padEnd(width)}${mp(ours?.mpps).padStart(13)}  ${verdict}`);
      }
    }
    lines.push("");
  }

  const allocs = results.filter((r) => r.allocBytes !== undefined);
  if (allocs.length) {
    const first = allocs[0];
    const dims = /_(\d+)x(\d+)$/.exec(first.image);
    const outBytes = dims ? Number(dims[1]) * Number(dims[2]) * 4 : undefined;
    lines.push(`Bytes allocated per decode of ${first.image}, beyond the ${outBytes?.toLocaleString("en-US") ?? "?"}-byte output:`);
    for (const r of allocs) {
      const v = r.allocBytes === null ? "n/a (no gc(); run node with --expose-gc)" : `${r.allocBytes!.toLocaleString("en-US")} B`;
      lines.push(`  ${CODEC_TITLES[r.codec].padEnd(5)} ${r.impl.padEnd(12)} ${v.padStart(14)}`);
    }
    lines.push("");
  }
  lines.push(`Targets: ${pass} PASS, ${miss} MISS`);
  return lines.join("\n") + "\n";
}
