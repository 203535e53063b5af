import { describe, expect, it } from "vitest";
import { mainClient, mainServer } from "./main.js";
import { decodeFixture, hex, roundTrip } from "./__fixtures__/helpers.js";
import { samples } from "./__fixtures__/samples.js";

describe("base and main channel messages", () => {
  it("decodes NOTIFY, ignoring the trailing NUL not counted in message_len", () => {
    const text = "keyboard channel is insecure";
    const body = new Uint8Array(24 + text.length + 1);
    const dv = new DataView(body.buffer);
    dv.setBigUint64(0, 0x1234n, true);
    dv.setUint32(8, 1, true);
    dv.setUint32(12, 2, true);
    dv.setUint32(16, 0, true);
    dv.setUint32(20, text.length, true);
    body.set(new TextEncoder().encode(text), 24);
    expect(body.length).toBe(53);
    const m = mainServer.decode(mainServer.ids.Notify, body);
    if (m.name !== "Notify") throw new Error("name");
    expect(new TextDecoder().decode(m.body.message)).toBe(text);
    expect(m.body).toMatchObject({ severity: 1, visibility: 2, what: 0 });
    expect(mainServer.encode("Notify", m.body)).toEqual(body.subarray(0, 52));
  });

  it("decodes a 12-byte PING and PONG", () => {
    const ping = decodeFixture(mainServer, "Ping", hex("02000000 15cd5b0700000000"));
    expect(ping).toEqual({ id: 2, timestamp: 123456789n, padding: new Uint8Array(0) });
    expect(decodeFixture(mainClient, "Pong", hex("02000000 15cd5b0700000000"))).toEqual({ id: 2, timestamp: 123456789n });
  });

  it("round-trips every main message", () => {
    for (const set of [mainServer, mainClient]) {
      const s = samples[set.scope]!;
      for (const name of Object.keys(set.defs)) {
        expect(s, `${set.scope} sample for ${name}`).toHaveProperty(name);
        roundTrip(set, name, s[name]);
      }
    }
  });
});
