import { describe, expect, it } from "vitest";
import { SpiceError } from "../wire/errors.js";
import { CursorFlags, cursorClient, cursorServer, CursorServerMsg, CursorType } from "./cursor.js";
import { decodeFixture, hex, roundTrip } from "./__fixtures__/helpers.js";
import { samples } from "./__fixtures__/samples.js";

describe("cursor channel schema", () => {
  it("decodes the 11-byte CURSOR_INIT seen from Xspice and QEMU", () => {
    const b = decodeFixture(cursorServer, "Init", hex("00000000 0000 0000 01 0100"));
    expect(b).toEqual({
      position: { x: 0, y: 0 },
      trailLength: 0,
      trailFrequency: 0,
      visible: 1,
      cursor: { flags: CursorFlags.None, header: null, data: new Uint8Array(0) },
    });
  });

  it("decodes CURSOR_SET with an ALPHA shape running to the end", () => {
    const body = hex("0a00 1400 01 0200 3412000000000000 00 0200 0100 0100 0000 ff000080 00ff0080");
    const b = decodeFixture(cursorServer, "Set", body);
    expect(b.cursor.header).toEqual({ unique: 0x1234n, type: CursorType.Alpha, width: 2, height: 1, hotSpotX: 1, hotSpotY: 0 });
    expect(b.cursor.data).toEqual(hex("ff000080 00ff0080"));
    expect(b.cursor.data.buffer).toBe(body.buffer);
    expect(() => cursorServer.decode(CursorServerMsg.Set, hex("0a00 1400 01 0200 3412"))).toThrow(SpiceError);
  });

  it("round-trips every message", () => {
    for (const set of [cursorServer, cursorClient]) {
      const s = samples[set.scope]!;
      for (const name of Object.keys(set.defs)) {
        expect(s, `${set.scope} sample for ${name}`).toHaveProperty(name);
        roundTrip(set, name, s[name]);
      }
    }
  });
});
