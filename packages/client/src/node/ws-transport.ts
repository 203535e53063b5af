import type { ClientOptions } from "ws";
import WebSocket from "ws";
import { SpiceError } from "@saffron/protocol";
import type { ByteTransport, TransportFactory } from "../transport/transport.js";

export interface WebSocketTransportOptions {
  /** Extra request headers (e.g. `Authorization: Bearer …`). */
  headers?: Record<string, string>;
  /** TLS options for wss:// (ca, rejectUnauthorized ...), passed to `ws`. */
  tls?: Pick<ClientOptions, "ca" | "cert" | "key" | "rejectUnauthorized">;
  connectTimeoutMs?: number;
  /** `send` reports back-pressure above this many unsent bytes (default 4 MiB). */
  highWaterMark?: number;
}

/** Wraps an open `ws` WebSocket as a ByteTransport (binary frames; text frames are an error). */
export function websocketTransport(ws: WebSocket, highWaterMark = 4 * 1024 * 1024): ByteTransport {
  let closeListener: ((e?: Error) => void) | undefined;
  let failure: Error | undefined;
  let closed = false;
  ws.on("error", (e) => (failure ??= e));
  ws.on("close", (code, reason) => {
    closed = true;
    if (!failure && code !== 1000 && code !== 1005) {
      failure = new SpiceError("ERR_SPICE_CONNECT", `WebSocket closed with code ${code}${reason.length ? `: ${reason.toString()}` : ""}`);
    }
    closeListener?.(failure);
  });
  return {
    send: (data) => {
      if (closed || ws.readyState !== WebSocket.OPEN) return false;
      ws.send(data, { binary: true });
      return ws.bufferedAmount < highWaterMark;
    },
    onData: (l) =>
      void ws.on("message", (data: WebSocket.RawData, isBinary: boolean) => {
        if (!isBinary) {
          failure ??= new SpiceError("ERR_SPICE_MALFORMED", "text frame on a SPICE WebSocket");
          ws.terminate();
          return;
        }
        const list = Array.isArray(data) ? data : [data];
        for (const d of list) l(d instanceof ArrayBuffer ? new Uint8Array(d) : new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
      }),
    onClose: (l) => {
      closeListener = l;
      if (closed) l(failure);
    },
    close: () => {
      if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      else ws.close(1000);
    },
    pause: () => ws.pause(),
    resume: () => ws.resume(),
  };
}

/**
 * Opens one WebSocket per channel to the same `url` (ws:// or wss://), e.g. a Saffron
 * gateway's `ws://host:8080/spice/desktop?token=…` or a SPICE server's WebSocket port.
 * An HTTP refusal of the upgrade rejects with ERR_SPICE_AUTH (401/403) or ERR_SPICE_CONNECT.
 */
export function websocketTransportFactory(url: string, options: WebSocketTransportOptions = {}): TransportFactory {
  const parsed = new URL(url);
  if (parsed.protocol !== "ws:" && parsed.protocol !== "wss:") throw new SpiceError("ERR_SPICE_CONNECT", `not a ws:// or wss:// URL: ${url}`);
  const where = `${parsed.protocol}//${parsed.host}${parsed.pathname}`; // never the token
  return () =>
    new Promise<ByteTransport>((resolve, reject) => {
      const timeoutMs = options.connectTimeoutMs ?? 10_000;
      const ws = new WebSocket(url, ["binary"], {
        headers: options.headers,
        perMessageDeflate: false,
        maxPayload: 64 * 1024 * 1024,
        handshakeTimeout: timeoutMs,
        ...options.tls,
      });
      let settled = false;
      const fail = (e: SpiceError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        ws.terminate();
        reject(e);
      };
      const timer = setTimeout(() => fail(new SpiceError("ERR_SPICE_TIMEOUT", `connecting to ${where} timed out after ${timeoutMs} ms`)), timeoutMs);
      ws.once("unexpected-response", (_req, res) => {
        const status = res.statusCode ?? 0;
        res.resume();
        const code = status === 401 || status === 403 ? "ERR_SPICE_AUTH" : "ERR_SPICE_CONNECT";
        fail(new SpiceError(code, `${where} refused the WebSocket: HTTP ${status} ${res.statusMessage ?? ""}`.trim()));
      });
      ws.once("error", (e) => fail(new SpiceError("ERR_SPICE_CONNECT", `cannot connect to ${where}: ${e.message}`, { cause: e })));
      ws.once("open", () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(websocketTransport(ws, options.highWaterMark));
      });
    });
}
