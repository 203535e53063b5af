/**
 * Why a Saffron gateway refused a WebSocket. Browsers hide the HTTP status of a refused
 * upgrade, so the page asks the gateway with a plain GET on the same URL, which it answers with
 * the status the upgrade got: 401 (token refused), 404 (unknown target) or 426 (fine).
 */
export type GatewayVerdict =
  | { kind: "token-refused"; reason: string }
  | { kind: "unknown-target" }
  | { kind: "accepted" }
  | { kind: "unknown" };

/** The http(s) URL to ask, for a ws(s):// URL on a gateway path (/spice/NAME); else undefined. */
export function gatewayCheckUrl(wsUrl: string): string | undefined {
  let u: URL;
  try {
    u = new URL(wsUrl);
  } catch {
    return undefined;
  }
  if ((u.protocol !== "ws:" && u.protocol !== "wss:") || !/^\/spice\/[^/]+\/?$/.test(u.pathname)) return undefined;
  u.protocol = u.protocol === "wss:" ? "https:" : "http:";
  return u.toString();
}

type Fetch = (url: string, init: RequestInit) => Promise<{ status: number; text(): Promise<string> }>;

/** Asks the gateway behind `wsUrl`; "unknown" when it is no gateway URL or does not answer (or CORS hides it). */
export async function checkGateway(wsUrl: string, fetchFn: Fetch = (u, i) => fetch(u, i), timeoutMs = 5000): Promise<GatewayVerdict> {
  const url = gatewayCheckUrl(wsUrl);
  if (!url) return { kind: "unknown" };
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    const res = await fetchFn(url, { method: "GET", cache: "no-store", credentials: "omit", signal: abort.signal, referrerPolicy: "no-referrer" });
    if (res.status === 401) {
      const body = (await res.text()).trim();
      const reason = /\(([\w-]+)\)/.exec(body)?.[1] ?? "invalid";
      return { kind: "token-refused", reason };
    }
    if (res.status === 404) return { kind: "unknown-target" };
    if (res.status === 426) return { kind: "accepted" };
    return { kind: "unknown" };
  } catch {
    return { kind: "unknown" };
  } finally {
    clearTimeout(timer);
  }
}
