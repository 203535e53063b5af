import type { ByteTransport, TransportFactory } from "@saffron/client";
import { ChannelType } from "@saffron/protocol";

/**
 * Wraps a TransportFactory to count the bytes received and the time spent handling them. On
 * the display channel that time is the decoding and drawing of SPICE messages (the client
 * core handles a chunk's complete messages synchronously inside the data listener).
 */
export class TransportMeter {
  bytesReceived = 0;
  bytesSent = 0;
  /** Milliseconds spent in the display channel's data handling. */
  displayMs = 0;

  wrap(inner: TransportFactory): TransportFactory {
    return async (address) => {
      const t = await inner(address);
      const timed = address.channelType === ChannelType.Display;
      let queued: Uint8Array[] | undefined;
      let writable = true;
      const flush = () => {
        const q = queued!;
        queued = undefined;
        if (q.length === 1) return void (writable = t.send(q[0]!));
        let n = 0;
        for (const d of q) n += d.length;
        const all = new Uint8Array(n);
        n = 0;
        for (const d of q) all.set(d, (n += d.length) - d.length);
        writable = t.send(all);
      };
      const wrapped: ByteTransport = {
        // What a channel sends while handling one chunk (display ACKs, every few messages) goes
        // out as one WebSocket message at the end of that task: each send() costs a trip through
        // the browser's network stack.
        send: (data) => {
          this.bytesSent += data.length;
          if (!queued) {
            queued = [];
            queueMicrotask(flush);
          }
          queued.push(data.slice());
          return writable;
        },
        onData: (listener) =>
          t.onData((chunk) => {
            this.bytesReceived += chunk.length;
            if (!timed) return listener(chunk);
            const t0 = performance.now();
            try {
              listener(chunk);
            } finally {
              this.displayMs += performance.now() - t0;
            }
          }),
        onClose: (l) => t.onClose(l),
        close: () => {
          if (queued) flush();
          t.close();
        },
      };
      if (t.pause && t.resume) {
        wrapped.pause = () => t.pause!();
        wrapped.resume = () => t.resume!();
      }
      return wrapped;
    };
  }
}
