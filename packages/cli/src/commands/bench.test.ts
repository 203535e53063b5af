import { afterEach, describe, expect, it, vi } from "vitest";
import { formatJsonLine } from "../bench/bench-report.js";
import { benchCommand } from "./bench.js";

function captureStdout(): { text: () => string } {
  let out = "";
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    out += typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk);
    return true;
  });
  return { text: () => out };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("bench codecs", () => {
  it("formats one JSON object per result, mpps to 0.1", () => {
    expect(formatJsonLine({ codec: "quic", image: "term_1280x800", impl: "saffron", mpps: 123.456 })).toBe(
      '{"codec":"quic","image":"term_1280x800","impl":"saffron","mpps":123.5}',
    );
  });

  it("--json runs every codec on uitile, ours and spice-html5 (Debian package spice-html5)", async () => {
    const out = captureStdout();
    expect(await benchCommand(["codecs", "--json", "--filter", "uitile", "--iterations", "1"])).toBe(0);
    const lines = out.text().trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => `${String(l.codec)}/${String(l.impl)}`)).toEqual([
      "quic/saffron",
      "quic/spice-html5",
      "lz/saffron",
      "lz/spice-html5",
      "glz/saffron",
      "lz4/saffron",
    ]);
    for (const l of lines) {
      expect(Object.keys(l)).toEqual(["codec", "image", "impl", "mpps"]);
      expect(l.image).toBe("uitile_256x256");
      expect(l.mpps).toBeGreaterThan(0);
    }
  });

  it("prints the table with PASS/MISS marks (ours only, so no spice-html5 needed)", async () => {
    const out = captureStdout();
    expect(await benchCommand(["codecs", "--filter", "^(glz|lz4)/uitile.*/saffron$", "--iterations", "1", "--spice-html5", "/nonexistent"])).toBe(0);
    expect(out.text()).toMatch(/GLZ \(target: >= 500 MP\/s on term and ui\)\n.*\nuitile_256x256 +\d+\.\d  -\n/);
    expect(out.text()).toContain("Targets: 0 PASS, 0 MISS");
  });

  it("fails clearly when spice-html5 is needed and missing", async () => {
    captureStdout();
    await expect(benchCommand(["codecs", "--json", "--filter", "^lz/uitile", "--iterations", "1", "--spice-html5", "/nonexistent"])).rejects.toThrow(
      /spice-html5 reference decoders not found.*apt-get install spice-html5/,
    );
  });

  it("rejects a filter that matches nothing", async () => {
    await expect(benchCommand(["codecs", "--filter", "^nothing$"])).rejects.toThrow(/no benchmark case matches/);
  });

  it("bench encoders --json: every encoder on uitile, byte-identical to the C streams", async () => {
    const out = captureStdout();
    expect(await benchCommand(["encoders", "--json", "--filter", "uitile", "--iterations", "1"])).toBe(0);
    const lines = out.text().trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.codec)).toEqual(["quic", "lz", "glz", "glz-repeat", "lz4"]);
    for (const l of lines) {
      expect(l.image).toBe("uitile_256x256");
      expect(l.mpps).toBeGreaterThan(0);
      expect(l.sizeVsRef).toBe(1);
    }
    expect(lines.filter((l) => l.codec !== "glz-repeat").every((l) => l.identical === true)).toBe(true);
    expect(lines.find((l) => l.codec === "glz-repeat")).toMatchObject({ bytes: 310, refBytes: 310 });
  });

  it("bench encoders --runs 2: one line per case, the runs' median inside their range", async () => {
    const out = captureStdout();
    expect(await benchCommand(["encoders", "--json", "--filter", "^(lz|glz)/uitile", "--iterations", "1", "--runs", "2"])).toBe(0);
    const lines = out.text().trimEnd().split("\n").map((l) => JSON.parse(l) as { codec: string; mpps: number; mppsRange: [number, number]; identical: boolean });
    expect(lines.map((l) => l.codec)).toEqual(["lz", "glz"]);
    for (const l of lines) {
      expect(l.identical).toBe(true);
      expect(l.mppsRange[0]).toBeLessThanOrEqual(l.mpps);
      expect(l.mpps).toBeLessThanOrEqual(l.mppsRange[1]);
    }
  });
});
