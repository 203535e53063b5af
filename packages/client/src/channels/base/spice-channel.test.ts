import { describe, expect, it } from "vitest";
import { scriptedServer } from "../__fixtures__/scripted-server.js";
import { InputsChannel } from "../inputs/inputs-channel.js";
import type { ByteTransport } from "../../transport/transport.js";

describe("SpiceChannel writes", () => {
  it("sends what one task writes in one transport send, in order, at the end of the task", async () => {
    const server = scriptedServer();
    const sends: number[] = [];
    const ch = new InputsChannel({
      ...server.ctx,
      transports: async (a) => {
        const t: ByteTransport = await server.ctx.transports(a);
        return {
          ...t,
          send: (d) => {
            sends.push(d.length);
            return t.send(d);
          },
          onData: (l) => t.onData(l),
          onClose: (l) => t.onClose(l),
          close: () => t.close(),
        };
      },
    });
    await ch.connect();
    await server.linked;
    const before = sends.length;
    const received = server.received.length;
    ch.key(0x1e, true);
    ch.key(0x1e, false);
    ch.key(0x30, true);
    expect(sends.length).toBe(before); // nothing yet: still in this task
    await Promise.resolve();
    expect(sends.length).toBe(before + 1);
    const frames = server.received.slice(received);
    expect(frames.map((f) => f.type)).toEqual([101, 102, 101]); // KEY_DOWN, KEY_UP, KEY_DOWN
    // close() sends what is still pending first.
    ch.key(0x30, false);
    ch.close();
    expect(server.received.slice(received + 3).map((f) => f.type)).toEqual([102]);
  });
});
