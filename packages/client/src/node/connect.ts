import { inflateSync } from "node:zlib";
import { SpiceError } from "@saffron/protocol";
import { SpiceSession, type SessionOptions } from "../session/session.js";
import { parseSpiceUri, type SpiceTarget } from "../session/spice-uri.js";
import { createNodeJpegDecoder } from "./jpeg-decoder.js";
import { tcpTransportFactory } from "./tcp-transport.js";
import type { ConnectionOptions } from "node:tls";

export interface NodeConnectOptions extends Partial<Omit<SessionOptions, "transports">> {
  /** TLS options for a tls-port / spices:// target (ca, rejectUnauthorized ...). */
  tls?: ConnectionOptions;
  connectTimeoutMs?: number;
}

/** zlib inflate for ZLIB_GLZ images, with the exact expected size. */
export function nodeInflate(deflated: Uint8Array, expectedSize: number): Uint8Array {
  const out = inflateSync(deflated, { maxOutputLength: Math.max(1, expectedSize) });
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** Creates a session for a spice:// URI (or parsed target) with Node TCP/TLS transports, and connects it. */
export async function connectSpice(target: string | SpiceTarget, options: NodeConnectOptions = {}): Promise<SpiceSession> {
  const t = typeof target === "string" ? parseSpiceUri(target) : target;
  const useTls = t.port === undefined;
  const port = useTls ? t.tlsPort : t.port;
  if (port === undefined) throw new SpiceError("ERR_SPICE_CONNECT", "no port to connect to");
  const session = new SpiceSession({
    ...options,
    password: options.password ?? t.password,
    jpeg: options.jpeg ?? createNodeJpegDecoder(),
    inflate: options.inflate ?? nodeInflate,
    transports: tcpTransportFactory({ host: t.host, port, tls: useTls ? (options.tls ?? {}) : undefined, connectTimeoutMs: options.connectTimeoutMs }),
  });
  try {
    await session.connect();
  } catch (e) {
    session.close();
    throw e;
  }
  return session;
}
