import { TargetError, type SpiceAddress } from "./connect-target.js";

/** The [virt-viewer] section of a .vv file, keys as written (lower-cased). */
export type VvSection = Map<string, string>;

/** Reads the [virt-viewer] section of a virt-viewer connection file (INI, `key=value`). */
export function parseVvSection(text: string): VvSection {
  const out: VvSection = new Map();
  let section = "";
  let sawSection = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith("#") || line.startsWith(";")) continue;
    const sec = /^\[([^\]]+)\]$/.exec(line);
    if (sec) {
      section = sec[1]!.trim().toLowerCase();
      if (section === "virt-viewer") sawSection = true;
      continue;
    }
    if (section !== "virt-viewer") continue;
    const eq = line.indexOf("=");
    if (eq <= 0) continue;
    out.set(line.slice(0, eq).trim().toLowerCase(), line.slice(eq + 1).trim());
  }
  if (!sawSection) throw new TargetError("not a virt-viewer file: it has no [virt-viewer] section");
  return out;
}

function port(v: string | undefined, key: string): number | undefined {
  if (v === undefined || v === "" || v === "-1" || v === "0") return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0 || n > 65535) throw new TargetError(`the .vv file's ${key}=${v} is not a port number`);
  return n;
}

/**
 * The SPICE address a .vv file names: type=spice, host, port and/or tls-port, password, title.
 * Files that go through an HTTP proxy (proxy=, as Proxmox writes them) or name a VNC server
 * cannot be opened from a browser and are refused with a TargetError saying so.
 */
export function parseVvFile(text: string): SpiceAddress {
  const vv = parseVvSection(text);
  const type = (vv.get("type") ?? "").toLowerCase();
  if (type !== "spice") throw new TargetError(type ? `the .vv file is for ${type}, not SPICE` : "the .vv file has no type=spice");
  if (vv.get("proxy")) throw new TargetError(`the .vv file goes through the proxy ${vv.get("proxy")}, which a browser cannot use`);
  const host = vv.get("host");
  if (!host) throw new TargetError("the .vv file names no host");
  const a: SpiceAddress = { host, port: port(vv.get("port"), "port"), tlsPort: port(vv.get("tls-port"), "tls-port") };
  if (a.port === undefined && a.tlsPort === undefined) throw new TargetError("the .vv file names no port or tls-port");
  const password = vv.get("password");
  if (password) a.password = password;
  const title = vv.get("title");
  if (title) a.title = title;
  return a;
}
