import { WebSocketServer, type WebSocket } from "ws";
import { concatChunks, linkReplyLength, linkTarget, type Recording } from "./replay-recording.js";

export interface ReplayServer {
  readonly url: string;
  stop(): Promise<void>;
}

/** RSA-1024 ticket, as every SPICE client sends it. */
const TICKET = 128;

/**
 * Serves a Recording over WebSockets to any SPICE client, as fast as the connection takes it:
 * for each connection the client's link message picks the recorded channel of that type; the
 * recorded link reply goes back at once, and once the client has sent its ticket (and auth
 * mechanism, when both sides announced AUTH_SELECTION) everything else recorded for that
 * channel follows, chunk by chunk, without pauses. Client messages after that are ignored.
 * Channels that were not recorded are closed at once.
 */
export async function startReplayServer(rec: Recording): Promise<ReplayServer> {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, handleProtocols: (p) => (p.has("binary") ? "binary" : false) });
  await new Promise<void>((ok) => wss.once("listening", ok));
  const byType = new Map<number, Uint8Array>();
  for (const c of rec.channels) if (!byType.has(c.type)) byType.set(c.type, concatChunks(c.chunks));
  wss.on("connection", (ws: WebSocket) => serve(ws, byType));
  const port = (wss.address() as { port: number }).port;
  return {
    url: `ws://127.0.0.1:${port}/`,
    stop: () =>
      new Promise<void>((ok) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => ok());
      }),
  };
}

function serve(ws: WebSocket, byType: Map<number, Uint8Array>): void {
  let got: Uint8Array = new Uint8Array(0);
  let stream: Uint8Array | undefined;
  let need = 0;
  let done = false;
  ws.on("error", () => ws.terminate());
  ws.on("message", (m: Buffer) => {
    if (done) return;
    const joined = new Uint8Array(got.length + m.length);
    joined.set(got);
    joined.set(m, got.length);
    got = joined;
    if (!stream) {
      const target = linkTarget(got);
      if (!target) return;
      stream = byType.get(target.type);
      if (!stream) return void ws.close();
      const replyLen = linkReplyLength(stream);
      const dv = new DataView(stream.buffer, stream.byteOffset, stream.byteLength);
      const capsOffset = dv.getUint32(16 + 4 + 162 + 8, true);
      const serverCommon = dv.getUint32(16 + capsOffset, true);
      need = target.length + TICKET + ((target.commonCaps & serverCommon & 1) !== 0 ? 4 : 0);
      ws.send(stream.subarray(0, replyLen));
      stream = stream.subarray(replyLen);
    }
    if (got.length < need) return;
    done = true;
    // The rest as recorded, in 64 KiB messages.
    for (let at = 0; at < stream.length; at += 65536) ws.send(stream.subarray(at, Math.min(stream.length, at + 65536)));
  });
}
