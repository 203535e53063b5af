import { SpiceError } from "@saffron/protocol";
import type { ByteTransport, TransportFactory } from "../transport/transport.js";

/**
 * The part of the WHATWG WebSocket this transport uses, declared here so the client package
 * needs no DOM typings. Browsers' WebSocket and the `ws` package both fit.
 */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: Uint8Array | ArrayBuffer): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string; wasClean: boolean }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

export interface WebSocketTransportOptions {
  /** The WebSocket class (default: the global one). Node tests pass the `ws` package's. */
  WebSocket?: WebSocketConstructor;
  /** Give up opening after this long (default 10 s). */
  connectTimeoutMs?: number;
  /** `send()` returns false once this many bytes wait in the socket (default 4 MiB). */
  highWaterMark?: number;
}

const OPEN = 1;

function globalWebSocket(): WebSocketConstructor {
  const ctor = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (!ctor) throw new SpiceError("ERR_SPICE_CONNECT", "this environment has no WebSocket; pass one in the options");
  return ctor;
}

/**
 * Wraps an open WebSocket as a ByteTransport. Incoming binary messages are delivered in order
 * as chunks; chunks that arrive before the data listener is set (or while paused) are kept
 * and delivered later, in order.
 */
export function websocketTransport(ws: WebSocketLike, highWaterMark = 4 * 1024 * 1024): ByteTransport {
  ws.binaryType = "arraybuffer";
  let dataListener: ((chunk: Uint8Array) => void) | undefined;
  let closeListener: ((error?: Error) => void) | undefined;
  let queued: Uint8Array[] = [];
  let paused = false;
  let closed = false;
  let closeReported = false;
  let failure: Error | undefined;

  const flush = () => {
    while (dataListener && !paused && queued.length > 0) dataListener(queued.shift()!);
    if (closed && queued.length === 0) reportClose();
  };
  const reportClose = () => {
    if (closeReported || !closeListener) return;
    closeReported = true;
    closeListener(failure);
  };

  ws.onmessage = (ev) => {
    const d = ev.data;
    let chunk: Uint8Array;
    if (d instanceof ArrayBuffer) chunk = new Uint8Array(d);
    else if (ArrayBuffer.isView(d)) chunk = new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
    else {
      failure = new SpiceError("ERR_SPICE_MALFORMED", "the WebSocket peer sent a text message; SPICE needs binary frames");
      ws.close(1003, "binary frames only");
      return;
    }
    if (chunk.length === 0) return;
    if (dataListener && !paused && queued.length === 0) dataListener(chunk);
    else queued.push(chunk);
  };
  ws.onerror = () => {
    failure ??= new SpiceError("ERR_SPICE_CONNECT", "WebSocket error");
  };
  ws.onclose = (ev) => {
    closed = true;
    if (!failure && !ev.wasClean && ev.code !== 1000) {
      failure = new SpiceError("ERR_SPICE_CLOSED", `WebSocket closed (code ${ev.code}${ev.reason ? `: ${ev.reason}` : ""})`);
    }
    flush();
  };

  return {
    send(data) {
      if (closed || ws.readyState !== OPEN) return false;
      ws.send(data);
      return ws.bufferedAmount < highWaterMark;
    },
    onData(listener) {
      dataListener = listener;
      queueMicrotask(flush);
    },
    onClose(listener) {
      closeListener = listener;
      if (closed) queueMicrotask(flush);
    },
    close() {
      if (closed) return;
      try {
        ws.close(1000);
      } catch {
        // already closing
      }
    },
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
      flush();
    },
  };
}

/**
 * A TransportFactory that opens one WebSocket per SPICE channel, all to the same URL (the
 * plain SPICE port of spice-server or `saffron serve`, or a gateway path such as
 * `ws://host/spice/NAME?token=T`). Uses only the global WebSocket (or the one passed in).
 */
export function websocketTransportFactory(url: string, protocols: string[] = ["binary"], options: WebSocketTransportOptions = {}): TransportFactory {
  return () =>
    new Promise<ByteTransport>((resolve, reject) => {
      const Ctor = options.WebSocket ?? globalWebSocket();
      const timeoutMs = options.connectTimeoutMs ?? 10_000;
      let ws: WebSocketLike;
      try {
        ws = new Ctor(url, protocols);
      } catch (e) {
        reject(new SpiceError("ERR_SPICE_CONNECT", `cannot open a WebSocket to ${url}: ${e instanceof Error ? e.message : String(e)}`, { cause: e }));
        return;
      }
      ws.binaryType = "arraybuffer";
      const timer = setTimeout(() => {
        ws.onopen = ws.onclose = ws.onerror = null;
        try {
          ws.close();
        } catch {
          // not open yet
        }
        reject(new SpiceError("ERR_SPICE_TIMEOUT", `opening the WebSocket to ${url} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      ws.onerror = () => {};
      ws.onclose = (ev) => {
        clearTimeout(timer);
        reject(new SpiceError("ERR_SPICE_CONNECT", `cannot connect to ${url} (WebSocket closed with code ${ev.code}${ev.reason ? `: ${ev.reason}` : ""})`));
      };
      ws.onopen = () => {
        clearTimeout(timer);
        ws.onopen = null;
        // From here on the transport keeps every message until the channel reads it.
        resolve(websocketTransport(ws, options.highWaterMark));
      };
    });
}
