// A session worker started ahead of its console (SpiceConsole.preloadWorker, or the web client's
// boot.js in the page's <head>). When told where the console will connect (`connectTo`), the
// worker opens the WebSockets at once; when also told how (`connectTo.start`), it links the session
// and draws it on its own (generation SPECULATIVE_GEN, session-core.ts). Whatever it says before a
// console takes it is kept here, in order, so the console that adopts the session sees it all,
// first frame included. Kept small and free of the client core: boot.js is inlined in pages.
import { workerUrlWithPreconnect, type PreconnectTarget } from "./worker-preconnect.js";
import type { FromSession } from "./worker-protocol.js";

/** Marks instances across bundles (the web client's boot.js and main.js each carry this class). */
const BRAND = Symbol.for("saffron.preloaded-session-worker");

/** Whether `v` is a PreloadedSessionWorker, from this bundle or another. */
export function isPreloadedSessionWorker(v: unknown): v is PreloadedSessionWorker {
  return typeof v === "object" && v !== null && (v as { [BRAND]?: unknown })[BRAND] === true;
}

/** At most this many messages wait for a console; past that, nobody adopts the early session. */
const MAX_HELD = 256;

export class PreloadedSessionWorker {
  readonly [BRAND] = true;
  readonly worker: Worker;
  /** Where it was told to connect (and with what session), if anywhere. */
  readonly target?: PreconnectTarget;
  #held: FromSession[] | undefined = [];
  #overflowed = false;
  #failed = false;
  readonly #listener = (ev: MessageEvent<FromSession>) => {
    const held = this.#held;
    if (!held) return;
    if (held.length >= MAX_HELD) this.#overflowed = true;
    else held.push(ev.data);
  };

  /** Starts `scriptUrl` (session-worker.js) as a worker of `type`; throws where workers cannot start. */
  constructor(scriptUrl: string | URL, options: { type?: "classic" | "module"; connectTo?: PreconnectTarget } = {}) {
    const { type = "module", connectTo } = options;
    this.target = connectTo;
    const w = (this.worker = new Worker(connectTo ? workerUrlWithPreconnect(scriptUrl, connectTo) : scriptUrl, { type, name: "saffron-session" }));
    w.addEventListener("message", this.#listener);
    w.addEventListener("error", () => {
      this.#failed = true;
    });
  }

  /** The worker failed to load (a console should start its own). */
  get failed(): boolean {
    return this.#failed;
  }

  /**
   * Hands the worker to its console: stops holding messages and returns those held so far, in
   * order; `complete` is false when some were dropped (too many), so the early session must not
   * be adopted.
   */
  take(): { messages: FromSession[]; complete: boolean } {
    const messages = this.#held ?? [];
    this.#held = undefined;
    this.worker.removeEventListener("message", this.#listener);
    return { messages, complete: !this.#overflowed };
  }
}
