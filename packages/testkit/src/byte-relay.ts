import { createServer, connect, type Socket } from "node:net";
import { TestkitError } from "./errors.js";
import { PacedLink, type PacedLinkOptions } from "./paced-link.js";

/** Hooks for one relayed TCP connection (e.g. a SpiceWireTap's). */
export interface RelayTap {
  /** Bytes the server sent towards the client, as they pass. */
  server?(chunk: Uint8Array): void;
  /** Bytes the client sent towards the server. */
  client?(chunk: Uint8Array): void;
}

export interface ByteRelayOptions {
  /** The server's port (on targetHost, default 127.0.0.1). */
  targetPort: number;
  targetHost?: string;
  /** Port to listen on at 127.0.0.1 (default: any free one). */
  port?: number;
  /** Called for each accepted connection (numbered from 1); may return taps for its bytes. */
  onConnection?(id: number): RelayTap | void;
  /**
   * Server->client bytes of each connection go through a slow link of this rate and latency
   * (a WAN downlink); unset: as fast as the sockets go. Client->server bytes are not paced.
   */
  downlink?: PacedLinkOptions;
}

/** Server->client bytes a paced connection holds before it stops reading from the server. */
const DOWNLINK_QUEUE_BYTES = 1 << 20;

export interface ByteRelay {
  /** The port clients connect to (127.0.0.1). */
  readonly port: number;
  /** Server→client bytes over every connection so far. */
  readonly s2c: number;
  /** Client→server bytes over every connection so far. */
  readonly c2s: number;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Stops listening and closes every relayed connection. */
  stop(): Promise<void>;
}

/**
 * A byte-counting TCP relay on 127.0.0.1: every connection is forwarded to the target and the
 * bytes are counted in both directions (all channels of a SPICE session, or a VNC session).
 * Flow control is kept: a side is paused while the other's socket buffer is full. With
 * `downlink`, server->client bytes go at that rate and latency (in order; see PacedLink).
 */
export async function startByteRelay(options: ByteRelayOptions): Promise<ByteRelay> {
  const host = options.targetHost ?? "127.0.0.1";
  let s2c = 0;
  let c2s = 0;
  let connections = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const id = ++connections;
    const tap = options.onConnection?.(id) ?? undefined;
    const upstream = connect({ host, port: options.targetPort });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.setNoDelay(true);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    const pipe = (from: Socket, to: Socket, count: (chunk: Buffer) => void): void => {
      from.on("data", (chunk: Buffer) => {
        count(chunk);
        if (!to.write(chunk)) {
          from.pause();
          to.once("drain", () => from.resume());
        }
      });
      from.on("end", () => to.end());
    };
    const countDown = (chunk: Buffer): void => {
      s2c += chunk.length;
      tap?.server?.(chunk);
    };
    if (options.downlink) pipePaced(upstream, client, options.downlink, countDown);
    else pipe(upstream, client, countDown);
    pipe(client, upstream, (chunk) => {
      c2s += chunk.length;
      tap?.client?.(chunk);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (e) => reject(new TestkitError("ERR_PEER_START", `byte relay cannot listen: ${e.message}`, { cause: e })));
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    port,
    get s2c() {
      return s2c;
    },
    get c2s() {
      return c2s;
    },
    get connections() {
      return connections;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** `from` -> `to` through a PacedLink; `from` is paused while the link holds too much. */
function pipePaced(from: Socket, to: Socket, link: PacedLinkOptions, count: (chunk: Buffer) => void): void {
  const paced = new PacedLink((piece) => {
    if (!to.destroyed) to.write(piece);
    if (paced.queued < DOWNLINK_QUEUE_BYTES && from.isPaused()) from.resume();
  }, link);
  from.on("data", (chunk: Buffer) => {
    count(chunk);
    paced.push(chunk);
    if (paced.queued >= DOWNLINK_QUEUE_BYTES) from.pause();
  });
  // The end goes out after the bytes before it.
  from.on("end", () => paced.end(() => to.end()));
  to.on("close", () => paced.close());
}
