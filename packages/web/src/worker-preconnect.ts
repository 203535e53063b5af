// A session worker can be told where to preconnect by its own script URL: a "#preconnect=…"
// fragment. The worker reads it while it starts, so its WebSockets open (and, with `start`, its
// session links) the moment its script has run, without waiting for a postMessage: messages
// posted to a worker that is still loading are held by the page until the page's own thread gets
// round to forwarding them, which a page busy loading its script delays by tens of ms. A fragment
// does not change what is fetched or cached.
import { isSessionStartSpec, type SessionStartSpec } from "./start-options.js";
import { DEFAULT_PROTOCOLS, type PreconnectRequest } from "./worker-protocol.js";

const KEY = "preconnect=";

/** Where a preloaded worker connects ahead of its console: see SpiceConsole.preloadWorker. */
export interface PreconnectTarget {
  url: string;
  protocols?: readonly string[];
  start?: SessionStartSpec;
}

/** `scriptUrl` with a fragment telling the worker to preconnect to `target.url` (a ws:// or wss:// URL). */
export function workerUrlWithPreconnect(scriptUrl: string | URL, target: PreconnectTarget): string {
  const u = new URL(String(scriptUrl), typeof location !== "undefined" ? location.href : undefined);
  u.hash = KEY + encodeURIComponent(JSON.stringify(preconnectRequest(target)));
  return u.href;
}

/** The "preconnect" message for `target`. */
export function preconnectRequest(target: PreconnectTarget): PreconnectRequest {
  const req: PreconnectRequest = { t: "preconnect", url: target.url, protocols: [...(target.protocols ?? DEFAULT_PROTOCOLS)] };
  if (target.start) req.start = target.start;
  return req;
}

/** The preconnect request carried by a worker script URL's fragment (`location.hash`), if any and well formed. */
export function preconnectFromHash(hash: string): PreconnectRequest | undefined {
  const at = hash.indexOf(KEY);
  if (at < 0) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(decodeURIComponent(hash.slice(at + KEY.length)));
  } catch {
    return undefined;
  }
  if (typeof v !== "object" || v === null) return undefined;
  const { url, protocols, start } = v as { url?: unknown; protocols?: unknown; start?: unknown };
  if (typeof url !== "string" || !Array.isArray(protocols) || !protocols.every((p) => typeof p === "string")) return undefined;
  if (start !== undefined && !isSessionStartSpec(start)) return undefined;
  return preconnectRequest({ url, protocols: protocols as string[], start: start as SessionStartSpec | undefined });
}
