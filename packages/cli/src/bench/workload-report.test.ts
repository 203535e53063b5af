import { describe, expect, it } from "vitest";
import { drawTouchesAnimation } from "./run-workload-bench.js";
import { formatWorkloadJsonLine, formatWorkloadTables, medianResult, type WorkloadResult } from "./workload-report.js";

const r = (over: Partial<WorkloadResult>): WorkloadResult => ({
  workload: "seq",
  config: "saffron",
  runs: 1,
  wallS: 2,
  s2cBytes: 200_000,
  serverCpuS: 0.5,
  connectBytes: 1000,
  ...over,
});

describe("workload benchmark report", () => {
  it("one JSON object per result", () => {
    expect(JSON.parse(formatWorkloadJsonLine(r({ xvfbCpuS: 0.123, messages: [{ key: "display.DrawCopy", count: 3, bytes: 900 }] })))).toEqual({
      workload: "seq",
      config: "saffron",
      runs: 1,
      wallS: 2,
      s2cBytes: 200000,
      kBps: 100,
      serverCpuS: 0.5,
      xvfbCpuS: 0.12,
      connectBytes: 1000,
      messages: [{ key: "display.DrawCopy", count: 3, bytes: 900 }],
    });
  });

  it("medians over runs; the breakdown comes from the median-bytes run", () => {
    const m = medianResult([
      r({ s2cBytes: 10, wallS: 1, messages: [{ key: "a", count: 1, bytes: 10 }] }),
      r({ s2cBytes: 30, wallS: 3 }),
      r({ s2cBytes: 20, wallS: 9, messages: [{ key: "b", count: 1, bytes: 20 }] }),
    ]);
    expect(m).toMatchObject({ runs: 3, s2cBytes: 20, wallS: 3, messages: [{ key: "b" }] });
    expect(medianResult([r({ error: "boom" })]).error).toBe("boom");
  });

  it("tables with ratios, targets and the seq breakdown", () => {
    const text = formatWorkloadTables(
      [
        r({ config: "xspice", s2cBytes: 6_800_000, wallS: 8, serverCpuS: 1.4, messages: [{ key: "display.DrawCopy", count: 19_591, bytes: 3_000_000 }] }),
        r({ xvfbCpuS: 0.3 }),
        r({ workload: "animate", fps: 18, s2cBytes: 6_000_000, wallS: 11 }),
      ],
      "H",
    );
    expect(text).toMatch(/seq: [^\n]*\nconfig[^\n]*\nXspice \(auto_glz\) +8\.00 +6,800,000 +850\.0 +1\.40 +- +- +- +-\n/);
    expect(text).toMatch(/Saffron \+ Xvfb +2\.00 +200,000 +100\.0 +0\.50 +0\.30 +- +0\.03x +1\.65x\n/);
    expect(text).toMatch(/\nTigerVNC \(peers\.md §6\) +1\.69 +121,075 +71\.6 +0\.19 /);
    expect(text).toContain("target: Saffron bytes <= Xspice's: PASS");
    expect(text).toContain("target: Saffron bytes <= 2x TigerVNC's (peers.md): PASS");
    expect(text).toMatch(/where the bytes go, Xspice \(auto_glz\)[^\n]*\n +display\.DrawCopy +19,591 msgs +3,000,000 B +44\.1%/);
    expect(text).toContain("target: Saffron >= 15 fps: PASS");
    expect(text).toContain("target: Saffron bytes < TigerVNC's (peers.md): PASS");
    expect(text).toContain("Targets: 4 PASS, 0 MISS");
  });

  it("finds DRAW_COPYs in the animation area", () => {
    const head = (surface: number, top: number, left: number, bottom: number, right: number): Uint8Array => {
      const b = new Uint8Array(21);
      const dv = new DataView(b.buffer);
      [surface, top, left, bottom, right].forEach((v, i) => dv.setInt32(i * 4, v, true));
      return b;
    };
    expect(drawTouchesAnimation(head(0, 10, 10, 50, 50))).toBe(true);
    expect(drawTouchesAnimation(head(0, 300, 0, 400, 100))).toBe(false);
    expect(drawTouchesAnimation(head(1, 10, 10, 50, 50))).toBe(false);
    expect(drawTouchesAnimation(new Uint8Array(8))).toBe(false);
  });
});
