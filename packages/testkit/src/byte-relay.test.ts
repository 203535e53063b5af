import { connect, createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startByteRelay, type ByteRelay } from "./byte-relay.js";

/** A server that writes `payload` in many small writes to each client, then closes. */
async function sender(payload: Uint8Array): Promise<{ server: Server; port: number }> {
  const server = createServer((s) => {
    let off = 0;
    const step = (): void => {
      // Small writes with pauses between them: the relay sees many chunks arrive over time.
      for (let i = 0; i < 8 && off < payload.length; i++) {
        const n = 1 + ((off * 7919) % 3000);
        s.write(payload.subarray(off, off + n));
        off += n;
      }
      if (off < payload.length) setImmediate(step);
      else s.end();
    };
    step();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, port: (server.address() as { port: number }).port };
}

async function receiveAll(port: number): Promise<{ data: Buffer; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    const s = connect({ host: "127.0.0.1", port });
    s.on("data", (b: Buffer) => parts.push(b));
    s.on("end", () => resolve({ data: Buffer.concat(parts), ms: performance.now() - t0 }));
    s.on("error", reject);
  });
}

describe("startByteRelay", () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0)) await f();
  });

  it("relays and counts bytes", async () => {
    const payload = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 31) & 0xff);
    const { server, port } = await sender(payload);
    const relay: ByteRelay = await startByteRelay({ targetPort: port });
    cleanup.push(() => relay.stop(), () => server.close());
    const { data } = await receiveAll(relay.port);
    expect(data.equals(payload)).toBe(true);
    expect(relay.s2c).toBe(payload.length);
    expect(relay.connections).toBe(1);
  });

  it("with a downlink: server->client bytes at that rate, in order, then the end", async () => {
    const payload = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 131 + (i >> 8)) & 0xff);
    const { server, port } = await sender(payload);
    const relay = await startByteRelay({ targetPort: port, downlink: { bytesPerSecond: 1_000_000, latencyMs: 5 } });
    cleanup.push(() => relay.stop(), () => server.close());
    const { data, ms } = await receiveAll(relay.port);
    expect(data.equals(payload)).toBe(true);
    expect(ms).toBeGreaterThanOrEqual(195); // 200 000 bytes at 1 MB/s
  });
});
