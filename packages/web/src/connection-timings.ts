import type { ConnectionTimings } from "./events.js";
import type { SessionTimeline } from "./worker-protocol.js";

/** A session's start timeline (absolute times) as ms from its start; `paintedAt` on this page's clock. */
export function connectionTimings(t: SessionTimeline, paintedAt?: number, timeOrigin = performance.timeOrigin): ConnectionTimings {
  const since = (at: number | undefined) => (at === undefined ? undefined : Math.round(at - t.start));
  const out: ConnectionTimings = {};
  const main = since(t.main), display = since(t.display), frame = since(t.frame);
  const painted = since(paintedAt === undefined ? undefined : timeOrigin + paintedAt);
  if (main !== undefined) out.mainMs = main;
  if (display !== undefined) out.displayMs = display;
  if (frame !== undefined) out.firstFrameMs = frame;
  if (painted !== undefined) out.paintedMs = painted;
  return out;
}
