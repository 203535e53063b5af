import { inflateSync } from "node:zlib";
import { SpiceError } from "@saffron/protocol";
import { SpiceSession, type SessionOptions } from "../session/session.js";
import { parseSpiceUri, type SpiceTarget } from "../session/spice-uri.js";
import { createNodeJpegDecoder } from "./jpeg-decoder.js";
import { createNodeOpusDecoder } from "./opus-decoder.js";
import { tcpTransportFactory } from "./tcp-transport.js";
import { websocketTransportFactory, type WebSocketTransportOptions } from "./ws-transport.js";
import type { ConnectionOptions } from "node:tls";

export interface NodeConnectOptions extends Partial<Omit<SessionOptions, "transports">> {
  /** TLS options for a tls-port / spices:// target (ca, rejectUnauthorized ...). */
  tls?: ConnectionOptions;
  connectTimeoutMs?: number;
  /** Extra upgrade request headers for ws:// and wss:// targets (e.g. Authorization). */
  headers?: WebSocketTransportOptions["headers"];
}

/** zlib inflate for ZLIB_GLZ images, with the exact expected size. */
export function nodeInflate(deflated: Uint8Array, expectedSize: number): Uint8Array {
  const out = inflateSync(deflated, { maxOutputLength: Math.max(1, expectedSize) });
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** With `audio`, Node sessions decode Opus (opusscript) unless told otherwise. */
function withAudioDefaults<T extends Partial<SessionOptions>>(o: T): T {
  return o.audio && o.opusDecoder === undefined ? { ...o, opusDecoder: createNodeOpusDecoder() } : o;
}

/**
 * Creates a session and connects it: a spice:// or spices:// URI (or parsed target) with Node
 * TCP/TLS transports, or a ws:// or wss:// URL with one WebSocket per channel to that URL
 * (a Saffron gateway's /spice/NAME?token=…, or a SPICE server's WebSocket port).
 */
export async function connectSpice(target: string | SpiceTarget, connectOptions: NodeConnectOptions = {}): Promise<SpiceSession> {
  const options = withAudioDefaults(connectOptions);
  if (typeof target === "string" && /^wss?:\/\//i.test(target.trim())) {
    const { tls, connectTimeoutMs, headers, ...rest } = options;
    return connectSession(
      new SpiceSession({
        ...rest,
        jpeg: options.jpeg ?? createNodeJpegDecoder(),
        inflate: options.inflate ?? nodeInflate,
        transports: websocketTransportFactory(target.trim(), { tls, connectTimeoutMs, headers }),
      }),
    );
  }
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
    secureTransports:
      !useTls && t.tlsPort !== undefined
        ? tcpTransportFactory({ host: t.host, port: t.tlsPort, tls: options.tls ?? {}, connectTimeoutMs: options.connectTimeoutMs })
        : undefined,
  });
  return connectSession(session);
}

async function connectSession(session: SpiceSession): Promise<SpiceSession> {
  try {
    await session.connect();
  } catch (e) {
    session.close();
    throw e;
  }
  return session;
}
