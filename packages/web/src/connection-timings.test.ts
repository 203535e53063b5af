import { describe, expect, it } from "vitest";
import { connectionTimings } from "./connection-timings.js";

describe("connectionTimings", () => {
  it("gives each stage reached as whole ms since the session's start, the paint taken on the page's clock", () => {
    const start = 1_700_000_000_000.25;
    const t = { start, main: start + 41.4, display: start + 77.6, frame: start + 103 };
    // The page's clock started 20 ms before the session did.
    const timeOrigin = start - 20;
    expect(connectionTimings(t, 131.2, timeOrigin)).toEqual({ mainMs: 41, displayMs: 78, firstFrameMs: 103, paintedMs: 111 });
  });

  it("leaves out the stages not reached yet", () => {
    expect(connectionTimings({ start: 5 }, undefined, 0)).toEqual({});
    expect(connectionTimings({ start: 5, main: 25 }, undefined, 0)).toEqual({ mainMs: 20 });
  });
});
