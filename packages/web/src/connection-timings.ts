import type { ConnectionTimings } from "./events.js";
import type { SessionTimeline } from "./worker-protocol.js";

/** A session's start timeline (absolute times) as ms from its start; `paintedAt` on this page's clock. */
export function connectionTimings(t: SessionTimeline, paintedAt?: number, timeOrigin = performance.timeOrigin): ConnectionTimings {
  const stages: [keyof ConnectionTimings, number | undefined][] = [
    ["mainMs", t.main],
    ["displayMs", t.display],
    ["firstFrameMs", t.frame],
    ["paintedMs", paintedAt === undefined ? undefined : timeOrigin + paintedAt],
  ];
  const out: ConnectionTimings = {};
  for (const [stage, at] of stages) if (at !== undefined) out[stage] = Math.round(at - t.start);
  return out;
}
