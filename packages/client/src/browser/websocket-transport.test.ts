import { afterEach, describe, expect, it } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import { browserInflate } from "./inflate.js";
import { websocketTransportFactory, type WebSocketConstructor } from "./websocket-transport.js";
import { deflateSync } from "node:zlib";

const WS = WebSocket as unknown as WebSocketConstructor;
let servers: WebSocketServer[] = [];

afterEach(async () => {
  for (const s of servers) {
    for (const c of s.clients) c.terminate();
    await new Promise<void>((r) => s.close(() => r()));
  }
  servers = [];
});

function server(onConnection: (ws: WebSocket, protocol: string) => void): Promise<number> {
  return new Promise((resolve) => {
    const s = new WebSocketServer({ port: 0, host: "127.0.0.1" }, () => resolve((s.address() as { port: number }).port));
    s.on("connection", (ws) => onConnection(ws, ws.protocol));
    servers.push(s);
  });
}

describe("websocketTransportFactory", () => {
  it("opens one WebSocket per channel with the 'binary' protocol and delivers chunks in order", async () => {
    const protocols: string[] = [];
    const port = await server((ws, protocol) => {
      protocols.push(protocol);
      ws.on("message", (m: Buffer) => ws.send(Buffer.concat([Buffer.from("echo:"), m])));
      // Sent before the client registers its data listener: must be kept, in order.
      ws.send(Uint8Array.of(1, 2));
      ws.send(Uint8Array.of(3));
    });
    const factory = websocketTransportFactory(`ws://127.0.0.1:${port}/`, ["binary"], { WebSocket: WS });
    const a = await factory({ channelType: 1, channelId: 0 });
    const b = await factory({ channelType: 2, channelId: 0 });
    expect(protocols).toEqual(["binary", "binary"]);
    await new Promise((r) => setTimeout(r, 50));
    const got: number[] = [];
    a.onData((c) => got.push(...c));
    await new Promise((r) => setTimeout(r, 10));
    expect(got).toEqual([1, 2, 3]);
    const echoed: string[] = [];
    b.onData((c) => echoed.push(new TextDecoder().decode(c)));
    expect(b.send(new TextEncoder().encode("hi"))).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    expect(echoed.join("")).toContain("echo:hi");
    a.close();
    b.close();
  });

  it("pause keeps chunks until resume", async () => {
    let peer: WebSocket | undefined;
    const port = await server((ws) => (peer = ws));
    const t = await websocketTransportFactory(`ws://127.0.0.1:${port}/`, ["binary"], { WebSocket: WS })({ channelType: 1, channelId: 0 });
    const got: number[] = [];
    t.onData((c) => got.push(...c));
    await new Promise((r) => setTimeout(r, 20));
    t.pause!();
    peer!.send(Uint8Array.of(9));
    await new Promise((r) => setTimeout(r, 50));
    expect(got).toEqual([]);
    t.resume!();
    expect(got).toEqual([9]);
    t.close();
  });

  it("reports a peer's abrupt close as an error, a local close as clean", async () => {
    let peer: WebSocket | undefined;
    const port = await server((ws) => (peer = ws));
    const factory = websocketTransportFactory(`ws://127.0.0.1:${port}/`, ["binary"], { WebSocket: WS });
    const t = await factory({ channelType: 1, channelId: 0 });
    const closed = new Promise<Error | undefined>((r) => t.onClose(r));
    t.onData(() => {});
    await new Promise((r) => setTimeout(r, 20));
    peer!.terminate();
    expect((await closed)?.message).toMatch(/WebSocket closed/);

    const t2 = await factory({ channelType: 1, channelId: 0 });
    const closed2 = new Promise<Error | undefined>((r) => t2.onClose(r));
    t2.close();
    expect(await closed2).toBeUndefined();
  });

  it("fails with ERR_SPICE_CONNECT when nothing listens", async () => {
    const port = await server(() => {});
    await new Promise<void>((r) => servers.pop()!.close(() => r()));
    await expect(websocketTransportFactory(`ws://127.0.0.1:${port}/`, ["binary"], { WebSocket: WS })({ channelType: 1, channelId: 0 })).rejects.toMatchObject({
      code: "ERR_SPICE_CONNECT",
    });
  });
});

describe("browserInflate", () => {
  it("inflates zlib data to the expected size and never past it", () => {
    const plain = new Uint8Array(10_000).map((_, i) => (i * 7) & 0xff);
    const z = new Uint8Array(deflateSync(plain));
    expect(browserInflate(z, plain.length)).toEqual(plain);
    expect(browserInflate(z, 100).length).toBeLessThanOrEqual(100);
    expect(() => browserInflate(Uint8Array.of(1, 2, 3, 4, 5), 10)).toThrow();
  });
});
