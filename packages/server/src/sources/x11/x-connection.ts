import { existsSync } from "node:fs";
import x11 from "x11";
import type { XCallback, XClient, XDisplay, XEvent, XProtocolError } from "x11";

/** The error a request fails with once the connection is gone. */
export class XConnectionClosedError extends Error {
  readonly code = "ERR_X_CLOSED";
  constructor(message = "X connection closed") {
    super(message);
    this.name = "XConnectionClosedError";
  }
}

/** For a local display (":N") without its socket, say so instead of the TCP fallback's ECONNREFUSED. */
function explain(display: string, err: Error): string {
  const local = /^(?:unix)?:(\d+)(?:\.\d+)?$/.exec(display);
  if (local && !existsSync(`/tmp/.X11-unix/X${local[1]}`)) return `no X server is running there (no /tmp/.X11-unix/X${local[1]})`;
  return err.message;
}

/** Core X error codes used by the source. */
export const XErrorCode = { BadMatch: 8, BadValue: 2 } as const;

/** Whether `err` is an X protocol error (a reply, not a transport failure) with `code`. */
export function isXError(err: unknown, code?: number): err is XProtocolError {
  const e = err as XProtocolError | undefined;
  return typeof e?.error === "number" && (code === undefined || e.error === code);
}

/**
 * One connection to an X server through the `x11` package, with promise-returning requests
 * that reject when the connection dies, and one close notification.
 */
export class XConnection {
  private readonly pending = new Set<(err: Error) => void>();
  private closeHandlers: ((reason: Error | undefined) => void)[] = [];
  private closedReason: Error | undefined;
  private closing = false;
  closed = false;

  private constructor(readonly client: XClient, readonly display: XDisplay, readonly name: string) {
    client.on("end", () => this.markClosed(new XConnectionClosedError(`X server ${name} closed the connection`)));
    const stream = client.stream as unknown as { on?(ev: string, h: () => void): void } | undefined;
    stream?.on?.("close", () => this.markClosed(new XConnectionClosedError(`X connection to ${name} closed`)));
  }

  /** Connects to `display` (":5", "unix:5", "host:5.0"). MIT-SHM is not used. */
  static open(display: string, timeoutMs = 10_000): Promise<XConnection> {
    return new Promise((resolve, reject) => {
      let settled = false;
      let conn: XConnection | undefined;
      const timer = setTimeout(() => fail(new Error(`X display ${display}: no answer within ${timeoutMs} ms`)), timeoutMs);
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        try {
          client.terminate();
        } catch {
          // not connected yet
        }
        reject(err);
      };
      const client = x11.createClient({ display, shm: false }, (err, xdisplay) => {
        if (err) return fail(new Error(`cannot open X display ${display}: ${explain(display, err)}`));
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        conn = new XConnection(client, xdisplay, display);
        resolve(conn);
      });
      // Transport and unhandled protocol errors; the latter only come from void requests.
      client.on("error", (err) => {
        if (!settled) return fail(err);
        conn?.onError(err);
      });
    });
  }

  /** Unhandled protocol errors of void requests (e.g. a FakeInput the server refused). */
  protocolErrors: XProtocolError[] = [];
  onProtocolError?: (err: XProtocolError) => void;

  private onError(err: XProtocolError): void {
    if (isXError(err)) {
      if (this.protocolErrors.length < 32) this.protocolErrors.push(err);
      this.onProtocolError?.(err);
      return;
    }
    this.markClosed(new XConnectionClosedError(`X connection to ${this.name} failed: ${(err as Error).message}`));
    try {
      this.client.stream?.destroy();
    } catch {
      // already gone
    }
  }

  private markClosed(reason: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.closedReason = reason;
    for (const reject of this.pending) reject(reason);
    this.pending.clear();
    const handlers = this.closeHandlers;
    this.closeHandlers = [];
    for (const h of handlers) h(this.closing ? undefined : reason);
  }

  /** Runs `h` once when the connection ends; `reason` is undefined after `close()`. */
  onClose(h: (reason: Error | undefined) => void): void {
    if (this.closed) h(this.closing ? undefined : this.closedReason);
    else this.closeHandlers.push(h);
  }

  onEvent(h: (ev: XEvent) => void): void {
    this.client.on("event", h);
  }

  /** Issues a request whose callback is the last argument; resolves with its reply. */
  call<T>(issue: (cb: XCallback<T>) => void): Promise<T> {
    if (this.closed) return Promise.reject(this.closedReason ?? new XConnectionClosedError());
    return new Promise<T>((resolve, reject) => {
      const settle = (err: Error) => {
        this.pending.delete(settle);
        reject(err);
      };
      this.pending.add(settle);
      issue((err, result) => {
        if (!this.pending.delete(settle)) return true;
        if (err) reject(err);
        else resolve(result);
        return true; // handled: no 'error' event
      });
    });
  }

  /** Loads an extension module of the `x11` package (its requests hang off the result). */
  extension(name: string): Promise<any> {
    return this.call<any>((cb) => this.client.require(name, (err, ext) => cb(err ?? null, ext)));
  }

  /**
   * Sends a hand-packed request (`buf`, with major/minor opcode and length already set).
   * With `parse`, waits for the reply (its body after the 8-byte header) and returns
   * `parse(body, headerByte1)`.
   */
  raw(buf: Buffer): void;
  raw<T>(buf: Buffer, parse: (body: Buffer, detail: number) => T): Promise<T>;
  raw<T>(buf: Buffer, parse?: (body: Buffer, detail: number) => T): Promise<T> | void {
    const x = this.client as unknown as {
      seq_num: number;
      replies: Record<number, [(b: Buffer, o: number) => T, XCallback<T>]>;
      pack_stream: { put(b: Buffer): void; submit(expectsReply?: boolean): void };
    };
    if (!parse) {
      if (this.closed) return;
      x.seq_num++;
      x.pack_stream.put(buf);
      x.pack_stream.submit(false);
      return;
    }
    return this.call<T>((cb) => {
      x.seq_num++;
      x.replies[x.seq_num] = [parse, cb];
      x.pack_stream.put(buf);
      x.pack_stream.submit(true);
    });
  }

  /** A round trip: every request issued before has been processed. */
  sync(): Promise<unknown> {
    return this.call((cb) => this.client.GetInputFocus(cb));
  }

  /** Closes the connection (pending requests reject); `onClose` handlers get no reason. */
  close(): void {
    if (this.closed) return;
    this.closing = true;
    try {
      this.client.terminate();
    } catch {
      // socket already gone
    }
    this.markClosed(new XConnectionClosedError("X connection closed by us"));
  }
}
