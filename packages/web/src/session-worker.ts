// The dedicated Worker of a SpiceConsole: the whole SPICE session (WebSockets, every channel,
// image and video decoding, the software surfaces) runs here; the page only paints and sends input.
import { SessionCore } from "./session-core.js";
import type { FromSession, ToSession } from "./worker-protocol.js";

interface WorkerScope {
  postMessage(message: FromSession, transfer?: ArrayBuffer[]): void;
  onmessage: ((ev: { data: ToSession }) => void) | null;
}

const scope = globalThis as unknown as WorkerScope;
const core = new SessionCore((msg, transfer) => scope.postMessage(msg, transfer ?? []));
scope.onmessage = (ev) => (ev.data.t === "ping" ? scope.postMessage({ t: "hello" }) : core.handle(ev.data));
scope.postMessage({ t: "hello" });
