import { connect, createServer, type AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { startByteRelay } from "./byte-relay.js";
import { SpiceWireTap, type TappedMessage } from "./spice-wire-tap.js";

const u32 = (v: number): number[] => [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, v >>> 24];
const linkHeader = (size: number): number[] => [...u32(0x51444552), ...u32(2), ...u32(2), ...u32(size)];

/** Client LinkMess for `channelType` with one common caps word. */
function clientLink(channelType: number, commonCaps: number): Uint8Array {
  const body = [...u32(0), channelType, 0, ...u32(1), ...u32(0), ...u32(18), ...u32(commonCaps)];
  return Uint8Array.from([...linkHeader(body.length), ...body]);
}

/** Server LinkReply (ok) with one common caps word, then the link result. */
function serverLink(commonCaps: number): number[] {
  const body = [...u32(0), ...new Array<number>(162).fill(0), ...u32(1), ...u32(0), ...u32(178), ...u32(commonCaps)];
  return [...linkHeader(body.length), ...body, ...u32(0)];
}

const mini = (type: number, body: number[]): number[] => [type & 255, type >> 8, ...u32(body.length), ...body];
const full = (type: number, body: number[]): number[] => [...u32(1), ...u32(0), type & 255, type >> 8, ...u32(body.length), ...u32(0), ...body];

describe("SpiceWireTap", () => {
  it("tallies a display channel with mini headers, fed one byte at a time", () => {
    const tap = new SpiceWireTap();
    const seen: TappedMessage[] = [];
    tap.onMessage = (m) => seen.push(m);
    const hooks = tap.relayHooks(1);
    hooks.client!(clientLink(2, 1 << 3));
    const box = [...u32(0), ...u32(10), ...u32(20), ...u32(30), ...u32(40), 0];
    const stream = [...serverLink(1 << 3), ...mini(304, [...box, 1, 2, 3]), ...mini(123, [9, 9]), ...mini(304, box)];
    for (const b of stream) hooks.server!(Uint8Array.of(b));
    expect(tap.sorted()).toEqual([
      { key: "display.link", count: 1, bytes: 16 + 182 + 4 },
      { key: "display.DrawCopy", count: 2, bytes: 6 + 24 + 6 + 21 },
      { key: "display.StreamData", count: 1, bytes: 8 },
    ]);
    expect(seen.map((m) => m.name)).toEqual(["DrawCopy", "StreamData", "DrawCopy"]);
    expect([...seen[0].head.subarray(4, 8)]).toEqual([10, 0, 0, 0]);
  });

  it("uses the full header unless both sides have MINI_HEADER", () => {
    const tap = new SpiceWireTap();
    const hooks = tap.relayHooks(1);
    hooks.client!(clientLink(1, 0));
    hooks.server!(Uint8Array.from([...serverLink(1 << 3), ...full(4, [1, 2, 3, 4, 5, 6, 7, 8])]));
    expect(tap.tally.get("main.Ping")).toEqual({ count: 1, bytes: 26 });
  });
});

describe("startByteRelay", () => {
  it("forwards both ways and counts the bytes", async () => {
    const echo = createServer((s) => s.on("data", (d) => s.write(Buffer.concat([d, d]))));
    await new Promise<void>((r) => echo.listen(0, "127.0.0.1", r));
    const relay = await startByteRelay({ targetPort: (echo.address() as AddressInfo).port });
    try {
      const got = await new Promise<string>((resolve, reject) => {
        const c = connect({ port: relay.port, host: "127.0.0.1" }, () => c.write("abc"));
        let text = "";
        c.on("data", (d) => {
          text += d.toString();
          if (text.length >= 6) {
            c.destroy();
            resolve(text);
          }
        });
        c.on("error", reject);
      });
      expect(got).toBe("abcabc");
      expect({ s2c: relay.s2c, c2s: relay.c2s, connections: relay.connections }).toEqual({ s2c: 6, c2s: 3, connections: 1 });
    } finally {
      await relay.stop();
      echo.close();
    }
  });
});
