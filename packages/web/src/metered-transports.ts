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
      const wrapped: ByteTransport = {
        send: (data) => {
          this.bytesSent += data.length;
          return t.send(data);
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
        close: () => t.close(),
      };
      if (t.pause && t.resume) {
        wrapped.pause = () => t.pause!();
        wrapped.resume = () => t.resume!();
      }
      return wrapped;
    };
  }
}
