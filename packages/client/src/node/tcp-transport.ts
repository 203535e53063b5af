import { connect as netConnect, type Socket } from "node:net";
import { connect as tlsConnect, type ConnectionOptions } from "node:tls";
import { SpiceError } from "@saffron/protocol";
import type { ByteTransport, TransportFactory } from "../transport/transport.js";

/** Wraps a connected Node socket as a ByteTransport. */
export function socketTransport(socket: Socket): ByteTransport {
  let closeListener: ((e?: Error) => void) | undefined;
  let failure: Error | undefined;
  let closed = false;
  socket.setNoDelay(true);
  socket.on("error", (e) => (failure = e));
  socket.on("close", () => {
    closed = true;
    closeListener?.(failure);
  });
  return {
    send: (data) => (closed ? false : socket.write(data)),
    onData: (l) => void socket.on("data", (b: Buffer) => l(new Uint8Array(b.buffer, b.byteOffset, b.byteLength))),
    onClose: (l) => {
      closeListener = l;
      if (closed) l(failure);
    },
    close: () => void socket.destroy(),
    pause: () => void socket.pause(),
    resume: () => void socket.resume(),
  };
}

export interface TcpOptions {
  host: string;
  port: number;
  /** TLS options; when set the channel is wrapped in TLS from the first byte (SPICE tls-port). */
  tls?: ConnectionOptions;
  connectTimeoutMs?: number;
}

/** Opens one TCP (or TLS) connection per channel. */
export function tcpTransportFactory(opts: TcpOptions): TransportFactory {
  return () =>
    new Promise<ByteTransport>((resolve, reject) => {
      const timeoutMs = opts.connectTimeoutMs ?? 10_000;
      const socket = opts.tls
        ? tlsConnect({ host: opts.host, port: opts.port, servername: opts.tls.servername ?? (isIp(opts.host) ? undefined : opts.host), ...opts.tls })
        : netConnect({ host: opts.host, port: opts.port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new SpiceError("ERR_SPICE_TIMEOUT", `connecting to ${opts.host}:${opts.port} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      const fail = (e: Error) => {
        clearTimeout(timer);
        const tlsFailure = opts.tls && !/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT/.test(String((e as NodeJS.ErrnoException).code));
        reject(
          new SpiceError(tlsFailure ? "ERR_SPICE_TLS" : "ERR_SPICE_CONNECT", `cannot connect to ${opts.host}:${opts.port}: ${e.message}`, { cause: e }),
        );
      };
      socket.once("error", fail);
      socket.once(opts.tls ? "secureConnect" : "connect", () => {
        clearTimeout(timer);
        socket.off("error", fail);
        resolve(socketTransport(socket));
      });
    });
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(":");
}
