import type { SessionCore } from "./session-core.js";
import type { FromSession, ToSession } from "./worker-protocol.js";

/** Where a console's session runs: a dedicated Worker (default) or the page's own thread. */
export type SessionPlacement = "worker" | "page";

/**
 * The page's end of the session side. With a worker URL it starts a module Worker running
 * session-worker.js (given a Worker, it adopts that one, e.g. preloaded by the page); if that
 * worker cannot start (no Worker, the script is missing or fails to load) it falls back to
 * running the session on the page, replaying what was sent so far. The page fallback's code
 * (the whole client core) is loaded only then, by a dynamic import, so a page whose session runs
 * in the worker does not download and compile it twice.
 */
export class SessionLink {
  private worker?: Worker;
  private core?: SessionCore;
  /** Messages for the in-page session while its code loads. */
  private pending?: ToSession[];
  /** Why the in-page session's code could not load. */
  private loadError?: string;
  private hello = false;
  /** Messages sent before the worker said hello, replayed if it never does. */
  private early: ToSession[] = [];
  private destroyed = false;

  constructor(
    workerUrl: string | URL | Worker | undefined,
    private readonly onMessage: (msg: FromSession) => void,
    private readonly onFallback?: (reason: string) => void,
  ) {
    const given = typeof Worker !== "undefined" && workerUrl instanceof Worker ? workerUrl : undefined;
    if (workerUrl === undefined || (!given && typeof Worker === "undefined")) {
      this.startInline();
      return;
    }
    try {
      const w = given ?? new Worker(workerUrl as string | URL, { type: "module", name: "saffron-session" });
      w.onmessage = (ev: MessageEvent<FromSession>) => {
        if (ev.data.t === "hello") {
          this.hello = true;
          this.early = [];
          return;
        }
        this.onMessage(ev.data);
      };
      w.onerror = (ev) => {
        if (this.hello) return; // a worker error after start is reported by the session itself
        ev.preventDefault?.();
        this.fallback(`the session worker did not start (${ev.message || "load error"})`);
      };
      this.worker = w;
      // A worker started earlier (preloaded) may have said hello before anyone listened: ask again.
      if (given) w.postMessage({ t: "ping" } satisfies ToSession);
    } catch (e) {
      this.startInline();
      this.onFallback?.(`no session worker: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  get placement(): SessionPlacement {
    return this.worker ? "worker" : "page";
  }

  /** The in-page session side (only when the session runs on the page). */
  get inline(): SessionCore | undefined {
    return this.core;
  }

  /** Sends `msg` to the session side; `transfer` moves those buffers to a worker (the page keeps no access). */
  post(msg: ToSession, transfer: ArrayBuffer[] = []): void {
    if (this.destroyed) return;
    if (this.worker) {
      // Kept for a replay on the page should the worker fail before its hello, without the buffers it moved.
      if (!this.hello) this.early.push(msg.t === "pull" ? { t: "pull", gen: msg.gen } : msg);
      this.worker.postMessage(msg, transfer);
      return;
    }
    const core = this.core;
    if (!core) {
      if (this.loadError === undefined) this.pending?.push(msg);
      else if (msg.t === "start") this.failStart(msg.gen, this.loadError);
      return;
    }
    queueMicrotask(() => !this.destroyed && core.handle(msg));
  }

  private startInline(): void {
    if (this.pending) return;
    const pending: ToSession[] = (this.pending = []);
    import("./session-core.js").then(
      ({ SessionCore }) => {
        if (this.destroyed) return;
        const core = (this.core = new SessionCore((msg) => queueMicrotask(() => !this.destroyed && this.onMessage(msg))));
        this.pending = undefined;
        for (const m of pending) core.handle(m);
      },
      (e: unknown) => {
        // Every session asked for fails: there is nothing to run it with.
        this.loadError = `the session code did not load (${e instanceof Error ? e.message : String(e)})`;
        this.pending = undefined;
        for (const m of pending) if (m.t === "start") this.failStart(m.gen, this.loadError);
      },
    );
  }

  private failStart(gen: number, message: string): void {
    queueMicrotask(() => !this.destroyed && this.onMessage({ t: "failed", gen, error: { name: "Error", message } }));
  }

  private fallback(reason: string): void {
    this.worker?.terminate();
    this.worker = undefined;
    this.startInline();
    this.onFallback?.(reason);
    const replay = this.early;
    this.early = [];
    for (const m of replay) this.post(m);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    const w = this.worker;
    // Give the session a moment to close its WebSockets cleanly.
    if (w) setTimeout(() => w.terminate(), 200);
    this.core?.stop();
  }
}
