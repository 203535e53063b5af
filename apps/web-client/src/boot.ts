// The page's first script (boot.js, from <head>, before anything else loads): it starts the
// console's session worker, so that fetching and compiling it overlaps the page's own loading
// (main.js adopts it as window.saffronSessionWorker). When the page will connect at once
// (?autoconnect=1), the worker is also told where, and opens the session's WebSockets while
// the page still loads; the console's start then adopts them (session-core.ts "preconnect").
import { DEFAULT_PROTOCOLS, type PreconnectRequest } from "@saffron/web";
import { parseConnectInput, urlFromQuery } from "./connect-target.js";

const page = window as unknown as { saffronSessionWorker?: Worker };

function boot(): void {
  let w: Worker;
  try {
    // A classic worker (the bundle is an IIFE): it starts sooner than a module worker.
    w = page.saffronSessionWorker = new Worker("./session-worker.js", { name: "saffron-session" });
  } catch {
    return; // no module workers: the console runs the session on the page
  }
  // Not adopted yet and failed to load: let the console start (or fall back) on its own.
  w.addEventListener("error", () => {
    if (page.saffronSessionWorker !== w) return;
    page.saffronSessionWorker = undefined;
    w.terminate();
  });
  const q = new URLSearchParams(location.search);
  if (q.get("autoconnect") !== "1") return;
  let url: string;
  try {
    url = parseConnectInput(urlFromQuery(q, location.origin), { securePage: location.protocol === "https:" }).url;
  } catch {
    return; // the page reports the bad address when it connects
  }
  w.postMessage({ t: "preconnect", url, protocols: [...DEFAULT_PROTOCOLS] } satisfies PreconnectRequest);
}

boot();
