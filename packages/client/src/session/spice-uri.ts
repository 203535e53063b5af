import { SpiceError } from "@saffron/protocol";

export interface SpiceTarget {
  host: string;
  /** Plain port, if any. */
  port?: number;
  /** TLS port, if any. */
  tlsPort?: number;
  password?: string;
}

/**
 * Parses `spice://host:port`, `spice://host?port=P&tls-port=T&password=X`, `spices://host:T`
 * (TLS), and a bare `host:port`.
 */
export function parseSpiceUri(uri: string): SpiceTarget {
  let text = uri.trim();
  if (!/^[a-z]+:\/\//i.test(text)) text = `spice://${text}`;
  let u: URL;
  try {
    u = new URL(text.replace(/^spices?:/i, (m) => (m.toLowerCase() === "spices:" ? "https:" : "http:")));
  } catch (e) {
    throw new SpiceError("ERR_SPICE_CONNECT", `not a SPICE URI: ${uri}`, { cause: e });
  }
  const scheme = text.slice(0, text.indexOf(":")).toLowerCase();
  if (scheme !== "spice" && scheme !== "spices") throw new SpiceError("ERR_SPICE_CONNECT", `not a spice:// URI: ${uri}`);
  const num = (v: string | null) => {
    if (v === null || v === "") return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0 || n > 65535) throw new SpiceError("ERR_SPICE_CONNECT", `bad port ${v} in ${uri}`);
    return n;
  };
  const host = u.hostname.replace(/^\[|\]$/g, "");
  if (!host) throw new SpiceError("ERR_SPICE_CONNECT", `no host in ${uri}`);
  const target: SpiceTarget = { host };
  const explicitPort = num(u.port || null);
  const qPort = num(u.searchParams.get("port"));
  const qTls = num(u.searchParams.get("tls-port"));
  if (scheme === "spices") target.tlsPort = explicitPort ?? qTls;
  else {
    target.port = explicitPort ?? qPort;
    if (qTls !== undefined) target.tlsPort = qTls;
  }
  const pw = u.searchParams.get("password");
  if (pw !== null) target.password = pw;
  if (target.port === undefined && target.tlsPort === undefined) throw new SpiceError("ERR_SPICE_CONNECT", `no port in ${uri}`);
  return target;
}
