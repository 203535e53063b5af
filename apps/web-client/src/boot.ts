// The page's first script (boot.js, from <head>, before anything else loads): it starts the
// console's session worker, so that fetching and compiling it overlaps the page's own loading
// (main.js adopts it as window.saffronSessionWorker). When the page will connect at once
// (?autoconnect=1), the worker is also told which session the console will ask for (in its URL's
// fragment): it opens the WebSockets, links the session and draws its first frame while the page
// still loads, and the console takes that session over (PreloadedSessionWorker, session-core.ts).
import { PreloadedSessionWorker } from "@saffron/web";
import { autoconnectSession, pageStorage } from "./session-options.js";

const page = window as unknown as { saffronSessionWorker?: PreloadedSessionWorker };

try {
  const connectTo = autoconnectSession(location, pageStorage());
  // The session starts here when the page connects at once: benchmarks count from this mark.
  if (connectTo) performance.mark("saffron:connect");
  // A classic worker (the bundle is an IIFE): it starts sooner than a module worker.
  page.saffronSessionWorker = new PreloadedSessionWorker("./session-worker.js", { type: "classic", connectTo });
} catch {
  // no workers: the console runs the session on the page
}
