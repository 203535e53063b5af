import { describe, expect, it } from "vitest";
import { statsLines } from "./stats-overlay.js";

const base = { fps: 30, bytes: 125_000, totalBytes: 1_000_000, decodeMs: 4.5, paintMs: 2, videoFps: 0, videoDecodeMs: 0, placement: "worker" as const };

describe("statsLines", () => {
  it("shows the session's start stages that are known", () => {
    expect(statsLines({ ...base, connection: { mainMs: 41, displayMs: 78, firstFrameMs: 103, paintedMs: 111 } }).at(-1)).toBe("start      main 41 · display 78 · frame 103 · painted 111 ms");
    expect(statsLines({ ...base, connection: { mainMs: 41 } }).at(-1)).toBe("start      main 41 ms");
  });

  it("has no start line before the session reported one", () => {
    expect(statsLines(base).some((l) => l.startsWith("start"))).toBe(false);
    expect(statsLines({ ...base, connection: {} }).some((l) => l.startsWith("start"))).toBe(false);
    expect(statsLines(base)[1]).toBe("bandwidth  1.0 Mb/s");
  });
});
