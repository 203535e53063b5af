// The dedicated Worker of a SpiceConsole: the whole SPICE session (WebSockets, every channel,
// image and video decoding, the software surfaces) runs here; the page only paints and sends input.
import { SessionCore } from "./session-core.js";
import { preconnectFromHash } from "./worker-preconnect.js";
import type { FromSession, ToSession } from "./worker-protocol.js";

interface WorkerScope {
  postMessage(message: FromSession, transfer?: ArrayBuffer[]): void;
  onmessage: ((ev: { data: ToSession }) => void) | null;
  location?: { hash: string };
}

const scope = globalThis as unknown as WorkerScope;
const core = new SessionCore((msg, transfer) => scope.postMessage(msg, transfer ?? []));
scope.onmessage = (ev) => (ev.data.t === "ping" ? scope.postMessage({ t: "hello" }) : core.handle(ev.data));
scope.postMessage({ t: "hello" });

// Started with "#preconnect=…" (boot.ts, SpiceConsole.preloadWorker): open the sockets now, in the
// first task after this script. (Chromium: the first WebSocket created while a worker's top-level
// script still runs blocks that thread for 40–60 ms; from the next task it takes about 1 ms.)
const early = preconnectFromHash(scope.location?.hash ?? "");
if (early) setTimeout(() => core.handle(early), 0);
