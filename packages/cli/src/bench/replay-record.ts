import { connect, createServer, type Socket } from "node:net";
import { linkTarget, rewriteChannelCaps, type RecordedChannel, type Recording } from "./replay-recording.js";

/**
 * Display channel caps spice-html5 0.3 announces (SIZED_STREAM, STREAM_REPORT, MULTI_CODEC,
 * CODEC_MJPEG), so the recorded display stream holds only what it can draw.
 */
export const HTML5_DISPLAY_CAPS = (1 << 0) | (1 << 4) | (1 << 8) | (1 << 9);
const DISPLAY = 2;

export interface Recorder {
  readonly port: number;
  /** Stops listening, closes the relayed connections and returns what was recorded. */
  stop(): Promise<Recording>;
}

/**
 * A test-time TCP relay on 127.0.0.1 that records every connection's server→client bytes with
 * timestamps, tagged with the channel type from the client's link message. The display
 * channel's link message gets `displayCaps` as its channel caps when given.
 */
export async function startRecorder(targetPort: number, options: { displayCaps?: number } = {}): Promise<Recorder> {
  const t0 = performance.now();
  const channels: RecordedChannel[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect({ host: "127.0.0.1", port: targetPort });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.setNoDelay(true);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
    let rec: RecordedChannel | undefined;
    const early: { t: number; data: Uint8Array }[] = [];
    let head: Uint8Array = new Uint8Array(0);
    const onClient = (chunk: Buffer) => {
      if (rec) return void upstream.write(chunk);
      const joined = new Uint8Array(head.length + chunk.length);
      joined.set(head);
      joined.set(chunk, head.length);
      head = joined;
      const target = linkTarget(head);
      if (!target) return;
      if (target.type === DISPLAY && options.displayCaps !== undefined) rewriteChannelCaps(head, options.displayCaps);
      rec = { type: target.type, id: target.id, chunks: early };
      channels.push(rec);
      upstream.write(head);
    };
    client.on("data", onClient);
    upstream.on("data", (chunk: Buffer) => {
      const entry = { t: performance.now() - t0, data: new Uint8Array(chunk) };
      (rec ? rec.chunks : early).push(entry);
      client.write(chunk);
    });
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((ok) => server.close(() => ok()));
      return { channels };
    },
  };
}
