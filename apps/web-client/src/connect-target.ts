/** Where the page connects: a WebSocket URL plus what came with it. */
export interface ConnectTarget {
  /** ws:// or wss:// URL given to SpiceConsole. */
  url: string;
  /** SPICE password that came with the address (spice:// ?password=, a .vv file). */
  password?: string;
  /** Shown in the status line (a .vv title, else the URL). */
  label: string;
}

/** An address the page cannot use, with a message for the status line. */
export class TargetError extends Error {
  override readonly name = "TargetError";
}

export interface SpiceAddress {
  host: string;
  port?: number;
  tlsPort?: number;
  password?: string;
  title?: string;
}

function portNumber(v: string | null | undefined, what: string): number | undefined {
  if (v === null || v === undefined || v.trim() === "" || v.trim() === "-1") return undefined;
  const n = Number(v.trim());
  if (!Number.isInteger(n) || n <= 0 || n > 65535) throw new TargetError(`${what} ${JSON.stringify(v)} is not a port number`);
  return n;
}

/**
 * The WebSocket URL for a raw SPICE host and port. spice-server (QEMU, Xspice) and Saffron accept
 * a WebSocket upgrade on the SPICE port itself, so a browser goes there directly: ws:// on the
 * plain port, wss:// on the TLS port. A page served over https may only open wss://, so it
 * prefers the TLS port; a plain page prefers the plain port.
 */
export function addressToTarget(a: SpiceAddress, options: { securePage?: boolean } = {}): ConnectTarget {
  const host = a.host.includes(":") && !a.host.startsWith("[") ? `[${a.host}]` : a.host;
  const useTls = a.tlsPort !== undefined && (options.securePage || a.port === undefined);
  if (!useTls && a.port === undefined) throw new TargetError(`no port for ${a.host}`);
  if (!useTls && options.securePage) {
    throw new TargetError(
      `${a.host}:${a.port} has no TLS port, and this https page may only open wss:// WebSockets; open the page over http on localhost, or give the server a TLS port`,
    );
  }
  const url = useTls ? `wss://${host}:${a.tlsPort}/` : `ws://${host}:${a.port}/`;
  const t: ConnectTarget = { url, label: a.title || url };
  if (a.password) t.password = a.password;
  return t;
}

/**
 * What was typed in the connect form: a ws:// or wss:// URL (taken as it is), a
 * `spice://host:port[?password=P&tls-port=T]` or `spices://host:T` URI, or a bare host:port.
 */
export function parseConnectInput(text: string, options: { securePage?: boolean } = {}): ConnectTarget {
  const s = text.trim();
  if (!s) throw new TargetError("enter an address: ws://host:port/, spice://host:port or host:port");
  if (/^wss?:\/\//i.test(s)) {
    try {
      new URL(s);
    } catch {
      throw new TargetError(`not a valid URL: ${s}`);
    }
    return { url: s, label: s };
  }
  if (/^https?:\/\//i.test(s)) throw new TargetError(`${s} is a web page address; give its WebSocket URL (ws://… or wss://…)`);
  const m = /^(spices?):\/\//i.exec(s);
  if (!m && /^[a-z][a-z0-9+.-]*:\/\//i.test(s)) throw new TargetError(`unsupported address ${s}: use ws://, wss://, spice:// or host:port`);
  const tls = m?.[1]!.toLowerCase() === "spices";
  let u: URL;
  try {
    u = new URL(`http://${m ? s.slice(m[0].length) : s}`);
  } catch {
    throw new TargetError(`not a valid address: ${s}`);
  }
  const host = u.hostname.replace(/^\[|\]$/g, "");
  if (!host) throw new TargetError(`no host in ${s}`);
  const explicit = portNumber(u.port || undefined, "port");
  const a: SpiceAddress = { host };
  if (tls) a.tlsPort = explicit ?? portNumber(u.searchParams.get("tls-port"), "tls-port");
  else {
    a.port = explicit ?? portNumber(u.searchParams.get("port"), "port");
    a.tlsPort = portNumber(u.searchParams.get("tls-port"), "tls-port");
  }
  if (a.port === undefined && a.tlsPort === undefined) throw new TargetError(`no port in ${s} (spice://host:port)`);
  const pw = u.searchParams.get("password");
  if (pw) a.password = pw;
  return addressToTarget(a, options);
}

/**
 * The WebSocket URL the page's query names: `url=ws://…` as it is, or `target=NAME[&token=T]`
 * on this page's own gateway (`origin` is the page's, http(s) becomes ws(s)); "" when neither.
 */
export function urlFromQuery(q: URLSearchParams, origin: string): string {
  const url = q.get("url");
  if (url) return url;
  const target = q.get("target");
  if (!target) return "";
  const token = q.get("token");
  const base = `${origin.replace(/^http/, "ws")}/spice/${encodeURIComponent(target)}`;
  return token ? `${base}?token=${encodeURIComponent(token)}` : base;
}
