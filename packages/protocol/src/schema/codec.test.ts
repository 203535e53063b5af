import { describe, expect, it } from "vitest";
import { SpiceError } from "../wire/errors.js";
import { decode, encode, nullablePtr, ptr, restBytes, struct, switchOn, u16, u32, u8, u64, array } from "./codec.js";
import { mainServer, MainServerMsg } from "../messages/main.js";
import { Clip } from "../messages/common.js";

const hex = (s: string) => Uint8Array.from(s.replace(/\s+/g, "").match(/../g)!.map((b) => parseInt(b, 16)));

describe("schema codecs", () => {
  it("decodes MAIN_INIT as seen on the wire", () => {
    const body = hex("028db988 01000000 03000000 01000000 00000000 0a000000 00000000 00e8ff06");
    const m = mainServer.decode(MainServerMsg.Init, body);
    expect(m.name).toBe("Init");
    if (m.name !== "Init") throw new Error();
    expect(m.body.sessionId).toBe(0x88b98d02);
    expect(m.body.supportedMouseModes).toBe(3);
    expect(m.body.agentTokens).toBe(10);
    expect(mainServer.encode("Init", m.body)).toEqual(body);
  });

  it("decodes CHANNELS_LIST", () => {
    const m = mainServer.decode(104, hex("03000000 0200 0400 0300"));
    expect(m.body).toEqual({ channels: [{ type: 2, id: 0 }, { type: 4, id: 0 }, { type: 3, id: 0 }] });
  });

  it("round-trips pointers, placing pointees after the fixed part", () => {
    const Inner = struct("Inner", { a: u16, tail: array(u8, u8) });
    const Outer = struct("Outer", { x: u8, p: ptr(Inner), q: nullablePtr(Inner), y: u32 });
    const v = { x: 7, p: { a: 0x1234, tail: [1, 2, 3] }, q: null, y: 9 };
    const bytes = encode(Outer, v);
    expect(bytes).toEqual(hex("07 0d000000 00000000 09000000 3412 03 010203"));
    expect(decode(Outer, bytes)).toEqual(v);
  });

  it("reads tagged variants", () => {
    expect(decode(Clip, hex("00"))).toEqual({ type: 0 });
    const c = decode(Clip, hex("01 01000000 01000000 02000000 03000000 04000000"));
    expect(c).toEqual({ type: 1, rects: [{ top: 1, left: 2, bottom: 3, right: 4 }] });
    expect(encode(Clip, c)).toEqual(hex("01 01000000 01000000 02000000 03000000 04000000"));
  });

  it("switches on a field inside a header struct", () => {
    const Head = struct("Head", { id: u64, kind: u8, size: u16 });
    const Tagged = switchOn("Tagged", Head, "kind", {
      1: struct("One", { a: u32 }),
      2: struct("Two", {}),
    });
    const bytes = hex("0500000000000000 01 0300 2a000000");
    const v = decode(Tagged, bytes);
    expect(v).toEqual({ id: 5n, kind: 1, size: 3, a: 42 });
    if (v.kind === 1) expect(v.a).toBe(42);
    expect(encode(Tagged, v)).toEqual(bytes);
    expect(decode(Tagged, hex("0500000000000000 02 0300"))).toEqual({ id: 5n, kind: 2, size: 3 });
    expect(() => decode(Tagged, hex("0500000000000000 03 0300"))).toThrow(SpiceError);
  });

  it("turns truncation, bad pointers and unknown tags into SpiceError", () => {
    expect(() => mainServer.decode(MainServerMsg.Init, hex("0102"))).toThrow(SpiceError);
    expect(() => decode(struct("P", { p: ptr(u32) }), hex("ff000000"))).toThrow(SpiceError);
    expect(() => decode(Clip, hex("05"))).toThrow(SpiceError);
    expect(() => mainServer.decode(9999, new Uint8Array())).toThrow(/unknown message type/);
    expect(() => decode(struct("R", { r: restBytes }), new Uint8Array())).not.toThrow();
  });
});
