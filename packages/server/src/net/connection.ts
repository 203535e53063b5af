import type { Socket } from "node:net";
import type { WebSocket } from "ws";

/** One accepted byte stream (TCP, TLS or WebSocket) under one SPICE channel. */
export interface Connection {
  readonly remote: string;
  readonly kind: "tcp" | "tls" | "websocket";
  send(data: Uint8Array): void;
  onData(listener: (chunk: Uint8Array) => void): void;
  onClose(listener: () => void): void;
  /** Bytes queued in user space and the kernel, not yet sent: drives flow control. */
  readonly pending: number;
  /** Called once the pending bytes have drained below the high-water mark. */
  onDrain(listener: () => void): void;
  close(): void;
  /** Closes after the queued bytes are written (e.g. a link error reply). */
  end(): void;
}

/**
 * Above this many queued outgoing bytes a connection stops reading: a client that sends
 * requests but never reads the replies (MAIN ATTACH_CHANNELS in a loop, say) is then held
 * back by TCP instead of growing the server's queue without bound. Reading resumes once
 * the queue has drained.
 */
export const READ_PAUSE_BYTES = 8 * 1024 * 1024;

export function socketConnection(socket: Socket, kind: "tcp" | "tls", initial?: Uint8Array): Connection {
  let dataListener: ((c: Uint8Array) => void) | undefined;
  const early: Uint8Array[] = initial && initial.length ? [initial] : [];
  socket.setNoDelay(true);
  socket.on("error", () => {});
  // The client closed its side: the channel is over (as spice-server treats EOF). Without
  // this, a socket with unsent bytes towards a client that no longer reads would linger.
  socket.on("end", () => socket.destroy());
  let pausedForBacklog = false;
  socket.on("drain", () => {
    if (pausedForBacklog && !socket.destroyed) {
      pausedForBacklog = false;
      socket.resume();
    }
  });
  socket.on("data", (b: Buffer) => {
    const chunk = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    if (dataListener) dataListener(chunk);
    else early.push(chunk);
  });
  return {
    remote: `${socket.remoteAddress}:${socket.remotePort}`,
    kind,
    send: (d) => {
      if (socket.destroyed) return;
      socket.write(d);
      if (socket.writableLength > READ_PAUSE_BYTES && !pausedForBacklog) {
        pausedForBacklog = true;
        socket.pause();
      }
    },
    onData: (l) => {
      dataListener = l;
      for (const c of early.splice(0)) l(c);
    },
    onClose: (l) => void socket.once("close", l),
    get pending() {
      return socket.writableLength;
    },
    onDrain: (l) => void socket.on("drain", l),
    close: () => void socket.destroy(),
    end: () => {
      socket.end();
      setTimeout(() => socket.destroy(), 2000).unref();
    },
  };
}

export function websocketConnection(ws: WebSocket, remote: string): Connection {
  let dataListener: ((c: Uint8Array) => void) | undefined;
  const early: Uint8Array[] = [];
  const drainListeners: (() => void)[] = [];
  ws.binaryType = "nodebuffer";
  ws.on("error", () => {});
  ws.on("message", (d: Buffer | Buffer[] | ArrayBuffer) => {
    const b = Array.isArray(d) ? Buffer.concat(d) : Buffer.isBuffer(d) ? d : Buffer.from(d);
    const chunk = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    if (dataListener) dataListener(chunk);
    else early.push(chunk);
  });
  return {
    remote,
    kind: "websocket",
    send: (d) => {
      if (ws.readyState !== ws.OPEN) return;
      ws.send(d, { binary: true }, () => {
        if (ws.bufferedAmount >= 256 * 1024) return;
        if (ws.isPaused && ws.readyState === ws.OPEN) ws.resume();
        for (const l of drainListeners) l();
      });
      if (ws.bufferedAmount > READ_PAUSE_BYTES && !ws.isPaused) ws.pause();
    },
    onData: (l) => {
      dataListener = l;
      for (const c of early.splice(0)) l(c);
    },
    onClose: (l) => void ws.once("close", l),
    get pending() {
      return ws.bufferedAmount;
    },
    onDrain: (l) => void drainListeners.push(l),
    close: () => ws.terminate(),
    end: () => ws.close(),
  };
}
